//! `/v1/tenants/{tenant_id}/users`: a partner tenant's users.

use std::collections::BTreeSet;

use reqwest::StatusCode;
use serde_json::json;

use crate::support::{TestServer, ids, str_field, unknown_id, version};

/// Create, read, list, change and delete a user, checking ETags throughout.
async fn user_lifecycle(server: &TestServer) {
    let op = server.operator.secret.as_str();
    let tenant = str_field(&server.create_tenant("partner", "Tailspin").await, "id");
    let users = format!("/v1/tenants/{tenant}/users");

    let created = server
        .post(
            &users,
            op,
            json!({"user_principal_name": "Alice@Tailspin.Example", "display_name": "Alice"}),
        )
        .await
        .expect_status(StatusCode::CREATED);
    assert_eq!(created.etag(), "\"1\"");
    let user = created.json();
    assert_eq!(user["user_principal_name"], json!("alice@tailspin.example"));
    assert_eq!(user["tenant_id"], json!(tenant));
    assert_eq!(user["enabled"], json!(true), "enabled by default");
    let path = format!("{users}/{}", str_field(&user, "id"));

    let read = server.op_get(&path).await.expect_status(StatusCode::OK);
    assert_eq!(read.etag(), "\"1\"");
    assert_eq!(read.json(), user);
    assert_eq!(
        ids(&server.op_get(&users).await.items()),
        [str_field(&user, "id")]
    );

    server
        .patch(&path, op, Some("\"7\""), json!({"enabled": false}))
        .await
        .expect_error(StatusCode::PRECONDITION_FAILED, "precondition_failed");
    let changed = server
        .patch(
            &path,
            op,
            Some(read.etag()),
            json!({"enabled": false, "display_name": "Alice A."}),
        )
        .await
        .expect_status(StatusCode::OK);
    assert_eq!(changed.etag(), "\"2\"");
    let changed = changed.json();
    assert_eq!(version(&changed), 2);
    assert_eq!(changed["enabled"], json!(false));
    assert_eq!(changed["display_name"], json!("Alice A."));
    assert_eq!(changed["user_principal_name"], user["user_principal_name"]);
    assert_eq!(server.op_get(&path).await.json(), changed);

    server
        .delete(&path, op, Some("\"1\""))
        .await
        .expect_error(StatusCode::PRECONDITION_FAILED, "precondition_failed");
    server
        .delete(&path, op, Some("\"2\""))
        .await
        .expect_status(StatusCode::NO_CONTENT);
    server
        .op_get(&path)
        .await
        .expect_error(StatusCode::NOT_FOUND, "not_found");
    assert!(server.op_get(&users).await.items().is_empty());
}

#[tokio::test]
async fn user_lifecycle_on_sqlite() {
    user_lifecycle(&TestServer::start().await).await;
}

#[tokio::test]
async fn user_lifecycle_on_postgres() {
    let Some(server) = TestServer::start_postgres().await else {
        return;
    };
    user_lifecycle(&server).await;
}

#[tokio::test]
async fn user_principal_names_are_unique_per_tenant_ignoring_case() {
    let server = TestServer::start().await;
    let first = str_field(&server.create_tenant("partner", "First").await, "id");
    let second = str_field(&server.create_tenant("partner", "Second").await, "id");
    server
        .create_user(&first, "bob@shared.example", "Bob")
        .await;
    server
        .post(
            &format!("/v1/tenants/{first}/users"),
            &server.operator.secret,
            json!({"user_principal_name": "BOB@shared.example", "display_name": "Bob Again"}),
        )
        .await
        .expect_error(StatusCode::CONFLICT, "conflict");
    let other = server
        .create_user(&second, "bob@shared.example", "Bob")
        .await;
    assert_eq!(other["tenant_id"], json!(second));
}

#[tokio::test]
async fn renaming_a_user_onto_a_taken_upn_conflicts() {
    let server = TestServer::start().await;
    let tenant = str_field(&server.create_tenant("partner", "Renames").await, "id");
    server
        .create_user(&tenant, "carol@r.example", "Carol")
        .await;
    let dave = server.create_user(&tenant, "dave@r.example", "Dave").await;
    let path = format!("/v1/tenants/{tenant}/users/{}", str_field(&dave, "id"));
    server
        .patch(
            &path,
            &server.operator.secret,
            None,
            json!({"user_principal_name": "carol@r.example"}),
        )
        .await
        .expect_error(StatusCode::CONFLICT, "conflict");
    assert_eq!(server.op_get(&path).await.json(), dave);
}

