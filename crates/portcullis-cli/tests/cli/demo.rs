//! `portcullis demo`, run as a newcomer would: its own database, sign-in
//! links that work, every vetting, posture and relationship state seeded,
//! and the live attack detected, contained and denied — checked through
//! the API of the server it starts.

use std::collections::BTreeSet;
use std::io::{BufRead as _, BufReader};
use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::support::portcullis;

/// Seeding the small scale in a debug build, and the attack, fit in this.
const DEADLINE: Duration = Duration::from_secs(240);

/// The demo process, killed when the test ends (it serves until stopped).
struct Demo {
    child: Child,
    lines: mpsc::Receiver<String>,
    seen: Vec<String>,
    /// What it printed on standard error: the seeding's progress.
    errors: Arc<Mutex<Vec<String>>>,
}

impl Drop for Demo {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Demo {
    fn start(dir: &std::path::Path) -> Self {
        let mut child = portcullis(dir)
            .args(["demo", "--scale", "small", "--listen", "127.0.0.1:0"])
            .args(["--dir", dir.join("demo").to_str().unwrap()])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn portcullis demo");
        let stdout = BufReader::new(child.stdout.take().unwrap());
        let stderr = BufReader::new(child.stderr.take().unwrap());
        let errors = Arc::new(Mutex::new(Vec::new()));
        let kept = errors.clone();
        std::thread::spawn(move || {
            for line in stderr.lines().map_while(Result::ok) {
                kept.lock().unwrap().push(line);
            }
        });
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in stdout.lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Self {
            child,
            lines,
            seen: Vec::new(),
            errors,
        }
    }

    /// The standard error line containing `needle`, once printed (it was
    /// printed before the standard output line already read).
    fn error_line(&self, needle: &str, started: Instant) -> String {
        while started.elapsed() < DEADLINE {
            if let Some(line) = self
                .errors
                .lock()
                .unwrap()
                .iter()
                .find(|l| l.contains(needle))
            {
                return line.clone();
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!(
            "no standard error line with `{needle}`:\n{}",
            self.errors.lock().unwrap().join("\n")
        )
    }

    /// The rest of the first line starting with `prefix`, read before the deadline.
    fn after(&mut self, prefix: &str, started: Instant) -> String {
        if let Some(line) = self.seen.iter().find(|l| l.starts_with(prefix)) {
            return line[prefix.len()..].trim().to_owned();
        }
        loop {
            let left = DEADLINE.saturating_sub(started.elapsed());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    self.seen.push(line.clone());
                    if let Some(rest) = line.strip_prefix(prefix) {
                        return rest.trim().to_owned();
                    }
                }
                Err(_) => panic!(
                    "no line starting `{prefix}` within {DEADLINE:?}:\n{}",
                    self.seen.join("\n")
                ),
            }
        }
    }
}

/// `user=… partner=… customer=…` into its three ids.
fn ids(line: &str) -> (String, String, String) {
    let field = |name: &str| {
        line.split_whitespace()
            .find_map(|w| w.strip_prefix(&format!("{name}=")))
            .unwrap()
            .to_owned()
    };
    (field("user"), field("partner"), field("customer"))
}

async fn get(client: &reqwest::Client, url: &str, token: &str) -> Value {
    let response = client.get(url).bearer_auth(token).send().await.unwrap();
    assert_eq!(response.status(), 200, "{url}");
    response.json().await.unwrap()
}

/// Every item of a paged list.
async fn all(client: &reqwest::Client, url: &str, token: &str) -> Vec<Value> {
    let mut items = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let page_url = match &cursor {
            Some(c) => format!("{url}?limit=200&cursor={c}"),
            None => format!("{url}?limit=200"),
        };
        let page = get(client, &page_url, token).await;
        items.extend(page["items"].as_array().unwrap().iter().cloned());
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => return items,
        }
    }
}

