//! Two partners and two customers, each partner asking its customer for
//! access, and a finding about each partner: enough for every principal
//! kind to have something of its own and something that is not.

use portcullis_domain::{Finding, FindingStatus, Principal, RecordId};
use portcullis_store::AuditContext;
use reqwest::StatusCode;
use serde_json::json;

use crate::support::{Bearer, TestServer, str_field};

pub const HELPDESK: &str = "729827e3-9c14-49f7-bb1b-9608f156bbb8";

pub struct World {
    pub server: TestServer,
    /// Partner A and its customer C; partner B and its customer D.
    pub a: String,
    pub b: String,
    pub c: String,
    pub d: String,
    pub a_admin: Bearer,
    pub b_admin: Bearer,
    pub c_admin: Bearer,
    pub d_admin: Bearer,
    /// A→C and B→D, each waiting for the customer's approval.
    pub a_relationship: String,
    pub b_relationship: String,
    /// A user of A, whom A's finding names.
    pub a_user: String,
    /// A finding about a user of A, and one about a user of B.
    pub a_finding: String,
    pub b_finding: String,
}

impl World {
    pub async fn build() -> Self {
        Self::build_with_names("Alpha Partners", "Alpha for Charlie").await
    }

    /// The world with partner A and its relationship named as given.
    pub async fn build_with_names(a_name: &str, a_relationship_name: &str) -> Self {
        let server = TestServer::start().await;
        let tenant =
            async |kind: &str, name: &str| str_field(&server.create_tenant(kind, name).await, "id");
        let a = tenant("partner", a_name).await;
        let b = tenant("partner", "Bravo Partners").await;
        let c = tenant("customer", "Charlie Customer").await;
        let d = tenant("customer", "Delta Customer").await;
        let a_admin = server.mint("partner_admin", Some(&a)).await;
        let b_admin = server.mint("partner_admin", Some(&b)).await;
        let c_admin = server.mint("customer_admin", Some(&c)).await;
        let d_admin = server.mint("customer_admin", Some(&d)).await;
        server.authorize_partner(&a).await;
        server.authorize_partner(&b).await;
        let a_relationship = ask(&server, &a_admin, &a, &c, a_relationship_name).await;
        let b_relationship = ask(&server, &b_admin, &b, &d, "Bravo for Delta").await;
        let user = async |tenant: &str, upn: &str| {
            str_field(&server.create_user(tenant, upn, upn).await, "id")
        };
        let a_user = user(&a, "alice@alpha.example").await;
        let b_user = user(&b, "bob@bravo.example").await;
        let a_finding = seed_finding(&server, &a, &a_user, "Alpha fan-out").await;
        let b_finding = seed_finding(&server, &b, &b_user, "Bravo fan-out").await;
        Self {
            server,
            a,
            b,
            c,
            d,
            a_admin,
            b_admin,
            c_admin,
            d_admin,
            a_relationship,
            b_relationship,
            a_user,
            a_finding,
            b_finding,
        }
    }

    /// The relationship's status as the API shows it to an operator.
    pub async fn relationship_status(&self, id: &str) -> String {
        str_field(
            &self
                .server
                .op_get(&format!("/v1/relationships/{id}"))
                .await
                .expect_status(StatusCode::OK)
                .json(),
            "status",
        )
    }

    pub async fn finding_status(&self, id: &str) -> String {
        str_field(
            &self
                .server
                .op_get(&format!("/v1/findings/{id}"))
                .await
                .expect_status(StatusCode::OK)
                .json(),
            "status",
        )
    }
}

/// A relationship from `partner` to `customer`, sent for approval.
async fn ask(
    server: &TestServer,
    admin: &Bearer,
    partner: &str,
    customer: &str,
    name: &str,
) -> String {
    let created = server
        .post(
            "/v1/relationships",
            &admin.secret,
            json!({"partner_tenant_id": partner, "customer_tenant_id": customer,
                   "display_name": name, "roles": [HELPDESK], "duration": "P30D"}),
        )
        .await
        .expect_status(StatusCode::CREATED)
        .json();
    let id = str_field(&created, "id");
    server
        .post(
            &format!("/v1/relationships/{id}/request-approval"),
            &admin.secret,
            json!({}),
        )
        .await
        .expect_status(StatusCode::OK);
    id
}

/// A finding as the detection worker would raise it.
pub async fn seed_finding(server: &TestServer, partner: &str, user: &str, title: &str) -> String {
    seed_finding_about(server, partner, user, title, &[]).await
}

/// A finding whose evidence touched `customers` (one OCSF evidence each).
pub async fn seed_finding_about(
    server: &TestServer,
    partner: &str,
    user: &str,
    title: &str,
    customers: &[&str],
) -> String {
    let now = server.portcullis.clock().now();
    let evidences: Vec<serde_json::Value> = customers
        .iter()
        .map(|c| json!({"time": 1, "actor": {"user": {"uid": user}}, "cloud": {"account": {"uid": c}}}))
        .collect();
    let customers = customers
        .iter()
        .map(|c| portcullis_domain::TenantId::parse(c).expect("a customer tenant id"))
        .collect();
    let finding = Finding {
        id: RecordId::generate(),
        rule_id: "tenant_fan_out".to_owned(),
        severity_id: 4,
        status: FindingStatus::New,
        status_reason: None,
        partner_tenant_id: Some(partner.to_owned()),
        user_id: Some(user.to_owned()),
        title: title.to_owned(),
        first_seen: now,
        last_seen: now,
        evidence_count: 3,
        confidence: 0.9,
        explanation: format!("{title}: one user reached 12 customers in 10 minutes"),
        body: json!({"message": title, "finding_info": {"title": title}, "evidences": evidences}),
        created_at: now,
        updated_at: now,
        version: 1,
        customers,
    };
    let ctx = AuditContext::new(&Principal::system(), now, None, None);
    server
        .portcullis
        .store()
        .upsert_finding(&ctx, &finding)
        .await
        .expect("seed a finding")
        .id
        .to_string()
}
