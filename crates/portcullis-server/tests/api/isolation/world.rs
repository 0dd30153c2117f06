//! The tenants, their resources and the callers of the isolation sweep.

use std::fmt;

use reqwest::StatusCode;
use serde_json::json;

use crate::support::{Bearer, TestServer, str_field};

/// The non-operator kinds of principal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Who {
    /// `partner_admin` of partner tenant A.
    PartnerAdmin,
    /// `customer_admin` of customer tenant C.
    CustomerAdmin,
    Service,
}

impl Who {
    pub const ALL: [Self; 3] = [Self::PartnerAdmin, Self::CustomerAdmin, Self::Service];
}

impl fmt::Display for Who {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::PartnerAdmin => "partner_admin(A)",
            Self::CustomerAdmin => "customer_admin(C)",
            Self::Service => "service",
        })
    }
}

/// Two partner tenants A and B, two customer tenants C and D, each with
/// something to find, and the callers.
pub struct World {
    pub a: String,
    pub b: String,
    pub c: String,
    pub d: String,
    pub a_user: String,
    pub a_group: String,
    pub b_users: [String; 2],
    pub b_groups: [String; 2],
    pub b_token: String,
    pub d_token: String,
    /// An active relationship B↔D, its eligible assignment to B's first
    /// group, and a pending activation of it for B's first user.
    pub b_relationship: String,
    pub b_assignment: String,
    pub b_activation: String,
    /// B's approved vetting case.
    pub b_case: String,
    /// The report of B's posture snapshot.
    pub b_report: String,
    /// D's access review of B, and D's own webhook subscription.
    pub d_review: String,
    pub d_webhook: String,
    /// Secret of B's own partner admin token, which must survive the sweep.
    pub b_secret: String,
    /// B's relationship template, a finding about B's first user, and a
    /// background bulk run (a dry run) B started.
    pub b_template: String,
    pub b_finding: String,
    pub b_run: String,
    pub partner_admin: Bearer,
    pub customer_admin: Bearer,
    pub service: Bearer,
    /// `(owning tenant, text)`: every id, name and UPN; `None` for global.
    pub markers: Vec<(Option<String>, String)>,
    /// Ids that a request may name; replaced by fresh ones for the ghost run.
    pub foreign_ids: Vec<(Option<String>, String)>,
}

