//! Partitioned detection: with several nodes, every stored activity event
//! is also published to one partition of a NATS JetStream stream, chosen by
//! its partner tenant (its user when it names no partner), and each
//! partition is run through its own detection engine by the one node that
//! owns it. The partition's engine state, the last stream sequence it took
//! in and its count of events move together to PostgreSQL in one
//! compare-and-set write after each batch, so a new owner resumes exactly
//! after the last saved sequence: no event runs through detection twice
//! for the record, none is skipped. Events a dead owner ran but did not
//! save run again on the next owner; the findings they raise are already
//! stored with that evidence and are skipped ([`Replays::Skip`]).
//!
//! The transport (NATS) and ownership (PostgreSQL advisory locks) live
//! with the interfaces; this module is the detection side.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::Ordering;

use portcullis_domain::ActivityEvent;
use portcullis_store::PartitionSnapshot;
use serde_json::json;

use super::coalesce::Coalescer;
use super::detection::{DetectionRound, Replays};
use crate::{Caller, Portcullis, ServiceError};

/// Publishes stored events to the partitioned activity stream; a failure
/// fails the write that stored them (the caller retries: publishing is
/// idempotent by event uid).
pub trait ActivityPublisher: Send + Sync + std::fmt::Debug {
    fn publish<'a>(
        &'a self,
        events: &'a [ActivityEvent],
    ) -> Pin<Box<dyn Future<Output = Result<(), String>> + Send + 'a>>;
}

/// The partition of `event` among `partitions`: FNV-1a of its partner
/// tenant (else its user), stable across processes and versions.
pub fn partition_of(event: &ActivityEvent, partitions: u32) -> u32 {
    let key = event
        .partner_tenant_id
        .as_deref()
        .or(event.user_id.as_deref())
        .unwrap_or("");
    let hash = key.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    u32::try_from(hash % u64::from(partitions.max(1))).unwrap_or(0)
}

/// One owned partition: its engine, and how far it has read.
pub struct PartitionDetector {
    partition: u32,
    partitions: u32,
    engine: super::tuning::TunedEngine,
    last_seq: i64,
    processed: i64,
}

impl std::fmt::Debug for PartitionDetector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PartitionDetector")
            .field("partition", &self.partition)
            .field("last_seq", &self.last_seq)
            .field("processed", &self.processed)
            .finish_non_exhaustive()
    }
}

impl PartitionDetector {
    pub fn partition(&self) -> u32 {
        self.partition
    }

    /// The last stream sequence saved (0: none): read on from the next.
    pub fn last_seq(&self) -> i64 {
        self.last_seq
    }
}

impl Portcullis {
    /// Publishes events this node just stored (partitioned detection only).
    pub(crate) async fn publish_activity(
        &self,
        events: &[ActivityEvent],
    ) -> Result<(), ServiceError> {
        match &self.activity_stream {
            Some(stream) if !events.is_empty() => stream
                .publish(events)
                .await
                .map_err(|e| ServiceError::Internal(format!("activity stream: {e}"))),
            _ => Ok(()),
        }
    }

    /// Stores events and publishes them to the partitioned stream (all of
    /// them, duplicates included: a retry after a crash between the two
    /// publishes what the first attempt could not; the stream drops what
    /// it already has). Returns how many were newly stored.
    pub(crate) async fn append_activity(
        &self,
        events: &[ActivityEvent],
    ) -> Result<u64, ServiceError> {
        let stored = self.store.append_events(events).await?;
        self.publish_activity(events).await?;
        Ok(stored)
    }

    /// Publishes again the stored events of Portcullis' own making (a
    /// decision's, a posture change, an expiry warning) whose `time` lies
    /// in the last `window`: a node that died between storing one and
    /// publishing it left it unpublished; the stream drops those it
    /// already holds (keep `window` inside its duplicate window).
    /// Run at start; returns how many were offered.
    pub async fn republish_recent_events(
        &self,
        window: std::time::Duration,
    ) -> Result<u64, ServiceError> {
        let now = self.clock.now();
        let back = i64::try_from(window.as_millis()).unwrap_or(i64::MAX);
        let filter = portcullis_domain::EventFilter {
            since: Some(portcullis_domain::Timestamp::from_unix_millis(
                now.unix_millis().saturating_sub(back),
            )),
            until: Some(now),
            ..Default::default()
        };
        let mut page =
            portcullis_domain::PageRequest::first(portcullis_domain::PageRequest::MAX_LIMIT);
        let mut offered = 0;
        loop {
            let found = self.store.list_events(&filter, &page).await?;
            // Only events of Portcullis' own making: their `time` is when
            // they were stored, so each was published (if at all) within
            // the window. Sent events are retried by their senders.
            let events: Vec<ActivityEvent> = found
                .items
                .into_iter()
                .map(|e| e.event)
                .filter(|e| e.body.pointer("/metadata/product/name") == Some(&json!("Portcullis")))
                .collect();
            self.publish_activity(&events).await?;
            offered += u64::try_from(events.len()).unwrap_or(u64::MAX);
            match found.next {
                Some(next) => {
                    page = portcullis_domain::PageRequest::new(
                        Some(portcullis_domain::PageRequest::MAX_LIMIT),
                        Some(next),
                    )?
                }
                None => return Ok(offered),
            }
        }
    }

