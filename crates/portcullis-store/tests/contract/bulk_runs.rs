//! Background bulk runs: the run and each item's result kept as they
//! happen, counted once, listed per partner newest first, closed when
//! their node stopped, deleted after they are old.

use portcullis_domain::{BulkItem, BulkOutcome, BulkReport, BulkRun, RecordId};
use portcullis_store::{BulkRunStore, StoreError};

use crate::contract;
use crate::support::{ms, partner};

fn new_run(partner: Option<portcullis_domain::TenantId>, at: i64, total: usize) -> BulkRun {
    BulkRun {
        id: RecordId::generate(),
        partner_tenant_id: partner,
        started_at: ms(at),
        finished_at: None,
        error: None,
        report: BulkReport::new("terminate", false, total),
    }
}

fn item(target: &str, outcome: BulkOutcome) -> BulkItem {
    BulkItem {
        target: target.into(),
        outcome,
        relationship_id: Some(target.into()),
        error: (outcome == BulkOutcome::Failed).then(|| "conflict: no".to_owned()),
    }
}

contract!(
    a_run_keeps_each_item_once_in_order_and_its_end,
    |store, _db| {
        let a = partner(&store, "Alpha").await.id;
        let started = new_run(Some(a), 1_000, 3);
        store.create_bulk_run(&started).await.unwrap();
        store
            .add_bulk_item(started.id, 1, &item("r2", BulkOutcome::Failed), ms(1_200))
            .await
            .unwrap();
        store
            .add_bulk_item(started.id, 0, &item("r1", BulkOutcome::Done), ms(1_100))
            .await
            .unwrap();
        // The same item reported twice counts once.
        store
            .add_bulk_item(started.id, 0, &item("r1", BulkOutcome::Done), ms(1_300))
            .await
            .unwrap();
        let running = store.get_bulk_run(started.id).await.unwrap().unwrap();
        assert_eq!(running.finished_at, None);
        assert_eq!(
            (
                running.report.done,
                running.report.failed,
                running.report.total
            ),
            (1, 1, 3)
        );
        let targets: Vec<&str> = running
            .report
            .items
            .iter()
            .map(|i| i.target.as_str())
            .collect();
        assert_eq!(targets, ["r1", "r2"]);
        assert_eq!(
            running.report.items[1].error.as_deref(),
            Some("conflict: no")
        );
        store
            .finish_bulk_run(started.id, ms(2_000), None)
            .await
            .unwrap();
        let twice = store.finish_bulk_run(started.id, ms(3_000), None).await;
        assert!(matches!(twice, Err(StoreError::NotFound)), "{twice:?}");
        let ended = store.get_bulk_run(started.id).await.unwrap().unwrap();
        assert_eq!(ended.finished_at, Some(ms(2_000)));
        assert!(
            store
                .get_bulk_run(RecordId::generate())
                .await
                .unwrap()
                .is_none()
        );
    }
);

contract!(
    runs_are_listed_per_partner_newest_first_without_items,
    |store, _db| {
        let a = partner(&store, "Alpha").await.id;
        let b = partner(&store, "Bravo").await.id;
        let older = new_run(Some(a), 1_000, 1);
        let newer = new_run(Some(a), 2_000, 1);
        let other = new_run(Some(b), 3_000, 1);
        let operator = new_run(None, 4_000, 1);
        for r in [&older, &newer, &other, &operator] {
            store.create_bulk_run(r).await.unwrap();
            store
                .add_bulk_item(r.id, 0, &item("x", BulkOutcome::Done), ms(5_000))
                .await
                .unwrap();
        }
        let ids = |runs: Vec<BulkRun>| runs.iter().map(|r| r.id).collect::<Vec<_>>();
        let mine = store.list_bulk_runs(Some(a)).await.unwrap();
        assert!(
            mine.iter()
                .all(|r| r.report.items.is_empty() && r.report.done == 1)
        );
        assert_eq!(ids(mine), [newer.id, older.id]);
        assert_eq!(
            ids(store.list_bulk_runs(None).await.unwrap()),
            [operator.id, other.id, newer.id, older.id]
        );
    }
);

contract!(
    runs_left_by_their_node_are_closed_and_old_ones_deleted,
    |store, _db| {
        let quiet = new_run(None, 1_000, 2);
        let busy = new_run(None, 1_000, 2);
        store.create_bulk_run(&quiet).await.unwrap();
        store.create_bulk_run(&busy).await.unwrap();
        store
            .add_bulk_item(busy.id, 0, &item("x", BulkOutcome::Done), ms(9_000))
            .await
            .unwrap();
        let closed = store
            .abandon_bulk_runs(ms(5_000), ms(10_000), "interrupted")
            .await
            .unwrap();
        assert_eq!(closed, 1);
        let quiet_now = store.get_bulk_run(quiet.id).await.unwrap().unwrap();
        assert_eq!(
            (quiet_now.finished_at, quiet_now.error.as_deref()),
            (Some(ms(10_000)), Some("interrupted"))
        );
        assert_eq!(
            store
                .get_bulk_run(busy.id)
                .await
                .unwrap()
                .unwrap()
                .finished_at,
            None
        );
        // Only finished runs go, with their items.
        assert_eq!(store.prune_bulk_runs(ms(20_000)).await.unwrap(), 1);
        assert!(store.get_bulk_run(quiet.id).await.unwrap().is_none());
        assert!(store.get_bulk_run(busy.id).await.unwrap().is_some());
    }
);
