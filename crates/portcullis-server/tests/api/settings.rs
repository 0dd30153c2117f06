//! `/v1/settings`: the containment policy set under `If-Match`, in force
//! at once on the node that stored it, audited once; bad rules refused.
//! Across nodes: portcullis-cli's tests/cli/cluster_settings.rs.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::support::{Request, TestServer};

#[tokio::test]
async fn the_containment_policy_is_stored_versioned_and_in_force_at_once() {
    let server = TestServer::start().await;
    let op = server.operator.secret.clone();
    let put = |tag: Option<&'static str>, body: serde_json::Value| {
        let mut req = Request::new(Method::PUT, "/v1/settings/containment")
            .bearer(&op)
            .json(body);
        if let Some(tag) = tag {
            req = req.if_match(tag);
        }
        server.send(req)
    };
    // The configuration file's policy until one is stored.
    let default = server
        .op_get("/v1/settings/containment")
        .await
        .expect_status(StatusCode::OK)
        .json();
    assert_eq!(default["containment_mode"], "enforced", "{default}");
    assert!(default["containment"]["PCD-001"].is_object(), "{default}");
    let listed = server
        .op_get("/v1/settings")
        .await
        .expect_status(StatusCode::OK);
    assert_eq!(listed.json(), json!({"items": []}));

    let policy = json!({"containment_mode": "shadow",
        "containment": {"PCD-004": {"contain": "partner", "min_severity": 3}}});
    put(Some("\"1\""), policy.clone())
        .await
        .expect_error(StatusCode::PRECONDITION_FAILED, "precondition_failed");
    put(
        None,
        json!({"containment_mode": "shadow", "containment": {
            "PCD-004": {"contain": "partner", "min_severity": 9}}}),
    )
    .await
    .expect_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid_containment_rule");
    let stored = put(Some("\"0\""), policy.clone())
        .await
        .expect_status(StatusCode::OK);
    assert_eq!(stored.etag(), "\"1\"");
    let stored = stored.json();
    assert_eq!(stored["name"], "containment");
    assert_eq!(stored["version"], 1);

    let in_force = server
        .op_get("/v1/settings/containment")
        .await
        .expect_status(StatusCode::OK)
        .json();
    assert_eq!(
        in_force,
        json!({"containment_mode": "shadow", "containment": {
            "PCD-004": {"contain": "partner", "min_severity": 3, "min_confidence": "High"}}})
    );
    let records = server.audit("operation=setting.update").await;
    assert_eq!(records.len(), 1, "{records:?}");
    assert_eq!(records[0]["target_id"], "containment");
}
