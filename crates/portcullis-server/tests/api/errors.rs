//! Bad input of every kind comes back as `{"error":{"code","message"}}` with
//! a stable code and the right status.

use std::collections::BTreeSet;

use portcullis_server::ServerConfig;
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::support::{Reply, Request, TestServer, error_parts, str_field, unknown_id};

/// Sends `body` as raw bytes with `content_type` (or none).
async fn raw(
    server: &TestServer,
    method: Method,
    path: &str,
    content_type: Option<&str>,
    body: &str,
) -> Reply {
    let mut builder = server
        .client
        .request(method, server.url(path))
        .bearer_auth(&server.operator.secret)
        .body(body.to_owned());
    if let Some(content_type) = content_type {
        builder = builder.header("content-type", content_type);
    }
    Reply::read(builder.send().await.unwrap()).await
}

async fn post_json_text(server: &TestServer, path: &str, body: &str) -> Reply {
    raw(server, Method::POST, path, Some("application/json"), body).await
}

#[tokio::test]
async fn malformed_json_is_400() {
    let server = TestServer::start().await;
    for body in [
        "",
        "{",
        "{\"kind\": \"partner\", \"display_name\": }",
        "{'kind': 'partner'}",
        "{\"kind\": \"partner\", \"display_name\": \"X\"} trailing",
    ] {
        post_json_text(&server, "/v1/tenants", body)
            .await
            .expect_error(StatusCode::BAD_REQUEST, "malformed_json");
    }
    assert!(server.op_get("/v1/tenants").await.items().is_empty());
}

#[tokio::test]
async fn unknown_fields_are_400_and_named() {
    let server = TestServer::start().await;
    let tenant = str_field(&server.create_tenant("partner", "Strict").await, "id");
    let op = server.operator.secret.as_str();
    let cases = [
        (
            Method::POST,
            "/v1/tenants".to_owned(),
            json!({"kind": "partner", "display_name": "X", "owner": "me"}),
        ),
        (
            Method::PATCH,
            format!("/v1/tenants/{tenant}"),
            json!({"display_name": "X", "kind": "customer"}),
        ),
        (
            Method::POST,
            format!("/v1/tenants/{tenant}/users"),
            json!({"user_principal_name": "a@b.example", "display_name": "A", "admin": true}),
        ),
        (
            Method::POST,
            format!("/v1/tenants/{tenant}/groups"),
            json!({"display_name": "G", "members": []}),
        ),
        (
            Method::POST,
            "/v1/tokens".to_owned(),
            json!({"kind": "service", "secret": "pcs_chosen"}),
        ),
    ];
    for (method, path, body) in cases {
        let reply = server
            .send(Request::new(method.clone(), &path).bearer(op).json(body))
            .await;
        let message = reply.expect_error(StatusCode::BAD_REQUEST, "unknown_field");
        assert!(
            message.contains("unknown field"),
            "{method} {path}: {message}"
        );
    }
    let unchanged = server.op_get(&format!("/v1/tenants/{tenant}")).await.json();
    assert_eq!(unchanged["kind"], json!("partner"));
    assert_eq!(unchanged["version"], json!(1));
}

#[tokio::test]
async fn invalid_values_are_422_validation_failed() {
    let server = TestServer::start().await;
    let op = server.operator.secret.as_str();
    let too_long = "n".repeat(257);
    for body in [
        json!({"kind": "partner", "display_name": too_long}),
        json!({"kind": "partner", "display_name": ""}),
        json!({"kind": "partner", "display_name": "   "}),
        json!({"kind": "partner", "display_name": "line\nbreak"}),
        json!({"kind": "partner", "display_name": 42}),
        json!({"kind": "reseller", "display_name": "X"}),
        json!({"kind": "partner"}),
        json!({"id": "not-a-uuid", "kind": "partner", "display_name": "X"}),
        json!(["kind", "partner"]),
    ] {
        let reply = server.post("/v1/tenants", op, body.clone()).await;
        assert_eq!(
            reply.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body}: {}",
            reply.text
        );
        reply.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    }
    let longest = "n".repeat(256);
    let created = server.create_tenant("partner", &longest).await;
    assert_eq!(created["display_name"], json!(longest));
    let path = format!("/v1/tenants/{}", str_field(&created, "id"));
    server
        .patch(&path, op, None, json!({"display_name": too_long}))
        .await
        .expect_error(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    server
        .patch(&path, op, None, json!({"display_name": null}))
        .await
        .expect_status(StatusCode::OK);
}

