//! `/v1/tenants/{tenant_id}/groups`: security groups and their members.

use std::collections::BTreeSet;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::{TestServer, ids, str_field, unknown_id, version};

fn member_ids(items: &[Value]) -> BTreeSet<String> {
    items.iter().map(|m| str_field(m, "user_id")).collect()
}

/// Create, read, list, change and delete a group and its members.
async fn group_lifecycle(server: &TestServer) {
    let op = server.operator.secret.as_str();
    let tenant = str_field(&server.create_tenant("partner", "Litware").await, "id");
    let groups = format!("/v1/tenants/{tenant}/groups");

    let created = server
        .post(
            &groups,
            op,
            json!({"display_name": "Helpdesk", "description": "first line"}),
        )
        .await
        .expect_status(StatusCode::CREATED);
    assert_eq!(created.etag(), "\"1\"");
    let group = created.json();
    assert_eq!(group["description"], json!("first line"));
    assert_eq!(group["tenant_id"], json!(tenant));
    let group_id = str_field(&group, "id");
    let path = format!("{groups}/{group_id}");

    let read = server.op_get(&path).await.expect_status(StatusCode::OK);
    assert_eq!((read.etag(), read.json()), ("\"1\"", group.clone()));
    assert_eq!(
        ids(&server.op_get(&groups).await.items()),
        [group_id.as_str()]
    );

    let changed = server
        .patch(
            &path,
            op,
            Some("\"1\""),
            json!({"display_name": "Service Desk"}),
        )
        .await
        .expect_status(StatusCode::OK);
    assert_eq!(changed.etag(), "\"2\"");
    let changed = changed.json();
    assert_eq!(
        changed["description"],
        json!("first line"),
        "absent leaves as is"
    );
    let cleared = server
        .patch(&path, op, Some("\"2\""), json!({"description": null}))
        .await
        .expect_status(StatusCode::OK)
        .json();
    assert_eq!(version(&cleared), 3);
    assert_eq!(cleared["display_name"], json!("Service Desk"));
    assert!(cleared["description"].is_null(), "null clears: {cleared}");
    server
        .patch(&path, op, Some("\"2\""), json!({"display_name": "Stale"}))
        .await
        .expect_error(StatusCode::PRECONDITION_FAILED, "precondition_failed");

    let ann = str_field(
        &server
            .create_user(&tenant, "ann@litware.example", "Ann")
            .await,
        "id",
    );
    let ben = str_field(
        &server
            .create_user(&tenant, "ben@litware.example", "Ben")
            .await,
        "id",
    );
    let members = format!("{path}/members");
    for user in [&ann, &ben] {
        let member = server
            .post(&members, op, json!({"user_id": user}))
            .await
            .expect_status(StatusCode::CREATED)
            .json();
        assert_eq!(
            (member["group_id"].clone(), member["user_id"].clone()),
            (json!(group_id), json!(user))
        );
    }
    let listed = server
        .op_get(&members)
        .await
        .expect_status(StatusCode::OK)
        .items();
    assert_eq!(
        member_ids(&listed),
        BTreeSet::from([ann.clone(), ben.clone()])
    );

    server
        .delete(&format!("{members}/{ann}"), op, None)
        .await
        .expect_status(StatusCode::NO_CONTENT);
    let listed = server.op_get(&members).await.items();
    assert_eq!(member_ids(&listed), BTreeSet::from([ben.clone()]));

    server
        .delete(&path, op, Some("\"1\""))
        .await
        .expect_error(StatusCode::PRECONDITION_FAILED, "precondition_failed");
    server
        .delete(&path, op, Some("\"3\""))
        .await
        .expect_status(StatusCode::NO_CONTENT);
    server
        .op_get(&path)
        .await
        .expect_error(StatusCode::NOT_FOUND, "not_found");
    server
        .op_get(&members)
        .await
        .expect_error(StatusCode::NOT_FOUND, "not_found");
    server
        .op_get(&format!("/v1/tenants/{tenant}/users/{ben}"))
        .await
        .expect_status(StatusCode::OK);
}

#[tokio::test]
async fn group_lifecycle_on_sqlite() {
    group_lifecycle(&TestServer::start().await).await;
}

#[tokio::test]
async fn group_lifecycle_on_postgres() {
    let Some(server) = TestServer::start_postgres().await else {
        return;
    };
    group_lifecycle(&server).await;
}

#[tokio::test]
async fn group_names_are_unique_per_tenant() {
    let server = TestServer::start().await;
    let tenant = str_field(&server.create_tenant("partner", "Names").await, "id");
    let other = str_field(&server.create_tenant("partner", "Other Names").await, "id");
    server.create_group(&tenant, "Admins").await;
    server
        .post(
            &format!("/v1/tenants/{tenant}/groups"),
            &server.operator.secret,
            json!({"display_name": "Admins"}),
        )
        .await
        .expect_error(StatusCode::CONFLICT, "conflict");
    server.create_group(&other, "Admins").await;
}

