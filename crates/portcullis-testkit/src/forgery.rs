//! The attacker's SQL: statements that write the audit tables directly,
//! as someone with write access to the database but not the signing key
//! would. Written here, independently of the store's own statements on
//! purpose, so that a change to how the store writes its chain cannot
//! quietly change the attacks the tamper tests make.

use portcullis_domain::{AuditRecord, ChainHead};
use sqlx::Any;
use sqlx::any::AnyArguments;
use sqlx::query::Query;

/// A statement of the attacker's, ready to run on a pool or a transaction.
pub type Statement<'q> = Query<'q, Any, AnyArguments<'q>>;

/// The statement that stores `record`, every column as it is.
pub fn insert_audit_record(record: &AuditRecord) -> Statement<'_> {
    let statement = sqlx::query(
        "INSERT INTO audit_log (at, actor, actor_kind, tenant_id, operation, target_id, \
         before_state, after_state, source_ip, request_id, prev_hash, hash, seq) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
    );
    bind_columns(statement, record).bind(record.seq)
}

/// The statement that writes every column of `record` but `seq` over the
/// row numbered `seq`.
pub fn overwrite_audit_record(seq: i64, record: &AuditRecord) -> Statement<'_> {
    let statement = sqlx::query(
        "UPDATE audit_log SET at = $1, actor = $2, actor_kind = $3, tenant_id = $4, \
         operation = $5, target_id = $6, before_state = $7, after_state = $8, source_ip = $9, \
         request_id = $10, prev_hash = $11, hash = $12 WHERE seq = $13",
    );
    bind_columns(statement, record).bind(seq)
}

/// Binds every column of `record` but `seq`, as `$1` to `$12`.
fn bind_columns<'q>(statement: Statement<'q>, record: &'q AuditRecord) -> Statement<'q> {
    statement
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
}

/// The statement that moves the chain's head to `head`.
pub fn set_audit_head(head: &ChainHead) -> Statement<'_> {
    sqlx::query("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1")
        .bind(head.seq)
        .bind(&head.hash)
}
