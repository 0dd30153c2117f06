//! Reading and verifying the audit log (records are appended by every
//! mutation, in `mutation.rs`).

use async_trait::async_trait;
use portcullis_domain::{
    AuditChainBreak, AuditFilter, AuditRecord, ChainHead, ChainVerifier, Page, PageRequest,
};
use sqlx::any::AnyRow;

use crate::paging::Keyset;
use crate::{Backend, SqlStore, Store, StoreError, rows};

#[async_trait]
pub trait AuditStore {
    async fn list_audit(
        &self,
        filter: &AuditFilter,
        page: &PageRequest,
    ) -> Result<Page<AuditRecord>, StoreError>;
    /// The sequence number of the last audit record (0 when there is none).
    async fn audit_head_seq(&self) -> Result<i64, StoreError>;
    /// Walks the whole chain in one consistent snapshot: `Ok(Ok(n))` when
    /// `n` records verify, `Ok(Err(break))` naming the first bad sequence.
    async fn verify_audit(&self) -> Result<Result<i64, AuditChainBreak>, StoreError>;
}

const COLUMNS: &str = "seq, at, actor, actor_kind, tenant_id, operation, target_id, before_state, \
                       after_state, source_ip, request_id, prev_hash, hash";

/// Records read per round trip while verifying.
const VERIFY_BATCH: i64 = 1_000;

fn from_row(row: &AnyRow) -> Result<AuditRecord, StoreError> {
    Ok(AuditRecord {
        seq: rows::int(row, "seq")?,
        at: rows::time(row, "at")?,
        actor: rows::text(row, "actor")?,
        actor_kind: rows::text(row, "actor_kind")?,
        tenant_id: rows::opt_text(row, "tenant_id")?,
        operation: rows::text(row, "operation")?,
        target_id: rows::text(row, "target_id")?,
        before: rows::opt_text(row, "before_state")?,
        after: rows::opt_text(row, "after_state")?,
        source_ip: rows::opt_text(row, "source_ip")?,
        request_id: rows::opt_text(row, "request_id")?,
        prev_hash: rows::text(row, "prev_hash")?,
        hash: rows::text(row, "hash")?,
    })
}

#[async_trait]
impl AuditStore for SqlStore {
    async fn list_audit(
        &self,
        filter: &AuditFilter,
        page: &PageRequest,
    ) -> Result<Page<AuditRecord>, StoreError> {
        let keys = Keyset::by_seq(page)?;
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM audit_log WHERE ($1 IS NULL OR actor = $1) \
             AND ($2 IS NULL OR tenant_id = $2) AND ($3 IS NULL OR operation = $3) \
             AND ($4 IS NULL OR at >= $4) AND ($5 IS NULL OR at < $5) \
             AND ($6 IS NULL OR seq > $6) ORDER BY seq LIMIT $7"
        ))
        .bind(filter.actor.clone())
        .bind(filter.tenant_id.map(|t| t.to_string()))
        .bind(filter.operation.clone())
        .bind(filter.since.map(|t| t.unix_millis()))
        .bind(filter.until.map(|t| t.unix_millis()))
        .bind(keys.after())
        .bind(keys.fetch())
        .fetch_all(self.pool())
        .await?;
        keys.page(&rows, from_row, |r| r.seq.to_string())
    }

    async fn audit_head_seq(&self) -> Result<i64, StoreError> {
        let row = sqlx::query("SELECT seq FROM audit_head WHERE id = 1")
            .fetch_optional(self.pool())
            .await?
            .ok_or_else(|| StoreError::Corrupt("the audit chain head is missing".into()))?;
        rows::int(&row, "seq")
    }

    async fn verify_audit(&self) -> Result<Result<i64, AuditChainBreak>, StoreError> {
        let mut tx = self.pool().begin().await?;
        if self.backend() == Backend::Postgres {
            // One snapshot for the head and every record.
            sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                .execute(&mut *tx)
                .await?;
        }
        let head_row = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
            .fetch_optional(&mut *tx)
            .await?;
        let Some(head_row) = head_row else {
            return Ok(Err(AuditChainBreak {
                seq: 1,
                reason: "the chain head is missing".into(),
            }));
        };
        let head = ChainHead {
            seq: rows::int(&head_row, "seq")?,
            hash: rows::text(&head_row, "hash")?,
        };
        let mut verifier = ChainVerifier::default();
        let mut after = 0_i64;
        loop {
            let batch = sqlx::query(&format!(
                "SELECT {COLUMNS} FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2"
            ))
            .bind(after)
            .bind(VERIFY_BATCH)
            .fetch_all(&mut *tx)
            .await?;
            for row in &batch {
                let record = match from_row(row) {
                    Ok(record) => record,
                    Err(err) => {
                        let seq = rows::int(row, "seq").unwrap_or(after + 1);
                        return Ok(Err(AuditChainBreak {
                            seq,
                            reason: format!("the record cannot be read: {err}"),
                        }));
                    }
                };
                if let Err(broken) = verifier.check(&record) {
                    return Ok(Err(broken));
                }
                after = record.seq;
            }
            if i64::try_from(batch.len()).unwrap_or(i64::MAX) < VERIFY_BATCH {
                break;
            }
        }
        tx.rollback().await?;
        Ok(verifier.finish(&head))
    }
}
