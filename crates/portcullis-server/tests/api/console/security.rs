//! Sessions, CSRF and headers over plain HTTP: what a browser is told and
//! what the server refuses.

use std::sync::Arc;

use portcullis_domain::{SESSION_ABSOLUTE_SECONDS, SESSION_IDLE_SECONDS, TestClock, Timestamp};
use reqwest::StatusCode;
use reqwest::header::{CACHE_CONTROL, COOKIE};

use super::web;
use super::world::World;
use crate::support::TestServer;

#[tokio::test]
async fn session_cookie_is_http_only_strict_on_root_and_secure_behind_tls() {
    let server = TestServer::start().await;
    let plain = web::sign_in_raw(&server, &server.operator.secret).await;
    let cookie = web::set_cookie(&plain);
    for flag in ["HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(cookie.contains(flag), "`{flag}` in {cookie}");
    }
    assert!(
        !cookie.contains("Secure"),
        "plain HTTP cannot keep a Secure cookie: {cookie}"
    );
    assert_eq!(
        web::cookie_value(&plain).map(|v| v.len()),
        Some(43),
        "256 random bits"
    );

    let behind_tls = web::client()
        .post(server.url("/sign-in"))
        .header("x-forwarded-proto", "https")
        .form(&[("token", server.operator.secret.as_str())])
        .send()
        .await
        .unwrap();
    assert!(web::set_cookie(&behind_tls).contains("; Secure"));
}

