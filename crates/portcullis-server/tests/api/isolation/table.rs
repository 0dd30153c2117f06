//! One row per `/v1` route: the calls to make of it as each principal.

mod access_reviews;
mod settings;
mod templates;
mod usage;
mod webhooks;

use std::collections::BTreeSet;

use reqwest::Method;
use serde_json::{Value, json};

use super::world::{Who, World};
use crate::system::documented_routes;

/// What a row's call must come to.
#[derive(Debug, Clone)]
pub enum Expect {
    /// 403 or 404.
    Denied,
    /// 200 with exactly these ids (a scoped admin's list of its own tenant).
    Only(Vec<String>),
    /// 200: the caller may ask this of any tenant (a resource provider's
    /// decision, the global role catalog); the answer is not tenant data
    /// the caller could not have.
    Allowed,
}

/// One call of a row: values for the template's placeholders, a query, a body.
#[derive(Debug, Clone)]
pub struct Target {
    pub bind: Vec<(&'static str, String)>,
    pub query: String,
    pub body: Option<Value>,
    pub expect: Expect,
}

fn target(bind: &[(&'static str, &String)]) -> Target {
    Target {
        bind: bind.iter().map(|(k, v)| (*k, (*v).clone())).collect(),
        query: String::new(),
        body: None,
        expect: Expect::Denied,
    }
}

impl Target {
    fn query(mut self, query: impl Into<String>) -> Self {
        self.query = query.into();
        self
    }

    fn body(mut self, body: Value) -> Self {
        self.body = Some(body);
        self
    }

    fn only(mut self, ids: Vec<String>) -> Self {
        self.expect = Expect::Only(ids);
        self
    }

    fn allowed(mut self) -> Self {
        self.expect = Expect::Allowed;
        self
    }
}

/// B's relationship with D, as every caller but an operator sees it.
fn relationship_targets(w: &World) -> Vec<Target> {
    vec![target(&[("relationship_id", &w.b_relationship)])]
}

fn assignment_targets(w: &World) -> Vec<Target> {
    vec![target(&[
        ("relationship_id", &w.b_relationship),
        ("assignment_id", &w.b_assignment),
    ])]
}

fn activation_targets(w: &World) -> Vec<Target> {
    vec![target(&[("activation_id", &w.b_activation)])]
}

fn relationship_action(template: &'static str) -> Row {
    Row {
        method: Method::POST,
        template,
        targets: |w, _| {
            relationship_targets(w)
                .into_iter()
                .map(|t| t.body(json!({})))
                .collect()
        },
    }
}

fn activation_action(template: &'static str) -> Row {
    Row {
        method: Method::POST,
        template,
        targets: |w, _| {
            activation_targets(w)
                .into_iter()
                .map(|t| t.body(json!({})))
                .collect()
        },
    }
}

/// The rows of the least-privilege routes.
fn least_privilege_rows() -> Vec<Row> {
    vec![
        Row {
            method: Method::GET,
            template: "/v1/relationships",
            targets: |w, who| match who {
                Who::Service => vec![target(&[])],
                _ => vec![
                    target(&[]).only(vec![]),
                    target(&[])
                        .query(format!("partner_tenant_id={}", w.b))
                        .only(vec![]),
                    target(&[])
                        .query(format!("customer_tenant_id={}", w.d))
                        .only(vec![]),
                ],
            },
        },
        Row {
            method: Method::POST,
            template: "/v1/relationships",
            targets: |w, _| {
                vec![target(&[]).body(json!({
                    "partner_tenant_id": w.b, "customer_tenant_id": w.d,
                    "display_name": "Intruder link", "roles": ["729827e3-9c14-49f7-bb1b-9608f156bbb8"],
                    "duration": "P30D"}))]
            },
        },
        Row {
            method: Method::GET,
            template: "/v1/relationships/{relationship_id}",
            targets: |w, _| relationship_targets(w),
        },
        Row {
            method: Method::PATCH,
            template: "/v1/relationships/{relationship_id}",
            targets: |w, _| {
                relationship_targets(w)
                    .into_iter()
                    .map(|t| t.body(json!({"roles": []})))
                    .collect()
            },
        },
        Row {
            method: Method::DELETE,
            template: "/v1/relationships/{relationship_id}",
            targets: |w, _| relationship_targets(w),
        },
        relationship_action("/v1/relationships/{relationship_id}/request-approval"),
        relationship_action("/v1/relationships/{relationship_id}/approve"),
        relationship_action("/v1/relationships/{relationship_id}/reject"),
        relationship_action("/v1/relationships/{relationship_id}/terminate"),
        Row {
            method: Method::GET,
            template: "/v1/relationships/{relationship_id}/assignments",
            targets: |w, _| relationship_targets(w),
        },
        Row {
            method: Method::POST,
            template: "/v1/relationships/{relationship_id}/assignments",
            targets: |w, _| {
                relationship_targets(w)
                    .into_iter()
                    .map(|t| {
                        t.body(json!({"group_id": w.b_groups[1], "roles": ["729827e3-9c14-49f7-bb1b-9608f156bbb8"]}))
                    })
                    .collect()
            },
        },
        Row {
            method: Method::GET,
            template: "/v1/relationships/{relationship_id}/assignments/{assignment_id}",
            targets: |w, _| assignment_targets(w),
        },
        Row {
            method: Method::PATCH,
            template: "/v1/relationships/{relationship_id}/assignments/{assignment_id}",
            targets: |w, _| {
                assignment_targets(w)
                    .into_iter()
                    .map(|t| t.body(json!({"roles": ["729827e3-9c14-49f7-bb1b-9608f156bbb8"]})))
                    .collect()
            },
        },
        Row {
            method: Method::DELETE,
            template: "/v1/relationships/{relationship_id}/assignments/{assignment_id}",
            targets: |w, _| assignment_targets(w),
        },
        Row {
            method: Method::POST,
            template: "/v1/activations",
            targets: |w, _| {
                vec![target(&[]).body(json!({
                    "assignment_id": w.b_assignment, "user_id": w.b_users[0],
                    "justification": "intrusion", "duration": "PT1H",
                    "auth_strength": "phishing_resistant"}))]
            },
        },
        Row {
            method: Method::GET,
            template: "/v1/activations/{activation_id}",
            targets: |w, _| activation_targets(w),
        },
        activation_action("/v1/activations/{activation_id}/approve"),
        activation_action("/v1/activations/{activation_id}/deny"),
        activation_action("/v1/activations/{activation_id}/revoke"),
        Row {
            method: Method::GET,
            template: "/v1/tenants/{tenant_id}/authorization",
            targets: |w, who| {
                w.foreign_tenants(who)
                    .iter()
                    .map(|t| target(&[("tenant_id", t)]))
                    .collect()
            },
        },
        Row {
            method: Method::GET,
            template: "/v1/tenants/{tenant_id}/restrictions",
            targets: |w, who| {
                w.foreign_tenants(who)
                    .iter()
                    .map(|t| target(&[("tenant_id", t)]))
                    .collect()
            },
        },
        Row {
            method: Method::PUT,
            template: "/v1/tenants/{tenant_id}/restrictions",
            targets: |w, who| {
                w.foreign_tenants(who)
                    .iter()
                    .map(|t| {
                        target(&[("tenant_id", t)])
                            .body(json!({"allowed_ip_ranges": ["10.0.0.0/8"]}))
                    })
                    .collect()
            },
        },
        Row {
            method: Method::POST,
            template: "/v1/decisions",
            targets: |w, who| {
                let check = target(&[]).body(json!({
                    "partner_tenant_id": w.b, "user_id": w.b_users[0], "customer_tenant_id": w.d,
                    "action": "users.password.reset", "auth_strength": "phishing_resistant"}));
                match who {
                    Who::Service => vec![check.allowed()],
                    _ => vec![check],
                }
            },
        },
        Row {
            method: Method::GET,
            template: "/v1/roles",
            targets: |_, _| vec![target(&[]).allowed()],
        },
    ]
}

fn case_targets(w: &World) -> Vec<Target> {
    vec![target(&[("case_id", &w.b_case)])]
}

fn case_action(template: &'static str) -> Row {
    Row {
        method: Method::POST,
        template,
        targets: |w, _| {
            case_targets(w)
                .into_iter()
                .map(|t| t.body(json!({"reason": "intrusion"})))
                .collect()
        },
    }
}

/// A scoped partner admin lists only its own tenant's vetting records (none);
/// everyone else is refused.
fn own_only(who: Who, t: Target) -> Target {
    match who {
        Who::PartnerAdmin => t.only(vec![]),
        _ => t,
    }
}

/// Findings: a partner admin lists its own partner's, a customer admin
/// those concerning its own tenant (none here); a service is refused.
fn findings_only(who: Who, t: Target) -> Target {
    match who {
        Who::PartnerAdmin | Who::CustomerAdmin => t.only(vec![]),
        Who::Service => t,
    }
}

/// The rows of the vetting routes: B's approved case is the foreign record.
fn vetting_rows() -> Vec<Row> {
    vec![
        Row {
            method: Method::POST,
            template: "/v1/vetting/applications",
            targets: |w, _| {
                vec![target(&[]).body(json!({
                    "tenant_id": w.b,
                    "application": crate::support::test_application(&w.b)}))]
            },
        },
        Row {
            method: Method::GET,
            template: "/v1/vetting/cases",
            targets: |w, who| {
                vec![
                    own_only(who, target(&[])),
                    own_only(who, target(&[]).query(format!("tenant_id={}", w.b))),
                ]
            },
        },
        Row {
            method: Method::GET,
            template: "/v1/vetting/cases/{case_id}",
            targets: |w, _| case_targets(w),
        },
        Row {
            method: Method::POST,
            template: "/v1/vetting/cases/{case_id}/screen",
            targets: |w, _| {
                case_targets(w)
                    .into_iter()
                    .map(|t| t.body(json!({})))
                    .collect()
            },
        },
        Row {
            method: Method::PUT,
            template: "/v1/vetting/cases/{case_id}/application",
            targets: |w, _| {
                case_targets(w)
                    .into_iter()
                    .map(|t| t.body(crate::support::test_application(&w.b)))
                    .collect()
            },
        },
        Row {
            method: Method::GET,
            template: "/v1/vetting/review-queue",
            targets: |_, _| vec![target(&[])],
        },
        Row {
            method: Method::POST,
            template: "/v1/vetting/cases/{case_id}/reviews",
            targets: |w, _| {
                case_targets(w)
                    .into_iter()
                    .map(|t| t.body(json!({"decision": "reject", "reason": "intrusion"})))
                    .collect()
            },
        },
        case_action("/v1/vetting/cases/{case_id}/suspend"),
        case_action("/v1/vetting/cases/{case_id}/reinstate"),
        case_action("/v1/vetting/cases/{case_id}/revoke"),
        Row {
            method: Method::POST,
            template: "/v1/vetting/cases/{case_id}/reverify-domain",
            targets: |w, _| {
                case_targets(w)
                    .into_iter()
                    .map(|t| t.body(json!({})))
                    .collect()
            },
        },
        Row {
            method: Method::GET,
            template: "/v1/vetting/findings",
            targets: |w, who| {
                vec![
                    own_only(who, target(&[])),
                    own_only(who, target(&[]).query(format!("tenant_id={}", w.b))),
                ]
            },
        },
        Row {
            method: Method::GET,
            template: "/v1/vetting/partners/{tenant_id}/screening-history",
            targets: |w, _| vec![target(&[("tenant_id", &w.b)])],
        },
        Row {
            method: Method::GET,
            template: "/v1/vetting/watchlists",
            targets: |_, _| vec![target(&[])],
        },
        Row {
            method: Method::PUT,
            template: "/v1/vetting/watchlists/{name}",
            targets: |_, _| {
                let name = "sanctions".to_owned();
                vec![
                    target(&[("name", &name)])
                        .query("format=ftm")
                        .body(json!({"id": "x", "schema": "Company",
                    "properties": {"name": ["Intruder Holdings"]}})),
                ]
            },
        },
        Row {
            method: Method::GET,
            template: "/v1/findings",
            targets: |w, who| {
                vec![
                    findings_only(who, target(&[])),
                    findings_only(who, target(&[]).query(format!("partner_tenant_id={}", w.b))),
                    findings_only(
                        who,
                        target(&[]).query(format!("customer_tenant_id={}", w.d)),
                    ),
                ]
            },
        },
        Row {
            method: Method::GET,
            template: "/v1/findings/{finding_id}",
            targets: |_, _| vec![target(&[("finding_id", &crate::support::unknown_id())])],
        },
        Row {
            method: Method::PATCH,
            template: "/v1/findings/{finding_id}",
            targets: |_, _| {
                vec![
                    target(&[("finding_id", &crate::support::unknown_id())])
                        .body(json!({"status": "Suppressed", "reason": "intrusion"})),
                ]
            },
        },
        Row {
            method: Method::GET,
            template: "/v1/containments",
            targets: |_, _| vec![target(&[])],
        },
        Row {
            method: Method::POST,
            template: "/v1/containments",
            targets: |w, _| {
                vec![
                    target(&[]).body(
                        json!({"kind": "user", "target_id": w.b_users[0], "reason": "intrusion"}),
                    ),
                    target(&[])
                        .body(json!({"kind": "partner", "target_id": w.b, "reason": "intrusion"})),
                ]
            },
        },
        Row {
            method: Method::POST,
            template: "/v1/containments/{containment_id}/lift",
            targets: |_, _| {
                vec![
                    target(&[("containment_id", &crate::support::unknown_id())])
                        .body(json!({"reason": "intrusion"})),
                ]
            },
        },
        Row {
            method: Method::GET,
            template: "/v1/events",
            targets: |w, who| match who {
                Who::Service => vec![target(&[])],
                Who::PartnerAdmin => vec![
                    target(&[]).only(vec![]),
                    target(&[])
                        .query(format!("partner_tenant_id={}", w.b))
                        .only(vec![]),
                ],
                Who::CustomerAdmin => vec![
                    target(&[]).only(vec![]),
                    target(&[])
                        .query(format!("customer_tenant_id={}", w.d))
                        .only(vec![]),
                ],
            },
        },
        Row {
            method: Method::POST,
            template: "/v1/events",
            targets: |w, who| {
                // Services send the platform's events (not tenant data they
                // could read back); admins may not.
                let t = target(&[]).body(json!({"class_uid": 3002, "time": 1, "status_id": 1,
                    "user": {"uid": w.b_users[0], "org": {"uid": w.b}}}));
                match who {
                    Who::Service => vec![t.allowed()],
                    _ => vec![t],
                }
            },
        },
        Row {
            method: Method::GET,
            template: "/v1/vetting/intel",
            targets: |_, _| vec![target(&[])],
        },
        Row {
            method: Method::PUT,
            template: "/v1/vetting/intel/{source}",
            targets: |_, _| {
                vec![target(&[("source", &"feed".to_owned())]).body(json!({
                    "type": "bundle", "id": "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d",
                    "objects": []}))]
            },
        },
        Row {
            method: Method::DELETE,
            template: "/v1/vetting/watchlists/{name}",
            targets: |_, _| vec![target(&[("name", &"sanctions".to_owned())])],
        },
    ]
}

/// The rows of the posture routes: B's snapshot report is the foreign record.
fn posture_rows() -> Vec<Row> {
    fn b_partner(w: &World, _: Who) -> Vec<Target> {
        vec![target(&[("tenant_id", &w.b)])]
    }
    vec![
        Row {
            method: Method::POST,
            template: "/v1/posture/partners/{tenant_id}/snapshots",
            targets: |w, who| {
                w.foreign_tenants(who)
                    .iter()
                    .map(|t| target(&[("tenant_id", t)]).body(crate::posture::compliant_snapshot()))
                    .collect()
            },
        },
        Row {
            method: Method::GET,
            template: "/v1/posture/partners/{tenant_id}",
            targets: b_partner,
        },
        Row {
            method: Method::GET,
            template: "/v1/posture/partners/{tenant_id}/report",
            targets: b_partner,
        },
        Row {
            method: Method::GET,
            template: "/v1/posture/reports/{report_id}",
            targets: |w, _| vec![target(&[("report_id", &w.b_report)])],
        },
        Row {
            method: Method::GET,
            template: "/v1/posture/partners",
            targets: |_, _| vec![target(&[]), target(&[]).query("state=compliant")],
        },
        Row {
            method: Method::GET,
            template: "/v1/posture/baseline",
            // The requirements are the same for every partner.
            targets: |_, who| match who {
                Who::PartnerAdmin => vec![target(&[]).allowed()],
                _ => vec![target(&[])],
            },
        },
        Row {
            method: Method::POST,
            template: "/v1/posture/baseline/reload",
            targets: |_, _| vec![target(&[]).body(json!({"directory": "/tmp"}))],
        },
    ]
}

/// One route of the API and the calls to make of it as each principal.
pub struct Row {
    pub method: Method,
    pub template: &'static str,
    pub targets: fn(&World, Who) -> Vec<Target>,
}

fn new_user_body() -> Value {
    json!({"user_principal_name": "intruder@evil.example", "display_name": "Intruder"})
}

/// Every `/v1` route, with the calls that must all be refused.
pub fn table() -> Vec<Row> {
    let mut rows = directory_rows();
    rows.extend(least_privilege_rows());
    rows.extend(vetting_rows());
    rows.extend(posture_rows());
    rows.extend(webhooks::webhook_rows());
    rows.extend(usage::usage_rows());
    rows.extend(settings::settings_rows());
    rows.extend(templates::template_rows());
    rows.extend(access_reviews::access_review_rows());
    rows
}

/// The rows of the foundation's routes: tenants, directory, tokens, audit.
fn directory_rows() -> Vec<Row> {
    vec![
        Row {
            method: Method::GET,
            template: "/v1/tenants",
            targets: |w, who| match w.own_tenant(who) {
                None => vec![target(&[]), target(&[]).query("kind=partner")],
                Some(own) => {
                    let own = own.to_owned();
                    let (same, other) = if own == w.a {
                        ("partner", "customer")
                    } else {
                        ("customer", "partner")
                    };
                    vec![
                        target(&[]).only(vec![own.clone()]),
                        target(&[]).query(format!("kind={same}")).only(vec![own]),
                        target(&[]).query(format!("kind={other}")).only(vec![]),
                    ]
                }
            },
        },
        Row {
            method: Method::POST,
            template: "/v1/tenants",
            targets: |w, _| {
                vec![
                    target(&[]).body(json!({"kind": "partner", "display_name": "Intruder Tenant"})),
                    target(&[])
                        .body(json!({"id": w.b, "kind": "partner", "display_name": "Bravo Again"})),
                    target(&[]).body(
                        json!({"id": w.d, "kind": "customer", "display_name": "Delta Again"}),
                    ),
                ]
            },
        },
        Row {
            method: Method::GET,
            template: "/v1/tenants/{tenant_id}",
            targets: |w, who| {
                w.foreign_tenants(who)
                    .iter()
                    .map(|t| target(&[("tenant_id", t)]))
                    .collect()
            },
        },
        Row {
            method: Method::PATCH,
            template: "/v1/tenants/{tenant_id}",
            targets: |w, who| {
                let mut tenants = w.foreign_tenants(who);
                tenants.push(w.home(who));
                tenants
                    .iter()
                    .map(|t| target(&[("tenant_id", t)]).body(json!({"display_name": "Hijacked"})))
                    .collect()
            },
        },
        Row {
            method: Method::DELETE,
            template: "/v1/tenants/{tenant_id}",
            targets: |w, who| {
                let mut tenants = w.foreign_tenants(who);
                tenants.push(w.home(who));
                tenants
                    .iter()
                    .map(|t| target(&[("tenant_id", t)]))
                    .collect()
            },
        },
        Row {
            method: Method::GET,
            template: "/v1/tenants/{tenant_id}/users",
            targets: |w, who| {
                directory_tenants(w, who)
                    .iter()
                    .map(|t| target(&[("tenant_id", t)]))
                    .collect()
            },
        },
        Row {
            method: Method::POST,
            template: "/v1/tenants/{tenant_id}/users",
            targets: |w, who| {
                directory_tenants(w, who)
                    .iter()
                    .map(|t| target(&[("tenant_id", t)]).body(new_user_body()))
                    .collect()
            },
        },
        Row {
            method: Method::GET,
            template: "/v1/tenants/{tenant_id}/users/{user_id}",
            targets: |w, who| user_targets(w, who),
        },
        Row {
            method: Method::PATCH,
            template: "/v1/tenants/{tenant_id}/users/{user_id}",
            targets: |w, who| {
                user_targets(w, who)
                    .into_iter()
                    .map(|t| t.body(json!({"enabled": false, "display_name": "Hijacked"})))
                    .collect()
            },
        },
        Row {
            method: Method::DELETE,
            template: "/v1/tenants/{tenant_id}/users/{user_id}",
            targets: |w, who| user_targets(w, who),
        },
        Row {
            method: Method::GET,
            template: "/v1/tenants/{tenant_id}/groups",
            targets: |w, who| {
                directory_tenants(w, who)
                    .iter()
                    .map(|t| target(&[("tenant_id", t)]))
                    .collect()
            },
        },
        Row {
            method: Method::POST,
            template: "/v1/tenants/{tenant_id}/groups",
            targets: |w, who| {
                directory_tenants(w, who)
                    .iter()
                    .map(|t| target(&[("tenant_id", t)]).body(json!({"display_name": "Intruders"})))
                    .collect()
            },
        },
        Row {
            method: Method::GET,
            template: "/v1/tenants/{tenant_id}/groups/{group_id}",
            targets: |w, who| group_targets(w, who),
        },
        Row {
            method: Method::PATCH,
            template: "/v1/tenants/{tenant_id}/groups/{group_id}",
            targets: |w, who| {
                group_targets(w, who)
                    .into_iter()
                    .map(|t| t.body(json!({"display_name": "Hijacked", "description": null})))
                    .collect()
            },
        },
        Row {
            method: Method::DELETE,
            template: "/v1/tenants/{tenant_id}/groups/{group_id}",
            targets: |w, who| group_targets(w, who),
        },
        Row {
            method: Method::GET,
            template: "/v1/tenants/{tenant_id}/groups/{group_id}/members",
            targets: |w, who| group_targets(w, who),
        },
        Row {
            method: Method::POST,
            template: "/v1/tenants/{tenant_id}/groups/{group_id}/members",
            targets: |w, who| {
                let home = w.home(who);
                let [b1, b2] = &w.b_users;
                let [gb1, _] = &w.b_groups;
                vec![
                    target(&[("tenant_id", &w.b), ("group_id", gb1)]).body(json!({"user_id": b2})),
                    target(&[("tenant_id", &home), ("group_id", &w.a_group)])
                        .body(json!({"user_id": b1})),
                    target(&[("tenant_id", &w.b), ("group_id", gb1)])
                        .body(json!({"user_id": w.a_user})),
                    target(&[("tenant_id", &home), ("group_id", gb1)]).body(json!({"user_id": b2})),
                ]
            },
        },
        Row {
            method: Method::DELETE,
            template: "/v1/tenants/{tenant_id}/groups/{group_id}/members/{user_id}",
            targets: |w, who| {
                let home = w.home(who);
                let [b1, b2] = &w.b_users;
                let [gb1, gb2] = &w.b_groups;
                vec![
                    target(&[("tenant_id", &w.b), ("group_id", gb1), ("user_id", b1)]),
                    target(&[("tenant_id", &w.b), ("group_id", gb2), ("user_id", b2)]),
                    target(&[("tenant_id", &home), ("group_id", gb1), ("user_id", b1)]),
                ]
            },
        },
        Row {
            method: Method::GET,
            template: "/v1/tokens",
            targets: |_, _| vec![target(&[]), target(&[]).query("limit=200")],
        },
        Row {
            method: Method::POST,
            template: "/v1/tokens",
            targets: |w, _| {
                vec![
                    target(&[]).body(json!({"kind": "partner_admin", "tenant_id": w.b})),
                    target(&[]).body(json!({"kind": "customer_admin", "tenant_id": w.d})),
                    target(&[]).body(json!({"kind": "operator"})),
                ]
            },
        },
        Row {
            method: Method::GET,
            template: "/v1/tokens/{token_id}",
            targets: |w, who| token_targets(w, who),
        },
        Row {
            method: Method::DELETE,
            template: "/v1/tokens/{token_id}",
            targets: |w, who| token_targets(w, who),
        },
        Row {
            method: Method::GET,
            template: "/v1/audit",
            targets: |w, who| {
                vec![
                    target(&[]),
                    target(&[]).query(format!("tenant_id={}", w.b)),
                    target(&[]).query(format!("tenant_id={}", w.d)),
                    target(&[]).query(format!("tenant_id={}", w.home(who))),
                    target(&[]).query("operation=user.create"),
                ]
            },
        },
    ]
}

/// Tenants whose directory a caller must not reach: every foreign one and,
/// for a customer admin, its own (customers have no partner directory).
fn directory_tenants(w: &World, who: Who) -> Vec<String> {
    let mut tenants = w.foreign_tenants(who);
    if who == Who::CustomerAdmin {
        tenants.push(w.c.clone());
    }
    tenants
}

/// B's users under B, and under the caller's own tenant; the caller's own
/// partner user under B.
fn user_targets(w: &World, who: Who) -> Vec<Target> {
    let home = w.home(who);
    let [b1, b2] = &w.b_users;
    vec![
        target(&[("tenant_id", &w.b), ("user_id", b1)]),
        target(&[("tenant_id", &w.b), ("user_id", b2)]),
        target(&[("tenant_id", &home), ("user_id", b1)]),
        target(&[("tenant_id", &w.b), ("user_id", &w.a_user)]),
    ]
}

/// B's groups under B and under the caller's own tenant; A's group under B.
fn group_targets(w: &World, who: Who) -> Vec<Target> {
    let home = w.home(who);
    let [gb1, gb2] = &w.b_groups;
    vec![
        target(&[("tenant_id", &w.b), ("group_id", gb1)]),
        target(&[("tenant_id", &w.b), ("group_id", gb2)]),
        target(&[("tenant_id", &home), ("group_id", gb1)]),
        target(&[("tenant_id", &w.b), ("group_id", &w.a_group)]),
    ]
}

/// Tokens of B and D, and the caller's own token record.
fn token_targets(w: &World, who: Who) -> Vec<Target> {
    vec![
        target(&[("token_id", &w.b_token)]),
        target(&[("token_id", &w.d_token)]),
        target(&[("token_id", &w.bearer(who).id)]),
    ]
}

/// The concrete path of `template` with `bind`; every placeholder must be bound.
pub fn fill(template: &str, bind: &[(&'static str, String)]) -> String {
    let mut path = template.to_owned();
    for (name, value) in bind {
        let placeholder = format!("{{{name}}}");
        assert!(
            path.contains(&placeholder),
            "{template} has no {placeholder}"
        );
        path = path.replace(&placeholder, value);
    }
    assert!(
        !path.contains('{'),
        "{template}: unbound placeholder in {path}"
    );
    path
}

/// The `/v1` routes of the table.
fn table_routes() -> BTreeSet<(String, String)> {
    table()
        .iter()
        .map(|row| (row.method.to_string(), row.template.to_owned()))
        .collect()
}

#[test]
fn the_isolation_table_covers_every_v1_route_exactly_once() {
    let rows = table();
    assert_eq!(rows.len(), table_routes().len(), "no route is listed twice");
    let documented: BTreeSet<(String, String)> = documented_routes()
        .into_iter()
        .filter(|(_, path)| path.starts_with("/v1/"))
        .collect();
    let table = table_routes();
    let missing: Vec<_> = documented.difference(&table).collect();
    let extra: Vec<_> = table.difference(&documented).collect();
    assert!(
        missing.is_empty(),
        "routes without an isolation row: {missing:?}"
    );
    assert!(
        extra.is_empty(),
        "isolation rows for routes the API does not have: {extra:?}"
    );
    assert!(documented.len() >= 22, "{documented:?}");
}
