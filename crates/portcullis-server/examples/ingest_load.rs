//! Ingestion throughput into PostgreSQL: OCSF events over HTTP
//! (`POST /v1/events`, batches of 1,000) and over NATS JetStream (messages
//! of 100 events), each into a fresh database on the local server.
//!
//! `cargo run --release -p portcullis-server --example ingest_load [-- --quick]`
//! Needs PostgreSQL at 127.0.0.1:5432 (or `PORTCULLIS_TEST_POSTGRES`) and,
//! for the NATS half, NATS with JetStream at 127.0.0.1:4222.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a benchmark binary"
)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use portcullis_domain::{PrincipalKind, SystemClock};
use portcullis_server::{ServerConfig, router, serve};
use portcullis_service::{Caller, NewToken, Portcullis};
use portcullis_testkit::TestDb;

fn event(n: usize) -> String {
    format!(
        r#"{{"class_uid":3002,"time":{},"status_id":1,"metadata":{{"uid":"load-{n}"}},"user":{{"uid":"user-{}","org":{{"uid":"partner-{}"}}}},"cloud":{{"account":{{"uid":"customer-{}"}}}},"src_endpoint":{{"ip":"198.51.100.{}"}},"is_mfa":true}}"#,
        1_800_000_000_000_i64 + i64::try_from(n).unwrap(),
        n % 5_000,
        n % 50,
        n % 500,
        n % 250
    )
}

fn batch(from: usize, count: usize) -> String {
    (from..from + count)
        .map(event)
        .collect::<Vec<_>>()
        .join("\n")
}

async fn count(pool: &sqlx::AnyPool) -> i64 {
    use sqlx::Row as _;
    sqlx::query("SELECT COUNT(*) AS n FROM activity_events")
        .fetch_one(pool)
        .await
        .unwrap()
        .get::<i64, _>("n")
}

#[tokio::main]
async fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let total = if quick { 20_000 } else { 200_000 };

    // HTTP.
    let db = TestDb::postgres()
        .await
        .expect("PostgreSQL for the benchmark");
    let store = db.store().await;
    let app = Portcullis::new(Arc::new(store.clone()), Arc::new(SystemClock));
    let (_, secret) = app
        .create_token(
            &Caller::local_operator(),
            NewToken {
                kind: PrincipalKind::Service,
                tenant_id: None,
                description: None,
                expires_in: None,
            },
        )
        .await
        .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(serve(
        listener,
        router(app.clone(), &ServerConfig::default()),
        std::future::pending(),
    ));
    let client = reqwest::Client::new();
    let batches: Vec<String> = (0..total / 1_000)
        .map(|b| batch(b * 1_000, 1_000))
        .collect();
    let started = Instant::now();
    for body in batches {
        let reply = client
            .post(format!("{base}/v1/events"))
            .bearer_auth(&secret)
            .body(body)
            .send()
            .await
            .unwrap();
        assert!(reply.status().is_success());
    }
    let http = started.elapsed();
    assert_eq!(count(store.pool()).await, i64::try_from(total).unwrap());
    let http_rate = total as f64 / http.as_secs_f64();
    eprintln!(
        "http: {total} events in {:.2} s = {http_rate:.0} events/s",
        http.as_secs_f64()
    );

    // NATS JetStream.
    let nats_rate = match async_nats::connect("nats://127.0.0.1:4222").await {
        Err(e) => {
            eprintln!("nats: skipped ({e})");
            None
        }
        Ok(client) => {
            let js = async_nats::jetstream::new(client);
            let tag = uuid::Uuid::new_v4().simple().to_string();
            let mut config = portcullis_server::nats::NatsConfig::new("nats://127.0.0.1:4222");
            config.stream = format!("PCLOAD_{tag}");
            config.subjects = vec![format!("pcload.{tag}.>")];
            config.durable = format!("pcload-{tag}");
            let db = TestDb::postgres().await.unwrap();
            let store = db.store().await;
            let app = Portcullis::new(Arc::new(store.clone()), Arc::new(SystemClock));
            let consumer = portcullis_server::nats::consumer(&config).await.unwrap();
            for m in 0..total / 100 {
                js.publish(format!("pcload.{tag}.events"), batch(m * 100, 100).into())
                    .await
                    .unwrap();
            }
            let started = Instant::now();
            let task = tokio::spawn(portcullis_server::nats::consume(
                app,
                consumer,
                std::future::pending(),
            ));
            while count(store.pool()).await < i64::try_from(total).unwrap() {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            let elapsed = started.elapsed();
            task.abort();
            js.delete_stream(&config.stream).await.unwrap();
            let rate = total as f64 / elapsed.as_secs_f64();
            eprintln!(
                "nats: {total} events in {:.2} s = {rate:.0} events/s",
                elapsed.as_secs_f64()
            );
            Some(rate)
        }
    };
    println!(
        "{{\"events\":{total},\"http_events_per_sec\":{http_rate:.0},\"nats_events_per_sec\":{},\"cores\":{}}}",
        nats_rate.map_or("null".to_owned(), |r| format!("{r:.0}")),
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
}
