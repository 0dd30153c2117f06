//! The rows of the template, bulk, finding-answer and score routes: a
//! partner admin lists only its own templates and runs (none here) and is
//! answered 404 for B's template, relationship, run, finding or score;
//! customer admins and services are refused everything.

use reqwest::Method;
use serde_json::json;

use super::super::world::Who;
use super::{Row, Target, target};

/// An empty list for a partner admin; a refusal for everyone else.
fn partner_list(who: Who, queries: Vec<String>) -> Vec<Target> {
    queries
        .into_iter()
        .map(|q| match who {
            Who::PartnerAdmin => target(&[]).query(q).only(vec![]),
            _ => target(&[]).query(q),
        })
        .collect()
}

fn finding_answer(template: &'static str) -> Row {
    Row {
        method: Method::POST,
        template,
        targets: |w, _| {
            vec![target(&[("finding_id", &w.b_finding)]).body(json!({"reason": "mine now"}))]
        },
    }
}

pub(super) fn template_rows() -> Vec<Row> {
    vec![
        Row {
            method: Method::GET,
            template: "/v1/templates",
            targets: |w, who| {
                partner_list(
                    who,
                    vec![String::new(), format!("partner_tenant_id={}", w.b)],
                )
            },
        },
        Row {
            method: Method::POST,
            template: "/v1/templates",
            targets: |w, _| {
                vec![
                    target(&[]).body(json!({"partner_tenant_id": w.b, "name": "Mine",
                    "name_pattern": "{customer}", "roles": ["fdd7a751-b60b-444a-984c-02652fe8fa1c"],
                    "duration": "P30D"})),
                ]
            },
        },
        Row {
            method: Method::GET,
            template: "/v1/templates/{template_id}",
            targets: |w, _| vec![target(&[("template_id", &w.b_template)])],
        },
        Row {
            method: Method::DELETE,
            template: "/v1/templates/{template_id}",
            targets: |w, _| vec![target(&[("template_id", &w.b_template)])],
        },
        Row {
            method: Method::POST,
            template: "/v1/templates/{template_id}/apply",
            targets: |w, _| {
                vec![
                    target(&[("template_id", &w.b_template)])
                        .body(json!({"customer_tenant_ids": [w.d, w.c]})),
                    target(&[("template_id", &w.b_template)])
                        .query("background=true")
                        .body(json!({"customer_tenant_ids": [w.d]})),
                ]
            },
        },
        Row {
            method: Method::POST,
            template: "/v1/bulk/relationships",
            targets: |w, _| {
                vec![
                    target(&[]).body(json!({"change": {"operation": "terminate"},
                        "relationship_ids": [w.b_relationship]})),
                    target(&[]).query("background=true").body(json!({
                        "change": {"operation": "remove_role"},
                        "relationship_ids": [w.b_relationship]})),
                ]
            },
        },
        Row {
            method: Method::GET,
            template: "/v1/bulk/runs",
            targets: |_, who| partner_list(who, vec![String::new()]),
        },
        Row {
            method: Method::GET,
            template: "/v1/bulk/runs/{run_id}",
            targets: |w, _| vec![target(&[("run_id", &w.b_run)])],
        },
        finding_answer("/v1/findings/{finding_id}/acknowledge"),
        finding_answer("/v1/findings/{finding_id}/resolve"),
        Row {
            method: Method::GET,
            template: "/v1/findings/{finding_id}/response",
            targets: |w, _| vec![target(&[("finding_id", &w.b_finding)])],
        },
        Row {
            method: Method::GET,
            template: "/v1/posture/partners/{tenant_id}/score",
            targets: |w, _| vec![target(&[("tenant_id", &w.b)])],
        },
        Row {
            method: Method::GET,
            template: "/v1/posture/partners/{tenant_id}/score/history",
            targets: |w, _| vec![target(&[("tenant_id", &w.b)]).query("days=30")],
        },
    ]
}
