//! One mutation = one transaction that also appends to the audit chain.

use portcullis_domain::{AuditDraft, AuditRecord, ChainHead};
use sqlx::{Any, AnyConnection, Transaction};

use crate::Store as _;
use crate::rows;
use crate::{SqlStore, StoreError};

/// An open write transaction holding the audit chain's head.
///
/// Opening one locks the head row first — a write, so SQLite takes its write
/// lock at once and PostgreSQL serialises chain appends on that row — which
/// keeps the chain linear under concurrent writers.
pub(crate) struct Mutation {
    tx: Transaction<'static, Any>,
    head: ChainHead,
    /// On PostgreSQL, commit tells other nodes through `NOTIFY`.
    notify: bool,
}

impl SqlStore {
    pub(crate) async fn begin_mutation(&self) -> Result<Mutation, StoreError> {
        let mut tx = self.pool().begin().await?;
        sqlx::query("UPDATE audit_head SET hash = hash WHERE id = 1")
            .execute(&mut *tx)
            .await?;
        let row = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| StoreError::Corrupt("the audit chain head is missing".into()))?;
        let head = ChainHead {
            seq: rows::int(&row, "seq")?,
            hash: rows::text(&row, "hash")?,
        };
        Ok(Mutation {
            tx,
            head,
            notify: self.backend() == crate::Backend::Postgres,
        })
    }
}

impl Mutation {
    pub(crate) fn conn(&mut self) -> &mut AnyConnection {
        &mut self.tx
    }

    /// Appends one audit record within this transaction.
    pub(crate) async fn record(&mut self, draft: AuditDraft) -> Result<(), StoreError> {
        let record = AuditRecord::seal(draft, self.head.seq + 1, &self.head.hash);
        sqlx::query(
            "INSERT INTO audit_log (seq, at, actor, actor_kind, tenant_id, operation, target_id, \
             before_state, after_state, source_ip, request_id, prev_hash, hash) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        )
        .bind(record.seq)
        .bind(record.at.unix_millis())
        .bind(&record.actor)
        .bind(&record.actor_kind)
        .bind(&record.tenant_id)
        .bind(&record.operation)
        .bind(&record.target_id)
        .bind(&record.before)
        .bind(&record.after)
        .bind(&record.source_ip)
        .bind(&record.request_id)
        .bind(&record.prev_hash)
        .bind(&record.hash)
        .execute(&mut *self.tx)
        .await?;
        self.head = ChainHead {
            seq: record.seq,
            hash: record.hash,
        };
        Ok(())
    }

    /// Enqueues the webhook events `ctx` announces within this transaction.
    pub(crate) async fn announce(&mut self, ctx: &crate::AuditContext) -> Result<(), StoreError> {
        for announcement in &ctx.announcements {
            crate::webhooks::enqueue_on(&mut self.tx, announcement, ctx.at).await?;
        }
        Ok(())
    }

    /// Records the last audit draft and commits everything.
    pub(crate) async fn commit(mut self, draft: AuditDraft) -> Result<(), StoreError> {
        self.record(draft).await?;
        sqlx::query("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1")
            .bind(self.head.seq)
            .bind(&self.head.hash)
            .execute(&mut *self.tx)
            .await?;
        if self.notify {
            // Delivered to listeners only if and when the transaction commits.
            sqlx::query("SELECT pg_notify($1, $2)")
                .bind(crate::changes::CHANNEL)
                .bind(self.head.seq.to_string())
                .execute(&mut *self.tx)
                .await?;
        }
        self.tx.commit().await?;
        Ok(())
    }
}

/// Refuses a change made against a version other than the stored one.
pub(crate) fn check_version(current: i64, expected: Option<i64>) -> Result<(), StoreError> {
    match expected {
        Some(expected) if expected != current => Err(StoreError::VersionMismatch { current }),
        _ => Ok(()),
    }
}
