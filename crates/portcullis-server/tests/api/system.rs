//! Health, readiness, metrics, the OpenAPI document, request ids, shutdown.

use std::collections::BTreeSet;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::{Request, TestServer, error_parts, unknown_id};

/// Every `(METHOD, path template)` the library's OpenAPI document describes.
pub fn documented_routes() -> BTreeSet<(String, String)> {
    let text = portcullis_server::openapi()
        .to_json()
        .expect("the OpenAPI document serializes");
    routes_of(&serde_json::from_str(&text).expect("the OpenAPI document is JSON"))
}

/// Every `(METHOD, path template)` of an OpenAPI document.
pub fn routes_of(document: &Value) -> BTreeSet<(String, String)> {
    let paths = document["paths"].as_object().expect("`paths` is an object");
    let mut routes = BTreeSet::new();
    for (path, item) in paths {
        for method in [
            "get", "put", "post", "delete", "options", "head", "patch", "trace",
        ] {
            if item.get(method).is_some() {
                routes.insert((method.to_uppercase(), path.clone()));
            }
        }
    }
    routes
}

/// A concrete path for a template, each `{…_id}` replaced by `id`.
fn concrete(template: &str, id: &str) -> String {
    let mut out = String::new();
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        let end = rest.find('}').expect("a closed placeholder");
        out.push_str(&rest[..start]);
        out.push_str(id);
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out
}

/// The count of one `http_requests_total` series, 0 when it is absent.
fn request_count(metrics: &str, method: &str, route: &str, status: u16) -> u64 {
    let series = format!(
        "http_requests_total{{method=\"{method}\",route=\"{route}\",status=\"{status}\"}} "
    );
    metrics
        .lines()
        .find_map(|line| line.strip_prefix(&series))
        .map_or(0, |n| n.trim().parse().expect("a counter value"))
}

#[tokio::test]
async fn healthz_answers_ok_without_a_token() {
    let server = TestServer::start().await;
    let reply = server.send(Request::new(Method::GET, "/healthz")).await;
    assert_eq!(
        reply.expect_status(StatusCode::OK).json(),
        json!({"status": "ok"})
    );
}

#[tokio::test]
async fn readyz_answers_ready_when_the_store_answers() {
    let server = TestServer::start().await;
    let reply = server.send(Request::new(Method::GET, "/readyz")).await;
    let mut body = reply.expect_status(StatusCode::OK).json();
    let node = body["node_id"].take();
    assert!(node.as_str().is_some_and(|id| !id.is_empty()), "{node}");
    // No background work runs in this process: it never leads.
    assert_eq!(
        body,
        json!({"status": "ready", "node_id": null, "membership": "standalone", "leader": false,
            "detection": "none", "partitions_owned": 0})
    );
}

#[tokio::test]
async fn metrics_count_requests_under_the_route_template() {
    let server = TestServer::start().await;
    let tenant = server.create_tenant("partner", "Metered").await;
    let path = format!("/v1/tenants/{}", tenant["id"].as_str().unwrap());
    let route = "/v1/tenants/{tenant_id}";

    let scrape = || async {
        server
            .send(Request::new(Method::GET, "/metrics"))
            .await
            .expect_status(StatusCode::OK)
    };
    let before = scrape().await;
    assert!(
        before
            .header("content-type")
            .is_some_and(|t| t.starts_with("application/openmetrics-text")),
        "{:?}",
        before.headers
    );
    assert_eq!(request_count(&before.text, "GET", route, 200), 0);
    assert_eq!(request_count(&before.text, "POST", "/v1/tenants", 201), 1);

    server.op_get(&path).await.expect_status(StatusCode::OK);
    let once = scrape().await.text;
    assert_eq!(request_count(&once, "GET", route, 200), 1, "{once}");
    assert!(once.contains("http_request_duration_seconds"), "{once}");
    // Every background worker is reported, whether or not it runs here.
    for worker in ["follow_changes", "sweep", "detection", "webhooks"] {
        assert!(
            once.contains(&format!("worker_runs_total{{worker=\"{worker}\"}}"))
                && once.contains(&format!("worker_failures_total{{worker=\"{worker}\"}}")),
            "{once}"
        );
    }
    // The node's place in the cluster: a test server runs no background
    // work, so it never leads, and it trails no announced commit.
    assert!(once.lines().any(|l| l == "portcullis_leader 0"), "{once}");
    assert!(
        once.lines().any(|l| l == "portcullis_change_feed_lag 0"),
        "{once}"
    );
    assert!(
        once.lines().any(|l| l.starts_with("portcullis_node{")
            && l.contains("membership=\"standalone\"")
            && l.ends_with(" 1")),
        "{once}"
    );

    server.op_get(&path).await.expect_status(StatusCode::OK);
    server
        .op_get(&format!("/v1/tenants/{}", unknown_id()))
        .await
        .expect_status(StatusCode::NOT_FOUND);
    let twice = scrape().await.text;
    assert_eq!(request_count(&twice, "GET", route, 200), 2, "{twice}");
    assert_eq!(request_count(&twice, "GET", route, 404), 1, "{twice}");
    assert!(
        !twice.contains(&path),
        "concrete ids never become label values: {twice}"
    );
}

