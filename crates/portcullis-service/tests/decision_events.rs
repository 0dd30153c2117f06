//! Every decision is recorded in the activity stream as an OCSF 6003 event.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "tests"
)]

mod support;

use std::convert::identity;
use std::sync::Arc;

use portcullis_decision::DecisionRequest;
use portcullis_domain::{Action, AuthStrength, EventFilter, PageRequest, SystemClock};
use portcullis_service::Caller;
use portcullis_testkit::TestDb;
use support::Partnership;

#[tokio::test]
async fn each_decision_becomes_an_ocsf_api_activity_event() {
    let db = TestDb::sqlite();
    let clock = Arc::new(SystemClock);
    let (world, alice) = Partnership::with_alice(&db, clock, identity).await;
    let Partnership {
        store,
        app,
        partner,
        customer,
    } = world;
    let op = Caller::local_operator();

    let ask = |action: &str| DecisionRequest {
        partner_tenant_id: partner,
        user_id: alice,
        customer_tenant_id: customer,
        action: Action::parse(action).unwrap(),
        auth_strength: AuthStrength::Mfa,
        source_ip: Some("203.0.113.9".parse().unwrap()),
    };
    let decisions = app
        .decide(&op, &[ask("groups.update"), ask("federation.update")])
        .await
        .unwrap();
    assert!(decisions[0].is_allowed() && !decisions[1].is_allowed());
    app.flush_events().await;

    let all = EventFilter::default();
    let events = store
        .list_events(&all, &PageRequest::first(10))
        .await
        .unwrap()
        .items;
    assert_eq!(events.len(), 2, "one event per decision");
    let (allow, deny) = (&events[0].event, &events[1].event);
    assert_eq!(
        (allow.class_uid, allow.status_id, deny.status_id),
        (6003, 1, 2)
    );
    assert_eq!(allow.operation.as_deref(), Some("groups.update"));
    assert_eq!(allow.body["actor"]["user"]["uid"], alice.to_string());
    assert_eq!(
        allow.body["actor"]["user"]["org"]["uid"],
        partner.to_string()
    );
    assert_eq!(allow.body["cloud"]["account"]["uid"], customer.to_string());
    assert_eq!(allow.body["src_endpoint"]["ip"], "203.0.113.9");
    assert_eq!(allow.body["metadata"]["uid"], allow.uid);
    assert_eq!(
        deny.body["unmapped"]["portcullis"]["decision"]["reasons"][0],
        "role_does_not_permit_action"
    );

    let by_user = EventFilter {
        user_id: Some(alice),
        ..EventFilter::default()
    };
    let mine = store
        .list_events(&by_user, &PageRequest::first(10))
        .await
        .unwrap();
    assert_eq!(mine.items.len(), 2);
    let elsewhere = EventFilter {
        customer_tenant_id: Some(partner),
        ..EventFilter::default()
    };
    let none = store
        .list_events(&elsewhere, &PageRequest::first(10))
        .await
        .unwrap();
    assert!(none.items.is_empty());

    assert_eq!(
        store
            .append_events(std::slice::from_ref(allow))
            .await
            .unwrap(),
        0,
        "the same uid is stored once"
    );
}

/// Counts the stored events, a page at a time.
async fn stored_events(store: &Arc<dyn portcullis_store::Store>) -> usize {
    let mut count = 0;
    let mut page = PageRequest::first(PageRequest::MAX_LIMIT);
    loop {
        let events = store
            .list_events(&EventFilter::default(), &page)
            .await
            .unwrap();
        count += events.items.len();
        match events.next {
            Some(next) => {
                page = PageRequest::new(Some(PageRequest::MAX_LIMIT), Some(next)).unwrap()
            }
            None => return count,
        }
    }
}

#[tokio::test]
async fn batched_records_are_all_stored_by_the_writer_on_its_own_even_past_a_full_transaction() {
    let db = TestDb::sqlite();
    let clock = Arc::new(SystemClock);
    let batched = |app: portcullis_service::Portcullis| {
        app.with_decision_records(portcullis_service::DecisionRecords::Batched { window_ms: 20 })
    };
    let (world, alice) = Partnership::with_alice(&db, clock, batched).await;
    let op = Caller::local_operator();
    let ask = DecisionRequest {
        partner_tenant_id: world.partner,
        user_id: alice,
        customer_tenant_id: world.customer,
        action: Action::parse("groups.update").unwrap(),
        auth_strength: AuthStrength::Mfa,
        source_ip: None,
    };
    // More than one transaction holds (5,000), queued faster than a window.
    let checks = vec![ask; portcullis_service::MAX_DECISION_BATCH];
    let calls = 6_000_usize.div_ceil(checks.len());
    for _ in 0..calls {
        let answers = world.app.decide(&op, &checks).await.unwrap();
        assert!(answers.iter().all(|d| d.is_allowed()));
    }
    let expected = calls * checks.len();
    // No flush: the writer commits each window's records by itself.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let mut stored = stored_events(&world.store).await;
    while stored < expected && std::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        stored = stored_events(&world.store).await;
    }
    assert_eq!(stored, expected, "every batched decision is stored, once");
}
