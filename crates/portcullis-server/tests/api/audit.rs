//! `/v1/audit`: every mutation through the API is recorded with who, from
//! where and under which request id; the log filters and pages.

use std::sync::Arc;

use portcullis_domain::{TestClock, Timestamp};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::{Reply, Request, TestServer, str_field, unknown_id};

/// What one API call should have written to the audit log.
struct Expected {
    operation: &'static str,
    actor: String,
    tenant_id: Option<String>,
    target_id: String,
    request_id: String,
}

fn request_id(reply: &Reply) -> String {
    reply
        .header("x-request-id")
        .expect("an x-request-id header")
        .to_owned()
}

fn operations(records: &[Value]) -> Vec<String> {
    records.iter().map(|r| str_field(r, "operation")).collect()
}

#[tokio::test]
async fn every_mutation_is_audited_with_actor_source_ip_and_request_id() {
    let server = TestServer::start().await;
    let op = server.operator.secret.as_str();
    let operator_actor = format!("operator token:{}", server.operator.id);
    let mut expected = Vec::new();

    let reply = server
        .post(
            "/v1/tenants",
            op,
            json!({"kind": "partner", "display_name": "Audited"}),
        )
        .await;
    let tenant = str_field(&reply.json(), "id");
    expected.push(Expected {
        operation: "tenant.create",
        actor: operator_actor.clone(),
        tenant_id: Some(tenant.clone()),
        target_id: tenant.clone(),
        request_id: request_id(&reply),
    });
    let reply = server
        .patch(
            &format!("/v1/tenants/{tenant}"),
            op,
            None,
            json!({"display_name": "Audited Co"}),
        )
        .await
        .expect_status(StatusCode::OK);
    expected.push(Expected {
        operation: "tenant.update",
        actor: operator_actor.clone(),
        tenant_id: Some(tenant.clone()),
        target_id: tenant.clone(),
        request_id: request_id(&reply),
    });
    let reply = server
        .post(
            "/v1/tokens",
            op,
            json!({"kind": "partner_admin", "tenant_id": tenant}),
        )
        .await
        .expect_status(StatusCode::CREATED);
    let admin = str_field(&reply.json(), "secret");
    let admin_id = str_field(&reply.json(), "id");
    expected.push(Expected {
        operation: "token.create",
        actor: operator_actor.clone(),
        tenant_id: Some(tenant.clone()),
        target_id: admin_id.clone(),
        request_id: request_id(&reply),
    });

    let admin_actor = format!("partner_admin token:{admin_id}");
    let users = format!("/v1/tenants/{tenant}/users");
    let reply = server
        .post(
            &users,
            &admin,
            json!({"user_principal_name": "a@audit.example", "display_name": "A"}),
        )
        .await
        .expect_status(StatusCode::CREATED);
    let user = str_field(&reply.json(), "id");
    expected.push(Expected {
        operation: "user.create",
        actor: admin_actor.clone(),
        tenant_id: Some(tenant.clone()),
        target_id: user.clone(),
        request_id: request_id(&reply),
    });
    let reply = server
        .patch(
            &format!("{users}/{user}"),
            &admin,
            None,
            json!({"enabled": false}),
        )
        .await
        .expect_status(StatusCode::OK);
    expected.push(Expected {
        operation: "user.update",
        actor: admin_actor.clone(),
        tenant_id: Some(tenant.clone()),
        target_id: user.clone(),
        request_id: request_id(&reply),
    });
    let groups = format!("/v1/tenants/{tenant}/groups");
    let reply = server
        .post(&groups, &admin, json!({"display_name": "G"}))
        .await
        .expect_status(StatusCode::CREATED);
    let group = str_field(&reply.json(), "id");
    expected.push(Expected {
        operation: "group.create",
        actor: admin_actor.clone(),
        tenant_id: Some(tenant.clone()),
        target_id: group.clone(),
        request_id: request_id(&reply),
    });
    let reply = server
        .patch(
            &format!("{groups}/{group}"),
            &admin,
            None,
            json!({"description": "d"}),
        )
        .await
        .expect_status(StatusCode::OK);
    expected.push(Expected {
        operation: "group.update",
        actor: admin_actor.clone(),
        tenant_id: Some(tenant.clone()),
        target_id: group.clone(),
        request_id: request_id(&reply),
    });
    let members = format!("{groups}/{group}/members");
    let reply = server
        .post(&members, &admin, json!({"user_id": user}))
        .await
        .expect_status(StatusCode::CREATED);
    expected.push(Expected {
        operation: "group.member.add",
        actor: admin_actor.clone(),
        tenant_id: Some(tenant.clone()),
        target_id: group.clone(),
        request_id: request_id(&reply),
    });
    let reply = server
        .delete(&format!("{members}/{user}"), &admin, None)
        .await
        .expect_status(StatusCode::NO_CONTENT);
    expected.push(Expected {
        operation: "group.member.remove",
        actor: admin_actor.clone(),
        tenant_id: Some(tenant.clone()),
        target_id: group.clone(),
        request_id: request_id(&reply),
    });
    let reply = server
        .delete(&format!("{groups}/{group}"), &admin, None)
        .await
        .expect_status(StatusCode::NO_CONTENT);
    expected.push(Expected {
        operation: "group.delete",
        actor: admin_actor.clone(),
        tenant_id: Some(tenant.clone()),
        target_id: group.clone(),
        request_id: request_id(&reply),
    });
    let reply = server
        .delete(&format!("{users}/{user}"), &admin, None)
        .await
        .expect_status(StatusCode::NO_CONTENT);
    expected.push(Expected {
        operation: "user.delete",
        actor: admin_actor.clone(),
        tenant_id: Some(tenant.clone()),
        target_id: user.clone(),
        request_id: request_id(&reply),
    });
    let reply = server
        .delete(&format!("/v1/tokens/{admin_id}"), op, None)
        .await
        .expect_status(StatusCode::NO_CONTENT);
    expected.push(Expected {
        operation: "token.revoke",
        actor: operator_actor.clone(),
        tenant_id: Some(tenant.clone()),
        target_id: admin_id.clone(),
        request_id: request_id(&reply),
    });
    let reply = server
        .delete(&format!("/v1/tenants/{tenant}"), op, None)
        .await
        .expect_status(StatusCode::NO_CONTENT);
    expected.push(Expected {
        operation: "tenant.delete",
        actor: operator_actor.clone(),
        tenant_id: Some(tenant.clone()),
        target_id: tenant.clone(),
        request_id: request_id(&reply),
    });

    let records = server.audit("").await;
    let api_records: Vec<&Value> = records
        .iter()
        .filter(|r| r["source_ip"] != Value::Null)
        .collect();
    assert_eq!(
        api_records.len(),
        expected.len(),
        "one record per mutation: {:?}",
        operations(&records)
    );
    for (record, want) in api_records.iter().zip(&expected) {
        assert_eq!(record["operation"], json!(want.operation), "{record}");
        assert_eq!(record["actor"], json!(want.actor), "{record}");
        assert_eq!(record["tenant_id"], json!(want.tenant_id), "{record}");
        assert_eq!(record["target_id"], json!(want.target_id), "{record}");
        assert_eq!(record["source_ip"], json!("127.0.0.1"), "{record}");
        assert_eq!(record["request_id"], json!(want.request_id), "{record}");
        let kind = want.actor.split(' ').next().unwrap();
        assert_eq!(record["actor_kind"], json!(kind), "{record}");
    }
    let mut request_ids: Vec<&String> = expected.iter().map(|e| &e.request_id).collect();
    request_ids.sort_unstable();
    request_ids.dedup();
    assert_eq!(
        request_ids.len(),
        expected.len(),
        "request ids are distinct"
    );
}

