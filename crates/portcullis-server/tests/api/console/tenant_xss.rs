//! XSS payloads in every field the partner and customer pages display —
//! group names and descriptions, user names, relationship names, reasons,
//! activation justifications, event fields — show as text and never run.

use fantoccini::Locator;
use reqwest::StatusCode;
use serde_json::json;

use super::browser::Browser;
use super::web;
use super::world::World;
use crate::support::str_field;

const PAYLOAD: &str = "<script id=xss>alert(1)</script><img src=x id=xss-img onerror=alert(2)>";
/// Within a relationship name's 50 characters.
const SHORT: &str = "<script id=xss>alert(3)</script>";

/// Asserts the page at `path` shows a `<script id=xss>` payload as text
/// and runs nothing (the console's own `time.js` is the only script).
pub async fn inert(browser: &Browser, path: &str) {
    browser.goto(path).await;
    let text = browser.text().await;
    assert!(
        text.contains("<script id=xss>"),
        "the payload shows as text on {path}: {text}"
    );
    for css in ["#xss", "#xss-img", "script:not([src='/assets/time.js'])"] {
        let found = browser
            .client
            .find_all(Locator::Css(css))
            .await
            .expect("query");
        assert!(found.is_empty(), "`{css}` became an element on {path}");
    }
    assert!(
        browser.client.get_alert_text().await.is_err(),
        "no alert on {path}"
    );
}

#[tokio::test]
async fn payloads_in_partner_and_customer_pages_render_inert() {
    let w = World::build_with_names("Alpha Partners", SHORT).await;
    let s = &w.server;
    // A group and a user named with the payload, holding an eligible role.
    let group = s
        .post(
            &format!("/v1/tenants/{}/groups", w.a),
            &w.a_admin.secret,
            json!({"display_name": PAYLOAD, "description": PAYLOAD}),
        )
        .await
        .expect_status(StatusCode::CREATED)
        .json();
    let group = str_field(&group, "id");
    let user = str_field(
        &s.create_user(&w.a, "mallory@alpha.example", PAYLOAD).await,
        "id",
    );
    s.add_member(&w.a, &group, &user).await;
    w.approve_a().await;
    let assignment = s
        .post(
            &format!("/v1/relationships/{}/assignments", w.a_relationship),
            &w.a_admin.secret,
            json!({"group_id": group, "roles": [super::world::HELPDESK],
                   "kind": {"type": "eligible", "max_activation": "PT4H", "approval_required": true}}),
        )
        .await
        .expect_status(StatusCode::CREATED)
        .json();
    s.post(
        "/v1/activations",
        &w.a_admin.secret,
        json!({"assignment_id": str_field(&assignment, "id"), "user_id": user,
               "justification": PAYLOAD, "duration": "PT1H", "auth_strength": "phishing_resistant"}),
    )
    .await
    .expect_status(StatusCode::CREATED);
    // An event whose fields carry the payload.
    let now = s.portcullis.clock().now().unix_millis();
    let event = json!({"class_uid": 6003, "time": now, "status_id": 2, "metadata": {"uid": "xss-1"},
        "actor": {"user": {"uid": user, "name": PAYLOAD, "org": {"uid": w.a}}},
        "cloud": {"account": {"uid": w.c}}, "api": {"operation": PAYLOAD},
        "src_endpoint": {"ip": "203.0.113.7"}});
    let service = s.mint("service", None).await;
    let sent = s
        .client
        .post(s.url("/v1/events"))
        .bearer_auth(&service.secret)
        .header("content-type", "application/x-ndjson")
        .body(event.to_string())
        .send()
        .await
        .expect("send the event");
    assert_eq!(sent.status(), StatusCode::OK);
    let page = format!("/relationships/{}", w.a_relationship);
    let Some(browser) = Browser::start(&s.base).await else {
        return;
    };
    browser.sign_in(&w.a_admin.secret).await;
    for path in [
        "/groups".to_owned(),
        format!("/groups/{group}"),
        page.clone(),
        "/relationships".to_owned(),
        "/activations".to_owned(),
    ] {
        inert(&browser, &path).await;
    }
    browser.screenshot("partner-xss-inert").await;

    // The customer terminates with the payload as its reason.
    let customer = web::sign_in(s, &w.c_admin.secret).await;
    let csrf = web::csrf(s, &customer, &page).await;
    let ended = web::post(
        s,
        &customer,
        &format!("{page}/terminate"),
        &[("csrf", csrf.as_str()), ("reason", PAYLOAD)],
    )
    .await;
    assert_eq!(ended.status(), StatusCode::SEE_OTHER);
    let reason = w.relationship(&w.a_relationship).await;
    assert_eq!(reason["closed_reason"], PAYLOAD);
    inert(&browser, &page).await;

    browser.client.delete_all_cookies().await.expect("sign out");
    browser.sign_in(&w.c_admin.secret).await;
    for path in [page.clone(), "/activity".to_owned()] {
        inert(&browser, &path).await;
    }
    browser.screenshot("customer-xss-inert").await;
    browser.close().await;
}
