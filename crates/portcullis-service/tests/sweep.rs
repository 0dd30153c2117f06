//! The sweep stores what time decided and warns before relationships end.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "tests"
)]

mod support;

use std::collections::BTreeSet;
use std::sync::Arc;

use portcullis_domain::{AuditFilter, EventFilter};
use portcullis_domain::{
    DisplayName, IsoDuration, PageRequest, PrincipalKind, RelationshipStatus, RoleId, TenantId,
    TestClock, Timestamp,
};
use portcullis_service::{Caller, NewRelationship, NewToken, Portcullis, SweepReport};
use portcullis_store::Store;
use portcullis_testkit::TestDb;
use support::{DAY, HELPDESK_ADMIN as HELPDESK, Partnership, T, admin};

struct World {
    app: Portcullis,
    store: Arc<dyn Store>,
    clock: Arc<TestClock>,
    op: Caller,
    customer_admin: Caller,
    partner: TenantId,
    customer: TenantId,
    _db: TestDb,
}

async fn world() -> World {
    let db = TestDb::sqlite();
    let clock = Arc::new(TestClock::at(Timestamp::from_unix_millis(T)));
    // Its webhook points at loopback (never delivered): allowed here.
    let webhooks = portcullis_service::WebhookConfig {
        destinations: portcullis_service::DestinationPolicy::new(vec![
            "127.0.0.0/8".parse().unwrap(),
        ]),
        ..portcullis_service::WebhookConfig::default()
    };
    let Partnership {
        store,
        app,
        partner,
        customer,
    } = Partnership::new(&db, clock.clone(), |app| app.with_webhooks(webhooks)).await;
    let customer_admin = admin(&app, PrincipalKind::CustomerAdmin, customer).await;
    World {
        app,
        store,
        clock,
        op: Caller::local_operator(),
        customer_admin,
        partner,
        customer,
        _db: db,
    }
}

impl World {
    async fn relationship(
        &self,
        name: &str,
        duration: &str,
        extend: &str,
        approve: bool,
    ) -> portcullis_domain::Relationship {
        let roles: BTreeSet<RoleId> = [RoleId::parse(HELPDESK).unwrap()].into();
        let new = NewRelationship {
            partner_tenant_id: self.partner,
            customer_tenant_id: self.customer,
            display_name: DisplayName::parse(name).unwrap(),
            roles,
            duration: IsoDuration::parse(duration).unwrap(),
            auto_extend_duration: IsoDuration::parse(extend).unwrap(),
        };
        let rel = self.app.create_relationship(&self.op, new).await.unwrap();
        let rel = self.app.request_approval(&self.op, rel.id).await.unwrap();
        if approve {
            self.app
                .approve_relationship(&self.customer_admin, rel.id)
                .await
                .unwrap()
        } else {
            rel
        }
    }

    async fn status(&self, rel: &portcullis_domain::Relationship) -> RelationshipStatus {
        self.app
            .get_relationship(&self.op, rel.id)
            .await
            .unwrap()
            .status
    }

    async fn warnings(&self) -> Vec<i64> {
        let events = self
            .store
            .list_events(&EventFilter::default(), &PageRequest::first(50))
            .await
            .unwrap();
        events
            .items
            .iter()
            .filter(|e| e.event.operation.as_deref() == Some("relationship.expiry_warning"))
            .map(|e| {
                e.event.body["unmapped"]["portcullis"]["days_before_end"]
                    .as_i64()
                    .unwrap()
            })
            .collect()
    }
}

#[tokio::test]
async fn sweep_stores_expiry_at_the_end_and_warns_once_per_threshold() {
    let w = world().await;
    let rel = w.relationship("Forty days", "P40D", "PT0S", true).await;
    assert_eq!(w.app.sweep().await.unwrap(), SweepReport::default());

    w.clock.advance_millis(10 * DAY);
    assert_eq!(w.app.sweep().await.unwrap().warnings, 1, "30 days ahead");
    assert_eq!(w.app.sweep().await.unwrap().warnings, 0, "not twice");
    w.clock.advance_millis(29 * DAY);
    assert_eq!(
        w.app.sweep().await.unwrap().warnings,
        2,
        "7 and 1 days ahead"
    );
    assert_eq!(w.warnings().await, [30, 7, 1]);
    assert_eq!(w.status(&rel).await, RelationshipStatus::Active);

    w.clock.advance_millis(DAY - 1);
    assert_eq!(
        w.app.sweep().await.unwrap().expired,
        0,
        "one millisecond before the end"
    );
    w.clock.advance_millis(1);
    assert_eq!(w.app.sweep().await.unwrap().expired, 1);
    assert_eq!(w.status(&rel).await, RelationshipStatus::Expired);
    let expired = w
        .store
        .list_audit(
            &AuditFilter {
                operation: Some("relationship.expire".into()),
                ..AuditFilter::default()
            },
            &PageRequest::first(5),
        )
        .await
        .unwrap();
    assert_eq!(expired.items.len(), 1);
    // Background work is audited as Portcullis itself, not as an operator.
    assert_eq!(expired.items[0].actor, "system");
    assert_eq!(expired.items[0].actor_kind, "system");
    assert_eq!(
        w.store.verify_audit().await.unwrap(),
        Ok(w.store.audit_head_seq().await.unwrap())
    );
}

