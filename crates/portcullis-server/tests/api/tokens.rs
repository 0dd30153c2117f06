//! `/v1/tokens` and bearer authentication.

use std::collections::BTreeSet;
use std::sync::Arc;

use portcullis_domain::{TestClock, Timestamp};
use portcullis_service::hash_secret;
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::support::{Reply, Request, TestServer, ids, str_field, unknown_id};

#[track_caller]
fn assert_unauthenticated(reply: &Reply) {
    reply.expect_error(StatusCode::UNAUTHORIZED, "unauthenticated");
    let challenge = reply.header("www-authenticate").unwrap_or_default();
    assert!(challenge.starts_with("Bearer "), "{:?}", reply.headers);
}

fn timestamp(value: &serde_json::Value) -> Timestamp {
    Timestamp::parse("test", value.as_str().expect("a timestamp string")).unwrap()
}

/// Mint, use, list, read, revoke a token.
async fn token_lifecycle(server: &TestServer) {
    let op = server.operator.secret.as_str();
    let tenant = str_field(&server.create_tenant("partner", "Minted").await, "id");
    let created = server
        .post(
            "/v1/tokens",
            op,
            json!({"kind": "partner_admin", "tenant_id": tenant, "description": "ci"}),
        )
        .await
        .expect_status(StatusCode::CREATED)
        .json();
    let id = str_field(&created, "id");
    let secret = str_field(&created, "secret");
    assert!(secret.starts_with("pcs_"), "{secret}");
    assert_eq!(created["kind"], json!("partner_admin"));
    assert_eq!(created["tenant_id"], json!(tenant));
    assert!(created["expires_at"].is_null() && created["revoked_at"].is_null());

    server
        .get(&format!("/v1/tenants/{tenant}"), &secret)
        .await
        .expect_status(StatusCode::OK);

    let listed = server
        .op_get("/v1/tokens")
        .await
        .expect_status(StatusCode::OK);
    assert!(ids(&listed.items()).contains(&id));
    let read = server
        .op_get(&format!("/v1/tokens/{id}"))
        .await
        .expect_status(StatusCode::OK)
        .json();
    assert_eq!(read["description"], json!("ci"));
    assert!(read.get("secret").is_none(), "{read}");

    server
        .delete(&format!("/v1/tokens/{id}"), op, None)
        .await
        .expect_status(StatusCode::NO_CONTENT);
    assert_unauthenticated(&server.get(&format!("/v1/tenants/{tenant}"), &secret).await);
    let revoked = server.op_get(&format!("/v1/tokens/{id}")).await.json();
    assert!(revoked["revoked_at"].is_string(), "{revoked}");
    server
        .delete(&format!("/v1/tokens/{id}"), op, None)
        .await
        .expect_status(StatusCode::NO_CONTENT);
    assert_eq!(
        server.op_get(&format!("/v1/tokens/{id}")).await.json()["revoked_at"],
        revoked["revoked_at"],
        "revoking again keeps the first revocation"
    );
}

#[tokio::test]
async fn token_lifecycle_on_sqlite() {
    token_lifecycle(&TestServer::start().await).await;
}

#[tokio::test]
async fn token_lifecycle_on_postgres() {
    let Some(server) = TestServer::start_postgres().await else {
        return;
    };
    token_lifecycle(&server).await;
}

#[tokio::test]
async fn each_minted_kind_works_at_once() {
    let server = TestServer::start().await;
    let partner = str_field(&server.create_tenant("partner", "P").await, "id");
    let customer = str_field(&server.create_tenant("customer", "C").await, "id");
    let operator = server.mint("operator", None).await;
    server
        .get("/v1/tokens", &operator.secret)
        .await
        .expect_status(StatusCode::OK);
    let partner_admin = server.mint("partner_admin", Some(&partner)).await;
    server
        .get(
            &format!("/v1/tenants/{partner}/users"),
            &partner_admin.secret,
        )
        .await
        .expect_status(StatusCode::OK);
    let customer_admin = server.mint("customer_admin", Some(&customer)).await;
    server
        .get(&format!("/v1/tenants/{customer}"), &customer_admin.secret)
        .await
        .expect_status(StatusCode::OK);
    let service = server.mint("service", None).await;
    let reply = server.get("/v1/tenants", &service.secret).await;
    reply.expect_error(StatusCode::FORBIDDEN, "forbidden");
}

