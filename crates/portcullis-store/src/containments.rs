//! Containments: a partner user, relationship or partner tenant held back
//! from access; created and lifted with their audit records
//! (`containment.create`, `containment.lift`).

use async_trait::async_trait;
use portcullis_domain::{
    AuditOperation, Containment, ContainmentFilter, ContainmentKind, ContainmentMode, Page,
    PageRequest, RecordId,
};
use sqlx::any::AnyRow;

use crate::paging::Keyset;
use crate::{AuditContext, SqlStore, StoreError, rows};

#[async_trait]
pub trait ContainmentStore {
    /// Stores a containment; conflict when the target is already contained
    /// in the same mode (enforced, or shadow).
    async fn create_containment(
        &self,
        ctx: &AuditContext,
        c: &Containment,
    ) -> Result<(), StoreError>;
    async fn get_containment(&self, id: RecordId) -> Result<Option<Containment>, StoreError>;
    /// Lifts an active containment.
    async fn lift_containment(
        &self,
        ctx: &AuditContext,
        id: RecordId,
        reason: &str,
    ) -> Result<Containment, StoreError>;
    /// Containments, in id order, as `filter` narrows them.
    async fn list_containments(
        &self,
        filter: &ContainmentFilter,
        page: &PageRequest,
    ) -> Result<Page<Containment>, StoreError>;
}

const CONTAINMENT_COLUMNS: &str = "id, kind, target_id, finding_id, reason, created_at, created_by, \
     lifted_at, lifted_by, lift_reason, mode";

fn containment_from_row(row: &AnyRow) -> Result<Containment, StoreError> {
    Ok(Containment {
        id: rows::parsed(row, "id", RecordId::parse)?,
        kind: rows::named(row, "kind", ContainmentKind::parse)?,
        target_id: rows::text(row, "target_id")?,
        mode: rows::named(row, "mode", ContainmentMode::parse)?,
        finding_id: rows::opt_parsed(row, "finding_id", RecordId::parse)?,
        reason: rows::text(row, "reason")?,
        created_at: rows::time(row, "created_at")?,
        created_by: rows::text(row, "created_by")?,
        lifted_at: rows::opt_time(row, "lifted_at")?,
        lifted_by: rows::opt_text(row, "lifted_by")?,
        lift_reason: rows::opt_text(row, "lift_reason")?,
    })
}

#[async_trait]
impl ContainmentStore for SqlStore {
    async fn create_containment(
        &self,
        ctx: &AuditContext,
        c: &Containment,
    ) -> Result<(), StoreError> {
        let mut m = self.begin_mutation().await?;
        let active = sqlx::query(
            "SELECT id FROM containments WHERE kind = $1 AND target_id = $2 AND mode = $3 \
             AND lifted_at IS NULL",
        )
        .bind(c.kind.as_str())
        .bind(&c.target_id)
        .bind(c.mode.as_str())
        .fetch_optional(m.conn())
        .await?;
        if let Some(row) = active {
            let already = match c.mode {
                ContainmentMode::Enforced => "contained",
                ContainmentMode::Shadow => "contained in shadow mode",
            };
            return Err(StoreError::Conflict(format!(
                "{} `{}` is already {already} (containment `{}`)",
                c.kind,
                c.target_id,
                rows::text(&row, "id")?
            )));
        }
        sqlx::query(&format!(
            "INSERT INTO containments ({CONTAINMENT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, \
             $8, $9, $10, $11)"
        ))
        .bind(c.id.to_string())
        .bind(c.kind.as_str())
        .bind(&c.target_id)
        .bind(c.finding_id.map(|f| f.to_string()))
        .bind(&c.reason)
        .bind(c.created_at.unix_millis())
        .bind(&c.created_by)
        .bind(c.lifted_at.map(|t| t.unix_millis()))
        .bind(c.lifted_by.as_deref())
        .bind(c.lift_reason.as_deref())
        .bind(c.mode.as_str())
        .execute(m.conn())
        .await
        .map_err(crate::error::on_reference(|| {
            StoreError::InvalidChange("the containment names a finding that does not exist".into())
        }))?;
        m.announce(ctx).await?;
        m.commit(ctx.draft(
            AuditOperation::ContainmentCreate,
            None,
            c.id,
            None::<&Containment>,
            Some(c),
        ))
        .await
    }

    async fn get_containment(&self, id: RecordId) -> Result<Option<Containment>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {CONTAINMENT_COLUMNS} FROM containments WHERE id = $1"
        ))
        .bind(id.to_string())
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(containment_from_row).transpose()
    }

    async fn lift_containment(
        &self,
        ctx: &AuditContext,
        id: RecordId,
        reason: &str,
    ) -> Result<Containment, StoreError> {
        let mut m = self.begin_mutation().await?;
        let row = sqlx::query(&format!(
            "SELECT {CONTAINMENT_COLUMNS} FROM containments WHERE id = $1"
        ))
        .bind(id.to_string())
        .fetch_optional(m.conn())
        .await?;
        let before = row
            .as_ref()
            .map(containment_from_row)
            .transpose()?
            .ok_or(StoreError::NotFound)?;
        if before.lifted_at.is_some() {
            return Err(StoreError::Conflict(format!(
                "containment `{id}` is already lifted"
            )));
        }
        let after = Containment {
            lifted_at: Some(ctx.at),
            lifted_by: Some(ctx.actor.clone()),
            lift_reason: Some(reason.to_owned()),
            ..before.clone()
        };
        sqlx::query(
            "UPDATE containments SET lifted_at = $1, lifted_by = $2, lift_reason = $3 WHERE id = $4",
        )
        .bind(ctx.at.unix_millis())
        .bind(&ctx.actor)
        .bind(reason)
        .bind(id.to_string())
        .execute(m.conn())
        .await?;
        m.announce(ctx).await?;
        m.commit(ctx.draft(
            AuditOperation::ContainmentLift,
            None,
            id,
            Some(&before),
            Some(&after),
        ))
        .await?;
        Ok(after)
    }

    async fn list_containments(
        &self,
        filter: &ContainmentFilter,
        page: &PageRequest,
    ) -> Result<Page<Containment>, StoreError> {
        let keys = Keyset::by_id(page)?;
        let rows = sqlx::query(&format!(
            "SELECT {CONTAINMENT_COLUMNS} FROM containments WHERE ($1 = 0 OR lifted_at IS NULL) \
             AND ($2 IS NULL OR mode = $2) AND ($3 IS NULL OR finding_id = $3) \
             AND ($4 IS NULL OR id > $4) ORDER BY id LIMIT $5"
        ))
        .bind(i64::from(filter.active_only))
        .bind(filter.mode.map(ContainmentMode::as_str))
        .bind(filter.finding_id.map(|f| f.to_string()))
        .bind(keys.after())
        .bind(keys.fetch())
        .fetch_all(self.pool())
        .await?;
        keys.page(&rows, containment_from_row, |c| c.id.to_string())
    }
}
