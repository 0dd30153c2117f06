//! The rows of the role usage and recommendation routes: a scoped admin's
//! usage and recommendations hold only its own (none here), another
//! tenant's relationship or recommendation is refused, services are
//! refused everything.

use reqwest::Method;
use serde_json::json;

use super::super::world::Who;
use super::{Row, Target, target};

const HELPDESK: &str = "729827e3-9c14-49f7-bb1b-9608f156bbb8";

/// An empty list for scoped admins, whatever tenant the query names; a
/// refusal for services.
fn own_only(who: Who, queries: Vec<String>) -> Vec<Target> {
    queries
        .into_iter()
        .map(|q| match who {
            Who::Service => target(&[]).query(q),
            _ => target(&[]).query(q).only(vec![]),
        })
        .collect()
}

pub(super) fn usage_rows() -> Vec<Row> {
    vec![
        Row {
            method: Method::GET,
            template: "/v1/usage",
            targets: |w, who| {
                own_only(
                    who,
                    vec![
                        String::new(),
                        format!("partner_tenant_id={}", w.b),
                        format!("customer_tenant_id={}&days=30", w.d),
                    ],
                )
            },
        },
        Row {
            method: Method::GET,
            template: "/v1/relationships/{relationship_id}/usage",
            targets: |w, _| vec![target(&[("relationship_id", &w.b_relationship)])],
        },
        Row {
            method: Method::GET,
            template: "/v1/recommendations",
            targets: |w, who| match who {
                Who::PartnerAdmin => own_only(
                    who,
                    vec![String::new(), format!("partner_tenant_id={}&days=7", w.b)],
                ),
                // Customers and services are refused before anything is read.
                _ => vec![target(&[]).query(format!("partner_tenant_id={}", w.b))],
            },
        },
        Row {
            method: Method::POST,
            template: "/v1/recommendations/{recommendation_id}/apply",
            targets: |w, _| {
                [
                    format!("remove_role.{}.{HELPDESK}", w.b_assignment),
                    format!("make_eligible.{}", w.b_assignment),
                    format!("narrow_relationship.{}", w.b_relationship),
                ]
                .iter()
                .map(|id| target(&[("recommendation_id", id)]).body(json!({})))
                .collect()
            },
        },
    ]
}
