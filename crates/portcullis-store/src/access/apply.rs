//! `apply` on SQL: every change of a batch in one transaction, each with its
//! audit record, through [`AccessRecord`], which relationships, assignments
//! and activations implement in their own modules.

use async_trait::async_trait;
use portcullis_domain::{AuditDraft, AuditOperation, TenantId};
use serde::Serialize;
use sqlx::AnyConnection;
use sqlx::any::AnyRow;

use super::AccessChange;
use crate::mutation::{Mutation, check_version};
use crate::{AuditContext, SqlStore, StoreError, rows};

/// What `apply` needs to know of a stored record: its version and the
/// partner tenant it belongs to (the tenant of its audit records).
pub(crate) struct StoredRecord {
    pub(crate) version: i64,
    pub(crate) partner: TenantId,
}

impl StoredRecord {
    /// Reads the `version` and `partner_tenant_id` columns.
    pub(crate) fn read(row: Option<&AnyRow>) -> Result<Option<Self>, StoreError> {
        row.map(|row| {
            Ok(Self {
                version: rows::int(row, "version")?,
                partner: rows::parsed(row, "partner_tenant_id", TenantId::parse)?,
            })
        })
        .transpose()
    }
}

/// A least-privilege record that [`AccessStore::apply`] inserts, updates
/// and deletes.
#[async_trait]
pub(crate) trait AccessRecord: Serialize + Send + Sync {
    /// What the record is called in messages.
    const WHAT: &'static str;

    fn id(&self) -> String;
    fn version(&self) -> i64;
    /// Whether `after` keeps what never changes: the id, what the record
    /// belongs to, and when it was created.
    fn keeps_fixed_fields(&self, after: &Self) -> bool;
    /// The stored record `id`, if there is one.
    async fn stored(conn: &mut AnyConnection, id: &str)
    -> Result<Option<StoredRecord>, StoreError>;
    /// Checks that what a new record refers to exists (not found otherwise)
    /// and returns the partner tenant it belongs to.
    async fn owner_of_new(&self, conn: &mut AnyConnection) -> Result<TenantId, StoreError>;
    async fn insert(&self, conn: &mut AnyConnection) -> Result<(), StoreError>;
    /// Writes `self` over the stored record if that is still at `expected`;
    /// returns how many rows changed.
    async fn update(&self, conn: &mut AnyConnection, expected: i64) -> Result<u64, StoreError>;
    /// Deletes the stored record if that is still at `self.version`; returns
    /// how many rows went.
    async fn delete(&self, conn: &mut AnyConnection) -> Result<u64, StoreError>;
}

fn invalid(message: String) -> StoreError {
    StoreError::InvalidChange(message)
}

/// Writes one change within `m` and returns its audit draft.
async fn apply_one<T: AccessRecord>(
    m: &mut Mutation,
    ctx: &AuditContext,
    operation: AuditOperation,
    before: Option<&T>,
    after: Option<&T>,
) -> Result<AuditDraft, StoreError> {
    let (id, tenant) = match (before, after) {
        (None, None) => {
            return Err(invalid(format!(
                "`{operation}` has neither a before nor an after {}",
                T::WHAT
            )));
        }
        (None, Some(new)) => {
            if new.version() != 1 {
                return Err(invalid(format!(
                    "a new {} starts at version 1, not {}",
                    T::WHAT,
                    new.version()
                )));
            }
            let tenant = new.owner_of_new(m.conn()).await?;
            new.insert(m.conn()).await?;
            (new.id(), tenant)
        }
        (Some(old), new) => {
            if let Some(new) = new {
                if !old.keeps_fixed_fields(new) {
                    return Err(invalid(format!(
                        "`{operation}` changes the id, owner or creation time of {} `{}`",
                        T::WHAT,
                        old.id()
                    )));
                }
                if new.version() != old.version().saturating_add(1) {
                    return Err(invalid(format!(
                        "`{operation}` writes version {} over version {}",
                        new.version(),
                        old.version()
                    )));
                }
            }
            let stored = T::stored(m.conn(), &old.id())
                .await?
                .ok_or(StoreError::NotFound)?;
            check_version(stored.version, Some(old.version()))?;
            let written = match new {
                Some(new) => new.update(m.conn(), old.version()).await?,
                None => old.delete(m.conn()).await?,
            };
            if written != 1 {
                // Not while this transaction holds the chain head, but a
                // write that missed must never pass as done.
                return Err(match T::stored(m.conn(), &old.id()).await? {
                    Some(now) => StoreError::VersionMismatch {
                        current: now.version,
                    },
                    None => StoreError::NotFound,
                });
            }
            (old.id(), stored.partner)
        }
    };
    Ok(ctx.draft(operation, Some(tenant), id, before, after))
}

impl SqlStore {
    /// Applies a batch of changes in one transaction: see [`AccessStore::apply`](super::AccessStore::apply).
    pub(super) async fn apply_changes(
        &self,
        ctx: &AuditContext,
        changes: Vec<AccessChange>,
    ) -> Result<(), StoreError> {
        if changes.is_empty() {
            return Ok(());
        }
        let mut m = self.begin_mutation().await?;
        let mut drafts = Vec::with_capacity(changes.len());
        for change in &changes {
            let draft = match change {
                AccessChange::Relationship {
                    operation,
                    before,
                    after,
                } => apply_one(&mut m, ctx, *operation, before.as_ref(), after.as_ref()).await?,
                AccessChange::Assignment {
                    operation,
                    before,
                    after,
                } => apply_one(&mut m, ctx, *operation, before.as_ref(), after.as_ref()).await?,
                AccessChange::Activation {
                    operation,
                    before,
                    after,
                } => apply_one(&mut m, ctx, *operation, before.as_ref(), after.as_ref()).await?,
                AccessChange::Narrowing(narrowing) => {
                    super::narrowings::insert(&mut m, ctx, narrowing).await?
                }
            };
            drafts.push(draft);
        }
        let Some(last) = drafts.pop() else {
            return Ok(());
        };
        for draft in drafts {
            m.record(draft).await?;
        }
        m.announce(ctx).await?;
        m.commit(last).await
    }
}
