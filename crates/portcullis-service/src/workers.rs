//! Background work: one loop, each job a step.
//!
//! Every periodic job of a node — following commits made elsewhere, the
//! sweep, detection, periodic vetting, the posture round and webhook
//! delivery — is a step function of [`Portcullis`]. [`run`] is the one loop
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

use std::fmt::Debug;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use crate::{
    Caller, CheckpointRound, DeliveryRound, DetectionRound, Portcullis, PostureRound, ServiceError,
    SweepReport, VettingRound,
};

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

/// What a step reports; only a notable report is logged.
pub(crate) trait Outcome: Debug {
    fn notable(&self) -> bool;
}

impl Outcome for SweepReport {
    fn notable(&self) -> bool {
        *self != Self::default()
    }
}

impl Outcome for DetectionRound {
    fn notable(&self) -> bool {
        self.findings_new + self.findings_updated > 0
    }
}

impl Outcome for VettingRound {
    fn notable(&self) -> bool {
        true
    }
}

impl Outcome for PostureRound {
    fn notable(&self) -> bool {
        *self != Self::default()
    }
}

impl Outcome for DeliveryRound {
    fn notable(&self) -> bool {
        *self != Self::default()
    }
}

/// A checkpoint every minute is routine: not logged.
impl Outcome for CheckpointRound {
    fn notable(&self) -> bool {
        false
    }
}

impl Outcome for crate::UsageFlush {
    fn notable(&self) -> bool {
        false
    }
}

impl Outcome for crate::Campaign {
    fn notable(&self) -> bool {
        false
    }
}

impl Outcome for crate::ReviewRound {
    fn notable(&self) -> bool {
        *self != Self::default()
    }
}

impl Outcome for Box<dyn Outcome + Send> {
    fn notable(&self) -> bool {
        self.as_ref().notable()
    }
}

/// The audit sequence number following changes reached.
impl Outcome for i64 {
    fn notable(&self) -> bool {
        false
    }
}

/// Something besides the period that starts the next run.
pub(crate) trait Wake: Send {
    fn wake(&mut self) -> impl Future<Output = ()> + Send;
}

/// Each PostgreSQL commit notification starts a run (when listening),
/// and its sequence number is announced to the node (change-feed lag).
struct Notified(Option<(portcullis_store::ChangeListener, Portcullis)>);

impl Wake for Notified {
    async fn wake(&mut self) {
        match self.0.as_mut() {
            Some((listener, app)) => match listener.next().await {
                Ok(seq) => app.cluster.announce(seq),
                Err(err) => {
                    tracing::warn!(%err, "change notification failed");
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
            },
            None => std::future::pending::<()>().await,
        }
    }
}

/// A leader-only worker runs at once when its node is elected.
struct Elected(Option<tokio::sync::watch::Receiver<bool>>);

impl Wake for Elected {
    async fn wake(&mut self) {
        let Some(leader) = self.0.as_mut() else {
            return std::future::pending().await;
        };
        loop {
            if leader.changed().await.is_err() {
                return std::future::pending().await;
            }
            if *leader.borrow_and_update() {
                return;
            }
        }
    }
}

/// Either wake-up of a worker: commit notifications, or election.
enum Waker {
    Notified(Box<Notified>),
    Elected(Elected),
}

impl Wake for Waker {
    async fn wake(&mut self) {
        match self {
            Self::Notified(w) => w.wake().await,
            Self::Elected(w) => w.wake().await,
        }
    }
}

/// Whether the first run happens at once or after one wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Start {
    AtOnce,
    AfterWait,
}

