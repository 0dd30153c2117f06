//! Background bulk runs are kept in the store: a run started on one node
//! shows its progress and per-item results on another, outlives the node
//! that ran it, and a run whose node stopped before the end is closed by
//! the sweep — on SQLite and PostgreSQL.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests"
)]

use std::collections::BTreeSet;
use std::sync::Arc;

use portcullis_domain::{
    BulkOperation, BulkOutcome, BulkReport, BulkRun, Clock, DisplayName, IsoDuration, NewTenant,
    RecordId, RelationshipId, RoleId, TenantId, TenantKind, TestClock, Timestamp,
};
use portcullis_service::{ABANDONED_AFTER_MS, BulkJob, Caller, NewRelationship, Portcullis};
use portcullis_store::{BulkRunStore, Store};
use portcullis_testkit::TestDb;

const HELPDESK: &str = "729827e3-9c14-49f7-bb1b-9608f156bbb8";

/// A node: its own connection pool to the shared database.
async fn node(db: &TestDb, clock: &Arc<TestClock>) -> Portcullis {
    let store: Arc<dyn Store> = Arc::new(db.store().await);
    let app = Portcullis::new(store, clock.clone());
    app.reload_index().await.unwrap();
    app
}

/// A partner with three proposed relationships, made on `app`.
async fn relationships(app: &Portcullis, db: &TestDb) -> (TenantId, Vec<RelationshipId>) {
    let op = Caller::local_operator();
    let mut tenants = Vec::new();
    for (kind, name) in [
        (TenantKind::Partner, "Contoso"),
        (TenantKind::Customer, "Fabrikam"),
    ] {
        let new = NewTenant {
            id: TenantId::generate(),
            kind,
            display_name: DisplayName::parse(name).unwrap(),
        };
        tenants.push(app.create_tenant(&op, new).await.unwrap().id);
    }
    db.store()
        .await
        .set_partner_authorized(
            &portcullis_store::AuditContext::new(
                &portcullis_domain::Principal::local_operator(),
                Timestamp::from_unix_millis(0),
                None,
                None,
            ),
            tenants[0],
            true,
        )
        .await
        .unwrap();
    app.reload_index().await.unwrap();
    let mut ids = Vec::new();
    for n in 0..3 {
        let roles: BTreeSet<RoleId> = [RoleId::parse(HELPDESK).unwrap()].into();
        let new = NewRelationship {
            partner_tenant_id: tenants[0],
            customer_tenant_id: tenants[1],
            display_name: DisplayName::parse(&format!("Helpdesk {n}")).unwrap(),
            roles,
            duration: IsoDuration::parse("P90D").unwrap(),
            auto_extend_duration: IsoDuration::parse("PT0S").unwrap(),
        };
        ids.push(app.create_relationship(&op, new).await.unwrap().id);
    }
    (tenants[0], ids)
}

/// Reads the run on `app` until it has finished (at most 10 s).
async fn finished(app: &Portcullis, id: RecordId) -> BulkRun {
    let op = Caller::local_operator();
    for _ in 0..1_000 {
        let run = app.bulk_run(&op, id).await.unwrap();
        if run.finished_at.is_some() {
            return run;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    panic!("run {id} did not finish");
}

async fn a_run_is_seen_from_every_node_and_outlives_its_own(db: TestDb) {
    let clock = Arc::new(TestClock::at(Timestamp::from_unix_millis(
        1_800_000_000_000,
    )));
    let a = node(&db, &clock).await;
    let b = node(&db, &clock).await;
    let (_partner, ids) = relationships(&a, &db).await;
    let op = Caller::local_operator();
    let job = BulkJob::Relationships {
        operation: BulkOperation::SetAutoExtend {
            auto_extend_duration: IsoDuration::parse("P180D").unwrap(),
        },
        relationship_ids: ids.clone(),
        dry_run: false,
    };
    let started = a.start_bulk(&op, job).await.unwrap();
    assert_eq!(started.report.total, 3);
    // Node B, which did not run it, follows it to the end.
    let run = finished(&b, started.id).await;
    assert_eq!(run.error, None);
    assert_eq!((run.report.done, run.report.failed), (3, 0));
    let targets: Vec<String> = run.report.items.iter().map(|i| i.target.clone()).collect();
    let expected: Vec<String> = ids.iter().map(ToString::to_string).collect();
    assert_eq!(targets, expected, "the items in the order named");
    assert!(
        run.report
            .items
            .iter()
            .all(|i| i.outcome == BulkOutcome::Done)
    );
    let listed = b.bulk_runs(&op).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!((listed[0].id, listed[0].report.done), (started.id, 3));
    // The changes are in the database as usual.
    for id in &ids {
        let rel = b.get_relationship(&op, *id).await.unwrap();
        assert_eq!(rel.auto_extend_duration.as_seconds(), 180 * 86_400);
    }

    // Both nodes stop; a new one still shows the run and its items.
    drop((a, b));
    let c = node(&db, &clock).await;
    let again = c.bulk_run(&op, started.id).await.unwrap();
    assert_eq!(again, run);

    // A run whose node stopped half-way: closed by the sweep once it has
    // been untouched for ten minutes, with the items handled kept.
    let store = db.store().await;
    let orphan = BulkRun {
        id: RecordId::generate(),
        partner_tenant_id: None,
        started_at: clock.now(),
        finished_at: None,
        error: None,
        report: BulkReport::new("terminate", false, 2),
    };
    store.create_bulk_run(&orphan).await.unwrap();
    store
        .add_bulk_item(
            orphan.id,
            0,
            &portcullis_domain::BulkItem {
                target: ids[0].to_string(),
                outcome: BulkOutcome::Unchanged,
                relationship_id: Some(ids[0].to_string()),
                error: None,
            },
            clock.now(),
        )
        .await
        .unwrap();
    assert_eq!(c.sweep().await.unwrap().bulk_runs_abandoned, 0);
    clock.advance_millis(ABANDONED_AFTER_MS + 1);
    assert_eq!(c.sweep().await.unwrap().bulk_runs_abandoned, 1);
    let closed = c.bulk_run(&op, orphan.id).await.unwrap();
    assert!(closed.finished_at.is_some());
    assert!(
        closed.error.as_deref().unwrap().starts_with("interrupted"),
        "{closed:?}"
    );
    assert_eq!(closed.report.items.len(), 1);
    // The finished run was not touched.
    assert_eq!(c.bulk_run(&op, started.id).await.unwrap(), run);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bulk_runs_on_sqlite() {
    a_run_is_seen_from_every_node_and_outlives_its_own(TestDb::sqlite()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bulk_runs_on_postgres() {
    let Some(db) = TestDb::postgres().await else {
        assert!(!portcullis_testkit::in_ci(), "PostgreSQL is required in CI");
        return;
    };
    a_run_is_seen_from_every_node_and_outlives_its_own(db).await;
}
