//! Background work: one loop, each job a step.
//!
//! Every periodic job of a node — following commits made elsewhere, the
//! sweep, detection, periodic vetting, the posture round and webhook
//! delivery — is a step function of [`Portcullis`]. `run_loop::run` is the one loop
//! around them: it runs the step, counts the run (and the failure), logs
//! what the step did or why it failed, then waits for the period, a wake-up
//! (the follow-changes job wakes on each PostgreSQL notification) or
//! shutdown. Background work is audited as the `system` principal.
//!
//! Among several nodes on one database, the cluster's background work —
//! the sweep, periodic vetting, the posture round and webhook delivery —
//! runs on the leader only (see `cluster::leadership`); the leadership
//! worker keeps that lease, and the leader-only workers skip their runs on
//! a follower and start one at once when their node is elected.

mod run_loop;

use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use crate::{Caller, Portcullis, ServiceError};
use run_loop::{Elected, Notified, Outcome, Start, Waker, run};

/// The background workers of a node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Worker {
    /// Applies commits made on other nodes to the decision cache.
    FollowChanges,
    /// Stores expiry, completed terminations and auto-extensions.
    Sweep,
    /// Streaming detection and the containment policy.
    Detection,
    /// Re-verifies domains and re-screens standing partners.
    Vetting,
    /// Suspends partners whose grace ended; re-judges stale snapshots.
    Posture,
    /// Sends due webhook deliveries.
    Webhooks,
    /// Signs checkpoints of the audit chain.
    Checkpoints,
    /// Adds this node's role usage counters to the store.
    Usage,
    /// Takes or confirms the lease of the cluster's leader.
    Leadership,
    /// Starts the access reviews customers' policies ask for, reminds
    /// reviewers, completes overdue reviews.
    AccessReviews,
}

impl Worker {
    pub const ALL: [Self; 10] = [
        Self::FollowChanges,
        Self::Sweep,
        Self::Detection,
        Self::Vetting,
        Self::Posture,
        Self::Webhooks,
        Self::Checkpoints,
        Self::Usage,
        Self::Leadership,
        Self::AccessReviews,
    ];

    /// The worker's name in logs and metrics.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::FollowChanges => "follow_changes",
            Self::Sweep => "sweep",
            Self::Detection => "detection",
            Self::Vetting => "vetting",
            Self::Posture => "posture",
            Self::Webhooks => "webhooks",
            Self::Checkpoints => "checkpoints",
            Self::Usage => "usage",
            Self::Leadership => "leadership",
            Self::AccessReviews => "access_reviews",
        }
    }

    /// Whether the worker runs on the cluster's leader only.
    pub const fn leader_only(self) -> bool {
        matches!(
            self,
            Self::Sweep | Self::Vetting | Self::Posture | Self::Webhooks
        )
    }
}

/// How often the periodic workers run. Detection's period and whether it
/// runs come from [`crate::DetectionConfig`]; following changes polls every
/// few seconds besides each notification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkerSchedule {
    pub sweep: Duration,
    /// `None`: no periodic vetting.
    pub vetting: Option<Duration>,
    /// `None`: no posture round.
    pub posture: Option<Duration>,
    pub webhooks: Duration,
}

impl Default for WorkerSchedule {
    fn default() -> Self {
        Self {
            sweep: Duration::from_secs(60),
            vetting: None,
            posture: None,
            webhooks: Duration::from_secs(5),
        }
    }
}

/// How often following changes looks for commits besides notifications:
/// on SQLite (no notifications; the `portcullis` command writes the same
/// file) this is how soon a CLI change such as a token revocation reaches
/// the server, so it stays well under a second; each look is one indexed
/// query that usually finds nothing.
const POLL_CHANGES_EVERY: Duration = Duration::from_millis(250);
/// How often the checkpoint worker looks whether a checkpoint is due.
const CHECKPOINT_POLL: Duration = Duration::from_secs(1);
/// How often role usage counters are flushed: what a crash can lose.
const FLUSH_USAGE_EVERY: Duration = Duration::from_secs(10);
/// How often a follower tries to take the leader's lease, and the leader
/// confirms it holds it: the failover time after a leader's death.
const CAMPAIGN_EVERY: Duration = Duration::from_secs(1);
/// How often the access review worker runs (reviews are due by the day).
const REVIEW_ROUND_EVERY: Duration = Duration::from_secs(60);
/// The shortest detection period.
const MIN_DETECTION_PERIOD: Duration = Duration::from_millis(50);

/// Runs and failures of one worker.
#[derive(Debug, Default)]
struct Counters {
    runs: AtomicU64,
    failures: AtomicU64,
}

/// Runs and failures of every worker of this process.
#[derive(Debug, Default)]
pub(crate) struct WorkerMetrics {
    follow_changes: Counters,
    sweep: Counters,
    detection: Counters,
    vetting: Counters,
    posture: Counters,
    webhooks: Counters,
    checkpoints: Counters,
    usage: Counters,
    leadership: Counters,
    access_reviews: Counters,
}

impl WorkerMetrics {
    fn of(&self, worker: Worker) -> &Counters {
        match worker {
            Worker::FollowChanges => &self.follow_changes,
            Worker::Sweep => &self.sweep,
            Worker::Detection => &self.detection,
            Worker::Vetting => &self.vetting,
            Worker::Posture => &self.posture,
            Worker::Webhooks => &self.webhooks,
            Worker::Checkpoints => &self.checkpoints,
            Worker::Usage => &self.usage,
            Worker::Leadership => &self.leadership,
            Worker::AccessReviews => &self.access_reviews,
        }
    }
}