#[tokio::test]
async fn a_token_with_a_lifetime_shows_when_it_expires_and_stops_then() {
    let start = Timestamp::parse("t", "2026-03-01T09:00:00Z").unwrap();
    let clock = Arc::new(TestClock::at(start));
    let server = TestServer::start_with_clock(clock.clone()).await;
    let created = server
        .post(
            "/v1/tokens",
            &server.operator.secret,
            json!({"kind": "service", "expires_in": "PT1H"}),
        )
        .await
        .expect_status(StatusCode::CREATED)
        .json();
    assert_eq!(timestamp(&created["created_at"]), start);
    assert_eq!(
        timestamp(&created["expires_at"]),
        start.saturating_add_seconds(3600)
    );
    let secret = str_field(&created, "secret");
    let probe = || server.get("/v1/tokens", &secret);
    probe()
        .await
        .expect_error(StatusCode::FORBIDDEN, "forbidden");
    clock.advance_millis(3_600_000 - 1);
    probe()
        .await
        .expect_error(StatusCode::FORBIDDEN, "forbidden");
    clock.advance_millis(1);
    assert_unauthenticated(&probe().await);
}

#[tokio::test]
async fn lifetimes_outside_pt1s_to_p730d_are_422() {
    let server = TestServer::start().await;
    for lifetime in ["PT0S", "P731D", "P3Y", "1h", "PT", "P1Dxyz", ""] {
        server
            .post(
                "/v1/tokens",
                &server.operator.secret,
                json!({"kind": "service", "expires_in": lifetime}),
            )
            .await
            .expect_error(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    }
    for lifetime in ["PT1S", "P730D", "P2Y"] {
        server
            .post(
                "/v1/tokens",
                &server.operator.secret,
                json!({"kind": "service", "expires_in": lifetime}),
            )
            .await
            .expect_status(StatusCode::CREATED);
    }
}

#[tokio::test]
async fn scoped_tokens_need_a_tenant_of_the_right_kind() {
    let server = TestServer::start().await;
    let op = server.operator.secret.as_str();
    let partner = str_field(&server.create_tenant("partner", "P").await, "id");
    let customer = str_field(&server.create_tenant("customer", "C").await, "id");
    let refused = [
        (
            json!({"kind": "partner_admin", "tenant_id": customer}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "wrong_tenant_kind",
        ),
        (
            json!({"kind": "customer_admin", "tenant_id": partner}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "wrong_tenant_kind",
        ),
        (
            json!({"kind": "partner_admin"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        (
            json!({"kind": "customer_admin"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        (
            json!({"kind": "operator", "tenant_id": partner}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        (
            json!({"kind": "service", "tenant_id": partner}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        (
            json!({"kind": "partner_admin", "tenant_id": unknown_id()}),
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            json!({"kind": "root"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        // Portcullis' own background principal is never minted.
        (
            json!({"kind": "system"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        (
            json!({"kind": "partner_admin", "tenant_id": "nope"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
    ];
    let before = server.op_get("/v1/tokens").await.items().len();
    for (body, status, code) in refused {
        let reply = server.post("/v1/tokens", op, body.clone()).await;
        assert_eq!(reply.status, status, "{body}: {}", reply.text);
        reply.expect_error(status, code);
    }
    assert_eq!(
        server.op_get("/v1/tokens").await.items().len(),
        before,
        "no token was minted"
    );
}

#[tokio::test]
async fn the_secret_is_never_shown_again() {
    let server = TestServer::start().await;
    let tenant = str_field(&server.create_tenant("partner", "Secretive").await, "id");
    let minted = server.mint("partner_admin", Some(&tenant)).await;
    server
        .delete(
            &format!("/v1/tokens/{}", minted.id),
            &server.operator.secret,
            None,
        )
        .await
        .expect_status(StatusCode::NO_CONTENT);
    let hash = hash_secret(&minted.secret);
    let random_part = minted.secret.trim_start_matches("pcs_");
    let outputs = [
        server.op_get("/v1/tokens").await.text,
        server
            .op_get(&format!("/v1/tokens/{}", minted.id))
            .await
            .text,
        server.op_get("/v1/audit").await.text,
        server
            .op_get(&format!("/v1/audit?tenant_id={tenant}"))
            .await
            .text,
    ];
    assert!(outputs[2].contains("token.create") && outputs[2].contains("token.revoke"));
    for text in outputs {
        assert!(text.contains(&minted.id), "the token is listed: {text}");
        for secret in [minted.secret.as_str(), random_part, hash.as_str()] {
            assert!(
                !text.contains(secret),
                "a secret or its hash leaked: {text}"
            );
        }
        assert!(!text.contains("secret"), "no secret field: {text}");
    }
}

#[tokio::test]
async fn token_list_pages_through_every_token_once() {
    let server = TestServer::start().await;
    let mut minted = BTreeSet::from([server.operator.id.clone()]);
    for _ in 0..6 {
        minted.insert(server.mint("service", None).await.id);
    }
    let (items, pages) = server
        .collect_pages("/v1/tokens", &server.operator.secret, 3)
        .await;
    assert_eq!(pages, 3);
    let listed = ids(&items);
    assert_eq!(listed.len(), minted.len(), "no duplicates");
    assert_eq!(listed.into_iter().collect::<BTreeSet<_>>(), minted);
    for query in ["limit=0", "limit=201"] {
        server
            .op_get(&format!("/v1/tokens?{query}"))
            .await
            .expect_error(StatusCode::BAD_REQUEST, "invalid_query");
    }
    server
        .op_get("/v1/tokens?cursor=@@")
        .await
        .expect_error(StatusCode::BAD_REQUEST, "invalid_cursor");
}

#[tokio::test]
async fn unknown_tokens_are_404() {
    let server = TestServer::start().await;
    let path = format!("/v1/tokens/{}", unknown_id());
    server
        .op_get(&path)
        .await
        .expect_error(StatusCode::NOT_FOUND, "not_found");
    server
        .delete(&path, &server.operator.secret, None)
        .await
        .expect_error(StatusCode::NOT_FOUND, "not_found");
}

#[tokio::test]
async fn missing_or_malformed_credentials_are_401() {
    let server = TestServer::start().await;
    let valid = server.operator.secret.clone();
    let wrong_secret = format!("pcs_{}", "A".repeat(43));
    let headers = [
        None,
        Some(String::new()),
        Some("Bearer".to_owned()),
        Some("Bearer ".to_owned()),
        Some(format!("Basic {valid}")),
        Some(format!("Token {valid}")),
        Some(valid.clone()),
        Some(format!("Bearer {wrong_secret}")),
        Some(format!("Bearer {valid}x")),
        Some(format!("Bearer {}", &valid[..valid.len() - 1])),
        Some(format!("Bearer {}", valid.trim_start_matches("pcs_"))),
        Some(format!("Bearer {}", hash_secret(&valid))),
        Some(format!("Bearer {valid} {valid}")),
    ];
    for header in headers {
        let mut request = Request::new(Method::GET, "/v1/tenants");
        if let Some(value) = &header {
            request = request.header("authorization", value.clone());
        }
        let reply = server.send(request).await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{header:?}");
        assert_unauthenticated(&reply);
    }
    for scheme in ["Bearer", "bearer"] {
        let reply = server
            .send(
                Request::new(Method::GET, "/v1/tenants")
                    .header("authorization", format!("{scheme} {valid}")),
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{scheme}");
    }
}

#[tokio::test]
async fn only_operators_manage_tokens() {
    let server = TestServer::start().await;
    let partner = str_field(&server.create_tenant("partner", "P").await, "id");
    let customer = str_field(&server.create_tenant("customer", "C").await, "id");
    let callers = [
        server.mint("partner_admin", Some(&partner)).await,
        server.mint("customer_admin", Some(&customer)).await,
        server.mint("service", None).await,
    ];
    let target = format!("/v1/tokens/{}", server.operator.id);
    for caller in &callers {
        let s = caller.secret.as_str();
        server
            .get("/v1/tokens", s)
            .await
            .expect_error(StatusCode::FORBIDDEN, "forbidden");
        server
            .post("/v1/tokens", s, json!({"kind": "operator"}))
            .await
            .expect_error(StatusCode::FORBIDDEN, "forbidden");
        server
            .get(&target, s)
            .await
            .expect_error(StatusCode::FORBIDDEN, "forbidden");
        server
            .delete(&target, s, None)
            .await
            .expect_error(StatusCode::FORBIDDEN, "forbidden");
        server
            .delete(&format!("/v1/tokens/{}", caller.id), s, None)
            .await
            .expect_error(StatusCode::FORBIDDEN, "forbidden");
    }
    server
        .op_get("/v1/tokens")
        .await
        .expect_status(StatusCode::OK);
    assert_eq!(
        server.op_get("/v1/tokens").await.items().len(),
        4,
        "nothing minted by the refused callers"
    );
}
