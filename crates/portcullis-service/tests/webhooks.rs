//! Webhooks against a real local receiver: an axum server on 127.0.0.1:0
//! that verifies each request's signature with the subscription's secret,
//! answers 500 to the first N requests, and records what it got. Time is a
//! TestClock; the worker runs by explicit `deliver_due` calls.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "tests"
)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use portcullis_domain::{Clock, PageRequest, TestClock, Timestamp};
use portcullis_domain::{DeliveryStatus, WebhookDelivery};
use portcullis_service::webhooks::{DEFAULT_TOLERANCE, SignatureError, verify_signature};
use portcullis_service::{
    Caller, DeliveryRound, DestinationPolicy, NewWebhook, Portcullis, ServiceError, WebhookConfig,
};
use portcullis_store::Store;
use portcullis_testkit::TestDb;

const T0: i64 = 1_800_000_000_000;
const SEC: i64 = 1_000;

/// One request as the receiver saw it.
#[derive(Debug, Clone)]
struct Hit {
    id: String,
    signature: String,
    body: Vec<u8>,
    verified: Result<(), SignatureError>,
}

#[derive(Debug)]
struct Receiver {
    secret: Mutex<String>,
    fail_first: usize,
    seen: AtomicUsize,
    hits: Mutex<Vec<Hit>>,
    clock: Arc<TestClock>,
}

async fn receive(State(r): State<Arc<Receiver>>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let signature = header("portcullis-signature");
    let secret = r.secret.lock().unwrap().clone();
    let verified = verify_signature(&secret, &signature, &body, r.clock.now(), DEFAULT_TOLERANCE);
    let ok = verified.is_ok();
    r.hits.lock().unwrap().push(Hit {
        id: header("portcullis-webhook-id"),
        signature,
        body: body.to_vec(),
        verified,
    });
    let n = r.seen.fetch_add(1, Ordering::SeqCst);
    if !ok {
        StatusCode::UNAUTHORIZED
    } else if n < r.fail_first {
        StatusCode::INTERNAL_SERVER_ERROR
    } else {
        StatusCode::NO_CONTENT
    }
}

fn loopback() -> DestinationPolicy {
    DestinationPolicy::new(vec![
        "127.0.0.0/8".parse().unwrap(),
        "::1/128".parse().unwrap(),
    ])
}

struct World {
    app: Portcullis,
    store: Arc<dyn Store>,
    clock: Arc<TestClock>,
    receiver: Arc<Receiver>,
    url: String,
    _db: TestDb,
}

async fn world(fail_first: usize, config: WebhookConfig) -> World {
    let db = TestDb::sqlite();
    let store: Arc<dyn Store> = Arc::new(db.store().await);
    let clock = Arc::new(TestClock::at(Timestamp::from_unix_millis(T0)));
    // The receiver runs on loopback, which deliveries reach only when allowed.
    let config = WebhookConfig {
        destinations: loopback(),
        ..config
    };
    let app = Portcullis::new(store.clone(), clock.clone()).with_webhooks(config);
    let receiver = Arc::new(Receiver {
        secret: Mutex::new(String::new()),
        fail_first,
        seen: AtomicUsize::new(0),
        hits: Mutex::new(Vec::new()),
        clock: clock.clone(),
    });
    let router = axum::Router::new()
        .route("/hook", axum::routing::post(receive))
        .with_state(receiver.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await });
    World {
        app,
        store,
        clock,
        receiver,
        url,
        _db: db,
    }
}

impl World {
    /// Subscribes the receiver and hands it the secret.
    async fn subscribe(&self, url: &str, event_types: &[&str]) -> String {
        let new = NewWebhook {
            url: url.to_owned(),
            description: Some("test receiver".into()),
            event_types: event_types.iter().map(|t| (*t).to_owned()).collect(),
            enabled: true,
        };
        let (sub, secret) = self
            .app
            .create_webhook(&Caller::local_operator(), new)
            .await
            .unwrap();
        *self.receiver.secret.lock().unwrap() = secret;
        sub.id.to_string()
    }