impl World {
    pub async fn build(server: &TestServer) -> Self {
        let tenant = |kind: &'static str, name: &'static str| async move {
            str_field(&server.create_tenant(kind, name).await, "id")
        };
        let a = tenant("partner", "Alpha Partners (secret-a)").await;
        let b = tenant("partner", "Bravo Partners (secret-b)").await;
        let c = tenant("customer", "Charlie Customer (secret-c)").await;
        let d = tenant("customer", "Delta Customer (secret-d)").await;

        let a_user = str_field(
            &server
                .create_user(&a, "alice@alpha-a.example", "Alice Alpha (secret-ua)")
                .await,
            "id",
        );
        let a_group = str_field(
            &server.create_group(&a, "Alpha Admins (secret-ga)").await,
            "id",
        );
        server.add_member(&a, &a_group, &a_user).await;

        let b1 = str_field(
            &server
                .create_user(&b, "bianca@bravo-b.example", "Bianca Bravo (secret-ub1)")
                .await,
            "id",
        );
        let b2 = str_field(
            &server
                .create_user(&b, "boris@bravo-b.example", "Boris Bravo (secret-ub2)")
                .await,
            "id",
        );
        let gb1 = server
            .post(
                &format!("/v1/tenants/{b}/groups"),
                &server.operator.secret,
                json!({"display_name": "Bravo Admins (secret-gb1)", "description": "bravo escalation (secret-gb1-note)"}),
            )
            .await
            .expect_status(StatusCode::CREATED)
            .json();
        let gb1 = str_field(&gb1, "id");
        let gb2 = str_field(
            &server.create_group(&b, "Bravo Readers (secret-gb2)").await,
            "id",
        );
        server.add_member(&b, &gb1, &b1).await;
        server.add_member(&b, &gb2, &b2).await;

        let b_admin = server.mint("partner_admin", Some(&b)).await;
        let d_admin = server.mint("customer_admin", Some(&d)).await;
        let partner_admin = server.mint("partner_admin", Some(&a)).await;
        let customer_admin = server.mint("customer_admin", Some(&c)).await;
        let service = server.mint("service", None).await;

        let b_case = server.authorize_partner(&b).await;
        let b_report = crate::posture::upload(server, &b, &server.operator.secret).await;
        let relationship = server
            .post(
                "/v1/relationships",
                &b_admin.secret,
                json!({"partner_tenant_id": b, "customer_tenant_id": d,
                       "display_name": "Bravo for Delta (secret-rbd)",
                       "roles": ["729827e3-9c14-49f7-bb1b-9608f156bbb8"], "duration": "P30D"}),
            )
            .await
            .expect_status(StatusCode::CREATED)
            .json();
        let b_relationship = str_field(&relationship, "id");
        let assignment = server
            .post(
                &format!("/v1/relationships/{b_relationship}/assignments"),
                &b_admin.secret,
                json!({"group_id": gb1, "roles": ["729827e3-9c14-49f7-bb1b-9608f156bbb8"],
                       "kind": {"type": "eligible", "max_activation": "PT4H", "approval_required": true}}),
            )
            .await
            .expect_status(StatusCode::CREATED)
            .json();
        let b_assignment = str_field(&assignment, "id");
        server
            .post(
                &format!("/v1/relationships/{b_relationship}/request-approval"),
                &b_admin.secret,
                json!({}),
            )
            .await
            .expect_status(StatusCode::OK);
        server
            .post(
                &format!("/v1/relationships/{b_relationship}/approve"),
                &d_admin.secret,
                json!({}),
            )
            .await
            .expect_status(StatusCode::OK);
        let activation = server
            .post(
                "/v1/activations",
                &b_admin.secret,
                json!({"assignment_id": b_assignment, "user_id": b1,
                       "justification": "bravo ticket (secret-act)", "duration": "PT1H",
                       "auth_strength": "phishing_resistant"}),
            )
            .await
            .expect_status(StatusCode::CREATED)
            .json();
        let b_activation = str_field(&activation, "id");
        let (b_template, b_finding, b_run) =
            b_templates_findings_runs(server, &b_admin.secret, &b, &b1, &gb1, &b_relationship)
                .await;
        // D reviews B's access, and subscribes a webhook of its own.
        let review = server
            .post(
                "/v1/access-reviews",
                &d_admin.secret,
                json!({"partner_tenant_id": b, "scope": "all"}),
            )
            .await
            .expect_status(StatusCode::CREATED)
            .json();
        let d_review = str_field(&review, "id");
        let webhook = server
            .post(
                "/v1/webhooks",
                &d_admin.secret,
                json!({"url": "http://127.0.0.1:9/delta", "description": "Delta SIEM (secret-whd)"}),
            )
            .await
            .expect_status(StatusCode::CREATED)
            .json();
        let d_webhook = str_field(&webhook, "id");

        let owned = |tenant: &str, texts: &[&str]| {
            texts
                .iter()
                .map(|t| (Some(tenant.to_owned()), (*t).to_owned()))
                .collect::<Vec<_>>()
        };
        let mut foreign_ids = Vec::new();
        foreign_ids.extend(owned(&a, &[&a, &a_user, &a_group, &partner_admin.id]));
        foreign_ids.extend(owned(
            &b,
            &[
                &b,
                &b1,
                &b2,
                &gb1,
                &gb2,
                &b_admin.id,
                &b_relationship,
                &b_assignment,
                &b_activation,
                &b_case,
                &b_report,
                &b_template,
                &b_finding,
                &b_run,
            ],
        ));
        foreign_ids.extend(owned(&c, &[&c, &customer_admin.id]));
        foreign_ids.extend(owned(&d, &[&d, &d_admin.id, &d_review, &d_webhook]));
        foreign_ids.push((None, server.operator.id.clone()));
        foreign_ids.push((None, service.id.clone()));

        let mut markers = foreign_ids.clone();
        markers.extend(owned(
            &a,
            &[
                "secret-a",
                "secret-ua",
                "alice@alpha-a.example",
                "secret-ga",
            ],
        ));
        markers.extend(owned(
            &b,
            &[
                "secret-b",
                "secret-ub1",
                "secret-ub2",
                "bianca@bravo-b.example",
                "boris@bravo-b.example",
                "secret-gb1",
                "secret-gb2",
                "secret-gb1-note",
                "secret-rbd",
                "secret-act",
                "secret-tpl",
                "secret-fnd",
            ],
        ));
        markers.extend(owned(&c, &["secret-c"]));
        markers.extend(owned(&d, &["secret-d", "secret-whd"]));

        Self {
            a,
            b,
            c,
            d,
            a_user,
            a_group,
            b_users: [b1, b2],
            b_groups: [gb1, gb2],
            b_token: b_admin.id,
            d_token: d_admin.id,
            b_relationship,
            b_assignment,
            b_activation,
            b_case,
            b_report,
            d_review,
            d_webhook,
            b_secret: b_admin.secret,
            b_template,
            b_finding,
            b_run,
            partner_admin,
            customer_admin,
            service,
            markers,
            foreign_ids,
        }
    }

