//! Every decision becomes an OCSF API Activity (6003) event in the activity
//! stream. One writer task stores them with group commit: every event that
//! is waiting when a transaction starts goes into it. How a decision waits
//! for its event is [`DecisionRecords`]: `sync` (the default) answers only
//! once the event is committed, so every answered decision is on disk;
//! `batched` answers at once and the writer commits what arrived within a
//! window, so a crash loses at most the decisions of the last window and
//! commit.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use portcullis_domain::{ActivityEvent, EncodedEvent};
use portcullis_store::Store;
use tokio::sync::{Mutex, mpsc, oneshot};

use crate::{Portcullis, ServiceError};

/// How many events wait for the writer before decisions wait for it.
const QUEUE: usize = 65_536;
/// The most events written in one transaction. Each commit syncs the
/// log and takes SQLite's write lock, which detection's finding updates
/// also need: at 25,000 decisions a second a cap of 1,000 meant 25
/// commits a second, and a writer held up by a slow sync or a busy lock
/// caught up a thousand records at a time. Five thousand (about 5 MB of
/// documents) lets one commit take everything that waited.
const BATCH: usize = 5_000;
/// How long a `sync` decision waits for its record before it fails (closed).
const SYNC_WAIT: Duration = Duration::from_secs(10);

/// When a decision's record is stored relative to its answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DecisionRecords {
    /// Committed before the answer is sent (group commit across concurrent
    /// decisions).
    #[default]
    Sync,
    /// Answered at once; committed within `window_ms` (one transaction per
    /// window). A crash loses at most the decisions answered in the last
    /// window plus the commit in progress.
    Batched { window_ms: u64 },
}

/// The window of `batched` unless configured otherwise.
pub const DEFAULT_BATCH_WINDOW_MS: u64 = 100;

fn default_window_ms() -> u64 {
    DEFAULT_BATCH_WINDOW_MS
}

impl DecisionRecords {
    /// `sync`, `batched` (100 ms window) or `batched:<ms>`.
    pub fn parse(text: &str) -> Result<Self, ServiceError> {
        match text.split_once(':') {
            None if text == "sync" => Ok(Self::Sync),
            None if text == "batched" => Ok(Self::Batched {
                window_ms: default_window_ms(),
            }),
            Some(("batched", ms)) => ms
                .parse()
                .map(|window_ms| Self::Batched { window_ms })
                .map_err(|_| bad_mode(text)),
            _ => Err(bad_mode(text)),
        }
    }

    fn window(self) -> Option<Duration> {
        match self {
            Self::Sync => None,
            Self::Batched { window_ms } => Some(Duration::from_millis(window_ms.clamp(1, 10_000))),
        }
    }
}

fn bad_mode(text: &str) -> ServiceError {
    portcullis_domain::ValidationError::new(
        "decision_records",
        format!("`{text}` is not `sync`, `batched` or `batched:<milliseconds>`"),
    )
    .into()
}

enum Item {
    /// Events, and who waits for their commit.
    Events(Vec<EncodedEvent>, Option<oneshot::Sender<()>>),
    Flush(oneshot::Sender<()>),
}

/// The queue between decisions and the writer.
#[derive(Debug)]
pub struct EventQueue {
    tx: mpsc::Sender<Item>,
    rx: Mutex<Option<mpsc::Receiver<Item>>>,
    started: AtomicBool,
    pub(crate) mode: DecisionRecords,
}

impl std::fmt::Debug for Item {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Events(..) => "Events",
            Self::Flush(_) => "Flush",
        })
    }
}

impl EventQueue {
    pub(crate) fn new(mode: DecisionRecords) -> Self {
        let (tx, rx) = mpsc::channel(QUEUE);
        Self {
            tx,
            rx: Mutex::new(Some(rx)),
            started: AtomicBool::new(false),
            mode,
        }
    }
}

impl Default for EventQueue {
    fn default() -> Self {
        Self::new(DecisionRecords::default())
    }
}

impl Portcullis {
    /// The same application with decision records stored this way.
    #[must_use]
    pub fn with_decision_records(mut self, mode: DecisionRecords) -> Self {
        self.events = Arc::new(EventQueue::new(mode));
        self
    }

    /// How decision records are stored.
    pub fn decision_records(&self) -> DecisionRecords {
        self.events.mode
    }

