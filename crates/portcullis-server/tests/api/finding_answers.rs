//! Partner admins acknowledge and resolve findings about their own users,
//! timed; the partner security score built from it (and from vetting,
//! open findings and posture), its history, and the floor that gates new
//! relationships — over real HTTP, on SQLite and PostgreSQL.

use std::sync::Arc;

use portcullis_domain::{TestClock, Timestamp};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::console::world::seed_finding;
use crate::support::{TestServer, str_field};

const T0: i64 = 1_800_000_000_000;
const HOUR_MS: i64 = 3_600_000;

fn part(score: &Value, name: &str) -> u64 {
    score["parts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == name)
        .unwrap()["points"]
        .as_u64()
        .unwrap()
}

async fn answers_are_timed_and_scored(s: TestServer, clock: Arc<TestClock>) {
    let partner = str_field(&s.create_tenant("partner", "Contoso IT").await, "id");
    let customer = str_field(&s.create_tenant("customer", "Fabrikam").await, "id");
    let alice = str_field(
        &s.create_user(&partner, "alice@contoso.example", "Alice")
            .await,
        "id",
    );
    s.authorize_partner(&partner).await;
    let admin = s.mint("partner_admin", Some(&partner)).await;
    let other = s
        .mint(
            "partner_admin",
            Some(&str_field(
                &s.create_tenant("partner", "Northwind").await,
                "id",
            )),
        )
        .await;
    let customer_admin = s.mint("customer_admin", Some(&customer)).await;
    let quick = seed_finding(&s, &partner, &alice, "Fan-out (quick)").await;
    let slow = seed_finding(&s, &partner, &alice, "Fan-out (slow)").await;
    let pa = admin.secret.as_str();

    clock.set(Timestamp::from_unix_millis(T0 + 2 * HOUR_MS));
    let ack = format!("/v1/findings/{quick}/acknowledge");
    for refused in [&other.secret, &s.operator.secret, &customer_admin.secret] {
        let reply = s.post(&ack, refused, json!({})).await;
        assert!(
            reply.status == StatusCode::NOT_FOUND || reply.status == StatusCode::FORBIDDEN,
            "{}",
            reply.text
        );
    }
    let answered = s
        .post(&ack, pa, json!({"reason": "looking into it"}))
        .await
        .expect_status(StatusCode::OK)
        .json();
    assert_eq!(answered["finding"]["status"], "In Progress");
    let acknowledged_at = answered["response"]["acknowledged_at"].clone();
    assert!(
        answered["response"]["acknowledged_by"]
            .as_str()
            .unwrap()
            .contains("partner_admin")
    );
    clock.set(Timestamp::from_unix_millis(T0 + 3 * HOUR_MS));
    let again = s
        .post(&ack, pa, json!({}))
        .await
        .expect_status(StatusCode::OK)
        .json();
    assert_eq!(
        again["response"]["acknowledged_at"], acknowledged_at,
        "the first answer counts"
    );

    clock.set(Timestamp::from_unix_millis(T0 + 30 * HOUR_MS));
    let resolve = format!("/v1/findings/{slow}/resolve");
    let resolved = s
        .post(&resolve, pa, json!({}))
        .await
        .expect_status(StatusCode::OK)
        .json();
    assert_eq!(resolved["finding"]["status"], "Resolved");
    assert!(resolved["response"]["resolved_at"].is_string());
    s.post(&resolve, pa, json!({}))
        .await
        .expect_error(StatusCode::CONFLICT, "invalid_transition");
    let response = format!("/v1/findings/{quick}/response");
    s.get(&response, pa).await.expect_status(StatusCode::OK);
    s.get(&response, &other.secret)
        .await
        .expect_error(StatusCode::NOT_FOUND, "not_found");
    assert_eq!(s.audit("operation=finding.acknowledge").await.len(), 2);
    assert_eq!(s.audit("operation=finding.resolve").await.len(), 1);

    // The score: no posture report (0), approved (20), one open high
    // finding (20 - 6), one of two answered within 24 hours (10).
    let path = format!("/v1/posture/partners/{partner}/score");
    let score = s.get(&path, pa).await.expect_status(StatusCode::OK).json();
    assert_eq!(
        [
            part(&score, "posture"),
            part(&score, "vetting"),
            part(&score, "open_findings"),
            part(&score, "response")
        ],
        [0, 20, 14, 10],
        "{score}"
    );
    assert_eq!(score["score"], 44);
    assert_eq!(score["response"]["mean_seconds"], 16.0 * 3600.0);
    assert_eq!(score["response"]["p90_seconds"], 30 * 3600);
    s.get(&path, &s.operator.secret)
        .await
        .expect_status(StatusCode::OK);
    s.get(&path, &other.secret)
        .await
        .expect_error(StatusCode::NOT_FOUND, "not_found");
    s.get(&path, &customer_admin.secret)
        .await
        .expect_error(StatusCode::FORBIDDEN, "forbidden");

    // Resolving the other finding lifts it the next day; the history keeps both days.
    clock.set(Timestamp::from_unix_millis(T0 + 50 * HOUR_MS));
    s.post(&format!("/v1/findings/{quick}/resolve"), pa, json!({}))
        .await
        .expect_status(StatusCode::OK);
    let later = s.get(&path, pa).await.json();
    assert_eq!(later["score"], 50, "{later}");
    let history = s.get(&format!("{path}/history?days=30"), pa).await.json();
    let scores: Vec<&Value> = history["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| &p["score"])
        .collect();
    assert_eq!(scores, [&json!(44), &json!(50)], "{history}");
}

#[tokio::test]
async fn finding_answers_and_score_on_sqlite() {
    let clock = Arc::new(TestClock::at(Timestamp::from_unix_millis(T0)));
    let server = TestServer::start_with_clock(clock.clone()).await;
    answers_are_timed_and_scored(server, clock).await;
}

#[tokio::test]
async fn finding_answers_and_score_on_postgres() {
    let clock = Arc::new(TestClock::at(Timestamp::from_unix_millis(T0)));
    let Some(server) = TestServer::start_postgres_with_clock(clock.clone()).await else {
        assert!(!portcullis_testkit::in_ci(), "PostgreSQL is required in CI");
        return;
    };
    answers_are_timed_and_scored(server, clock).await;
}

#[tokio::test]
async fn a_score_below_the_floor_stops_new_relationships() {
    let s = TestServer::start_with_options(crate::support::Options {
        least_privilege: portcullis_service::LeastPrivilegeConfig {
            bulk_cap: None,
            score_floor: Some(61),
        },
        ..crate::support::Options::default()
    })
    .await;
    let partner = str_field(&s.create_tenant("partner", "Contoso IT").await, "id");
    let customer = str_field(&s.create_tenant("customer", "Fabrikam").await, "id");
    s.authorize_partner(&partner).await;
    let admin = s.mint("partner_admin", Some(&partner)).await;
    // Vetted, nothing open, nothing to answer, no posture report: 60.
    let message = s
        .post(
            "/v1/relationships",
            &admin.secret,
            json!({
            "partner_tenant_id": partner, "customer_tenant_id": customer,
            "display_name": "Helpdesk", "roles": ["fdd7a751-b60b-444a-984c-02652fe8fa1c"],
            "duration": "P90D"}),
        )
        .await
        .expect_error(StatusCode::FORBIDDEN, "score_below_floor");
    assert!(
        message.contains("60") && message.contains("61"),
        "{message}"
    );
}

#[tokio::test]
async fn the_sweep_keeps_every_partners_score_once_a_day() {
    let clock = Arc::new(TestClock::at(Timestamp::from_unix_millis(T0)));
    let s = TestServer::start_with_clock(clock.clone()).await;
    let partner = str_field(&s.create_tenant("partner", "Contoso IT").await, "id");
    let history = format!("/v1/posture/partners/{partner}/score/history?days=7");
    let points = |body: Value| body["items"].as_array().unwrap().clone();
    assert!(points(s.op_get(&history).await.json()).is_empty());
    for day in 0..2 {
        clock.set(Timestamp::from_unix_millis(T0 + day * 24 * HOUR_MS));
        s.portcullis.sweep().await.unwrap();
        s.portcullis.sweep().await.unwrap();
    }
    let kept = points(s.op_get(&history).await.json());
    // Not vetted, no posture report, nothing open, nothing to answer: 40.
    assert_eq!(kept.len(), 2, "{kept:?}");
    assert!(kept.iter().all(|p| p["score"] == 40), "{kept:?}");
}