    /// Moves the clock to `T0 + ms` and runs one delivery round.
    async fn deliver_at(&self, ms: i64) -> DeliveryRound {
        self.clock.set(Timestamp::from_unix_millis(T0 + ms));
        self.app.deliver_due(self.clock.now()).await.unwrap()
    }

    fn hits(&self) -> Vec<Hit> {
        self.receiver.hits.lock().unwrap().clone()
    }

    async fn log(&self, sub: &str) -> Vec<WebhookDelivery> {
        self.app
            .list_webhook_deliveries(&Caller::local_operator(), sub, &PageRequest::first(50))
            .await
            .unwrap()
            .items
    }
}

fn round(delivered: usize, retried: usize, failed: usize) -> DeliveryRound {
    DeliveryRound {
        delivered,
        retried,
        failed,
    }
}

#[tokio::test]
async fn retries_at_the_backoff_instants_and_is_delivered_after_the_first_2xx() {
    let w = world(2, WebhookConfig::default()).await;
    let sub = w.subscribe(&w.url, &[]).await;
    w.app
        .test_webhook(&Caller::local_operator(), &sub)
        .await
        .unwrap();

    assert_eq!(w.deliver_at(0).await, round(0, 1, 0), "first attempt: 500");
    assert_eq!(
        w.deliver_at(10 * SEC - 1).await,
        round(0, 0, 0),
        "not before 10 s"
    );
    assert_eq!(w.deliver_at(10 * SEC).await, round(0, 1, 0), "second: 500");
    assert_eq!(
        w.deliver_at(30 * SEC - 1).await,
        round(0, 0, 0),
        "not before 10 + 20 s"
    );
    assert_eq!(w.deliver_at(30 * SEC).await, round(1, 0, 0), "third: 204");
    assert_eq!(
        w.deliver_at(3_600 * SEC).await,
        round(0, 0, 0),
        "never again"
    );

    let hits = w.hits();
    assert_eq!(hits.len(), 3);
    let log = w.log(&sub).await;
    assert_eq!(log.len(), 1);
    let d = &log[0];
    assert_eq!(d.status, DeliveryStatus::Delivered);
    assert_eq!(d.attempts, 3);
    assert_eq!(d.last_status, Some(204));
    assert_eq!(
        d.delivered_at,
        Some(Timestamp::from_unix_millis(T0 + 30 * SEC))
    );
    assert_eq!(d.next_attempt_at, None);
    for hit in &hits {
        assert_eq!(hit.verified, Ok(()), "signature refused by the receiver");
        assert_eq!(
            hit.id,
            d.id.to_string(),
            "the delivery id is the dedupe key on every attempt"
        );
    }
    let body: serde_json::Value = serde_json::from_slice(&hits[0].body).unwrap();
    assert_eq!(body["type"], "webhook.ping");
    assert_eq!(body["id"], d.id.to_string());
    assert_eq!(body["data"]["webhook_id"], sub.as_str());
    // Each attempt is signed at its own time.
    assert!(hits[0].signature.starts_with(&format!("t={},", T0 / SEC)));
    assert!(
        hits[2]
            .signature
            .starts_with(&format!("t={},", T0 / SEC + 30))
    );
}

#[tokio::test]
async fn fails_after_the_last_attempt_and_stops_sending() {
    let config = WebhookConfig {
        max_attempts: 3,
        ..WebhookConfig::default()
    };
    let w = world(usize::MAX, config).await;
    let sub = w.subscribe(&w.url, &[]).await;
    w.app
        .test_webhook(&Caller::local_operator(), &sub)
        .await
        .unwrap();
    assert_eq!(w.deliver_at(0).await, round(0, 1, 0));
    assert_eq!(w.deliver_at(10 * SEC).await, round(0, 1, 0));
    assert_eq!(w.deliver_at(30 * SEC).await, round(0, 0, 1));
    assert_eq!(w.deliver_at(86_400 * SEC).await, round(0, 0, 0));
    assert_eq!(w.hits().len(), 3);
    let d = &w.log(&sub).await[0];
    assert_eq!(
        (d.status, d.attempts, d.last_status, d.last_error.as_deref()),
        (DeliveryStatus::Failed, 3, Some(500), Some("answered 500"))
    );
    assert_eq!(d.delivered_at, None);
}

