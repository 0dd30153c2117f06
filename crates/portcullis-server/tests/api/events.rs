//! `/v1/events`: OCSF batches in (bad lines reported by number, duplicates
//! ignored, gzip accepted, at most 10,000 events), stored events out.

use std::io::Write as _;

use reqwest::StatusCode;
use serde_json::json;

use crate::support::{TestServer, str_field};

/// 2025-01-01T00:00:00Z: within the default bounds on event time.
const BASE: i64 = 1_735_689_600_000;

fn sign_in(uid: &str, user: &str, partner: &str, customer: &str, time: i64) -> String {
    json!({"class_uid": 3002, "time": time, "status_id": 1, "metadata": {"uid": uid},
           "user": {"uid": user, "org": {"uid": partner}}, "cloud": {"account": {"uid": customer}},
           "src_endpoint": {"ip": "198.51.100.7"}, "is_mfa": true})
    .to_string()
}

async fn post_batch(
    server: &TestServer,
    bearer: &str,
    body: Vec<u8>,
    gzip: bool,
) -> crate::support::Reply {
    let mut request = server
        .client
        .post(server.url("/v1/events"))
        .bearer_auth(bearer)
        .header("content-type", "application/x-ndjson");
    if gzip {
        request = request.header("content-encoding", "gzip");
    }
    crate::support::Reply::read(request.body(body).send().await.unwrap()).await
}

