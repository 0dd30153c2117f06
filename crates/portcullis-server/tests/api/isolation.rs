//! Tenant isolation, route by route.
//!
//! [`table`] has one row per `/v1` route of the API; a test checks it
//! against the OpenAPI document, so a new route cannot ship without a row.
//! The sweep calls every row as every non-operator kind of principal
//! against resources of tenants that are not the caller's, and checks that
//! each call is refused (403 or 404), that the answer names nothing the
//! caller did not send itself, that it is the very answer a request for
//! resources that do not exist gets (no existence oracle), and that no data
//! changed and no audit record was written.

mod table;
mod world;

use std::collections::{BTreeMap, BTreeSet};

use reqwest::StatusCode;
use serde_json::{Value, json};

use self::table::{Expect, Row, Target, fill, table};
use self::world::{Who, World};
use crate::support::{Reply, Request, TestServer, error_parts, ids, str_field, unknown_id};

/// What an operator sees of everything; equal before and after the sweep
/// when no refused call changed anything.
async fn snapshot(server: &TestServer, w: &World) -> Value {
    let op = server.operator.secret.as_str();
    let all = |path: String| async move { server.collect_pages(&path, op, 200).await.0 };
    let mut tenants = BTreeMap::new();
    for t in [&w.a, &w.b, &w.c, &w.d] {
        let reply = server.op_get(&format!("/v1/tenants/{t}")).await;
        tenants.insert(
            t.clone(),
            json!({"etag": reply.etag(), "body": reply.json()}),
        );
    }
    let mut directory = BTreeMap::new();
    for t in [&w.a, &w.b] {
        directory.insert(
            t.clone(),
            json!({
                "users": all(format!("/v1/tenants/{t}/users")).await,
                "groups": all(format!("/v1/tenants/{t}/groups")).await,
            }),
        );
    }
    let mut members = BTreeMap::new();
    for (t, g) in [
        (&w.a, &w.a_group),
        (&w.b, &w.b_groups[0]),
        (&w.b, &w.b_groups[1]),
    ] {
        members.insert(
            g.clone(),
            json!(all(format!("/v1/tenants/{t}/groups/{g}/members")).await),
        );
    }
    let relationship = server
        .op_get(&format!("/v1/relationships/{}", w.b_relationship))
        .await
        .json();
    let assignments = all(format!(
        "/v1/relationships/{}/assignments",
        w.b_relationship
    ))
    .await;
    let activation = server
        .op_get(&format!("/v1/activations/{}", w.b_activation))
        .await
        .json();
    let mut access = BTreeMap::new();
    for t in [&w.a, &w.b, &w.c, &w.d] {
        access.insert(
            t.clone(),
            json!({
                "authorization": server.op_get(&format!("/v1/tenants/{t}/authorization")).await.json(),
                "restrictions": server.op_get(&format!("/v1/tenants/{t}/restrictions")).await.json(),
            }),
        );
    }
    let case = server
        .op_get(&format!("/v1/vetting/cases/{}", w.b_case))
        .await
        .json();
    json!({
        "vetting": {"case": case, "cases": all("/v1/vetting/cases".to_owned()).await,
                    "findings": all("/v1/vetting/findings".to_owned()).await,
                    "watchlists": server.op_get("/v1/vetting/watchlists").await.json(),
                    "intel": server.op_get("/v1/vetting/intel").await.json()},
        "relationships": all("/v1/relationships".to_owned()).await,
        "relationship": relationship,
        "assignments": assignments,
        "activation": activation,
        "access": access,
        "tenant_list": all("/v1/tenants".to_owned()).await,
        "tenants": tenants,
        "directory": directory,
        "members": members,
        "tokens": all("/v1/tokens".to_owned()).await,
        "templates": server.op_get("/v1/templates").await.json(),
        "finding": server.op_get(&format!("/v1/findings/{}", w.b_finding)).await.json(),
    })
}

