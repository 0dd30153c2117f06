//! A customer admin sees the partner security groups assigned in its
//! relationships by display name, and never the partner's other groups.

use serde_json::json;

use super::browser::Browser;
use super::web;
use super::world::World;

#[tokio::test]
async fn a_customer_sees_assigned_groups_by_name_and_no_other_group_of_the_partner() {
    let w = World::build().await;
    let (group, _) = w
        .assign_a("Alpha night shift", json!({"type": "standing"}))
        .await;
    // A group of A that holds nothing in C's tenant.
    let other = w.server.create_group(&w.a, "Alpha back office").await;
    let other = other["id"].as_str().unwrap_or_default().to_owned();
    let rel = &w.a_relationship;

    let cookie = web::sign_in(&w.server, &w.c_admin.secret).await;
    let html = web::get(&w.server, &cookie, &format!("/relationships/{rel}"))
        .await
        .text()
        .await
        .unwrap_or_default();
    assert!(html.contains("Alpha night shift"), "{html}");
    assert!(!html.contains(&group), "the name, not the id: {html}");
    assert!(
        !html.contains("Alpha back office") && !html.contains(&other),
        "{html}"
    );

    // Another customer's admin learns nothing about A's groups.
    let d_cookie = web::sign_in(&w.server, &w.d_admin.secret).await;
    let theirs = web::get(&w.server, &d_cookie, &format!("/relationships/{rel}")).await;
    assert_eq!(theirs.status(), reqwest::StatusCode::NOT_FOUND);
    assert!(
        !theirs
            .text()
            .await
            .unwrap_or_default()
            .contains("Alpha night shift")
    );

    let Some(browser) = Browser::start(&w.server.base).await else {
        return;
    };
    browser.sign_in(&w.c_admin.secret).await;
    browser.goto(&format!("/relationships/{rel}")).await;
    let text = browser.text().await;
    assert!(text.contains("Alpha night shift"), "{text}");
    assert!(!text.contains("Alpha back office"), "{text}");
    browser.screenshot("customer-relationship-groups").await;
    browser.close().await;
}
