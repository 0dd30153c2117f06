//! Tenant isolation of the Graph view, route by route: the partner admin of
//! partner A, the customer admin of customer C and a resource provider call
//! every Graph route about partner B's relationship with customer D. Each
//! call is refused (403/404, in the OData shape) or answers an empty list,
//! names nothing of B or D the caller did not send, answers exactly as for
//! ids that do not exist (no existence oracle), and changes nothing.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use super::{CUSTOMERS, HELPDESK, RELATIONSHIPS, authorize, odata_error, without_request_details};
use crate::support::{Bearer, Request, TestServer, str_field, unknown_id};
use crate::system::documented_routes;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    /// `partner_admin` of partner A.
    PartnerAdmin,
    /// `customer_admin` of customer C.
    CustomerAdmin,
    Service,
}

const EVERYONE: [Who; 3] = [Who::PartnerAdmin, Who::CustomerAdmin, Who::Service];

/// B↔D, active, with an assignment and a history, plus the callers.
struct World {
    b_relationship: String,
    b_assignment: String,
    b_request: String,
    d: String,
    b_group: String,
    callers: [Bearer; 3],
    /// Everything of B and D that must not show: ids and names.
    markers: Vec<String>,
    /// The ids a call may name, swapped for fresh ones in the ghost call.
    ids: Vec<String>,
}

impl World {
    async fn build(server: &TestServer) -> Self {
        let tenant = |kind: &'static str, name: &'static str| async move {
            str_field(&server.create_tenant(kind, name).await, "id")
        };
        let a = tenant("partner", "Alpha Partners (secret-a)").await;
        let b = tenant("partner", "Bravo Partners (secret-b)").await;
        let c = tenant("customer", "Charlie Customer (secret-c)").await;
        let d = tenant("customer", "Delta Customer (secret-d)").await;
        let b_group = str_field(
            &server.create_group(&b, "Bravo Admins (secret-gb)").await,
            "id",
        );
        authorize(server, &b).await;
        let b_admin = server.mint("partner_admin", Some(&b)).await;
        let d_admin = server.mint("customer_admin", Some(&d)).await;
        let relationship = server
            .post(
                RELATIONSHIPS,
                &b_admin.secret,
                json!({"displayName": "Bravo for Delta (secret-rbd)", "duration": "P30D",
                       "customer": {"tenantId": d},
                       "accessDetails": {"unifiedRoles": [{"roleDefinitionId": HELPDESK}]}}),
            )
            .await
            .expect_status(StatusCode::CREATED)
            .json();
        let b_relationship = str_field(&relationship, "id");
        let assignment = server
            .post(
                &format!("{RELATIONSHIPS}/{b_relationship}/accessAssignments"),
                &b_admin.secret,
                json!({"accessContainer": {"accessContainerId": b_group, "accessContainerType": "securityGroup"},
                       "accessDetails": {"unifiedRoles": [{"roleDefinitionId": HELPDESK}]}}),
            )
            .await
            .expect_status(StatusCode::CREATED)
            .json();
        let requests = format!("{RELATIONSHIPS}/{b_relationship}/requests");
        let request = server
            .post(
                &requests,
                &b_admin.secret,
                json!({"action": "lockForApproval"}),
            )
            .await
            .expect_status(StatusCode::CREATED)
            .json();
        server
            .post(&requests, &d_admin.secret, json!({"action": "approve"}))
            .await
            .expect_status(StatusCode::CREATED);
        let callers = [
            server.mint("partner_admin", Some(&a)).await,
            server.mint("customer_admin", Some(&c)).await,
            server.mint("service", None).await,
        ];
        let b_assignment = str_field(&assignment, "id");
        let b_request = str_field(&request, "id");
        let ids = vec![
            b.clone(),
            d.clone(),
            b_group.clone(),
            b_relationship.clone(),
            b_assignment.clone(),
            b_request.clone(),
        ];
        let mut markers = ids.clone();
        markers.extend(["secret-b", "secret-d", "secret-gb", "secret-rbd"].map(str::to_owned));
        Self {
            b_relationship,
            b_assignment,
            b_request,
            d,
            b_group,
            callers,
            markers,
            ids,
        }
    }

