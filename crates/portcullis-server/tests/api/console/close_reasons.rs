//! Rejecting or terminating a relationship through the API with an optional
//! `reason`: kept as `closed_reason`, shown in API responses and on the
//! console's relationship page; no body at all still closes without one.

use reqwest::StatusCode;
use serde_json::json;

use super::browser::Browser;
use super::world::World;

#[tokio::test]
async fn api_reject_and_terminate_keep_an_optional_reason_shown_in_the_console() {
    let w = World::build().await;
    let s = &w.server;
    let a = &w.a_relationship;

    // A reason past 1000 characters is refused and changes nothing.
    let long = "x".repeat(1001);
    s.post(
        &format!("/v1/relationships/{a}/reject"),
        &w.c_admin.secret,
        json!({"reason": long}),
    )
    .await
    .expect_error(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(w.relationship_status(a).await, "approval_pending");
    s.post(
        &format!("/v1/relationships/{a}/reject"),
        &w.c_admin.secret,
        json!({"reason": "no", "extra": 1}),
    )
    .await
    .expect_error(StatusCode::BAD_REQUEST, "unknown_field");

    let rejected = s
        .post(
            &format!("/v1/relationships/{a}/reject"),
            &w.c_admin.secret,
            json!({"reason": "We only work with partners we have met"}),
        )
        .await
        .expect_status(StatusCode::OK)
        .json();
    assert_eq!(rejected["status"], "rejected");
    assert_eq!(
        rejected["closed_reason"],
        "We only work with partners we have met"
    );
    assert_eq!(
        w.relationship(a).await["closed_reason"],
        "We only work with partners we have met"
    );

    // B's relationship, approved, is terminated by B with no body at all.
    let b = &w.b_relationship;
    s.post(
        &format!("/v1/relationships/{b}/approve"),
        &w.d_admin.secret,
        json!({}),
    )
    .await
    .expect_status(StatusCode::OK);
    let bare = s
        .client
        .post(s.url(&format!("/v1/relationships/{b}/terminate")))
        .bearer_auth(&w.b_admin.secret)
        .body("not json")
        .send()
        .await
        .expect("the server answers");
    assert_eq!(bare.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let none = s
        .client
        .post(s.url(&format!("/v1/relationships/{b}/terminate")))
        .bearer_auth(&w.b_admin.secret)
        .send()
        .await
        .expect("the server answers");
    assert_eq!(none.status(), StatusCode::OK);
    let ended = w.relationship(b).await;
    assert_eq!(ended["status"], "termination_requested", "{ended}");
    assert!(ended.get("closed_reason").is_none(), "{ended}");

    let Some(browser) = Browser::start(&s.base).await else {
        return;
    };
    browser.sign_in(&w.a_admin.secret).await;
    browser.goto(&format!("/relationships/{a}")).await;
    let text = browser.text().await;
    assert!(
        text.contains("We only work with partners we have met"),
        "{text}"
    );
    browser
        .screenshot("partner-relationship-rejected-reason")
        .await;
    browser.close().await;
}
