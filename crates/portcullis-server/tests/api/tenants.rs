//! `/v1/tenants`: lifecycle, ETags and `If-Match`, pagination.

use std::collections::BTreeSet;

use reqwest::StatusCode;
use serde_json::json;

use crate::support::{TestServer, ids, str_field, unknown_id, version};

/// Create, read, list, change and delete a tenant, checking ETags throughout.
async fn tenant_lifecycle(server: &TestServer) {
    let op = server.operator.secret.as_str();
    let created = server
        .post(
            "/v1/tenants",
            op,
            json!({"kind": "partner", "display_name": "  Fabrikam Partners  "}),
        )
        .await
        .expect_status(StatusCode::CREATED);
    let tenant = created.json();
    assert_eq!(tenant["kind"], json!("partner"));
    assert_eq!(
        tenant["display_name"],
        json!("Fabrikam Partners"),
        "trimmed"
    );
    assert_eq!(version(&tenant), 1);
    assert_eq!(created.etag(), "\"1\"");
    let id = str_field(&tenant, "id");
    let path = format!("/v1/tenants/{id}");

    let read = server.op_get(&path).await.expect_status(StatusCode::OK);
    assert_eq!(read.json(), tenant);
    assert_eq!(read.etag(), "\"1\"");

    let listed = server
        .op_get("/v1/tenants")
        .await
        .expect_status(StatusCode::OK);
    assert!(ids(&listed.items()).contains(&id));

    let changed = server
        .patch(
            &path,
            op,
            Some("\"1\""),
            json!({"display_name": "Fabrikam"}),
        )
        .await
        .expect_status(StatusCode::OK);
    assert_eq!(changed.etag(), "\"2\"");
    let changed = changed.json();
    assert_eq!(changed["display_name"], json!("Fabrikam"));
    assert_eq!(version(&changed), 2);
    assert_eq!(changed["created_at"], tenant["created_at"]);
    assert_eq!(server.op_get(&path).await.json(), changed);

    let stale = server.delete(&path, op, Some("\"1\"")).await;
    stale.expect_error(StatusCode::PRECONDITION_FAILED, "precondition_failed");
    server.op_get(&path).await.expect_status(StatusCode::OK);

    server
        .delete(&path, op, Some("\"2\""))
        .await
        .expect_status(StatusCode::NO_CONTENT);
    server
        .op_get(&path)
        .await
        .expect_error(StatusCode::NOT_FOUND, "not_found");
    server
        .delete(&path, op, None)
        .await
        .expect_error(StatusCode::NOT_FOUND, "not_found");
}

#[tokio::test]
async fn tenant_lifecycle_on_sqlite() {
    tenant_lifecycle(&TestServer::start().await).await;
}

#[tokio::test]
async fn tenant_lifecycle_on_postgres() {
    let Some(server) = TestServer::start_postgres().await else {
        return;
    };
    tenant_lifecycle(&server).await;
}

#[tokio::test]
async fn patch_with_stale_if_match_is_412_and_with_the_current_etag_is_200() {
    let server = TestServer::start().await;
    let op = server.operator.secret.as_str();
    let tenant = server.create_tenant("customer", "Contoso").await;
    let path = format!("/v1/tenants/{}", str_field(&tenant, "id"));

    let first = server
        .patch(
            &path,
            op,
            Some("\"1\""),
            json!({"display_name": "Contoso Ltd"}),
        )
        .await
        .expect_status(StatusCode::OK);
    let current = first.etag().to_owned();
    assert_eq!(current, "\"2\"");

    let stale = server
        .patch(
            &path,
            op,
            Some("\"1\""),
            json!({"display_name": "Lost Update"}),
        )
        .await;
    let message = stale.expect_error(StatusCode::PRECONDITION_FAILED, "precondition_failed");
    assert!(
        message.contains('2'),
        "names the current version: {message}"
    );
    assert_eq!(
        server.op_get(&path).await.json()["display_name"],
        json!("Contoso Ltd"),
        "the stale write changed nothing"
    );

    let weak = server
        .patch(
            &path,
            op,
            Some("W/\"2\""),
            json!({"display_name": "Contoso Group"}),
        )
        .await
        .expect_status(StatusCode::OK);
    assert_eq!(weak.etag(), "\"3\"");
    assert_eq!(version(&weak.json()), 3);

    let any = server
        .patch(&path, op, Some("*"), json!({"display_name": "Contoso AG"}))
        .await
        .expect_status(StatusCode::OK);
    assert_eq!(any.etag(), "\"4\"");
    let unguarded = server
        .patch(&path, op, None, json!({"display_name": "Contoso SE"}))
        .await
        .expect_status(StatusCode::OK);
    assert_eq!(unguarded.etag(), "\"5\"");
    assert_eq!(server.op_get(&path).await.etag(), "\"5\"");
}

