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
