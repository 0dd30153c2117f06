//! Role usage and recommendations over real HTTP, on SQLite and PostgreSQL:
//! decisions counted and read back per caller's scope, recommendations
//! listed and applied by the partner, refused to everyone else.

use std::sync::Arc;

use portcullis_domain::{TestClock, Timestamp};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::{Bearer, TestServer, str_field};

pub const HELPDESK: &str = "729827e3-9c14-49f7-bb1b-9608f156bbb8";
pub const GROUPS_ADMIN: &str = "fdd7a751-b60b-444a-984c-02652fe8fa1c";
pub const DAY_MS: i64 = 86_400_000;
pub const T0: i64 = 1_800_000_000_000;

/// Contoso's helpdesk group (Alice) holds Groups and Helpdesk Administrator
/// standing in Fabrikam since `T0`; ten days later Alice has updated groups
/// twice.
pub struct Used {
    pub server: TestServer,
    pub partner: String,
    pub relationship: String,
    pub assignment: String,
    pub partner_admin: Bearer,
    pub customer_admin: Bearer,
    pub service: Bearer,
}

pub async fn used(server: TestServer, clock: &TestClock) -> Used {
    let partner = str_field(&server.create_tenant("partner", "Contoso IT").await, "id");
    let customer = str_field(&server.create_tenant("customer", "Fabrikam").await, "id");
    let partner_admin = server.mint("partner_admin", Some(&partner)).await;
    let customer_admin = server.mint("customer_admin", Some(&customer)).await;
    let service = server.mint("service", None).await;
    let alice = str_field(
        &server
            .create_user(&partner, "alice@contoso.example", "Alice")
            .await,
        "id",
    );
    let group = str_field(&server.create_group(&partner, "Helpdesk").await, "id");
    server.add_member(&partner, &group, &alice).await;
    server.authorize_partner(&partner).await;
    let pa = partner_admin.secret.as_str();
    let relationship = str_field(
        &server
            .post(
                "/v1/relationships",
                pa,
                json!({
                "partner_tenant_id": partner, "customer_tenant_id": customer,
                "display_name": "Contoso for Fabrikam", "roles": [GROUPS_ADMIN, HELPDESK],
                "duration": "P365D"}),
            )
            .await
            .expect_status(StatusCode::CREATED)
            .json(),
        "id",
    );
    let assignment = str_field(
        &server
            .post(
                &format!("/v1/relationships/{relationship}/assignments"),
                pa,
                json!({"group_id": group, "roles": [GROUPS_ADMIN, HELPDESK]}),
            )
            .await
            .expect_status(StatusCode::CREATED)
            .json(),
        "id",
    );
    server
        .post(
            &format!("/v1/relationships/{relationship}/request-approval"),
            pa,
            json!({}),
        )
        .await
        .expect_status(StatusCode::OK);
    server
        .post(
            &format!("/v1/relationships/{relationship}/approve"),
            &customer_admin.secret,
            json!({}),
        )
        .await
        .expect_status(StatusCode::OK);
    clock.set(Timestamp::from_unix_millis(T0 + 10 * DAY_MS));
    let check = json!({"partner_tenant_id": partner, "user_id": alice, "customer_tenant_id": customer,
        "action": "groups.update", "auth_strength": "mfa"});
    for _ in 0..2 {
        let decision = server
            .post("/v1/decisions", &service.secret, check.clone())
            .await
            .json();
        assert_eq!(decision["effect"], "allow", "{decision}");
    }
    Used {
        server,
        partner,
        relationship,
        assignment,
        partner_admin,
        customer_admin,
        service,
    }
}

fn role<'a>(usage: &'a Value, id: &str) -> &'a Value {
    usage["roles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["role_id"] == id)
        .unwrap()
}