    fn bearer(&self, who: Who) -> &Bearer {
        match who {
            Who::PartnerAdmin => &self.callers[0],
            Who::CustomerAdmin => &self.callers[1],
            Who::Service => &self.callers[2],
        }
    }
}

/// What a call must come to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// 403 or 404, the same for ids that do not exist.
    Denied,
    /// 403, 404 or another refusal whose answer may depend on whether the
    /// named customer exists: proposing to a customer needs its tenant id.
    DeniedMayNameCustomer,
    /// 200 with an empty `value`.
    Empty,
}

struct Call {
    method: Method,
    path: String,
    body: Option<Value>,
    expect: Expect,
}

fn call(method: Method, path: String) -> Call {
    Call {
        method,
        path,
        body: None,
        expect: Expect::Denied,
    }
}

/// One row per Graph route: its template and the calls each caller makes.
fn table(w: &World, who: Who) -> Vec<(Method, &'static str, Vec<Call>)> {
    let rel = format!("{RELATIONSHIPS}/{}", w.b_relationship);
    let assignment = format!("{rel}/accessAssignments/{}", w.b_assignment);
    let lists = |path: String| {
        let mut c = call(Method::GET, path);
        if who != Who::Service {
            c.expect = Expect::Empty;
        }
        c
    };
    let container = json!({"accessContainerId": w.b_group, "accessContainerType": "securityGroup"});
    let roles = json!({"unifiedRoles": [{"roleDefinitionId": HELPDESK}]});
    let with = |mut c: Call, body: Value| {
        c.body = Some(body);
        c
    };
    vec![
        (
            Method::GET,
            "/v1.0/tenantRelationships/delegatedAdminRelationships",
            vec![
                lists(RELATIONSHIPS.to_owned()),
                lists(format!(
                    "{RELATIONSHIPS}?$filter=customer/tenantId%20eq%20'{}'",
                    w.d
                )),
                lists(format!("{RELATIONSHIPS}?$filter=status%20eq%20'active'")),
            ],
        ),
        (
            Method::POST,
            "/v1.0/tenantRelationships/delegatedAdminRelationships",
            vec![{
                let mut c = with(
                    call(Method::POST, RELATIONSHIPS.to_owned()),
                    json!({
                "displayName": "Intruder link", "duration": "P30D",
                "customer": {"tenantId": w.d}, "accessDetails": roles}),
                );
                c.expect = if who == Who::PartnerAdmin {
                    Expect::DeniedMayNameCustomer
                } else {
                    Expect::Denied
                };
                c
            }],
        ),
        (
            Method::GET,
            "/v1.0/tenantRelationships/delegatedAdminRelationships/{delegatedAdminRelationshipId}",
            vec![call(Method::GET, rel.clone())],
        ),
        (
            Method::PATCH,
            "/v1.0/tenantRelationships/delegatedAdminRelationships/{delegatedAdminRelationshipId}",
            vec![with(
                call(Method::PATCH, rel.clone()),
                json!({"displayName": "Hijacked"}),
            )],
        ),
        (
            Method::DELETE,
            "/v1.0/tenantRelationships/delegatedAdminRelationships/{delegatedAdminRelationshipId}",
            vec![call(Method::DELETE, rel.clone())],
        ),
        (
            Method::GET,
            "/v1.0/tenantRelationships/delegatedAdminRelationships/{delegatedAdminRelationshipId}/requests",
            vec![call(Method::GET, format!("{rel}/requests"))],
        ),
        (
            Method::POST,
            "/v1.0/tenantRelationships/delegatedAdminRelationships/{delegatedAdminRelationshipId}/requests",
            ["lockForApproval", "approve", "reject", "terminate"]
                .into_iter()
                .map(|a| {
                    with(
                        call(Method::POST, format!("{rel}/requests")),
                        json!({"action": a}),
                    )
                })
                .collect(),
        ),
        (
            Method::GET,
            "/v1.0/tenantRelationships/delegatedAdminRelationships/{delegatedAdminRelationshipId}/requests/{delegatedAdminRelationshipRequestId}",
            vec![call(Method::GET, format!("{rel}/requests/{}", w.b_request))],
        ),
        (
            Method::GET,
            "/v1.0/tenantRelationships/delegatedAdminRelationships/{delegatedAdminRelationshipId}/accessAssignments",
            vec![call(Method::GET, format!("{rel}/accessAssignments"))],
        ),
        (
            Method::POST,
            "/v1.0/tenantRelationships/delegatedAdminRelationships/{delegatedAdminRelationshipId}/accessAssignments",
            vec![with(
                call(Method::POST, format!("{rel}/accessAssignments")),
                json!({"accessContainer": container, "accessDetails": roles}),
            )],
        ),
        (
            Method::GET,
            "/v1.0/tenantRelationships/delegatedAdminRelationships/{delegatedAdminRelationshipId}/accessAssignments/{delegatedAdminAccessAssignmentId}",
            vec![call(Method::GET, assignment.clone())],
        ),
        (
            Method::PATCH,
            "/v1.0/tenantRelationships/delegatedAdminRelationships/{delegatedAdminRelationshipId}/accessAssignments/{delegatedAdminAccessAssignmentId}",
            vec![with(
                call(Method::PATCH, assignment.clone()),
                json!({"accessDetails": roles}),
            )],
        ),
        (
            Method::DELETE,
            "/v1.0/tenantRelationships/delegatedAdminRelationships/{delegatedAdminRelationshipId}/accessAssignments/{delegatedAdminAccessAssignmentId}",
            vec![call(Method::DELETE, assignment.clone())],
        ),
        (
            Method::GET,
            "/v1.0/tenantRelationships/delegatedAdminRelationships/{delegatedAdminRelationshipId}/operations",
            vec![call(Method::GET, format!("{rel}/operations"))],
        ),
        (
            Method::GET,
            "/v1.0/tenantRelationships/delegatedAdminRelationships/{delegatedAdminRelationshipId}/operations/{delegatedAdminRelationshipOperationId}",
            vec![call(
                Method::GET,
                format!("{rel}/operations/{}", unknown_id()),
            )],
        ),
        (
            Method::GET,
            "/v1.0/tenantRelationships/delegatedAdminCustomers",
            vec![{
                let mut c = call(Method::GET, CUSTOMERS.to_owned());
                if who == Who::PartnerAdmin {
                    c.expect = Expect::Empty;
                }
                c
            }],
        ),
        (
            Method::GET,
            "/v1.0/tenantRelationships/delegatedAdminCustomers/{delegatedAdminCustomerId}",
            vec![call(Method::GET, format!("{CUSTOMERS}/{}", w.d))],
        ),
    ]
}

