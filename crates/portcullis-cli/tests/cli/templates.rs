//! `portcullis templates` and `portcullis bulk`, run as an operator runs
//! them against the database a live server uses: a template applied to
//! three customers in calls of at most two (progress on stderr), then
//! Global Administrator removed from every relationship of the partner,
//! one result per relationship, the exit status saying one failed.

use serde_json::{Value, json};

use crate::support::{
    Served, application, create_token, migrate, offline_vetting_config, portcullis, run, stderr,
    stdout,
};

const GLOBAL_ADMIN: &str = "62e90394-69f5-4237-9190-012177145e10";
const GROUPS_ADMIN: &str = "fdd7a751-b60b-444a-984c-02652fe8fa1c";

struct Api {
    base: String,
    client: reqwest::Client,
}

impl Api {
    async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        token: &str,
        body: Option<Value>,
    ) -> Value {
        let mut request = self
            .client
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        let body: Value = response.json().await.unwrap();
        assert!(status.is_success(), "{path}: {status} {body}");
        body
    }

    async fn post(&self, path: &str, token: &str, body: Value) -> Value {
        self.send(reqwest::Method::POST, path, token, Some(body))
            .await
    }

    async fn get(&self, path: &str, token: &str) -> Value {
        self.send(reqwest::Method::GET, path, token, None).await
    }

    async fn id(&self, path: &str, token: &str, body: Value) -> String {
        self.post(path, token, body).await["id"]
            .as_str()
            .unwrap()
            .to_owned()
    }
}

