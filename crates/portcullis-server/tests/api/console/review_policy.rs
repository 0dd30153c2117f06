//! The customer admin's recurring review policy page: in a real browser,
//! setting a policy, changing it and removing it, each visible through the
//! API. Over plain HTTP, another customer neither sees nor changes it, a
//! bad number is refused with nothing changed, and partner admins and
//! operators are answered as for a page that does not exist.

use std::sync::Arc;

use fantoccini::Locator;
use portcullis_domain::{TestClock, Timestamp};
use reqwest::StatusCode;
use serde_json::{Value, json};

use super::browser::Browser;
use super::web;
use crate::support::{TestServer, str_field, unknown_id};
use crate::usage::{T0, Used, used};

async fn world() -> Used {
    let clock = Arc::new(TestClock::at(Timestamp::from_unix_millis(T0)));
    let server = TestServer::start_with_clock(clock.clone()).await;
    used(server, &clock).await
}

async fn customer_of(w: &Used) -> String {
    str_field(
        &w.server
            .get("/v1/relationships", &w.customer_admin.secret)
            .await
            .items()[0],
        "customer_tenant_id",
    )
}

/// The tenant's policy through the API (`None`: no policy).
async fn policy(w: &Used, tenant: &str) -> Option<Value> {
    let reply = w
        .server
        .get(
            &format!("/v1/tenants/{tenant}/access-review-policy"),
            &w.server.operator.secret,
        )
        .await;
    match reply.status {
        StatusCode::NOT_FOUND => None,
        _ => Some(reply.expect_status(StatusCode::OK).json()),
    }
}

#[tokio::test]
async fn customer_admin_sets_changes_and_removes_its_review_policy_in_the_browser() {
    let w = world().await;
    let customer = customer_of(&w).await;
    let Some(browser) = Browser::start(&w.server.base).await else {
        return;
    };
    browser.sign_in(&w.customer_admin.secret).await;
    browser.goto("/access-reviews").await;
    browser.press(Locator::LinkText("Recurring reviews")).await;
    assert_eq!(browser.path().await, "/access-reviews/policy");
    assert!(browser.text().await.contains("No recurring reviews"));

    browser.replace("#every_days", "30").await;
    browser.replace("#duration_days", "7").await;
    browser.choose("input[name=scope][value=all]").await;
    browser.choose("input[name=remove_unreviewed]").await;
    browser.click("#save-policy-button").await;
    assert_eq!(browser.path().await, "/access-reviews/policy");
    let text = browser.text().await;
    for seen in [
        "The policy in force",
        "30 days",
        "7 days",
        "All access",
        "removed on completion",
    ] {
        assert!(text.contains(seen), "the page shows `{seen}`: {text}");
    }
    browser.screenshot("customer-review-policy").await;
    let set = policy(&w, &customer).await.expect("a policy");
    assert_eq!(
        (
            &set["every_days"],
            &set["duration_days"],
            &set["scope"],
            &set["remove_unreviewed"]
        ),
        (&json!(30), &json!(7), &json!("all"), &json!(true))
    );

    // Changed: the form starts from the policy in force.
    browser.replace("#every_days", "45").await;
    browser.choose("input[name=scope][value=privileged]").await;
    browser.click("#save-policy-button").await;
    let text = browser.text().await;
    assert!(text.contains("45 days"), "{text}");
    assert!(
        text.contains("Only access holding a privileged role"),
        "{text}"
    );
    let changed = policy(&w, &customer).await.expect("a policy");
    assert_eq!(changed["every_days"], 45);
    assert_eq!(changed["scope"], "privileged");
    assert_eq!(changed["remove_unreviewed"], true, "kept as it was ticked");
    assert_eq!(changed["version"], 2);

    browser.click("#delete-policy-button").await;
    assert!(browser.text().await.contains("No recurring reviews"));
    assert!(policy(&w, &customer).await.is_none());
    browser.close().await;
}

