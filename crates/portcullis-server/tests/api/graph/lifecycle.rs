//! The GDAP lifecycle through the Graph routes, and the native view of the
//! same data.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use super::{CUSTOMERS, Gdap, HELPDESK, RELATIONSHIPS, SECURITY_READER, odata_error};
use crate::support::{Request, str_field};

fn roles(body: &Value) -> Vec<String> {
    body["accessDetails"]["unifiedRoles"]
        .as_array()
        .expect("unifiedRoles")
        .iter()
        .map(|r| str_field(r, "roleDefinitionId"))
        .collect()
}

fn value(body: &Value) -> Vec<Value> {
    body["value"]
        .as_array()
        .expect("`value` is an array")
        .clone()
}

#[tokio::test]
async fn relationship_goes_from_proposal_to_termination_through_graph() {
    let g = Gdap::start().await;
    let pa = &g.partner_admin;
    let ca = &g.customer_admin;

    let reply = g
        .server
        .post(
            RELATIONSHIPS,
            &pa.secret,
            g.new_relationship("Contoso admin relationship"),
        )
        .await
        .expect_status(StatusCode::CREATED);
    let created = reply.json();
    let id = str_field(&created, "id");
    assert_eq!(
        reply.header("location"),
        Some(format!("{}{RELATIONSHIPS}/{id}", g.server.base).as_str())
    );
    assert_eq!(reply.etag(), "W/\"1\"");
    assert_eq!(created["@odata.etag"], json!("W/\"1\""));
    assert_eq!(
        created["@odata.type"],
        json!("#microsoft.graph.delegatedAdminRelationship")
    );
    assert!(
        str_field(&created, "@odata.context")
            .ends_with("/v1.0/$metadata#tenantRelationships/delegatedAdminRelationships/$entity"),
        "{created}"
    );
    assert_eq!(created["status"], json!("created"));
    assert_eq!(created["displayName"], json!("Contoso admin relationship"));
    assert_eq!(created["duration"], json!("P730D"));
    assert_eq!(created["autoExtendDuration"], json!("P180D"));
    // Nothing of the customer but the id the partner sent, before it approves.
    assert_eq!(created["customer"], json!({"tenantId": g.customer}));
    let mut expected_roles = vec![HELPDESK.to_owned(), SECURITY_READER.to_owned()];
    expected_roles.sort();
    assert_eq!(roles(&created), expected_roles);
    assert_eq!(created["activatedDateTime"], Value::Null);
    assert_eq!(created["endDateTime"], Value::Null);
    assert_eq!(created["createdDateTime"], created["lastModifiedDateTime"]);

    // An assignment made while the relationship is only proposed waits.
    let assignments = format!("{RELATIONSHIPS}/{id}/accessAssignments");
    let reply = g
        .server
        .post(
            &assignments,
            &pa.secret,
            json!({
                "accessContainer": {"accessContainerId": g.group, "accessContainerType": "securityGroup"},
                "accessDetails": {"unifiedRoles": [{"roleDefinitionId": HELPDESK}, {"roleDefinitionId": SECURITY_READER}]}
            }),
        )
        .await
        .expect_status(StatusCode::CREATED);
    let assignment = reply.json();
    let assignment_id = str_field(&assignment, "id");
    let assignment_path = format!("{assignments}/{assignment_id}");
    assert_eq!(
        reply.header("location"),
        Some(format!("{}{assignment_path}", g.server.base).as_str())
    );
    assert_eq!(assignment["status"], json!("pending"));
    assert_eq!(
        assignment["accessContainer"],
        json!({"accessContainerId": g.group, "accessContainerType": "securityGroup"})
    );

    // The partner locks it for approval; the customer approves.
    let reply = g
        .request(&id, "lockForApproval", pa)
        .await
        .expect_status(StatusCode::CREATED);
    let lock = reply.json();
    assert_eq!(lock["action"], json!("lockForApproval"));
    assert_eq!(lock["status"], json!("succeeded"));
    assert_eq!(
        reply.header("location"),
        Some(
            format!(
                "{}{RELATIONSHIPS}/{id}/requests/{}",
                g.server.base,
                str_field(&lock, "id")
            )
            .as_str()
        )
    );
    let pending = g.get(&format!("{RELATIONSHIPS}/{id}"), ca).await.json();
    assert_eq!(pending["status"], json!("approvalPending"));
    assert_eq!(pending["@odata.etag"], json!("W/\"2\""));

    let approve = g
        .request(&id, "approve", ca)
        .await
        .expect_status(StatusCode::CREATED)
        .json();
    assert_eq!(approve["action"], json!("approve"));
    let reply = g
        .get(&format!("{RELATIONSHIPS}/{id}"), pa)
        .await
        .expect_status(StatusCode::OK);
    let active = reply.json();
    assert_eq!(reply.etag(), str_field(&active, "@odata.etag"));
    assert_eq!(active["status"], json!("active"));
    assert_eq!(
        active["customer"],
        json!({"tenantId": g.customer, "displayName": "Fabrikam"}),
        "the customer's name once it approved"
    );
    assert!(active["activatedDateTime"].is_string(), "{active}");
    assert!(active["endDateTime"].is_string(), "{active}");
    assert!(active["endDateTime"].as_str() > active["activatedDateTime"].as_str());

    // The waiting assignment became active; its roles change under If-Match.
    let listed = g
        .get(&assignments, pa)
        .await
        .expect_status(StatusCode::OK)
        .json();
    let items = value(&listed);
    assert_eq!(items.len(), 1, "{listed}");
    assert_eq!(items[0]["status"], json!("active"));
    let etag = str_field(&items[0], "@odata.etag");
    let reply = g
        .server
        .patch(
            &assignment_path,
            &pa.secret,
            Some(&etag),
            json!({"accessDetails": {"unifiedRoles": [{"roleDefinitionId": SECURITY_READER}]}}),
        )
        .await
        .expect_status(StatusCode::OK);
    let changed = reply.json();
    assert_eq!(roles(&changed), [SECURITY_READER]);
    assert_ne!(str_field(&changed, "@odata.etag"), etag);
    assert_eq!(reply.etag(), str_field(&changed, "@odata.etag"));
    g.server
        .delete(
            &assignment_path,
            &pa.secret,
            Some(&str_field(&changed, "@odata.etag")),
        )
        .await
        .expect_status(StatusCode::NO_CONTENT);
    let gone = g
        .get(&assignment_path, pa)
        .await
        .expect_status(StatusCode::OK)
        .json();
    assert_eq!(gone["status"], json!("deleted"));

    // The customer is one of the partner's customers while it is active.
    let customers = g
        .get(CUSTOMERS, pa)
        .await
        .expect_status(StatusCode::OK)
        .json();
    assert_eq!(
        value(&customers)
            .iter()
            .map(|c| (
                str_field(c, "id"),
                str_field(c, "tenantId"),
                str_field(c, "displayName")
            ))
            .collect::<Vec<_>>(),
        [(
            g.customer.clone(),
            g.customer.clone(),
            "Fabrikam".to_owned()
        )]
    );
    let one = g
        .get(&format!("{CUSTOMERS}/{}", g.customer), pa)
        .await
        .expect_status(StatusCode::OK)
        .json();
    assert_eq!(one["displayName"], json!("Fabrikam"));

    // Either side terminates.
    g.request(&id, "terminate", ca)
        .await
        .expect_status(StatusCode::CREATED);
    let ended = g.get(&format!("{RELATIONSHIPS}/{id}"), pa).await.json();
    assert_eq!(ended["status"], json!("terminationRequested"));
    assert!(ended["endDateTime"].is_string(), "{ended}");
    let customers = g.get(CUSTOMERS, pa).await.json();
    assert!(value(&customers).is_empty(), "{customers}");
    odata_error(
        &g.get(&format!("{CUSTOMERS}/{}", g.customer), pa).await,
        StatusCode::NOT_FOUND,
    );

    // The requests are the relationship's history, oldest first.
    let requests = g
        .get(&format!("{RELATIONSHIPS}/{id}/requests"), pa)
        .await
        .expect_status(StatusCode::OK)
        .json();
    let listed = value(&requests);
    let actions: Vec<String> = listed.iter().map(|r| str_field(r, "action")).collect();
    assert_eq!(actions, ["lockForApproval", "approve", "terminate"]);
    assert!(listed.iter().all(|r| r["status"] == json!("succeeded")));
    assert_eq!(str_field(&listed[0], "id"), str_field(&lock, "id"));
    for request in &listed {
        let one = g
            .get(
                &format!("{RELATIONSHIPS}/{id}/requests/{}", str_field(request, "id")),
                ca,
            )
            .await
            .expect_status(StatusCode::OK)
            .json();
        assert_eq!(one["action"], request["action"]);
    }
    let operations = g
        .get(&format!("{RELATIONSHIPS}/{id}/operations"), pa)
        .await
        .expect_status(StatusCode::OK)
        .json();
    assert!(value(&operations).is_empty(), "{operations}");
}