#[tokio::test]
async fn metrics_label_unrouted_paths_as_unmatched() {
    let server = TestServer::start().await;
    let probe = format!("/no/such/{}", unknown_id());
    server
        .send(Request::new(Method::GET, &probe))
        .await
        .expect_status(StatusCode::NOT_FOUND);
    let metrics = server
        .send(Request::new(Method::GET, "/metrics"))
        .await
        .text;
    assert_eq!(
        request_count(&metrics, "GET", "unmatched", 404),
        1,
        "{metrics}"
    );
    assert!(!metrics.contains(&probe), "{metrics}");
}

#[tokio::test]
async fn openapi_document_is_3_1_and_lists_every_route() {
    let server = TestServer::start().await;
    let reply = server
        .send(Request::new(Method::GET, "/openapi.json"))
        .await
        .expect_status(StatusCode::OK);
    assert!(
        reply
            .header("content-type")
            .is_some_and(|t| t.starts_with("application/json"))
    );
    let document = reply.json();
    assert_eq!(document["openapi"], json!("3.1.0"));

    let expected: BTreeSet<(String, String)> = [
        ("GET", "/healthz"),
        ("GET", "/readyz"),
        ("GET", "/metrics"),
        ("GET", "/openapi.json"),
        ("GET", "/v1/tenants"),
        ("POST", "/v1/tenants"),
        ("GET", "/v1/tenants/{tenant_id}"),
        ("PATCH", "/v1/tenants/{tenant_id}"),
        ("DELETE", "/v1/tenants/{tenant_id}"),
        ("GET", "/v1/tenants/{tenant_id}/users"),
        ("POST", "/v1/tenants/{tenant_id}/users"),
        ("GET", "/v1/tenants/{tenant_id}/users/{user_id}"),
        ("PATCH", "/v1/tenants/{tenant_id}/users/{user_id}"),
        ("DELETE", "/v1/tenants/{tenant_id}/users/{user_id}"),
        ("GET", "/v1/tenants/{tenant_id}/groups"),
        ("POST", "/v1/tenants/{tenant_id}/groups"),
        ("GET", "/v1/tenants/{tenant_id}/groups/{group_id}"),
        ("PATCH", "/v1/tenants/{tenant_id}/groups/{group_id}"),
        ("DELETE", "/v1/tenants/{tenant_id}/groups/{group_id}"),
        ("GET", "/v1/tenants/{tenant_id}/groups/{group_id}/members"),
        ("POST", "/v1/tenants/{tenant_id}/groups/{group_id}/members"),
        (
            "DELETE",
            "/v1/tenants/{tenant_id}/groups/{group_id}/members/{user_id}",
        ),
        ("GET", "/v1/tokens"),
        ("POST", "/v1/tokens"),
        ("GET", "/v1/tokens/{token_id}"),
        ("DELETE", "/v1/tokens/{token_id}"),
        ("GET", "/v1/audit"),
        ("GET", "/v1/tenants/{tenant_id}/authorization"),
        ("POST", "/v1/vetting/applications"),
        ("GET", "/v1/vetting/cases"),
        ("GET", "/v1/vetting/cases/{case_id}"),
        ("POST", "/v1/vetting/cases/{case_id}/screen"),
        ("PUT", "/v1/vetting/cases/{case_id}/application"),
        ("GET", "/v1/vetting/review-queue"),
        ("POST", "/v1/vetting/cases/{case_id}/reviews"),
        ("POST", "/v1/vetting/cases/{case_id}/suspend"),
        ("POST", "/v1/vetting/cases/{case_id}/reinstate"),
        ("POST", "/v1/vetting/cases/{case_id}/revoke"),
        ("POST", "/v1/vetting/cases/{case_id}/reverify-domain"),
        ("GET", "/v1/vetting/findings"),
        ("GET", "/v1/vetting/partners/{tenant_id}/screening-history"),
        ("GET", "/v1/vetting/watchlists"),
        ("PUT", "/v1/vetting/watchlists/{name}"),
        ("DELETE", "/v1/vetting/watchlists/{name}"),
        ("GET", "/v1/findings"),
        ("GET", "/v1/findings/{finding_id}"),
        ("PATCH", "/v1/findings/{finding_id}"),
        ("GET", "/v1/containments"),
        ("POST", "/v1/containments"),
        ("POST", "/v1/containments/{containment_id}/lift"),
        ("GET", "/v1/events"),
        ("POST", "/v1/events"),
        ("GET", "/v1/vetting/intel"),
        ("PUT", "/v1/vetting/intel/{source}"),
        ("GET", "/v1/webhooks"),
        ("POST", "/v1/webhooks"),
        ("GET", "/v1/webhooks/{webhook_id}"),
        ("PATCH", "/v1/webhooks/{webhook_id}"),
        ("DELETE", "/v1/webhooks/{webhook_id}"),
        ("GET", "/v1/webhooks/{webhook_id}/deliveries"),
        ("POST", "/v1/webhooks/{webhook_id}/test"),
        ("POST", "/v1/posture/partners/{tenant_id}/snapshots"),
        ("GET", "/v1/posture/partners/{tenant_id}"),
        ("GET", "/v1/posture/partners/{tenant_id}/report"),
        ("GET", "/v1/posture/reports/{report_id}"),
        ("GET", "/v1/posture/partners"),
        ("GET", "/v1/posture/baseline"),
        ("POST", "/v1/posture/baseline/reload"),
        ("GET", "/v1/tenants/{tenant_id}/restrictions"),
        ("PUT", "/v1/tenants/{tenant_id}/restrictions"),
        ("GET", "/v1/relationships"),
        ("POST", "/v1/relationships"),
        ("GET", "/v1/relationships/{relationship_id}"),
        ("PATCH", "/v1/relationships/{relationship_id}"),
        ("DELETE", "/v1/relationships/{relationship_id}"),
        (
            "POST",
            "/v1/relationships/{relationship_id}/request-approval",
        ),
        ("POST", "/v1/relationships/{relationship_id}/approve"),
        ("POST", "/v1/relationships/{relationship_id}/reject"),
        ("POST", "/v1/relationships/{relationship_id}/terminate"),
        ("GET", "/v1/relationships/{relationship_id}/assignments"),
        ("POST", "/v1/relationships/{relationship_id}/assignments"),
        (
            "GET",
            "/v1/relationships/{relationship_id}/assignments/{assignment_id}",
        ),
        (
            "PATCH",
            "/v1/relationships/{relationship_id}/assignments/{assignment_id}",
        ),
        (
            "DELETE",
            "/v1/relationships/{relationship_id}/assignments/{assignment_id}",
        ),
        ("POST", "/v1/activations"),
        ("GET", "/v1/activations/{activation_id}"),
        ("POST", "/v1/activations/{activation_id}/approve"),
        ("POST", "/v1/activations/{activation_id}/deny"),
        ("POST", "/v1/activations/{activation_id}/revoke"),
        ("POST", "/v1/decisions"),
        ("GET", "/v1/roles"),
        ("GET", "/v1/usage"),
        ("GET", "/v1/relationships/{relationship_id}/usage"),
        ("GET", "/v1/recommendations"),
        ("POST", "/v1/recommendations/{recommendation_id}/apply"),
        ("GET", "/v1/settings"),
        ("GET", "/v1/settings/containment"),
        ("PUT", "/v1/settings/containment"),
        ("GET", "/v1/settings/roles"),
        ("PUT", "/v1/settings/roles"),
        ("GET", "/v1/settings/detection"),
        ("PUT", "/v1/settings/detection"),
        ("GET", "/v1/settings/vetting"),
        ("PUT", "/v1/settings/vetting"),
        ("GET", "/v1/templates"),
        ("POST", "/v1/templates"),
        ("GET", "/v1/templates/{template_id}"),
        ("DELETE", "/v1/templates/{template_id}"),
        ("POST", "/v1/templates/{template_id}/apply"),
        ("POST", "/v1/bulk/relationships"),
        ("GET", "/v1/bulk/runs"),
        ("GET", "/v1/bulk/runs/{run_id}"),
        ("POST", "/v1/findings/{finding_id}/acknowledge"),
        ("POST", "/v1/findings/{finding_id}/resolve"),
        ("GET", "/v1/findings/{finding_id}/response"),
        ("GET", "/v1/posture/partners/{tenant_id}/score"),
        ("GET", "/v1/posture/partners/{tenant_id}/score/history"),
        ("GET", "/v1/access-reviews"),
        ("POST", "/v1/access-reviews"),
        ("GET", "/v1/access-reviews/{review_id}"),
        ("POST", "/v1/access-reviews/{review_id}/decisions"),
        ("POST", "/v1/access-reviews/{review_id}/complete"),
        ("GET", "/v1/tenants/{tenant_id}/access-review-policy"),
        ("PUT", "/v1/tenants/{tenant_id}/access-review-policy"),
        ("DELETE", "/v1/tenants/{tenant_id}/access-review-policy"),
    ]
    .into_iter()
    .map(|(m, p)| (m.to_owned(), p.to_owned()))
    .collect();
    // The Graph view (`/v1.0/…`) is listed and checked in `graph/errors.rs`,
    // AuthZEN (`/access/v1/…`, its metadata) in `authzen/metadata.rs`.
    let native: BTreeSet<(String, String)> = routes_of(&document)
        .into_iter()
        .filter(|(_, path)| {
            !path.starts_with("/v1.0/")
                && !path.starts_with("/access/")
                && !path.starts_with("/.well-known/")
        })
        .collect();
    assert_eq!(native, expected);
    assert_eq!(
        routes_of(&document),
        documented_routes(),
        "the served document is the library's"
    );

    for (method, path) in &expected {
        let operation = &document["paths"][path][method.to_lowercase()];
        let secured = operation["security"]
            .as_array()
            .is_some_and(|s| s.iter().any(|r| r.get("bearer").is_some()));
        assert_eq!(
            secured,
            path.starts_with("/v1/"),
            "{method} {path}: /v1 routes and only they declare bearer security"
        );
    }
    assert_eq!(
        document["components"]["securitySchemes"]["bearer"]["scheme"],
        json!("bearer")
    );
}

