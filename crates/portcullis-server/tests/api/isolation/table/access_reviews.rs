//! The rows of the access review routes: a customer admin's list holds
//! only its own reviews (none here, whatever customer it names); D's
//! review and D's policy are as unknown to it as missing ones; a customer
//! admin cannot review a partner that holds nothing in its tenant; partner
//! admins and services are refused everything.

use reqwest::Method;
use serde_json::json;

use super::super::world::{Who, World};
use super::{Row, Target, target};

fn d_review(w: &World) -> Target {
    target(&[("review_id", &w.d_review)])
}

fn policy_targets(w: &World, who: Who) -> Vec<Target> {
    w.foreign_tenants(who)
        .iter()
        .map(|t| target(&[("tenant_id", t)]))
        .collect()
}

pub(super) fn access_review_rows() -> Vec<Row> {
    vec![
        Row {
            method: Method::GET,
            template: "/v1/access-reviews",
            targets: |w, who| match who {
                Who::CustomerAdmin => vec![
                    target(&[]).only(vec![]),
                    target(&[])
                        .query(format!("customer_tenant_id={}", w.d))
                        .only(vec![]),
                    target(&[])
                        .query(format!("partner_tenant_id={}&status=in_progress", w.b))
                        .only(vec![]),
                ],
                _ => vec![target(&[])],
            },
        },
        Row {
            method: Method::POST,
            template: "/v1/access-reviews",
            targets: |w, _| {
                vec![
                    target(&[]).body(json!({"partner_tenant_id": w.b, "scope": "all"})),
                    target(&[]).body(json!({"partner_tenant_id": w.a})),
                ]
            },
        },
        Row {
            method: Method::GET,
            template: "/v1/access-reviews/{review_id}",
            targets: |w, _| vec![d_review(w), d_review(w).query("days=7")],
        },
        Row {
            method: Method::POST,
            template: "/v1/access-reviews/{review_id}/decisions",
            targets: |w, _| {
                vec![d_review(w).body(json!({"decisions": [
                    {"item_id": format!("relationship.{}", w.b_relationship), "decision": "deny"}]}))]
            },
        },
        Row {
            method: Method::POST,
            template: "/v1/access-reviews/{review_id}/complete",
            targets: |w, _| vec![d_review(w).body(json!({}))],
        },
        Row {
            method: Method::GET,
            template: "/v1/tenants/{tenant_id}/access-review-policy",
            targets: policy_targets,
        },
        Row {
            method: Method::PUT,
            template: "/v1/tenants/{tenant_id}/access-review-policy",
            targets: |w, who| {
                policy_targets(w, who)
                    .into_iter()
                    .map(|t| t.body(json!({"every_days": 30, "scope": "all"})))
                    .collect()
            },
        },
        Row {
            method: Method::DELETE,
            template: "/v1/tenants/{tenant_id}/access-review-policy",
            targets: policy_targets,
        },
    ]
}
