//! The soak's decided world: a partner user allowed into a customer, and
//! the membership changes whose decisions every node must agree on.

use std::sync::Arc;
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

/// How soon after a change every node must decide the new way.
pub const AGREE_WITHIN: Duration = Duration::from_secs(1);

impl World {
    /// The question every node is asked: may Alice update groups in the
    /// customer tenant (through the group's Groups Administrator role)?
    fn check(&self) -> String {
        json!({"partner_tenant_id": self.partner, "user_id": self.user,
            "customer_tenant_id": self.customer, "action": "groups.update",
            "auth_strength": "mfa"})
        .to_string()
    }

    fn members(&self) -> String {
        format!("/v1/tenants/{}/groups/{}/members", self.partner, self.group)
    }

    /// Puts Alice in the group through `base`.
    pub async fn add_alice(&self, client: &reqwest::Client, base: &str) {
        let response = client
            .post(format!("{base}{}", self.members()))
            .bearer_auth(&self.partner_admin)
            .json(&json!({"user_id": self.user}))
            .send()
            .await
            .unwrap();
        assert!(response.status().is_success(), "{}", response.status());
    }

    /// What `base` decides now (`"allow"` or `"deny"`); `None` when it
    /// does not answer (killed).
    pub async fn decide(&self, client: &reqwest::Client, base: &str) -> Option<Value> {
        let answer = client
            .post(format!("{base}/v1/decisions"))
            .bearer_auth(&self.service)
            .header("content-type", "application/json")
            .body(self.check())
            .timeout(Duration::from_secs(5))
            .send()
            .await
            .ok()
            .filter(|r| r.status().is_success())?;
        Some(answer.json::<Value>().await.ok()?["effect"].clone())
    }
}

/// Asks `base` until it decides `expected`; returns when that answer
/// arrived, measured from `changed`, and the answer — the old one only if
/// the node gave it to a question *asked* more than [`AGREE_WITHIN`] after
/// the change (a node still deciding the old way then). Judging by when a
/// question was asked, not when its answer arrived, keeps a starved test
/// process from blaming a node that was up to date. `None` if the node
/// stopped answering (killed: it reloads everything when it restarts).
async fn agreed_at(
    client: reqwest::Client,
    world: Arc<World>,
    base: String,
    expected: Value,
    changed: Instant,
) -> Option<(Duration, Value)> {
    loop {
        let asked = changed.elapsed();
        let effect = world.decide(&client, &base).await?;
        if effect == expected || asked > AGREE_WITHIN {
            return Some((changed.elapsed(), effect));
        }
        // Each question is a decision, recorded as an event: ask often
        // enough to measure, not so often as to load the nodes.
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Adds Alice to the group and removes her again, each time on one live
/// node, then asks every live node at once, over and over, until each
/// decides the new way (allow, then deny). No node may answer the old way
/// to a question asked more than [`AGREE_WITHIN`] after the change's
/// acknowledgement. Returns the changes made and the slowest time to
/// agreement (from the acknowledgement to the arrival of the last node's
/// first answer the new way).
pub async fn change_and_compare(
    client: reqwest::Client,
    bases: Bases,
    world: World,
    deadline: Instant,
) -> (u64, Duration) {
    let world = Arc::new(world);
    let members = world.members();
    let (mut changes, mut slowest) = (0_u64, Duration::ZERO);
    let mut agreements = Vec::new();
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
        let expected = json!(if member { "allow" } else { "deny" });
        let mut asking = tokio::task::JoinSet::new();
        for other in live(&bases).await {
            let ask = agreed_at(
                client.clone(),
                Arc::clone(&world),
                other.clone(),
                expected.clone(),
                changed,
            );
            asking.spawn(async move { (other, ask.await) });
        }
        let mut agreement = Duration::ZERO;
        while let Some(joined) = asking.join_next().await {
            let (other, answered) = joined.unwrap();
            let Some((at, effect)) = answered else {
                continue;
            };
            assert!(
                effect == expected,
                "{other} still answered {effect} to a question asked more than {} ms after \
                 change {changes} (made on {base}), not {expected}",
                AGREE_WITHIN.as_millis()
            );
            agreement = agreement.max(at);
        }
        slowest = slowest.max(agreement);
        agreements.push(agreement);
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    agreements.sort();
    if let Some(median) = agreements.get(agreements.len() / 2) {
        eprintln!(
            "soak: time to agreement over {} changes: median {} ms, slowest {} ms",
            agreements.len(),
            median.as_millis(),
            slowest.as_millis()
        );
    }
    (changes, slowest)
}
