//! §9 Policy Decision Point metadata, and the routes in the OpenAPI
//! document.

use reqwest::{Method, StatusCode};
use serde_json::json;

use super::POST_ROUTES;
use crate::support::{Request, TestServer};
use crate::system::documented_routes;

#[tokio::test]
async fn pdp_metadata_names_every_endpoint_under_the_url_asked() {
    let server = TestServer::start().await;
    let reply = server
        .send(Request::new(
            Method::GET,
            "/.well-known/authzen-configuration",
        ))
        .await
        .expect_status(StatusCode::OK);
    assert!(
        reply
            .header("content-type")
            .unwrap()
            .starts_with("application/json")
    );
    let base = server.base.trim_end_matches('/').to_owned();
    let expected = json!({
        "policy_decision_point": base,
        "access_evaluation_endpoint": format!("{base}/access/v1/evaluation"),
        "access_evaluations_endpoint": format!("{base}/access/v1/evaluations"),
        "search_subject_endpoint": format!("{base}/access/v1/search/subject"),
        "search_resource_endpoint": format!("{base}/access/v1/search/resource"),
        "search_action_endpoint": format!("{base}/access/v1/search/action"),
    });
    assert_eq!(
        reply.json(),
        expected,
        "§9.2.3: the identifier is the URL asked"
    );
    assert!(reply.header("cache-control").is_some());

    // Behind a TLS-terminating gateway, the endpoints are https.
    let proxied = server
        .send(
            Request::new(Method::GET, "/.well-known/authzen-configuration")
                .header("x-forwarded-proto", "https")
                .header("host", "pdp.example.com"),
        )
        .await
        .expect_status(StatusCode::OK)
        .json();
    assert_eq!(
        proxied["policy_decision_point"],
        json!("https://pdp.example.com")
    );
    assert_eq!(
        proxied["search_action_endpoint"],
        json!("https://pdp.example.com/access/v1/search/action")
    );
    let odd = server
        .send(
            Request::new(Method::GET, "/.well-known/authzen-configuration")
                .header("host", "evil.example/\"><script>"),
        )
        .await;
    if odd.status == StatusCode::OK {
        assert_eq!(
            odd.json()["policy_decision_point"],
            json!("http://localhost")
        );
    }
}

#[test]
fn the_openapi_document_describes_the_authzen_routes_secured_by_bearer_tokens() {
    let text = portcullis_server::openapi().to_json().unwrap();
    let document: serde_json::Value = serde_json::from_str(&text).unwrap();
    let routes = documented_routes();
    for path in POST_ROUTES {
        assert!(
            routes.contains(&("POST".to_owned(), path.to_owned())),
            "{path}"
        );
        let operation = &document["paths"][path]["post"];
        assert!(
            operation["security"].to_string().contains("bearer"),
            "{path}: {operation}"
        );
        for status in ["200", "400", "401", "403", "500"] {
            assert!(
                operation["responses"].get(status).is_some(),
                "{path} {status}"
            );
        }
        assert!(
            operation["responses"]["400"]["content"]
                .get("text/plain")
                .is_some(),
            "{path}: errors are message strings"
        );
        assert!(operation["responses"].get("415").is_none(), "{path}");
    }
    assert!(routes.contains(&(
        "GET".to_owned(),
        "/.well-known/authzen-configuration".to_owned()
    )));
    let authzen: Vec<_> = routes
        .iter()
        .filter(|(_, p)| p.starts_with("/access/") || p.starts_with("/.well-known/"))
        .collect();
    assert_eq!(authzen.len(), POST_ROUTES.len() + 1, "{authzen:?}");
}