/// The status and body of a console answer, with `ids` blanked.
async fn answer(response: reqwest::Response, ids: &[&str]) -> (StatusCode, String) {
    let status = response.status();
    let mut body = response.text().await.unwrap();
    for id in ids {
        body = body.replace(id, "<id>");
    }
    (status, body)
}

#[tokio::test]
async fn a_review_policy_is_its_customers_alone() {
    let w = world().await;
    let s = &w.server;
    let customer = customer_of(&w).await;
    s.send(
        crate::support::Request::new(
            reqwest::Method::PUT,
            &format!("/v1/tenants/{customer}/access-review-policy"),
        )
        .bearer(&w.customer_admin.secret)
        .json(json!({"every_days": 37, "duration_days": 11})),
    )
    .await
    .expect_status(StatusCode::OK);

    // Another customer sees no policy, and its forms change only its own.
    let other = str_field(&s.create_tenant("customer", "Northwind").await, "id");
    let other = s.mint("customer_admin", Some(&other)).await;
    let stranger = web::sign_in(s, &other.secret).await;
    let html = web::get(s, &stranger, "/access-reviews/policy")
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("id=\"no-policy\""), "{html}");
    assert!(
        !html.contains("37 days") && !html.contains(&customer),
        "{html}"
    );
    let csrf = web::csrf(s, &stranger, "/access-reviews/policy").await;
    let deleted = web::post(
        s,
        &stranger,
        "/access-reviews/policy/delete",
        &[("csrf", csrf.as_str())],
    )
    .await;
    assert_ne!(deleted.status(), StatusCode::OK);
    assert_eq!(policy(&w, &customer).await.unwrap()["every_days"], 37);

    // A bad number is refused and changes nothing.
    let mine = web::sign_in(s, &w.customer_admin.secret).await;
    let csrf = web::csrf(s, &mine, "/access-reviews/policy").await;
    let refused = web::post(
        s,
        &mine,
        "/access-reviews/policy",
        &[
            ("csrf", csrf.as_str()),
            ("every_days", "400"),
            ("duration_days", "7"),
            ("scope", "all"),
            ("version", "1"),
        ],
    )
    .await;
    let html = web::refused(s, &mine, refused, "/access-reviews/policy").await;
    assert!(html.contains("between 1 and 365"), "{html}");
    // A form made from an older version is refused too.
    let stale = web::post(
        s,
        &mine,
        "/access-reviews/policy",
        &[
            ("csrf", csrf.as_str()),
            ("every_days", "60"),
            ("duration_days", "7"),
            ("scope", "all"),
            ("version", "7"),
        ],
    )
    .await;
    web::refused(s, &mine, stale, "/access-reviews/policy").await;
    assert_eq!(policy(&w, &customer).await.unwrap()["every_days"], 37);
    // Without a token, nothing is saved.
    let forged = web::post(
        s,
        &mine,
        "/access-reviews/policy",
        &[("every_days", "60"), ("version", "1")],
    )
    .await;
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    assert_eq!(policy(&w, &customer).await.unwrap()["every_days"], 37);

    // Partner admins and operators: the answer for a page that does not exist.
    let ghost = unknown_id();
    for secret in [&w.partner_admin.secret, &s.operator.secret] {
        let cookie = web::sign_in(s, secret).await;
        let nothing = answer(
            web::get(s, &cookie, &format!("/access-reviews/{ghost}")).await,
            &[&ghost],
        )
        .await;
        assert_eq!(nothing.0, StatusCode::NOT_FOUND);
        let page = answer(web::get(s, &cookie, "/access-reviews/policy").await, &[]).await;
        assert_eq!(page, nothing);
        let csrf = web::csrf(s, &cookie, "/relationships").await;
        for path in ["/access-reviews/policy", "/access-reviews/policy/delete"] {
            let posted = web::post(
                s,
                &cookie,
                path,
                &[("csrf", csrf.as_str()), ("every_days", "1")],
            )
            .await;
            assert_eq!(posted.status(), StatusCode::NOT_FOUND, "{path}");
        }
    }
    assert_eq!(policy(&w, &customer).await.unwrap()["every_days"], 37);
}
