//! Partner authorization in SQL: whether a partner tenant may act as a
//! partner at all. No row means not authorized. Only vetting changes it
//! (`VettingStore::save_case`); tests may use the `test-fixtures` shortcut.

use portcullis_domain::{AuditDraft, AuditOperation, TenantId, Timestamp};
use serde::Serialize;
use sqlx::AnyConnection;

use crate::mutation::Mutation;
use crate::{AuditContext, SqlStore, StoreError, rows};

/// What the audit records of a change of authorization hold.
#[derive(Debug, Serialize)]
struct PartnerAuthorization {
    tenant_id: TenantId,
    authorized: bool,
    updated_at: Timestamp,
}

async fn fetch(
    conn: &mut AnyConnection,
    tenant: TenantId,
) -> Result<Option<PartnerAuthorization>, StoreError> {
    let row = sqlx::query(
        "SELECT authorized, updated_at FROM partner_authorizations WHERE tenant_id = $1",
    )
    .bind(tenant.to_string())
    .fetch_optional(conn)
    .await?;
    row.map(|row| {
        Ok(PartnerAuthorization {
            tenant_id: tenant,
            authorized: rows::flag(&row, "authorized")?,
            updated_at: rows::time(&row, "updated_at")?,
        })
    })
    .transpose()
}

/// Writes the partner's authorization inside `m` and returns the audit
/// draft of the change (`partner.authorize` or `partner.deauthorize`).
pub(crate) async fn set_authorized(
    m: &mut Mutation,
    ctx: &AuditContext,
    tenant: TenantId,
    authorized: bool,
) -> Result<AuditDraft, StoreError> {
    let before = fetch(m.conn(), tenant).await?;
    let after = PartnerAuthorization {
        tenant_id: tenant,
        authorized,
        updated_at: ctx.at,
    };
    sqlx::query(
        "INSERT INTO partner_authorizations (tenant_id, authorized, updated_at) \
         VALUES ($1, $2, $3) ON CONFLICT (tenant_id) \
         DO UPDATE SET authorized = excluded.authorized, updated_at = excluded.updated_at",
    )
    .bind(tenant.to_string())
    .bind(i64::from(authorized))
    .bind(ctx.at.unix_millis())
    .execute(m.conn())
    .await?;
    let operation = if authorized {
        AuditOperation::PartnerAuthorize
    } else {
        AuditOperation::PartnerDeauthorize
    };
    Ok(ctx.draft(
        operation,
        Some(tenant),
        tenant,
        before.as_ref(),
        Some(&after),
    ))
}

impl SqlStore {
    pub(crate) async fn read_partner_authorized(
        &self,
        tenant: TenantId,
    ) -> Result<bool, StoreError> {
        let mut conn = self.pool().acquire().await?;
        Ok(fetch(&mut conn, tenant)
            .await?
            .is_some_and(|a| a.authorized))
    }
}
