//! Every failure of the Graph view in the OData error shape; ETags and
//! `If-Match`; the Graph part of the OpenAPI document.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use super::{Gdap, RELATIONSHIPS, odata_error};
use crate::support::{Request, TestServer, str_field, unknown_id};
use crate::system::{documented_routes, routes_of};

/// A concrete path for a Graph route template, every id a fresh UUID.
fn concrete(template: &str) -> String {
    template
        .split('/')
        .map(|part| {
            if part.starts_with('{') {
                unknown_id()
            } else {
                part.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

fn graph_routes() -> Vec<(String, String)> {
    documented_routes()
        .into_iter()
        .filter(|(_, path)| path.starts_with("/v1.0/"))
        .collect()
}

#[tokio::test]
async fn every_graph_route_is_documented_secured_and_refuses_without_a_token() {
    let server = TestServer::start().await;
    let routes = graph_routes();
    let expected = [
        ("GET", "delegatedAdminRelationships"),
        ("POST", "delegatedAdminRelationships"),
        (
            "GET",
            "delegatedAdminRelationships/{delegatedAdminRelationshipId}",
        ),
        (
            "PATCH",
            "delegatedAdminRelationships/{delegatedAdminRelationshipId}",
        ),
        (
            "DELETE",
            "delegatedAdminRelationships/{delegatedAdminRelationshipId}",
        ),
        (
            "GET",
            "delegatedAdminRelationships/{delegatedAdminRelationshipId}/requests",
        ),
        (
            "POST",
            "delegatedAdminRelationships/{delegatedAdminRelationshipId}/requests",
        ),
        (
            "GET",
            "delegatedAdminRelationships/{delegatedAdminRelationshipId}/requests/{delegatedAdminRelationshipRequestId}",
        ),
        (
            "GET",
            "delegatedAdminRelationships/{delegatedAdminRelationshipId}/accessAssignments",
        ),
        (
            "POST",
            "delegatedAdminRelationships/{delegatedAdminRelationshipId}/accessAssignments",
        ),
        (
            "GET",
            "delegatedAdminRelationships/{delegatedAdminRelationshipId}/accessAssignments/{delegatedAdminAccessAssignmentId}",
        ),
        (
            "PATCH",
            "delegatedAdminRelationships/{delegatedAdminRelationshipId}/accessAssignments/{delegatedAdminAccessAssignmentId}",
        ),
        (
            "DELETE",
            "delegatedAdminRelationships/{delegatedAdminRelationshipId}/accessAssignments/{delegatedAdminAccessAssignmentId}",
        ),
        (
            "GET",
            "delegatedAdminRelationships/{delegatedAdminRelationshipId}/operations",
        ),
        (
            "GET",
            "delegatedAdminRelationships/{delegatedAdminRelationshipId}/operations/{delegatedAdminRelationshipOperationId}",
        ),
        ("GET", "delegatedAdminCustomers"),
        ("GET", "delegatedAdminCustomers/{delegatedAdminCustomerId}"),
    ];
    let mut want: Vec<(String, String)> = expected
        .iter()
        .map(|(m, p)| ((*m).to_owned(), format!("/v1.0/tenantRelationships/{p}")))
        .collect();
    want.sort();
    assert_eq!(routes, want);

    let document = server
        .send(Request::new(Method::GET, "/openapi.json"))
        .await
        .expect_status(StatusCode::OK)
        .json();
    assert_eq!(
        routes_of(&document)
            .into_iter()
            .filter(|(_, p)| p.starts_with("/v1.0/"))
            .collect::<Vec<_>>(),
        routes
    );
    for (method, template) in &routes {
        let operation = &document["paths"][template][method.to_lowercase()];
        assert!(
            operation["security"]
                .as_array()
                .is_some_and(|s| s.iter().any(|r| r.get("bearer").is_some())),
            "{method} {template} declares bearer security"
        );
        let responses = operation["responses"].as_object().unwrap();
        let mut statuses = vec!["400", "401", "403", "404", "500"];
        if method == "PATCH" || method == "DELETE" {
            statuses.push("412");
        }
        if method != "GET" {
            statuses.push("409");
        }
        for status in statuses {
            let schema = &responses
                .get(status)
                .unwrap_or_else(|| panic!("{method} {template} documents {status}"))["content"]["application/json"]
                ["schema"]["$ref"];
            assert_eq!(
                schema,
                &json!("#/components/schemas/microsoft.graph.ODataErrors.ODataError"),
                "{method} {template} {status}"
            );
        }

        let method = Method::from_bytes(method.as_bytes()).unwrap();
        let mut request = Request::new(method.clone(), &concrete(template));
        if method == Method::POST || method == Method::PATCH {
            request = request.json(json!({}));
        }
        let reply = server.send(request).await;
        let error = odata_error(&reply, StatusCode::UNAUTHORIZED);
        assert_eq!(error.code, "unauthenticated", "{method} {template}");
        assert!(
            reply
                .header("www-authenticate")
                .is_some_and(|v| v.starts_with("Bearer")),
            "{method} {template}"
        );
    }
}

#[tokio::test]
async fn malformed_requests_get_odata_errors() {
    let g = Gdap::start().await;
    let pa = g.partner_admin.secret.as_str();

    let reply = g
        .server
        .send(Request::new(Method::GET, RELATIONSHIPS).bearer("pcs_not-a-real-token"))
        .await;
    assert_eq!(
        odata_error(&reply, StatusCode::UNAUTHORIZED).code,
        "unauthenticated"
    );

    let reply = g
        .server
        .client
        .post(g.server.url(RELATIONSHIPS))
        .bearer_auth(pa)
        .header("content-type", "application/json")
        .body("{\"displayName\": ")
        .send()
        .await
        .unwrap();
    let reply = crate::support::Reply::read(reply).await;
    let error = odata_error(&reply, StatusCode::BAD_REQUEST);
    assert_eq!(
        (error.code.as_str(), error.inner.as_str()),
        ("invalidRequest", "malformedJson")
    );

    let reply = g
        .server
        .client
        .post(g.server.url(RELATIONSHIPS))
        .bearer_auth(pa)
        .body("{}")
        .send()
        .await
        .unwrap();
    let reply = crate::support::Reply::read(reply).await;
    assert_eq!(
        odata_error(&reply, StatusCode::UNSUPPORTED_MEDIA_TYPE).inner,
        "unsupportedMediaType"
    );

    let mut body = g.new_relationship("Extra");
    body["partnerTenantId"] = json!(g.partner);
    let reply = g.server.post(RELATIONSHIPS, pa, body).await;
    assert_eq!(
        odata_error(&reply, StatusCode::BAD_REQUEST).inner,
        "unknownField"
    );

    let mut body = g.new_relationship("Too long");
    body["duration"] = json!("P3Y");
    let reply = g.server.post(RELATIONSHIPS, pa, body).await;
    let error = odata_error(&reply, StatusCode::BAD_REQUEST);
    assert_eq!(
        error.inner, "invalidDuration",
        "a broken rule is a 400, as in Graph"
    );

    let mut body = g.new_relationship("No customer");
    body.as_object_mut().unwrap().remove("customer");
    let reply = g.server.post(RELATIONSHIPS, pa, body).await;
    let error = odata_error(&reply, StatusCode::BAD_REQUEST);
    assert!(error.message.contains("customer"), "{}", error.message);

    g.create("Taken").await;
    let reply = g
        .server
        .post(RELATIONSHIPS, pa, g.new_relationship("Taken"))
        .await;
    assert_eq!(odata_error(&reply, StatusCode::CONFLICT).code, "notAllowed");

    let reply = g
        .get(&format!("{RELATIONSHIPS}/not-a-uuid"), &g.partner_admin)
        .await;
    assert_eq!(
        odata_error(&reply, StatusCode::BAD_REQUEST).inner,
        "invalidId"
    );
    let reply = g
        .get(
            &format!("{RELATIONSHIPS}/{}", unknown_id()),
            &g.partner_admin,
        )
        .await;
    assert_eq!(
        odata_error(&reply, StatusCode::NOT_FOUND).code,
        "itemNotFound"
    );

    for path in [
        "/v1.0",
        "/v1.0/",
        "/v1.0/me",
        "/v1.0/tenantRelationships/$metadata",
    ] {
        let reply = g
            .server
            .send(Request::new(Method::GET, path).bearer(pa))
            .await;
        assert_eq!(
            odata_error(&reply, StatusCode::NOT_FOUND).code,
            "itemNotFound",
            "{path}"
        );
    }
    let reply = g
        .server
        .send(
            Request::new(Method::PUT, RELATIONSHIPS)
                .bearer(pa)
                .json(json!({})),
        )
        .await;
    let error = odata_error(&reply, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(
        (error.code.as_str(), error.inner.as_str()),
        ("notSupported", "methodNotAllowed")
    );

    for query in [
        "$top=0",
        "$top=301",
        "$top=x",
        "$select=id",
        "$filter=status%20eq%20'bogus'",
        "$filter=displayName%20eq%20'x'",
        "$skiptoken=forged",
        "limit=5",
    ] {
        let reply = g
            .get(&format!("{RELATIONSHIPS}?{query}"), &g.partner_admin)
            .await;
        assert_eq!(
            odata_error(&reply, StatusCode::BAD_REQUEST).code,
            "invalidRequest",
            "{query}"
        );
    }

    let reply = g
        .server
        .send(
            Request::new(Method::GET, &format!("{RELATIONSHIPS}/{}", unknown_id()))
                .bearer(pa)
                .header("client-request-id", "sdk-7f3a.1"),
        )
        .await;
    odata_error(&reply, StatusCode::NOT_FOUND);
    assert_eq!(
        reply.json()["error"]["innerError"]["client-request-id"],
        json!("sdk-7f3a.1")
    );
    assert_eq!(reply.header("client-request-id"), Some("sdk-7f3a.1"));
}

#[tokio::test]
async fn a_too_large_body_is_an_odata_413() {
    let server = TestServer::start_with_config(&portcullis_server::ServerConfig {
        max_body_bytes: 1024,
        ..portcullis_server::ServerConfig::default()
    })
    .await;
    let g = Gdap::on(server).await;
    let mut body = g.new_relationship("Big");
    body["displayName"] = json!("x".repeat(4096));
    let reply = g
        .server
        .post(RELATIONSHIPS, &g.partner_admin.secret, body)
        .await;
    assert_eq!(
        odata_error(&reply, StatusCode::PAYLOAD_TOO_LARGE).inner,
        "payloadTooLarge"
    );
}

#[tokio::test]
async fn changes_require_a_current_if_match() {
    let g = Gdap::start().await;
    let pa = g.partner_admin.secret.as_str();
    let created = g.create("Guarded").await;
    let path = format!("{RELATIONSHIPS}/{}", str_field(&created, "id"));
    let rename = |name: &str| json!({"displayName": name});

    for reply in [
        g.server.patch(&path, pa, None, rename("No tag")).await,
        g.server.delete(&path, pa, None).await,
    ] {
        let error = odata_error(&reply, StatusCode::BAD_REQUEST);
        assert_eq!(error.inner, "ifMatchRequired");
    }
    let reply = g
        .server
        .patch(&path, pa, Some("version-one"), rename("Bad tag"))
        .await;
    assert_eq!(
        odata_error(&reply, StatusCode::BAD_REQUEST).inner,
        "invalidIfMatch"
    );

    let first = g
        .server
        .patch(&path, pa, Some("W/\"1\""), rename("First"))
        .await
        .expect_status(StatusCode::OK)
        .json();
    assert_eq!(first["@odata.etag"], json!("W/\"2\""));
    // A second writer with the old tag loses, and nothing changes.
    let reply = g
        .server
        .patch(&path, pa, Some("W/\"1\""), rename("Second"))
        .await;
    let error = odata_error(&reply, StatusCode::PRECONDITION_FAILED);
    assert_eq!(error.code, "resourceModified");
    let reply = g.server.delete(&path, pa, Some("W/\"1\"")).await;
    odata_error(&reply, StatusCode::PRECONDITION_FAILED);
    let now = g.get(&path, &g.partner_admin).await.json();
    assert_eq!(now["displayName"], json!("First"));

    let reply = g
        .server
        .patch(
            &path,
            pa,
            Some("*"),
            json!({"customer": {"tenantId": unknown_id()}}),
        )
        .await;
    assert_eq!(
        odata_error(&reply, StatusCode::BAD_REQUEST).inner,
        "customerFixed"
    );
    g.server
        .patch(&path, pa, Some("*"), rename("Any version"))
        .await
        .expect_status(StatusCode::OK);

    // Assignments too.
    let assignments = format!("{path}/accessAssignments");
    let assignment = g
        .server
        .post(
            &assignments,
            pa,
            json!({"accessContainer": {"accessContainerId": g.group, "accessContainerType": "securityGroup"},
                   "accessDetails": {"unifiedRoles": [{"roleDefinitionId": super::HELPDESK}]}}),
        )
        .await
        .expect_status(StatusCode::CREATED);
    assert_eq!(assignment.etag(), "W/\"1\"");
    let one = format!("{assignments}/{}", str_field(&assignment.json(), "id"));
    let body =
        json!({"accessDetails": {"unifiedRoles": [{"roleDefinitionId": super::SECURITY_READER}]}});
    let reply = g.server.patch(&one, pa, None, body.clone()).await;
    assert_eq!(
        odata_error(&reply, StatusCode::BAD_REQUEST).inner,
        "ifMatchRequired"
    );
    let reply = g
        .server
        .patch(&one, pa, Some("W/\"7\""), body.clone())
        .await;
    odata_error(&reply, StatusCode::PRECONDITION_FAILED);
    let outside = json!({"accessDetails": {"unifiedRoles": [{"roleDefinitionId": "62e90394-69f5-4237-9190-012177145e10"}]}});
    let reply = g.server.patch(&one, pa, Some("W/\"1\""), outside).await;
    assert_eq!(
        odata_error(&reply, StatusCode::BAD_REQUEST).inner,
        "roleNotInRelationship"
    );
    g.server
        .patch(&one, pa, Some("W/\"1\""), body)
        .await
        .expect_status(StatusCode::OK);
    let reply = g.server.delete(&one, pa, None).await;
    odata_error(&reply, StatusCode::BAD_REQUEST);
    let reply = g.server.delete(&one, pa, Some("W/\"1\"")).await;
    odata_error(&reply, StatusCode::PRECONDITION_FAILED);
    g.server
        .delete(&one, pa, Some("W/\"2\""))
        .await
        .expect_status(StatusCode::NO_CONTENT);
    let deleted: Value = g.get(&one, &g.partner_admin).await.json();
    assert_eq!(deleted["status"], json!("deleted"));
}