async fn usage_is_counted_scoped_and_recommended(w: Used) {
    let s = &w.server;
    let path = format!("/v1/relationships/{}/usage?days=7", w.relationship);
    for bearer in [&w.customer_admin, &w.partner_admin] {
        let usage = s
            .get(&path, &bearer.secret)
            .await
            .expect_status(StatusCode::OK)
            .json();
        assert_eq!(usage["allowed"], 2, "{usage}");
        assert_eq!(role(&usage, GROUPS_ADMIN)["allowed"], 2);
        assert_eq!(role(&usage, GROUPS_ADMIN)["days_used"], 1);
        assert_eq!(role(&usage, HELPDESK)["allowed"], 0);
        assert_eq!(role(&usage, HELPDESK)["last_used"], Value::Null);
        assert_eq!(usage["users"].as_array().unwrap().len(), 1);
        assert_eq!(
            usage["assignments"][0]["assignment_id"],
            w.assignment.as_str()
        );
    }
    let report = s
        .get("/v1/usage?days=7", &w.partner_admin.secret)
        .await
        .json();
    assert_eq!(report["window_days"], 7);
    assert_eq!(report["items"].as_array().unwrap().len(), 1);
    let other = s
        .mint(
            "partner_admin",
            Some(&str_field(
                &s.create_tenant("partner", "Northwind").await,
                "id",
            )),
        )
        .await;
    let theirs = s
        .get(
            &format!("/v1/usage?partner_tenant_id={}", w.partner),
            &other.secret,
        )
        .await
        .json();
    assert_eq!(theirs["items"], json!([]));
    s.get(&path, &other.secret)
        .await
        .expect_error(StatusCode::NOT_FOUND, "not_found");
    s.get("/v1/usage", &w.service.secret)
        .await
        .expect_error(StatusCode::FORBIDDEN, "forbidden");
    s.get("/v1/usage?days=0", &w.partner_admin.secret)
        .await
        .expect_error(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");

    let found = s
        .get("/v1/recommendations?days=7", &w.partner_admin.secret)
        .await
        .json();
    let items = found["items"].as_array().unwrap();
    let ids: Vec<&str> = items.iter().map(|r| r["id"].as_str().unwrap()).collect();
    let remove = format!("remove_role.{}.{HELPDESK}", w.assignment);
    let narrow = format!("narrow_relationship.{}", w.relationship);
    assert_eq!(ids, [remove.as_str(), narrow.as_str()], "{found}");
    assert_eq!(items[1]["evidence"]["roles_after"], json!([GROUPS_ADMIN]));
    assert!(
        items[1]["reduction"]["permitted_after"].as_u64()
            < items[1]["reduction"]["permitted_before"].as_u64()
    );
    s.get("/v1/recommendations", &w.customer_admin.secret)
        .await
        .expect_error(StatusCode::FORBIDDEN, "forbidden");
    let theirs = s
        .get(
            &format!("/v1/recommendations?days=7&partner_tenant_id={}", w.partner),
            &other.secret,
        )
        .await
        .json();
    assert_eq!(theirs["items"], json!([]));

    let apply = format!("/v1/recommendations/{remove}/apply?days=7");
    s.post(&apply, &w.customer_admin.secret, json!({}))
        .await
        .expect_error(StatusCode::FORBIDDEN, "forbidden");
    s.post(&apply, &other.secret, json!({}))
        .await
        .expect_error(StatusCode::NOT_FOUND, "not_found");
    let applied = s
        .post(&apply, &w.partner_admin.secret, json!({}))
        .await
        .expect_status(StatusCode::OK)
        .json();
    assert_eq!(applied["assignment"]["roles"], json!([GROUPS_ADMIN]));
    assert_eq!(applied["recommendation"]["kind"], "remove_role");
    s.post(&apply, &w.partner_admin.secret, json!({}))
        .await
        .expect_error(StatusCode::NOT_FOUND, "not_found");
    s.post(
        "/v1/recommendations/delete_everything/apply",
        &w.partner_admin.secret,
        json!({}),
    )
    .await
    .expect_error(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    let audit = s.audit("operation=assignment.role.remove").await;
    assert_eq!(audit.len(), 1, "{audit:?}");
}

/// [`used`] on SQLite, with the clock that drives it.
pub async fn used_on_sqlite() -> (Used, Arc<TestClock>) {
    let clock = Arc::new(TestClock::at(Timestamp::from_unix_millis(T0)));
    let server = TestServer::start_with_clock(clock.clone()).await;
    (used(server, &clock).await, clock)
}

/// [`used`] on PostgreSQL; `None` (a skip) when it is unreachable outside CI.
pub async fn used_on_postgres() -> Option<(Used, Arc<TestClock>)> {
    let clock = Arc::new(TestClock::at(Timestamp::from_unix_millis(T0)));
    let Some(server) = TestServer::start_postgres_with_clock(clock.clone()).await else {
        assert!(!portcullis_testkit::in_ci(), "PostgreSQL is required in CI");
        return None;
    };
    Some((used(server, &clock).await, clock))
}

#[tokio::test]
async fn usage_and_recommendations_over_http_on_sqlite() {
    usage_is_counted_scoped_and_recommended(used_on_sqlite().await.0).await;
}

#[tokio::test]
async fn usage_and_recommendations_over_http_on_postgres() {
    if let Some((w, _clock)) = used_on_postgres().await {
        usage_is_counted_scoped_and_recommended(w).await;
    }
}