async fn decide(
    client: &reqwest::Client,
    base: &str,
    token: &str,
    who: &(String, String, String),
) -> Value {
    let response = client
        .post(format!("{base}/v1/decisions"))
        .bearer_auth(token)
        .json(&json!({
            "partner_tenant_id": who.1, "user_id": who.0, "customer_tenant_id": who.2,
            "action": "users.read", "auth_strength": "mfa"
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

/// Polls `check` until it holds or the deadline passes.
async fn eventually<F, Fut>(what: &str, started: Instant, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    while !check().await {
        assert!(started.elapsed() < DEADLINE, "{what} within {DEADLINE:?}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Uses a one-time link: its page, then the button's POST, which sets the
/// session cookie that opens the console.
async fn sign_in_with(url: &str, base: &str) {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    assert_eq!(client.get(url).send().await.unwrap().status(), 200, "{url}");
    let link = url.rsplit('/').next().unwrap();
    let used = client
        .post(format!("{base}/sign-in/link"))
        .form(&[("link", link)])
        .send()
        .await
        .unwrap();
    assert_eq!(used.status(), 303, "{url}");
    let cookie = used.headers()["set-cookie"].to_str().unwrap();
    let session = cookie.split(';').next().unwrap().to_owned();
    let page = client
        .get(format!("{base}/"))
        .header("cookie", session)
        .send()
        .await
        .unwrap();
    // An admin's overview sends it on to its own area; never back to sign-in.
    let location = page
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_owned());
    assert!(
        page.status() == 200 || (page.status() == 303 && location.as_deref() != Some("/sign-in")),
        "signed in with {url}: {} {location:?}",
        page.status()
    );
}

#[expect(
    clippy::disallowed_methods,
    reason = "relationship ends are compared with the wall clock"
)]
fn wall_clock() -> time::OffsetDateTime {
    time::OffsetDateTime::now_utc()
}

#[tokio::test]
async fn the_demo_seeds_every_state_and_contains_the_live_attack() {
    let dir = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let mut demo = Demo::start(dir.path());
    let database = demo.after("demo database:", started);
    assert!(database.contains("portcullis-demo.db"), "{database}");
    // Seeding says what it does, phase by phase with counts, on standard error.
    demo.after("seeded in", started);
    let phases = demo.error_line("seeding phases:", started);
    for phase in [
        "applications ",
        "screening and reviews ",
        "customers, relationships and people ",
        "generating activity ",
        "ingesting and detecting, day by day ",
        "catching up to now ",
    ] {
        assert!(phases.contains(phase), "{phase} in {phases}");
    }
    assert!(
        demo.error_line("partners applied", started)
            .contains(" 10 partners applied")
    );
    demo.error_line("events ingested in", started);
    assert!(
        !demo.seen.iter().any(|l| l.contains("partners applied")),
        "progress stays off standard output"
    );
    let base = demo
        .after("console:", started)
        .trim_end_matches('/')
        .to_owned();
    let links = [
        demo.after("operator sign-in link:", started),
        demo.after("partner admin sign-in link", started),
        demo.after("customer admin sign-in link", started),
    ];
    let token = demo.after("operator token:", started);
    let attacked = ids(&demo.after("attacked user:", started));
    let uninvolved = ids(&demo.after("uninvolved user:", started));
    let client = reqwest::Client::new();

    for link in &links {
        let url = link.split_whitespace().last().unwrap();
        assert!(url.starts_with(&format!("{base}/sign-in/link/")), "{link}");
        sign_in_with(url, &base).await;
    }

    let findings_url = format!("{base}/v1/findings?user_id={}", attacked.0);
    eventually("a finding about the attacked user", started, || async {
        let page = get(&client, &findings_url, &token).await;
        !page["items"].as_array().unwrap().is_empty()
    })
    .await;
    let containments_url = format!("{base}/v1/containments?active=true");
    eventually("the attacked user contained", started, || async {
        let page = get(&client, &containments_url, &token).await;
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["kind"] == "user" && c["target_id"] == attacked.0.as_str())
    })
    .await;
    let denied = decide(&client, &base, &token, &attacked).await;
    assert_eq!(denied["effect"], "deny", "{denied}");
    assert!(
        denied["reasons"].to_string().contains("user_contained"),
        "{denied}"
    );
    let allowed = decide(&client, &base, &token, &uninvolved).await;
    assert_eq!(allowed["effect"], "allow", "{allowed}");

    let cases = all(&client, &format!("{base}/v1/vetting/cases"), &token).await;
    let states: BTreeSet<&str> = cases.iter().filter_map(|c| c["state"].as_str()).collect();
    for state in [
        "submitted",
        "in_review",
        "needs_information",
        "approved",
        "rejected",
        "suspended",
        "revoked",
    ] {
        assert!(
            states.contains(state),
            "vetting state `{state}` seeded: {states:?}"
        );
    }
    let postures = all(&client, &format!("{base}/v1/posture/partners"), &token).await;
    let standings: BTreeSet<&str> = postures
        .iter()
        .filter_map(|p| p["state"].as_str())
        .collect();
    for state in ["compliant", "noncompliant", "suspended"] {
        assert!(
            standings.contains(state),
            "posture `{state}` seeded: {standings:?}"
        );
    }
    let noncompliant = postures
        .iter()
        .filter(|p| p["state"] == "noncompliant")
        .count();
    assert_eq!(
        noncompliant, 1,
        "only the partner within its grace period (no stale snapshots): {postures:?}"
    );
    let relationships = all(&client, &format!("{base}/v1/relationships"), &token).await;
    let statuses: BTreeSet<&str> = relationships
        .iter()
        .filter_map(|r| r["status"].as_str())
        .collect();
    for status in [
        "approval_pending",
        "active",
        "expired",
        "rejected",
        "terminated",
    ] {
        assert!(
            statuses.contains(status),
            "relationship status `{status}` seeded: {statuses:?}"
        );
    }
    let in_30_days = wall_clock() + time::Duration::days(30);
    let expiring_soon = relationships.iter().any(|r| {
        r["status"] == "active"
            && r["end_at"].as_str().is_some_and(|end| {
                time::OffsetDateTime::parse(end, &time::format_description::well_known::Rfc3339)
                    .is_ok_and(|end| end < in_30_days)
            })
    });
    assert!(expiring_soon, "an active relationship ends within 30 days");

    assert!(
        !dir.path().join("portcullis.db").exists(),
        "the demo never creates ./portcullis.db"
    );
}
