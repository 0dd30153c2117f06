//! What the demo prints while it works: one line per step, with the time
//! since it started.

use std::time::Instant;

pub(crate) struct Progress {
    started: Instant,
}

impl Progress {
    pub(crate) fn start() -> Self {
        Self {
            started: Instant::now(),
        }
    }

    /// Prints `message` with the seconds elapsed.
    pub(crate) fn step(&mut self, message: &str) {
        println!(
            "  [{:>5.1}s] {message}",
            self.started.elapsed().as_secs_f64()
        );
    }

    pub(crate) fn seconds(&self) -> f64 {
        self.started.elapsed().as_secs_f64()
    }
}