#[tokio::test]
async fn a_client_request_id_is_echoed_and_audited() {
    let server = TestServer::start().await;
    let reply = server
        .send(
            Request::new(Method::POST, "/v1/tenants")
                .bearer(&server.operator.secret)
                .header("x-request-id", "change-4711")
                .json(json!({"kind": "customer", "display_name": "Traced"})),
        )
        .await
        .expect_status(StatusCode::CREATED);
    assert_eq!(reply.header("x-request-id"), Some("change-4711"));
    let records = server.audit("operation=tenant.create").await;
    assert_eq!(records.len(), 1);
    assert_eq!(records[0]["request_id"], json!("change-4711"));
    assert_eq!(records[0]["target_id"], reply.json()["id"]);

    let reply = server
        .send(
            Request::new(Method::POST, "/v1/tenants")
                .bearer(&server.operator.secret)
                .header("x-request-id", "two words")
                .json(json!({"kind": "customer", "display_name": "Untraced"})),
        )
        .await
        .expect_status(StatusCode::CREATED);
    let generated = request_id(&reply);
    assert_ne!(generated, "two words");
    let records = server.audit("operation=tenant.create").await;
    assert_eq!(records[1]["request_id"], json!(generated));
}

#[tokio::test]
async fn audit_filters_by_operation_tenant_actor_and_time() {
    let t0 = Timestamp::parse("t", "2026-05-04T10:00:00Z").unwrap();
    let clock = Arc::new(TestClock::at(t0));
    let server = TestServer::start_with_clock(clock.clone()).await;
    let first = str_field(&server.create_tenant("partner", "First").await, "id");
    clock.advance_millis(3_600_000);
    let second = str_field(&server.create_tenant("partner", "Second").await, "id");
    let admin = server.mint("partner_admin", Some(&second)).await;
    clock.advance_millis(3_600_000);
    server
        .post(
            &format!("/v1/tenants/{second}/users"),
            &admin.secret,
            json!({"user_principal_name": "z@second.example", "display_name": "Z"}),
        )
        .await
        .expect_status(StatusCode::CREATED);
    server
        .patch(
            &format!("/v1/tenants/{first}"),
            &server.operator.secret,
            None,
            json!({"display_name": "First!"}),
        )
        .await
        .expect_status(StatusCode::OK);

    let all = server.audit("").await;
    assert_eq!(
        operations(&all),
        [
            "token.create",
            "tenant.create",
            "tenant.create",
            "token.create",
            "user.create",
            "tenant.update"
        ]
    );
    assert_eq!(
        operations(&server.audit("operation=tenant.create").await),
        ["tenant.create", "tenant.create"]
    );
    let of_first = server.audit(&format!("tenant_id={first}")).await;
    assert_eq!(operations(&of_first), ["tenant.create", "tenant.update"]);
    assert!(of_first.iter().all(|r| r["tenant_id"] == json!(first)));
    let of_second = server.audit(&format!("tenant_id={second}")).await;
    assert_eq!(
        operations(&of_second),
        ["tenant.create", "token.create", "user.create"]
    );
    let by_admin = server
        .audit(&format!("actor=partner_admin%20token:{}", admin.id))
        .await;
    assert_eq!(operations(&by_admin), ["user.create"]);
    assert!(
        server.audit("actor=partner_admin").await.is_empty(),
        "actor is exact"
    );
    assert!(
        server
            .audit(&format!("tenant_id={}", unknown_id()))
            .await
            .is_empty()
    );

    let since = server.audit("since=2026-05-04T11:00:00Z").await;
    assert_eq!(
        operations(&since),
        [
            "tenant.create",
            "token.create",
            "user.create",
            "tenant.update"
        ]
    );
    let until = server.audit("until=2026-05-04T11:00:00Z").await;
    assert_eq!(
        operations(&until),
        ["token.create", "tenant.create"],
        "until is exclusive"
    );
    let window = server
        .audit("since=2026-05-04T12:00:00%2B01:00&until=2026-05-04T12:00:00Z")
        .await;
    assert_eq!(
        operations(&window),
        ["tenant.create", "token.create"],
        "offsets are honoured"
    );
    let combined = server
        .audit(&format!(
            "operation=tenant.create&since=2026-05-04T11:00:00Z&tenant_id={second}"
        ))
        .await;
    assert_eq!(combined.len(), 1);
    assert_eq!(combined[0]["target_id"], json!(second));
}