/// `text` with every occurrence of each `from` replaced by its `to`.
fn replace_all(text: &str, pairs: &[(String, String)]) -> String {
    pairs
        .iter()
        .fold(text.to_owned(), |acc, (from, to)| acc.replace(from, to))
}

/// The call `t` of `row` as `who`, with each id of `swap` replaced;
/// returns what was sent (path, query, body) and the reply.
async fn call(
    server: &TestServer,
    w: &World,
    who: Who,
    row: &Row,
    t: &Target,
    swap: &[(String, String)],
) -> (String, Reply) {
    let mut path = replace_all(&fill(row.template, &t.bind), swap);
    if !t.query.is_empty() {
        path = format!("{path}?{}", replace_all(&t.query, swap));
    }
    let mut request = Request::new(row.method.clone(), &path).bearer(&w.bearer(who).secret);
    let mut sent = path.clone();
    if let Some(body) = &t.body {
        let body: Value = serde_json::from_str(&replace_all(&body.to_string(), swap)).unwrap();
        sent.push_str(&body.to_string());
        request = request.json(body);
    }
    (sent, server.send(request).await)
}

/// Calls every row as every non-operator principal; returns the observed
/// statuses per route and principal.
async fn sweep(server: &TestServer, w: &World) -> BTreeMap<(String, Who), BTreeSet<u16>> {
    let mut observed: BTreeMap<(String, Who), BTreeSet<u16>> = BTreeMap::new();
    for row in table() {
        let route = format!("{} {}", row.method, row.template);
        for who in Who::ALL {
            let targets = (row.targets)(w, who);
            assert!(!targets.is_empty(), "{route} has no call for {who}");
            for t in targets {
                let (sent, reply) = call(server, w, who, &row, &t, &[]).await;
                let context = format!("{who} {} {sent}", row.method);
                match &t.expect {
                    Expect::Denied => {
                        assert!(
                            reply.status == StatusCode::FORBIDDEN
                                || reply.status == StatusCode::NOT_FOUND,
                            "{context}: must be refused, got {} {}",
                            reply.status,
                            reply.text
                        );
                        let (code, _) = error_parts(&reply.json());
                        let want = if reply.status == StatusCode::FORBIDDEN {
                            "forbidden"
                        } else {
                            "not_found"
                        };
                        assert_eq!(code, want, "{context}");
                        assert!(reply.header("etag").is_none(), "{context}: no ETag");
                    }
                    Expect::Only(expected) => {
                        let reply = reply.clone().expect_status(StatusCode::OK);
                        assert_eq!(&ids(&reply.items()), expected, "{context}");
                    }
                    Expect::Allowed => {
                        reply.clone().expect_status(StatusCode::OK);
                        observed
                            .entry((route.clone(), who))
                            .or_default()
                            .insert(reply.status.as_u16());
                        continue;
                    }
                }
                for (owner, marker) in &w.markers {
                    if w.is_foreign(who, owner.as_ref()) && !sent.contains(marker.as_str()) {
                        assert!(
                            !reply.text.contains(marker.as_str()),
                            "{context}: the answer names `{marker}`, which the caller did not send: {}",
                            reply.text
                        );
                    }
                }

                // The same call about resources that do not exist must get
                // the same answer: refusals are no existence oracle.
                let swap: Vec<(String, String)> = w
                    .foreign_ids
                    .iter()
                    .filter(|(owner, id)| {
                        w.is_foreign(who, owner.as_ref()) && sent.contains(id.as_str())
                    })
                    .map(|(_, id)| (id.clone(), unknown_id()))
                    .collect();
                let (_, ghost) = call(server, w, who, &row, &t, &swap).await;
                let back: Vec<(String, String)> = swap
                    .iter()
                    .map(|(real, fake)| (fake.clone(), real.clone()))
                    .collect();
                assert_eq!(
                    (ghost.status, replace_all(&ghost.text, &back)),
                    (reply.status, reply.text.clone()),
                    "{context}: answers differently for resources that exist and ones that do not"
                );
                if t.body.is_some() {
                    refused_whatever_the_body(server, w, who, &row, &t, &reply).await;
                }
                observed
                    .entry((route.clone(), who))
                    .or_default()
                    .insert(reply.status.as_u16());
            }
        }
    }
    observed
}

