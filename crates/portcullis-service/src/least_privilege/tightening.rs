//! Settings and runtime state of the least-privilege tools that act in
//! bulk: the cap on items per call, the security-score floor, and the
//! background bulk runs of this node.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::sync::atomic::AtomicI64;

use portcullis_domain::{BulkReport, BulkRun, DEFAULT_BULK_CAP, MAX_BULK_CAP, RecordId};
use serde::Deserialize;

use crate::caller_rules::PartnerScope;

/// The `[least_privilege]` table of the configuration file.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LeastPrivilegeConfig {
    /// The most relationships (or customers) one bulk call may name
    /// (default 100, at most 10,000).
    pub bulk_cap: Option<usize>,
    /// A partner whose security score is below this (0–100) may not
    /// propose new relationships (`score_below_floor`); none by default.
    pub score_floor: Option<u32>,
}

impl LeastPrivilegeConfig {
    pub fn bulk_cap(&self) -> usize {
        self.bulk_cap
            .unwrap_or(DEFAULT_BULK_CAP)
            .clamp(1, MAX_BULK_CAP)
    }
}

/// How many finished background runs a node remembers.
const KEPT_RUNS: usize = 100;

/// The configuration and this node's background bulk runs.
#[derive(Debug)]
pub(crate) struct Tightening {
    pub(crate) config: LeastPrivilegeConfig,
    runs: Mutex<VecDeque<BulkRun>>,
    /// The UTC day of this node's last score round (`i64::MIN`: none yet).
    pub(crate) scored_day: AtomicI64,
}

impl Default for Tightening {
    fn default() -> Self {
        Self::new(LeastPrivilegeConfig::default())
    }
}

impl Tightening {
    pub(crate) fn new(config: LeastPrivilegeConfig) -> Self {
        Self {
            config,
            runs: Mutex::new(VecDeque::new()),
            scored_day: AtomicI64::new(i64::MIN),
        }
    }

    fn with_runs<T>(&self, f: impl FnOnce(&mut VecDeque<BulkRun>) -> T) -> T {
        let mut guard = match self.runs.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        f(&mut guard)
    }

    /// Remembers a new run, forgetting the oldest finished ones beyond the limit.
    pub(crate) fn start(&self, run: BulkRun) {
        self.with_runs(|runs| {
            runs.push_back(run);
            while runs.len() > KEPT_RUNS {
                match runs.iter().position(|r| r.finished_at.is_some()) {
                    Some(i) => {
                        runs.remove(i);
                    }
                    None => break,
                }
            }
        });
    }

    /// Updates a run's progress, and finishes it when `finished_at` is given.
    pub(crate) fn update(
        &self,
        id: RecordId,
        report: &BulkReport,
        finished_at: Option<portcullis_domain::Timestamp>,
        error: Option<String>,
    ) {
        self.with_runs(|runs| {
            if let Some(run) = runs.iter_mut().find(|r| r.id == id) {
                run.report = report.clone();
                if finished_at.is_some() {
                    run.finished_at = finished_at;
                    run.error = error;
                }
            }
        });
    }

    /// A run the scope covers.
    pub(crate) fn get(&self, id: RecordId, scope: PartnerScope) -> Option<BulkRun> {
        self.with_runs(|runs| {
            runs.iter()
                .find(|r| r.id == id && visible(r, scope))
                .cloned()
        })
    }

    /// The runs the scope covers, newest first.
    pub(crate) fn list(&self, scope: PartnerScope) -> Vec<BulkRun> {
        self.with_runs(|runs| {
            runs.iter()
                .rev()
                .filter(|r| visible(r, scope))
                .cloned()
                .collect()
        })
    }
}

fn visible(run: &BulkRun, scope: PartnerScope) -> bool {
    match scope {
        PartnerScope::All => true,
        PartnerScope::Own(own) => run.partner_tenant_id == Some(own),
    }
}
