//! `/v1/vetting` over HTTP: apply, prove the domain through the test DNS
//! server, screen, review with four eyes, suspend and revoke, and re-screen
//! on a watchlist load.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::{TestServer, str_field, test_application};

async fn new_partner(server: &TestServer) -> (String, crate::support::Bearer) {
    let partner = str_field(&server.create_tenant("partner", "Contoso").await, "id");
    let admin = server.mint("partner_admin", Some(&partner)).await;
    (partner, admin)
}

fn check<'a>(detail: &'a Value, kind: &str) -> &'a Value {
    detail["checks"]
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .find(|c| c["kind"] == kind)
        .unwrap()
}

async fn authorized(server: &TestServer, partner: &str) -> bool {
    server
        .op_get(&format!("/v1/tenants/{partner}/authorization"))
        .await
        .json()["authorized"]
        .as_bool()
        .unwrap()
}

#[tokio::test]
async fn a_partner_proves_its_domain_and_is_approved_suspended_and_revoked() {
    let server = TestServer::start().await;
    let (partner, admin) = new_partner(&server).await;
    let submitted = server
        .post(
            "/v1/vetting/applications",
            &admin.secret,
            json!({"application": test_application(&partner)}),
        )
        .await
        .expect_status(StatusCode::CREATED);
    assert_eq!(submitted.etag(), "\"1\"");
    let submitted = submitted.json();
    assert_eq!(submitted["case"]["state"], "submitted");
    let record = str_field(&submitted["challenge"], "record_name");
    let value = str_field(&submitted["challenge"], "record_value");
    assert!(record.starts_with("_portcullis-challenge.p"), "{record}");
    assert!(value.starts_with("token="), "{value}");
    server.dns().add_txt(&record, &[&value]).await;

    let case = str_field(&submitted["case"], "id");
    let screened = server
        .post(
            &format!("/v1/vetting/cases/{case}/screen"),
            &admin.secret,
            json!({}),
        )
        .await
        .expect_status(StatusCode::OK)
        .json();
    assert_eq!(check(&screened, "domain_ownership")["outcome"], "verified");
    assert_eq!(check(&screened, "contact_email")["outcome"], "matches");
    assert_eq!(screened["case"]["state"], "in_review");
    assert_eq!(screened["case"]["risk_level"], "low");
    assert!(!authorized(&server, &partner).await);

    // The queue shows it to operators; the applicant cannot review.
    let queue = server.op_get("/v1/vetting/review-queue").await.items();
    assert_eq!(queue.len(), 1);
    server
        .post(
            &format!("/v1/vetting/cases/{case}/reviews"),
            &admin.secret,
            json!({"decision": "approve", "reason": "mine"}),
        )
        .await
        .expect_error(StatusCode::FORBIDDEN, "forbidden");
    let reviewed = server
        .post(
            &format!("/v1/vetting/cases/{case}/reviews"),
            &server.operator.secret,
            json!({"decision": "approve", "reason": "documents check out"}),
        )
        .await
        .expect_status(StatusCode::OK)
        .json();
    assert_eq!(reviewed["approvals_missing"], 0);
    assert_eq!(reviewed["detail"]["case"]["state"], "approved");
    assert!(authorized(&server, &partner).await);

    let reason = json!({"reason": "incident under investigation"});
    server
        .post(
            &format!("/v1/vetting/cases/{case}/suspend"),
            &server.operator.secret,
            reason.clone(),
        )
        .await
        .expect_status(StatusCode::OK);
    assert!(!authorized(&server, &partner).await);
    server
        .post(
            &format!("/v1/vetting/cases/{case}/reinstate"),
            &server.operator.secret,
            reason.clone(),
        )
        .await
        .expect_status(StatusCode::OK);
    assert!(authorized(&server, &partner).await);
    server
        .post(
            &format!("/v1/vetting/cases/{case}/revoke"),
            &server.operator.secret,
            reason.clone(),
        )
        .await
        .expect_status(StatusCode::OK);
    assert!(!authorized(&server, &partner).await);
    server
        .post(
            &format!("/v1/vetting/cases/{case}/reinstate"),
            &server.operator.secret,
            reason,
        )
        .await
        .expect_error(StatusCode::CONFLICT, "invalid_transition");

    // Every transition is in the case's history and in the audit log.
    let detail = server
        .op_get(&format!("/v1/vetting/cases/{case}"))
        .await
        .json();
    let states: Vec<&str> = detail["transitions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["to"].as_str().unwrap())
        .collect();
    assert_eq!(
        states,
        [
            "screening",
            "in_review",
            "approved",
            "suspended",
            "approved",
            "revoked"
        ]
    );
    let audit = server.audit(&format!("tenant_id={partner}")).await;
    let ops: Vec<&str> = audit
        .iter()
        .filter_map(|r| r["operation"].as_str())
        .collect();
    for op in [
        "vetting.case.submitted",
        "vetting.case.approved",
        "partner.authorize",
        "vetting.case.revoked",
        "partner.deauthorize",
    ] {
        assert!(ops.contains(&op), "{op} missing from {ops:?}");
    }
}

#[tokio::test]
async fn an_unproven_domain_needs_two_distinct_reviewers() {
    let server = TestServer::start().await;
    let (partner, admin) = new_partner(&server).await;
    let body = json!({"application": test_application(&partner)});
    let (case, screened) = server.apply_and_screen(&admin.secret, body).await;
    assert_eq!(
        check(&screened, "domain_ownership")["outcome"],
        "record_missing"
    );
    assert_eq!(screened["case"]["risk_level"], "high");
    let approve = json!({"decision": "approve", "reason": "known to us"});
    let path = format!("/v1/vetting/cases/{case}/reviews");
    let first = server
        .post(&path, &server.operator.secret, approve.clone())
        .await
        .expect_status(StatusCode::OK)
        .json();
    assert_eq!(first["approvals_missing"], 1);
    server
        .post(&path, &server.operator.secret, approve.clone())
        .await
        .expect_error(StatusCode::CONFLICT, "duplicate_approval");
    assert!(!authorized(&server, &partner).await);
    let second = server.mint("operator", None).await;
    let done = server
        .post(&path, &second.secret, approve)
        .await
        .expect_status(StatusCode::OK)
        .json();
    assert_eq!(done["detail"]["case"]["state"], "approved");
    assert!(authorized(&server, &partner).await);
}

#[tokio::test]
async fn an_operator_never_approves_a_case_it_submitted() {
    let server = TestServer::start().await;
    let (partner, _) = new_partner(&server).await;
    let body = json!({"tenant_id": partner, "application": test_application(&partner)});
    let (case, _) = server.apply_and_screen(&server.operator.secret, body).await;
    server
        .post(
            &format!("/v1/vetting/cases/{case}/reviews"),
            &server.operator.secret,
            json!({"decision": "approve", "reason": "mine"}),
        )
        .await
        .expect_error(StatusCode::FORBIDDEN, "reviewer_is_submitter");
}

#[tokio::test]
async fn bad_applications_are_refused_clearly() {
    let server = TestServer::start().await;
    let (partner, admin) = new_partner(&server).await;
    let mut app = test_application(&partner);
    app["website_domain"] = json!("co.uk");
    let message = server
        .post(
            "/v1/vetting/applications",
            &admin.secret,
            json!({"application": app}),
        )
        .await
        .expect_error(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert!(message.contains("website_domain"), "{message}");
    let mut app = test_application(&partner);
    app["approved"] = json!(true);
    server
        .post(
            "/v1/vetting/applications",
            &admin.secret,
            json!({"application": app}),
        )
        .await
        .expect_status(StatusCode::BAD_REQUEST);
    let mut app = test_application(&partner);
    app["registration_country"] = json!("Britain");
    let message = server
        .post(
            "/v1/vetting/applications",
            &admin.secret,
            json!({"application": app}),
        )
        .await
        .expect_error(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert!(message.contains("registration_country"), "{message}");
    // An operator must say which partner it applies for.
    server
        .post(
            "/v1/vetting/applications",
            &server.operator.secret,
            json!({"application": test_application(&partner)}),
        )
        .await
        .expect_error(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
}

#[tokio::test]
async fn a_watchlist_load_suspends_a_listed_partner_and_keeps_the_history() {
    let server = TestServer::start().await;
    let (partner, _) = new_partner(&server).await;
    let case = server.authorize_partner(&partner).await;
    let op = server.operator.secret.clone();
    // The test application's legal name is `Partner <label> Ltd`.
    let label = partner.split('-').next().unwrap();
    let list = format!(
        "{{\"id\":\"n1\",\"schema\":\"Company\",\"properties\":{{\"name\":[\"Northwind Traders\"]}}}}\n\
         {{broken\n\
         {{\"id\":\"p1\",\"schema\":\"Company\",\"properties\":{{\"name\":[\"PARTNER {label} LIMITED\"],\"country\":[\"gb\"]}}}}\n"
    );
    let report = server
        .put_raw(
            "/v1/vetting/watchlists/sanctions?format=ftm",
            &op,
            "application/x-ndjson",
            list.as_bytes(),
        )
        .await
        .expect_status(StatusCode::OK)
        .json();
    assert_eq!(report["added"], 2);
    assert_eq!(report["rejected_count"], 1);
    assert_eq!(report["rejected"][0]["line"], 2);
    assert_eq!(report["rescreen"]["suspended"], json!([partner]));
    assert!(!authorized(&server, &partner).await);
    let detail = server
        .op_get(&format!("/v1/vetting/cases/{case}"))
        .await
        .json();
    assert_eq!(detail["case"]["state"], "suspended");

    let history = server
        .op_get(&format!("/v1/vetting/partners/{partner}/screening-history"))
        .await
        .json();
    let hits: Vec<usize> = history
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["source"] == "watchlist")
        .map(|o| o["hits"].as_array().unwrap().len())
        .collect();
    assert_eq!(hits, [0, 1]);
    let findings = server
        .op_get(&format!("/v1/vetting/findings?tenant_id={partner}"))
        .await
        .items();
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0]["kind"], "watchlist_hit");
    let lists = server.op_get("/v1/vetting/watchlists").await.json();
    assert_eq!(lists[0]["name"], "sanctions");
    assert_eq!(lists[0]["entity_count"], 2);

    // A file of nothing but bad lines is refused whole and changes nothing.
    server
        .put_raw(
            "/v1/vetting/watchlists/sanctions?format=ftm",
            &op,
            "application/x-ndjson",
            b"{nope\n[]\n",
        )
        .await
        .expect_error(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    server
        .put_raw(
            "/v1/vetting/watchlists/bad%20name?format=ftm",
            &op,
            "application/x-ndjson",
            b"",
        )
        .await
        .expect_error(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    server
        .send(
            crate::support::Request::new(
                reqwest::Method::DELETE,
                "/v1/vetting/watchlists/sanctions",
            )
            .bearer(&op),
        )
        .await
        .expect_status(StatusCode::NO_CONTENT);
    assert_eq!(
        server.op_get("/v1/vetting/watchlists").await.json(),
        json!([])
    );
}

#[tokio::test]
async fn an_intelligence_import_matches_the_applicant_and_suspends_a_standing_partner() {
    let server = TestServer::start().await;
    let (partner, _) = new_partner(&server).await;
    let case = server.authorize_partner(&partner).await;
    let op = server.operator.secret.clone();
    let domain = test_application(&partner)["website_domain"]
        .as_str()
        .unwrap()
        .to_owned();
    let bundle = json!({
        "type": "bundle",
        "id": "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d",
        "objects": [
            {"type": "indicator", "spec_version": "2.1",
             "id": "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
             "created": "2026-01-01T00:00:00Z", "modified": "2026-01-01T00:00:00Z",
             "name": "phishing kit host", "pattern_type": "stix",
             "pattern": format!("[domain-name:value = '{domain}']"),
             "valid_from": "2026-01-01T00:00:00Z"},
            {"type": "indicator", "spec_version": "2.1",
             "id": "indicator--1e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
             "created": "2026-01-01T00:00:00Z", "modified": "2026-01-01T00:00:00Z",
             "pattern_type": "stix", "pattern": "[ipv4-addr:value = '203.0.113.0/24']",
             "valid_from": "2026-01-01T00:00:00Z"},
            {"type": "indicator", "spec_version": "2.1",
             "id": "indicator--2e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
             "created": "2026-01-01T00:00:00Z", "modified": "2026-01-01T00:00:00Z",
             "pattern_type": "stix", "pattern": "[ipv4-addr:value = ",
             "valid_from": "2026-01-01T00:00:00Z"},
            {"type": "malware", "spec_version": "2.1",
             "id": "malware--2e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
             "created": "2026-01-01T00:00:00Z", "modified": "2026-01-01T00:00:00Z",
             "name": "x", "is_family": false}
        ]
    });
    let report = server
        .put_raw(
            "/v1/vetting/intel/feed-a",
            &op,
            "application/json",
            bundle.to_string().as_bytes(),
        )
        .await
        .expect_status(StatusCode::OK)
        .json();
    assert_eq!(report["stored"]["inserted"], 2);
    assert_eq!(report["rejected_count"], 1);
    assert_eq!(report["counts_by_type"]["domain-name"], 1);
    assert_eq!(report["other_objects"]["malware"], 1);
    assert_eq!(report["rescreen"]["suspended"], json!([partner]));
    assert!(!authorized(&server, &partner).await);
    let detail = server
        .op_get(&format!("/v1/vetting/cases/{case}"))
        .await
        .json();
    assert_eq!(detail["case"]["state"], "suspended");
    let sources = server.op_get("/v1/vetting/intel").await.json();
    assert_eq!(sources[0]["source"], "feed-a");
    assert_eq!(sources[0]["indicators"], 2);

    // A new applicant at the listed domain sees the hit in its screening.
    let (other, admin) = new_partner(&server).await;
    let mut app = test_application(&other);
    app["website_domain"] = json!(domain);
    app["contact_email"] = json!(format!("security@{domain}"));
    let (_, screened) = server
        .apply_and_screen(&admin.secret, json!({"application": app}))
        .await;
    assert_eq!(check(&screened, "threat_intel")["outcome"], "hit");
    assert_eq!(screened["case"]["risk_level"], "high");

    // Not a bundle, not CSV: refused whole.
    server
        .put_raw(
            "/v1/vetting/intel/feed-a",
            &op,
            "application/json",
            b"{\"type\": \"nope\"",
        )
        .await
        .expect_error(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
}
