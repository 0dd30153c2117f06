//! The customer admin's Access reviews page: in a real browser, starting a
//! review, deciding with usage and recommendations beside each item, and
//! completing it; subscribing a webhook of its own. Over plain HTTP,
//! another customer sees none of it, and its actions on the review answer
//! as for one that does not exist.

use std::sync::Arc;

use fantoccini::Locator;
use portcullis_domain::{TestClock, Timestamp};
use reqwest::StatusCode;

use super::browser::Browser;
use super::web;
use crate::support::{TestServer, str_field, unknown_id};
use crate::usage::{HELPDESK, T0, Used, used};

async fn world() -> Used {
    let clock = Arc::new(TestClock::at(Timestamp::from_unix_millis(T0)));
    let server = TestServer::start_with_clock(clock.clone()).await;
    used(server, &clock).await
}

async fn roles_held(w: &Used) -> usize {
    let path = format!(
        "/v1/relationships/{}/assignments/{}",
        w.relationship, w.assignment
    );
    let assignment = w.server.get(&path, &w.partner_admin.secret).await.json();
    assignment["roles"].as_array().unwrap().len()
}

#[tokio::test]
async fn customer_admin_reviews_a_partner_and_removes_a_denied_role_in_the_browser() {
    let w = world().await;
    let Some(browser) = Browser::start(&w.server.base).await else {
        return;
    };
    browser.sign_in(&w.customer_admin.secret).await;
    browser.goto("/relationships").await;
    browser.press(Locator::LinkText("Access reviews")).await;
    assert_eq!(browser.path().await, "/access-reviews");
    assert!(browser.text().await.contains("No review yet"));
    browser.choose("input[name=scope][value=all]").await;
    browser.click("#start-review-button").await;
    let path = browser.path().await;
    assert!(path.starts_with("/access-reviews/"), "{path}");
    let text = browser.text().await;
    for seen in [
        "Contoso for Fabrikam",
        "Helpdesk Administrator",
        "Groups Administrator",
        "2 allowed decisions",
        "in progress",
    ] {
        assert!(text.contains(seen), "the page shows `{seen}`: {text}");
    }
    browser.screenshot("customer-access-review").await;

    let item = format!("role.{}.{HELPDESK}", w.assignment);
    browser
        .choose(&format!("input[name=\"item:{item}\"][value=deny]"))
        .await;
    browser.fill("#justification", "never used").await;
    browser.click("#save-decisions").await;
    let text = browser.text().await;
    assert!(
        text.contains("Completing the review removes 1 of 4 items"),
        "{text}"
    );
    browser.click("#complete-review-button").await;
    let text = browser.text().await;
    assert!(text.contains("completed"), "{text}");
    assert!(text.contains("removed"), "{text}");
    assert_eq!(roles_held(&w).await, 1, "the denied role is gone");

    // A webhook of the customer's own.
    browser.goto("/webhooks").await;
    browser.click("#new-webhook-link").await;
    browser.fill("#url", "http://127.0.0.1:9/fabrikam").await;
    browser
        .fill(
            "#event_types",
            "access_review.complete, relationship.terminate",
        )
        .await;
    browser.click("#subscribe").await;
    let text = browser.text().await;
    assert!(text.contains("whsec_"), "the secret is shown once: {text}");
    browser.goto("/webhooks").await;
    let text = browser.text().await;
    assert!(text.contains("http://127.0.0.1:9/fabrikam"), "{text}");
    browser.close().await;
}

#[tokio::test]
async fn a_review_page_and_its_actions_are_nobody_elses() {
    let w = world().await;
    let s = &w.server;
    let review = s
        .post(
            "/v1/access-reviews",
            &w.customer_admin.secret,
            serde_json::json!({"partner_tenant_id": w.partner, "scope": "all"}),
        )
        .await
        .expect_status(StatusCode::CREATED)
        .json();
    let id = str_field(&review, "id");
    let other = str_field(&s.create_tenant("customer", "Northwind").await, "id");
    let other = s.mint("customer_admin", Some(&other)).await;
    let stranger = web::sign_in(s, &other.secret).await;
    let page = web::get(s, &stranger, "/access-reviews").await;
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains("id=\"no-reviews\""), "{html}");
    assert!(
        !html.contains(&id) && !html.contains(&w.relationship),
        "{html}"
    );

    let csrf = web::csrf(s, &stranger, "/access-reviews").await;
    let ghost = unknown_id();
    for action in ["", "/decisions", "/complete"] {
        let mut answers = Vec::new();
        for target in [&id, &ghost] {
            let path = format!("/access-reviews/{target}{action}");
            let response = if action.is_empty() {
                web::get(s, &stranger, &path).await
            } else {
                let field = format!("item:role.{}.{HELPDESK}", w.assignment);
                web::post(
                    s,
                    &stranger,
                    &path,
                    &[("csrf", csrf.as_str()), (field.as_str(), "deny")],
                )
                .await
            };
            let status = response.status();
            answers.push((
                status,
                response
                    .text()
                    .await
                    .unwrap()
                    .replace(target.as_str(), "<id>"),
            ));
        }
        assert_eq!(answers[0], answers[1], "{action}");
        assert_eq!(answers[0].0, StatusCode::NOT_FOUND, "{action}");
    }
    // A partner admin has no such page.
    let partner = web::sign_in(s, &w.partner_admin.secret).await;
    let page = web::get(s, &partner, "/access-reviews").await;
    assert_eq!(page.status(), StatusCode::NOT_FOUND);
    // Nothing changed.
    assert_eq!(roles_held(&w).await, 2);
    let review = s
        .get(
            &format!("/v1/access-reviews/{id}"),
            &w.customer_admin.secret,
        )
        .await
        .json();
    assert_eq!(review["review"]["status"], "in_progress");
    assert_eq!(review["review"]["version"], 1);
}