#[tokio::test]
async fn every_documented_v1_route_is_routed_and_requires_a_bearer_token() {
    let server = TestServer::start().await;
    for (method, template) in documented_routes() {
        if template.starts_with("/v1.0/") || template.starts_with("/access/") {
            // The Graph view answers in the OData shape (`graph/errors.rs`),
            // AuthZEN with message strings (`authzen/evaluation.rs`).
            continue;
        }
        let path = concrete(&template, &unknown_id());
        let method = Method::from_bytes(method.as_bytes()).unwrap();
        let mut request = Request::new(method.clone(), &path);
        if method == Method::POST || method == Method::PATCH {
            request = request.json(json!({}));
        }
        let reply = server.send(request).await;
        if template.starts_with("/v1/") {
            reply.expect_error(StatusCode::UNAUTHORIZED, "unauthenticated");
            assert!(
                reply
                    .header("www-authenticate")
                    .is_some_and(|v| v.starts_with("Bearer")),
                "{method} {template}"
            );
        } else {
            assert_eq!(reply.status, StatusCode::OK, "{method} {template}");
        }
    }
}

#[tokio::test]
async fn every_response_carries_a_request_id() {
    let server = TestServer::start().await;
    let mut seen = BTreeSet::new();
    for path in ["/healthz", "/v1/tenants", "/no/such/route"] {
        let reply = server.send(Request::new(Method::GET, path)).await;
        let id = reply
            .header("x-request-id")
            .unwrap_or_else(|| panic!("{path} has an x-request-id"))
            .to_owned();
        assert!(!id.is_empty());
        assert!(seen.insert(id), "request ids are unique");
    }
    let echoed = server
        .send(Request::new(Method::GET, "/healthz").header("x-request-id", "trace-42.a_b:c"))
        .await;
    assert_eq!(echoed.header("x-request-id"), Some("trace-42.a_b:c"));
    for unsafe_id in ["has space", "semi;colon", &"x".repeat(129)] {
        let replaced = server
            .send(Request::new(Method::GET, "/healthz").header("x-request-id", unsafe_id))
            .await;
        let got = replaced.header("x-request-id").unwrap();
        assert_ne!(got, unsafe_id, "an unsafe request id is replaced");
        assert!(!got.is_empty());
    }
}

