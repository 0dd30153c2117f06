//! `/v1/posture` over HTTP: upload (own tenant, large bodies), reports and
//! states, bad snapshots named by JSON path, gating of new relationships,
//! listing by state, the baseline and its reload.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::{Bearer, Reply, TestServer, str_field};

const HELPDESK: &str = "729827e3-9c14-49f7-bb1b-9608f156bbb8";

/// A snapshot in which every default requirement passes; it carries no
/// capture time, so the upload time stands in.
pub fn compliant_snapshot() -> Value {
    let mut doc: Value = serde_json::from_str(include_str!(
        "../../../portcullis-posture/tests/support/compliant.json"
    ))
    .unwrap();
    doc["portcullis_partner_program"]
        .as_object_mut()
        .unwrap()
        .remove("taken_at");
    doc
}

fn without_contact() -> Value {
    let mut doc = compliant_snapshot();
    doc["portcullis_partner_program"]
        .as_object_mut()
        .unwrap()
        .remove("security_contact");
    doc
}

fn snapshots(tenant: &str) -> String {
    format!("/v1/posture/partners/{tenant}/snapshots")
}

/// Uploads a compliant snapshot for `tenant` as `bearer`; returns the report id.
pub async fn upload(server: &TestServer, tenant: &str, bearer: &str) -> String {
    let uploaded = server
        .post(&snapshots(tenant), bearer, compliant_snapshot())
        .await
        .expect_status(StatusCode::CREATED)
        .json();
    str_field(&uploaded["report"], "id")
}

async fn post_raw(
    server: &TestServer,
    path: &str,
    bearer: &str,
    kind: &str,
    body: Vec<u8>,
) -> Reply {
    let response = server
        .client
        .post(server.url(path))
        .bearer_auth(bearer)
        .header("content-type", kind)
        .body(body)
        .send()
        .await
        .unwrap();
    Reply::read(response).await
}

async fn vetted_partner(server: &TestServer, name: &str) -> (String, Bearer) {
    let partner = str_field(&server.create_tenant("partner", name).await, "id");
    server.authorize_partner(&partner).await;
    let admin = server.mint("partner_admin", Some(&partner)).await;
    (partner, admin)
}

