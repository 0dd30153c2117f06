//! The activity stream from a real NATS JetStream server (127.0.0.1:4222,
//! or `PORTCULLIS_TEST_NATS`): events are stored once, bad lines do not
//! block good ones, and a message the store could not take comes back.
//! Without a server the tests print why and return, except with `CI=true`.

use std::sync::Arc;
use std::time::Duration;

use async_nats::jetstream;
use portcullis_domain::{EventFilter, PageRequest, SystemClock};
use portcullis_server::nats::{NatsConfig, consume, consumer};
use portcullis_service::{Caller, Portcullis};
use portcullis_testkit::TestDb;
use serde_json::json;

fn url() -> String {
    std::env::var("PORTCULLIS_TEST_NATS").unwrap_or_else(|_| "nats://127.0.0.1:4222".into())
}

/// A JetStream context on the test server, or `None` (outside CI) when none answers.
async fn jetstream() -> Option<jetstream::Context> {
    match async_nats::connect(url()).await {
        Ok(client) => Some(jetstream::new(client)),
        Err(e) => {
            assert!(
                !portcullis_testkit::in_ci(),
                "CI needs NATS at {}: {e}",
                url()
            );
            eprintln!("skipped: no NATS at {}: {e}", url());
            None
        }
    }
}

/// A stream, subject and durable of this test's own.
fn config() -> (NatsConfig, String) {
    let tag = uuid::Uuid::new_v4().simple().to_string();
    let mut config = NatsConfig::new(url());
    config.stream = format!("PCTEST_{tag}");
    config.subjects = vec![format!("pctest.{tag}.>")];
    config.durable = format!("pctest-{tag}");
    config.ack_wait = Duration::from_secs(2);
    (config, format!("pctest.{tag}.events"))
}

fn line(uid: &str) -> String {
    json!({"class_uid": 3002, "time": 1_700_000_000_000_i64, "status_id": 1, "metadata": {"uid": uid},
           "user": {"uid": "u1", "org": {"uid": "p1"}}, "cloud": {"account": {"uid": "c1"}}})
    .to_string()
}

async fn stored(app: &Portcullis) -> Vec<String> {
    app.list_events(
        &Caller::local_operator(),
        EventFilter::default(),
        &PageRequest::first(200),
    )
    .await
    .unwrap()
    .items
    .into_iter()
    .map(|e| e.event.uid)
    .collect()
}

/// Waits until `check` holds (the consumer works in the background).
async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    for _ in 0..200 {
        if check().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{what} did not happen within 10 s");
}

#[tokio::test]
async fn events_from_jetstream_are_stored_once_and_acknowledged() {
    let Some(js) = jetstream().await else { return };
    let (config, subject) = config();
    let db = TestDb::sqlite();
    let app = Portcullis::new(Arc::new(db.store().await), Arc::new(SystemClock));
    let bound = consumer(&config).await.unwrap();
    for payload in [
        format!("{}\n{}", line("n1"), line("n2")),
        format!("not json\n{}", line("n3")),
        line("n1"),
    ] {
        js.publish(subject.clone(), payload.into())
            .await
            .unwrap()
            .await
            .unwrap();
    }
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(consume(app.clone(), bound, async move {
        let _ = stopped.await;
    }));
    eventually("three events stored", || async {
        stored(&app).await.len() == 3
    })
    .await;
    let mut uids = stored(&app).await;
    uids.sort();
    assert_eq!(uids, ["n1", "n2", "n3"]);
    let mut stream = js.get_stream(&config.stream).await.unwrap();
    let durable: jetstream::consumer::PullConsumer =
        stream.get_consumer(&config.durable).await.unwrap();
    eventually("every message acknowledged", || {
        let mut durable = durable.clone();
        async move {
            let info = durable.info().await.unwrap();
            info.num_ack_pending == 0 && info.num_pending == 0
        }
    })
    .await;
    let _ = stop.send(());
    task.await.unwrap().unwrap();
    let _ = stream.info().await;
    js.delete_stream(&config.stream).await.unwrap();
}

#[tokio::test]
async fn a_message_the_store_cannot_take_is_delivered_again() {
    let Some(js) = jetstream().await else { return };
    let (config, subject) = config();
    let first = consumer(&config).await.unwrap();
    js.publish(subject.clone(), line("r1").into())
        .await
        .unwrap()
        .await
        .unwrap();

    // A node whose database is gone: nothing is stored, nothing acknowledged.
    let broken_db = TestDb::sqlite();
    let broken = broken_db.store().await;
    broken.close().await;
    let app = Portcullis::new(Arc::new(broken), Arc::new(SystemClock));
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(consume(app, first, async move {
        let _ = stopped.await;
    }));
    let mut stream = js.get_stream(&config.stream).await.unwrap();
    let durable: jetstream::consumer::PullConsumer =
        stream.get_consumer(&config.durable).await.unwrap();
    eventually("a delivery attempt", || {
        let mut durable = durable.clone();
        async move { durable.info().await.unwrap().delivered.stream_sequence >= 1 }
    })
    .await;
    let _ = stop.send(());
    task.await.unwrap().unwrap();

    // A healthy node on the same durable consumer gets the message again.
    let db = TestDb::sqlite();
    let app = Portcullis::new(Arc::new(db.store().await), Arc::new(SystemClock));
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(consume(
        app.clone(),
        consumer(&config).await.unwrap(),
        async move {
            let _ = stopped.await;
        },
    ));
    eventually("the redelivered event stored", || async {
        stored(&app).await == ["r1"]
    })
    .await;
    let _ = stop.send(());
    task.await.unwrap().unwrap();
    let _ = stream.info().await;
    js.delete_stream(&config.stream).await.unwrap();
}
