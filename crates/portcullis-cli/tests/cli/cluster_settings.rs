//! Cluster-wide settings: a change made through one node's API is in force
//! on another node within a second, and audited once.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::support::{Served, create_token, portcullis};

const IN_FORCE_WITHIN: Duration = Duration::from_secs(1);

async fn call(
    client: &reqwest::Client,
    method: reqwest::Method,
    url: String,
    bearer: &str,
    body: Option<Value>,
) -> Value {
    let mut request = client.request(method, &url).bearer_auth(bearer);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    let text = response.text().await.unwrap();
    assert!(status.is_success(), "{url}: {status} {text}");
    serde_json::from_str(&text).unwrap()
}

/// Polls `read` until it returns `want`, failing after `IN_FORCE_WITHIN`
/// from `since`; returns how long it took.
async fn within_a_second<F, Fut>(since: Instant, what: &str, want: &Value, read: F) -> Duration
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Value>,
{
    loop {
        let seen = read().await;
        if &seen == want {
            return since.elapsed();
        }
        assert!(
            since.elapsed() < IN_FORCE_WITHIN,
            "{what} not in force on node B a second after the change on node A: {seen}"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test]
async fn containment_policy_and_baseline_changed_on_one_node_are_in_force_on_the_other_within_a_second()
 {
    let Some(db) = portcullis_testkit::TestDb::postgres().await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let op = create_token(dir.path(), &["--database-url", db.url()]);
    // Only node A has the operator's baseline directory, empty at first.
    let baseline = dir.path().join("baseline");
    std::fs::create_dir(&baseline).unwrap();
    let config_a = dir.path().join("a.toml");
    std::fs::write(
        &config_a,
        format!("[posture]\nbaseline_dir = \"{}\"\n", baseline.display()),
    )
    .unwrap();
    let start = |config: Option<&std::path::Path>| {
        let mut cmd = portcullis(dir.path());
        cmd.args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--database-url",
            db.url(),
        ]);
        if let Some(config) = config {
            cmd.arg("--config").arg(config);
        }
        Served::start(cmd)
    };
    let (a, b) = (start(Some(&config_a)), start(None));
    let client = reqwest::Client::new();
    let get = |node: &Served, path: &str| {
        call(
            &client,
            reqwest::Method::GET,
            format!("{}{path}", node.base),
            &op,
            None,
        )
    };

    // The containment policy, set through node A.
    let policy = json!({"containment_mode": "shadow", "containment": {
        "PCD-004": {"contain": "partner", "min_severity": 3, "min_confidence": "Medium"}}});
    let before = get(&b, "/v1/settings/containment").await;
    assert_eq!(before["containment_mode"], "enforced", "{before}");
    let stored = call(
        &client,
        reqwest::Method::PUT,
        format!("{}/v1/settings/containment", a.base),
        &op,
        Some(policy.clone()),
    )
    .await;
    let changed = Instant::now();
    assert_eq!(stored["version"], 1, "{stored}");
    assert_eq!(stored["value"], policy, "{stored}");
    let took = within_a_second(changed, "the containment policy", &policy, || {
        get(&b, "/v1/settings/containment")
    })
    .await;
    eprintln!(
        "containment policy in force on node B after {} ms",
        took.as_millis()
    );

    // The operator declares a new baseline version on node A and reloads.
    std::fs::write(
        baseline.join("version.rego"),
        "package portcullis.baseline\n\nversion := \"partner-2026.12-cluster\"\n",
    )
    .unwrap();
    let asked = Instant::now();
    let reload = call(
        &client,
        reqwest::Method::POST,
        format!("{}/v1/posture/baseline/reload", a.base),
        &op,
        Some(json!({})),
    )
    .await;
    // Node B compiles the stored modules when the change reaches it, as
    // node A did before answering: a second from A's answer.
    let reloaded = Instant::now();
    eprintln!("reload on node A took {} ms", asked.elapsed().as_millis());
    let version = reload["version"].clone();
    assert!(
        version
            .as_str()
            .unwrap()
            .starts_with("partner-2026.12-cluster+"),
        "{reload}"
    );
    let took = within_a_second(reloaded, "the baseline", &version, || async {
        get(&b, "/v1/posture/baseline").await["version"].clone()
    })
    .await;
    eprintln!("baseline in force on node B after {} ms", took.as_millis());

    // Each change audited once, whatever number of nodes applied it.
    let audit = get(&a, "/v1/audit?operation=setting.update").await;
    let targets: Vec<&str> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["target_id"].as_str().unwrap())
        .collect();
    assert_eq!(targets.len(), 2, "{audit}");
    assert!(targets.contains(&"containment") && targets.contains(&"posture.baseline"));

    // A node started later puts the stored settings in force at once.
    let c = start(None);
    assert_eq!(get(&c, "/v1/settings/containment").await, policy);
    assert_eq!(get(&c, "/v1/posture/baseline").await["version"], version);

    for served in [a, b, c] {
        let (clean, log) = served.terminate();
        assert!(clean, "{log}");
    }
}