/// How many times a worker ran its step, and how many of those failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WorkerStats {
    pub worker: Worker,
    pub runs: u64,
    pub failures: u64,
}

impl Portcullis {
    /// Runs every background worker of `schedule` (and detection, when its
    /// configuration enables it) until `shutdown` completes, then waits for
    /// each to stop and gives up leadership. A node that has not joined
    /// ([`Portcullis::join_cluster`]) is joining (not ready) from the call
    /// until its first leadership run.
    pub fn run_workers(
        self,
        schedule: WorkerSchedule,
        shutdown: impl Future<Output = ()> + Send,
    ) -> impl Future<Output = ()> + Send {
        if self.cluster.membership() == crate::Membership::Standalone {
            self.cluster.set_membership(crate::Membership::Joining);
        }
        self.run_workers_until(schedule, shutdown)
    }

    async fn run_workers_until(
        self,
        schedule: WorkerSchedule,
        shutdown: impl Future<Output = ()> + Send,
    ) {
        let detection_every = self
            .detection
            .config
            .enabled
            .then(|| self.detection_period().max(MIN_DETECTION_PERIOD));
        let plan = [
            (
                Worker::FollowChanges,
                Some(POLL_CHANGES_EVERY),
                Start::AfterWait,
            ),
            (Worker::Sweep, Some(schedule.sweep), Start::AtOnce),
            (Worker::Vetting, schedule.vetting, Start::AfterWait),
            (Worker::Detection, detection_every, Start::AtOnce),
            (Worker::Webhooks, Some(schedule.webhooks), Start::AtOnce),
            (Worker::Posture, schedule.posture, Start::AtOnce),
            (
                Worker::Checkpoints,
                self.checkpoints.is_some().then_some(CHECKPOINT_POLL),
                Start::AtOnce,
            ),
            (Worker::Usage, Some(FLUSH_USAGE_EVERY), Start::AfterWait),
            (Worker::Leadership, Some(CAMPAIGN_EVERY), Start::AtOnce),
            (
                Worker::AccessReviews,
                Some(REVIEW_ROUND_EVERY),
                Start::AtOnce,
            ),
        ];
        let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
        let mut tasks = Vec::new();
        for (worker, every, start) in plan {
            let Some(every) = every else { continue };
            let (app, mut stop) = (self.clone(), stop_rx.clone());
            tasks.push(tokio::spawn(async move {
                let wake = if worker.leader_only() {
                    Waker::Elected(Elected(Some(app.cluster.elected())))
                } else if worker == Worker::FollowChanges {
                    let listener = app.change_listener().await;
                    Waker::Notified(Box::new(Notified(listener.map(|l| (l, app.clone())))))
                } else {
                    Waker::Notified(Box::new(Notified(None)))
                };
                let stopped = async move {
                    let _ = stop.changed().await;
                };
                let app = &app;
                let due = || !worker.leader_only() || app.is_leader();
                let period = || match worker {
                    Worker::Detection => app.detection_period().max(MIN_DETECTION_PERIOD),
                    _ => every,
                };
                run(
                    &app.workers,
                    worker,
                    period,
                    start,
                    wake,
                    stopped,
                    due,
                    || app.step(worker),
                )
                .await;
            }));
        }
        shutdown.await;
        let _ = stop_tx.send(true);
        for task in tasks {
            if let Err(err) = task.await {
                tracing::error!(%err, "a background worker ended abnormally");
            }
        }
        self.resign().await;
        // What was counted since the last flush.
        if let Err(err) = self.flush_usage().await {
            tracing::error!(%err, "the last role usage flush failed");
        }
    }

    /// One run of `worker`'s job, audited as the `system` principal.
    async fn step(&self, worker: Worker) -> Result<Box<dyn Outcome + Send>, ServiceError> {
        Ok(match worker {
            Worker::FollowChanges => Box::new(self.catch_up().await?),
            Worker::Sweep => Box::new(self.sweep().await?),
            Worker::Detection => Box::new(self.detect_pending().await?),
            Worker::Vetting => Box::new(self.vetting_round(&Caller::system()).await?),
            Worker::Posture => Box::new(self.posture_round().await?),
            Worker::Webhooks => Box::new(self.deliver_due(self.clock.now()).await?),
            Worker::Checkpoints => Box::new(self.checkpoint_round().await?),
            Worker::Usage => Box::new(self.flush_usage().await?),
            Worker::Leadership => Box::new(self.campaign().await?),
            Worker::AccessReviews => Box::new(self.access_review_round().await?),
        })
    }

    /// PostgreSQL's commit notifications, when the store has them.
    async fn change_listener(&self) -> Option<portcullis_store::ChangeListener> {
        match self.store.change_listener().await {
            Ok(listener) => listener,
            Err(err) => {
                tracing::warn!(%err, "cannot listen for changes; polling only");
                None
            }
        }
    }

    /// Runs and failures of every worker so far, in [`Worker::ALL`] order.
    pub fn worker_stats(&self) -> Vec<WorkerStats> {
        Worker::ALL
            .into_iter()
            .map(|worker| {
                let counters = self.workers.of(worker);
                WorkerStats {
                    worker,
                    runs: counters.runs.load(Ordering::Relaxed),
                    failures: counters.failures.load(Ordering::Relaxed),
                }
            })
            .collect()
    }
}
