//! Background bulk runs: a bulk call (or a template application) answered
//! at once with a run, carried out by a task of the node that accepted it.
//! The run and each item's result are kept in the store as they happen, so
//! any node shows the progress and the results, and they outlive the node;
//! a run whose node stopped before the end is closed by the sweep.

use portcullis_domain::{BulkItem, BulkReport, BulkRun, RecordId, Timestamp};
use tokio::sync::mpsc;

use super::bulk::BulkJob;
use super::templates::Progress;
use crate::caller_rules::{self, PartnerScope};
use crate::{Caller, Portcullis, ServiceError};

/// A run left unfinished and untouched this long lost its node (10 minutes;
/// a running one is touched after every item).
pub const ABANDONED_AFTER_MS: i64 = 10 * 60 * 1000;
/// How long finished runs are kept (30 days).
pub const FINISHED_RUNS_KEPT_MS: i64 = 30 * 86_400_000;
/// The error of a run closed by the sweep.
const ABANDONED: &str = "interrupted: the node running it stopped before the end; \
                         the items listed were handled, the others were not";

fn run_not_found(id: RecordId) -> ServiceError {
    ServiceError::NotFound(format!("bulk run `{id}` not found"))
}

fn visible(run: &BulkRun, scope: PartnerScope) -> bool {
    match scope {
        PartnerScope::All => true,
        PartnerScope::Own(own) => run.partner_tenant_id == Some(own),
    }
}

impl Portcullis {
    /// Starts a bulk call in the background and returns its run at once;
    /// [`Self::bulk_run`] shows its progress, from any node.
    pub async fn start_bulk(&self, caller: &Caller, job: BulkJob) -> Result<BulkRun, ServiceError> {
        // Refusals of the whole call are answers, not failed runs.
        match &job {
            BulkJob::Relationships {
                relationship_ids, ..
            } => {
                self.bulk_relationships_of(caller, relationship_ids).await?;
            }
            BulkJob::ApplyTemplate {
                template_id,
                customer_tenant_ids,
                ..
            } => {
                self.get_template(caller, *template_id).await?;
                self.bulk_targets(customer_tenant_ids, "customer_tenant_ids")?;
            }
        }
        let run = self.open_run(caller, &job).await?;
        let app = self.clone();
        let caller = caller.clone();
        let id = run.id;
        self.spawn_background(async move {
            // The outcome is the run's: recorded, not returned.
            let _outcome = app.carry_out(&caller, &job, id, &|_| {}).await;
        });
        Ok(run)
    }

    /// Runs a bulk call here and now, as [`Self::run_bulk`] does, and keeps
    /// it as a run while it goes (so that consoles on every node follow
    /// it); `progress` hears of each item too. The CLI runs its calls so.
    pub async fn run_bulk_recorded(
        &self,
        caller: &Caller,
        job: &BulkJob,
        progress: Progress<'_>,
    ) -> Result<BulkReport, ServiceError> {
        let run = self.open_run(caller, job).await?;
        self.carry_out(caller, job, run.id, progress).await
    }

    /// Stores a new run of `job`, started now by `caller`.
    async fn open_run(&self, caller: &Caller, job: &BulkJob) -> Result<BulkRun, ServiceError> {
        let scope = caller_rules::partner_scope(&caller.principal, "change relationships in bulk")?;
        let (name, dry_run, total) = match job {
            BulkJob::Relationships {
                operation,
                relationship_ids,
                dry_run,
            } => (operation.as_str(), *dry_run, relationship_ids.len()),
            BulkJob::ApplyTemplate {
                customer_tenant_ids,
                dry_run,
                ..
            } => ("apply_template", *dry_run, customer_tenant_ids.len()),
        };
        let run = BulkRun {
            id: RecordId::generate(),
            partner_tenant_id: match scope {
                PartnerScope::Own(own) => Some(own),
                PartnerScope::All => None,
            },
            started_at: self.clock.now(),
            finished_at: None,
            error: None,
            report: BulkReport::new(name, dry_run, total),
        };
        self.store.create_bulk_run(&run).await?;
        Ok(run)
    }

    /// Runs `job`, recording each item's result as it comes, then the end.
    async fn carry_out(
        &self,
        caller: &Caller,
        job: &BulkJob,
        id: RecordId,
        also: Progress<'_>,
    ) -> Result<BulkReport, ServiceError> {
        let (sender, mut results) = mpsc::unbounded_channel::<(usize, BulkItem)>();
        let work = async move {
            let progress = move |report: &BulkReport| {
                also(report);
                if let Some(item) = report.items.last() {
                    // The receiver lives until every sender is gone.
                    let _sent = sender.send((report.handled().saturating_sub(1), item.clone()));
                }
            };
            self.run_bulk(caller, job, &progress).await
        };
        let record = async {
            while let Some((n, item)) = results.recv().await {
                if let Err(err) = self
                    .store
                    .add_bulk_item(id, n, &item, self.clock.now())
                    .await
                {
                    tracing::warn!(%err, run = %id, "bulk run item not recorded");
                }
            }
        };
        let (outcome, ()) = tokio::join!(work, record);
        let error = outcome.as_ref().err().map(ToString::to_string);
        if let Err(err) = self
            .store
            .finish_bulk_run(id, self.clock.now(), error.as_deref())
            .await
        {
            tracing::warn!(%err, run = %id, "bulk run end not recorded");
        }
        outcome
    }

    /// A background run the caller may see (its partner's; an operator
    /// any), with every item handled so far.
    pub async fn bulk_run(&self, caller: &Caller, id: RecordId) -> Result<BulkRun, ServiceError> {
        let scope = caller_rules::partner_scope(&caller.principal, "read bulk runs")?;
        self.store
            .get_bulk_run(id)
            .await?
            .filter(|run| visible(run, scope))
            .ok_or_else(|| run_not_found(id))
    }

    /// The background runs the caller may see, newest first (at most
    /// 100), with their counts but not their items.
    pub async fn bulk_runs(&self, caller: &Caller) -> Result<Vec<BulkRun>, ServiceError> {
        let partner = match caller_rules::partner_scope(&caller.principal, "read bulk runs")? {
            PartnerScope::Own(own) => Some(own),
            PartnerScope::All => None,
        };
        Ok(self.store.list_bulk_runs(partner).await?)
    }

    /// Closes runs whose node stopped, deletes old finished ones; returns
    /// how many of each.
    pub(crate) async fn tidy_bulk_runs(&self, now: Timestamp) -> Result<(u64, u64), ServiceError> {
        let since =
            Timestamp::from_unix_millis(now.unix_millis().saturating_sub(ABANDONED_AFTER_MS));
        let closed = self.store.abandon_bulk_runs(since, now, ABANDONED).await?;
        let before =
            Timestamp::from_unix_millis(now.unix_millis().saturating_sub(FINISHED_RUNS_KEPT_MS));
        let pruned = self.store.prune_bulk_runs(before).await?;
        Ok((closed, pruned))
    }
}
