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

/// PUTs `body` at `/v1/settings/{name}` as the operator.
async fn put_setting(
    server: &TestServer,
    name: &str,
    body: serde_json::Value,
) -> crate::support::Reply {
    let op = server.operator.secret.clone();
    server
        .send(
            Request::new(Method::PUT, &format!("/v1/settings/{name}"))
                .bearer(&op)
                .json(body),
        )
        .await
}

#[tokio::test]
async fn the_role_catalog_detection_and_vetting_settings_are_validated_stored_and_in_force_at_once()
{
    let server = TestServer::start().await;
    // The configuration's values until one is stored.
    let roles = server
        .op_get("/v1/settings/roles")
        .await
        .expect_status(StatusCode::OK)
        .json();
    assert!(roles["roles"].as_array().unwrap().len() >= 15, "{roles}");
    let detection = server
        .op_get("/v1/settings/detection")
        .await
        .expect_status(StatusCode::OK)
        .json();
    assert_eq!(detection["every_ms"], 500, "{detection}");
    assert_eq!(detection["engine"]["fan_out"]["floor"], 10, "{detection}");
    let vetting = server
        .op_get("/v1/settings/vetting")
        .await
        .expect_status(StatusCode::OK)
        .json();
    assert_eq!(vetting["suspend_on"], json!(null), "{vetting}");

    // Bad values are refused with what is wrong, and nothing is stored.
    let agent = json!({"id": "00000000-0000-4000-8000-000000000001",
        "name": "Ticket Agent", "actions": ["tickets.*"], "privileged": false,
        "global": false, "allowed_in_relationships": true});
    let refusals = [
        (
            "roles",
            json!({"roles": []}),
            "invalid_role_catalog",
            "at least one role",
        ),
        (
            "roles",
            json!({"roles": [agent.clone(), agent.clone()]}),
            "invalid_role_catalog",
            "appears twice",
        ),
        (
            "roles",
            json!({"roles": [{"id": "00000000-0000-4000-8000-000000000002",
            "name": "Idle", "actions": []}]}),
            "invalid_role_catalog",
            "permits no action",
        ),
        (
            "detection",
            json!({"every_ms": 0}),
            "invalid_detection_settings",
            "`every_ms`",
        ),
        (
            "detection",
            json!({"every_ms": 500, "engine": {"learning": {"min_confidence": 2.0}}}),
            "invalid_detection_settings",
            "`engine.learning.min_confidence`",
        ),
        (
            "detection",
            json!({"every_ms": 500, "engine": {"fan_out": {"window_ms": 0}}}),
            "invalid_detection_settings",
            "`engine.fan_out.window_ms`",
        ),
        (
            "vetting",
            json!({"suspend_on": "sometimes"}),
            "invalid_vetting_policy",
            "`sometimes`",
        ),
        (
            "vetting",
            json!({"watchlist_threshold": 1.5}),
            "invalid_vetting_policy",
            "`watchlist_threshold`",
        ),
        (
            "vetting",
            json!({"email_aliases": ["not a domain"]}),
            "invalid_vetting_policy",
            "`not a domain`",
        ),
    ];
    for (name, body, code, says) in refusals {
        let reply = put_setting(&server, name, body.clone()).await;
        let message = reply.expect_error(StatusCode::UNPROCESSABLE_ENTITY, code);
        assert!(message.contains(says), "{name} {body}: {message}");
    }
    // Unknown fields are refused by the JSON shape itself.
    put_setting(
        &server,
        "detection",
        json!({"every_ms": 500, "engine": {"nonsense": 1}}),
    )
    .await
    .expect_error(StatusCode::BAD_REQUEST, "unknown_field");
    assert!(server.audit("operation=setting.update").await.is_empty());

    // Good values: stored at version 1 and read back in force.
    let cases = [
        ("roles", json!({"roles": [agent.clone()]})),
        (
            "detection",
            json!({"every_ms": 250, "engine": {"fan_out": {"floor": 4}}}),
        ),
        (
            "vetting",
            json!({"suspend_on": "critical", "watchlist_threshold": 0.9,
            "email_aliases": ["contoso-mail.com"]}),
        ),
    ];
    for (name, body) in cases {
        let stored = put_setting(&server, name, body.clone())
            .await
            .expect_status(StatusCode::OK);
        assert_eq!(stored.etag(), "\"1\"");
        assert_eq!(stored.json()["name"], name);
        let in_force = server
            .op_get(&format!("/v1/settings/{name}"))
            .await
            .expect_status(StatusCode::OK)
            .json();
        for (field, value) in body.as_object().unwrap() {
            match name {
                "detection" if field == "engine" => {
                    assert_eq!(in_force["engine"]["fan_out"]["floor"], 4, "{in_force}");
                    // The rest of the table keeps its defaults.
                    assert_eq!(
                        in_force["engine"]["fan_out"]["novel_floor"], 6.0,
                        "{in_force}"
                    );
                }
                _ => assert_eq!(&in_force[field], value, "{name}: {in_force}"),
            }
        }
    }
    // The catalog in force is the one the relationship routes check against.
    let roles = server
        .get("/v1/roles", &server.operator.secret)
        .await
        .expect_status(StatusCode::OK)
        .json();
    assert_eq!(roles["items"].as_array().map(Vec::len), Some(1), "{roles}");
    let records = server.audit("operation=setting.update").await;
    let mut targets: Vec<&str> = records
        .iter()
        .map(|r| r["target_id"].as_str().unwrap())
        .collect();
    targets.sort_unstable();
    assert_eq!(targets, ["detection", "roles", "vetting"]);
}
