//! Detection as a partitioned consumer group on NATS JetStream, with
//! partition ownership in PostgreSQL.
//!
//! Every node publishes each event it stores to `<prefix>.<partition>` of
//! one stream (`PORTCULLIS_ACTIVITY`), the partition chosen by partner
//! tenant ([`partition_of`]), with the event uid as `Nats-Msg-Id` so that a
//! retried publish is dropped by the stream. Each node holds a member lock
//! and takes partition locks (PostgreSQL advisory locks,
//! [`PartitionLocks`]) up to its fair share, `ceil(partitions / members)`,
//! releasing the excess when nodes join. For each partition it owns it
//! reads the partition's subject in stream order from just after the saved
//! sequence (an ordered consumer: JetStream delivers in order, without gaps,
//! from a given sequence; the position itself is kept with the state in
//! PostgreSQL, see `portcullis_service::PartitionDetector`).

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use async_nats::jetstream::{self, consumer::DeliverPolicy, context::Context};
use futures_util::{FutureExt as _, StreamExt as _};
use portcullis_domain::ActivityEvent;
use portcullis_service::{
    ActivityPublisher, DetectionMembership, PartitionLocks, Portcullis, partition_of,
};
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::nats::NatsError;

/// How often a node looks at membership and rebalances.
const REBALANCE_EVERY: Duration = Duration::from_millis(500);
/// The most messages run through detection per save.
const MAX_BATCH: usize = 500;

/// The partitioned activity stream.
#[derive(Debug, Clone)]
pub struct PartitionConfig {
    /// e.g. `nats://127.0.0.1:4222`.
    pub url: String,
    /// The stream, created when missing (default `PORTCULLIS_ACTIVITY`).
    pub stream: String,
    /// Subjects are `<prefix>.<partition>` (default `portcullis.activity.p`).
    pub prefix: String,
    /// Partitions (the same on every node).
    pub partitions: u32,
    /// How long the stream keeps an event (default 7 days): a partition
    /// left unowned longer loses events.
    pub max_age: Duration,
    /// How long the stream remembers event uids to drop republished ones
    /// (default 2 minutes).
    pub duplicate_window: Duration,
}

impl PartitionConfig {
    /// The detection settings' stream, subjects and partitions at `url`.
    pub fn new(url: impl Into<String>, detection: &portcullis_service::DetectionConfig) -> Self {
        Self {
            url: url.into(),
            stream: detection.activity_stream.clone(),
            prefix: detection.activity_subject.clone(),
            partitions: detection.partitions.max(1),
            max_age: Duration::from_secs(7 * 86_400),
            duplicate_window: Duration::from_secs(120),
        }
    }

    fn subject(&self, partition: u32) -> String {
        format!("{}.{partition}", self.prefix)
    }
}

fn err(e: impl std::fmt::Display) -> NatsError {
    NatsError::new(e.to_string())
}

/// The partitioned activity stream, as a node sees it.
#[derive(Debug)]
pub struct Group {
    js: Context,
    stream: jetstream::stream::Stream,
    config: Arc<PartitionConfig>,
    /// How many times the NATS connection was lost since joining.
    disconnects: Arc<AtomicU64>,
}

impl Group {
    /// Connects to NATS and creates the stream when missing.
    pub async fn join(config: PartitionConfig) -> Result<Self, NatsError> {
        let disconnects = Arc::new(AtomicU64::new(0));
        let counter = Arc::clone(&disconnects);
        let client = async_nats::ConnectOptions::new()
            .event_callback(move |event| {
                if matches!(event, async_nats::Event::Disconnected) {
                    counter.fetch_add(1, Ordering::Relaxed);
                }
                std::future::ready(())
            })
            .connect(&config.url)
            .await
            .map_err(err)?;
        let js = jetstream::new(client);
        let stream = js
            .get_or_create_stream(jetstream::stream::Config {
                name: config.stream.clone(),
                subjects: vec![format!("{}.*", config.prefix)],
                max_age: config.max_age,
                duplicate_window: config.duplicate_window,
                ..Default::default()
            })
            .await
            .map_err(err)?;
        Ok(Self {
            js,
            stream,
            config: Arc::new(config),
            disconnects,
        })
    }

    /// Publishes what this node stores to the partitions.
    pub fn publisher(&self) -> Publisher {
        Publisher {
            js: self.js.clone(),
            config: Arc::clone(&self.config),
        }
    }
}

/// Publishes stored events to their partitions.
#[derive(Debug, Clone)]
pub struct Publisher {
    js: Context,
    config: Arc<PartitionConfig>,
}

