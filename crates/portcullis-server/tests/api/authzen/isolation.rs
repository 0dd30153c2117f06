//! Tenant isolation of the AuthZEN routes: only resource providers
//! (`service` tokens) and operators ask. A partner admin or a customer
//! admin — of the tenants a request is about, of other tenants — gets the
//! same refusal whatever the body says: about its own tenant or another's,
//! about ids that exist or not, malformed, or not JSON at all; nothing is
//! recorded and the refusal names nothing. Every AuthZEN route of the
//! OpenAPI document is swept.

use reqwest::StatusCode;
use serde_json::{Value, json};

use super::{POST_ROUTES, World, action, expect_refusal, tenant, user};
use crate::support::{Bearer, Reply, unknown_id};
use crate::system::documented_routes;

/// Bodies each route is sent: about P↔C (what the admins' own tenants
/// are), about Q's user, and about ids that name nothing.
fn bodies(w: &World, path: &str) -> Vec<Value> {
    let about = |who: &str, customer: &str| match path {
        super::SEARCH_SUBJECT => {
            json!({"subject": {"type": "user"}, "action": action("groups.update"),
                                        "resource": tenant(customer), "context": {"auth_strength": "mfa"}})
        }
        super::SEARCH_RESOURCE => json!({"subject": user(who), "action": action("groups.update"),
                                         "resource": {"type": "tenant"}, "context": {"auth_strength": "mfa"}}),
        super::SEARCH_ACTION => json!({"subject": user(who), "resource": tenant(customer),
                                       "context": {"auth_strength": "mfa"}}),
        super::EVALUATIONS => json!({"subject": user(who), "action": action("groups.update"),
                                     "evaluations": [{"resource": tenant(customer)}],
                                     "context": {"auth_strength": "mfa"}}),
        _ => json!({"subject": user(who), "action": action("groups.update"),
                    "resource": tenant(customer), "context": {"auth_strength": "mfa"}}),
    };
    vec![
        about(&w.alice, &w.c),
        about(&w.carol, &w.d),
        about(&unknown_id(), &unknown_id()),
    ]
}

async fn send_raw(
    w: &World,
    bearer: &Bearer,
    path: &str,
    content_type: &str,
    body: String,
) -> Reply {
    let response = w
        .server
        .client
        .post(w.server.url(path))
        .bearer_auth(&bearer.secret)
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    Reply::read(response).await
}

#[tokio::test]
async fn only_resource_providers_ask_and_every_other_caller_gets_one_refusal() {
    let w = World::build().await;
    let q_admin = w.server.mint("partner_admin", Some(&w.q)).await;
    let d_admin = w.server.mint("customer_admin", Some(&w.d)).await;
    let callers = [&w.p_admin, &q_admin, &w.c_admin, &d_admin];
    let secrets = [
        w.p.as_str(),
        w.q.as_str(),
        w.c.as_str(),
        w.d.as_str(),
        w.alice.as_str(),
        w.bob.as_str(),
        w.carol.as_str(),
        w.dave.as_str(),
    ];
    let watched = [&w.alice, &w.bob, &w.carol, &w.dave];
    let audit_before = w.server.audit("").await;

    let swept: Vec<&str> = documented_routes()
        .iter()
        .filter(|(method, p)| method == "POST" && p.starts_with("/access/"))
        .map(|(_, p)| {
            POST_ROUTES
                .iter()
                .copied()
                .find(|r| r == p)
                .expect("a known route")
        })
        .collect();
    assert_eq!(
        swept.len(),
        POST_ROUTES.len(),
        "every AuthZEN route is swept"
    );

    for path in swept {
        for caller in callers {
            let mut refusals = Vec::new();
            for body in bodies(&w, path) {
                refusals
                    .push(send_raw(&w, caller, path, "application/json", body.to_string()).await);
            }
            refusals.push(send_raw(&w, caller, path, "application/json", "{".to_owned()).await);
            refusals.push(send_raw(&w, caller, path, "application/json", String::new()).await);
            refusals.push(send_raw(&w, caller, path, "text/plain", "{}".to_owned()).await);
            let first = expect_refusal(&refusals[0], StatusCode::FORBIDDEN);
            for refusal in &refusals {
                assert_eq!(
                    (refusal.status, refusal.text.as_str()),
                    (StatusCode::FORBIDDEN, first.as_str()),
                    "{path}: one refusal whatever was sent"
                );
                for secret in secrets {
                    assert!(!refusal.text.contains(secret), "{path}: names `{secret}`");
                }
            }
        }
        // The resource provider is answered.
        for body in bodies(&w, path) {
            w.ask(path, body).await.expect_status(StatusCode::OK);
        }
    }
    // Only the service's evaluations were recorded: one per evaluation of
    // a known user (Alice's and Carol's twice: evaluation and evaluations).
    let recorded: Vec<usize> = {
        let mut counts = Vec::new();
        for user in watched {
            counts.push(w.recorded(user).await.len());
        }
        counts
    };
    assert_eq!(recorded, [2, 0, 2, 0]);
    assert_eq!(w.server.audit("").await, audit_before, "no audit record");

    // An operator may ask too, as for `POST /v1/decisions`.
    let reply = send_raw(
        &w,
        &w.server.operator,
        super::EVALUATION,
        "application/json",
        bodies(&w, super::EVALUATION)[0].to_string(),
    )
    .await
    .expect_status(StatusCode::OK);
    assert_eq!(reply.json()["decision"], json!(true));
}