#[tokio::test]
async fn invalid_user_fields_are_422() {
    let server = TestServer::start().await;
    let tenant = str_field(&server.create_tenant("partner", "Strict").await, "id");
    let users = format!("/v1/tenants/{tenant}/users");
    for body in [
        json!({"user_principal_name": "not-an-address", "display_name": "X"}),
        json!({"user_principal_name": "x@nodot", "display_name": "X"}),
        json!({"user_principal_name": "x@y.example", "display_name": ""}),
        json!({"user_principal_name": "x@y.example", "display_name": "a\u{202E}b"}),
        json!({"user_principal_name": "x@y.example", "display_name": "X", "enabled": "yes"}),
        json!({"display_name": "No Upn"}),
    ] {
        server
            .post(&users, &server.operator.secret, body.clone())
            .await
            .expect_error(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    }
    assert!(server.op_get(&users).await.items().is_empty());
}

#[tokio::test]
async fn customer_tenants_have_no_users() {
    let server = TestServer::start().await;
    let customer = str_field(&server.create_tenant("customer", "Customer").await, "id");
    let users = format!("/v1/tenants/{customer}/users");
    server
        .op_get(&users)
        .await
        .expect_error(StatusCode::UNPROCESSABLE_ENTITY, "wrong_tenant_kind");
    server
        .post(
            &users,
            &server.operator.secret,
            json!({"user_principal_name": "e@c.example", "display_name": "E"}),
        )
        .await
        .expect_error(StatusCode::UNPROCESSABLE_ENTITY, "wrong_tenant_kind");
}

#[tokio::test]
async fn users_of_a_missing_tenant_are_404() {
    let server = TestServer::start().await;
    let missing = unknown_id();
    let users = format!("/v1/tenants/{missing}/users");
    server
        .op_get(&users)
        .await
        .expect_error(StatusCode::NOT_FOUND, "not_found");
    server
        .post(
            &users,
            &server.operator.secret,
            json!({"user_principal_name": "f@m.example", "display_name": "F"}),
        )
        .await
        .expect_error(StatusCode::NOT_FOUND, "not_found");
    let tenant = str_field(&server.create_tenant("partner", "Exists").await, "id");
    server
        .op_get(&format!("/v1/tenants/{tenant}/users/{}", unknown_id()))
        .await
        .expect_error(StatusCode::NOT_FOUND, "not_found");
}

#[tokio::test]
async fn a_user_is_reachable_only_under_its_own_tenant() {
    let server = TestServer::start().await;
    let home = str_field(&server.create_tenant("partner", "Home").await, "id");
    let away = str_field(&server.create_tenant("partner", "Away").await, "id");
    let user = str_field(
        &server.create_user(&home, "g@home.example", "G").await,
        "id",
    );
    let wrong = format!("/v1/tenants/{away}/users/{user}");
    server
        .op_get(&wrong)
        .await
        .expect_error(StatusCode::NOT_FOUND, "not_found");
    server
        .patch(
            &wrong,
            &server.operator.secret,
            None,
            json!({"enabled": false}),
        )
        .await
        .expect_error(StatusCode::NOT_FOUND, "not_found");
    server
        .delete(&wrong, &server.operator.secret, None)
        .await
        .expect_error(StatusCode::NOT_FOUND, "not_found");
    let still = server
        .op_get(&format!("/v1/tenants/{home}/users/{user}"))
        .await
        .expect_status(StatusCode::OK)
        .json();
    assert_eq!(
        (still["enabled"].clone(), version(&still)),
        (json!(true), 1)
    );
}

#[tokio::test]
async fn user_list_pages_through_every_user_once() {
    let server = TestServer::start().await;
    let tenant = str_field(&server.create_tenant("partner", "Many").await, "id");
    let mut created = BTreeSet::new();
    for n in 0..9 {
        let user = server
            .create_user(&tenant, &format!("u{n}@many.example"), &format!("User {n}"))
            .await;
        created.insert(str_field(&user, "id"));
    }
    let (items, pages) = server
        .collect_pages(
            &format!("/v1/tenants/{tenant}/users"),
            &server.operator.secret,
            2,
        )
        .await;
    assert_eq!(pages, 5);
    let listed = ids(&items);
    let unique: BTreeSet<String> = listed.iter().cloned().collect();
    assert_eq!(unique.len(), listed.len(), "no duplicates");
    assert_eq!(unique, created, "none missing");
    for query in ["limit=0", "limit=201"] {
        server
            .op_get(&format!("/v1/tenants/{tenant}/users?{query}"))
            .await
            .expect_error(StatusCode::BAD_REQUEST, "invalid_query");
    }
    server
        .op_get(&format!("/v1/tenants/{tenant}/users?cursor=***"))
        .await
        .expect_error(StatusCode::BAD_REQUEST, "invalid_cursor");
}

#[tokio::test]
async fn partner_admin_manages_its_own_users() {
    let server = TestServer::start().await;
    let tenant = str_field(&server.create_tenant("partner", "Self Service").await, "id");
    let admin = server.mint("partner_admin", Some(&tenant)).await;
    let users = format!("/v1/tenants/{tenant}/users");
    let user = server
        .post(
            &users,
            &admin.secret,
            json!({"user_principal_name": "h@self.example", "display_name": "H", "enabled": false}),
        )
        .await
        .expect_status(StatusCode::CREATED)
        .json();
    assert_eq!(user["enabled"], json!(false));
    let path = format!("{users}/{}", str_field(&user, "id"));
    let listed = server.get(&users, &admin.secret).await.items();
    assert_eq!(ids(&listed), [str_field(&user, "id")]);
    server
        .patch(
            &path,
            &admin.secret,
            Some("\"1\""),
            json!({"enabled": true}),
        )
        .await
        .expect_status(StatusCode::OK);
    server
        .delete(&path, &admin.secret, Some("\"2\""))
        .await
        .expect_status(StatusCode::NO_CONTENT);
}

async fn confusable_upns_conflict(server: &TestServer) {
    let partner = str_field(&server.create_tenant("partner", "P").await, "id");
    let users = format!("/v1/tenants/{partner}/users");
    server
        .create_user(&partner, "bob@contoso.example", "Bob")
        .await;
    let ivy = server
        .create_user(&partner, "ivy@contoso.example", "Ivy")
        .await;
    for lookalike in ["b\u{043E}b@contoso.example", "\u{0131}vy@contoso.example"] {
        server
            .post(
                &users,
                &server.operator.secret,
                json!({"user_principal_name": lookalike, "display_name": "Mallory"}),
            )
            .await
            .expect_error(StatusCode::CONFLICT, "conflict");
    }
    // Nor may a rename make one.
    let path = format!("{users}/{}", str_field(&ivy, "id"));
    server
        .patch(
            &path,
            &server.operator.secret,
            None,
            json!({"user_principal_name": "b\u{043E}b@contoso.example"}),
        )
        .await
        .expect_error(StatusCode::CONFLICT, "conflict");
    // Another tenant may hold the same skeleton.
    let other = str_field(&server.create_tenant("partner", "Q").await, "id");
    server
        .create_user(&other, "b\u{043E}b@contoso.example", "Bob")
        .await;
}

#[tokio::test]
async fn confusable_user_principal_names_conflict_on_sqlite() {
    confusable_upns_conflict(&TestServer::start().await).await;
}

#[tokio::test]
async fn confusable_user_principal_names_conflict_on_postgres() {
    if let Some(server) = TestServer::start_postgres().await {
        confusable_upns_conflict(&server).await;
    }
}

#[tokio::test]
async fn names_with_invisible_or_format_characters_are_422() {
    let server = TestServer::start().await;
    for bad in [
        "Bob\u{3164}",
        "Bob\u{00AD}by",
        "Bo\u{2028}b",
        "Bob\u{E0041}",
        "Zalgo\u{0301}\u{0301}\u{0301}\u{0301}\u{0301}\u{0301}",
    ] {
        server
            .post(
                "/v1/tenants",
                &server.operator.secret,
                json!({"kind": "partner", "display_name": bad}),
            )
            .await
            .expect_error(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    }
    // Free text refuses control characters and bidirectional overrides.
    let partner = str_field(&server.create_tenant("partner", "P").await, "id");
    let user = str_field(
        &server.create_user(&partner, "eve@p.example", "Eve").await,
        "id",
    );
    for reason in ["spray\u{202E}gpj.exe", "spray\u{001B}[2J", "a\u{2066}b"] {
        server
            .post(
                "/v1/containments",
                &server.operator.secret,
                json!({"kind": "user", "target_id": user, "reason": reason}),
            )
            .await
            .expect_error(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
        server
            .post(
                "/v1/webhooks",
                &server.operator.secret,
                json!({"url": "https://hooks.example/p", "description": reason, "event_types": ["relationship.expiry_warning"]}),
            )
            .await
            .expect_error(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    }
}
