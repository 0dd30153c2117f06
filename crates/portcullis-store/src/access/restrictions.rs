//! Customer restrictions in SQL: one JSON document per customer tenant; no
//! row means no restriction.

use portcullis_domain::{AuditOperation, CustomerRestrictions, TenantId, TenantKind};
use sqlx::AnyConnection;

use crate::tenants::require_kind;
use crate::{AuditContext, SqlStore, StoreError, rows};

async fn fetch(
    conn: &mut AnyConnection,
    customer: TenantId,
) -> Result<Option<CustomerRestrictions>, StoreError> {
    let row = sqlx::query("SELECT document FROM customer_restrictions WHERE tenant_id = $1")
        .bind(customer.to_string())
        .fetch_optional(conn)
        .await?;
    row.map(|row| rows::json(&row, "document")).transpose()
}

impl SqlStore {
    pub(crate) async fn write_restrictions(
        &self,
        ctx: &AuditContext,
        customer: TenantId,
        restrictions: &CustomerRestrictions,
    ) -> Result<(), StoreError> {
        let mut m = self.begin_mutation().await?;
        require_kind(m.conn(), customer, TenantKind::Customer).await?;
        let before = fetch(m.conn(), customer).await?;
        sqlx::query(
            "INSERT INTO customer_restrictions (tenant_id, document, updated_at) \
             VALUES ($1, $2, $3) ON CONFLICT (tenant_id) \
             DO UPDATE SET document = excluded.document, updated_at = excluded.updated_at",
        )
        .bind(customer.to_string())
        .bind(rows::to_json(restrictions)?)
        .bind(ctx.at.unix_millis())
        .execute(m.conn())
        .await?;
        m.commit(ctx.draft(
            AuditOperation::CustomerRestrictionsSet,
            Some(customer),
            customer,
            before.as_ref(),
            Some(restrictions),
        ))
        .await
    }

    pub(crate) async fn read_restrictions(
        &self,
        customer: TenantId,
    ) -> Result<CustomerRestrictions, StoreError> {
        let mut conn = self.pool().acquire().await?;
        Ok(fetch(&mut conn, customer).await?.unwrap_or_default())
    }
}
