//! The one-time sign-in link of a first operator: it works once, for a few
//! minutes, and reading its page does not spend it.

use std::sync::Arc;

use portcullis_domain::{TestClock, Timestamp};
use portcullis_service::{Caller, SIGN_IN_LINK_MINUTES};
use reqwest::StatusCode;

use super::web;
use crate::support::TestServer;

async fn use_link(server: &TestServer, link: &str) -> reqwest::Response {
    web::client()
        .post(server.url("/sign-in/link"))
        .form(&[("link", link)])
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_sign_in_link_works_once_and_opens_an_operator_session() {
    let server = TestServer::start().await;
    let link = server
        .portcullis
        .create_sign_in_link(&Caller::local_operator())
        .await
        .unwrap();
    let page = web::client()
        .get(server.url(&format!("/sign-in/link/{link}")))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert!(
        page.text()
            .await
            .unwrap()
            .contains("Sign in as the first operator")
    );

    let first = use_link(&server, &link).await;
    assert_eq!(
        first.status(),
        StatusCode::SEE_OTHER,
        "reading the page did not spend it"
    );
    let session = web::cookie_value(&first).unwrap();
    let overview = web::get(&server, &session, "/").await;
    assert_eq!(overview.status(), StatusCode::OK);
    assert!(overview.text().await.unwrap().contains("Overview"));

    let again = use_link(&server, &link).await;
    assert_eq!(again.status(), StatusCode::UNAUTHORIZED, "works once");
    assert!(web::cookie_value(&again).is_none());

    let log = server.audit("").await;
    let ops: Vec<&str> = log.iter().filter_map(|r| r["operation"].as_str()).collect();
    for op in [
        "sign_in_link.create",
        "sign_in_link.redeem",
        "token.create",
        "session.create",
    ] {
        assert!(ops.contains(&op), "{op}: {ops:?}");
    }
    assert!(!serde_json::to_string(&log).unwrap().contains(&link));
}

#[tokio::test]
async fn a_sign_in_link_expires_in_minutes_and_a_forged_one_fails() {
    let clock = Arc::new(TestClock::at(Timestamp::from_unix_millis(
        1_800_000_000_000,
    )));
    let server = TestServer::start_with_clock(clock.clone()).await;
    let link = server
        .portcullis
        .create_sign_in_link(&Caller::local_operator())
        .await
        .unwrap();
    clock.advance_millis(SIGN_IN_LINK_MINUTES * 60_000);
    assert_eq!(
        use_link(&server, &link).await.status(),
        StatusCode::UNAUTHORIZED
    );
    for forged in ["", "short", &"A".repeat(43)] {
        assert_eq!(
            use_link(&server, forged).await.status(),
            StatusCode::UNAUTHORIZED
        );
    }
    let cross_site = web::client()
        .post(server.url("/sign-in/link"))
        .header("sec-fetch-site", "cross-site")
        .form(&[("link", link.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(cross_site.status(), StatusCode::FORBIDDEN);
}
