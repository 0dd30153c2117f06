//! `/v1/webhooks`: subscribe (the secret shown once), read, change under
//! `If-Match`, ping, read the delivery log, delete; refused bad input.
//! Signing and delivery against a real receiver are tested in
//! portcullis-service's tests/webhooks.rs.

use reqwest::StatusCode;
use serde_json::json;

use crate::support::{TestServer, ids, str_field};

async fn webhook_lifecycle(server: &TestServer) {
    let op = server.operator.secret.as_str();
    let created = server
        .post(
            "/v1/webhooks",
            op,
            json!({"url": "http://127.0.0.1:9/hook", "description": "siem",
                   "event_types": ["relationship.expiry_warning"]}),
        )
        .await
        .expect_status(StatusCode::CREATED)
        .json();
    let id = str_field(&created, "id");
    let secret = str_field(&created, "secret");
    assert!(secret.starts_with("whsec_"), "{secret}");
    assert_eq!(created["enabled"], json!(true));
    assert_eq!(created["version"], json!(1));

    let read = server
        .op_get(&format!("/v1/webhooks/{id}"))
        .await
        .expect_status(StatusCode::OK);
    assert_eq!(read.etag(), "\"1\"");
    assert!(
        read.json().get("secret").is_none(),
        "the secret is shown once"
    );
    let listed = server
        .op_get("/v1/webhooks")
        .await
        .expect_status(StatusCode::OK);
    assert_eq!(ids(&listed.items()), std::slice::from_ref(&id));

    let path = format!("/v1/webhooks/{id}");
    server
        .patch(&path, op, Some("\"7\""), json!({"enabled": false}))
        .await
        .expect_error(StatusCode::PRECONDITION_FAILED, "precondition_failed");
    let changed = server
        .patch(
            &path,
            op,
            Some("\"1\""),
            json!({"enabled": false, "description": null}),
        )
        .await
        .expect_status(StatusCode::OK)
        .json();
    assert_eq!(
        (changed["enabled"].clone(), changed["version"].clone()),
        (json!(false), json!(2))
    );
    assert!(changed["description"].is_null(), "{changed}");

    let ping = server
        .post(&format!("/v1/webhooks/{id}/test"), op, json!({}))
        .await
        .expect_status(StatusCode::ACCEPTED)
        .json();
    assert_eq!(ping["event_type"], json!("webhook.ping"));
    assert_eq!(ping["status"], json!("pending"));
    let log = server
        .op_get(&format!("/v1/webhooks/{id}/deliveries?limit=10"))
        .await
        .expect_status(StatusCode::OK)
        .items();
    assert_eq!(ids(&log), [str_field(&ping, "id")]);

    server
        .delete(&path, op, Some("\"2\""))
        .await
        .expect_status(StatusCode::NO_CONTENT);
    server
        .op_get(&path)
        .await
        .expect_error(StatusCode::NOT_FOUND, "not_found");

    let audit = server.audit("").await;
    let ops: Vec<&str> = audit
        .iter()
        .filter_map(|r| r["operation"].as_str())
        .filter(|o| o.starts_with("webhook."))
        .collect();
    assert_eq!(ops, ["webhook.create", "webhook.update", "webhook.delete"]);
    let text = serde_json::to_string(&audit).unwrap();
    assert!(!text.contains(&secret), "the secret reached the audit log");
}

#[tokio::test]
async fn webhook_lifecycle_on_sqlite() {
    webhook_lifecycle(&TestServer::start().await).await;
}

#[tokio::test]
async fn webhook_lifecycle_on_postgres() {
    let Some(server) = TestServer::start_postgres().await else {
        return;
    };
    webhook_lifecycle(&server).await;
}

#[tokio::test]
async fn bad_webhooks_are_refused() {
    let server = TestServer::start().await;
    let op = server.operator.secret.as_str();
    for (body, status) in [
        (
            json!({"url": "ftp://example.com/"}),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            json!({"url": "http://u:p@example.com/"}),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            json!({"url": "http://example.com/", "event_types": ["No Spaces"]}),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            json!({"url": "http://example.com/", "secret": "mine"}),
            StatusCode::BAD_REQUEST,
        ),
        (json!({}), StatusCode::UNPROCESSABLE_ENTITY),
    ] {
        let reply = server.post("/v1/webhooks", op, body.clone()).await;
        assert_eq!(reply.status, status, "{body}: {:?}", reply.json());
    }
    for id in ["not-a-uuid", "0190a5a4-0000-7000-8000-000000000001"] {
        server
            .op_get(&format!("/v1/webhooks/{id}"))
            .await
            .expect_error(StatusCode::NOT_FOUND, "not_found");
        server
            .post(&format!("/v1/webhooks/{id}/test"), op, json!({}))
            .await
            .expect_error(StatusCode::NOT_FOUND, "not_found");
    }
}

#[tokio::test]
async fn internal_destinations_are_a_422_unless_configured() {
    let strict = TestServer::start_with_options(crate::support::Options {
        webhooks: portcullis_service::WebhookConfig::default(),
        ..crate::support::Options::default()
    })
    .await;
    let op = strict.operator.secret.clone();
    for url in [
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]:8080/hook",
        "http://127.0.0.1:9/hook",
        "http://192.168.1.10/hook",
        "http://[::ffff:10.0.0.1]/hook",
        "http://localhost:9/hook",
    ] {
        let message = strict
            .post("/v1/webhooks", &op, json!({"url": url}))
            .await
            .expect_error(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
        assert!(message.contains("not a public address"), "{url}: {message}");
    }
    assert!(strict.op_get("/v1/webhooks").await.items().is_empty());
    // The default test server allows its loopback receivers, as configured.
    let allowing = TestServer::start().await;
    allowing
        .post(
            "/v1/webhooks",
            &allowing.operator.secret,
            json!({"url": "http://127.0.0.1:9/hook"}),
        )
        .await
        .expect_status(StatusCode::CREATED);
}
