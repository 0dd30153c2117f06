//! The server's CPU time over the measured run, per thread kind, from
//! `/proc/<pid>/task/*/stat` (Linux; nothing elsewhere). Latency on a
//! shared two-core machine moves a lot between runs; the CPU a decision
//! costs moves much less, so it is the figure to compare builds by.

use std::collections::BTreeMap;

/// CPU ticks (`utime + stime`, in clock ticks) per thread name.
#[derive(Debug, Default, Clone)]
pub struct Ticks(BTreeMap<String, u64>);

/// Clock ticks per second (`getconf CLK_TCK`: 100 on Linux).
const TICKS_PER_SEC: f64 = 100.0;

impl Ticks {
    pub fn of(pid: u32) -> Self {
        let mut ticks = BTreeMap::new();
        let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
            return Self(ticks);
        };
        for task in tasks.flatten() {
            let Ok(stat) = std::fs::read_to_string(task.path().join("stat")) else {
                continue;
            };
            let Some((head, rest)) = stat.rsplit_once(')') else {
                continue;
            };
            let name = head.split_once('(').map_or("?", |(_, n)| n).to_owned();
            // After the name: state is field 3, utime 14, stime 15.
            let fields: Vec<&str> = rest.split_whitespace().collect();
            let used: u64 = [11, 12]
                .iter()
                .filter_map(|i| fields.get(*i)?.parse::<u64>().ok())
                .sum();
            *ticks.entry(name).or_default() += used;
        }
        Self(ticks)
    }

    /// Microseconds of CPU per decision, per thread name and in all,
    /// between `before` and `self`.
    pub fn per_decision(&self, before: &Self, decisions: f64) -> serde_json::Value {
        let mut by_thread = serde_json::Map::new();
        let mut total = 0;
        for (name, after) in &self.0 {
            let used = after.saturating_sub(before.0.get(name).copied().unwrap_or(0));
            total += used;
            if used > 0 {
                by_thread.insert(name.clone(), us_per(used, decisions).into());
            }
        }
        serde_json::json!({ "total": us_per(total, decisions), "by_thread": by_thread })
    }
}

fn us_per(ticks: u64, decisions: f64) -> f64 {
    let us = ticks as f64 / TICKS_PER_SEC * 1e6 / decisions.max(1.0);
    (us * 10.0).round() / 10.0
}

impl Ticks {
    fn total(&self) -> u64 {
        self.0.values().sum()
    }

    /// Waits until the server is nearly idle (under a tenth of a core
    /// over half a second, at most 60 s) and samples it: work the run left
    /// behind (detection's backlog, the record writer) is its cost too.
    pub async fn settled(pid: u32) -> Self {
        let mut last = Self::of(pid);
        for _ in 0..120 {
            tokio::time::sleep(std::time::Duration::from_millis(500)).await;
            let now = Self::of(pid);
            let idle = now.total().saturating_sub(last.total()) < 5;
            last = now;
            if idle {
                break;
            }
        }
        last
    }
}
