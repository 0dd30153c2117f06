//! Relationship templates and bulk changes over real HTTP, on SQLite and
//! PostgreSQL: a template applied to many customers (dry run first, one
//! result per customer), bulk role removal, auto-extend and termination
//! (now and in the background), the cap per call, and the refusals.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::{Bearer, TestServer, str_field, unknown_id};

const GLOBAL_ADMIN: &str = "62e90394-69f5-4237-9190-012177145e10";
const GROUPS_ADMIN: &str = "fdd7a751-b60b-444a-984c-02652fe8fa1c";

struct World {
    partner: String,
    customers: [String; 2],
    group: String,
    admin: Bearer,
    customer_admins: [Bearer; 2],
    other: Bearer,
}

async fn world(s: &TestServer) -> World {
    let partner = str_field(&s.create_tenant("partner", "Contoso IT").await, "id");
    let c1 = str_field(&s.create_tenant("customer", "Fabrikam").await, "id");
    let c2 = str_field(&s.create_tenant("customer", "Tailspin").await, "id");
    let group = str_field(&s.create_group(&partner, "Helpdesk").await, "id");
    s.authorize_partner(&partner).await;
    let other = str_field(&s.create_tenant("partner", "Northwind").await, "id");
    World {
        admin: s.mint("partner_admin", Some(&partner)).await,
        customer_admins: [
            s.mint("customer_admin", Some(&c1)).await,
            s.mint("customer_admin", Some(&c2)).await,
        ],
        other: s.mint("partner_admin", Some(&other)).await,
        partner,
        customers: [c1, c2],
        group,
    }
}

