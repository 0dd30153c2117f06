//! Three `portcullis serve` nodes on one PostgreSQL and one NATS JetStream,
//! with detection partitioned among them, under mixed load (event batches,
//! decisions, group membership changes) while one node after another is
//! killed with SIGKILL and restarted. Afterwards: every acknowledged event
//! is stored once, the events run through detection (saved per partition)
//! add up to the events stored, each planted fan-out raised one finding
//! whose evidence never repeats (a replay would store it again), every
//! node decided the new way within a second of each acknowledged change
//! (time to agreement, measured by asking every node at once until each
//! answers the new way; a node fails only by answering the old way to a
//! question *asked* more than a second after the change, so a starved test
//! process does not blame an up-to-date node), and the audit chain
//! verifies. `PORTCULLIS_SOAK_SECONDS` sets the load's length (default and
//! CI: 120, a kill 15 s after each restart; the test takes about two
//! and a half minutes).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use sqlx::Row as _;
use tokio::sync::Mutex;

use crate::soak_world::{World, change_and_compare};
use crate::support::{
    Served, create_token, offline_vetting_config, portcullis, run, stderr, usual_history,
};

const NODES: usize = 3;
const PARTITIONS: u32 = 8;
/// Synthetic partners whose users only send events.
const PARTNERS: usize = 24;
/// Users planted with a usual history and then a tenant fan-out.
const FAN_OUTS: usize = 6;
const KILL_EVERY: Duration = Duration::from_secs(15);

