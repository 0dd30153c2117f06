//! Background bulk runs and their per-item results, readable from every
//! node. These are operational records, not audited: each change a run
//! makes is audited by itself.

use async_trait::async_trait;
use portcullis_domain::{
    BulkItem, BulkOutcome, BulkReport, BulkRun, RecordId, TenantId, Timestamp,
};
use sqlx::any::AnyRow;

use crate::{SqlStore, StoreError, rows};

/// The most runs a list returns.
pub const MAX_LISTED_RUNS: i64 = 100;

#[async_trait]
pub trait BulkRunStore {
    /// Stores a new run (its report's items, if any, too).
    async fn create_bulk_run(&self, run: &BulkRun) -> Result<(), StoreError>;
    /// Adds the result of item number `item_no` (from 0) of an unfinished
    /// run, and counts it; a result already recorded is not counted twice.
    async fn add_bulk_item(
        &self,
        id: RecordId,
        item_no: usize,
        item: &BulkItem,
        at: Timestamp,
    ) -> Result<(), StoreError>;
    /// Finishes a run (with the error that refused it as a whole, if any).
    async fn finish_bulk_run(
        &self,
        id: RecordId,
        at: Timestamp,
        error: Option<&str>,
    ) -> Result<(), StoreError>;
    /// A run with every item handled so far.
    async fn get_bulk_run(&self, id: RecordId) -> Result<Option<BulkRun>, StoreError>;
    /// One partner's runs (`Some`) or every run, newest first, at most
    /// [`MAX_LISTED_RUNS`]; their reports hold the counts, not the items.
    async fn list_bulk_runs(&self, partner: Option<TenantId>) -> Result<Vec<BulkRun>, StoreError>;
    /// Finishes, with `error`, every unfinished run untouched since
    /// `untouched_since` (its node stopped); returns how many.
    async fn abandon_bulk_runs(
        &self,
        untouched_since: Timestamp,
        at: Timestamp,
        error: &str,
    ) -> Result<u64, StoreError>;
    /// Deletes runs finished before `before`, with their items.
    async fn prune_bulk_runs(&self, before: Timestamp) -> Result<u64, StoreError>;
}

const RUN_COLUMNS: &str = "id, partner_tenant_id, operation, dry_run, total, done, failed, \
                           started_at, finished_at, error";

fn count(value: i64) -> usize {
    usize::try_from(value).unwrap_or(0)
}

fn run_from_row(row: &AnyRow) -> Result<BulkRun, StoreError> {
    let mut report = BulkReport::new(
        &rows::text(row, "operation")?,
        rows::flag(row, "dry_run")?,
        count(rows::int(row, "total")?),
    );
    report.done = count(rows::int(row, "done")?);
    report.failed = count(rows::int(row, "failed")?);
    report.items = Vec::new();
    Ok(BulkRun {
        id: rows::parsed(row, "id", RecordId::parse)?,
        partner_tenant_id: rows::opt_parsed(row, "partner_tenant_id", TenantId::parse)?,
        started_at: rows::time(row, "started_at")?,
        finished_at: rows::opt_time(row, "finished_at")?,
        error: rows::opt_text(row, "error")?,
        report,
    })
}

fn item_from_row(row: &AnyRow) -> Result<BulkItem, StoreError> {
    Ok(BulkItem {
        target: rows::text(row, "target")?,
        outcome: rows::named(row, "outcome", BulkOutcome::parse)?,
        relationship_id: rows::opt_text(row, "relationship_id")?,
        error: rows::opt_text(row, "error")?,
    })
}

fn item_no(value: usize) -> Result<i64, StoreError> {
    i64::try_from(value).map_err(|_| StoreError::InvalidChange("too many items".into()))
}