    pub fn bearer(&self, who: Who) -> &Bearer {
        match who {
            Who::PartnerAdmin => &self.partner_admin,
            Who::CustomerAdmin => &self.customer_admin,
            Who::Service => &self.service,
        }
    }

    pub fn own_tenant(&self, who: Who) -> Option<&str> {
        match who {
            Who::PartnerAdmin => Some(&self.a),
            Who::CustomerAdmin => Some(&self.c),
            Who::Service => None,
        }
    }

    /// Every tenant that is not the caller's.
    pub fn foreign_tenants(&self, who: Who) -> Vec<String> {
        [&self.a, &self.b, &self.c, &self.d]
            .into_iter()
            .filter(|t| Some(t.as_str()) != self.own_tenant(who))
            .cloned()
            .collect()
    }

    /// The tenant a caller would use as a stepping stone: its own, or A.
    pub fn home(&self, who: Who) -> String {
        self.own_tenant(who).unwrap_or(&self.a).to_owned()
    }

    pub fn is_foreign(&self, who: Who, owner: Option<&String>) -> bool {
        owner.map(String::as_str) != self.own_tenant(who)
    }
}

/// B's template (applied to nobody), a finding about B's user, and a
/// finished background dry run of B's: what the template, finding-answer,
/// score and bulk rows name.
async fn b_templates_findings_runs(
    server: &TestServer,
    b_secret: &str,
    b: &str,
    b1: &str,
    gb1: &str,
    b_relationship: &str,
) -> (String, String, String) {
    const GROUPS_ADMIN: &str = "fdd7a751-b60b-444a-984c-02652fe8fa1c";
    let template = server
        .post(
            "/v1/templates",
            b_secret,
            json!({"name": "Bravo template (secret-tpl)", "name_pattern": "Bravo for {customer}",
                   "roles": [GROUPS_ADMIN], "duration": "P90D",
                   "assignments": [{"group_id": gb1, "roles": [GROUPS_ADMIN]}]}),
        )
        .await
        .expect_status(StatusCode::CREATED)
        .json();
    let finding =
        crate::console::world::seed_finding(server, b, b1, "Bravo finding (secret-fnd)").await;
    let run = server
        .post(
            "/v1/bulk/relationships?background=true",
            b_secret,
            json!({"change": {"operation": "terminate"}, "relationship_ids": [b_relationship],
                   "dry_run": true}),
        )
        .await
        .expect_status(StatusCode::ACCEPTED)
        .json();
    (str_field(&template, "id"), finding, str_field(&run, "id"))
}