fn swap(text: &str, pairs: &[(String, String)]) -> String {
    pairs
        .iter()
        .fold(text.to_owned(), |acc, (from, to)| acc.replace(from, to))
}

async fn send(
    server: &TestServer,
    bearer: &Bearer,
    c: &Call,
    pairs: &[(String, String)],
) -> crate::support::Reply {
    let mut request = Request::new(c.method.clone(), &swap(&c.path, pairs)).bearer(&bearer.secret);
    if c.method == Method::PATCH || c.method == Method::DELETE {
        request = request.if_match("*");
    }
    if let Some(body) = &c.body {
        request = request.json(serde_json::from_str(&swap(&body.to_string(), pairs)).unwrap());
    }
    server.send(request).await
}

/// What an operator sees of B↔D, through both views.
async fn snapshot(server: &TestServer, w: &World) -> Value {
    let rel = format!("{RELATIONSHIPS}/{}", w.b_relationship);
    json!({
        "native": server.op_get(&format!("/v1/relationships/{}", w.b_relationship)).await.json(),
        "assignments": server.op_get(&format!("/v1/relationships/{}/assignments", w.b_relationship)).await.json(),
        "requests": server.op_get(&format!("{rel}/requests")).await.json(),
        "relationships": server.op_get("/v1/relationships").await.json(),
    })
}