#[tokio::test]
async fn a_batch_keeps_its_good_lines_reports_bad_ones_and_ignores_repeats() {
    let server = TestServer::start().await;
    let partner = str_field(&server.create_tenant("partner", "Contoso").await, "id");
    let customer = str_field(&server.create_tenant("customer", "Fabrikam").await, "id");
    let user = "0194d2a8-0000-7000-8000-000000000001";
    let service = server.mint("service", None).await;
    let batch = [
        sign_in("e1", user, &partner, &customer, BASE + 1_000),
        "{not json".to_owned(),
        String::new(),
        json!({"class_uid": 6003, "time": BASE + 2_000, "status_id": 2, "metadata": {"uid": "e2"},
               "actor": {"user": {"uid": user, "org": {"uid": partner}}},
               "cloud": {"account": {"uid": customer}}, "api": {"operation": "users.password.reset"}})
        .to_string(),
        json!({"class_uid": 3002, "time": BASE + 3_000, "status_id": 1}).to_string(),
        sign_in("e1", user, &partner, &customer, BASE + 1_000),
    ]
    .join("\n");
    let report = post_batch(&server, &service.secret, batch.into_bytes(), false)
        .await
        .expect_status(StatusCode::OK)
        .json();
    assert_eq!(report["accepted"], 2);
    assert_eq!(report["duplicates"], 1);
    let lines: Vec<i64> = report["rejected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["line"].as_i64().unwrap())
        .collect();
    assert_eq!(lines, [2, 5]);
    assert!(
        report["rejected"][1]["reason"]
            .as_str()
            .unwrap()
            .contains("user"),
        "{report}"
    );

    // The same events, gzip-compressed, are all duplicates now.
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(sign_in("e1", user, &partner, &customer, BASE + 1_000).as_bytes())
        .unwrap();
    let again = post_batch(&server, &service.secret, gz.finish().unwrap(), true)
        .await
        .expect_status(StatusCode::OK)
        .json();
    assert_eq!(
        (again["accepted"].as_i64(), again["duplicates"].as_i64()),
        (Some(0), Some(1))
    );
    post_batch(&server, &service.secret, b"not gzip".to_vec(), true)
        .await
        .expect_error(StatusCode::BAD_REQUEST, "invalid_body");

    // Operators read them by partner, customer, class and time.
    assert_eq!(
        server_items(&server, &format!("partner_tenant_id={partner}"))
            .await
            .len(),
        2
    );
    assert_eq!(
        server_items(
            &server,
            &format!("customer_tenant_id={customer}&class_uid=6003")
        )
        .await
        .len(),
        1
    );
    assert_eq!(
        server_items(&server, "since=2025-01-01T00:00:01.500Z")
            .await
            .len(),
        1
    );
    // A partner admin sees its own partner's events; a customer admin its tenant's.
    let pa = server.mint("partner_admin", Some(&partner)).await;
    assert_eq!(
        server
            .get("/v1/events", &pa.secret)
            .await
            .expect_status(StatusCode::OK)
            .items()
            .len(),
        2
    );
    let ca = server.mint("customer_admin", Some(&customer)).await;
    assert_eq!(
        server
            .get("/v1/events", &ca.secret)
            .await
            .expect_status(StatusCode::OK)
            .items()
            .len(),
        2
    );
    // Admins do not send events.
    post_batch(&server, &pa.secret, b"{}".to_vec(), false)
        .await
        .expect_error(StatusCode::FORBIDDEN, "forbidden");
}

async fn server_items(server: &TestServer, query: &str) -> Vec<serde_json::Value> {
    server
        .op_get(&format!("/v1/events?{query}"))
        .await
        .expect_status(StatusCode::OK)
        .items()
}

#[tokio::test]
async fn a_batch_over_ten_thousand_events_is_refused_whole() {
    let server = TestServer::start().await;
    let service = server.mint("service", None).await;
    let line = |n: usize| sign_in(&format!("e{n}"), "u", "p", "c", BASE);
    let batch: Vec<String> = (0..10_001).map(line).collect();
    post_batch(
        &server,
        &service.secret,
        batch.join("\n").into_bytes(),
        false,
    )
    .await
    .expect_error(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert!(server_items(&server, "").await.is_empty());
    let batch: Vec<String> = (0..10_000).map(line).collect();
    let report = post_batch(
        &server,
        &service.secret,
        batch.join("\n").into_bytes(),
        false,
    )
    .await
    .expect_status(StatusCode::OK)
    .json();
    assert_eq!(report["accepted"], 10_000);
}

#[tokio::test]
async fn event_times_outside_the_bounds_are_refused_line_by_line() {
    let server = TestServer::start().await;
    let service = server.mint("service", None).await;
    let now = portcullis_domain::Clock::now(&portcullis_domain::SystemClock).unix_millis();
    let day = 86_400_000;
    let batch = [
        sign_in("early", "u", "p", "c", 946_684_799_999),
        sign_in("good", "u", "p", "c", now),
        sign_in("huge", "u", "p", "c", i64::MAX),
        sign_in("ahead", "u", "p", "c", now + 2 * day),
        sign_in("oldest", "u", "p", "c", 946_684_800_000),
    ]
    .join("\n");
    let report = post_batch(&server, &service.secret, batch.into_bytes(), false)
        .await
        .expect_status(StatusCode::OK)
        .json();
    assert_eq!(report["accepted"], 2, "{report}");
    let rejected = report["rejected"].as_array().unwrap();
    let lines: Vec<i64> = rejected
        .iter()
        .map(|r| r["line"].as_i64().unwrap())
        .collect();
    assert_eq!(lines, [1, 3, 4], "{report}");
    let reason = |i: usize| rejected[i]["reason"].as_str().unwrap().to_owned();
    assert!(reason(0).starts_with("time: "), "{report}");
    assert!(
        reason(0).contains("before 2000-01-01T00:00:00Z"),
        "{report}"
    );
    // i64::MAX is refused by the OCSF parser itself: past the year 9999.
    assert!(reason(1).contains("before the year 10000"), "{report}");
    assert!(reason(2).contains("after"), "{report}");
    assert!(!report.to_string().contains('@'), "{report}");
    let listed = server
        .op_get("/v1/events")
        .await
        .expect_status(StatusCode::OK);
    assert!(!listed.text.contains("\"@"), "{}", listed.text);
}
