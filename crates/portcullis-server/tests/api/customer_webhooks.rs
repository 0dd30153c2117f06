//! Customer-side alerts over real HTTP, on SQLite and PostgreSQL: a
//! customer admin's subscription receives every event the issue lists that
//! concerns its tenant — relationship created, changed, terminated; role
//! changes (assignments, and just-in-time activations of a relationship in
//! its tenant); containments — and another customer's subscription none.

use reqwest::StatusCode;
use serde_json::json;

use crate::subscribed::{Subscribed, event_types, two_customers_subscribed};
use crate::support::str_field;
use crate::usage::{GROUPS_ADMIN, HELPDESK, Used, used_on_postgres, used_on_sqlite};

async fn every_event_concerning_the_tenant_reaches_its_subscription(w: Used) {
    let s = &w.server;
    let ca = w.customer_admin.secret.as_str();
    let pa = w.partner_admin.secret.as_str();
    let Subscribed {
        customer,
        other_admin,
        mine,
        theirs,
        ..
    } = two_customers_subscribed(&w).await;

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
    let got = event_types(s, ca, &mine).await;
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
    assert!(
        event_types(s, &other_admin.secret, &theirs)
            .await
            .is_empty()
    );
}

#[tokio::test]
async fn customer_webhooks_on_sqlite() {
    every_event_concerning_the_tenant_reaches_its_subscription(used_on_sqlite().await.0).await;
}

#[tokio::test]
async fn customer_webhooks_on_postgres() {
    if let Some((w, _clock)) = used_on_postgres().await {
        every_event_concerning_the_tenant_reaches_its_subscription(w).await;
    }
}