#[async_trait]
impl BulkRunStore for SqlStore {
    async fn create_bulk_run(&self, run: &BulkRun) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO bulk_runs (id, partner_tenant_id, operation, dry_run, total, done, \
             failed, started_at, touched_at, finished_at, error) \
             VALUES ($1, $2, $3, $4, $5, 0, 0, $6, $6, $7, $8)",
        )
        .bind(run.id.to_string())
        .bind(run.partner_tenant_id.map(|p| p.to_string()))
        .bind(&run.report.operation)
        .bind(i64::from(run.report.dry_run))
        .bind(item_no(run.report.total)?)
        .bind(run.started_at.unix_millis())
        .bind(run.finished_at.map(Timestamp::unix_millis))
        .bind(run.error.as_deref())
        .execute(self.pool())
        .await?;
        for (n, item) in run.report.items.iter().enumerate() {
            self.add_bulk_item(run.id, n, item, run.started_at).await?;
        }
        Ok(())
    }

    async fn add_bulk_item(
        &self,
        id: RecordId,
        n: usize,
        item: &BulkItem,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool().begin().await?;
        let added = sqlx::query(
            "INSERT INTO bulk_run_items (run_id, item_no, target, outcome, relationship_id, error) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
        )
        .bind(id.to_string())
        .bind(item_no(n)?)
        .bind(&item.target)
        .bind(item.outcome.as_str())
        .bind(item.relationship_id.as_deref())
        .bind(item.error.as_deref())
        .execute(&mut *tx)
        .await?;
        if added.rows_affected() > 0 {
            let failed = i64::from(item.outcome == BulkOutcome::Failed);
            sqlx::query(
                "UPDATE bulk_runs SET done = done + $1, failed = failed + $2, touched_at = $3 \
                 WHERE id = $4",
            )
            .bind(1 - failed)
            .bind(failed)
            .bind(at.unix_millis())
            .bind(id.to_string())
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn finish_bulk_run(
        &self,
        id: RecordId,
        at: Timestamp,
        error: Option<&str>,
    ) -> Result<(), StoreError> {
        let done = sqlx::query(
            "UPDATE bulk_runs SET finished_at = $1, touched_at = $1, error = $2 \
             WHERE id = $3 AND finished_at IS NULL",
        )
        .bind(at.unix_millis())
        .bind(error)
        .bind(id.to_string())
        .execute(self.pool())
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    async fn get_bulk_run(&self, id: RecordId) -> Result<Option<BulkRun>, StoreError> {
        let Some(row) = sqlx::query(&format!(
            "SELECT {RUN_COLUMNS} FROM bulk_runs WHERE id = $1"
        ))
        .bind(id.to_string())
        .fetch_optional(self.pool())
        .await?
        else {
            return Ok(None);
        };
        let mut run = run_from_row(&row)?;
        let items = sqlx::query(
            "SELECT target, outcome, relationship_id, error FROM bulk_run_items \
             WHERE run_id = $1 ORDER BY item_no",
        )
        .bind(id.to_string())
        .fetch_all(self.pool())
        .await?;
        run.report.items = items.iter().map(item_from_row).collect::<Result<_, _>>()?;
        Ok(Some(run))
    }

    async fn list_bulk_runs(&self, partner: Option<TenantId>) -> Result<Vec<BulkRun>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {RUN_COLUMNS} FROM bulk_runs WHERE ($1 IS NULL OR partner_tenant_id = $1) \
             ORDER BY started_at DESC, id DESC LIMIT $2"
        ))
        .bind(partner.map(|p| p.to_string()))
        .bind(MAX_LISTED_RUNS)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(run_from_row).collect()
    }

    async fn abandon_bulk_runs(
        &self,
        untouched_since: Timestamp,
        at: Timestamp,
        error: &str,
    ) -> Result<u64, StoreError> {
        let done = sqlx::query(
            "UPDATE bulk_runs SET finished_at = $1, error = $2 \
             WHERE finished_at IS NULL AND touched_at < $3",
        )
        .bind(at.unix_millis())
        .bind(error)
        .bind(untouched_since.unix_millis())
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected())
    }

    async fn prune_bulk_runs(&self, before: Timestamp) -> Result<u64, StoreError> {
        let done = sqlx::query("DELETE FROM bulk_runs WHERE finished_at < $1")
            .bind(before.unix_millis())
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected())
    }
}