#[tokio::test]
async fn audit_query_values_are_validated() {
    let server = TestServer::start().await;
    for query in [
        "tenant_id=not-a-uuid",
        "since=yesterday",
        "until=2026-13-01T00:00:00Z",
        "limit=0",
        "limit=201",
        "who=me",
    ] {
        server
            .op_get(&format!("/v1/audit?{query}"))
            .await
            .expect_error(StatusCode::BAD_REQUEST, "invalid_query");
    }
}

#[tokio::test]
async fn audit_pages_hold_the_whole_chain_in_order() {
    let server = TestServer::start().await;
    for n in 0..8 {
        server
            .create_tenant("customer", &format!("Chain {n}"))
            .await;
    }
    let (records, pages) = server
        .collect_pages("/v1/audit", &server.operator.secret, 3)
        .await;
    assert_eq!(records.len(), 9, "the operator token and eight tenants");
    assert_eq!(pages, 3);
    let mut previous = "0".repeat(64);
    for (n, record) in records.iter().enumerate() {
        assert_eq!(record["seq"], json!(n + 1), "{record}");
        assert_eq!(record["prev_hash"], json!(previous), "{record}");
        previous = str_field(record, "hash");
    }
}

#[tokio::test]
async fn an_audit_cursor_not_issued_by_the_api_is_400() {
    let server = TestServer::start().await;
    // `!!!` is no base64 at all; `YWJj` is base64 of `abc`, not a position.
    for cursor in ["!!!", "YWJj"] {
        server
            .op_get(&format!("/v1/audit?cursor={cursor}"))
            .await
            .expect_error(StatusCode::BAD_REQUEST, "invalid_cursor");
    }
}

