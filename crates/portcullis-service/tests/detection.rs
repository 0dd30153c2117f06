//! Detection over the stored activity stream: events in, findings stored,
//! the containment policy contains the user, decisions deny, and a restart
//! resumes without raising the same finding again.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "tests"
)]

use std::sync::Arc;

use portcullis_decision::{DecisionRequest, DenyReason};
use portcullis_domain::FindingFilter;
use portcullis_domain::{
    Action, AuthStrength, PageRequest, Principal, PrincipalKind, SystemClock, TenantId, Timestamp,
    UserId,
};
use portcullis_service::{Caller, Portcullis};
use portcullis_store::Store;
use portcullis_testkit::TestDb;
use serde_json::json;

fn service() -> Caller {
    Caller::new(Principal::new(PrincipalKind::Service, None, None).unwrap())
}

/// A partner user signing in to `customers` distinct customer tenants, one a minute.
fn fan_out(user: UserId, partner: TenantId, customers: usize, start: i64) -> String {
    (0..customers)
        .map(|n| {
            json!({"class_uid": 3002, "time": start + i64::try_from(n).unwrap() * 60_000, "status_id": 1,
                   "metadata": {"uid": format!("{user}-{start}-{n}")},
                   "user": {"uid": user.to_string(), "org": {"uid": partner.to_string()}},
                   "cloud": {"account": {"uid": TenantId::generate().to_string()}},
                   "src_endpoint": {"ip": "198.51.100.20", "location": {"country": "GB"}},
                   "is_mfa": true})
            .to_string()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn denied_as_contained(app: &Portcullis, user: UserId, partner: TenantId) -> bool {
    let request = DecisionRequest {
        partner_tenant_id: partner,
        user_id: user,
        customer_tenant_id: TenantId::generate(),
        action: Action::parse("users.read").unwrap(),
        auth_strength: AuthStrength::PhishingResistant,
        source_ip: None,
    };
    app.decisions()
        .decide_all(&[request], Timestamp::from_unix_millis(0))
        .remove(0)
        .reasons
        .contains(&DenyReason::UserContained)
}

/// Contoso and its technician, who will fan out.
async fn contoso(app: &Portcullis) -> (TenantId, UserId) {
    let op = Caller::local_operator();
    let partner = app
        .create_tenant(
            &op,
            portcullis_domain::NewTenant {
                id: TenantId::generate(),
                kind: portcullis_domain::TenantKind::Partner,
                display_name: portcullis_domain::DisplayName::parse("Contoso").unwrap(),
            },
        )
        .await
        .unwrap()
        .id;
    let user = app
        .create_user(
            &op,
            partner,
            portcullis_domain::NewUser {
                user_principal_name: portcullis_domain::UserPrincipalName::parse(
                    "tech@contoso.example",
                )
                .unwrap(),
                display_name: portcullis_domain::DisplayName::parse("Technician").unwrap(),
                enabled: true,
            },
        )
        .await
        .unwrap()
        .id;
    (partner, user)
}

#[tokio::test]
async fn a_fan_out_finding_contains_the_user_and_a_restart_does_not_raise_it_again() {
    let db = TestDb::sqlite();
    let store: Arc<dyn Store> = Arc::new(db.store().await);
    let app = Portcullis::new(store.clone(), Arc::new(SystemClock))
        // Its webhook points at loopback (never delivered): allowed here.
        .with_webhooks(portcullis_service::WebhookConfig {
            destinations: portcullis_service::DestinationPolicy::new(vec![
                "127.0.0.0/8".parse().unwrap(),
            ]),
            ..portcullis_service::WebhookConfig::default()
        });
    let op = Caller::local_operator();
    let (partner, user) = contoso(&app).await;
    // In the past: ingestion refuses times more than a day ahead of now.
    let start = 1_760_000_000_000;

    let (hook, _secret) = app
        .create_webhook(
            &op,
            portcullis_service::NewWebhook {
                url: "http://127.0.0.1:9/alerts".into(),
                description: None,
                event_types: vec!["finding.create".into()],
                enabled: true,
            },
        )
        .await
        .unwrap();

    // Five customers is under the novelty floor of six: nothing.
    app.ingest_events(&service(), &fan_out(user, partner, 5, start))
        .await
        .unwrap();
    let quiet = app.detect_pending().await.unwrap();
    assert_eq!((quiet.events, quiet.findings_new), (5, 0));
    assert!(!denied_as_contained(&app, user, partner));

    // Thirty more within the hour: one finding, and the user is contained.
    app.ingest_events(&service(), &fan_out(user, partner, 30, start + 10 * 60_000))
        .await
        .unwrap();
    let round = app.detect_pending().await.unwrap();
    assert_eq!(round.findings_new, 1, "{round:?}");
    // The finding grew with most of the thirty events, but one round
    // stores (audits, announces) it once, in its latest state.
    assert_eq!(round.findings_updated, 0, "{round:?}");
    assert_eq!(round.contained, 1);
    assert!(denied_as_contained(&app, user, partner));
    let findings = store
        .list_detection_findings(&FindingFilter::default(), &PageRequest::first(10))
        .await
        .unwrap()
        .items;
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].rule_id, "PCD-001");
    assert_eq!(
        findings[0].user_id.as_deref(),
        Some(user.to_string().as_str())
    );
    assert_eq!(findings[0].body["class_uid"], 2004);
    assert_eq!(findings[0].version, 1);
    // Its latest state, not the first: the threshold is a handful.
    assert!(
        findings[0].evidence_count >= 20,
        "{}",
        findings[0].evidence_count
    );
    // The finding goes out to the subscribed webhook, as OCSF.
    let deliveries = app
        .list_webhook_deliveries(&op, &hook.id.to_string(), &PageRequest::first(10))
        .await
        .unwrap()
        .items;
    assert_eq!(deliveries.len(), 1);
    assert_eq!(deliveries[0].event_type, "finding.create");
    assert_eq!(deliveries[0].payload["class_uid"], 2004);
    let containments = store
        .list_containments(
            &portcullis_domain::ContainmentFilter {
                active_only: true,
                ..portcullis_domain::ContainmentFilter::default()
            },
            &PageRequest::first(10),
        )
        .await
        .unwrap();
    assert_eq!(containments.items[0].finding_id, Some(findings[0].id));
    // The containment policy acts as Portcullis itself.
    assert_eq!(containments.items[0].created_by, "system");

    // Another node (or a restart) resumes where the first stopped: the old
    // events raise nothing new; the contained user stays denied from the store.
    let restarted = Portcullis::load(
        store.clone(),
        Arc::new(SystemClock),
        portcullis_domain::RoleCatalog::default_entra(),
    )
    .await
    .unwrap();
    assert!(denied_as_contained(&restarted, user, partner));
    let resumed = restarted.detect_pending().await.unwrap();
    assert_eq!((resumed.events, resumed.findings_new), (0, 0));
    // The finding grows with more evidence instead of a second one opening.
    restarted
        .ingest_events(&service(), &fan_out(user, partner, 5, start + 45 * 60_000))
        .await
        .unwrap();
    let grown = restarted.detect_pending().await.unwrap();
    assert_eq!(
        (grown.findings_new, grown.findings_updated),
        (0, 1),
        "{grown:?}"
    );
    let findings = store
        .list_detection_findings(&FindingFilter::default(), &PageRequest::first(10))
        .await
        .unwrap()
        .items;
    assert_eq!(findings.len(), 1);
}

#[tokio::test]
async fn detection_settings_stored_mid_stream_retune_the_running_engine_keeping_its_state() {
    let db = TestDb::sqlite();
    let store: Arc<dyn Store> = Arc::new(db.store().await);
    let app = Portcullis::new(store.clone(), Arc::new(SystemClock));
    let op = Caller::local_operator();
    let (partner, user) = contoso(&app).await;
    let start = 1_760_000_000_000;
    app.ingest_events(&service(), &fan_out(user, partner, 5, start))
        .await
        .unwrap();
    assert_eq!(app.detect_pending().await.unwrap().findings_new, 0);

    // Thresholds out of reach: thirty more customers within the hour (a
    // finding under the defaults, see above) raise nothing.
    let defaults = app.detection_settings_in_force(&op).unwrap();
    let mut deaf = defaults.clone();
    deaf.engine.fan_out.floor = 1_000;
    deaf.engine.fan_out.novel_floor = 1_000.0;
    deaf.engine.fan_out.multiplier = 1_000.0;
    app.set_detection_settings(&op, deaf.clone(), Some(0))
        .await
        .unwrap();
    assert_eq!(app.detection_settings_in_force(&op).unwrap(), deaf);
    app.ingest_events(&service(), &fan_out(user, partner, 30, start + 10 * 60_000))
        .await
        .unwrap();
    let round = app.detect_pending().await.unwrap();
    assert_eq!((round.events, round.findings_new), (30, 0), "{round:?}");

    // The defaults again: one more customer raises the finding, because the
    // retuned engine kept the 35 customers it had seen in the window.
    app.set_detection_settings(&op, defaults, Some(1))
        .await
        .unwrap();
    app.ingest_events(&service(), &fan_out(user, partner, 1, start + 45 * 60_000))
        .await
        .unwrap();
    let round = app.detect_pending().await.unwrap();
    assert_eq!((round.events, round.findings_new), (1, 1), "{round:?}");

    // Settings the engine cannot run with are refused.
    let mut broken = app.detection_settings_in_force(&op).unwrap();
    broken.every_ms = 10;
    let err = app
        .set_detection_settings(&op, broken, None)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("`every_ms`"), "{err}");
}
