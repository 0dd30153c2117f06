//! Two `portcullis serve` processes on one PostgreSQL database: a change
//! committed on one node changes the other node's decisions within a second.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::support::{
    Served, application, create_token, offline_vetting_config, portcullis, usual_history,
};

const GROUPS_ADMIN: &str = "fdd7a751-b60b-444a-984c-02652fe8fa1c";

struct Node {
    base: String,
    client: reqwest::Client,
}

impl Node {
    async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        bearer: &str,
        body: Option<Value>,
    ) -> Value {
        let mut request = self
            .client
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(bearer);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        let text = response.text().await.unwrap();
        assert!(status.is_success(), "{path}: {status} {text}");
        serde_json::from_str(&text).unwrap_or(Value::Null)
    }

    async fn post(&self, path: &str, bearer: &str, body: Value) -> Value {
        self.call(reqwest::Method::POST, path, bearer, Some(body))
            .await
    }

    async fn id(&self, path: &str, bearer: &str, body: Value) -> String {
        self.post(path, bearer, body).await["id"]
            .as_str()
            .unwrap()
            .to_owned()
    }
}

#[tokio::test]
async fn termination_on_one_node_denies_on_the_other_within_a_second() {
    let Some(db) = portcullis_testkit::TestDb::postgres().await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let op = create_token(dir.path(), &["--database-url", db.url()]);
    let silent = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let config = offline_vetting_config(dir.path(), &silent);
    // Only the fan-out finding contains here: the test's own denied decisions
    // must not contain Alice again (through the combined-risk rule) after the lift.
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str(
        "[detection.containment]\n\"PCD-001\" = { contain = \"user\", min_severity = 4 }\n",
    );
    std::fs::write(&config, text).unwrap();
    let start = || {
        let mut cmd = portcullis(dir.path());
        cmd.args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--database-url",
            db.url(),
            "--config",
        ]);
        cmd.arg(&config);
        Served::start(cmd)
    };
    let (served_a, served_b) = (start(), start());
    let a = Node {
        base: served_a.base.clone(),
        client: reqwest::Client::new(),
    };
    let b = Node {
        base: served_b.base.clone(),
        client: reqwest::Client::new(),
    };

    // Everything is set up through node A.
    let partner = a
        .id(
            "/v1/tenants",
            &op,
            json!({"kind": "partner", "display_name": "Contoso"}),
        )
        .await;
    let customer = a
        .id(
            "/v1/tenants",
            &op,
            json!({"kind": "customer", "display_name": "Fabrikam"}),
        )
        .await;
    // Vetting: the operator applies on the partner's behalf; two other
    // operators approve (the domain is not proven, so four eyes).
    let case = a
        .post(
            "/v1/vetting/applications",
            &op,
            json!({"tenant_id": partner, "application": application()}),
        )
        .await["case"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    a.post(&format!("/v1/vetting/cases/{case}/screen"), &op, json!({}))
        .await;
    for _ in 0..2 {
        let reviewer = create_token(dir.path(), &["--database-url", db.url()]);
        a.post(
            &format!("/v1/vetting/cases/{case}/reviews"),
            &reviewer,
            json!({"decision": "approve", "reason": "checked"}),
        )
        .await;
    }
    let secret = |v: Value| v["secret"].as_str().unwrap().to_owned();
    let pa = secret(
        a.post(
            "/v1/tokens",
            &op,
            json!({"kind": "partner_admin", "tenant_id": partner}),
        )
        .await,
    );
    let ca = secret(
        a.post(
            "/v1/tokens",
            &op,
            json!({"kind": "customer_admin", "tenant_id": customer}),
        )
        .await,
    );
    let service = secret(a.post("/v1/tokens", &op, json!({"kind": "service"})).await);
    let user = a
        .id(
            &format!("/v1/tenants/{partner}/users"),
            &pa,
            json!({"user_principal_name": "alice@contoso.example", "display_name": "Alice"}),
        )
        .await;
    // Alice has worked in Fabrikam and one other customer every day for the
    // past eight days (her baseline is learned), sent before any decision
    // about her so that detection reads her history first, as it would have.
    let now = portcullis_domain::Clock::now(&portcullis_domain::SystemClock).unix_millis();
    let history: Vec<String> = usual_history(&user, &partner, &[&customer, "customer-usual"], now)
        .iter()
        .map(Value::to_string)
        .collect();
    let report: Value = a
        .client
        .post(format!("{}/v1/events", a.base))
        .bearer_auth(&service)
        .body(history.join("\n"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        report,
        json!({"accepted": history.len(), "duplicates": 0, "rejected": []}),
        "the history is stored"
    );
    let group = a
        .id(
            &format!("/v1/tenants/{partner}/groups"),
            &pa,
            json!({"display_name": "Helpdesk"}),
        )
        .await;
    a.post(
        &format!("/v1/tenants/{partner}/groups/{group}/members"),
        &pa,
        json!({"user_id": user}),
    )
    .await;
    let rel = a
        .id(
            "/v1/relationships",
            &pa,
            json!({"partner_tenant_id": partner, "customer_tenant_id": customer,
        "display_name": "Contoso for Fabrikam", "roles": [GROUPS_ADMIN], "duration": "P30D"}),
        )
        .await;
    a.post(
        &format!("/v1/relationships/{rel}/assignments"),
        &pa,
        json!({"group_id": group, "roles": [GROUPS_ADMIN]}),
    )
    .await;
    a.post(
        &format!("/v1/relationships/{rel}/request-approval"),
        &pa,
        json!({}),
    )
    .await;
    a.post(&format!("/v1/relationships/{rel}/approve"), &ca, json!({}))
        .await;

    let check = json!({"partner_tenant_id": partner, "user_id": user, "customer_tenant_id": customer,
        "action": "groups.update", "auth_strength": "mfa"});
    let effect_on_b =
        || async { b.post("/v1/decisions", &service, check.clone()).await["effect"].clone() };

    // Node B learns of the approval made on A.
    let deadline = Instant::now() + Duration::from_secs(1);
    while effect_on_b().await != json!("allow") {
        assert!(
            Instant::now() < deadline,
            "node B never allowed after the approval on node A"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }

    // A finding on node A (a tenant fan-out by Alice) contains her, and node
    // B denies her within a second of the finding.
    // Near the decisions' own events in time, so the fan-out is all there is:
    // within seconds, 12 customers that neither Alice nor anyone at her
    // partner ever reached (a finding from the 6th, as Alice is settled;
    // High confidence by the 12th).
    let start = portcullis_domain::Clock::now(&portcullis_domain::SystemClock).unix_millis();
    let events: Vec<String> = (0..12)
        .map(|n| {
            json!({"class_uid": 3002, "time": start + n * 1_000, "status_id": 1,
                   "metadata": {"uid": format!("fan-{n}")},
                   "user": {"uid": user, "org": {"uid": partner}},
                   "cloud": {"account": {"uid": format!("customer-{n}")}}, "is_mfa": true})
            .to_string()
        })
        .collect();
    let sent = a
        .client
        .post(format!("{}/v1/events", a.base))
        .bearer_auth(&service)
        .body(events.join("\n"))
        .send()
        .await
        .unwrap();
    assert!(sent.status().is_success());
    let findings_deadline = Instant::now() + Duration::from_secs(5);
    let finding = loop {
        let list = a
            .call(
                reqwest::Method::GET,
                "/v1/findings?rule_id=PCD-001",
                &op,
                None,
            )
            .await;
        if let Some(first) = list["items"].as_array().and_then(|i| i.first()) {
            break first.clone();
        }
        assert!(
            Instant::now() < findings_deadline,
            "node A raised no finding"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    };
    assert_eq!(finding["rule_id"], "PCD-001");
    let found = Instant::now();
    loop {
        let decision = b.post("/v1/decisions", &service, check.clone()).await;
        if decision["reasons"] == json!(["user_contained"]) {
            break;
        }
        assert!(
            found.elapsed() < Duration::from_secs(1),
            "node B still allows Alice a second after the finding on node A: {decision}"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    eprintln!(
        "node B denied {} ms after the finding on node A",
        found.elapsed().as_millis()
    );
    let containments = a
        .call(reqwest::Method::GET, "/v1/containments", &op, None)
        .await;
    let held = containments["items"].as_array().unwrap();
    assert_eq!(held.len(), 1, "{containments}");
    let containment = held[0]["id"].as_str().unwrap().to_owned();
    a.post(
        &format!("/v1/containments/{containment}/lift"),
        &op,
        json!({"reason": "confirmed onboarding day"}),
    )
    .await;
    let lifted = Instant::now() + Duration::from_secs(1);
    while effect_on_b().await != json!("allow") {
        assert!(
            Instant::now() < lifted,
            "node B never allowed after the lift on node A"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }

    // A termination on node A denies on node B within a second.
    a.post(
        &format!("/v1/relationships/{rel}/terminate"),
        &ca,
        json!({}),
    )
    .await;
    let terminated = Instant::now();
    loop {
        let decision = b.post("/v1/decisions", &service, check.clone()).await;
        if decision["effect"] == json!("deny") {
            assert_eq!(decision["reasons"], json!(["no_active_relationship"]));
            break;
        }
        assert!(
            terminated.elapsed() < Duration::from_secs(1),
            "node B still allows a second after the termination on A"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let elapsed = terminated.elapsed();
    eprintln!(
        "node B denied {} ms after the termination on node A",
        elapsed.as_millis()
    );

    for served in [served_a, served_b] {
        let (clean, log) = served.terminate();
        assert!(clean, "{log}");
    }
}