/// Authorization before validation: the refused call `t`, sent again with
/// a malformed, an unknown-field and a non-JSON body, is refused the same
/// way when the refusal needs no record (403 for the caller's kind, 404
/// for another tenant in the path); a refusal that needs a record (which
/// side of this relationship?) may report the bad body instead, the same
/// for records that exist and ones that do not.
async fn refused_whatever_the_body(
    server: &TestServer,
    w: &World,
    who: Who,
    row: &Row,
    t: &Target,
    refused: &Reply,
) {
    let mut path = fill(row.template, &t.bind);
    if !t.query.is_empty() {
        path = format!("{path}?{}", t.query);
    }
    let own = w.own_tenant(who);
    let foreign_tenant_in_path = t
        .bind
        .iter()
        .any(|(name, id)| *name == "tenant_id" && Some(id.as_str()) != own);
    let record_free = refused.status == StatusCode::FORBIDDEN || foreign_tenant_in_path;
    for (content_type, body) in [
        ("application/json", "{"),
        ("application/json", r#"{"no_such_field": [1]}"#),
        ("text/plain", "{}"),
    ] {
        let response = server
            .client
            .request(row.method.clone(), server.url(&path))
            .bearer_auth(&w.bearer(who).secret)
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .unwrap();
        let bad = Reply::read(response).await;
        let context = format!("{who} {} {path} with `{body}` ({content_type})", row.method);
        if record_free {
            assert_eq!(bad.status, refused.status, "{context}: {}", bad.text);
            assert_eq!(
                error_parts(&bad.json()).0,
                error_parts(&refused.json()).0,
                "{context}"
            );
        } else {
            assert!(
                [404, 400, 415, 422].contains(&bad.status.as_u16()),
                "{context}: {} {}",
                bad.status,
                bad.text
            );
        }
    }
}

/// The whole isolation check on one server.
async fn isolation(server: &TestServer) {
    let w = World::build(server).await;
    let before = snapshot(server, &w).await;
    let audit_before = server.audit("").await;
    every_record_names_a_known_operation(&audit_before);
    let audit_b_before = server.audit(&format!("tenant_id={}", w.b)).await;

    let observed = sweep(server, &w).await;

    assert_eq!(
        snapshot(server, &w).await,
        before,
        "a refused call changed data"
    );
    assert_eq!(
        server.audit(&format!("tenant_id={}", w.b)).await,
        audit_b_before,
        "no new audit record for tenant B"
    );
    assert_eq!(
        server.audit("").await,
        audit_before,
        "no new audit record at all"
    );
    server
        .get(&format!("/v1/tenants/{}", w.b), &w.b_secret)
        .await
        .expect_status(StatusCode::OK);

    let mut table = String::from("route | partner_admin(A) | customer_admin(C) | service\n");
    let mut current = String::new();
    for ((route, who), statuses) in &observed {
        if *route != current {
            if !current.is_empty() {
                table.push('\n');
            }
            table.push_str(route);
            current.clone_from(route);
        }
        let statuses: Vec<String> = statuses.iter().map(u16::to_string).collect();
        table.push_str(&format!(" | {who}: {}", statuses.join("/")));
    }
    eprintln!("{table}");

    scoped_admins_reach_their_own_tenant(server, &w).await;
}

/// Every operation a use case wrote while building the world is an
/// `AuditOperation` variant, so the change feed and the docs know it.
fn every_record_names_a_known_operation(records: &[Value]) {
    let mut seen = BTreeSet::new();
    for record in records {
        let op = str_field(record, "operation");
        assert!(
            portcullis_domain::AuditOperation::from_name(&op).is_some(),
            "audit record {record} names `{op}`, which is not an AuditOperation"
        );
        seen.insert(op);
    }
    assert!(
        seen.len() >= 15,
        "the world exercises few operations: {seen:?}"
    );
}

/// The positive side: the partner admin of A manages A's directory, the
/// customer admin of C reads C.
async fn scoped_admins_reach_their_own_tenant(server: &TestServer, w: &World) {
    let pa = w.partner_admin.secret.as_str();
    let users = format!("/v1/tenants/{}/users", w.a);
    let listed = server
        .get(&users, pa)
        .await
        .expect_status(StatusCode::OK)
        .items();
    assert_eq!(ids(&listed), [w.a_user.as_str()]);
    let user = server
        .post(
            &users,
            pa,
            json!({"user_principal_name": "amy@alpha-a.example", "display_name": "Amy"}),
        )
        .await
        .expect_status(StatusCode::CREATED)
        .json();
    let user_path = format!("{users}/{}", str_field(&user, "id"));
    server
        .patch(
            &user_path,
            pa,
            Some("\"1\""),
            json!({"display_name": "Amy A."}),
        )
        .await
        .expect_status(StatusCode::OK);
    let groups = format!("/v1/tenants/{}/groups", w.a);
    let group = server
        .post(&groups, pa, json!({"display_name": "Alpha Night Shift"}))
        .await
        .expect_status(StatusCode::CREATED)
        .json();
    let group_path = format!("{groups}/{}", str_field(&group, "id"));
    server
        .post(
            &format!("{group_path}/members"),
            pa,
            json!({"user_id": user["id"]}),
        )
        .await
        .expect_status(StatusCode::CREATED);
    let members = server
        .get(&format!("{group_path}/members"), pa)
        .await
        .expect_status(StatusCode::OK)
        .items();
    assert_eq!(members.len(), 1);
    server
        .get(&format!("/v1/tenants/{}/groups/{}", w.a, w.a_group), pa)
        .await
        .expect_status(StatusCode::OK);
    server
        .delete(
            &format!("{group_path}/members/{}", str_field(&user, "id")),
            pa,
            None,
        )
        .await
        .expect_status(StatusCode::NO_CONTENT);
    server
        .delete(&group_path, pa, None)
        .await
        .expect_status(StatusCode::NO_CONTENT);
    server
        .delete(&user_path, pa, Some("\"2\""))
        .await
        .expect_status(StatusCode::NO_CONTENT);
    let own = server
        .get(&format!("/v1/tenants/{}", w.a), pa)
        .await
        .expect_status(StatusCode::OK);
    assert_eq!(
        own.json()["display_name"],
        json!("Alpha Partners (secret-a)")
    );

    let ca = w.customer_admin.secret.as_str();
    let own = server
        .get(&format!("/v1/tenants/{}", w.c), ca)
        .await
        .expect_status(StatusCode::OK);
    assert_eq!(own.etag(), "\"1\"");
    assert_eq!(
        own.json()["display_name"],
        json!("Charlie Customer (secret-c)")
    );
    let listed = server.get("/v1/tenants", ca).await.items();
    assert_eq!(ids(&listed), [w.c.as_str()]);

    let audit = server
        .audit(&format!(
            "actor=partner_admin%20token:{}",
            w.partner_admin.id
        ))
        .await;
    assert!(
        audit.iter().all(|r| r["tenant_id"] == json!(w.a)),
        "the partner admin's changes all concern A"
    );
    let operations: Vec<String> = audit.iter().map(|r| str_field(r, "operation")).collect();
    assert_eq!(
        operations,
        [
            "user.create",
            "user.update",
            "group.create",
            "group.member.add",
            "group.member.remove",
            "group.delete",
            "user.delete"
        ]
    );
    assert!(
        server
            .audit(&format!(
                "actor=customer_admin%20token:{}",
                w.customer_admin.id
            ))
            .await
            .is_empty()
    );
}

#[tokio::test]
async fn no_route_reaches_another_tenant_on_sqlite() {
    isolation(&TestServer::start().await).await;
}

#[tokio::test]
async fn no_route_reaches_another_tenant_on_postgres() {
    let Some(server) = TestServer::start_postgres().await else {
        return;
    };
    isolation(&server).await;
}
