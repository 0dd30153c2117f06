//! Partitioned detection's bookkeeping: a partition's new owner resumes
//! after the last saved stream sequence, a stale owner can neither save
//! nor store its findings again, the findings equal those of one engine
//! over the whole stream, and a partition is cut by partner tenant.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "tests"
)]

use std::sync::Arc;

use portcullis_domain::{
    ActivityEvent, FindingFilter, PageRequest, Principal, PrincipalKind, SystemClock,
};
use portcullis_service::{Caller, DetectionConfig, Portcullis, ServiceError, partition_of};
use portcullis_store::Store;
use portcullis_testkit::TestDb;
use serde_json::json;

/// A partner user reaching 36 new customer tenants, one a minute.
fn fan_out() -> Vec<ActivityEvent> {
    (0..36)
        .map(|n| {
            let line = json!({"class_uid": 3002, "time": 1_760_000_000_000_i64 + n * 60_000,
                "status_id": 1, "metadata": {"uid": format!("fan-{n}")},
                "user": {"uid": "user-1", "org": {"uid": "partner-a"}},
                "cloud": {"account": {"uid": format!("customer-{n}")}},
                "src_endpoint": {"ip": "198.51.100.20", "location": {"country": "GB"}},
                "is_mfa": true});
            ActivityEvent::from_ocsf_line(&line.to_string()).unwrap()
        })
        .collect()
}

/// The events as stream messages numbered from 1.
fn messages(events: &[ActivityEvent]) -> Vec<(i64, Option<ActivityEvent>)> {
    (1..).zip(events.iter().cloned().map(Some)).collect()
}

/// (id, version, evidence) of every stored finding.
async fn findings(app: &Portcullis) -> Vec<(String, i64, i64)> {
    let page = app
        .list_detection_findings(
            &Caller::local_operator(),
            FindingFilter::default(),
            &PageRequest::first(100),
        )
        .await
        .unwrap();
    let mut found: Vec<_> = page
        .items
        .iter()
        .map(|f| (f.id.to_string(), f.version, f.evidence_count))
        .collect();
    found.sort();
    found
}

async fn app_on(store: &Arc<dyn Store>) -> Portcullis {
    Portcullis::new(store.clone(), Arc::new(SystemClock))
}

/// Two nodes on one fresh database, and the events' partition as messages.
struct Nodes {
    _db: TestDb,
    store: Arc<dyn Store>,
    a: Portcullis,
    b: Portcullis,
    partition: u32,
    batch: Vec<(i64, Option<ActivityEvent>)>,
}

impl Nodes {
    async fn on(events: &[ActivityEvent]) -> Self {
        let db = TestDb::sqlite();
        let store: Arc<dyn Store> = Arc::new(db.store().await);
        let (a, b) = (app_on(&store).await, app_on(&store).await);
        Self {
            partition: partition_of(&events[0], a.detection_partitions()),
            batch: messages(events),
            _db: db,
            store,
            a,
            b,
        }
    }
}