#[tokio::test]
async fn malformed_if_match_is_400_and_changes_nothing() {
    let server = TestServer::start().await;
    let op = server.operator.secret.as_str();
    let tenant = server.create_tenant("partner", "Northwind").await;
    let path = format!("/v1/tenants/{}", str_field(&tenant, "id"));
    for bad in ["1", "\"one\"", "\"1", "W/1", "\"\"", "\"1\", \"2\""] {
        server
            .patch(&path, op, Some(bad), json!({"display_name": "Changed"}))
            .await
            .expect_error(StatusCode::BAD_REQUEST, "invalid_if_match");
        server
            .delete(&path, op, Some(bad))
            .await
            .expect_error(StatusCode::BAD_REQUEST, "invalid_if_match");
    }
    let after = server.op_get(&path).await.json();
    assert_eq!(after, tenant);
}

#[tokio::test]
async fn tenant_with_a_given_id_keeps_it_and_a_second_one_conflicts() {
    let server = TestServer::start().await;
    let op = server.operator.secret.as_str();
    let id = unknown_id();
    let body = json!({"id": id, "kind": "customer", "display_name": "Given Id"});
    let created = server
        .post("/v1/tenants", op, body.clone())
        .await
        .expect_status(StatusCode::CREATED)
        .json();
    assert_eq!(str_field(&created, "id"), id);
    server
        .post("/v1/tenants", op, body)
        .await
        .expect_error(StatusCode::CONFLICT, "conflict");
}

#[tokio::test]
async fn tenant_list_pages_through_every_tenant_once() {
    let server = TestServer::start().await;
    let mut created = BTreeSet::new();
    for n in 0..11 {
        let kind = if n % 2 == 0 { "partner" } else { "customer" };
        let tenant = server.create_tenant(kind, &format!("Tenant {n}")).await;
        created.insert(str_field(&tenant, "id"));
    }
    let (items, pages) = server
        .collect_pages("/v1/tenants", &server.operator.secret, 4)
        .await;
    assert_eq!(pages, 3, "11 tenants in pages of 4");
    let listed = ids(&items);
    let unique: BTreeSet<String> = listed.iter().cloned().collect();
    assert_eq!(unique.len(), listed.len(), "no duplicates: {listed:?}");
    assert_eq!(unique, created, "none missing");

    let (partners, _) = server
        .collect_pages("/v1/tenants?kind=partner", &server.operator.secret, 2)
        .await;
    assert_eq!(partners.len(), 6);
    assert!(partners.iter().all(|t| t["kind"] == json!("partner")));

    let exact = server
        .op_get("/v1/tenants?limit=11")
        .await
        .expect_status(StatusCode::OK)
        .json();
    assert_eq!(exact["items"].as_array().unwrap().len(), 11);
    assert!(
        exact.get("next_cursor").is_none(),
        "a full last page has no cursor: {exact}"
    );
}

#[tokio::test]
async fn list_limits_outside_1_to_200_are_invalid_queries() {
    let server = TestServer::start().await;
    for query in [
        "limit=0",
        "limit=201",
        "limit=-1",
        "limit=ten",
        "kind=reseller",
        "sort=name",
    ] {
        server
            .op_get(&format!("/v1/tenants?{query}"))
            .await
            .expect_error(StatusCode::BAD_REQUEST, "invalid_query");
    }
    for limit in [1, 200] {
        server
            .op_get(&format!("/v1/tenants?limit={limit}"))
            .await
            .expect_status(StatusCode::OK);
    }
}

