//! The rows of the cluster-wide settings: operators only; every other
//! principal is refused, whatever it sends.

use reqwest::Method;
use serde_json::json;

use super::{Row, target};

pub(super) fn settings_rows() -> Vec<Row> {
    vec![
        Row {
            method: Method::GET,
            template: "/v1/settings",
            targets: |_, _| vec![target(&[])],
        },
        Row {
            method: Method::GET,
            template: "/v1/settings/containment",
            targets: |_, _| vec![target(&[])],
        },
        Row {
            method: Method::PUT,
            template: "/v1/settings/containment",
            targets: |_, _| {
                vec![target(&[]).body(json!({"containment_mode": "shadow", "containment": {}}))]
            },
        },
        Row {
            method: Method::GET,
            template: "/v1/settings/roles",
            targets: |_, _| vec![target(&[])],
        },
        Row {
            method: Method::PUT,
            template: "/v1/settings/roles",
            targets: |_, _| {
                vec![target(&[]).body(json!({"roles": [{
                    "id": "00000000-0000-4000-8000-000000000001",
                    "name": "Ticket Agent", "actions": ["tickets.*"]}]}))]
            },
        },
        Row {
            method: Method::GET,
            template: "/v1/settings/detection",
            targets: |_, _| vec![target(&[])],
        },
        Row {
            method: Method::PUT,
            template: "/v1/settings/detection",
            targets: |_, _| vec![target(&[]).body(json!({"every_ms": 250}))],
        },
        Row {
            method: Method::GET,
            template: "/v1/settings/vetting",
            targets: |_, _| vec![target(&[])],
        },
        Row {
            method: Method::PUT,
            template: "/v1/settings/vetting",
            targets: |_, _| vec![target(&[]).body(json!({"suspend_on": "critical"}))],
        },
    ]
}