#[tokio::test]
async fn a_new_owner_resumes_after_the_saved_sequence_with_the_findings_of_one_engine() {
    let events = fan_out();
    // The reference: one node running detection over the stored stream.
    let single = TestDb::sqlite();
    let single_store: Arc<dyn Store> = Arc::new(single.store().await);
    let reference = app_on(&single_store).await;
    let service = Caller::new(Principal::new(PrincipalKind::Service, None, None).unwrap());
    let lines: Vec<String> = events.iter().map(|e| e.body.to_string()).collect();
    reference
        .ingest_events(&service, &lines.join("\n"))
        .await
        .unwrap();
    let whole = reference.detect_pending().await.unwrap();
    assert!(whole.findings_new >= 1, "{whole:?}");
    assert_eq!(reference.detection_counts().events, 36);

    let Nodes {
        _db,
        store,
        a,
        b,
        partition,
        batch,
    } = Nodes::on(&events).await;

    // Node A runs the first half and saves it, then dies.
    let mut first = a.open_partition(partition).await.unwrap();
    let round = a
        .detect_partition(&mut first, &batch[..18], "a")
        .await
        .unwrap();
    assert_eq!(round.events, 18);
    // Node B takes over; the stream hands it everything from the start:
    // it skips what A saved.
    let mut second = b.open_partition(partition).await.unwrap();
    assert_eq!(second.last_seq(), 18);
    let rest = b.detect_partition(&mut second, &batch, "b").await.unwrap();
    assert_eq!(rest.events, 18);
    assert_eq!(
        round.findings_new + rest.findings_new,
        whole.findings_new,
        "same findings as one engine"
    );
    assert_eq!(
        round.findings_updated + rest.findings_updated,
        whole.findings_updated
    );
    assert_eq!(findings(&b).await, findings(&reference).await);

    let saved = store
        .load_detection_partition(partition)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((saved.last_seq, saved.processed), (36, 36));
    let progress = store.detection_partition_progress().await.unwrap();
    assert_eq!(progress.iter().map(|p| p.processed).sum::<i64>(), 36);
    assert_eq!(
        a.detection_counts().events + b.detection_counts().events,
        36
    );
}

#[tokio::test]
async fn a_stale_owner_neither_saves_nor_stores_its_findings_again() {
    let events = fan_out();
    let Nodes {
        _db,
        store,
        a,
        b,
        partition,
        batch,
    } = Nodes::on(&events).await;
    // Both believe they own the partition (A lost its lock unawares).
    let mut stale = a.open_partition(partition).await.unwrap();
    let mut owner = b.open_partition(partition).await.unwrap();
    let done = b.detect_partition(&mut owner, &batch, "b").await.unwrap();
    assert!(done.findings_new >= 1);
    let stored = findings(&b).await;

    // A runs the same events: its findings are already stored with that
    // evidence (skipped, as after a takeover), and its save is refused.
    let refused = a.detect_partition(&mut stale, &batch, "a").await;
    assert!(
        matches!(refused, Err(ServiceError::Conflict(_))),
        "{refused:?}"
    );
    assert_eq!(findings(&a).await, stored, "no finding stored twice");
    assert_eq!(a.detection_counts().events, 0, "nothing counted unsaved");
    let saved = store
        .load_detection_partition(partition)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((saved.last_seq, saved.processed), (36, 36));
}

#[tokio::test]
async fn a_partition_saved_under_another_count_is_not_resumed() {
    let events = fan_out();
    let db = TestDb::sqlite();
    let store: Arc<dyn Store> = Arc::new(db.store().await);
    let app = app_on(&store).await;
    let partition = partition_of(&events[0], 16);
    let mut detector = app.open_partition(partition).await.unwrap();
    app.detect_partition(&mut detector, &messages(&events), "a")
        .await
        .unwrap();
    let eight = app_on(&store).await.with_detection(DetectionConfig {
        partitions: 8,
        ..DetectionConfig::default()
    });
    let refused = eight.open_partition(partition).await;
    assert!(
        matches!(refused, Err(ServiceError::Conflict(_))),
        "{refused:?}"
    );
}

#[test]
fn events_are_cut_by_partner_tenant_else_by_user() {
    let mut events = fan_out();
    let partner = partition_of(&events[0], 16);
    // FNV-1a of `partner-a`, modulo 16: stable across processes.
    assert_eq!(partner, 7);
    assert!(events.iter().all(|e| partition_of(e, 16) == partner));
    events[0].user_id = Some("someone-else".into());
    assert_eq!(partition_of(&events[0], 16), partner, "the partner decides");
    events[0].partner_tenant_id = None;
    events[0].user_id = Some("user-x".into());
    assert_eq!(partition_of(&events[0], 16), 15, "no partner: the user");
    assert_eq!(partition_of(&events[0], 1), 0);
    assert_eq!(
        partition_of(&events[0], 0),
        0,
        "no partitions counts as one"
    );
}