#[tokio::test]
async fn a_template_reaches_many_customers_and_bulk_removes_global_admin() {
    let dir = tempfile::tempdir().unwrap();
    migrate(dir.path(), &[]);
    let op = create_token(dir.path(), &[]);
    let silent = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let config = offline_vetting_config(dir.path(), &silent);
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str("[least_privilege]\nbulk_cap = 2\n");
    std::fs::write(&config, text).unwrap();
    let mut cmd = portcullis(dir.path());
    cmd.args(["serve", "--listen", "127.0.0.1:0", "--config"])
        .arg(&config);
    let served = Served::start(cmd);
    let api = Api {
        base: served.base.clone(),
        client: reqwest::Client::new(),
    };

    let partner = api
        .id(
            "/v1/tenants",
            &op,
            json!({"kind": "partner", "display_name": "Contoso"}),
        )
        .await;
    let mut customers = Vec::new();
    for name in ["Fabrikam", "Tailspin", "Woodgrove"] {
        customers.push(
            api.id(
                "/v1/tenants",
                &op,
                json!({"kind": "customer", "display_name": name}),
            )
            .await,
        );
    }
    let case = api
        .post(
            "/v1/vetting/applications",
            &op,
            json!({"tenant_id": partner, "application": application()}),
        )
        .await["case"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    api.post(&format!("/v1/vetting/cases/{case}/screen"), &op, json!({}))
        .await;
    for _ in 0..2 {
        let reviewer = create_token(dir.path(), &[]);
        api.post(
            &format!("/v1/vetting/cases/{case}/reviews"),
            &reviewer,
            json!({"decision": "approve", "reason": "checked"}),
        )
        .await;
    }
    let group = api
        .id(
            &format!("/v1/tenants/{partner}/groups"),
            &op,
            json!({"display_name": "Helpdesk"}),
        )
        .await;

    let cli = |args: &[&str]| {
        let mut cmd = portcullis(dir.path());
        cmd.arg("--config").arg(&config).args(args);
        run(&mut cmd)
    };
    let created = cli(&[
        "templates",
        "create",
        "--partner",
        &partner,
        "--name",
        "Helpdesk",
        "--pattern",
        "Helpdesk for {customer}",
        "--role",
        GLOBAL_ADMIN,
        "--role",
        GROUPS_ADMIN,
        "--duration",
        "P365D",
        "--assign",
        &format!("{group}={GROUPS_ADMIN}"),
    ]);
    assert!(created.status.success(), "{}", stderr(&created));
    let template = stdout(&created).trim().to_owned();
    let listed = cli(&["templates", "list", "--partner", &partner]);
    assert!(
        stdout(&listed).contains("Helpdesk for {customer}"),
        "{}",
        stdout(&listed)
    );

    let mut apply = vec!["templates", "apply", template.as_str()];
    for c in &customers {
        apply.extend(["--customer", c.as_str()]);
    }
    let mut dry = apply.clone();
    dry.push("--dry-run");
    let out = cli(&dry);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        stdout(&out).matches("\twould_do\t").count(),
        3,
        "{}",
        stdout(&out)
    );
    let progress = stderr(&out);
    assert!(
        progress.contains("[1/3]") && progress.contains("[3/3]"),
        "{progress}"
    );
    apply.push("--json");
    let out = cli(&apply);
    assert!(out.status.success(), "{}", stderr(&out));
    let report: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(
        (report["total"].as_u64(), report["done"].as_u64()),
        (Some(3), Some(3)),
        "{report}"
    );
    let relationships: Vec<String> = report["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["relationship_id"].as_str().unwrap().to_owned())
        .collect();

    // Two customers approve; the third request still waits.
    for (customer, relationship) in customers.iter().zip(&relationships).take(2) {
        let admin = api
            .post(
                "/v1/tokens",
                &op,
                json!({"kind": "customer_admin", "tenant_id": customer}),
            )
            .await["secret"]
            .as_str()
            .unwrap()
            .to_owned();
        api.post(
            &format!("/v1/relationships/{relationship}/approve"),
            &admin,
            json!({}),
        )
        .await;
    }

    let out = cli(&["bulk", "remove-role", "--partner", &partner]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "one relationship failed: {}",
        stderr(&out)
    );
    let table = stdout(&out);
    assert_eq!(table.matches("\tdone\t").count(), 2, "{table}");
    assert_eq!(table.matches("\tfailed\t").count(), 1, "{table}");
    let summary = stderr(&out);
    assert!(
        summary.contains("remove_role: 2 of 3 done, 1 failed"),
        "{summary}"
    );
    for relationship in relationships.iter().take(2) {
        let r = api
            .get(&format!("/v1/relationships/{relationship}"), &op)
            .await;
        assert_eq!(r["roles"], json!([GROUPS_ADMIN]), "{r}");
    }
    let waiting = api
        .get(&format!("/v1/relationships/{}", relationships[2]), &op)
        .await;
    assert_eq!(waiting["roles"].as_array().unwrap().len(), 2);
    // Each call was kept as a run, which the server shows (newest first).
    let runs = api.get("/v1/bulk/runs", &op).await;
    let removals: Vec<&Value> = runs["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["report"]["operation"] == "remove_role")
        .collect();
    let counts: Vec<(u64, u64, u64)> = removals
        .iter()
        .map(|r| {
            assert!(!r["finished_at"].is_null(), "{r}");
            let n = |k: &str| r["report"][k].as_u64().unwrap();
            (n("total"), n("done"), n("failed"))
        })
        .collect();
    assert_eq!(counts.len(), 2, "calls of at most 2: {runs}");
    assert_eq!(counts.iter().map(|c| c.0).sum::<u64>(), 3, "{runs}");
    assert_eq!(
        counts
            .iter()
            .map(|c| (c.1, c.2))
            .fold((0, 0), |a, c| (a.0 + c.0, a.1 + c.1)),
        (2, 1)
    );

    let out = cli(&[
        "bulk",
        "terminate",
        "--relationship",
        &relationships[0],
        "--json",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let report: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(report["items"][0]["outcome"], "done");
    let ended = api
        .get(&format!("/v1/relationships/{}", relationships[0]), &op)
        .await;
    assert_eq!(ended["status"], "termination_requested");
    served.terminate();
}