#[tokio::test]
async fn an_unreachable_receiver_is_retried_with_the_error_recorded() {
    let w = world(0, WebhookConfig::default()).await;
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}/hook", l.local_addr().unwrap())
    };
    let sub = w.subscribe(&closed, &[]).await;
    w.app
        .test_webhook(&Caller::local_operator(), &sub)
        .await
        .unwrap();
    assert_eq!(w.deliver_at(0).await, round(0, 1, 0));
    let d = &w.log(&sub).await[0];
    assert_eq!(
        (d.status, d.attempts, d.last_status),
        (DeliveryStatus::Pending, 1, None)
    );
    assert!(d.last_error.as_deref().unwrap().starts_with("no answer"));
    assert_eq!(
        d.next_attempt_at,
        Some(Timestamp::from_unix_millis(T0 + 10 * SEC))
    );
}

#[tokio::test]
async fn a_captured_request_with_a_tampered_body_or_replayed_late_is_refused() {
    let w = world(0, WebhookConfig::default()).await;
    let sub = w.subscribe(&w.url, &[]).await;
    w.app
        .test_webhook(&Caller::local_operator(), &sub)
        .await
        .unwrap();
    assert_eq!(w.deliver_at(0).await, round(1, 0, 0));
    let hit = w.hits().remove(0);
    let secret = w.receiver.secret.lock().unwrap().clone();
    let sent_at = Timestamp::from_unix_millis(T0);
    assert_eq!(
        verify_signature(
            &secret,
            &hit.signature,
            &hit.body,
            sent_at,
            DEFAULT_TOLERANCE
        ),
        Ok(())
    );
    let mut tampered = hit.body.clone();
    tampered.extend_from_slice(b" ");
    assert_eq!(
        verify_signature(
            &secret,
            &hit.signature,
            &tampered,
            sent_at,
            DEFAULT_TOLERANCE
        ),
        Err(SignatureError::Mismatch)
    );
    let replayed_at = Timestamp::from_unix_millis(T0 + 5 * 60 * SEC + SEC);
    assert_eq!(
        verify_signature(
            &secret,
            &hit.signature,
            &hit.body,
            replayed_at,
            DEFAULT_TOLERANCE
        ),
        Err(SignatureError::Expired)
    );
    assert_eq!(
        verify_signature(
            "whsec_wrong",
            &hit.signature,
            &hit.body,
            sent_at,
            DEFAULT_TOLERANCE
        ),
        Err(SignatureError::Mismatch)
    );
}

#[tokio::test]
async fn enqueue_follows_filters_and_disabled_subscriptions_get_nothing() {
    let w = world(0, WebhookConfig::default()).await;
    let all = w.subscribe(&w.url, &[]).await;
    // Subscribed last: the receiver checks signatures with this one's secret.
    let warn = w.subscribe(&w.url, &["relationship.expiry_warning"]).await;
    let payload = serde_json::json!({"days_before_end": 7});
    let made = w
        .app
        .enqueue_webhook("relationship.expiry_warning", &payload, Some("k1"))
        .await
        .unwrap();
    assert_eq!(made, 2);
    assert_eq!(
        w.app
            .enqueue_webhook("relationship.expiry_warning", &payload, Some("k1"))
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        w.app
            .enqueue_webhook("other.event", &payload, None)
            .await
            .unwrap(),
        1
    );
    let patch = portcullis_domain::WebhookPatch {
        enabled: Some(false),
        ..Default::default()
    };
    w.app
        .update_webhook(&Caller::local_operator(), &all, None, patch)
        .await
        .unwrap();
    assert_eq!(
        w.app
            .enqueue_webhook("other.event", &payload, None)
            .await
            .unwrap(),
        0
    );
    // The disabled subscription's pending delivery is held, not sent.
    assert_eq!(w.deliver_at(0).await, round(1, 0, 0));
    assert_eq!(w.log(&warn).await[0].status, DeliveryStatus::Delivered);
    assert!(
        w.store
            .get_webhook(all.parse().unwrap())
            .await
            .unwrap()
            .is_some()
    );
}

