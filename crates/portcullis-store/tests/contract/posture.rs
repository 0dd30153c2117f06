//! Posture: snapshots with their reports and the partner's state, stored
//! atomically with their audit records; state versions; listing by state.

use portcullis_domain::{
    AuditFilter, MAX_SNAPSHOT_BYTES, PartnerPosture, PostureFilter, PostureReportRecord,
    PostureSnapshotInfo,
};
use portcullis_domain::{PageRequest, PostureStanding, RecordId, TenantId, TenantKind};
use portcullis_store::{AuditStore, PostureStore, SqlStore, StoreError};
use serde_json::json;

use crate::contract;
use crate::support::{all_pages, audit_count, audit_where, ctx, ms, partner, tenant};

const DOC: &str = r#"{"portcullis_partner_program": {"incident_response_hours": 4}}"#;

pub(crate) struct Upload {
    snapshot: PostureSnapshotInfo,
    report: PostureReportRecord,
    state: PartnerPosture,
}

pub(crate) fn upload(tenant: TenantId, at: i64, standing: PostureStanding, version: i64) -> Upload {
    let snapshot = PostureSnapshotInfo {
        id: RecordId::generate(),
        tenant_id: tenant,
        received_at: ms(at),
        taken_at: Some(ms(at - 1_000)),
        uploaded_by: "partner_admin token:x".into(),
        size_bytes: i64::try_from(DOC.len()).unwrap(),
    };
    let compliant = standing == PostureStanding::Compliant;
    let report = PostureReportRecord {
        id: RecordId::generate(),
        snapshot_id: snapshot.id,
        tenant_id: tenant,
        baseline_version: "partner-2026.1+sha256:abc".into(),
        evaluated_at: ms(at),
        compliant,
        report: json!({"compliant": compliant, "results": []}),
    };
    let failing = if compliant {
        Vec::new()
    } else {
        vec!["aad.mfa-all-users".to_owned()]
    };
    let state = PartnerPosture {
        tenant_id: tenant,
        state: standing,
        failing,
        noncompliant_since: (!compliant).then_some(ms(at)),
        grace_ends_at: (standing == PostureStanding::Noncompliant).then_some(ms(at + 10_000)),
        snapshot_id: snapshot.id,
        snapshot_taken_at: ms(at - 1_000),
        report_id: report.id,
        baseline_version: report.baseline_version.clone(),
        updated_at: ms(at),
        version,
    };
    Upload {
        snapshot,
        report,
        state,
    }
}

pub(crate) async fn store_upload(store: &SqlStore, u: &Upload) -> Result<(), StoreError> {
    store
        .upload_posture_snapshot(
            &ctx(u.snapshot.received_at.unix_millis()),
            &u.snapshot,
            DOC,
            &u.report,
            &u.state,
        )
        .await
}

async fn operations(store: &SqlStore, tenant: TenantId) -> Vec<String> {
    audit_where(
        store,
        &AuditFilter {
            tenant_id: Some(tenant),
            ..AuditFilter::default()
        },
    )
    .await
    .into_iter()
    .map(|r| r.operation)
    .filter(|op| op.starts_with("posture."))
    .collect()
}

