//! `/readyz` reflects detection membership: a node that owns detection
//! partitions is ready while it reads them, and stops being ready when it
//! leaves the detection group against its will (its ownership connection
//! to PostgreSQL closed, its partitions gone to others).

use std::time::{Duration, Instant};

use serde_json::Value;
use sqlx::Connection as _;

use crate::support::{Served, portcullis};

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

#[tokio::test]
async fn a_node_that_leaves_the_detection_group_against_its_will_is_not_ready() {
    let Some(db) = portcullis_testkit::TestDb::postgres().await else {
        return;
    };
    if tokio::net::TcpStream::connect("127.0.0.1:4222")
        .await
        .is_err()
    {
        eprintln!("NATS is not reachable at 127.0.0.1:4222; skipping");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let stream = format!("READY_{}", uuid::Uuid::new_v4().simple());
    let config = dir.path().join("portcullis.toml");
    std::fs::write(
        &config,
        format!(
            "[detection]\npartitions = 4\nactivity_stream = \"{stream}\"\n\
             activity_subject = \"ready.{}.p\"\n",
            stream.to_lowercase()
        ),
    )
    .unwrap();
    let mut cmd = portcullis(dir.path());
    cmd.args([
        "serve",
        "--listen",
        "127.0.0.1:0",
        "--database-url",
        db.url(),
    ]);
    cmd.args(["--nats-url", "nats://127.0.0.1:4222", "--config"]);
    cmd.arg(&config);
    let node = Served::start(cmd);
    let client = reqwest::Client::new();

    // Alone in the group: it owns and reads every partition.
    let (_, ready) = readiness_until(&client, &node.base, Duration::from_secs(10), |s, b| {
        s == 200 && b["detection"] == "member" && b["partitions_owned"] == 4
    })
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
