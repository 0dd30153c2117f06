//! Relationship templates, audited `template.create` and `template.delete`.

use async_trait::async_trait;
use portcullis_domain::{AuditOperation, RelationshipTemplate, TemplateId, TenantId};
use sqlx::any::AnyRow;

use crate::error::on_unique;
use crate::{AuditContext, SqlStore, StoreError, rows};

/// The most templates one partner keeps.
pub const MAX_TEMPLATES_PER_PARTNER: i64 = 500;

#[async_trait]
pub trait TemplateStore {
    /// Saves a new template; a name the partner already uses is a conflict.
    async fn create_template(
        &self,
        ctx: &AuditContext,
        template: &RelationshipTemplate,
    ) -> Result<(), StoreError>;
    async fn get_template(
        &self,
        id: TemplateId,
    ) -> Result<Option<RelationshipTemplate>, StoreError>;
    /// One partner's templates (or every partner's), by name.
    async fn list_templates(
        &self,
        partner: Option<TenantId>,
    ) -> Result<Vec<RelationshipTemplate>, StoreError>;
    async fn delete_template(&self, ctx: &AuditContext, id: TemplateId) -> Result<(), StoreError>;
}

fn template_from_row(row: &AnyRow) -> Result<RelationshipTemplate, StoreError> {
    rows::json(row, "body")
}

#[async_trait]
impl TemplateStore for SqlStore {
    async fn create_template(
        &self,
        ctx: &AuditContext,
        template: &RelationshipTemplate,
    ) -> Result<(), StoreError> {
        let mut m = self.begin_mutation().await?;
        let count = sqlx::query(
            "SELECT COUNT(*) AS n FROM relationship_templates WHERE partner_tenant_id = $1",
        )
        .bind(template.partner_tenant_id.to_string())
        .fetch_one(&mut *m.conn())
        .await?;
        if rows::int(&count, "n")? >= MAX_TEMPLATES_PER_PARTNER {
            return Err(StoreError::Conflict(format!(
                "a partner keeps at most {MAX_TEMPLATES_PER_PARTNER} templates"
            )));
        }
        sqlx::query(
            "INSERT INTO relationship_templates (id, partner_tenant_id, name, body, created_at, version) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(template.id.to_string())
        .bind(template.partner_tenant_id.to_string())
        .bind(template.name.as_str())
        .bind(rows::to_json(template)?)
        .bind(template.created_at.unix_millis())
        .bind(template.version)
        .execute(&mut *m.conn())
        .await
        .map_err(on_unique(|| {
            StoreError::Conflict("the partner already has a template with this name".into())
        }))?;
        m.commit(ctx.draft(
            AuditOperation::TemplateCreate,
            Some(template.partner_tenant_id),
            template.id,
            None,
            Some(template),
        ))
        .await
    }

    async fn get_template(
        &self,
        id: TemplateId,
    ) -> Result<Option<RelationshipTemplate>, StoreError> {
        let row = sqlx::query("SELECT body FROM relationship_templates WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(template_from_row).transpose()
    }

    async fn list_templates(
        &self,
        partner: Option<TenantId>,
    ) -> Result<Vec<RelationshipTemplate>, StoreError> {
        let rows = sqlx::query(
            "SELECT body FROM relationship_templates WHERE ($1 IS NULL OR partner_tenant_id = $1) \
             ORDER BY partner_tenant_id, name, id LIMIT $2",
        )
        .bind(partner.map(|p| p.to_string()))
        .bind(MAX_TEMPLATES_PER_PARTNER * 10)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(template_from_row).collect()
    }

    async fn delete_template(&self, ctx: &AuditContext, id: TemplateId) -> Result<(), StoreError> {
        let mut m = self.begin_mutation().await?;
        let row = sqlx::query("SELECT body FROM relationship_templates WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(&mut *m.conn())
            .await?
            .ok_or(StoreError::NotFound)?;
        let before = template_from_row(&row)?;
        sqlx::query("DELETE FROM relationship_templates WHERE id = $1")
            .bind(id.to_string())
            .execute(&mut *m.conn())
            .await?;
        m.commit(ctx.draft(
            AuditOperation::TemplateDelete,
            Some(before.partner_tenant_id),
            id,
            Some(&before),
            None,
        ))
        .await
    }
}
