//! Test fixtures: shortcuts production code must not have, compiled only
//! with the `test-fixtures` feature (which `portcullis-testkit` enables, so
//! only test builds see it).

use portcullis_domain::{TenantId, TenantKind};

use crate::{AuditContext, SqlStore, StoreError};

impl SqlStore {
    /// Authorizes or deauthorizes a partner tenant without vetting, audited
    /// as `partner.authorize` / `partner.deauthorize`: the state vetting
    /// leaves a partner in, for tests of everything downstream of it.
    pub async fn set_partner_authorized(
        &self,
        ctx: &AuditContext,
        tenant: TenantId,
        authorized: bool,
    ) -> Result<(), StoreError> {
        let mut m = self.begin_mutation().await?;
        crate::tenants::require_kind(m.conn(), tenant, TenantKind::Partner).await?;
        let draft = super::authorization::set_authorized(&mut m, ctx, tenant, authorized).await?;
        m.commit(draft).await
    }
}
