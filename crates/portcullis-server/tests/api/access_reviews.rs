//! Customer access reviews and customer-side webhooks over real HTTP, on
//! SQLite and PostgreSQL: a customer admin reviews a partner's access with
//! its usage and recommendations beside each item; completion removes what
//! was denied through the audited access changes; the review policy
//! starts, reminds and completes reviews; and a customer's webhook
//! subscription receives events about its own tenant only.

use portcullis_domain::{TestClock, Timestamp};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::subscribed::{Subscribed, event_types, subscribe, two_customers_subscribed};
use crate::support::str_field;
use crate::usage::{DAY_MS, GROUPS_ADMIN, HELPDESK, T0, Used, used_on_postgres, used_on_sqlite};

fn item<'a>(review: &'a Value, id: &str) -> &'a Value {
    review["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == id)
        .unwrap_or_else(|| panic!("no item `{id}` in {review}"))
}

async fn a_review_removes_denied_access_and_tells_only_its_customer(w: Used, clock: &TestClock) {
    let s = &w.server;
    let ca = w.customer_admin.secret.as_str();
    // Another customer, with its own admin and subscription.
    let Subscribed {
        customer,
        other,
        other_admin,
        mine,
        theirs,
    } = two_customers_subscribed(&w).await;
    let operators = subscribe(s, &s.operator.secret, "soc").await;
    // A customer sees its own subscription only; another's is 404.
    let listed = s
        .get("/v1/webhooks", ca)
        .await
        .expect_status(StatusCode::OK)
        .items();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["tenant_id"], customer.as_str());
    s.get(&format!("/v1/webhooks/{theirs}"), ca)
        .await
        .expect_error(StatusCode::NOT_FOUND, "not_found");
    s.delete(&format!("/v1/webhooks/{theirs}"), ca, None)
        .await
        .expect_error(StatusCode::NOT_FOUND, "not_found");
    // A customer subscribes for its own tenant only.
    s.post(
        "/v1/webhooks",
        ca,
        json!({"url": "http://127.0.0.1:9/x", "tenant_id": other}),
    )
    .await
    .expect_error(StatusCode::NOT_FOUND, "not_found");
    s.post(
        "/v1/webhooks",
        &w.partner_admin.secret,
        json!({"url": "http://127.0.0.1:9/x"}),
    )
    .await
    .expect_error(StatusCode::FORBIDDEN, "forbidden");

    // The partner and services may not start reviews; a customer may not
    // review a partner with nothing in its tenant.
    let start = json!({"partner_tenant_id": w.partner, "scope": "all", "duration_days": 14});
    s.post("/v1/access-reviews", &w.partner_admin.secret, start.clone())
        .await
        .expect_error(StatusCode::FORBIDDEN, "forbidden");
    s.post("/v1/access-reviews", &other_admin.secret, start.clone())
        .await
        .expect_error(StatusCode::NOT_FOUND, "not_found");
    let review = s
        .post("/v1/access-reviews", ca, start.clone())
        .await
        .expect_status(StatusCode::CREATED)
        .json();
    let id = str_field(&review, "id");
    let rel_item = format!("relationship.{}", w.relationship);
    let helpdesk_item = format!("role.{}.{HELPDESK}", w.assignment);
    let groups_item = format!("role.{}.{GROUPS_ADMIN}", w.assignment);
    assert_eq!(review["items"].as_array().unwrap().len(), 4, "{review}");
    assert_eq!(item(&review, &rel_item)["decision"], "not_reviewed");
    // One review of a partner at a time.
    s.post("/v1/access-reviews", ca, start)
        .await
        .expect_error(StatusCode::CONFLICT, "conflict");

    // Usage and recommendations beside each item (a 10-day window: the
    // assignment is older, so its unused role is judged).
    let detail = s
        .get(&format!("/v1/access-reviews/{id}?days=10"), ca)
        .await
        .expect_status(StatusCode::OK);
    let etag = detail.etag().to_owned();
    let detail = detail.json();
    let evidence = |item_id: &str| {
        detail["evidence"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["item_id"] == item_id)
            .unwrap()
            .clone()
    };
    assert_eq!(evidence(&groups_item)["allowed"], 2);
    assert_eq!(evidence(&helpdesk_item)["allowed"], 0);
    let recs = evidence(&helpdesk_item)["recommendations"].clone();
    assert_eq!(recs[0]["kind"], "remove_role", "{recs}");
    s.get(&format!("/v1/access-reviews/{id}"), &w.partner_admin.secret)
        .await
        .expect_error(StatusCode::FORBIDDEN, "forbidden");
    s.get(&format!("/v1/access-reviews/{id}"), &other_admin.secret)
        .await
        .expect_error(StatusCode::NOT_FOUND, "not_found");
    s.op_get(&format!("/v1/access-reviews/{id}"))
        .await
        .expect_status(StatusCode::OK);

    // Decide: an unknown item changes nothing; a stale version is refused.
    let decide = |decisions: Value| json!({"decisions": decisions});
    s.post(
        &format!("/v1/access-reviews/{id}/decisions"),
        ca,
        decide(json!([{"item_id": helpdesk_item, "decision": "deny"},
                      {"item_id": "role.nope", "decision": "approve"}])),
    )
    .await
    .expect_error(StatusCode::NOT_FOUND, "not_found");
    let decided = s
        .send(
            crate::support::Request::new(
                reqwest::Method::POST,
                &format!("/v1/access-reviews/{id}/decisions"),
            )
            .bearer(ca)
            .if_match(&etag)
            .json(decide(json!([
                {"item_id": helpdesk_item, "decision": "deny", "justification": "never used"},
                {"item_id": groups_item, "decision": "approve"}]))),
        )
        .await
        .expect_status(StatusCode::OK)
        .json();
    assert_eq!(item(&decided, &helpdesk_item)["decision"], "deny");
    assert_eq!(
        item(&decided, &helpdesk_item)["justification"],
        "never used"
    );
    s.send(
        crate::support::Request::new(
            reqwest::Method::POST,
            &format!("/v1/access-reviews/{id}/decisions"),
        )
        .bearer(ca)
        .if_match(&etag)
        .json(decide(
            json!([{"item_id": groups_item, "decision": "deny"}]),
        )),
    )
    .await
    .expect_error(StatusCode::PRECONDITION_FAILED, "precondition_failed");

    // Complete: the denied role leaves the assignment; the rest stays.
    let done = s
        .post(&format!("/v1/access-reviews/{id}/complete"), ca, json!({}))
        .await
        .expect_status(StatusCode::OK)
        .json();
    assert_eq!(done["status"], "completed");
    assert_eq!(item(&done, &helpdesk_item)["outcome"], "removed");
    assert_eq!(item(&done, &groups_item)["outcome"], "kept");
    assert_eq!(item(&done, &rel_item)["outcome"], "kept");
    let assignment = s
        .get(
            &format!(
                "/v1/relationships/{}/assignments/{}",
                w.relationship, w.assignment
            ),
            ca,
        )
        .await
        .expect_status(StatusCode::OK)
        .json();
    assert_eq!(assignment["roles"], json!([GROUPS_ADMIN]), "{assignment}");
    let removal = s.audit("operation=assignment.role.remove").await;
    assert_eq!(removal.len(), 1);
    assert_eq!(removal[0]["actor_kind"], "customer_admin");
    assert_eq!(s.audit("operation=access_review.complete").await.len(), 1);
    s.post(
        &format!("/v1/access-reviews/{id}/decisions"),
        ca,
        decide(json!([{"item_id": groups_item, "decision": "deny"}])),
    )
    .await
    .expect_error(StatusCode::CONFLICT, "invalid_transition");
    // The removed role grants nothing any more.
    let user = {
        let users = s
            .op_get(&format!("/v1/tenants/{}/users", w.partner))
            .await
            .items();
        str_field(&users[0], "id")
    };
    let decision = s
        .post(
            "/v1/decisions",
            &w.service.secret,
            json!({"partner_tenant_id": w.partner, "user_id": user, "customer_tenant_id": customer,
                   "action": "users.password.reset", "auth_strength": "phishing_resistant"}),
        )
        .await
        .json();
    assert_eq!(decision["effect"], "deny", "{decision}");

    // The customer heard of its review and of the role change; the other
    // customer heard nothing; operators heard everything.
    let got = event_types(s, ca, &mine).await;
    for event in [
        "access_review.start",
        "access_review.decide",
        "assignment.role.remove",
        "access_review.complete",
    ] {
        assert!(
            got.iter().any(|e| e == event),
            "{event} missing from {got:?}"
        );
    }
    assert!(
        event_types(s, &other_admin.secret, &theirs)
            .await
            .is_empty()
    );
    assert!(event_types(s, &s.operator.secret, &operators).await.len() >= got.len());

    // The policy: a review every 30 days of all access, unreviewed removed.
    let tenant_policy = format!("/v1/tenants/{customer}/access-review-policy");
    s.send(
        crate::support::Request::new(reqwest::Method::PUT, &tenant_policy)
            .bearer(&w.partner_admin.secret)
            .json(json!({})),
    )
    .await
    .expect_error(StatusCode::FORBIDDEN, "forbidden");
    let policy = s
        .send(
            crate::support::Request::new(reqwest::Method::PUT, &tenant_policy)
                .bearer(ca)
                .json(json!({"every_days": 30, "duration_days": 7, "scope": "all",
                             "remove_unreviewed": true})),
        )
        .await
        .expect_status(StatusCode::OK)
        .json();
    assert_eq!(policy["every_days"], 30);
    s.get(
        &format!("/v1/tenants/{customer}/access-review-policy"),
        &other_admin.secret,
    )
    .await
    .expect_error(StatusCode::NOT_FOUND, "not_found");
    let portcullis = &s.portcullis;
    // The last review is 0 days old: nothing starts.
    assert_eq!(portcullis.access_review_round().await.unwrap().started, 0);
    clock.set(Timestamp::from_unix_millis(T0 + 41 * DAY_MS));
    assert_eq!(portcullis.access_review_round().await.unwrap().started, 1);
    let open = s
        .get("/v1/access-reviews?status=in_progress", ca)
        .await
        .items();
    assert_eq!(open.len(), 1);
    assert_eq!(open[0]["started_by"], "system");
    clock.set(Timestamp::from_unix_millis(T0 + 46 * DAY_MS));
    let round = portcullis.access_review_round().await.unwrap();
    assert_eq!((round.reminded, round.completed), (1, 0));
    assert_eq!(portcullis.access_review_round().await.unwrap().reminded, 0);
    clock.set(Timestamp::from_unix_millis(T0 + 49 * DAY_MS));
    assert_eq!(portcullis.access_review_round().await.unwrap().completed, 1);
    // Nobody reviewed it, and the policy removes unreviewed access.
    let relationship = s
        .get(&format!("/v1/relationships/{}", w.relationship), ca)
        .await
        .json();
    assert_eq!(
        relationship["status"], "termination_requested",
        "{relationship}"
    );
    let got = event_types(s, ca, &mine).await;
    for event in ["access_review.remind", "relationship.terminate"] {
        assert!(
            got.iter().any(|e| e == event),
            "{event} missing from {got:?}"
        );
    }
    assert!(
        event_types(s, &other_admin.secret, &theirs)
            .await
            .is_empty()
    );
    s.delete(&tenant_policy, ca, None)
        .await
        .expect_status(StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn access_reviews_over_http_on_sqlite() {
    let (w, clock) = used_on_sqlite().await;
    a_review_removes_denied_access_and_tells_only_its_customer(w, &clock).await;
}

#[tokio::test]
async fn access_reviews_over_http_on_postgres() {
    if let Some((w, clock)) = used_on_postgres().await {
        a_review_removes_denied_access_and_tells_only_its_customer(w, &clock).await;
    }
}