    /// Queues a decision's events for the writer, starting it on first
    /// use; in `sync` mode, returns only once they are committed. Events
    /// are never dropped: a full queue makes decisions wait.
    pub(crate) async fn record_events(
        &self,
        events: Vec<EncodedEvent>,
    ) -> Result<(), ServiceError> {
        self.start_event_writer().await;
        let (ack, committed) = match self.events.mode {
            DecisionRecords::Sync => {
                let (ack, committed) = oneshot::channel();
                (Some(ack), Some(committed))
            }
            DecisionRecords::Batched { .. } => (None, None),
        };
        if self
            .events
            .tx
            .send(Item::Events(events, ack))
            .await
            .is_err()
        {
            return Err(ServiceError::Internal(
                "the decision record writer stopped".into(),
            ));
        }
        if let Some(committed) = committed {
            match tokio::time::timeout(SYNC_WAIT, committed).await {
                Ok(Ok(())) => {}
                _ => {
                    return Err(ServiceError::Internal(
                        "the decision record was not stored in time".into(),
                    ));
                }
            }
        }
        Ok(())
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
            self.spawn_background(write_events(
                self.store.clone(),
                self.activity_stream.clone(),
                rx,
                self.events.mode.window(),
            ));
        }
    }
}

/// What one transaction stores and whom it answers.
#[derive(Default)]
struct Batch {
    events: Vec<EncodedEvent>,
    acks: Vec<oneshot::Sender<()>>,
}

impl Batch {
    fn take(&mut self, item: Item) {
        match item {
            Item::Events(events, ack) => {
                self.events.extend(events);
                self.acks.extend(ack);
            }
            Item::Flush(ack) => self.acks.push(ack),
        }
    }

    fn full(&self) -> bool {
        self.events.len() >= BATCH
    }
}

/// Stores queued events with group commit: each transaction takes every
/// event waiting (at most [`BATCH`]), and with a `window`, what arrives
/// within it after the first. A failed transaction is retried, not dropped.
///
/// The writer sleeps through the window and then takes what waits: one
/// wake-up a window, where receiving each event as it arrived woke it for
/// every decision (no CPU difference was measurable at 25,000 a second,
/// but nothing depends on that any more). When a transaction was full,
/// more is waiting, and the next one starts without a window.
async fn write_events(
    store: Arc<dyn Store>,
    stream: Option<Arc<dyn super::ActivityPublisher>>,
    mut rx: mpsc::Receiver<Item>,
    window: Option<Duration>,
) {
    let mut batch = Batch::default();
    let mut behind = false;
    while let Some(first) = rx.recv().await {
        batch.take(first);
        if let (Some(window), false) = (window, behind) {
            tokio::time::sleep(window).await;
        }
        while !batch.full() {
            match rx.try_recv() {
                Ok(item) => batch.take(item),
                Err(_) => break,
            }
        }
        behind = batch.full();
        let events = &batch.events;
        retried("store", events.len(), || async {
            store
                .append_encoded_events(events)
                .await
                .map(drop)
                .map_err(|e| e.to_string())
        })
        .await;
        // Partitioned detection: published once stored (idempotent by uid).
        if let Some(stream) = &stream {
            let decoded = decoded(events);
            retried("publish", decoded.len(), || stream.publish(&decoded)).await;
        }
        batch.events.clear();
        for ack in batch.acks.drain(..) {
            let _ = ack.send(());
        }
    }
}

/// The events with their documents parsed, for the activity stream (the
/// decision path wrote each document itself: parsing cannot fail).
fn decoded(events: &[EncodedEvent]) -> Vec<ActivityEvent> {
    events
        .iter()
        .filter_map(|event| match event.decode() {
            Ok(event) => Some(event),
            Err(err) => {
                tracing::error!(%err, uid = %event.uid, "a decision event's document is not JSON");
                None
            }
        })
        .collect()
}

/// Runs `attempt` until it succeeds, backing off up to 5 s between tries:
/// decision events are never dropped.
async fn retried<F, Fut>(what: &str, events: usize, mut attempt: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<(), String>>,
{
    let mut delay = Duration::from_millis(50);
    while let Err(err) = attempt().await {
        tracing::error!(%err, events, "cannot {what} decision events; retrying");
        tokio::time::sleep(delay).await;
        delay = (delay * 2).min(Duration::from_secs(5));
    }
}
