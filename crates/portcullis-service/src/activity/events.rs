//! Every decision becomes an OCSF API Activity (6003) event in the activity
//! stream, written in batches by a background task so that decisions never
//! wait on the database.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use portcullis_decision::{Decision, DecisionRequest, Effect};
use portcullis_domain::{ActivityEvent, OCSF_API_ACTIVITY, Timestamp};
use portcullis_store::Store;
use serde_json::json;
use tokio::sync::{Mutex, mpsc, oneshot};

use crate::Portcullis;

/// How many events wait for the writer before decisions wait for it.
const QUEUE: usize = 65_536;
/// The most events written in one transaction.
const BATCH: usize = 1_000;

enum Item {
    Event(Box<ActivityEvent>),
    Flush(oneshot::Sender<()>),
}

/// The queue between decisions and the writer.
#[derive(Debug)]
pub struct EventQueue {
    tx: mpsc::Sender<Item>,
    rx: Mutex<Option<mpsc::Receiver<Item>>>,
    started: AtomicBool,
}

impl std::fmt::Debug for Item {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Event(_) => "Event",
            Self::Flush(_) => "Flush",
        })
    }
}

impl Default for EventQueue {
    fn default() -> Self {
        let (tx, rx) = mpsc::channel(QUEUE);
        Self {
            tx,
            rx: Mutex::new(Some(rx)),
            started: AtomicBool::new(false),
        }
    }
}

/// The OCSF 6003 document of one decision.
pub fn decision_event(
    request: &DecisionRequest,
    decision: &Decision,
    now: Timestamp,
) -> ActivityEvent {
    let uid = uuid::Uuid::now_v7().to_string();
    let allowed = decision.effect == Effect::Allow;
    let body = json!({
        "class_uid": OCSF_API_ACTIVITY,
        "category_uid": 6,
        "activity_id": 99,
        "type_uid": OCSF_API_ACTIVITY * 100 + 99,
        "time": now.unix_millis(),
        "severity_id": 1,
        "status_id": if allowed { 1 } else { 2 },
        "status": if allowed { "Success" } else { "Failure" },
        "metadata": {
            "uid": uid,
            "version": "1.1.0",
            "product": {"name": "Portcullis", "vendor_name": "Portcullis"},
        },
        "api": {"operation": request.action.as_str()},
        "actor": {"user": {
            "uid": request.user_id.to_string(),
            "org": {"uid": request.partner_tenant_id.to_string()},
        }},
        "cloud": {"provider": "Portcullis", "account": {"uid": request.customer_tenant_id.to_string()}},
        "src_endpoint": {"ip": request.source_ip.map(|ip| ip.to_string())},
        "unmapped": {"portcullis": {
            "decision": decision,
            "auth_strength": request.auth_strength,
        }},
    });
    ActivityEvent {
        uid,
        class_uid: OCSF_API_ACTIVITY,
        time: now,
        status_id: if allowed { 1 } else { 2 },
        partner_tenant_id: Some(request.partner_tenant_id.to_string()),
        user_id: Some(request.user_id.to_string()),
        customer_tenant_id: Some(request.customer_tenant_id.to_string()),
        operation: Some(request.action.as_str().to_owned()),
        body,
    }
}

impl Portcullis {
    /// Queues events for the writer, starting it on first use. Waits only
    /// when the queue is full: events are never dropped.
    pub(crate) async fn record_events(&self, events: Vec<ActivityEvent>) {
        self.start_event_writer().await;
        for event in events {
            if self
                .events
                .tx
                .send(Item::Event(Box::new(event)))
                .await
                .is_err()
            {
                tracing::error!("the event writer stopped; a decision event was not recorded");
            }
        }
    }

    /// Waits until every event queued so far is stored.
    pub async fn flush_events(&self) {
        self.start_event_writer().await;
        let (ack, done) = oneshot::channel();
        if self.events.tx.send(Item::Flush(ack)).await.is_ok() {
            let _ = done.await;
        }
    }

    async fn start_event_writer(&self) {
        if self.events.started.swap(true, Ordering::SeqCst) {
            return;
        }
        if let Some(rx) = self.events.rx.lock().await.take() {
            tokio::spawn(write_events(self.store.clone(), rx));
        }
    }
}

/// Stores queued events in batches; a failed batch is retried, not dropped.
async fn write_events(store: Arc<dyn Store>, mut rx: mpsc::Receiver<Item>) {
    let mut batch: Vec<ActivityEvent> = Vec::with_capacity(BATCH);
    let mut acks: Vec<oneshot::Sender<()>> = Vec::new();
    while let Some(first) = rx.recv().await {
        let mut next = Some(first);
        while let Some(item) = next.take() {
            match item {
                Item::Event(event) => batch.push(*event),
                Item::Flush(ack) => acks.push(ack),
            }
            if batch.len() < BATCH {
                next = rx.try_recv().ok();
            }
        }
        let mut delay = Duration::from_millis(50);
        while !batch.is_empty() {
            match store.append_events(&batch).await {
                Ok(_) => batch.clear(),
                Err(err) => {
                    tracing::error!(%err, events = batch.len(), "cannot store decision events; retrying");
                    tokio::time::sleep(delay).await;
                    delay = (delay * 2).min(Duration::from_secs(5));
                }
            }
        }
        for ack in acks.drain(..) {
            let _ = ack.send(());
        }
    }
}