#[tokio::test]
async fn only_operators_read_the_audit_log() {
    let server = TestServer::start().await;
    let partner = str_field(&server.create_tenant("partner", "P").await, "id");
    let customer = str_field(&server.create_tenant("customer", "C").await, "id");
    let callers = [
        server.mint("partner_admin", Some(&partner)).await,
        server.mint("customer_admin", Some(&customer)).await,
        server.mint("service", None).await,
    ];
    for caller in &callers {
        for query in [
            String::new(),
            format!("?tenant_id={partner}"),
            "?limit=1".into(),
        ] {
            let reply = server
                .get(&format!("/v1/audit{query}"), &caller.secret)
                .await;
            reply.expect_error(StatusCode::FORBIDDEN, "forbidden");
            assert!(!reply.text.contains("tenant.create"), "{}", reply.text);
        }
    }
}

#[tokio::test]
async fn refused_requests_leave_no_audit_record() {
    let server = TestServer::start().await;
    let op = server.operator.secret.as_str();
    let tenant = str_field(&server.create_tenant("partner", "Quiet").await, "id");
    let user = str_field(
        &server.create_user(&tenant, "q@quiet.example", "Q").await,
        "id",
    );
    let customer = str_field(&server.create_tenant("customer", "Quiet C").await, "id");
    let customer_admin = server.mint("customer_admin", Some(&customer)).await;
    let before = server.audit("").await;

    let path = format!("/v1/tenants/{tenant}");
    server
        .patch(&path, op, Some("\"9\""), json!({"display_name": "No"}))
        .await
        .expect_error(StatusCode::PRECONDITION_FAILED, "precondition_failed");
    server
        .delete(&path, op, None)
        .await
        .expect_error(StatusCode::CONFLICT, "conflict");
    server
        .post(
            &format!("{path}/users"),
            op,
            json!({"user_principal_name": "q@quiet.example", "display_name": "Q2"}),
        )
        .await
        .expect_error(StatusCode::CONFLICT, "conflict");
    server
        .patch(
            &format!("{path}/users/{user}"),
            op,
            None,
            json!({"display_name": ""}),
        )
        .await
        .expect_error(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    server
        .patch(
            &path,
            &customer_admin.secret,
            None,
            json!({"display_name": "Mine"}),
        )
        .await
        .expect_error(StatusCode::FORBIDDEN, "forbidden");
    server
        .delete(&format!("/v1/tokens/{}", unknown_id()), op, None)
        .await
        .expect_error(StatusCode::NOT_FOUND, "not_found");

    assert_eq!(server.audit("").await, before);
}
