//! A recorded stream through the engine, for offline runs (`portcullis
//! detect`) where input need not be in time order.
//!
//! Events pass through a reorder buffer that holds them for `lateness_ms` of
//! event time and releases them in time order (ties in the order offered).
//! An event later than that behind the newest one seen is still processed,
//! at once, and counted in [`ReplayCounts::late`]. Events with the same
//! `metadata.uid` as an earlier one are skipped as duplicates.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashSet};

use serde::Serialize;

use crate::detection::Detection;
use crate::engine::Engine;
use crate::event::Event;

/// Default reorder window of event time: 5 minutes.
pub const DEFAULT_LATENESS_MS: i64 = 300_000;

/// What a replay has done so far.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ReplayCounts {
    /// Events accepted (not duplicates).
    pub events: u64,
    pub duplicates: u64,
    /// Events later than the reorder window (processed out of order).
    pub late: u64,
    /// Detections returned the first time.
    pub detections_new: u64,
    /// Detections returned again with more evidence.
    pub detections_updated: u64,
}

/// The engine behind a reorder buffer and a duplicate filter.
pub struct Replay {
    engine: Engine,
    lateness_ms: i64,
    seen_uids: HashSet<String>,
    buffer: BinaryHeap<Reverse<(i64, u64, Slot)>>,
    offered: u64,
    newest: i64,
    released: i64,
    counts: ReplayCounts,
}

impl Replay {
    pub fn new(engine: Engine, lateness_ms: i64) -> Self {
        Self {
            engine,
            lateness_ms,
            seen_uids: HashSet::new(),
            buffer: BinaryHeap::new(),
            offered: 0,
            newest: i64::MIN,
            released: i64::MIN,
            counts: ReplayCounts::default(),
        }
    }

    /// Offers the next event of the stream; returns the detections of the
    /// events this releases from the buffer, in processing order.
    pub fn push(&mut self, event: Event) -> Vec<Detection> {
        let mut out = Vec::new();
        if let Some(uid) = &event.uid
            && !self.seen_uids.insert(uid.clone())
        {
            self.counts.duplicates += 1;
            return out;
        }
        self.counts.events += 1;
        if event.time_ms < self.released {
            self.counts.late += 1;
            self.run(&event, &mut out);
            return out;
        }
        self.offered += 1;
        self.newest = self.newest.max(event.time_ms);
        self.buffer
            .push(Reverse((event.time_ms, self.offered, Slot(event))));
        let horizon = self.newest.saturating_sub(self.lateness_ms);
        while let Some(Reverse((time, _, _))) = self.buffer.peek() {
            if *time > horizon {
                break;
            }
            if let Some(Reverse((time, _, Slot(event)))) = self.buffer.pop() {
                self.released = time;
                self.run(&event, &mut out);
            }
        }
        out
    }

    /// Releases every buffered event (the end of the stream); returns their
    /// detections in processing order.
    pub fn finish(&mut self) -> Vec<Detection> {
        let mut out = Vec::new();
        while let Some(Reverse((_, _, Slot(event)))) = self.buffer.pop() {
            self.run(&event, &mut out);
        }
        out
    }

    pub fn counts(&self) -> &ReplayCounts {
        &self.counts
    }

    /// The engine, e.g. to snapshot its state after the run.
    pub fn into_engine(self) -> Engine {
        self.engine
    }

    fn run(&mut self, event: &Event, out: &mut Vec<Detection>) {
        for detection in self.engine.process(event) {
            if detection.is_update {
                self.counts.detections_updated += 1;
            } else {
                self.counts.detections_new += 1;
            }
            out.push(detection);
        }
    }
}

/// An event in the reorder heap; ordering comes from (time, offer order) alone.
struct Slot(Event);

impl PartialEq for Slot {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}
impl Eq for Slot {}
impl PartialOrd for Slot {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Slot {
    fn cmp(&self, _: &Self) -> std::cmp::Ordering {
        std::cmp::Ordering::Equal
    }
}
