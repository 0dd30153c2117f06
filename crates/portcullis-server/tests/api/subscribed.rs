//! The setup of the customer-side webhook tests: in the world of
//! [`used`](crate::usage::used), its customer and another one (Northwind),
//! each with its admin subscribed to webhooks.

use reqwest::StatusCode;
use serde_json::json;

use crate::support::{Bearer, TestServer, str_field};
use crate::usage::Used;

/// The two customers' subscriptions.
pub struct Subscribed {
    /// The tenant id of the world's customer (Fabrikam).
    pub customer: String,
    /// The tenant id of the other customer (Northwind).
    pub other: String,
    /// An admin of the other customer.
    pub other_admin: Bearer,
    /// Fabrikam's subscription.
    pub mine: String,
    /// Northwind's subscription.
    pub theirs: String,
}

/// Creates Northwind and its admin, and subscribes both customers.
pub async fn two_customers_subscribed(w: &Used) -> Subscribed {
    let s = &w.server;
    let ca = w.customer_admin.secret.as_str();
    let customer = str_field(
        &s.get("/v1/relationships", ca).await.items()[0],
        "customer_tenant_id",
    );
    let other = str_field(&s.create_tenant("customer", "Northwind").await, "id");
    let other_admin = s.mint("customer_admin", Some(&other)).await;
    let mine = subscribe(s, ca, "fabrikam").await;
    let theirs = subscribe(s, &other_admin.secret, "northwind").await;
    Subscribed {
        customer,
        other,
        other_admin,
        mine,
        theirs,
    }
}

/// Subscribes `bearer` to a receiver at `path`; the subscription's id.
pub async fn subscribe(server: &TestServer, bearer: &str, path: &str) -> String {
    let created = server
        .post(
            "/v1/webhooks",
            bearer,
            json!({"url": format!("http://127.0.0.1:9/{path}")}),
        )
        .await
        .expect_status(StatusCode::CREATED)
        .json();
    str_field(&created, "id")
}

/// The event types delivered (or queued) to a subscription.
pub async fn event_types(server: &TestServer, bearer: &str, webhook: &str) -> Vec<String> {
    server
        .collect_pages(&format!("/v1/webhooks/{webhook}/deliveries"), bearer, 200)
        .await
        .0
        .iter()
        .map(|d| str_field(d, "event_type"))
        .collect()
}