#[tokio::test]
async fn a_partner_admin_uploads_its_snapshot_and_reads_report_and_state() {
    let server = TestServer::start().await;
    let (partner, admin) = vetted_partner(&server, "Contoso").await;
    let uploaded = server
        .post(&snapshots(&partner), &admin.secret, compliant_snapshot())
        .await
        .expect_status(StatusCode::CREATED)
        .json();
    assert_eq!(uploaded["posture"]["state"], "compliant");
    assert_eq!(uploaded["report"]["compliant"], true);
    assert_eq!(uploaded["snapshot"]["taken_at"], Value::Null);
    let results = uploaded["report"]["report"]["results"].as_array().unwrap();
    assert_eq!(results[0]["requirement_id"], "snapshot.fresh");
    assert!(
        results.iter().all(|r| r["status"] != "error"),
        "{results:?}"
    );

    let state = server
        .get(&format!("/v1/posture/partners/{partner}"), &admin.secret)
        .await
        .expect_status(StatusCode::OK)
        .json();
    assert_eq!(state, uploaded["posture"]);
    let latest = server
        .get(
            &format!("/v1/posture/partners/{partner}/report"),
            &admin.secret,
        )
        .await
        .expect_status(StatusCode::OK)
        .json();
    assert_eq!(latest, uploaded["report"]);
    let by_id = server
        .get(
            &format!("/v1/posture/reports/{}", str_field(&latest, "id")),
            &admin.secret,
        )
        .await
        .expect_status(StatusCode::OK)
        .json();
    assert_eq!(by_id, latest);

    let baseline = server
        .get("/v1/posture/baseline", &admin.secret)
        .await
        .expect_status(StatusCode::OK)
        .json();
    assert_eq!(baseline["version"], latest["baseline_version"]);
    let ids: Vec<&str> = baseline["requirements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"aad.legacy-auth-blocked"), "{ids:?}");
    assert!(ids.contains(&"partner.security-contact"), "{ids:?}");

    let audit = server.audit(&format!("tenant_id={partner}")).await;
    let operations: Vec<String> = audit
        .iter()
        .map(|r| str_field(r, "operation"))
        .filter(|op| op.starts_with("posture."))
        .collect();
    assert_eq!(
        operations,
        ["posture.snapshot.upload", "posture.state.compliant"]
    );
}

#[tokio::test]
async fn bad_snapshots_are_422_naming_the_json_path_or_position() {
    let server = TestServer::start().await;
    let op = server.operator.secret.clone();
    let partner = str_field(&server.create_tenant("partner", "Contoso").await, "id");

    let mut doc = compliant_snapshot();
    doc["privileged_roles"][0]["Assignments"] = json!("everyone");
    let message = server
        .post(&snapshots(&partner), &op, doc)
        .await
        .expect_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid_snapshot");
    assert!(
        message.contains("`privileged_roles[0].Assignments`"),
        "{message}"
    );

    let reply = post_raw(
        &server,
        &snapshots(&partner),
        &op,
        "application/json",
        b"{\n  \"conditional_access_policies\": [,]\n}".to_vec(),
    )
    .await;
    let message = reply.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid_snapshot");
    assert!(message.contains("line 2 column"), "{message}");

    let reply = post_raw(
        &server,
        &snapshots(&partner),
        &op,
        "text/plain",
        b"{}".to_vec(),
    )
    .await;
    reply.expect_error(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type");

    let customer = str_field(&server.create_tenant("customer", "Fabrikam").await, "id");
    server
        .post(&snapshots(&customer), &op, compliant_snapshot())
        .await
        .expect_error(StatusCode::UNPROCESSABLE_ENTITY, "wrong_tenant_kind");
    server
        .post(&snapshots("not-a-uuid"), &op, compliant_snapshot())
        .await
        .expect_error(StatusCode::BAD_REQUEST, "invalid_id");
    server
        .get(&format!("/v1/posture/partners/{partner}"), &op)
        .await
        .expect_error(StatusCode::NOT_FOUND, "not_found");
    let audit = server.audit(&format!("tenant_id={partner}")).await;
    assert!(
        audit
            .iter()
            .all(|r| !str_field(r, "operation").starts_with("posture.")),
        "nothing stored"
    );
}

#[tokio::test]
async fn snapshots_up_to_eight_mib_are_accepted_and_larger_ones_are_413() {
    let server = TestServer::start().await;
    let op = server.operator.secret.clone();
    let partner = str_field(&server.create_tenant("partner", "Contoso").await, "id");
    let mut doc = compliant_snapshot();
    doc["padding"] = json!("x".repeat(3 * 1024 * 1024));
    server
        .post(&snapshots(&partner), &op, doc)
        .await
        .expect_status(StatusCode::CREATED);
    let mut doc = compliant_snapshot();
    doc["padding"] = json!("x".repeat(8 * 1024 * 1024));
    server
        .post(&snapshots(&partner), &op, doc)
        .await
        .expect_error(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large");
}

#[tokio::test]
async fn a_noncompliant_partner_cannot_propose_relationships_until_compliant_again() {
    let server = TestServer::start().await;
    let (partner, admin) = vetted_partner(&server, "Contoso").await;
    let customer = str_field(&server.create_tenant("customer", "Fabrikam").await, "id");
    let propose = |name: &'static str| {
        let admin = admin.secret.clone();
        let (partner, customer) = (partner.clone(), customer.clone());
        let server = &server;
        async move {
            server
                .post(
                    "/v1/relationships",
                    &admin,
                    json!({"partner_tenant_id": partner, "customer_tenant_id": customer,
                           "display_name": name, "roles": [HELPDESK], "duration": "P30D"}),
                )
                .await
        }
    };
    let failing = server
        .post(&snapshots(&partner), &admin.secret, without_contact())
        .await
        .expect_status(StatusCode::CREATED)
        .json();
    assert_eq!(failing["posture"]["state"], "noncompliant");
    assert_eq!(
        failing["posture"]["failing"],
        json!(["partner.security-contact"])
    );
    assert!(failing["posture"]["grace_ends_at"].is_string());
    let message = propose("First")
        .await
        .expect_error(StatusCode::FORBIDDEN, "partner_noncompliant");
    assert!(message.contains("partner.security-contact"), "{message}");

    let listed = server
        .get(
            "/v1/posture/partners?state=noncompliant",
            &server.operator.secret,
        )
        .await
        .expect_status(StatusCode::OK)
        .items();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["tenant_id"], json!(partner));
    server
        .get(
            "/v1/posture/partners?state=sideways",
            &server.operator.secret,
        )
        .await
        .expect_error(StatusCode::BAD_REQUEST, "invalid_query");

    upload(&server, &partner, &admin.secret).await;
    propose("Second").await.expect_status(StatusCode::CREATED);
}

#[tokio::test]
async fn a_reload_reads_only_the_configured_baseline_directory() {
    let server = TestServer::start().await;
    let op = server.operator.secret.clone();
    let before = server.op_get("/v1/posture/baseline").await.json();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("broken.rego"),
        "package portcullis.requirement.broken\n\nresult := {\n",
    )
    .unwrap();
    // No `baseline_dir` is configured here: any directory is refused, `/etc` included.
    for directory in [dir.path().to_str().unwrap(), "/etc", "/etc/"] {
        let message = server
            .post(
                "/v1/posture/baseline/reload",
                &op,
                json!({"directory": directory}),
            )
            .await
            .expect_error(
                StatusCode::UNPROCESSABLE_ENTITY,
                "baseline_directory_refused",
            );
        assert!(
            message.contains("configured baseline directory"),
            "{message}"
        );
    }
    assert_eq!(server.op_get("/v1/posture/baseline").await.json(), before);

    let same = server
        .post("/v1/posture/baseline/reload", &op, json!({}))
        .await
        .expect_status(StatusCode::OK)
        .json();
    assert_eq!(same["changed"], false);
    assert_eq!(same["version"], before["version"]);
    server
        .post("/v1/posture/baseline/reload", &op, json!({"dir": "/tmp"}))
        .await
        .expect_error(StatusCode::BAD_REQUEST, "unknown_field");
}
