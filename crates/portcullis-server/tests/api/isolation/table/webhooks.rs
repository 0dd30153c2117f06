//! The rows of the webhook routes: operators only, so every other caller is
//! refused whatever subscription it names.

use reqwest::Method;
use serde_json::json;

use super::{Row, target};

/// Any subscription id: the routes refuse non-operators before looking.
const SOME_WEBHOOK: &str = "0190a5a4-0000-7000-8000-000000000001";

fn one(template: &'static str, method: Method) -> Row {
    Row {
        method,
        template,
        targets: |_, _| vec![target(&[("webhook_id", &SOME_WEBHOOK.to_owned())])],
    }
}

pub(super) fn webhook_rows() -> Vec<Row> {
    vec![
        Row {
            method: Method::GET,
            template: "/v1/webhooks",
            targets: |_, _| vec![target(&[])],
        },
        Row {
            method: Method::POST,
            template: "/v1/webhooks",
            targets: |_, _| vec![target(&[]).body(json!({"url": "http://evil.example/hook"}))],
        },
        one("/v1/webhooks/{webhook_id}", Method::GET),
        Row {
            method: Method::PATCH,
            template: "/v1/webhooks/{webhook_id}",
            targets: |_, _| {
                vec![
                    target(&[("webhook_id", &SOME_WEBHOOK.to_owned())])
                        .body(json!({"url": "http://evil.example/hook"})),
                ]
            },
        },
        one("/v1/webhooks/{webhook_id}", Method::DELETE),
        one("/v1/webhooks/{webhook_id}/deliveries", Method::GET),
        one("/v1/webhooks/{webhook_id}/test", Method::POST),
    ]
}