contract!(an_upload_stores_snapshot_report_and_state, |store, _db| {
    let p = partner(&store, "Contoso").await;
    let u = upload(p.id, 10_000, PostureStanding::Noncompliant, 1);
    store_upload(&store, &u).await.unwrap();

    let (info, document) = store
        .posture_snapshot(u.snapshot.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(info, u.snapshot);
    assert_eq!(document, DOC);
    assert_eq!(
        store.posture_report(u.report.id).await.unwrap(),
        Some(u.report.clone())
    );
    assert_eq!(
        store.latest_posture_report(p.id).await.unwrap(),
        Some(u.report.clone())
    );
    assert_eq!(
        store.partner_posture(p.id).await.unwrap(),
        Some(u.state.clone())
    );
    assert_eq!(
        operations(&store, p.id).await,
        ["posture.snapshot.upload", "posture.state.noncompliant"]
    );
});

contract!(
    an_upload_that_keeps_the_state_audits_only_the_upload,
    |store, _db| {
        let p = partner(&store, "Contoso").await;
        store_upload(&store, &upload(p.id, 10_000, PostureStanding::Compliant, 1))
            .await
            .unwrap();
        let second = upload(p.id, 20_000, PostureStanding::Compliant, 2);
        store_upload(&store, &second).await.unwrap();
        assert_eq!(
            operations(&store, p.id).await,
            [
                "posture.snapshot.upload",
                "posture.state.compliant",
                "posture.snapshot.upload"
            ]
        );
        assert_eq!(
            store.latest_posture_report(p.id).await.unwrap().unwrap().id,
            second.report.id
        );
        assert_eq!(
            store.partner_posture(p.id).await.unwrap().unwrap().version,
            2
        );
    }
);

contract!(
    a_stale_state_version_is_refused_and_nothing_is_kept,
    |store, _db| {
        let p = partner(&store, "Contoso").await;
        store_upload(&store, &upload(p.id, 10_000, PostureStanding::Compliant, 1))
            .await
            .unwrap();
        let before = audit_count(&store).await;
        let racing = upload(p.id, 20_000, PostureStanding::Noncompliant, 1);
        let err = store_upload(&store, &racing).await.unwrap_err();
        assert!(
            matches!(err, StoreError::VersionMismatch { current: 1 }),
            "{err:?}"
        );
        assert_eq!(audit_count(&store).await, before);
        assert!(
            store
                .posture_snapshot(racing.snapshot.id)
                .await
                .unwrap()
                .is_none()
        );
        assert_eq!(
            store.partner_posture(p.id).await.unwrap().unwrap().state,
            PostureStanding::Compliant
        );
        let first_ever = upload(TenantId::generate(), 30_000, PostureStanding::Compliant, 2);
        assert!(store_upload(&store, &first_ever).await.is_err());
    }
);

contract!(snapshots_belong_to_partner_tenants_only, |store, _db| {
    let c = tenant(&store, TenantKind::Customer, "Fabrikam").await;
    let before = audit_count(&store).await;
    let err = store_upload(&store, &upload(c.id, 10_000, PostureStanding::Compliant, 1))
        .await
        .unwrap_err();
    assert!(!matches!(err, StoreError::Database(_)), "{err:?}");
    let err = store_upload(
        &store,
        &upload(TenantId::generate(), 10_000, PostureStanding::Compliant, 1),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(err, StoreError::NotFound | StoreError::Conflict(_)),
        "{err:?}"
    );
    assert_eq!(audit_count(&store).await, before);
});

contract!(
    an_oversized_document_is_refused_before_any_write,
    |store, _db| {
        let p = partner(&store, "Contoso").await;
        let before = audit_count(&store).await;
        let u = upload(p.id, 10_000, PostureStanding::Compliant, 1);
        let huge = format!("{{\"pad\": \"{}\"}}", "x".repeat(MAX_SNAPSHOT_BYTES));
        let err = store
            .upload_posture_snapshot(&ctx(10_000), &u.snapshot, &huge, &u.report, &u.state)
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::InvalidChange(_)), "{err:?}");
        assert_eq!(audit_count(&store).await, before);
        assert!(store.partner_posture(p.id).await.unwrap().is_none());
    }
);

contract!(a_report_of_another_snapshot_is_refused, |store, _db| {
    let p = partner(&store, "Contoso").await;
    let mut u = upload(p.id, 10_000, PostureStanding::Compliant, 1);
    u.report.snapshot_id = RecordId::generate();
    assert!(matches!(
        store_upload(&store, &u).await.unwrap_err(),
        StoreError::InvalidChange(_)
    ));
    let mut u = upload(p.id, 10_000, PostureStanding::Compliant, 1);
    u.state.report_id = RecordId::generate();
    assert!(matches!(
        store_upload(&store, &u).await.unwrap_err(),
        StoreError::InvalidChange(_)
    ));
});

