//! The one loop of every background worker: when a run is due, how it is
//! counted and logged, and what wakes it before its period.

use std::fmt::Debug;
use std::future::Future;
use std::sync::atomic::Ordering;
use std::time::Duration;

use super::{Worker, WorkerMetrics};
use crate::{
    CheckpointRound, DeliveryRound, DetectionRound, Portcullis, PostureRound, ServiceError,
    SweepReport, VettingRound,
};

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
pub(super) struct Notified(pub(super) Option<(portcullis_store::ChangeListener, Portcullis)>);

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
pub(super) struct Elected(pub(super) Option<tokio::sync::watch::Receiver<bool>>);

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
pub(super) enum Waker {
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
pub(super) enum Start {
    AtOnce,
    AfterWait,
}

/// The one background loop: runs `step` when `due`, counts and logs the
/// run, then waits for `every()` (read at each wait: the detection period
/// is a cluster-wide setting), a wake-up or `shutdown`, until `shutdown`
/// completes. A run that is not due is skipped, uncounted.
#[expect(clippy::too_many_arguments, reason = "the loop's whole schedule")]
pub(super) async fn run<F, Fut, R>(
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