#[tokio::test]
async fn sweep_completes_terminations_expires_stale_requests_and_records_extensions() {
    let w = world().await;
    let terminated = w.relationship("Ended", "P40D", "PT0S", true).await;
    w.app
        .terminate_relationship(&w.customer_admin, terminated.id)
        .await
        .unwrap();
    let pending = w
        .relationship("Never approved", "P40D", "PT0S", false)
        .await;
    let extending = w.relationship("Rolling", "P1D", "P180D", true).await;

    let report = w.app.sweep().await.unwrap();
    assert_eq!(report.terminated, 1);
    assert_eq!(w.status(&terminated).await, RelationshipStatus::Terminated);

    w.clock.advance_millis(90 * DAY);
    let report = w.app.sweep().await.unwrap();
    assert_eq!((report.expired, report.extended), (1, 1));
    assert_eq!(w.status(&pending).await, RelationshipStatus::Expired);
    let rolled = w.app.get_relationship(&w.op, extending.id).await.unwrap();
    assert_eq!(rolled.status, RelationshipStatus::Active);
    assert_eq!(
        rolled.end_at,
        Some(extending.end_at.unwrap().saturating_add_millis(180 * DAY))
    );
    assert!(
        w.warnings().await.is_empty(),
        "an auto-extending relationship never warns"
    );
}

#[tokio::test]
async fn sweep_deletes_events_older_than_the_retention() {
    let w = world().await;
    let app = w.app.clone().with_event_retention_days(30);
    let now = portcullis_domain::Clock::now(w.clock.as_ref()).unix_millis();
    let event = |uid: &str, time: i64| portcullis_domain::ActivityEvent {
        uid: uid.into(),
        class_uid: 3002,
        time: Timestamp::from_unix_millis(time),
        status_id: 1,
        partner_tenant_id: None,
        user_id: Some("u1".into()),
        customer_tenant_id: None,
        operation: None,
        body: serde_json::json!({}),
    };
    w.store
        .append_events(&[
            event("old", now - 31 * DAY),
            event("recent", now - 29 * DAY),
        ])
        .await
        .unwrap();
    let report = app.sweep().await.unwrap();
    assert_eq!(report.events_pruned, 1);
    let left = w
        .store
        .list_events(&EventFilter::default(), &PageRequest::first(10))
        .await
        .unwrap();
    assert!(left.items.iter().all(|e| e.event.uid != "old"));
    assert!(left.items.iter().any(|e| e.event.uid == "recent"));
}

#[tokio::test]
async fn expiry_warnings_are_enqueued_as_webhooks_once() {
    let w = world().await;
    let new = portcullis_service::NewWebhook {
        url: "http://127.0.0.1:9/hook".into(),
        description: None,
        event_types: vec!["relationship.expiry_warning".into()],
        enabled: true,
    };
    let (sub, _) = w.app.create_webhook(&w.op, new).await.unwrap();
    let rel = w.relationship("Forty days", "P40D", "PT0S", true).await;
    w.clock.advance_millis(10 * DAY);
    w.app.sweep().await.unwrap();
    w.app.sweep().await.unwrap();
    let log = w
        .app
        .list_webhook_deliveries(&w.op, &sub.id.to_string(), &PageRequest::first(10))
        .await
        .unwrap()
        .items;
    assert_eq!(log.len(), 1, "one delivery for one warning");
    assert_eq!(log[0].event_type, "relationship.expiry_warning");
    let data = &log[0].payload["unmapped"]["portcullis"];
    assert_eq!(data["days_before_end"], 30);
    assert_eq!(data["relationship_id"], rel.id.to_string().as_str());
}

#[tokio::test]
async fn sweep_deletes_console_sessions_a_day_after_they_ended() {
    let w = world().await;
    let token = NewToken {
        kind: PrincipalKind::Operator,
        tenant_id: None,
        description: None,
        expires_in: None,
    };
    let (_, secret) = w.app.create_token(&w.op, token).await.unwrap();
    let (_, idle) = w.app.sign_in(&secret, None, None).await.unwrap();
    assert_eq!(w.app.sweep().await.unwrap().sessions_deleted, 0);

    // Idle for 30 minutes, the session ends; it is kept a day after that.
    w.clock.advance_millis(DAY);
    assert!(w.app.session_principal(&idle).await.is_err(), "idle: ended");
    assert_eq!(
        w.app.sweep().await.unwrap().sessions_deleted,
        0,
        "kept a day"
    );
    w.clock.advance_millis(31 * 60_000);
    let (_, fresh) = w.app.sign_in(&secret, None, None).await.unwrap();
    let report = w.app.sweep().await.unwrap();
    assert_eq!(report.sessions_deleted, 1, "{report:?}");
    assert!(w.app.session_principal(&fresh).await.is_ok());
    assert_eq!(w.app.sweep().await.unwrap().sessions_deleted, 0);
}
