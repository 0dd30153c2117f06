//! The demo's clock: the system's, moved back while the history is seeded.
//!
//! Seeding calls the same use cases as the API, which take "now" from the
//! service's clock; travelling to a past instant lets a relationship be
//! approved 40 days ago and expire last week, a posture grace period run
//! out, and a month of events be ingested and detected in order. Time runs
//! on from wherever the clock was sent.

use std::sync::atomic::{AtomicI64, Ordering};

use portcullis_domain::{Clock, SystemClock, Timestamp};

#[derive(Debug, Default)]
pub(crate) struct DemoClock {
    offset_ms: AtomicI64,
}

impl DemoClock {
    /// The real time, whatever the offset.
    pub(crate) fn real_now() -> Timestamp {
        SystemClock.now()
    }

    /// From now on, `now()` starts at `at` and runs on.
    pub(crate) fn travel_to(&self, at: Timestamp) {
        let offset = at.unix_millis() - Self::real_now().unix_millis();
        self.offset_ms.store(offset, Ordering::SeqCst);
    }
}

impl Clock for DemoClock {
    fn now(&self) -> Timestamp {
        Self::real_now().saturating_add_millis(self.offset_ms.load(Ordering::SeqCst))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_clock_runs_on_from_where_it_was_sent() {
        let clock = DemoClock::default();
        let past = Timestamp::from_unix_millis(DemoClock::real_now().unix_millis() - 86_400_000);
        clock.travel_to(past);
        let now = clock.now().unix_millis();
        assert!(now >= past.unix_millis() && now < past.unix_millis() + 60_000);
    }
}
