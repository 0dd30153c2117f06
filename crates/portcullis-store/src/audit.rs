//! Reading and verifying the audit log (records are appended by every
//! mutation, in `mutation.rs`).

use async_trait::async_trait;
use portcullis_domain::{
    AuditChainBreak, AuditFilter, AuditOperation, AuditRecord, ChainHead, ChainVerifier,
    CheckpointAnchors, Page, PageRequest,
};
use sqlx::any::AnyRow;
use sqlx::{Any, AnyConnection, Transaction};

use crate::conditions::Conditions;
use crate::paging::Keyset;
use crate::{AuditContext, Backend, SqlStore, Store, StoreError, rows};

#[async_trait]
pub trait AuditStore {
    async fn list_audit(
        &self,
        filter: &AuditFilter,
        page: &PageRequest,
    ) -> Result<Page<AuditRecord>, StoreError>;
    /// The sequence number of the last audit record (0 when there is none).
    async fn audit_head_seq(&self) -> Result<i64, StoreError>;
    /// Appends a record that changes no other data (an event worth keeping
    /// in the chain, such as an accepted checkpoint mismatch).
    async fn append_audit_event(
        &self,
        ctx: &AuditContext,
        operation: AuditOperation,
        target_id: &str,
        details: &serde_json::Value,
    ) -> Result<(), StoreError>;
    /// The chain's head: the last record's sequence number and hash.
    async fn audit_head(&self) -> Result<ChainHead, StoreError>;
    /// Walks the whole chain in one consistent snapshot: `Ok(Ok(n))` when
    /// `n` records verify, `Ok(Err(break))` naming the first bad sequence.
    async fn verify_audit(&self) -> Result<Result<i64, AuditChainBreak>, StoreError>;
    /// Like [`AuditStore::verify_audit`], and the chain must also pass
    /// through every signed checkpoint of `anchors` and reach the last.
    async fn verify_audit_with(
        &self,
        anchors: CheckpointAnchors,
    ) -> Result<Result<i64, AuditChainBreak>, StoreError>;
    /// Checks the chain's tail: the record at `from.seq` still has the hash
    /// `from` names (its content unaltered), and every later record links
    /// up to the head, which is returned.
    async fn verify_audit_from(
        &self,
        from: &ChainHead,
    ) -> Result<Result<ChainHead, AuditChainBreak>, StoreError>;
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
        let mut conditions = Conditions::default();
        conditions
            .text("actor = {}", filter.actor.clone())
            .text("tenant_id = {}", filter.tenant_id.map(|t| t.to_string()))
            .text("operation = {}", filter.operation.clone())
            .int("at >= {}", filter.since.map(|t| t.unix_millis()))
            .int("at < {}", filter.until.map(|t| t.unix_millis()))
            .int("seq > {}", keys.after());
        let rows = conditions
            .fetch(
                self.pool(),
                &format!("SELECT {COLUMNS} FROM audit_log"),
                "ORDER BY seq",
                keys.fetch(),
            )
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

    async fn append_audit_event(
        &self,
        ctx: &AuditContext,
        operation: AuditOperation,
        target_id: &str,
        details: &serde_json::Value,
    ) -> Result<(), StoreError> {
        let m = self.begin_mutation().await?;
        m.commit(ctx.draft(operation, None, target_id, None, Some(details)))
            .await
    }

    async fn audit_head(&self) -> Result<ChainHead, StoreError> {
        read_head(&mut *self.pool().acquire().await?)
            .await?
            .ok_or_else(|| StoreError::Corrupt("the audit chain head is missing".into()))
    }

    async fn verify_audit(&self) -> Result<Result<i64, AuditChainBreak>, StoreError> {
        self.verify_audit_with(CheckpointAnchors::default()).await
    }