#[tokio::test]
async fn graph_and_native_views_show_the_same_data() {
    let g = Gdap::start().await;
    let op = g.server.operator.secret.as_str();

    // Created through Graph, read through /v1.
    let graph = g.create("Made through Graph").await;
    let id = str_field(&graph, "id");
    let native = g.server.op_get(&format!("/v1/relationships/{id}")).await;
    assert_eq!(native.etag(), "\"1\"");
    let native = native.json();
    assert_eq!(native["partner_tenant_id"], json!(g.partner));
    assert_eq!(native["customer_tenant_id"], json!(g.customer));
    assert_eq!(native["display_name"], graph["displayName"]);
    assert_eq!(native["duration"], graph["duration"]);
    assert_eq!(native["auto_extend_duration"], graph["autoExtendDuration"]);
    assert_eq!(native["status"], json!("created"));
    assert_eq!(native["created_at"], graph["createdDateTime"]);
    let mut graph_roles = roles(&graph);
    graph_roles.sort();
    assert_eq!(native["roles"], json!(graph_roles));

    // Created and moved through /v1, read through Graph.
    let native = g
        .server
        .post(
            "/v1/relationships",
            &g.partner_admin.secret,
            json!({"partner_tenant_id": g.partner, "customer_tenant_id": g.customer,
                   "display_name": "Made through v1", "roles": [HELPDESK], "duration": "P90D"}),
        )
        .await
        .expect_status(StatusCode::CREATED)
        .json();
    let nid = str_field(&native, "id");
    let assignment = g
        .server
        .post(
            &format!("/v1/relationships/{nid}/assignments"),
            &g.partner_admin.secret,
            json!({"group_id": g.group, "roles": [HELPDESK]}),
        )
        .await
        .expect_status(StatusCode::CREATED)
        .json();
    for (action, bearer) in [
        ("request-approval", &g.partner_admin),
        ("approve", &g.customer_admin),
    ] {
        g.server
            .post(
                &format!("/v1/relationships/{nid}/{action}"),
                &bearer.secret,
                json!({}),
            )
            .await
            .expect_status(StatusCode::OK);
    }
    let seen = g
        .get(&format!("{RELATIONSHIPS}/{nid}"), &g.customer_admin)
        .await
        .expect_status(StatusCode::OK);
    assert_eq!(seen.etag(), "W/\"3\"");
    let seen = seen.json();
    assert_eq!(seen["displayName"], json!("Made through v1"));
    assert_eq!(seen["status"], json!("active"));
    assert_eq!(seen["autoExtendDuration"], json!("PT0S"));
    assert_eq!(roles(&seen), [HELPDESK]);
    let now_native = g
        .server
        .op_get(&format!("/v1/relationships/{nid}"))
        .await
        .json();
    assert_eq!(seen["activatedDateTime"], now_native["activated_at"]);
    assert_eq!(seen["endDateTime"], now_native["end_at"]);
    let requests = g
        .get(&format!("{RELATIONSHIPS}/{nid}/requests"), &g.partner_admin)
        .await
        .json();
    let actions: Vec<String> = value(&requests)
        .iter()
        .map(|r| str_field(r, "action"))
        .collect();
    assert_eq!(
        actions,
        ["lockForApproval", "approve"],
        "native actions are Graph requests"
    );
    let listed = g
        .get(
            &format!("{RELATIONSHIPS}/{nid}/accessAssignments"),
            &g.customer_admin,
        )
        .await
        .json();
    let items = value(&listed);
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["id"], assignment["id"]);
    assert_eq!(
        items[0]["accessContainer"]["accessContainerId"],
        json!(g.group)
    );
    assert_eq!(items[0]["status"], json!("active"));

    // A change through Graph is the native record's next version, and the
    // native ETag form is accepted too.
    let changed = g
        .server
        .patch(
            &format!("{RELATIONSHIPS}/{id}"),
            &g.partner_admin.secret,
            Some("\"1\""),
            json!({"displayName": "Renamed through Graph", "duration": "P31D",
                   "customer": {"tenantId": g.customer}}),
        )
        .await
        .expect_status(StatusCode::OK)
        .json();
    assert_eq!(changed["@odata.etag"], json!("W/\"2\""));
    let native = g
        .server
        .op_get(&format!("/v1/relationships/{id}"))
        .await
        .json();
    assert_eq!(native["display_name"], json!("Renamed through Graph"));
    assert_eq!(native["duration"], json!("P31D"));
    assert_eq!(native["version"], json!(2));

    // The same audit trail: Graph actions are recorded like native ones.
    let audit = g
        .server
        .audit(&format!(
            "tenant_id={}&operation=relationship.create",
            g.partner
        ))
        .await;
    assert_eq!(audit.len(), 2);
    let _ = op;

    // Deleted through Graph, gone from /v1.
    g.server
        .delete(
            &format!("{RELATIONSHIPS}/{id}"),
            &g.partner_admin.secret,
            Some("W/\"2\""),
        )
        .await
        .expect_status(StatusCode::NO_CONTENT);
    g.server
        .op_get(&format!("/v1/relationships/{id}"))
        .await
        .expect_status(StatusCode::NOT_FOUND);
    let gone = g
        .get(&format!("{RELATIONSHIPS}/{id}"), &g.partner_admin)
        .await;
    assert_eq!(
        odata_error(&gone, StatusCode::NOT_FOUND).code,
        "itemNotFound"
    );
}