#[tokio::test]
async fn a_cursor_not_issued_by_the_api_is_400() {
    let server = TestServer::start().await;
    for cursor in ["!!!", "not%20base64", "%FF%FE", "_w"] {
        server
            .op_get(&format!("/v1/tenants?cursor={cursor}"))
            .await
            .expect_error(StatusCode::BAD_REQUEST, "invalid_cursor");
    }
}

#[tokio::test]
async fn a_well_formed_but_made_up_cursor_is_400_on_every_list() {
    let server = TestServer::start().await;
    let tenant = server.create_tenant("partner", "Cursors").await;
    let id = str_field(&tenant, "id");
    let group = server.create_group(&id, "Tier 1").await;
    let group = str_field(&group, "id");
    // base64url of "abc": decodes fine, but is no position this API handed out.
    for list in [
        "/v1/tenants".to_owned(),
        format!("/v1/tenants/{id}/users"),
        format!("/v1/tenants/{id}/groups"),
        format!("/v1/tenants/{id}/groups/{group}/members"),
        "/v1/tokens".to_owned(),
        "/v1/audit".to_owned(),
    ] {
        server
            .op_get(&format!("{list}?cursor=YWJj"))
            .await
            .expect_error(StatusCode::BAD_REQUEST, "invalid_cursor");
    }
}

#[tokio::test]
async fn a_tenant_with_users_cannot_be_deleted() {
    let server = TestServer::start().await;
    let tenant = server.create_tenant("partner", "Busy").await;
    let id = str_field(&tenant, "id");
    server.create_user(&id, "ann@busy.example", "Ann").await;
    server
        .delete(&format!("/v1/tenants/{id}"), &server.operator.secret, None)
        .await
        .expect_error(StatusCode::CONFLICT, "conflict");
    server
        .op_get(&format!("/v1/tenants/{id}"))
        .await
        .expect_status(StatusCode::OK);
}

#[tokio::test]
async fn deleting_a_tenant_revokes_its_tokens() {
    let server = TestServer::start().await;
    let tenant = server.create_tenant("partner", "Leaving").await;
    let id = str_field(&tenant, "id");
    let admin = server.mint("partner_admin", Some(&id)).await;
    let own = format!("/v1/tenants/{id}");
    server
        .get(&own, &admin.secret)
        .await
        .expect_status(StatusCode::OK);

    server
        .delete(&own, &server.operator.secret, None)
        .await
        .expect_status(StatusCode::NO_CONTENT);
    server
        .get("/v1/tenants", &admin.secret)
        .await
        .expect_error(StatusCode::UNAUTHORIZED, "unauthenticated");
    let token = server
        .op_get(&format!("/v1/tokens/{}", admin.id))
        .await
        .expect_status(StatusCode::OK)
        .json();
    assert!(token["revoked_at"].is_string(), "{token}");
}

#[tokio::test]
async fn scoped_admins_list_only_their_own_tenant() {
    let server = TestServer::start().await;
    let partner = server.create_tenant("partner", "Own Partner").await;
    let customer = server.create_tenant("customer", "Own Customer").await;
    server.create_tenant("partner", "Someone Else").await;
    let partner_id = str_field(&partner, "id");
    let customer_id = str_field(&customer, "id");
    let partner_admin = server.mint("partner_admin", Some(&partner_id)).await;
    let customer_admin = server.mint("customer_admin", Some(&customer_id)).await;

    let seen = server
        .get("/v1/tenants", &partner_admin.secret)
        .await
        .items();
    assert_eq!(ids(&seen), [partner_id.as_str()]);
    let seen = server
        .get("/v1/tenants", &customer_admin.secret)
        .await
        .items();
    assert_eq!(ids(&seen), [customer_id.as_str()]);
    let seen = server
        .get("/v1/tenants?kind=customer", &partner_admin.secret)
        .await
        .items();
    assert!(seen.is_empty(), "the kind filter applies: {seen:?}");
    let read = server
        .get(
            &format!("/v1/tenants/{customer_id}"),
            &customer_admin.secret,
        )
        .await
        .expect_status(StatusCode::OK);
    assert_eq!(read.etag(), "\"1\"");
    assert_eq!(read.json(), customer);
}