#[tokio::test]
async fn a_body_without_a_json_content_type_is_415() {
    let server = TestServer::start().await;
    let body = r#"{"kind": "partner", "display_name": "X"}"#;
    for content_type in [
        None,
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
    ] {
        raw(&server, Method::POST, "/v1/tenants", content_type, body)
            .await
            .expect_error(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type");
    }
    raw(
        &server,
        Method::POST,
        "/v1/tenants",
        Some("application/json; charset=utf-8"),
        body,
    )
    .await
    .expect_status(StatusCode::CREATED);
}

#[tokio::test]
async fn a_body_over_the_limit_is_413() {
    let server = TestServer::start_with_config(&ServerConfig {
        max_body_bytes: 1024,
        ..ServerConfig::default()
    })
    .await;
    let big = json!({"kind": "partner", "display_name": "x".repeat(2000)}).to_string();
    assert!(big.len() > 1024);
    post_json_text(&server, "/v1/tenants", &big)
        .await
        .expect_error(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large");
    let padded = format!(
        "{{\"kind\": \"partner\", \"display_name\": \"Fits\"{}}}",
        " ".repeat(900)
    );
    assert!(padded.len() <= 1024);
    post_json_text(&server, "/v1/tenants", &padded)
        .await
        .expect_status(StatusCode::CREATED);
    let tenants = server.op_get("/v1/tenants").await.items();
    assert_eq!(
        tenants.len(),
        1,
        "only the body within the limit was served"
    );
}

#[tokio::test]
async fn a_malformed_id_in_the_path_is_400_invalid_id() {
    let server = TestServer::start().await;
    let op = server.operator.secret.as_str();
    let tenant = str_field(&server.create_tenant("partner", "Ids").await, "id");
    let group = str_field(&server.create_group(&tenant, "G").await, "id");
    let bad = ["not-a-uuid", "123", &format!("{tenant}x")];
    for bad in bad {
        let paths = [
            (Method::GET, format!("/v1/tenants/{bad}")),
            (Method::DELETE, format!("/v1/tenants/{bad}")),
            (Method::GET, format!("/v1/tenants/{bad}/users")),
            (Method::GET, format!("/v1/tenants/{tenant}/users/{bad}")),
            (Method::DELETE, format!("/v1/tenants/{tenant}/users/{bad}")),
            (Method::GET, format!("/v1/tenants/{tenant}/groups/{bad}")),
            (
                Method::GET,
                format!("/v1/tenants/{tenant}/groups/{bad}/members"),
            ),
            (
                Method::DELETE,
                format!("/v1/tenants/{tenant}/groups/{group}/members/{bad}"),
            ),
            (Method::GET, format!("/v1/tokens/{bad}")),
            (Method::DELETE, format!("/v1/tokens/{bad}")),
            (Method::GET, format!("/v1/templates/{bad}")),
            (Method::GET, format!("/v1/vetting/cases/{bad}")),
            (Method::GET, format!("/v1/relationships/{bad}")),
            (Method::GET, format!("/v1/relationships/{bad}/assignments")),
            (
                Method::GET,
                format!("/v1/tenants/{bad}/access-review-policy"),
            ),
            (Method::GET, format!("/v1/bulk/runs/{bad}")),
        ];
        for (method, path) in paths {
            let reply = server
                .send(Request::new(method.clone(), &path).bearer(op))
                .await;
            assert_eq!(
                reply.status,
                StatusCode::BAD_REQUEST,
                "{method} {path}: {}",
                reply.text
            );
            reply.expect_error(StatusCode::BAD_REQUEST, "invalid_id");
        }
    }
}

#[tokio::test]
async fn a_path_that_does_not_decode_is_400_invalid_id_in_our_shape() {
    let server = TestServer::start().await;
    let op = server.operator.secret.as_str();
    for path in ["/v1/tokens/%FF", "/v1/tenants/%C3%28/users"] {
        server
            .send(Request::new(Method::GET, path).bearer(op))
            .await
            .expect_error(StatusCode::BAD_REQUEST, "invalid_id");
    }
}

#[tokio::test]
async fn authentication_comes_before_the_body_and_the_path() {
    let server = TestServer::start().await;
    let cases = [
        (Method::POST, "/v1/tenants", Some("{")),
        (Method::POST, "/v1/tenants", Some(r#"{"nope": 1}"#)),
        (Method::GET, "/v1/tenants/not-a-uuid", None),
        (Method::GET, "/v1/tenants?limit=0", None),
        (Method::GET, "/v1/audit?cursor=!!!", None),
    ];
    for (method, path, body) in cases {
        let mut builder = server.client.request(method.clone(), server.url(path));
        if let Some(body) = body {
            builder = builder
                .header("content-type", "application/json")
                .body(body);
        }
        let reply = Reply::read(builder.send().await.unwrap()).await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{method} {path}");
        reply.expect_error(StatusCode::UNAUTHORIZED, "unauthenticated");
    }
}

#[tokio::test]
async fn unknown_routes_are_404_and_wrong_methods_405() {
    let server = TestServer::start().await;
    let op = server.operator.secret.as_str();
    // `/` is the console (HTML, tests in `console/`); other unknown paths are JSON.
    for path in [
        "/nowhere",
        "/v1",
        "/v1/tenant",
        "/v1/users",
        &format!("/v1/tenants/{}/roles", unknown_id()),
    ] {
        let reply = server.get(path, op).await;
        assert!(
            reply
                .header("content-type")
                .is_some_and(|t| t.starts_with("application/json")),
            "{path}: {:?}",
            reply.headers
        );
        reply.expect_error(StatusCode::NOT_FOUND, "not_found");
    }
    let tenant = format!("/v1/tenants/{}", unknown_id());
    for (method, path) in [
        (Method::PUT, "/v1/tenants".to_owned()),
        (Method::DELETE, "/v1/tenants".to_owned()),
        (Method::POST, tenant.clone()),
        (Method::PUT, tenant.clone()),
        (Method::PATCH, "/v1/tokens".to_owned()),
        (Method::POST, "/v1/audit".to_owned()),
        (Method::DELETE, "/metrics".to_owned()),
    ] {
        let reply = server
            .send(Request::new(method.clone(), &path).bearer(op))
            .await;
        assert_eq!(
            reply.status,
            StatusCode::METHOD_NOT_ALLOWED,
            "{method} {path}"
        );
        reply.expect_error(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed");
    }
}

#[tokio::test]
async fn every_error_has_exactly_the_one_shape() {
    let server = TestServer::start_with_config(&ServerConfig {
        max_body_bytes: 256,
        ..ServerConfig::default()
    })
    .await;
    let op = server.operator.secret.as_str();
    let partner = str_field(&server.create_tenant("partner", "P").await, "id");
    let customer = str_field(&server.create_tenant("customer", "C").await, "id");
    let service = server.mint("service", None).await;
    let big = json!({"kind": "partner", "display_name": "x".repeat(300)}).to_string();
    let replies = [
        server.get("/v1/tenants", "pcs_wrong").await,
        server.get("/v1/tenants", &service.secret).await,
        server
            .op_get(&format!("/v1/tenants/{}", unknown_id()))
            .await,
        post_json_text(&server, "/v1/tenants", "{").await,
        server
            .post(
                "/v1/tenants",
                op,
                json!({"kind": "partner", "display_name": "X", "x": 1}),
            )
            .await,
        server
            .post(
                "/v1/tenants",
                op,
                json!({"kind": "partner", "display_name": ""}),
            )
            .await,
        server.op_get("/v1/tenants/nope").await,
        server.op_get("/v1/tenants?limit=0").await,
        server.op_get("/v1/tenants?cursor=!").await,
        server
            .patch(
                &format!("/v1/tenants/{partner}"),
                op,
                Some("nope"),
                json!({}),
            )
            .await,
        post_json_text(&server, "/v1/tenants", &big).await,
        raw(
            &server,
            Method::POST,
            "/v1/tenants",
            Some("text/plain"),
            "{}",
        )
        .await,
        server
            .post(
                "/v1/tenants",
                op,
                json!({"id": partner, "kind": "partner", "display_name": "Dup"}),
            )
            .await,
        server
            .patch(
                &format!("/v1/tenants/{partner}"),
                op,
                Some("\"5\""),
                json!({}),
            )
            .await,
        server
            .post(
                "/v1/tokens",
                op,
                json!({"kind": "partner_admin", "tenant_id": customer}),
            )
            .await,
        server
            .send(Request::new(Method::PUT, "/v1/tenants").bearer(op))
            .await,
    ];
    let mut codes = BTreeSet::new();
    for reply in &replies {
        assert!(
            reply.status.is_client_error(),
            "{}: {}",
            reply.status,
            reply.text
        );
        assert!(
            reply
                .header("content-type")
                .is_some_and(|t| t.starts_with("application/json")),
            "{:?}",
            reply.headers
        );
        let (code, _) = error_parts(&reply.json());
        codes.insert(code);
    }
    let expected: BTreeSet<String> = [
        "unauthenticated",
        "forbidden",
        "not_found",
        "malformed_json",
        "unknown_field",
        "validation_failed",
        "invalid_id",
        "invalid_query",
        "invalid_cursor",
        "invalid_if_match",
        "payload_too_large",
        "unsupported_media_type",
        "conflict",
        "precondition_failed",
        "wrong_tenant_kind",
        "method_not_allowed",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    assert_eq!(codes, expected);
}

#[tokio::test]
async fn an_unauthorized_caller_is_refused_before_anything_it_sent_is_read() {
    let server = TestServer::start_with_config(&ServerConfig {
        max_body_bytes: 1024,
        ..ServerConfig::default()
    })
    .await;
    let partner = str_field(&server.create_tenant("partner", "P").await, "id");
    let other = str_field(&server.create_tenant("partner", "Other").await, "id");
    let service = server.mint("service", None).await;
    let admin = server.mint("partner_admin", Some(&partner)).await;
    let huge = "x".repeat(5_000);
    let send = |bearer: &str, method: Method, path: String, content_type: &str, body: &str| {
        server
            .client
            .request(method, server.url(&path))
            .bearer_auth(bearer)
            .header("content-type", content_type)
            .header("if-match", "not an etag")
            .body(body.to_owned())
            .send()
    };
    let json = "application/json";
    let cases = [
        (
            &service,
            Method::POST,
            "/v1/tenants".to_owned(),
            json,
            "{",
            StatusCode::FORBIDDEN,
        ),
        (
            &service,
            Method::POST,
            "/v1/tenants".to_owned(),
            "text/plain",
            "{}",
            StatusCode::FORBIDDEN,
        ),
        (
            &service,
            Method::POST,
            "/v1/tenants".to_owned(),
            json,
            huge.as_str(),
            StatusCode::FORBIDDEN,
        ),
        (
            &service,
            Method::PATCH,
            "/v1/tenants/not-a-uuid".to_owned(),
            json,
            "[",
            StatusCode::FORBIDDEN,
        ),
        (
            &service,
            Method::POST,
            "/v1/webhooks".to_owned(),
            json,
            r#"{"nope":1}"#,
            StatusCode::FORBIDDEN,
        ),
        (
            &admin,
            Method::POST,
            "/v1/tokens".to_owned(),
            json,
            "{",
            StatusCode::FORBIDDEN,
        ),
        (
            &admin,
            Method::POST,
            "/v1/decisions".to_owned(),
            json,
            "{",
            StatusCode::FORBIDDEN,
        ),
        (
            &admin,
            Method::POST,
            "/v1/events".to_owned(),
            "text/plain",
            huge.as_str(),
            StatusCode::FORBIDDEN,
        ),
        (
            &admin,
            Method::POST,
            format!("/v1/tenants/{other}/users"),
            json,
            "{",
            StatusCode::NOT_FOUND,
        ),
        (
            &admin,
            Method::PATCH,
            format!("/v1/tenants/{other}/groups/{}", unknown_id()),
            json,
            "{",
            StatusCode::NOT_FOUND,
        ),
    ];
    for (bearer, method, path, content_type, body, status) in cases {
        let reply = Reply::read(
            send(
                &bearer.secret,
                method.clone(),
                path.clone(),
                content_type,
                body,
            )
            .await
            .unwrap(),
        )
        .await;
        assert_eq!(
            reply.status, status,
            "{method} {path} ({content_type}): {}",
            reply.text
        );
        let (code, _) = error_parts(&reply.json());
        let want = if status == StatusCode::FORBIDDEN {
            "forbidden"
        } else {
            "not_found"
        };
        assert_eq!(code, want, "{method} {path}");
    }
    // The Graph view likewise, in its own envelope.
    let graph = Reply::read(
        send(
            &service.secret,
            Method::POST,
            "/v1.0/tenantRelationships/delegatedAdminRelationships".to_owned(),
            json,
            "{",
        )
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(graph.status, StatusCode::FORBIDDEN, "{}", graph.text);
    // The same bad body from a caller who may write is reported as such.
    let reply = Reply::read(
        send(
            &admin.secret,
            Method::POST,
            format!("/v1/tenants/{partner}/users"),
            json,
            "{",
        )
        .await
        .unwrap(),
    )
    .await;
    assert!(reply.status == StatusCode::BAD_REQUEST, "{}", reply.text);
}