/// The one background loop: runs `step` when `due`, counts and logs the
/// run, then waits for `every()` (read at each wait: the detection period
/// is a cluster-wide setting), a wake-up or `shutdown`, until `shutdown`
/// completes. A run that is not due is skipped, uncounted.
#[expect(clippy::too_many_arguments, reason = "the loop's whole schedule")]
async fn run<F, Fut, R>(
    metrics: &WorkerMetrics,
    worker: Worker,
    every: impl Fn() -> Duration,
    start: Start,
    mut wake: impl Wake,
    shutdown: impl Future<Output = ()> + Send,
    due: impl Fn() -> bool,
    mut step: F,
) where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<R, ServiceError>>,
    R: Outcome,
{
    let name = worker.as_str();
    let counters = metrics.of(worker);
    tokio::pin!(shutdown);
    let mut wait_first = start == Start::AfterWait;
    loop {
        if wait_first {
            tokio::select! {
                () = &mut shutdown => return,
                () = wake.wake() => {}
                () = tokio::time::sleep(every()) => {}
            }
        }
        wait_first = true;
        if !due() {
            continue;
        }
        counters.runs.fetch_add(1, Ordering::Relaxed);
        match step().await {
            Ok(outcome) if outcome.notable() => {
                tracing::info!(worker = name, ?outcome, "{name}");
            }
            Ok(_) => {}
            Err(err) => {
                counters.failures.fetch_add(1, Ordering::Relaxed);
                tracing::error!(worker = name, %err, "{name} failed");
            }
        }
    }
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

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::AtomicUsize;

    use super::*;

    #[derive(Debug)]
    struct Ran;

    impl Outcome for Ran {
        fn notable(&self) -> bool {
            false
        }
    }

    #[tokio::test]
    async fn the_loop_counts_runs_and_failures_and_stops_on_shutdown() {
        let metrics = WorkerMetrics::default();
        let calls = Arc::new(AtomicUsize::new(0));
        let (tx, mut rx) = tokio::sync::watch::channel(false);
        let shutdown = async move {
            let _ = rx.changed().await;
        };
        let counted = Arc::clone(&calls);
        let step = move || {
            let n = counted.fetch_add(1, Ordering::SeqCst);
            let tx = tx.clone();
            async move {
                if n == 3 {
                    let _ = tx.send(true);
                }
                if n.is_multiple_of(2) {
                    Ok(Ran)
                } else {
                    Err(ServiceError::Internal("step failed".into()))
                }
            }
        };
        run(
            &metrics,
            Worker::Sweep,
            || Duration::from_millis(1),
            Start::AtOnce,
            Notified(None),
            shutdown,
            || true,
            step,
        )
        .await;
        assert_eq!(calls.load(Ordering::SeqCst), 4);
        assert_eq!(metrics.sweep.runs.load(Ordering::SeqCst), 4);
        assert_eq!(metrics.sweep.failures.load(Ordering::SeqCst), 2);
        assert_eq!(metrics.detection.runs.load(Ordering::SeqCst), 0);
    }

    #[tokio::test]
    async fn a_wake_up_starts_a_run_before_the_period() {
        struct Once(bool);
        impl Wake for Once {
            async fn wake(&mut self) {
                if std::mem::replace(&mut self.0, false) {
                    return;
                }
                std::future::pending::<()>().await;
            }
        }
        let metrics = WorkerMetrics::default();
        let (tx, mut rx) = tokio::sync::watch::channel(false);
        let shutdown = async move {
            let _ = rx.changed().await;
        };
        run(
            &metrics,
            Worker::FollowChanges,
            || Duration::from_secs(3_600),
            Start::AfterWait,
            Once(true),
            shutdown,
            || true,
            move || {
                let _ = tx.send(true);
                async { Ok(0_i64) }
            },
        )
        .await;
        assert_eq!(metrics.follow_changes.runs.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn a_run_that_is_not_due_is_skipped_and_not_counted() {
        let metrics = WorkerMetrics::default();
        let looked = Arc::new(AtomicUsize::new(0));
        let (tx, mut rx) = tokio::sync::watch::channel(false);
        let shutdown = async move {
            let _ = rx.changed().await;
        };
        let counted = Arc::clone(&looked);
        // Not the leader for three looks, then the leader once.
        let due = move || {
            let n = counted.fetch_add(1, Ordering::SeqCst);
            if n == 4 {
                let _ = tx.send(true);
            }
            n >= 3
        };
        run(
            &metrics,
            Worker::Sweep,
            || Duration::from_millis(1),
            Start::AtOnce,
            Elected(None),
            shutdown,
            due,
            || async { Ok(Ran) },
        )
        .await;
        assert!(looked.load(Ordering::SeqCst) >= 4);
        assert_eq!(metrics.sweep.runs.load(Ordering::SeqCst), 2);
        assert_eq!(metrics.sweep.failures.load(Ordering::SeqCst), 0);
    }

    #[tokio::test]
    async fn shutdown_before_the_first_wait_ends_runs_nothing() {
        let metrics = WorkerMetrics::default();
        run(
            &metrics,
            Worker::Vetting,
            || Duration::from_secs(3_600),
            Start::AfterWait,
            Notified(None),
            async {},
            || true,
            || async { Ok(Ran) },
        )
        .await;
        assert_eq!(metrics.vetting.runs.load(Ordering::SeqCst), 0);
    }
}
