//! Detection findings (one open per user and rule, evidence grows, the
//! operator's status stays) and containments (one active per target, lifted
//! by an operator, read into the decision snapshot).

use portcullis_domain::{
    Containment, ContainmentFilter, ContainmentKind, ContainmentMode, Finding, FindingFilter,
    FindingStatus,
};
use portcullis_domain::{PageRequest, RecordId, TenantId, Timestamp, UserId};
use portcullis_store::{AccessStore, AuditStore, ContainmentStore, FindingStore, StoreError};

use crate::contract;
use crate::support::{audit_log, ctx};

pub(crate) fn finding(user: &str, rule: &str, last: i64, evidence: i64) -> Finding {
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
        confidence: 0.65,
        explanation: "first `roles.assignments.create` in 30 days".into(),
        body: serde_json::json!({"class_uid": 2004}),
        created_at: Timestamp::from_unix_millis(1_000),
        updated_at: Timestamp::from_unix_millis(last),
        version: 0,
        customers: Vec::new(),
    }
}

contract!(
    a_finding_keeps_every_customer_it_touched_and_is_listed_per_customer,
    |store, _db| {
        let (a, b, c) = (
            TenantId::generate(),
            TenantId::generate(),
            TenantId::generate(),
        );
        let mut first = finding("u1", "PCD-001", 2_000, 1);
        first.customers = vec![a];
        let saved = store.upsert_finding(&ctx(1_000), &first).await.unwrap();
        // The engine keeps only the latest evidence: the next version names
        // only b, yet a stays.
        let mut grown = saved.clone();
        grown.customers = vec![b];
        let after = store.upsert_finding(&ctx(2_000), &grown).await.unwrap();
        let mut both = vec![a, b];
        both.sort();
        assert_eq!(after.customers, both);
        assert_eq!(
            store
                .get_finding(saved.id)
                .await
                .unwrap()
                .unwrap()
                .customers,
            both
        );
        let other = store
            .upsert_finding(&ctx(3_000), &finding("u2", "PCD-003", 3_000, 1))
            .await
            .unwrap();
        assert!(other.customers.is_empty());
        let per = |t| FindingFilter {
            customer_tenant_id: Some(t),
            ..FindingFilter::default()
        };
        for (customer, expected) in [(a, vec![saved.id]), (b, vec![saved.id]), (c, vec![])] {
            let listed = store
                .list_detection_findings(&per(customer), &PageRequest::first(10))
                .await
                .unwrap();
            assert_eq!(
                listed.items.iter().map(|f| f.id).collect::<Vec<_>>(),
                expected
            );
        }
        let all = store
            .list_detection_findings(&FindingFilter::default(), &PageRequest::first(10))
            .await
            .unwrap();
        assert_eq!(all.items.len(), 2);
    }
);

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
        grown.confidence = 0.85;
        grown.explanation = "12 customers new to the user in 1 h".into();
        let after = store.upsert_finding(&ctx(4_000), &grown).await.unwrap();
        assert_eq!(
            (after.status.as_str(), after.evidence_count, after.version),
            ("In Progress", 7, 3)
        );
        // Confidence and explanation are kept as detection last gave them.
        let read = store.get_finding(first.id).await.unwrap().unwrap();
        assert_eq!(
            (read.confidence, read.explanation.as_str()),
            (0.85, "12 customers new to the user in 1 h")
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
            mode: ContainmentMode::Enforced,
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
        let active_only = ContainmentFilter {
            active_only: true,
            ..ContainmentFilter::default()
        };
        let active = store
            .list_containments(&active_only, &PageRequest::first(10))
            .await
            .unwrap();
        assert!(active.items.is_empty());
        let all = store
            .list_containments(&ContainmentFilter::default(), &PageRequest::first(10))
            .await
            .unwrap();
        assert_eq!(all.items.len(), 1);
        // A containment may be created again once lifted.
        store.create_containment(&ctx(4_000), &again).await.unwrap();
    }
);

contract!(
    a_shadow_containment_is_listed_but_holds_nobody_back,
    |store, _db| {
        let user = UserId::generate();
        let shadow = Containment {
            id: RecordId::generate(),
            kind: ContainmentKind::User,
            target_id: user.to_string(),
            mode: ContainmentMode::Shadow,
            finding_id: None,
            reason: "fan-out".into(),
            created_at: Timestamp::from_unix_millis(1_000),
            created_by: "system".into(),
            lifted_at: None,
            lifted_by: None,
            lift_reason: None,
        };
        store
            .create_containment(&ctx(1_000), &shadow)
            .await
            .unwrap();
        assert!(
            store
                .access_snapshot()
                .await
                .unwrap()
                .contained_users
                .is_empty(),
            "a shadow containment is not in the decision snapshot"
        );
        // A second shadow of the same target conflicts; an enforced one does not.
        let again = Containment {
            id: RecordId::generate(),
            ..shadow.clone()
        };
        assert!(matches!(
            store.create_containment(&ctx(1_500), &again).await,
            Err(StoreError::Conflict(_))
        ));
        let enforced = Containment {
            id: RecordId::generate(),
            mode: ContainmentMode::Enforced,
            ..shadow.clone()
        };
        store
            .create_containment(&ctx(2_000), &enforced)
            .await
            .unwrap();
        assert_eq!(
            store.access_snapshot().await.unwrap().contained_users,
            vec![user]
        );
        for (mode, id) in [
            (ContainmentMode::Shadow, shadow.id),
            (ContainmentMode::Enforced, enforced.id),
        ] {
            let filter = ContainmentFilter {
                mode: Some(mode),
                ..ContainmentFilter::default()
            };
            let listed = store
                .list_containments(&filter, &PageRequest::first(10))
                .await
                .unwrap();
            assert_eq!(
                listed
                    .items
                    .iter()
                    .map(|c| (c.id, c.mode))
                    .collect::<Vec<_>>(),
                vec![(id, mode)]
            );
        }
        let by_finding = ContainmentFilter {
            finding_id: Some(RecordId::generate()),
            ..ContainmentFilter::default()
        };
        assert!(
            store
                .list_containments(&by_finding, &PageRequest::first(10))
                .await
                .unwrap()
                .items
                .is_empty()
        );
    }
);