async fn isolation(server: &TestServer) {
    let w = World::build(server).await;
    let before = snapshot(server, &w).await;
    let audit = server.audit("").await;

    let documented: Vec<(String, String)> = documented_routes()
        .into_iter()
        .filter(|(_, p)| p.starts_with("/v1.0/"))
        .collect();
    for who in EVERYONE {
        let rows = table(&w, who);
        let mut covered: Vec<(String, String)> = rows
            .iter()
            .map(|(m, t, _)| (m.to_string(), (*t).to_owned()))
            .collect();
        covered.sort();
        assert_eq!(covered, documented, "one isolation row per Graph route");
        for (_, template, calls) in rows {
            assert!(!calls.is_empty(), "{template}");
            for c in calls {
                let context = format!("{who:?} {} {}", c.method, c.path);
                let reply = send(server, w.bearer(who), &c, &[]).await;
                if c.expect == Expect::Empty {
                    let body = reply.clone().expect_status(StatusCode::OK).json();
                    assert_eq!(body["value"], json!([]), "{context}");
                } else {
                    assert!(
                        reply.status == StatusCode::FORBIDDEN
                            || reply.status == StatusCode::NOT_FOUND,
                        "{context}: must be refused, got {} {}",
                        reply.status,
                        reply.text
                    );
                    odata_error(&reply, reply.status);
                    assert!(reply.header("etag").is_none(), "{context}");
                }
                let sent = format!(
                    "{}{}",
                    c.path,
                    c.body.as_ref().map(Value::to_string).unwrap_or_default()
                );
                for marker in &w.markers {
                    if !sent.contains(marker.as_str()) {
                        assert!(
                            !reply.text.contains(marker.as_str()),
                            "{context}: the answer names `{marker}`: {}",
                            reply.text
                        );
                    }
                }
                if c.expect == Expect::DeniedMayNameCustomer {
                    continue;
                }
                let pairs: Vec<(String, String)> = w
                    .ids
                    .iter()
                    .filter(|id| sent.contains(id.as_str()))
                    .map(|id| (id.clone(), unknown_id()))
                    .collect();
                let ghost = send(server, w.bearer(who), &c, &pairs).await;
                let back: Vec<(String, String)> = pairs
                    .iter()
                    .map(|(real, fake)| (fake.clone(), real.clone()))
                    .collect();
                assert_eq!(
                    (
                        ghost.status,
                        swap(&without_request_details(&ghost).to_string(), &back)
                    ),
                    (reply.status, without_request_details(&reply).to_string()),
                    "{context}: answers differently for resources that exist and ones that do not"
                );
            }
        }
    }
    assert_eq!(
        snapshot(server, &w).await,
        before,
        "a refused call changed data"
    );
    assert_eq!(
        server.audit("").await,
        audit,
        "a refused call wrote an audit record"
    );
}

#[tokio::test]
async fn no_graph_route_reaches_another_tenant_on_sqlite() {
    isolation(&TestServer::start().await).await;
}

#[tokio::test]
async fn no_graph_route_reaches_another_tenant_on_postgres() {
    let Some(server) = TestServer::start_postgres().await else {
        return;
    };
    isolation(&server).await;
}

/// The answer to a Graph proposal to `customer`, without the request's own
/// details and with the id replaced, so answers about different ids compare.
async fn graph_proposal_answer(g: &super::Gdap, customer: &str) -> (StatusCode, String) {
    let mut body = g.new_relationship("Probe");
    body["customer"] = json!({"tenantId": customer});
    let reply = g
        .server
        .post(RELATIONSHIPS, &g.partner_admin.secret, body)
        .await;
    (
        reply.status,
        without_request_details(&reply)
            .to_string()
            .replace(customer, "<id>"),
    )
}

#[tokio::test]
async fn graph_proposal_to_another_partners_tenant_answers_as_for_an_unknown_id() {
    let g = super::Gdap::start().await;
    let rival = str_field(&g.server.create_tenant("partner", "Rival IT").await, "id");
    let missing = graph_proposal_answer(&g, &unknown_id()).await;
    assert_eq!(missing.0, StatusCode::NOT_FOUND, "{}", missing.1);
    assert_eq!(graph_proposal_answer(&g, &rival).await, missing);
    assert_eq!(graph_proposal_answer(&g, &g.partner).await, missing);
}
