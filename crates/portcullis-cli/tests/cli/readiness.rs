//! `/readyz` reflects detection membership: a node that owns detection
//! partitions is ready while it reads them, stops being ready when it
//! leaves the detection group against its will (its ownership connection
//! to PostgreSQL closed, its partitions gone to others) and while it
//! cannot read them (its NATS server gone: `stalled`), and is ready again
//! once it reads them again.

use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::Value;
use sqlx::Connection as _;

use crate::nats_server::PrivateNats;
use crate::support::{Served, create_token, portcullis};

/// The member lock space of the detection group (`PCM1`).
const MEMBER_SPACE: i64 = 0x5043_4d31;

/// Asks `/readyz` until `want` holds of (status, body), for at most `within`.
async fn readiness_until(
    client: &reqwest::Client,
    base: &str,
    within: Duration,
    want: impl Fn(u16, &Value) -> bool,
) -> (u16, Value) {
    let since = Instant::now();
    loop {
        let response = client.get(format!("{base}/readyz")).send().await.unwrap();
        let status = response.status().as_u16();
        let body: Value = response.json().await.unwrap();
        if want(status, &body) {
            return (status, body);
        }
        assert!(
            since.elapsed() < within,
            "readiness still {status} {body} after {} ms",
            within.as_millis()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

const PARTITIONS: u64 = 4;

/// A `serve` node on `db` in the detection group of its own stream on
/// `nats` (so that it owns every partition).
fn start_member(dir: &Path, db: &str, nats: &str) -> Served {
    let stream = format!("READY_{}", uuid::Uuid::new_v4().simple());
    let config = dir.join("portcullis.toml");
    std::fs::write(
        &config,
        format!(
            "[detection]\npartitions = {PARTITIONS}\nactivity_stream = \"{stream}\"\n\
             activity_subject = \"ready.{}.p\"\n",
            stream.to_lowercase()
        ),
    )
    .unwrap();
    let mut cmd = portcullis(dir);
    cmd.args(["serve", "--listen", "127.0.0.1:0", "--database-url", db]);
    cmd.args(["--nats-url", nats, "--config"]);
    cmd.arg(&config);
    Served::start(cmd)
}

/// Alone in the group: it owns and reads every partition.
fn owns_every_partition(status: u16, body: &Value) -> bool {
    status == 200 && body["detection"] == "member" && body["partitions_owned"] == PARTITIONS
}

#[tokio::test]
async fn a_node_that_leaves_the_detection_group_against_its_will_is_not_ready() {
    let Some(db) = portcullis_testkit::TestDb::postgres().await else {
        return;
    };
    if tokio::net::TcpStream::connect("127.0.0.1:4222")
        .await
        .is_err()
    {
        assert!(
            !portcullis_testkit::in_ci(),
            "CI=true and NATS is not reachable at 127.0.0.1:4222"
        );
        eprintln!("NATS is not reachable at 127.0.0.1:4222; skipping");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let node = start_member(dir.path(), db.url(), "nats://127.0.0.1:4222");
    let client = reqwest::Client::new();

    let (_, ready) = readiness_until(
        &client,
        &node.base,
        Duration::from_secs(10),
        owns_every_partition,
    )
    .await;
    assert_eq!(ready["status"], "ready", "{ready}");

    // Its ownership session is ended by the server, as when the network
    // between the node and PostgreSQL fails: it is no longer ready.
    let mut conn = sqlx::PgConnection::connect(db.url()).await.unwrap();
    let ended: i64 = sqlx::query_scalar(
        "SELECT count(pg_terminate_backend(pid)) FROM pg_locks WHERE locktype = 'advisory' \
         AND granted AND classid::bigint = $1 \
         AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
    )
    .bind(MEMBER_SPACE)
    .fetch_one(&mut conn)
    .await
    .unwrap();
    assert_eq!(ended, 1, "one member session");
    let (status, body) =
        readiness_until(&client, &node.base, Duration::from_secs(5), |s, _| s == 503).await;
    assert_eq!(status, 503);
    assert_eq!(body["detection"], "left", "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("left the detection group")),
        "{body}"
    );
    let metrics = client
        .get(format!("{}/metrics", node.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics
            .lines()
            .any(|l| l == "portcullis_detection_partitions_owned 0"),
        "{metrics}"
    );
    let _ = conn.close().await;
    let (clean, log) = node.terminate();
    assert!(clean, "{log}");
}

/// What `/metrics` says `name` is (a metric without labels).
async fn metric(client: &reqwest::Client, base: &str, name: &str) -> u64 {
    let text = client
        .get(format!("{base}/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.parse::<f64>().ok())
        .unwrap_or_else(|| panic!("no {name} in {text}")) as u64
}

#[tokio::test]
async fn a_node_whose_nats_server_dies_is_stalled_and_ready_again_when_it_returns() {
    let Some(db) = portcullis_testkit::TestDb::postgres().await else {
        return;
    };
    let Some(mut nats) = PrivateNats::start() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let node = start_member(dir.path(), db.url(), &nats.url());
    let client = reqwest::Client::new();
    let (_, ready) = readiness_until(
        &client,
        &node.base,
        Duration::from_secs(15),
        owns_every_partition,
    )
    .await;
    assert_eq!(ready["status"], "ready", "{ready}");

    // Its NATS server dies: the partitions it owns cannot be read, and no
    // other node may read them while it holds their locks.
    nats.kill();
    let (_, stalled) = readiness_until(&client, &node.base, Duration::from_secs(15), |s, _| {
        s == 503
    })
    .await;
    assert_eq!(stalled["detection"], "stalled", "{stalled}");
    assert_eq!(stalled["error"]["code"], "unavailable", "{stalled}");
    assert!(
        stalled["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("not being read")),
        "{stalled}"
    );
    assert_eq!(stalled["membership"], "joined", "{stalled}");
    // And it stays so while NATS is away: every answer over the next four
    // looks (two seconds) is the same.
    let steady = Instant::now();
    while steady.elapsed() < Duration::from_secs(2) {
        let response = client
            .get(format!("{}/readyz", node.base))
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        let body: Value = response.json().await.unwrap();
        assert!(
            status == 503 && body["detection"] == "stalled",
            "ready again without NATS: {status} {body}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // The server returns on the same port, with its stream: the node reads
    // every partition again and is ready.
    nats.restart();
    readiness_until(
        &client,
        &node.base,
        Duration::from_secs(30),
        owns_every_partition,
    )
    .await;
    // Member again means read again: an event sent now runs through
    // detection on this node.
    let before = metric(&client, &node.base, "portcullis_detection_events_total").await;
    let operator = create_token(dir.path(), &["--database-url", db.url()]);
    let event = serde_json::json!({"class_uid": 3002, "time": now_ms(), "status_id": 1,
        "metadata": {"uid": "after-the-outage"}, "user": {"uid": "u-1", "org": {"uid": "p-1"}},
        "cloud": {"account": {"uid": "c-1"}}});
    let sent = client
        .post(format!("{}/v1/events", node.base))
        .bearer_auth(operator)
        .header("content-type", "application/json")
        .body(event.to_string())
        .send()
        .await
        .unwrap();
    assert!(sent.status().is_success(), "{}", sent.status());
    let since = Instant::now();
    while metric(&client, &node.base, "portcullis_detection_events_total").await <= before {
        assert!(
            since.elapsed() < Duration::from_secs(15),
            "the event sent after the outage was not run through detection within 15 s"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let (clean, log) = node.terminate();
    assert!(clean, "{log}");
    // Not by luck: the partitions were run again with new consumers when
    // the connection came back.
    assert!(log.contains("reading every partition again"), "{log}");
}

fn now_ms() -> i64 {
    portcullis_domain::Clock::now(&portcullis_domain::SystemClock).unix_millis()
}
