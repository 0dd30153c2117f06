//! The rows of the webhook routes: operators manage every subscription;
//! a customer admin only its own tenant's (its list holds none here, and
//! D's subscription is as unknown to it as a missing one); partner admins
//! and services are refused.

use reqwest::Method;
use serde_json::json;

use super::super::world::Who;
use super::{Row, Target, target};

fn d_webhook(w: &super::super::world::World) -> Target {
    target(&[("webhook_id", &w.d_webhook)])
}

fn one(template: &'static str, method: Method) -> Row {
    Row {
        method,
        template,
        targets: |w, _| vec![d_webhook(w)],
    }
}

pub(super) fn webhook_rows() -> Vec<Row> {
    vec![
        Row {
            method: Method::GET,
            template: "/v1/webhooks",
            targets: |_, who| match who {
                Who::CustomerAdmin => vec![target(&[]).only(vec![])],
                _ => vec![target(&[])],
            },
        },
        Row {
            method: Method::POST,
            template: "/v1/webhooks",
            // A customer admin subscribes for its own tenant only: naming
            // another is refused (what it then receives: the API tests).
            targets: |w, who| match who {
                Who::CustomerAdmin => vec![
                    target(&[]).body(json!({"url": "http://evil.example/hook", "tenant_id": w.d})),
                ],
                _ => vec![target(&[]).body(json!({"url": "http://evil.example/hook"}))],
            },
        },
        one("/v1/webhooks/{webhook_id}", Method::GET),
        Row {
            method: Method::PATCH,
            template: "/v1/webhooks/{webhook_id}",
            targets: |w, _| vec![d_webhook(w).body(json!({"url": "http://evil.example/hook"}))],
        },
        one("/v1/webhooks/{webhook_id}", Method::DELETE),
        one("/v1/webhooks/{webhook_id}/deliveries", Method::GET),
        one("/v1/webhooks/{webhook_id}/test", Method::POST),
    ]
}