contract!(
    re_evaluation_records_state_changes_and_plain_evaluations,
    |store, _db| {
        let p = partner(&store, "Contoso").await;
        let u = upload(p.id, 10_000, PostureStanding::Noncompliant, 1);
        store_upload(&store, &u).await.unwrap();

        // Time alone moves the partner to suspended: no new report.
        let mut suspended = u.state.clone();
        suspended.state = PostureStanding::Suspended;
        suspended.grace_ends_at = None;
        suspended.updated_at = ms(20_000);
        suspended.version = 2;
        store
            .record_posture(&ctx(20_000), None, &suspended)
            .await
            .unwrap();

        // A new baseline judges the same snapshot again, still failing.
        let mut report = u.report.clone();
        report.id = RecordId::generate();
        report.baseline_version = "partner-2026.2+sha256:def".into();
        report.evaluated_at = ms(30_000);
        let mut again = suspended.clone();
        again.report_id = report.id;
        again.baseline_version = report.baseline_version.clone();
        again.updated_at = ms(30_000);
        again.version = 3;
        store
            .record_posture(&ctx(30_000), Some(&report), &again)
            .await
            .unwrap();

        assert_eq!(store.partner_posture(p.id).await.unwrap(), Some(again));
        assert_eq!(
            store.latest_posture_report(p.id).await.unwrap(),
            Some(report)
        );
        assert_eq!(
            operations(&store, p.id).await,
            [
                "posture.snapshot.upload",
                "posture.state.noncompliant",
                "posture.state.suspended",
                "posture.evaluate"
            ]
        );
        let log = audit_where(
            &store,
            &AuditFilter {
                operation: Some("posture.state.suspended".into()),
                ..AuditFilter::default()
            },
        )
        .await;
        assert_eq!(log.len(), 1);
        assert_eq!(log[0].target_id, p.id.to_string());
        assert!(log[0].before.as_deref().unwrap().contains("noncompliant"));
        assert!(store.verify_audit().await.unwrap().is_ok());
    }
);

contract!(partners_are_listed_by_state_in_pages, |store, _db| {
    let mut suspended: Vec<TenantId> = Vec::new();
    for i in 0..5 {
        let p = partner(&store, &format!("Partner {i}")).await;
        let standing = if i % 2 == 0 {
            PostureStanding::Suspended
        } else {
            PostureStanding::Compliant
        };
        store_upload(&store, &upload(p.id, 10_000 + i, standing, 1))
            .await
            .unwrap();
        if standing == PostureStanding::Suspended {
            suspended.push(p.id);
        }
    }
    suspended.sort();
    let filter = PostureFilter {
        state: Some(PostureStanding::Suspended),
    };
    let (items, pages) = all_pages(2, async |page| {
        store.list_partner_postures(&filter, &page).await.unwrap()
    })
    .await;
    assert_eq!(
        items.iter().map(|p| p.tenant_id).collect::<Vec<_>>(),
        suspended
    );
    assert_eq!(pages, 2);
    let all = store
        .list_partner_postures(&PostureFilter::default(), &PageRequest::first(50))
        .await
        .unwrap();
    assert_eq!(all.items.len(), 5);
});

contract!(
    the_access_snapshot_names_noncompliant_partners_with_their_suspension_instant,
    |store, _db| {
        use portcullis_store::AccessStore as _;
        let compliant = partner(&store, "Compliant").await;
        let grace = partner(&store, "In grace").await;
        let suspended = partner(&store, "Suspended").await;
        for (p, standing) in [
            (compliant.id, PostureStanding::Compliant),
            (grace.id, PostureStanding::Noncompliant),
            (suspended.id, PostureStanding::Suspended),
        ] {
            store_upload(&store, &upload(p, 10_000, standing, 1))
                .await
                .unwrap();
        }
        let snapshot = store.access_snapshot().await.unwrap();
        let mut expected = vec![(grace.id, ms(20_000)), (suspended.id, ms(i64::MIN))];
        expected.sort();
        assert_eq!(snapshot.posture_suspensions, expected);
    }
);
