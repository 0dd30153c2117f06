//! The AuthZEN Authorization API 1.0 over real HTTP: request shapes from
//! the published interop and certification scenarios (rewritten for
//! Portcullis' entities: `user`, `tenant`, catalog actions), errors as the
//! specification's §10.1.2 has them, searches paged, tenant isolation.

mod evaluation;
mod evaluations;
mod isolation;
mod metadata;
mod search;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::{Bearer, Reply, Request, TestServer, str_field};

pub const GROUPS_ADMIN: &str = "fdd7a751-b60b-444a-984c-02652fe8fa1c";
pub const HELPDESK: &str = "729827e3-9c14-49f7-bb1b-9608f156bbb8";
pub const SECURITY_READER: &str = "5d6b6bb7-de71-4623-b4af-96380a352509";

pub const EVALUATION: &str = "/access/v1/evaluation";
pub const EVALUATIONS: &str = "/access/v1/evaluations";
pub const SEARCH_SUBJECT: &str = "/access/v1/search/subject";
pub const SEARCH_RESOURCE: &str = "/access/v1/search/resource";
pub const SEARCH_ACTION: &str = "/access/v1/search/action";
pub const POST_ROUTES: [&str; 5] = [
    EVALUATION,
    EVALUATIONS,
    SEARCH_SUBJECT,
    SEARCH_RESOURCE,
    SEARCH_ACTION,
];

/// Partner Contoso (P) with Alice and Bob in its Helpdesk group, partner
/// Northwind (Q) with Carol in its Readers group, customers Fabrikam (C)
/// and Litware (D). P↔C grants Helpdesk Groups Administrator (standing)
/// and Helpdesk Administrator (privileged); P↔D grants Groups
/// Administrator; Q↔C grants Security Reader. Dave of P is in no group.
pub struct World {
    pub server: TestServer,
    pub p: String,
    pub q: String,
    pub c: String,
    pub d: String,
    pub alice: String,
    pub bob: String,
    pub carol: String,
    pub dave: String,
    pub service: Bearer,
    pub p_admin: Bearer,
    pub c_admin: Bearer,
}

fn id(value: &Value) -> String {
    str_field(value, "id")
}

impl World {
    pub async fn build() -> Self {
        let server = TestServer::start().await;
        let tenant = |kind: &'static str, name: &'static str| {
            let server = &server;
            async move { id(&server.create_tenant(kind, name).await) }
        };
        let p = tenant("partner", "Contoso IT").await;
        let q = tenant("partner", "Northwind Services").await;
        let c = tenant("customer", "Fabrikam").await;
        let d = tenant("customer", "Litware").await;
        let user = |tenant: String, upn: &'static str, name: &'static str| {
            let server = &server;
            async move { id(&server.create_user(&tenant, upn, name).await) }
        };
        let alice = user(p.clone(), "alice@contoso.example", "Alice").await;
        let bob = user(p.clone(), "bob@contoso.example", "Bob").await;
        let dave = user(p.clone(), "dave@contoso.example", "Dave").await;
        let carol = user(q.clone(), "carol@northwind.example", "Carol").await;
        let helpdesk = id(&server.create_group(&p, "Helpdesk").await);
        let readers = id(&server.create_group(&q, "Readers").await);
        for member in [&alice, &bob] {
            server.add_member(&p, &helpdesk, member).await;
        }
        server.add_member(&q, &readers, &carol).await;
        server.authorize_partner(&p).await;
        server.authorize_partner(&q).await;
        let p_admin = server.mint("partner_admin", Some(&p)).await;
        let q_admin = server.mint("partner_admin", Some(&q)).await;
        let c_admin = server.mint("customer_admin", Some(&c)).await;
        let d_admin = server.mint("customer_admin", Some(&d)).await;
        let service = server.mint("service", None).await;
        let link = Link {
            server: &server,
            partner_admin: &p_admin,
            customer_admin: &c_admin,
        };
        link.relate(&p, &c, &helpdesk, &[GROUPS_ADMIN, HELPDESK])
            .await;
        let link = Link {
            customer_admin: &d_admin,
            ..link
        };
        link.relate(&p, &d, &helpdesk, &[GROUPS_ADMIN]).await;
        let link = Link {
            partner_admin: &q_admin,
            customer_admin: &c_admin,
            ..link
        };
        link.relate(&q, &c, &readers, &[SECURITY_READER]).await;
        Self {
            server,
            p,
            q,
            c,
            d,
            alice,
            bob,
            carol,
            dave,
            service,
            p_admin,
            c_admin,
        }
    }