#[tokio::test]
async fn server_finishes_after_the_shutdown_signal() {
    let server = TestServer::start().await;
    let base = server.base.clone();
    let client = server.client.clone();
    client
        .get(format!("{base}/healthz"))
        .send()
        .await
        .unwrap()
        .error_for_status()
        .unwrap();
    server.stop().await.expect("a clean shutdown");
    let fresh = reqwest::Client::new();
    assert!(
        fresh.get(format!("{base}/healthz")).send().await.is_err(),
        "nothing answers after shutdown"
    );
}

#[tokio::test]
async fn not_found_and_method_not_allowed_are_json_errors() {
    let server = TestServer::start().await;
    let reply = server
        .send(Request::new(Method::GET, "/v2/nothing").bearer(&server.operator.secret))
        .await;
    let message = reply.expect_error(StatusCode::NOT_FOUND, "not_found");
    assert!(message.contains("/v2/nothing"), "{message}");

    let reply = server
        .send(Request::new(Method::PUT, "/v1/tenants").bearer(&server.operator.secret))
        .await;
    reply.expect_error(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed");
    let reply = server.send(Request::new(Method::POST, "/healthz")).await;
    let (code, _) = error_parts(&reply.json());
    assert_eq!(
        (reply.status, code.as_str()),
        (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed")
    );
}