impl ActivityPublisher for Publisher {
    fn publish<'a>(
        &'a self,
        events: &'a [ActivityEvent],
    ) -> Pin<Box<dyn Future<Output = Result<(), String>> + Send + 'a>> {
        Box::pin(async move {
            let mut acks = Vec::with_capacity(events.len());
            for event in events {
                let payload = serde_json::to_vec(event).map_err(|e| e.to_string())?;
                let subject = self
                    .config
                    .subject(partition_of(event, self.config.partitions));
                let message = jetstream::message::PublishMessage::build()
                    .payload(payload.into())
                    .message_id(&event.uid);
                acks.push(
                    self.js
                        .send_publish(subject, message)
                        .await
                        .map_err(|e| e.to_string())?,
                );
            }
            for ack in acks {
                ack.await.map_err(|e| e.to_string())?;
            }
            Ok(())
        })
    }
}

/// A partition being run, and how to stop it.
struct Owned {
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

/// Runs this node's share of the partitions until `shutdown` completes,
/// then saves and releases them. `owner` names the node in saved
/// snapshots. Ends with an error if the ownership connection is lost (its
/// locks, and so its partitions, went with it): the node is then `left`
/// (not ready) until restarted.
///
/// At each look the node records its place for `/readyz`: `stalled` when
/// it owns partitions and either its NATS connection is down or one of
/// its partitions' consumers ended by itself since the last look (the
/// partition is released and taken again, but its events wait meanwhile);
/// `member` otherwise. A partition taken at this look is judged at the
/// next one, half a second later. The first look that finds the
/// connection back after it was lost runs every owned partition again
/// from its saved position, with a new consumer.
pub async fn run(
    group: Group,
    mut locks: PartitionLocks,
    portcullis: Portcullis,
    owner: String,
    shutdown: impl Future<Output = ()> + Send,
) -> Result<(), NatsError> {
    let Group {
        js,
        stream,
        config,
        disconnects,
    } = group;
    let client = js.client();
    let mut disconnects_seen = disconnects.load(Ordering::Relaxed);
    let owner: Arc<str> = owner.into();
    portcullis.set_detection_membership(DetectionMembership::Member);
    let mut owned: BTreeMap<u32, Owned> = BTreeMap::new();
    tokio::pin!(shutdown);
    loop {
        // Partitions whose run ended by itself (an error, or another node
        // moved them): released, to be taken again from their snapshot.
        let ended: Vec<u32> = owned
            .iter()
            .filter(|(_, o)| o.task.is_finished())
            .map(|(p, _)| *p)
            .collect();
        let failed = !ended.is_empty();
        for partition in ended {
            owned.remove(&partition);
            if let Err(e) = locks.release(partition).await {
                tracing::warn!(%e, partition, "cannot release a detection partition");
            }
        }
        if !locks.alive().await {
            // The locks went with the connection: others may own these now.
            tracing::error!("lost the partition ownership connection; rejoining");
            stop_all(&mut owned).await;
            portcullis.set_partitions_owned(0);
            portcullis.set_detection_membership(DetectionMembership::Left);
            return Err(NatsError::new(
                "the partition ownership connection closed".into(),
            ));
        }
        let connected = client.connection_state() == async_nats::connection::State::Connected;
        let disconnected = disconnects.load(Ordering::Relaxed);
        if connected && disconnected != disconnects_seen {
            // Back after an outage: the partitions' consumers may be gone
            // with the server and would only notice after two missed idle
            // heartbeats (30 s each). Each is run again from its saved
            // position now.
            disconnects_seen = disconnected;
            tracing::info!("NATS connection restored; reading every partition again");
            restart_all(&mut owned, &mut locks).await;
        }
        let stalled = failed || (!connected && !owned.is_empty());
        portcullis.set_detection_membership(if stalled {
            DetectionMembership::Stalled
        } else {
            DetectionMembership::Member
        });
        rebalance(
            &portcullis,
            &stream,
            &config,
            &mut locks,
            &owner,
            &mut owned,
        )
        .await;
        portcullis.set_partitions_owned(owned.len());
        tokio::select! {
            () = &mut shutdown => break,
            () = tokio::time::sleep(REBALANCE_EVERY) => {}
        }
    }
    stop_all(&mut owned).await;
    portcullis.set_partitions_owned(0);
    portcullis.set_detection_membership(DetectionMembership::None);
    locks.leave().await;
    Ok(())
}

/// Gives up partitions above the fair share, or takes free ones up to it.
async fn rebalance(
    portcullis: &Portcullis,
    stream: &jetstream::stream::Stream,
    config: &Arc<PartitionConfig>,
    locks: &mut PartitionLocks,
    owner: &Arc<str>,
    owned: &mut BTreeMap<u32, Owned>,
) {
    let members = match locks.members().await {
        Ok(members) => members,
        Err(e) => {
            tracing::warn!(%e, "cannot count the detection group's members");
            return;
        }
    };
    let share = usize::try_from(config.partitions.div_ceil(members)).unwrap_or(usize::MAX);
    while owned.len() > share {
        let Some((partition, run)) = owned.pop_last() else {
            break;
        };
        hand_back(partition, run, locks).await;
        tracing::info!(partition, members, "detection partition handed over");
    }
    // Members start looking at different partitions, so that joining
    // nodes do not all contend for the same ones.
    let start = locks
        .member()
        .wrapping_mul(config.partitions / members.max(1));
    for offset in 0..config.partitions {
        if owned.len() >= share {
            break;
        }
        let partition = start.wrapping_add(offset) % config.partitions;
        if owned.contains_key(&partition) {
            continue;
        }
        match locks.try_acquire(partition).await {
            Ok(true) => {
                let (tx, rx) = watch::channel(false);
                let task = tokio::spawn(run_partition(
                    portcullis.clone(),
                    stream.clone(),
                    Arc::clone(config),
                    partition,
                    Arc::clone(owner),
                    rx,
                ));
                owned.insert(partition, Owned { stop: tx, task });
                tracing::info!(partition, members, "detection partition taken");
            }
            Ok(false) => {}
            Err(e) => {
                tracing::warn!(%e, partition, "cannot take a detection partition");
                return;
            }
        }
    }
}

async fn stop(run: Owned) {
    let _ = run.stop.send(true);
    if let Err(e) = run.task.await {
        tracing::error!(%e, "a detection partition ended abnormally");
    }
}

/// Stops and releases every owned partition, for [`rebalance`] to take
/// again with fresh consumers.
async fn restart_all(owned: &mut BTreeMap<u32, Owned>, locks: &mut PartitionLocks) {
    while let Some((partition, run)) = owned.pop_first() {
        hand_back(partition, run, locks).await;
    }
}

/// Stops a partition's run (after its current batch is saved) and
/// releases its lock.
async fn hand_back(partition: u32, run: Owned, locks: &mut PartitionLocks) {
    stop(run).await;
    if let Err(e) = locks.release(partition).await {
        tracing::warn!(%e, partition, "cannot release a detection partition");
    }
}

async fn stop_all(owned: &mut BTreeMap<u32, Owned>) {
    while let Some((_, run)) = owned.pop_first() {
        stop(run).await;
    }
}

/// Runs one owned partition until told to stop (after its current batch
/// is saved) or until it fails.
async fn run_partition(
    portcullis: Portcullis,
    stream: jetstream::stream::Stream,
    config: Arc<PartitionConfig>,
    partition: u32,
    owner: Arc<str>,
    mut stop: watch::Receiver<bool>,
) {
    if let Err(e) =
        consume_partition(&portcullis, &stream, &config, partition, &owner, &mut stop).await
    {
        tracing::error!(%e, partition, "detection partition stopped; it will be taken again");
    }
}

async fn consume_partition(
    portcullis: &Portcullis,
    stream: &jetstream::stream::Stream,
    config: &PartitionConfig,
    partition: u32,
    owner: &str,
    stop: &mut watch::Receiver<bool>,
) -> Result<(), NatsError> {
    let mut detector = portcullis.open_partition(partition).await.map_err(err)?;
    let start = u64::try_from(detector.last_seq()).unwrap_or(0);
    let consumer = stream
        .create_consumer(jetstream::consumer::pull::OrderedConfig {
            filter_subject: config.subject(partition),
            deliver_policy: if start == 0 {
                DeliverPolicy::All
            } else {
                DeliverPolicy::ByStartSequence {
                    start_sequence: start + 1,
                }
            },
            ..Default::default()
        })
        .await
        .map_err(err)?;
    let mut messages = consumer.messages().await.map_err(err)?;
    loop {
        let first = tokio::select! {
            _ = stop.changed() => return Ok(()),
            next = messages.next() => next,
        };
        let mut batch = Vec::new();
        let mut next = first;
        loop {
            let Some(message) = next else {
                return Err(NatsError::new(
                    "the partition's message stream ended".into(),
                ));
            };
            let message = message.map_err(err)?;
            let seq = message.info().map_err(err)?.stream_sequence;
            let event = serde_json::from_slice::<ActivityEvent>(&message.payload)
                .inspect_err(|e| tracing::warn!(%e, partition, seq, "unreadable activity message"))
                .ok();
            batch.push((i64::try_from(seq).unwrap_or(i64::MAX), event));
            if batch.len() >= MAX_BATCH {
                break;
            }
            match messages.next().now_or_never() {
                Some(more) => next = more,
                None => break,
            }
        }
        portcullis
            .detect_partition(&mut detector, &batch, owner)
            .await
            .map_err(err)?;
    }
}