    /// `POST path` with `body` as the resource provider.
    pub async fn ask(&self, path: &str, body: Value) -> Reply {
        self.server
            .send(
                Request::new(Method::POST, path)
                    .bearer(&self.service.secret)
                    .json(body),
            )
            .await
    }

    /// As [`World::ask`], expecting a 200 and returning the body.
    pub async fn answer(&self, path: &str, body: Value) -> Value {
        self.ask(path, body)
            .await
            .expect_status(StatusCode::OK)
            .json()
    }

    /// The decision events recorded for `user`, oldest first.
    pub async fn recorded(&self, user: &str) -> Vec<Value> {
        self.server
            .collect_pages(
                &format!("/v1/events?user_id={user}"),
                &self.server.operator.secret,
                200,
            )
            .await
            .0
    }
}

/// Who proposes and approves a relationship.
#[derive(Clone, Copy)]
struct Link<'a> {
    server: &'a TestServer,
    partner_admin: &'a Bearer,
    customer_admin: &'a Bearer,
}

impl Link<'_> {
    /// An active relationship between the tenants granting `roles` to `group`, standing.
    async fn relate(&self, partner: &str, customer: &str, group: &str, roles: &[&str]) {
        let server = self.server;
        let rel = id(&server
            .post(
                "/v1/relationships",
                &self.partner_admin.secret,
                json!({"partner_tenant_id": partner, "customer_tenant_id": customer,
                       "display_name": format!("AuthZEN {customer}"), "roles": roles,
                       "duration": "P30D", "auto_extend_duration": "PT0S"}),
            )
            .await
            .expect_status(StatusCode::CREATED)
            .json());
        server
            .post(
                &format!("/v1/relationships/{rel}/assignments"),
                &self.partner_admin.secret,
                json!({"group_id": group, "roles": roles, "kind": {"type": "standing"}}),
            )
            .await
            .expect_status(StatusCode::CREATED);
        for (step, bearer) in [
            ("request-approval", self.partner_admin),
            ("approve", self.customer_admin),
        ] {
            server
                .post(
                    &format!("/v1/relationships/{rel}/{step}"),
                    &bearer.secret,
                    json!({}),
                )
                .await
                .expect_status(StatusCode::OK);
        }
    }
}

/// An AuthZEN subject for a partner user.
pub fn user(id: &str) -> Value {
    json!({"type": "user", "id": id})
}

/// An AuthZEN resource for a customer tenant.
pub fn tenant(id: &str) -> Value {
    json!({"type": "tenant", "id": id})
}

pub fn action(name: &str) -> Value {
    json!({"name": name})
}

/// An evaluation request of `who` doing `what` in `tenant_id` with `strength`.
pub fn evaluation(who: &str, what: &str, tenant_id: &str, strength: &str) -> Value {
    json!({"subject": user(who), "action": action(what), "resource": tenant(tenant_id),
           "context": {"auth_strength": strength}})
}

/// Asserts an AuthZEN error (§10.1.2): the status, a `text/plain` message
/// string; returns the message.
#[track_caller]
pub fn expect_refusal(reply: &Reply, status: StatusCode) -> String {
    assert_eq!(reply.status, status, "{}", reply.text);
    let content_type = reply.header("content-type").unwrap_or_default();
    assert!(
        content_type.starts_with("text/plain"),
        "an error message string, not {content_type}: {}",
        reply.text
    );
    assert!(!reply.text.is_empty());
    reply.text.clone()
}

/// The deny reasons of a Decision.
#[track_caller]
pub fn reasons(decision: &Value) -> Vec<String> {
    assert_eq!(decision["decision"], json!(false), "{decision}");
    decision["context"]["reasons"]
        .as_array()
        .unwrap_or_else(|| panic!("reasons in the context: {decision}"))
        .iter()
        .map(|r| r.as_str().unwrap().to_owned())
        .collect()
}