    /// The same application publishing every stored event to `stream`,
    /// with detection left to the partitions' owners.
    #[must_use]
    pub fn with_activity_stream(mut self, stream: std::sync::Arc<dyn ActivityPublisher>) -> Self {
        self.activity_stream = Some(stream);
        self
    }

    /// Partitions of the activity stream (the detection settings').
    pub fn detection_partitions(&self) -> u32 {
        self.detection.config.partitions.max(1)
    }

    /// How many partitions this node owns now (for `/metrics`).
    pub fn set_partitions_owned(&self, owned: usize) {
        let owned = u64::try_from(owned).unwrap_or(u64::MAX);
        self.detection
            .partitions_owned
            .store(owned, Ordering::Relaxed);
    }

    /// Takes `partition` over: its saved state and position, or a fresh
    /// engine. A partition saved under another partition count is refused
    /// (its users now hash elsewhere).
    pub async fn open_partition(&self, partition: u32) -> Result<PartitionDetector, ServiceError> {
        let partitions = self.detection_partitions();
        let mut engine = self.tuned_engine();
        let (mut last_seq, mut processed) = (0, 0);
        if let Some(saved) = self.store.load_detection_partition(partition).await? {
            if saved.partitions != partitions {
                return Err(ServiceError::Conflict(format!(
                    "detection partition {partition} was saved with {} partitions, not the {partitions} configured",
                    saved.partitions
                )));
            }
            let state = serde_json::from_str(&saved.state)
                .map_err(|e| ServiceError::Internal(format!("partition {partition}: {e}")))?;
            engine.engine.restore(state);
            (last_seq, processed) = (saved.last_seq, saved.processed);
        }
        Ok(PartitionDetector {
            partition,
            partitions,
            engine,
            last_seq,
            processed,
        })
    }

    /// Runs a batch of the partition's messages (stream sequence, event;
    /// `None`: unreadable) through its engine, skipping sequences already
    /// saved, then saves state and position if no other node moved the
    /// partition meanwhile. On any error the detector is spent: reopen the
    /// partition (its unsaved events run again, their findings skipped).
    pub async fn detect_partition(
        &self,
        detector: &mut PartitionDetector,
        batch: &[(i64, Option<ActivityEvent>)],
        owner: &str,
    ) -> Result<DetectionRound, ServiceError> {
        let caller = Caller::system();
        let expected = detector.last_seq;
        let mut round = DetectionRound::default();
        self.retune(&mut detector.engine);
        let mut gathered = Coalescer::default();
        for (seq, event) in batch {
            if *seq <= detector.last_seq {
                continue;
            }
            detector.last_seq = *seq;
            let Some(event) = event else { continue };
            round.events += 1;
            detector.processed += 1;
            let Ok(event) = portcullis_detection::Event::try_from(event) else {
                continue;
            };
            let context = self.event_context(&event);
            for detected in detector.engine.engine.process_in(&event, &context) {
                gathered.push(detected);
            }
        }
        for detected in gathered.take() {
            self.record_detected(&caller, &detected, &mut round, Replays::Skip)
                .await?;
        }
        if detector.last_seq == expected {
            return Ok(round);
        }
        let snapshot = PartitionSnapshot {
            partitions: detector.partitions,
            last_seq: detector.last_seq,
            processed: detector.processed,
            state: serde_json::to_string(&detector.engine.engine.snapshot())
                .map_err(|e| ServiceError::Internal(e.to_string()))?,
        };
        let saved = self
            .store
            .save_detection_partition(
                detector.partition,
                expected,
                &snapshot,
                owner,
                self.clock.now(),
            )
            .await?;
        if !saved {
            return Err(ServiceError::Conflict(format!(
                "detection partition {} moved past sequence {expected} on another node",
                detector.partition
            )));
        }
        self.detection
            .events_total
            .fetch_add(round.events, Ordering::Relaxed);
        Ok(round)
    }
}
