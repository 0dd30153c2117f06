//! Decision records survive a crash: with `decision_records = "sync"` (the
//! default) every decision answered before `kill -9` is in the activity
//! stream after a restart.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};

use crate::support::{Served, create_token, migrate, portcullis};

/// Asks decisions, each about a user id of its own, until the server stops
/// answering; returns the user ids of the decisions answered.
async fn ask_until_gone(base: String, token: String, answered: Arc<Mutex<Vec<String>>>) {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    loop {
        let user = uuid::Uuid::new_v4().to_string();
        let request = json!({
            "partner_tenant_id": uuid::Uuid::new_v4(),
            "user_id": user,
            "customer_tenant_id": uuid::Uuid::new_v4(),
            "action": "users.read",
            "auth_strength": "mfa",
        });
        let Ok(response) = client
            .post(format!("{base}/v1/decisions"))
            .bearer_auth(&token)
            .json(&request)
            .send()
            .await
        else {
            return;
        };
        if response.status() != 200 || response.json::<Value>().await.is_err() {
            return;
        }
        answered.lock().unwrap().push(user);
    }
}

/// Every stored decision event's text, page by page.
async fn stored_events(base: &str, token: &str) -> String {
    let client = reqwest::Client::new();
    let mut text = String::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut url = format!("{base}/v1/events?class_uid=6003&limit=200");
        if let Some(c) = &cursor {
            url.push_str(&format!("&cursor={c}"));
        }
        let page: Value = client
            .get(url)
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        text.push_str(&page["items"].to_string());
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => return text,
        }
    }
}

#[tokio::test]
async fn every_decision_answered_before_kill_9_is_recorded_in_sync_mode() {
    let dir = tempfile::tempdir().unwrap();
    migrate(dir.path(), &[]);
    let token = create_token(dir.path(), &[]);
    let mut cmd = portcullis(dir.path());
    cmd.args([
        "serve",
        "--listen",
        "127.0.0.1:0",
        "--decision-records",
        "sync",
    ]);
    let mut served = Served::start(cmd);

    let answered = Arc::new(Mutex::new(Vec::new()));
    let senders: Vec<_> = (0..16)
        .map(|_| {
            tokio::spawn(ask_until_gone(
                served.base.clone(),
                token.clone(),
                answered.clone(),
            ))
        })
        .collect();
    // Kill the server in the middle of the load, once it has answered plenty.
    while answered.lock().unwrap().len() < 300 {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    served.child.kill().unwrap();
    served.child.wait().unwrap();
    for sender in senders {
        sender.await.unwrap();
    }
    let answered: BTreeSet<String> = answered.lock().unwrap().iter().cloned().collect();
    assert!(answered.len() >= 300);

    let mut cmd = portcullis(dir.path());
    cmd.args(["serve", "--listen", "127.0.0.1:0"]);
    let restarted = Served::start(cmd);
    let stored = stored_events(&restarted.base, &token).await;
    let lost: Vec<&String> = answered
        .iter()
        .filter(|u| !stored.contains(u.as_str()))
        .collect();
    assert!(
        lost.is_empty(),
        "{} of {} answered decisions lost after kill -9: {:?}",
        lost.len(),
        answered.len(),
        lost.iter().take(5).collect::<Vec<_>>()
    );
    let (clean, log) = restarted.terminate();
    assert!(clean, "{log}");
}