#[tokio::test]
async fn a_rejected_request_shows_as_terminated_and_reject_needs_the_prefer_header() {
    let g = Gdap::start().await;
    let id = str_field(&g.create("To be rejected").await, "id");
    g.request(&id, "lockForApproval", &g.partner_admin)
        .await
        .expect_status(StatusCode::CREATED);
    let rejected = g
        .request(&id, "reject", &g.customer_admin)
        .await
        .expect_status(StatusCode::CREATED)
        .json();
    assert_eq!(
        rejected["action"],
        json!("unknownFutureValue"),
        "an evolvable member is hidden unless asked for"
    );
    let seen = g
        .get(&format!("{RELATIONSHIPS}/{id}"), &g.partner_admin)
        .await
        .json();
    assert_eq!(seen["status"], json!("terminated"));
    assert!(seen["endDateTime"].is_string(), "{seen}");
    let native = g
        .server
        .op_get(&format!("/v1/relationships/{id}"))
        .await
        .json();
    assert_eq!(native["status"], json!("rejected"));

    let with_prefer = g
        .server
        .send(
            Request::new(Method::GET, &format!("{RELATIONSHIPS}/{id}/requests"))
                .bearer(&g.customer_admin.secret)
                .header("prefer", "include-unknown-enum-members"),
        )
        .await
        .expect_status(StatusCode::OK)
        .json();
    let actions: Vec<String> = value(&with_prefer)
        .iter()
        .map(|r| str_field(r, "action"))
        .collect();
    assert_eq!(actions, ["lockForApproval", "reject"]);
    let terminated = g
        .get(
            &format!("{RELATIONSHIPS}?$filter=status%20eq%20'terminated'"),
            &g.partner_admin,
        )
        .await
        .json();
    assert_eq!(value(&terminated).len(), 1, "{terminated}");
}