#[tokio::test]
async fn bad_subscriptions_are_refused_and_unknown_ids_are_not_found() {
    let w = world(0, WebhookConfig::default()).await;
    let op = Caller::local_operator();
    for (url, types) in [
        ("ftp://example.com/", vec![]),
        ("http://user:pw@example.com/", vec![]),
        ("http://example.com/", vec!["Bad Type".to_owned()]),
    ] {
        let new = NewWebhook {
            url: url.into(),
            description: None,
            event_types: types,
            enabled: true,
        };
        let err = w.app.create_webhook(&op, new).await.unwrap_err();
        assert!(
            matches!(err, portcullis_service::ServiceError::Invalid(_)),
            "{err}"
        );
    }
    for id in ["not-a-uuid", "00000000-0000-4000-8000-000000000000"] {
        let err = w.app.get_webhook(&op, id).await.unwrap_err();
        assert!(
            matches!(err, portcullis_service::ServiceError::NotFound(_)),
            "{err}"
        );
        let err = w.app.test_webhook(&op, id).await.unwrap_err();
        assert!(
            matches!(err, portcullis_service::ServiceError::NotFound(_)),
            "{err}"
        );
    }
}

#[tokio::test]
async fn internal_destinations_are_refused_at_subscription_unless_allowed() {
    let w = world(0, WebhookConfig::default()).await;
    let strict = Portcullis::new(w.store.clone(), w.clock.clone());
    for url in [
        "http://127.0.0.1:9/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]:8080/",
        "http://10.0.0.1/",
        "http://100.64.0.1/",
        "http://[::ffff:127.0.0.1]/",
        "http://[fe80::1]/",
        "http://0.0.0.0:9/",
        "http://localhost:9/hook",
    ] {
        let new = NewWebhook {
            url: url.to_owned(),
            description: None,
            event_types: vec![],
            enabled: true,
        };
        let err = strict
            .create_webhook(&Caller::local_operator(), new)
            .await
            .unwrap_err();
        assert!(matches!(err, ServiceError::Invalid(_)), "{url}: {err}");
        assert!(
            err.to_string().contains("not a public address"),
            "{url}: {err}"
        );
    }
    // The allowed network is accepted.
    w.subscribe(&w.url, &[]).await;
}

#[tokio::test]
async fn a_delivery_connects_only_to_a_permitted_address_whatever_the_name_resolves_to() {
    let w = world(0, WebhookConfig::default()).await;
    // Subscribed while loopback was allowed, by address and by name.
    let port = w.url.trim_start_matches("http://127.0.0.1:");
    let by_name = format!("http://localhost:{port}");
    let mut subs = Vec::new();
    for url in [w.url.clone(), by_name] {
        let sub = w.subscribe(&url, &[]).await;
        subs.push(sub.clone());
        w.app
            .test_webhook(&Caller::local_operator(), &sub)
            .await
            .unwrap();
    }
    // A node without the allowance (or a name that now resolves inward)
    // sends nothing there.
    let strict = Portcullis::new(w.store.clone(), w.clock.clone());
    w.clock.set(Timestamp::from_unix_millis(T0));
    let round = strict.deliver_due(w.clock.now()).await.unwrap();
    assert_eq!(
        round,
        DeliveryRound {
            delivered: 0,
            retried: 2,
            failed: 0
        }
    );
    assert!(w.hits().is_empty(), "the receiver was never reached");
    for sub in subs {
        let log = w.log(&sub).await;
        let error = log[0].last_error.clone().unwrap_or_default();
        assert!(error.contains("refused"), "{error}");
    }
}
