//! The Microsoft Graph-compatible view (`/v1.0/tenantRelationships/…`)
//! over real HTTP: the GDAP lifecycle, OData paging and filters, ETags, the
//! OData error shape, tenant isolation, and that the native `/v1` view
//! shows the same data.

mod errors;
mod isolation;
mod lifecycle;
mod paging;
mod sdk;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::{Bearer, Reply, TestServer, str_field};

pub const RELATIONSHIPS: &str = "/v1.0/tenantRelationships/delegatedAdminRelationships";
pub const CUSTOMERS: &str = "/v1.0/tenantRelationships/delegatedAdminCustomers";
pub const HELPDESK: &str = "729827e3-9c14-49f7-bb1b-9608f156bbb8";
pub const SECURITY_READER: &str = "5d6b6bb7-de71-4623-b4af-96380a352509";

/// An authorized partner with a security group, a customer, and a token
/// for each party and for a resource provider.
pub struct Gdap {
    pub server: TestServer,
    pub partner: String,
    pub customer: String,
    pub group: String,
    pub partner_admin: Bearer,
    pub customer_admin: Bearer,
    pub service: Bearer,
}

impl Gdap {
    pub async fn start() -> Self {
        Self::on(TestServer::start().await).await
    }

    pub async fn on(server: TestServer) -> Self {
        let partner = str_field(&server.create_tenant("partner", "Contoso IT").await, "id");
        let customer = str_field(&server.create_tenant("customer", "Fabrikam").await, "id");
        let group = str_field(&server.create_group(&partner, "Helpdesk").await, "id");
        authorize(&server, &partner).await;
        let partner_admin = server.mint("partner_admin", Some(&partner)).await;
        let customer_admin = server.mint("customer_admin", Some(&customer)).await;
        let service = server.mint("service", None).await;
        Self {
            server,
            partner,
            customer,
            group,
            partner_admin,
            customer_admin,
            service,
        }
    }

    /// The body Graph's documentation uses to create a relationship.
    pub fn new_relationship(&self, name: &str) -> Value {
        json!({
            "displayName": name,
            "duration": "P730D",
            "customer": {"tenantId": self.customer, "displayName": "Fabrikam"},
            "accessDetails": {"unifiedRoles": [
                {"roleDefinitionId": HELPDESK},
                {"roleDefinitionId": SECURITY_READER}
            ]},
            "autoExtendDuration": "P180D"
        })
    }

    /// Creates a relationship as the partner admin; returns its body.
    pub async fn create(&self, name: &str) -> Value {
        self.server
            .post(
                RELATIONSHIPS,
                &self.partner_admin.secret,
                self.new_relationship(name),
            )
            .await
            .expect_status(StatusCode::CREATED)
            .json()
    }

    /// `POST …/{id}/requests` with `action`.
    pub async fn request(&self, id: &str, action: &str, bearer: &Bearer) -> Reply {
        self.server
            .post(
                &format!("{RELATIONSHIPS}/{id}/requests"),
                &bearer.secret,
                json!({"action": action}),
            )
            .await
    }

    /// A relationship made active through Graph requests; returns its id.
    pub async fn active(&self, name: &str) -> String {
        let id = str_field(&self.create(name).await, "id");
        self.request(&id, "lockForApproval", &self.partner_admin)
            .await
            .expect_status(StatusCode::CREATED);
        self.request(&id, "approve", &self.customer_admin)
            .await
            .expect_status(StatusCode::CREATED);
        id
    }

    /// `GET` of a Graph path as `bearer`.
    pub async fn get(&self, path: &str, bearer: &Bearer) -> Reply {
        self.server.get(path, &bearer.secret).await
    }
}

pub async fn authorize(server: &TestServer, partner: &str) {
    server.authorize_partner(partner).await;
}

/// An OData error, checked for shape: exactly `error.{code, message,
/// innerError}`, `innerError` with the Portcullis `code`, the `date` and the
/// `request-id` of the response (and `client-request-id` when sent).
#[derive(Debug, Clone)]
pub struct ODataError {
    pub code: String,
    pub inner: String,
    pub message: String,
}

#[track_caller]
pub fn odata_error(reply: &Reply, status: StatusCode) -> ODataError {
    assert_eq!(
        reply.status, status,
        "unexpected status; body: {}",
        reply.text
    );
    assert!(
        reply
            .header("content-type")
            .is_some_and(|t| t.starts_with("application/json")),
        "{:?}",
        reply.headers
    );
    let body = reply.json();
    let outer = body.as_object().expect("an object");
    assert_eq!(outer.len(), 1, "only `error` at the top: {body}");
    let error = body["error"].as_object().expect("`error` is an object");
    let mut keys: Vec<&str> = error.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["code", "innerError", "message"], "{body}");
    let inner = error["innerError"]
        .as_object()
        .expect("`innerError` is an object");
    for key in inner.keys() {
        assert!(
            ["code", "date", "request-id", "client-request-id"].contains(&key.as_str()),
            "unexpected `innerError.{key}`: {body}"
        );
    }
    assert_eq!(
        inner.get("request-id").and_then(Value::as_str),
        reply.header("x-request-id"),
        "`request-id` is the response's x-request-id: {body}"
    );
    let date = inner.get("date").and_then(Value::as_str).expect("a date");
    assert!(date.ends_with('Z') && date.contains('T'), "{date}");
    let text = |v: &Value| v.as_str().expect("a string").to_owned();
    let out = ODataError {
        code: text(&error["code"]),
        inner: text(&inner["code"]),
        message: text(&error["message"]),
    };
    assert!(!out.code.is_empty() && !out.message.is_empty(), "{body}");
    out
}

/// The body of a reply without the parts that differ per request.
pub fn without_request_details(reply: &Reply) -> Value {
    let mut body: Value = serde_json::from_str(&reply.text).unwrap_or(Value::Null);
    if let Some(inner) = body
        .get_mut("error")
        .and_then(|e| e.get_mut("innerError"))
        .and_then(Value::as_object_mut)
    {
        inner.remove("date");
        inner.remove("request-id");
    }
    body
}