#[tokio::test]
async fn membership_is_unique_and_needs_a_user_of_the_same_tenant() {
    let server = TestServer::start().await;
    let op = server.operator.secret.as_str();
    let tenant = str_field(&server.create_tenant("partner", "Members").await, "id");
    let other = str_field(&server.create_tenant("partner", "Strangers").await, "id");
    let group = str_field(&server.create_group(&tenant, "Crew").await, "id");
    let user = str_field(&server.create_user(&tenant, "c@m.example", "C").await, "id");
    let stranger = str_field(&server.create_user(&other, "s@s.example", "S").await, "id");
    let members = format!("/v1/tenants/{tenant}/groups/{group}/members");

    server.add_member(&tenant, &group, &user).await;
    server
        .post(&members, op, json!({"user_id": user}))
        .await
        .expect_error(StatusCode::CONFLICT, "conflict");
    server
        .post(&members, op, json!({"user_id": stranger}))
        .await
        .expect_error(StatusCode::NOT_FOUND, "not_found");
    server
        .post(&members, op, json!({"user_id": unknown_id()}))
        .await
        .expect_error(StatusCode::NOT_FOUND, "not_found");
    server
        .post(&members, op, json!({"user_id": "not-a-uuid"}))
        .await
        .expect_error(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    server
        .delete(&format!("{members}/{stranger}"), op, None)
        .await
        .expect_error(StatusCode::NOT_FOUND, "not_found");
    let listed = server.op_get(&members).await.items();
    assert_eq!(member_ids(&listed), BTreeSet::from([user]));
}

#[tokio::test]
async fn deleting_a_user_removes_its_memberships() {
    let server = TestServer::start().await;
    let tenant = str_field(&server.create_tenant("partner", "Churn").await, "id");
    let group = str_field(&server.create_group(&tenant, "Team").await, "id");
    let user = str_field(
        &server.create_user(&tenant, "d@churn.example", "D").await,
        "id",
    );
    let keep = str_field(
        &server.create_user(&tenant, "k@churn.example", "K").await,
        "id",
    );
    server.add_member(&tenant, &group, &user).await;
    server.add_member(&tenant, &group, &keep).await;
    server
        .delete(
            &format!("/v1/tenants/{tenant}/users/{user}"),
            &server.operator.secret,
            None,
        )
        .await
        .expect_status(StatusCode::NO_CONTENT);
    let listed = server
        .op_get(&format!("/v1/tenants/{tenant}/groups/{group}/members"))
        .await
        .items();
    assert_eq!(member_ids(&listed), BTreeSet::from([keep]));
}

#[tokio::test]
async fn group_and_member_lists_page_through_everything_once() {
    let server = TestServer::start().await;
    let tenant = str_field(&server.create_tenant("partner", "Paged").await, "id");
    let mut groups = BTreeSet::new();
    for n in 0..7 {
        let group = server.create_group(&tenant, &format!("Group {n}")).await;
        groups.insert(str_field(&group, "id"));
    }
    let (items, pages) = server
        .collect_pages(
            &format!("/v1/tenants/{tenant}/groups"),
            &server.operator.secret,
            3,
        )
        .await;
    assert_eq!(pages, 3);
    let listed = ids(&items);
    assert_eq!(listed.len(), groups.len(), "no duplicates");
    assert_eq!(listed.into_iter().collect::<BTreeSet<_>>(), groups);

    let group = groups.first().unwrap().clone();
    let mut users = BTreeSet::new();
    for n in 0..5 {
        let user = server
            .create_user(&tenant, &format!("m{n}@paged.example"), &format!("M {n}"))
            .await;
        let id = str_field(&user, "id");
        server.add_member(&tenant, &group, &id).await;
        users.insert(id);
    }
    let members = format!("/v1/tenants/{tenant}/groups/{group}/members");
    let (items, pages) = server
        .collect_pages(&members, &server.operator.secret, 2)
        .await;
    assert_eq!(pages, 3);
    assert_eq!(items.len(), users.len(), "no duplicates");
    assert_eq!(member_ids(&items), users);
    for query in ["limit=0", "limit=201"] {
        server
            .op_get(&format!("{members}?{query}"))
            .await
            .expect_error(StatusCode::BAD_REQUEST, "invalid_query");
    }
    server
        .op_get(&format!("{members}?cursor=..."))
        .await
        .expect_error(StatusCode::BAD_REQUEST, "invalid_cursor");
}

#[tokio::test]
async fn partner_admin_manages_its_own_groups_and_members() {
    let server = TestServer::start().await;
    let tenant = str_field(&server.create_tenant("partner", "Delegated").await, "id");
    let admin = server.mint("partner_admin", Some(&tenant)).await;
    let user = str_field(&server.create_user(&tenant, "e@d.example", "E").await, "id");
    let groups = format!("/v1/tenants/{tenant}/groups");
    let group = server
        .post(
            &groups,
            &admin.secret,
            json!({"display_name": "Escalation"}),
        )
        .await
        .expect_status(StatusCode::CREATED)
        .json();
    let path = format!("{groups}/{}", str_field(&group, "id"));
    server
        .post(
            &format!("{path}/members"),
            &admin.secret,
            json!({"user_id": user}),
        )
        .await
        .expect_status(StatusCode::CREATED);
    let members = server
        .get(&format!("{path}/members"), &admin.secret)
        .await
        .items();
    assert_eq!(member_ids(&members), BTreeSet::from([user.clone()]));
    server
        .patch(
            &path,
            &admin.secret,
            Some("\"1\""),
            json!({"description": "tier 2"}),
        )
        .await
        .expect_status(StatusCode::OK);
    server
        .delete(&format!("{path}/members/{user}"), &admin.secret, None)
        .await
        .expect_status(StatusCode::NO_CONTENT);
    server
        .delete(&path, &admin.secret, None)
        .await
        .expect_status(StatusCode::NO_CONTENT);
    assert!(server.get(&groups, &admin.secret).await.items().is_empty());
}
