//! The soak's decided world: a partner user allowed into a customer, and
//! the membership changes whose decisions every node must agree on.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::soak::{Bases, live};
use crate::support::{application, create_token};

const GROUPS_ADMIN: &str = "fdd7a751-b60b-444a-984c-02652fe8fa1c";

/// A partner user allowed into a customer through a group.
pub struct World {
    partner: String,
    customer: String,
    user: String,
    group: String,
    partner_admin: String,
    pub service: String,
}

impl World {
    pub async fn set_up(
        client: &reqwest::Client,
        base: &str,
        dir: &std::path::Path,
        url: &str,
        op: &str,
    ) -> Self {
        let post = |path: String, bearer: String, body: Value| {
            let request = client
                .post(format!("{base}{path}"))
                .bearer_auth(bearer)
                .json(&body);
            async move {
                let response = request.send().await.unwrap();
                let status = response.status();
                let text = response.text().await.unwrap();
                assert!(status.is_success(), "{path}: {status} {text}");
                serde_json::from_str::<Value>(&text).unwrap_or(Value::Null)
            }
        };
        let id = |v: Value| v["id"].as_str().unwrap().to_owned();
        let secret = |v: Value| v["secret"].as_str().unwrap().to_owned();
        let op = op.to_owned();
        let tenant = |kind: &str, name: &str| {
            post(
                "/v1/tenants".into(),
                op.clone(),
                json!({"kind": kind, "display_name": name}),
            )
        };
        let partner = id(tenant("partner", "Contoso").await);
        let customer = id(tenant("customer", "Fabrikam").await);
        let case = post(
            "/v1/vetting/applications".into(),
            op.clone(),
            json!({"tenant_id": partner, "application": application()}),
        )
        .await["case"]["id"]
            .as_str()
            .unwrap()
            .to_owned();
        post(
            format!("/v1/vetting/cases/{case}/screen"),
            op.clone(),
            json!({}),
        )
        .await;
        for _ in 0..2 {
            let reviewer = create_token(dir, &["--database-url", url]);
            post(
                format!("/v1/vetting/cases/{case}/reviews"),
                reviewer,
                json!({"decision": "approve", "reason": "checked"}),
            )
            .await;
        }
        let token = |body: Value| post("/v1/tokens".into(), op.clone(), body);
        let pa = secret(token(json!({"kind": "partner_admin", "tenant_id": partner})).await);
        let ca = secret(token(json!({"kind": "customer_admin", "tenant_id": customer})).await);
        let service = secret(token(json!({"kind": "service"})).await);
        let user = id(post(
            format!("/v1/tenants/{partner}/users"),
            pa.clone(),
            json!({"user_principal_name": "alice@contoso.example", "display_name": "Alice"}),
        )
        .await);
        let group = id(post(
            format!("/v1/tenants/{partner}/groups"),
            pa.clone(),
            json!({"display_name": "Helpdesk"}),
        )
        .await);
        let rel = id(post(
            "/v1/relationships".into(),
            pa.clone(),
            json!({"partner_tenant_id": partner, "customer_tenant_id": customer,
                   "display_name": "Contoso for Fabrikam", "roles": [GROUPS_ADMIN],
                   "duration": "P30D"}),
        )
        .await);
        post(
            format!("/v1/relationships/{rel}/assignments"),
            pa.clone(),
            json!({"group_id": group, "roles": [GROUPS_ADMIN]}),
        )
        .await;
        post(
            format!("/v1/relationships/{rel}/request-approval"),
            pa.clone(),
            json!({}),
        )
        .await;
        post(format!("/v1/relationships/{rel}/approve"), ca, json!({})).await;
        Self {
            partner,
            customer,
            user,
            group,
            partner_admin: pa,
            service,
        }
    }
}

/// Adds Alice to the group and removes her again, each time on one live
/// node, and asks every live node until all agree (allow, then deny):
/// a question asked a second after the change gets the new answer.
/// Returns the changes made and the slowest agreement (when the first
/// question answered the new way was asked).
pub async fn change_and_compare(
    client: reqwest::Client,
    bases: Bases,
    world: World,
    deadline: Instant,
) -> (u64, Duration) {
    let check = json!({"partner_tenant_id": world.partner, "user_id": world.user,
        "customer_tenant_id": world.customer, "action": "groups.update", "auth_strength": "mfa"})
    .to_string();
    let members = format!(
        "/v1/tenants/{}/groups/{}/members",
        world.partner, world.group
    );
    let (mut changes, mut slowest) = (0_u64, Duration::ZERO);
    let mut member = false;
    while Instant::now() < deadline {
        let nodes = live(&bases).await;
        let turn = usize::try_from(changes).unwrap();
        let Some(base) = nodes.get(turn % nodes.len().max(1)) else {
            tokio::time::sleep(Duration::from_millis(100)).await;
            continue;
        };
        let request = if member {
            client.delete(format!("{base}{members}/{}", world.user))
        } else {
            client
                .post(format!("{base}{members}"))
                .json(&json!({"user_id": world.user}))
        };
        let done = request
            .bearer_auth(&world.partner_admin)
            .timeout(Duration::from_secs(10))
            .send()
            .await;
        // 409 (already a member) or 404 (not one): a request cut short by
        // a kill had made the change already.
        if !done.is_ok_and(|r| r.status().is_success() || [404, 409].contains(&r.status().as_u16()))
        {
            // The node died under the request: ask again elsewhere.
            tokio::time::sleep(Duration::from_millis(100)).await;
            continue;
        }
        let changed = Instant::now();
        member = !member;
        changes += 1;
        let expected = if member { "allow" } else { "deny" };
        // Agreement is judged by when a question was asked: a decision
        // asked a second or more after the change must answer the new way
        // (how long the answer then takes on a loaded machine is not the
        // node's staleness).
        for other in live(&bases).await {
            loop {
                let asked = changed.elapsed();
                let answer = client
                    .post(format!("{other}/v1/decisions"))
                    .bearer_auth(&world.service)
                    .header("content-type", "application/json")
                    .body(check.clone())
                    .timeout(Duration::from_secs(5))
                    .send()
                    .await;
                let effect = match answer {
                    Ok(r) if r.status().is_success() => {
                        r.json::<Value>().await.unwrap()["effect"].clone()
                    }
                    // Killed meanwhile: it will reload everything on restart.
                    _ => break,
                };
                if effect == json!(expected) {
                    slowest = slowest.max(asked);
                    break;
                }
                assert!(
                    asked < Duration::from_secs(1),
                    "{other} answered {effect} when asked {} ms after change {changes} (made on {base})",
                    asked.as_millis()
                );
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    (changes, slowest)
}