    async fn verify_audit_with(
        &self,
        anchors: CheckpointAnchors,
    ) -> Result<Result<i64, AuditChainBreak>, StoreError> {
        let mut tx = self.read_transaction().await?;
        let Some(head) = read_head(&mut tx).await? else {
            return Ok(Err(missing_head()));
        };
        let verifier = match walk(&mut tx, ChainVerifier::with_anchors(anchors), 0).await? {
            Ok(verifier) => verifier,
            Err(broken) => return Ok(Err(broken)),
        };
        tx.rollback().await?;
        Ok(verifier.finish(&head))
    }

    async fn verify_audit_from(
        &self,
        from: &ChainHead,
    ) -> Result<Result<ChainHead, AuditChainBreak>, StoreError> {
        let mut tx = self.read_transaction().await?;
        let Some(head) = read_head(&mut tx).await? else {
            return Ok(Err(missing_head()));
        };
        if from.seq > 0 {
            let row = sqlx::query(&format!("SELECT {COLUMNS} FROM audit_log WHERE seq = $1"))
                .bind(from.seq)
                .fetch_optional(&mut *tx)
                .await?;
            let signed = match row.as_ref().map(from_row).transpose() {
                Ok(Some(record)) => record,
                Ok(None) => {
                    return Ok(Err(AuditChainBreak {
                        seq: from.seq,
                        reason: format!(
                            "the checkpointed record {} is missing (the chain ends at {})",
                            from.seq, head.seq
                        ),
                    }));
                }
                Err(err) => return Ok(Err(unreadable(from.seq, &err))),
            };
            if signed.hash != from.hash || signed.compute_hash() != signed.hash {
                return Ok(Err(AuditChainBreak {
                    seq: from.seq,
                    reason: "the record differs from the one the checkpoint signed".into(),
                }));
            }
        }
        let verifier = match walk(&mut tx, ChainVerifier::resume(from.clone()), from.seq).await? {
            Ok(verifier) => verifier,
            Err(broken) => return Ok(Err(broken)),
        };
        tx.rollback().await?;
        Ok(verifier.finish(&head).map(|_| head))
    }
}

impl SqlStore {
    /// A read transaction seeing one snapshot (REPEATABLE READ on PostgreSQL;
    /// SQLite's read transaction in WAL mode sees one snapshot from its
    /// first read on).
    pub(crate) async fn read_transaction(&self) -> Result<Transaction<'static, Any>, StoreError> {
        let mut tx = self.pool().begin().await?;
        if self.backend() == Backend::Postgres {
            sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                .execute(&mut *tx)
                .await?;
        }
        Ok(tx)
    }
}

fn missing_head() -> AuditChainBreak {
    AuditChainBreak {
        seq: 1,
        reason: "the chain head is missing".into(),
    }
}

fn unreadable(seq: i64, err: &StoreError) -> AuditChainBreak {
    AuditChainBreak {
        seq,
        reason: format!("the record cannot be read: {err}"),
    }
}

async fn read_head(conn: &mut AnyConnection) -> Result<Option<ChainHead>, StoreError> {
    let row = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
        .fetch_optional(&mut *conn)
        .await?;
    row.map(|row| {
        Ok(ChainHead {
            seq: rows::int(&row, "seq")?,
            hash: rows::text(&row, "hash")?,
        })
    })
    .transpose()
}

/// Feeds every record after `after` to `verifier`, in batches.
async fn walk(
    conn: &mut AnyConnection,
    mut verifier: ChainVerifier,
    mut after: i64,
) -> Result<Result<ChainVerifier, AuditChainBreak>, StoreError> {
    loop {
        let batch = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2"
        ))
        .bind(after)
        .bind(VERIFY_BATCH)
        .fetch_all(&mut *conn)
        .await?;
        for row in &batch {
            let record = match from_row(row) {
                Ok(record) => record,
                Err(err) => {
                    let seq = rows::int(row, "seq").unwrap_or(after + 1);
                    return Ok(Err(unreadable(seq, &err)));
                }
            };
            if let Err(broken) = verifier.check(&record) {
                return Ok(Err(broken));
            }
            after = record.seq;
        }
        if i64::try_from(batch.len()).unwrap_or(i64::MAX) < VERIFY_BATCH {
            return Ok(Ok(verifier));
        }
    }
}
