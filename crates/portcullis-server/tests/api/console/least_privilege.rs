//! The partner admin's Least privilege page: in a real browser, the
//! recommendations with their evidence and the role usage, and applying
//! one; over plain HTTP, another partner sees none of it and cannot apply
//! it, and a customer admin is answered as for a page that does not exist.

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

/// How many roles the helpdesk assignment holds.
async fn roles_held(w: &Used) -> usize {
    let path = format!(
        "/v1/relationships/{}/assignments/{}",
        w.relationship, w.assignment
    );
    let assignment = w.server.get(&path, &w.partner_admin.secret).await.json();
    assignment["roles"].as_array().unwrap().len()
}

#[tokio::test]
async fn partner_admin_sees_usage_and_applies_a_recommendation_in_the_browser() {
    let w = world().await;
    let Some(browser) = Browser::start(&w.server.base).await else {
        return;
    };
    browser.sign_in(&w.partner_admin.secret).await;
    browser.goto("/relationships").await;
    browser.press(Locator::LinkText("Least privilege")).await;
    assert_eq!(
        browser.path().await,
        "/least-privilege",
        "the navigation leads there"
    );
    browser.goto("/least-privilege?days=7").await;
    let text = browser.text().await;
    for seen in [
        "Remove unused role",
        "Narrow the relationship",
        "Helpdesk Administrator allowed nothing through this assignment in the last 7 days",
        "Groups Administrator",
        "2 allowed decisions",
    ] {
        assert!(text.contains(seen), "the page shows `{seen}`: {text}");
    }
    browser.screenshot("partner-least-privilege").await;

    let remove = format!("remove_role.{}.{HELPDESK}", w.assignment);
    browser
        .click(&format!(
            "#recommendation-{} button",
            remove.replace('.', "\\.")
        ))
        .await;
    assert_eq!(browser.path().await, "/least-privilege");
    let text = browser.text().await;
    assert!(
        !text.contains("Remove unused role"),
        "applied, gone: {text}"
    );
    assert!(text.contains("Narrow the relationship"), "{text}");
    assert_eq!(roles_held(&w).await, 1, "the role is gone");
    browser.close().await;
}

#[tokio::test]
async fn the_page_and_its_action_are_nobody_elses() {
    let w = world().await;
    let s = &w.server;
    let other = str_field(&s.create_tenant("partner", "Northwind").await, "id");
    let other = s.mint("partner_admin", Some(&other)).await;
    let stranger = web::sign_in(s, &other.secret).await;
    let page = web::get(s, &stranger, "/least-privilege?days=7").await;
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains("id=\"no-recommendations\""), "{html}");
    assert!(
        !html.contains(&w.relationship) && !html.contains(&w.assignment),
        "{html}"
    );

    // Applying Contoso's recommendation answers as for one that does not exist.
    let csrf = web::csrf(s, &stranger, "/least-privilege").await;
    let theirs = format!("remove_role.{}.{HELPDESK}", w.assignment);
    let ghost = format!("remove_role.{}.{HELPDESK}", unknown_id());
    let mut answers = Vec::new();
    for id in [&theirs, &ghost] {
        let path = format!("/least-privilege/{id}/apply");
        let response = web::post(
            s,
            &stranger,
            &path,
            &[("csrf", csrf.as_str()), ("days", "7")],
        )
        .await;
        let status = response.status();
        answers.push((
            status,
            response.text().await.unwrap().replace(id.as_str(), "<id>"),
        ));
    }
    assert_eq!(answers[0], answers[1]);
    assert_eq!(answers[0].0, StatusCode::NOT_FOUND);

    // A customer admin has no such page: the not-found page.
    let customer = web::sign_in(s, &w.customer_admin.secret).await;
    let page = web::get(s, &customer, "/least-privilege").await;
    assert_eq!(page.status(), StatusCode::NOT_FOUND);
    let html = page.text().await.unwrap();
    assert!(!html.contains(&w.relationship), "{html}");

    // Nothing changed.
    assert_eq!(roles_held(&w).await, 2);
}