#[tokio::test]
async fn every_sign_in_gets_a_new_session_id_and_a_planted_one_is_ignored() {
    let server = TestServer::start().await;
    let planted = "A".repeat(43);
    let response = web::client()
        .post(server.url("/sign-in"))
        .header(COOKIE, format!("portcullis_session={planted}"))
        .form(&[("token", server.operator.secret.as_str())])
        .send()
        .await
        .unwrap();
    let issued = web::cookie_value(&response).unwrap();
    assert_ne!(issued, planted);
    let again = web::sign_in(&server, &server.operator.secret).await;
    assert_ne!(again, issued, "a new id at every sign-in");
    assert_eq!(
        web::get(&server, &planted, "/").await.status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        web::get(&server, &issued, "/").await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn bad_unknown_and_service_tokens_cannot_sign_in() {
    let server = TestServer::start().await;
    let unknown = web::sign_in_raw(&server, &format!("pcs_{}", "x".repeat(43))).await;
    assert_eq!(unknown.status(), StatusCode::UNAUTHORIZED);
    assert!(web::cookie_value(&unknown).is_none());
    let service = server.mint("service", None).await;
    let refused = web::sign_in_raw(&server, &service.secret).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert!(web::cookie_value(&refused).is_none());
    // Another site cannot sign a victim in to the attacker's account.
    let cross_site = web::client()
        .post(server.url("/sign-in"))
        .header("origin", "http://evil.example")
        .form(&[("token", server.operator.secret.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(cross_site.status(), StatusCode::FORBIDDEN);
    assert!(web::cookie_value(&cross_site).is_none());
}

#[tokio::test]
async fn forms_without_or_with_a_wrong_csrf_token_are_refused() {
    let w = World::build().await;
    let op = web::sign_in(&w.server, &w.server.operator.secret).await;
    let other = web::sign_in(&w.server, &w.server.operator.secret).await;
    let path = format!("/findings/{}/status", w.a_finding);
    let others_token = web::csrf(&w.server, &other, "/findings").await;
    for form in [
        vec![("status", "Resolved"), ("version", "1")],
        vec![("status", "Resolved"), ("version", "1"), ("csrf", "0000")],
        vec![
            ("status", "Resolved"),
            ("version", "1"),
            ("csrf", others_token.as_str()),
        ],
    ] {
        let refused = web::post(&w.server, &op, &path, &form).await;
        assert_eq!(refused.status(), StatusCode::FORBIDDEN, "{form:?}");
    }
    assert_eq!(
        w.finding_status(&w.a_finding).await,
        "New",
        "nothing changed"
    );

    let customer = web::sign_in(&w.server, &w.c_admin.secret).await;
    let approve = format!("/relationships/{}/approve", w.a_relationship);
    let refused = web::post(&w.server, &customer, &approve, &[("csrf", "bad")]).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let refused = web::post(&w.server, &customer, "/sign-out", &[]).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        w.relationship_status(&w.a_relationship).await,
        "approval_pending"
    );

    let token = web::csrf(&w.server, &op, "/findings").await;
    let done = web::post(
        &w.server,
        &op,
        &path,
        &[
            ("status", "Resolved"),
            ("version", "1"),
            ("csrf", token.as_str()),
        ],
    )
    .await;
    assert_eq!(done.status(), StatusCode::SEE_OTHER);
    assert_eq!(w.finding_status(&w.a_finding).await, "Resolved");
}

#[tokio::test]
async fn every_console_page_carries_the_security_headers() {
    let w = World::build().await;
    let op = web::sign_in(&w.server, &w.server.operator.secret).await;
    let customer = web::sign_in(&w.server, &w.c_admin.secret).await;
    let pages = [
        (None, "/sign-in".to_owned()),
        (None, "/".to_owned()),
        (None, "/assets/console.css".to_owned()),
        (Some(&op), "/".to_owned()),
        (Some(&op), "/findings?status=New".to_owned()),
        (Some(&op), format!("/findings/{}", w.a_finding)),
        (Some(&op), "/relationships".to_owned()),
        (
            Some(&op),
            format!("/findings/{}", crate::support::unknown_id()),
        ),
        (Some(&customer), "/relationships".to_owned()),
        (Some(&customer), "/findings".to_owned()),
    ];
    for (cookie, path) in pages {
        let response = match cookie {
            Some(cookie) => web::get(&w.server, cookie, &path).await,
            None => web::client().get(w.server.url(&path)).send().await.unwrap(),
        };
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned()
        };
        assert_eq!(
            header("content-security-policy"),
            portcullis_server::CONTENT_SECURITY_POLICY_VALUE,
            "{path}"
        );
        assert_eq!(header("x-frame-options"), "DENY", "{path}");
        assert_eq!(header("referrer-policy"), "no-referrer", "{path}");
        assert_eq!(header("x-content-type-options"), "nosniff", "{path}");
        if cookie.is_some() {
            assert_eq!(header(CACHE_CONTROL.as_str()), "no-store", "{path}");
        }
    }
    let csp = portcullis_server::CONTENT_SECURITY_POLICY_VALUE;
    for directive in [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
    ] {
        assert!(csp.contains(directive), "{directive}");
    }
    assert!(
        !csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"),
        "{csp}"
    );
}

#[tokio::test]
async fn revoking_the_token_ends_its_sessions() {
    let server = TestServer::start().await;
    let admin = server.mint("operator", None).await;
    let session = web::sign_in(&server, &admin.secret).await;
    assert_eq!(
        web::get(&server, &session, "/").await.status(),
        StatusCode::OK
    );
    server
        .delete(
            &format!("/v1/tokens/{}", admin.id),
            &server.operator.secret,
            None,
        )
        .await;
    let after = web::get(&server, &session, "/").await;
    assert_eq!(after.status(), StatusCode::SEE_OTHER);
    assert_eq!(web::location(&after), "/sign-in");
}

#[tokio::test]
async fn sessions_end_after_idle_time_and_at_their_absolute_end() {
    let clock = Arc::new(TestClock::at(Timestamp::from_unix_millis(
        1_800_000_000_000,
    )));
    let server = TestServer::start_with_clock(clock.clone()).await;
    let idle = web::sign_in(&server, &server.operator.secret).await;
    clock.advance_millis(SESSION_IDLE_SECONDS * 1000 - 1);
    assert_eq!(
        web::get(&server, &idle, "/").await.status(),
        StatusCode::OK,
        "used in time"
    );
    clock.advance_millis(SESSION_IDLE_SECONDS * 1000);
    assert_eq!(
        web::get(&server, &idle, "/").await.status(),
        StatusCode::SEE_OTHER,
        "idle"
    );

    let busy = web::sign_in(&server, &server.operator.secret).await;
    let step = SESSION_IDLE_SECONDS * 1000 / 2;
    let mut used = 0;
    while used + step < SESSION_ABSOLUTE_SECONDS * 1000 {
        clock.advance_millis(step);
        used += step;
        assert_eq!(
            web::get(&server, &busy, "/").await.status(),
            StatusCode::OK,
            "at {used} ms"
        );
    }
    clock.advance_millis(SESSION_ABSOLUTE_SECONDS * 1000 - used);
    assert_eq!(
        web::get(&server, &busy, "/").await.status(),
        StatusCode::SEE_OTHER,
        "ended at the absolute end however busy"
    );
}

#[tokio::test]
async fn sign_in_and_sign_out_are_audited_without_the_secret() {
    let server = TestServer::start().await;
    let session = web::sign_in(&server, &server.operator.secret).await;
    let csrf = web::csrf(&server, &session, "/").await;
    let out = web::post(&server, &session, "/sign-out", &[("csrf", csrf.as_str())]).await;
    assert_eq!(out.status(), StatusCode::SEE_OTHER);
    assert!(web::set_cookie(&out).contains("Max-Age=0"));
    let log = server.audit("").await;
    let ops: Vec<&str> = log.iter().filter_map(|r| r["operation"].as_str()).collect();
    assert!(
        ops.contains(&"session.create") && ops.contains(&"session.revoke"),
        "{ops:?}"
    );
    let text = serde_json::to_string(&log).unwrap();
    assert!(!text.contains(&session), "the session id is never audited");
}
