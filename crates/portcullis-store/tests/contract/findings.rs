//! Detection findings (one open per user and rule, evidence grows, the
//! operator's status stays) and containments (one active per target, lifted
//! by an operator, read into the decision snapshot).

use portcullis_domain::{Containment, ContainmentKind, Finding, FindingFilter, FindingStatus};
use portcullis_domain::{PageRequest, RecordId, Timestamp, UserId};
use portcullis_store::{AccessStore, AuditStore, ContainmentStore, FindingStore, StoreError};

use crate::contract;
use crate::support::{audit_log, ctx};

fn finding(user: &str, rule: &str, last: i64, evidence: i64) -> Finding {
    Finding {
        id: RecordId::generate(),
        rule_id: rule.into(),
        severity_id: 4,
        status: FindingStatus::New,
        status_reason: None,
        partner_tenant_id: None,
        user_id: Some(user.into()),
        title: "t".into(),
        first_seen: Timestamp::from_unix_millis(1_000),
        last_seen: Timestamp::from_unix_millis(last),
        evidence_count: evidence,
        body: serde_json::json!({"class_uid": 2004}),
        created_at: Timestamp::from_unix_millis(1_000),
        updated_at: Timestamp::from_unix_millis(last),
        version: 0,
    }
}

contract!(
    a_finding_grows_keeps_its_status_and_is_found_open,
    |store, _db| {
        let first = store
            .upsert_finding(&ctx(1_000), &finding("u1", "fan_out", 2_000, 3))
            .await
            .unwrap();
        assert_eq!(first.version, 1);
        let open = store.open_finding("u1", "fan_out").await.unwrap().unwrap();
        assert_eq!(open.id, first.id);
        store
            .set_finding_status(
                &ctx(3_000),
                first.id,
                FindingStatus::InProgress,
                Some("looking"),
                Some(1),
            )
            .await
            .unwrap();
        let mut grown = first.clone();
        grown.last_seen = Timestamp::from_unix_millis(4_000);
        grown.evidence_count = 7;
        let after = store.upsert_finding(&ctx(4_000), &grown).await.unwrap();
        assert_eq!(
            (after.status.as_str(), after.evidence_count, after.version),
            ("In Progress", 7, 3)
        );
        let stale = store
            .set_finding_status(
                &ctx(5_000),
                first.id,
                FindingStatus::Resolved,
                None,
                Some(1),
            )
            .await
            .unwrap_err();
        assert!(
            matches!(stale, StoreError::VersionMismatch { current: 3 }),
            "{stale:?}"
        );
        store
            .set_finding_status(&ctx(5_000), first.id, FindingStatus::Resolved, None, None)
            .await
            .unwrap();
        assert_eq!(store.open_finding("u1", "fan_out").await.unwrap(), None);
        let listed = store
            .list_detection_findings(
                &FindingFilter {
                    status: Some("Resolved".into()),
                    ..FindingFilter::default()
                },
                &PageRequest::first(10),
            )
            .await
            .unwrap();
        assert_eq!(listed.items.len(), 1);
        let ops: Vec<String> = audit_log(&store)
            .await
            .iter()
            .map(|r| r.operation.clone())
            .collect();
        assert_eq!(
            &ops[ops.len() - 4..],
            [
                "finding.create",
                "finding.status",
                "finding.update",
                "finding.status"
            ]
        );
        assert!(store.verify_audit().await.unwrap().is_ok());
    }
);

contract!(
    a_contained_user_is_in_the_snapshot_until_lifted,
    |store, _db| {
        let user = UserId::generate();
        let c = Containment {
            id: RecordId::generate(),
            kind: ContainmentKind::User,
            target_id: user.to_string(),
            finding_id: None,
            reason: "spray".into(),
            created_at: Timestamp::from_unix_millis(1_000),
            created_by: "system".into(),
            lifted_at: None,
            lifted_by: None,
            lift_reason: None,
        };
        store.create_containment(&ctx(1_000), &c).await.unwrap();
        let again = Containment {
            id: RecordId::generate(),
            ..c.clone()
        };
        assert!(matches!(
            store.create_containment(&ctx(1_500), &again).await,
            Err(StoreError::Conflict(_))
        ));
        assert_eq!(
            store.access_snapshot().await.unwrap().contained_users,
            vec![user]
        );
        let lifted = store
            .lift_containment(&ctx(2_000), c.id, "false positive")
            .await
            .unwrap();
        assert_eq!(lifted.lift_reason.as_deref(), Some("false positive"));
        assert!(
            store
                .access_snapshot()
                .await
                .unwrap()
                .contained_users
                .is_empty()
        );
        assert!(matches!(
            store.lift_containment(&ctx(3_000), c.id, "x").await,
            Err(StoreError::Conflict(_))
        ));
        let active = store
            .list_containments(true, &PageRequest::first(10))
            .await
            .unwrap();
        assert!(active.items.is_empty());
        let all = store
            .list_containments(false, &PageRequest::first(10))
            .await
            .unwrap();
        assert_eq!(all.items.len(), 1);
        // A containment may be created again once lifted.
        store.create_containment(&ctx(4_000), &again).await.unwrap();
    }
);