fn outcomes(report: &Value) -> Vec<String> {
    report["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["outcome"].as_str().unwrap().to_owned())
        .collect()
}

async fn relationship(s: &TestServer, id: &str) -> Value {
    s.op_get(&format!("/v1/relationships/{id}")).await.json()
}

/// Polls a background run until it has finished (or ten seconds pass).
async fn finished_run(s: &TestServer, bearer: &str, id: &str) -> Value {
    for _ in 0..200 {
        let run = s
            .get(&format!("/v1/bulk/runs/{id}"), bearer)
            .await
            .expect_status(StatusCode::OK)
            .json();
        if !run["finished_at"].is_null() {
            return run;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("run {id} did not finish");
}

async fn templates_and_bulk_changes(s: TestServer) {
    let w = world(&s).await;
    let pa = w.admin.secret.as_str();
    let body = json!({"name": "Helpdesk", "name_pattern": "Helpdesk for {customer}",
        "roles": [GROUPS_ADMIN, GLOBAL_ADMIN], "duration": "P365D",
        "assignments": [{"group_id": w.group, "roles": [GROUPS_ADMIN]}]});
    let template = s
        .post("/v1/templates", pa, body.clone())
        .await
        .expect_status(StatusCode::CREATED)
        .json();
    assert_eq!(template["partner_tenant_id"], w.partner.as_str());
    let id = str_field(&template, "id");
    s.post("/v1/templates", pa, body.clone())
        .await
        .expect_error(StatusCode::CONFLICT, "conflict");
    let mut foreign_group = body.clone();
    foreign_group["name"] = json!("Other");
    foreign_group["assignments"][0]["group_id"] = json!(unknown_id());
    s.post("/v1/templates", pa, foreign_group)
        .await
        .expect_error(StatusCode::NOT_FOUND, "not_found");
    let mut bad_role = body.clone();
    bad_role["name"] = json!("Bad");
    bad_role["assignments"][0]["roles"] = json!(["729827e3-9c14-49f7-bb1b-9608f156bbb8"]);
    s.post("/v1/templates", pa, bad_role)
        .await
        .expect_error(StatusCode::UNPROCESSABLE_ENTITY, "role_not_in_relationship");

    // Only the partner sees and uses it.
    assert_eq!(
        s.get("/v1/templates", pa).await.json()["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let theirs = s.get("/v1/templates", &w.other.secret).await.json();
    assert_eq!(theirs["items"], json!([]));
    let path = format!("/v1/templates/{id}");
    s.get(&path, &w.other.secret)
        .await
        .expect_error(StatusCode::NOT_FOUND, "not_found");
    s.get("/v1/templates", &w.customer_admins[0].secret)
        .await
        .expect_error(StatusCode::FORBIDDEN, "forbidden");
    let apply = format!("/v1/templates/{id}/apply");
    let customers = json!([w.customers[0], w.customers[1], unknown_id()]);
    s.post(
        &apply,
        &w.other.secret,
        json!({"customer_tenant_ids": customers}),
    )
    .await
    .expect_error(StatusCode::NOT_FOUND, "not_found");

    // A dry run checks each customer and creates nothing.
    let dry = s
        .post(
            &apply,
            pa,
            json!({"customer_tenant_ids": customers, "dry_run": true}),
        )
        .await
        .expect_status(StatusCode::OK)
        .json();
    assert_eq!(outcomes(&dry), ["would_do", "would_do", "failed"], "{dry}");
    assert_eq!(
        (dry["done"].as_u64(), dry["failed"].as_u64()),
        (Some(2), Some(1))
    );
    assert!(
        dry["items"][2]["error"]
            .as_str()
            .unwrap()
            .contains("not found")
    );
    let listed = s.get("/v1/relationships", pa).await.json();
    assert_eq!(listed["items"], json!([]), "a dry run creates nothing");

    let applied = s
        .post(&apply, pa, json!({"customer_tenant_ids": customers}))
        .await
        .expect_status(StatusCode::OK)
        .json();
    assert_eq!(outcomes(&applied), ["done", "done", "failed"], "{applied}");
    let ids: Vec<String> = (0..2)
        .map(|i| str_field(&applied["items"][i], "relationship_id"))
        .collect();
    let first = relationship(&s, &ids[0]).await;
    assert_eq!(first["status"], "approval_pending");
    assert_eq!(first["display_name"], "Helpdesk for Fabrikam");
    assert_eq!(first["customer_tenant_id"], w.customers[0].as_str());
    let assignments = s
        .op_get(&format!("/v1/relationships/{}/assignments", ids[0]))
        .await
        .json();
    assert_eq!(assignments["items"][0]["status"], "pending");
    assert_eq!(assignments["items"][0]["roles"], json!([GROUPS_ADMIN]));
    for (rel, admin) in ids.iter().zip(&w.customer_admins) {
        s.post(
            &format!("/v1/relationships/{rel}/approve"),
            &admin.secret,
            json!({}),
        )
        .await
        .expect_status(StatusCode::OK);
    }

    // Bulk: Global Administrator out, dry run first.
    let remove =
        json!({"change": {"operation": "remove_role"}, "relationship_ids": ids, "dry_run": true});
    let dry = s
        .post("/v1/bulk/relationships", pa, remove.clone())
        .await
        .json();
    assert_eq!(outcomes(&dry), ["would_do", "would_do"], "{dry}");
    assert_eq!(
        relationship(&s, &ids[0]).await["roles"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let mut real = remove.clone();
    real["dry_run"] = json!(false);
    let done = s
        .post("/v1/bulk/relationships", pa, real.clone())
        .await
        .json();
    assert_eq!(outcomes(&done), ["done", "done"], "{done}");
    for rel in &ids {
        assert_eq!(relationship(&s, rel).await["roles"], json!([GROUPS_ADMIN]));
    }
    let again = s.post("/v1/bulk/relationships", pa, real).await.json();
    assert_eq!(outcomes(&again), ["unchanged", "unchanged"]);

    // Auto-extend on, per item; then another partner is refused outright.
    let extend = json!({"change": {"operation": "set_auto_extend", "auto_extend_duration": "P180D"},
        "relationship_ids": ids});
    let done = s
        .post("/v1/bulk/relationships", pa, extend.clone())
        .await
        .json();
    assert_eq!(outcomes(&done), ["done", "done"], "{done}");
    assert_eq!(
        relationship(&s, &ids[1]).await["auto_extend_duration"],
        "P180D"
    );
    s.post("/v1/bulk/relationships", &w.other.secret, extend)
        .await
        .expect_error(StatusCode::NOT_FOUND, "not_found");
    s.post(
        "/v1/bulk/relationships",
        &w.customer_admins[0].secret,
        json!({"change": {"operation": "terminate"}, "relationship_ids": [ids[0]]}),
    )
    .await
    .expect_error(StatusCode::FORBIDDEN, "forbidden");
    s.post(
        "/v1/bulk/relationships",
        pa,
        json!({"change": {"operation": "terminate"}, "relationship_ids": []}),
    )
    .await
    .expect_error(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");

    // Terminate in the background, following the run's progress.
    let started = s
        .post(
            "/v1/bulk/relationships?background=true",
            pa,
            json!({"change": {"operation": "terminate"}, "relationship_ids": ids}),
        )
        .await
        .expect_status(StatusCode::ACCEPTED)
        .json();
    let run_id = str_field(&started, "id");
    assert_eq!(started["report"]["total"], 2);
    let run = finished_run(&s, pa, &run_id).await;
    assert_eq!(outcomes(&run["report"]), ["done", "done"], "{run}");
    s.get(&format!("/v1/bulk/runs/{run_id}"), &w.other.secret)
        .await
        .expect_error(StatusCode::NOT_FOUND, "not_found");
    assert_eq!(
        s.get("/v1/bulk/runs", &w.other.secret).await.json()["items"],
        json!([])
    );
    for rel in &ids {
        assert_eq!(
            relationship(&s, rel).await["status"],
            "termination_requested"
        );
    }

    assert_eq!(s.audit("operation=template.create").await.len(), 1);
    assert_eq!(
        s.audit("operation=relationship.auto_extend_change")
            .await
            .len(),
        2
    );
    assert_eq!(s.audit("operation=relationship.terminate").await.len(), 2);
    s.delete(&path, pa, None)
        .await
        .expect_status(StatusCode::NO_CONTENT);
    s.get(&path, pa)
        .await
        .expect_error(StatusCode::NOT_FOUND, "not_found");
    assert_eq!(s.audit("operation=template.delete").await.len(), 1);
}

#[tokio::test]
async fn templates_and_bulk_changes_on_sqlite() {
    templates_and_bulk_changes(TestServer::start().await).await;
}

#[tokio::test]
async fn templates_and_bulk_changes_on_postgres() {
    let Some(server) = TestServer::start_postgres().await else {
        assert!(!portcullis_testkit::in_ci(), "PostgreSQL is required in CI");
        return;
    };
    templates_and_bulk_changes(server).await;
}

#[tokio::test]
async fn a_bulk_call_beyond_the_cap_is_refused_whole() {
    let s = TestServer::start_with_options(crate::support::Options {
        least_privilege: portcullis_service::LeastPrivilegeConfig {
            bulk_cap: Some(2),
            score_floor: None,
        },
        ..crate::support::Options::default()
    })
    .await;
    let w = world(&s).await;
    let three: Vec<String> = (0..3).map(|_| unknown_id()).collect();
    let answer = s
        .post(
            "/v1/bulk/relationships",
            &w.admin.secret,
            json!({"change": {"operation": "terminate"}, "relationship_ids": three}),
        )
        .await
        .expect_error(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert!(answer.contains("at most 2"), "{answer}");
}