#[tokio::test]
async fn only_a_partner_admin_creates_and_each_party_acts_in_its_role() {
    let g = Gdap::start().await;
    for bearer in [&g.customer_admin, &g.service] {
        let reply = g
            .server
            .post(
                RELATIONSHIPS,
                &bearer.secret,
                g.new_relationship("Not mine to make"),
            )
            .await;
        assert_eq!(
            odata_error(&reply, StatusCode::FORBIDDEN).code,
            "accessDenied"
        );
    }
    let reply = g
        .server
        .post(
            RELATIONSHIPS,
            &g.server.operator.secret,
            g.new_relationship("Operator"),
        )
        .await;
    let error = odata_error(&reply, StatusCode::FORBIDDEN);
    assert!(
        error.message.contains("/v1/relationships"),
        "{}",
        error.message
    );

    let id = str_field(&g.create("Roles").await, "id");
    let reply = g.request(&id, "lockForApproval", &g.customer_admin).await;
    assert_eq!(
        odata_error(&reply, StatusCode::FORBIDDEN).inner,
        "forbidden"
    );
    g.request(&id, "lockForApproval", &g.partner_admin)
        .await
        .expect_status(StatusCode::CREATED);
    let reply = g.request(&id, "approve", &g.partner_admin).await;
    odata_error(&reply, StatusCode::FORBIDDEN);
    let reply = g.request(&id, "lockForApproval", &g.partner_admin).await;
    let error = odata_error(&reply, StatusCode::CONFLICT);
    assert_eq!(
        (error.code.as_str(), error.inner.as_str()),
        ("notAllowed", "invalidTransition")
    );
    let reply = g.request(&id, "unknownFutureValue", &g.partner_admin).await;
    odata_error(&reply, StatusCode::BAD_REQUEST);
    let reply = g.request(&id, "annihilate", &g.partner_admin).await;
    odata_error(&reply, StatusCode::BAD_REQUEST);
}