fn soak_seconds() -> u64 {
    std::env::var("PORTCULLIS_SOAK_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(120)
}

fn now_ms() -> i64 {
    portcullis_domain::Clock::now(&portcullis_domain::SystemClock).unix_millis()
}

/// The nodes' current addresses (a restarted node listens on a new port).
pub type Bases = Arc<Mutex<Vec<Option<String>>>>;

pub async fn live(bases: &Bases) -> Vec<String> {
    bases.lock().await.iter().flatten().cloned().collect()
}

/// Sends `body` to live nodes in turn until one accepts it.
async fn post_until_accepted(
    client: &reqwest::Client,
    bases: &Bases,
    path: &str,
    bearer: &str,
    body: String,
    turn: usize,
) -> Value {
    let mut attempt = 0;
    loop {
        let nodes = live(bases).await;
        if let Some(base) = nodes.get((turn + attempt) % nodes.len().max(1)) {
            let sent = client
                .post(format!("{base}{path}"))
                .bearer_auth(bearer)
                .header("content-type", "application/json")
                .body(body.clone())
                .timeout(Duration::from_secs(10))
                .send()
                .await;
            if let Ok(response) = sent
                && response.status().is_success()
                && let Ok(value) = response.json::<Value>().await
            {
                return value;
            }
        }
        attempt += 1;
        assert!(attempt < 500, "no node accepted {path}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn sign_in(uid: &str, user: &str, partner: &str, customer: &str, t: i64) -> String {
    json!({"class_uid": 3002, "time": t, "status_id": 1, "is_mfa": true,
           "metadata": {"uid": uid}, "user": {"uid": user, "org": {"uid": partner}},
           "cloud": {"account": {"uid": customer}}})
    .to_string()
}

/// A planted fan-out: eight days of usual work, then twelve customers new
/// to the user and the partner within seconds.
fn fan_out(n: usize) -> (String, Vec<String>) {
    let (user, partner) = (format!("fan-user-{n}"), format!("fan-partner-{n}"));
    let now = now_ms();
    let mut lines: Vec<String> = usual_history(&user, &partner, &["usual-a", "usual-b"], now)
        .into_iter()
        .enumerate()
        .map(|(i, mut e)| {
            e["metadata"]["uid"] = json!(format!("soak-fan-{n}-h{i}"));
            e.to_string()
        })
        .collect();
    for k in 0..12 {
        lines.push(sign_in(
            &format!("soak-fan-{n}-f{k}"),
            &user,
            &partner,
            &format!("new-{n}-{k}"),
            now + i64::from(k) * 1_000,
        ));
    }
    (user, lines)
}

async fn metric(client: &reqwest::Client, base: &str, name: &str) -> Option<u64> {
    let text = client
        .get(format!("{base}/metrics"))
        .timeout(Duration::from_secs(5))
        .send()
        .await
        .ok()?
        .text()
        .await
        .ok()?;
    text.lines()
        .find_map(|l| l.strip_prefix(name)?.trim().parse::<f64>().ok())
        .map(|v| v as u64)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn three_nodes_survive_sigkill_with_each_event_detected_once() {
    let Some(db) = portcullis_testkit::TestDb::postgres().await else {
        return;
    };
    if async_nats_reachable().await.is_none() {
        assert!(
            !portcullis_testkit::in_ci(),
            "CI=true and NATS is not reachable at 127.0.0.1:4222"
        );
        eprintln!("NATS is not reachable at 127.0.0.1:4222; skipping");
        return;
    }
    let seconds = soak_seconds();
    let dir = tempfile::tempdir().unwrap();
    let url = db.url().to_owned();
    let op = create_token(dir.path(), &["--database-url", &url]);
    let silent = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let config = offline_vetting_config(dir.path(), &silent);
    let stream = format!("SOAK_{}", uuid::Uuid::new_v4().simple());
    let mut text = std::fs::read_to_string(&config).unwrap();
    // Shadow containment: findings about the decided user must not change
    // what the consistency check expects.
    text.push_str(&format!(
        "[detection]\npartitions = {PARTITIONS}\ncontainment_mode = \"shadow\"\n\
         activity_stream = \"{stream}\"\nactivity_subject = \"soak.{}.p\"\n",
        stream.to_lowercase()
    ));
    std::fs::write(&config, text).unwrap();
    let start_node = |dir: &std::path::Path| {
        let mut cmd = portcullis(dir);
        cmd.args(["serve", "--listen", "127.0.0.1:0", "--database-url", &url]);
        cmd.args(["--nats-url", "nats://127.0.0.1:4222", "--config"]);
        cmd.arg(&config);
        Served::start(cmd)
    };
    let mut nodes: Vec<Served> = (0..NODES).map(|_| start_node(dir.path())).collect();
    let bases: Bases = Arc::new(Mutex::new(
        nodes.iter().map(|n| Some(n.base.clone())).collect(),
    ));
    let client = reqwest::Client::new();

    // A partner with a user allowed into one customer, set up on node 0.
    let world = World::set_up(&client, &nodes[0].base, dir.path(), &url, &op).await;

    let deadline = Instant::now() + Duration::from_secs(seconds);
    let acked = Arc::new(AtomicU64::new(0));
    let events = tokio::spawn(send_events(
        client.clone(),
        Arc::clone(&bases),
        world.service.clone(),
        Arc::clone(&acked),
        deadline,
    ));
    let changes = tokio::spawn(change_and_compare(
        client.clone(),
        Arc::clone(&bases),
        world,
        deadline,
    ));

    // One node after another: SIGKILL, then a restart two seconds later.
    let mut kills = 0;
    let mut counted_before_kills = 0;
    while Instant::now() + KILL_EVERY < deadline {
        tokio::time::sleep(KILL_EVERY).await;
        let victim = kills % NODES;
        let base = nodes[victim].base.clone();
        counted_before_kills += metric(&client, &base, "portcullis_detection_events_total")
            .await
            .unwrap_or(0);
        bases.lock().await[victim] = None;
        nodes[victim].child.kill().unwrap();
        nodes[victim].child.wait().unwrap();
        kills += 1;
        tokio::time::sleep(Duration::from_secs(2)).await;
        nodes[victim] = start_node(dir.path());
        bases.lock().await[victim] = Some(nodes[victim].base.clone());
    }
    let fanned = events.await.unwrap();
    let (toggles, slowest) = changes.await.unwrap();

    let store = portcullis_store::SqlStore::connect(&url).await.unwrap();
    let count = |sql: &'static str| {
        let pool = store.pool().clone();
        async move {
            sqlx::query(sql)
                .fetch_one(&pool)
                .await
                .unwrap()
                .try_get::<i64, _>(0)
                .unwrap()
        }
    };
    // Every event, once: the acknowledged ones by uid, and every event
    // stored (the decisions' own included) through detection exactly once.
    let sent = count("SELECT count(*) FROM activity_events WHERE uid LIKE 'soak-%'").await;
    assert_eq!(
        u64::try_from(sent).unwrap(),
        acked.load(Ordering::SeqCst),
        "acknowledged events stored"
    );
    let settled = Instant::now() + Duration::from_secs(60);
    let (stored, processed) = loop {
        let stored = count("SELECT count(*) FROM activity_events").await;
        let processed =
            count("SELECT COALESCE(sum(processed), 0)::BIGINT FROM detection_partitions").await;
        assert!(
            processed <= stored,
            "more events ran through detection ({processed}) than were stored ({stored})"
        );
        if processed == stored || Instant::now() > settled {
            break (stored, processed);
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert_eq!(
        processed, stored,
        "every stored event ran through detection once"
    );
    let (counted_live, owned) = settled_ownership(&client, &bases).await;
    assert_eq!(
        owned,
        u64::from(PARTITIONS),
        "every partition has one owner"
    );
    let counted = counted_before_kills + counted_live;
    assert!(
        counted <= u64::try_from(stored).unwrap(),
        "nodes counted {counted} events for {stored} stored"
    );

    // Each planted fan-out: one finding, whose stored versions never
    // repeat the same evidence (a replayed event would).
    for user in &fanned {
        let rows = sqlx::query(
            "SELECT id, version FROM findings WHERE user_id = $1 AND rule_id = 'PCD-001'",
        )
        .bind(user)
        .fetch_all(store.pool())
        .await
        .unwrap();
        assert_eq!(rows.len(), 1, "one fan-out finding for {user}");
    }
    let audits = sqlx::query(
        "SELECT target_id, after_state FROM audit_log \
         WHERE operation IN ('finding.create', 'finding.update') ORDER BY seq",
    )
    .fetch_all(store.pool())
    .await
    .unwrap();
    let mut last: std::collections::HashMap<String, (i64, i64)> = Default::default();
    for row in &audits {
        let id: String = row.try_get("target_id").unwrap();
        let after: String = row.try_get("after_state").unwrap();
        let after: Value = serde_json::from_str(&after).unwrap();
        let last_seen: portcullis_domain::Timestamp =
            serde_json::from_value(after["last_seen"].clone()).unwrap();
        let evidence = (
            after["evidence_count"].as_i64().unwrap(),
            last_seen.unix_millis(),
        );
        if let Some(before) = last.insert(id.clone(), evidence) {
            assert!(
                evidence > before,
                "finding {id} stored twice with {before:?}"
            );
        }
    }
    let findings = last.len();
    store.close().await;

    let verify = run(portcullis(dir.path()).args(["audit", "verify", "--database-url", &url]));
    assert!(verify.status.success(), "{}", stderr(&verify));
    eprintln!(
        "soak: {seconds} s, {NODES} nodes, {PARTITIONS} partitions, {kills} SIGKILLs; \
         {sent} events acknowledged, {stored} stored, {processed} run through detection \
         (nodes counted {counted}); {findings} findings ({} planted fan-outs); \
         {toggles} membership changes, slowest agreement {} ms",
        fanned.len(),
        slowest.as_millis()
    );
    for node in nodes {
        let (clean, log) = node.terminate();
        assert!(clean, "{log}");
    }
}

/// The live nodes' detection counts summed, and the partitions they own
/// summed, once every partition has an owner (a restarted node may be
/// taking its share from the others when first asked) or after 30 s.
async fn settled_ownership(client: &reqwest::Client, bases: &Bases) -> (u64, u64) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let (mut counted, mut owned) = (0, 0);
        for base in live(bases).await {
            counted += metric(client, &base, "portcullis_detection_events_total")
                .await
                .unwrap_or(0);
            owned += metric(client, &base, "portcullis_detection_partitions_owned")
                .await
                .unwrap_or(0);
        }
        if owned == u64::from(PARTITIONS) || Instant::now() > deadline {
            return (counted, owned);
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

async fn async_nats_reachable() -> Option<()> {
    tokio::net::TcpStream::connect("127.0.0.1:4222")
        .await
        .ok()
        .map(drop)
}

/// Batches of ordinary sign-ins from many partners, with the planted
/// fan-outs spread through the run; returns the planted users.
async fn send_events(
    client: reqwest::Client,
    bases: Bases,
    service: String,
    acked: Arc<AtomicU64>,
    deadline: Instant,
) -> Vec<String> {
    let started = Instant::now();
    let span = deadline.saturating_duration_since(started);
    let mut planted = Vec::new();
    let mut n = 0_usize;
    while Instant::now() < deadline {
        let due = span.mul_f64(planted.len() as f64 / FAN_OUTS as f64);
        let lines: Vec<String> = if planted.len() < FAN_OUTS && started.elapsed() >= due {
            let (user, lines) = fan_out(planted.len());
            planted.push(user);
            lines
        } else {
            (0..50)
                .map(|k| {
                    n += 1;
                    let p = n % PARTNERS;
                    sign_in(
                        &format!("soak-{n}"),
                        &format!("user-{p}-{}", k % 3),
                        &format!("partner-{p}"),
                        &format!("customer-{p}"),
                        now_ms(),
                    )
                })
                .collect()
        };
        let count = lines.len() as u64;
        let report =
            post_until_accepted(&client, &bases, "/v1/events", &service, lines.join("\n"), n).await;
        assert_eq!(report["rejected"], json!([]), "{report}");
        acked.fetch_add(count, Ordering::SeqCst);
    }
    planted
}
