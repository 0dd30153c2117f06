//! `portcullis reviews`: a customer admin reviews a partner's access
//! through a running server — start, show with usage, deny a role,
//! complete, list — and the denied role is gone.

use serde_json::{Value, json};

use crate::support::{
    Served, create_token, offline_vetting_config, portcullis, run, stderr, stdout,
};

const HELPDESK: &str = "729827e3-9c14-49f7-bb1b-9608f156bbb8";
const GROUPS_ADMIN: &str = "fdd7a751-b60b-444a-984c-02652fe8fa1c";

struct Http {
    base: String,
    client: reqwest::Client,
}

impl Http {
    async fn call(&self, method: reqwest::Method, path: &str, token: &str, body: Value) -> Value {
        let response = self
            .client
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(token)
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = response.status();
        let value: Value = response.json().await.unwrap();
        assert!(status.is_success(), "{path}: {status} {value}");
        value
    }

    async fn post(&self, path: &str, token: &str, body: Value) -> Value {
        self.call(reqwest::Method::POST, path, token, body).await
    }

    async fn get(&self, path: &str, token: &str) -> Value {
        let response = self
            .client
            .get(format!("{}{path}", self.base))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        response.json().await.unwrap()
    }
}

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_customer_admin_reviews_and_removes_a_role_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let silent = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let config = offline_vetting_config(dir.path(), &silent);
    crate::support::migrate(dir.path(), &[]);
    let op = create_token(dir.path(), &[]);
    let mut cmd = portcullis(dir.path());
    cmd.args(["serve", "--listen", "127.0.0.1:0", "--config"]);
    cmd.arg(&config);
    let served = Served::start(cmd);
    let http = Http {
        base: served.base.clone(),
        client: reqwest::Client::new(),
    };
    let tenant =
        |kind: &'static str, name: &'static str| json!({"kind": kind, "display_name": name});
    let partner = id(&http
        .post("/v1/tenants", &op, tenant("partner", "Contoso IT"))
        .await);
    let customer = id(&http
        .post("/v1/tenants", &op, tenant("customer", "Fabrikam"))
        .await);
    let case = http
        .post(
            "/v1/vetting/applications",
            &op,
            json!({"tenant_id": partner, "application": crate::support::application()}),
        )
        .await;
    let case = case["case"]["id"].as_str().unwrap().to_owned();
    http.post(&format!("/v1/vetting/cases/{case}/screen"), &op, json!({}))
        .await;
    for _ in 0..2 {
        let reviewer = http
            .post("/v1/tokens", &op, json!({"kind": "operator"}))
            .await;
        http.post(
            &format!("/v1/vetting/cases/{case}/reviews"),
            reviewer["secret"].as_str().unwrap(),
            json!({"decision": "approve", "reason": "vetted by the test"}),
        )
        .await;
    }
    let group = id(&http
        .post(
            &format!("/v1/tenants/{partner}/groups"),
            &op,
            json!({"display_name": "Helpdesk"}),
        )
        .await);
    let relationship = id(&http
        .post(
            "/v1/relationships",
            &op,
            json!({"partner_tenant_id": partner, "customer_tenant_id": customer,
                   "display_name": "Contoso for Fabrikam", "roles": [GROUPS_ADMIN, HELPDESK],
                   "duration": "P365D"}),
        )
        .await);
    let assignment = id(&http
        .post(
            &format!("/v1/relationships/{relationship}/assignments"),
            &op,
            json!({"group_id": group, "roles": [GROUPS_ADMIN, HELPDESK]}),
        )
        .await);
    http.post(
        &format!("/v1/relationships/{relationship}/request-approval"),
        &op,
        json!({}),
    )
    .await;
    let customer_admin = http
        .post(
            "/v1/tokens",
            &op,
            json!({"kind": "customer_admin", "tenant_id": customer}),
        )
        .await;
    let ca = customer_admin["secret"].as_str().unwrap().to_owned();
    http.post(
        &format!("/v1/relationships/{relationship}/approve"),
        &ca,
        json!({}),
    )
    .await;

    let reviews = |args: &[&str]| {
        let mut cmd = portcullis(dir.path());
        cmd.env("PORTCULLIS_URL", &served.base)
            .env("PORTCULLIS_TOKEN", &ca)
            .arg("reviews")
            .args(args);
        run(&mut cmd)
    };
    let out = reviews(&["start", "--partner", &partner, "--scope", "all"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let review = stdout(&out).trim().to_owned();
    let out = reviews(&["show", &review]);
    assert!(out.status.success(), "{}", stderr(&out));
    let shown = stdout(&out);
    assert!(shown.contains("Helpdesk Administrator"), "{shown}");
    assert!(shown.contains("not_reviewed"), "{shown}");
    let role_item = format!("role.{assignment}.{HELPDESK}");
    let out = reviews(&[
        "decide",
        &review,
        "--deny",
        &role_item,
        "--justification",
        "unused",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = reviews(&["complete", &review]);
    assert!(out.status.success(), "{}", stderr(&out));
    let done = stdout(&out);
    assert!(
        done.contains(&format!("{role_item}\tdeny\tremoved")),
        "{done}"
    );
    let out = reviews(&["list", "--status", "completed"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains(&format!("{review}\t{partner}\tcompleted")),
        "{}",
        stdout(&out)
    );
    let held = http
        .get(
            &format!("/v1/relationships/{relationship}/assignments/{assignment}"),
            &ca,
        )
        .await;
    assert_eq!(held["roles"], json!([GROUPS_ADMIN]), "{held}");
    // A completed review changes no more: the server's refusal, and the
    // exit status says so.
    let out = reviews(&["decide", &review, "--approve", "role.nope"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("409"), "{}", stderr(&out));
    // The partner's token may not review.
    let partner_admin = http
        .post(
            "/v1/tokens",
            &op,
            json!({"kind": "partner_admin", "tenant_id": partner}),
        )
        .await;
    let mut cmd = portcullis(dir.path());
    cmd.env("PORTCULLIS_URL", &served.base)
        .env(
            "PORTCULLIS_TOKEN",
            partner_admin["secret"].as_str().unwrap(),
        )
        .args(["reviews", "list"]);
    let out = run(&mut cmd);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("403"), "{}", stderr(&out));
    let (clean, log) = served.terminate();
    assert!(clean, "{log}");
}
