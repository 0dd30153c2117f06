//! Customer-side alerts over real HTTP, on SQLite and PostgreSQL: a
//! customer admin's subscription receives every event the issue lists that
//! concerns its tenant — relationship created, changed, terminated; role
//! changes (assignments, and just-in-time activations of a relationship in
//! its tenant); containments — and another customer's subscription none.

use std::sync::Arc;

use portcullis_domain::{TestClock, Timestamp};
use reqwest::StatusCode;
use serde_json::json;

use crate::support::{TestServer, str_field};
use crate::usage::{HELPDESK, T0, Used, used};

const GROUPS_ADMIN: &str = "fdd7a751-b60b-444a-984c-02652fe8fa1c";

/// The event types queued for a subscription.
async fn queued(server: &TestServer, bearer: &str, webhook: &str) -> Vec<String> {
    server
        .collect_pages(&format!("/v1/webhooks/{webhook}/deliveries"), bearer, 200)
        .await
        .0
        .iter()
        .map(|d| str_field(d, "event_type"))
        .collect()
}

async fn subscribe(server: &TestServer, bearer: &str, path: &str) -> String {
    let created = server
        .post(
            "/v1/webhooks",
            bearer,
            json!({"url": format!("http://127.0.0.1:9/{path}")}),
        )
        .await
        .expect_status(StatusCode::CREATED)
        .json();
    str_field(&created, "id")
}

async fn every_event_concerning_the_tenant_reaches_its_subscription(w: Used) {
    let s = &w.server;
    let ca = w.customer_admin.secret.as_str();
    let pa = w.partner_admin.secret.as_str();
    let customer = str_field(
        &s.get("/v1/relationships", ca).await.items()[0],
        "customer_tenant_id",
    );
    let other = str_field(&s.create_tenant("customer", "Northwind").await, "id");
    let other_admin = s.mint("customer_admin", Some(&other)).await;
    let mine = subscribe(s, ca, "fabrikam").await;
    let theirs = subscribe(s, &other_admin.secret, "northwind").await;

    // Relationship created, sent, approved, changed.
    let rel = str_field(
        &s.post(
            "/v1/relationships",
            pa,
            json!({"partner_tenant_id": w.partner, "customer_tenant_id": customer,
                   "display_name": "Contoso JIT for Fabrikam",
                   "roles": [GROUPS_ADMIN, HELPDESK], "duration": "P90D"}),
        )
        .await
        .expect_status(StatusCode::CREATED)
        .json(),
        "id",
    );
    // Refused changes announce nothing (the name is taken).
    s.post(
        "/v1/relationships",
        pa,
        json!({"partner_tenant_id": w.partner, "customer_tenant_id": customer,
               "display_name": "Contoso JIT for Fabrikam",
               "roles": [HELPDESK], "duration": "P90D"}),
    )
    .await
    .expect_error(StatusCode::CONFLICT, "conflict");
    let bob = str_field(
        &s.create_user(&w.partner, "bob@contoso.example", "Bob")
            .await,
        "id",
    );
    let group = str_field(&s.create_group(&w.partner, "Tier 2").await, "id");
    s.add_member(&w.partner, &group, &bob).await;
    let assignment = str_field(
        &s.post(
            &format!("/v1/relationships/{rel}/assignments"),
            pa,
            json!({"group_id": group, "roles": [GROUPS_ADMIN, HELPDESK],
                   "kind": {"type": "eligible", "max_activation": "PT4H", "approval_required": true}}),
        )
        .await
        .expect_status(StatusCode::CREATED)
        .json(),
        "id",
    );
    for (action, bearer) in [("request-approval", pa), ("approve", ca)] {
        s.post(
            &format!("/v1/relationships/{rel}/{action}"),
            bearer,
            json!({}),
        )
        .await
        .expect_status(StatusCode::OK);
    }
    s.patch(
        &format!("/v1/relationships/{rel}/assignments/{assignment}"),
        pa,
        None,
        json!({"roles": [HELPDESK]}),
    )
    .await
    .expect_status(StatusCode::OK);

    // A just-in-time activation, approved by the customer.
    let activation = str_field(
        &s.post(
            "/v1/activations",
            pa,
            json!({"assignment_id": assignment, "user_id": bob, "justification": "ticket 4711",
                   "duration": "PT1H", "auth_strength": "phishing_resistant"}),
        )
        .await
        .expect_status(StatusCode::CREATED)
        .json(),
        "id",
    );
    s.post(
        &format!("/v1/activations/{activation}/approve"),
        ca,
        json!({}),
    )
    .await
    .expect_status(StatusCode::OK);

    // Containment of the relationship, lifted.
    let op = s.operator.secret.clone();
    let contained = s
        .post(
            "/v1/containments",
            &op,
            json!({"kind": "relationship", "target_id": rel, "reason": "odd sign-ins"}),
        )
        .await
        .expect_status(StatusCode::CREATED)
        .json();
    s.post(
        &format!("/v1/containments/{}/lift", str_field(&contained, "id")),
        &op,
        json!({"reason": "false positive"}),
    )
    .await
    .expect_status(StatusCode::OK);

    // Terminated by the partner.
    s.post(&format!("/v1/relationships/{rel}/terminate"), pa, json!({}))
        .await
        .expect_status(StatusCode::OK);

    // Each change announced once (the clock stands still, so deliveries
    // made in one millisecond are not ordered among themselves).
    let got = queued(s, ca, &mine).await;
    for event in [
        "relationship.create",
        "assignment.create",
        "relationship.request_approval",
        "relationship.approve",
        "assignment.update",
        "activation.request",
        "activation.approve",
        "containment.create",
        "containment.lift",
        "relationship.terminate",
    ] {
        assert_eq!(
            got.iter().filter(|e| *e == event).count(),
            1,
            "{event} once in {got:?}"
        );
    }
    let deliveries = s
        .collect_pages(&format!("/v1/webhooks/{mine}/deliveries"), ca, 200)
        .await
        .0;
    let jit = deliveries
        .iter()
        .find(|d| d["event_type"] == "activation.approve")
        .unwrap();
    assert_eq!(jit["payload"]["customer_tenant_id"], customer.as_str());
    assert_eq!(jit["payload"]["activation_id"], activation.as_str());
    assert_eq!(jit["payload"]["after"]["status"], "active");
    let lift = deliveries
        .iter()
        .find(|d| d["event_type"] == "containment.lift")
        .unwrap();
    assert_eq!(
        lift["payload"]["containment"]["lift_reason"],
        "false positive"
    );
    assert!(queued(s, &other_admin.secret, &theirs).await.is_empty());
}

#[tokio::test]
async fn customer_webhooks_on_sqlite() {
    let clock = Arc::new(TestClock::at(Timestamp::from_unix_millis(T0)));
    let server = TestServer::start_with_clock(clock.clone()).await;
    let w = used(server, &clock).await;
    every_event_concerning_the_tenant_reaches_its_subscription(w).await;
}

#[tokio::test]
async fn customer_webhooks_on_postgres() {
    let clock = Arc::new(TestClock::at(Timestamp::from_unix_millis(T0)));
    let Some(server) = TestServer::start_postgres_with_clock(clock.clone()).await else {
        assert!(!portcullis_testkit::in_ci(), "PostgreSQL is required in CI");
        return;
    };
    let w = used(server, &clock).await;
    every_event_concerning_the_tenant_reaches_its_subscription(w).await;
}
