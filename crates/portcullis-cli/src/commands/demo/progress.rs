//! What the demo prints while it seeds, on standard error (standard
//! output keeps what a person or a script reads back: the database, the
//! links, the token): each phase as it starts, steps within it with their
//! counts and the time since seeding started, and each phase's duration
//! when it ends.

use std::time::Instant;

pub(crate) struct Progress {
    started: Instant,
    /// The phase under way: its name and when it began.
    current: Option<(String, Instant)>,
    /// Phases ended, with their seconds.
    done: Vec<(String, f64)>,
}

impl Progress {
    pub(crate) fn start() -> Self {
        Self {
            started: Instant::now(),
            current: None,
            done: Vec::new(),
        }
    }

    /// Ends the phase under way (printing its duration) and starts `name`.
    pub(crate) fn phase(&mut self, name: &str) {
        self.end_phase();
        eprintln!("  [{:>6.1}s] {name}…", self.seconds());
        self.current = Some((name.to_owned(), Instant::now()));
    }

    /// Ends the phase under way, printing how long it took.
    pub(crate) fn end_phase(&mut self) {
        if let Some((name, began)) = self.current.take() {
            let took = began.elapsed().as_secs_f64();
            eprintln!("  [{:>6.1}s] {name}: done in {took:.1} s", self.seconds());
            self.done.push((name, took));
        }
    }

    /// Prints `message` (what the phase has done so far, with counts) with
    /// the seconds elapsed.
    pub(crate) fn step(&mut self, message: &str) {
        eprintln!("  [{:>6.1}s]   {message}", self.seconds());
    }

    /// Every phase ended so far with its seconds: `applications 0.2 s, …`.
    pub(crate) fn phases(&self) -> String {
        self.done
            .iter()
            .map(|(name, took)| format!("{name} {took:.1} s"))
            .collect::<Vec<_>>()
            .join(", ")
    }

    pub(crate) fn seconds(&self) -> f64 {
        self.started.elapsed().as_secs_f64()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phases_are_timed_in_order() {
        let mut progress = Progress::start();
        progress.phase("applications");
        progress.step("3 partners applied");
        progress.phase("screening");
        progress.end_phase();
        progress.end_phase();
        let phases = progress.phases();
        assert!(phases.starts_with("applications "), "{phases}");
        assert!(
            phases.contains(", screening ") && phases.ends_with(" s"),
            "{phases}"
        );
        assert_eq!(progress.done.len(), 2);
    }
}
