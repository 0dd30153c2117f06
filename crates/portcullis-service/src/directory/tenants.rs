use portcullis_domain::{NewTenant, TenantPatch};
use portcullis_domain::{Page, PageRequest, Tenant, TenantId, TenantKind};

use crate::caller_rules::{self, tenant_not_found};
use crate::{Caller, Portcullis, ServiceError};

impl Portcullis {
    /// Operators register partner and customer tenants.
    pub async fn create_tenant(
        &self,
        caller: &Caller,
        new: NewTenant,
    ) -> Result<Tenant, ServiceError> {
        caller_rules::require_operator(&caller.principal, "create tenants")?;
        let ctx = caller.audit(self.clock.now());
        let tenant = self.store.create_tenant(&ctx, new).await?;
        self.decisions.update(|index| index.upsert_tenant(&tenant));
        Ok(tenant)
    }

    pub async fn get_tenant(&self, caller: &Caller, id: TenantId) -> Result<Tenant, ServiceError> {
        caller_rules::may_read_tenant(&caller.principal, id)?;
        self.store
            .get_tenant(id)
            .await?
            .ok_or_else(|| tenant_not_found(id))
    }

    /// Operators list every tenant; a scoped admin sees a list of its own one.
    pub async fn list_tenants(
        &self,
        caller: &Caller,
        kind: Option<TenantKind>,
        page: &PageRequest,
    ) -> Result<Page<Tenant>, ServiceError> {
        match caller.principal.tenant() {
            None => {
                caller_rules::require_operator(&caller.principal, "list tenants")?;
                Ok(self.store.list_tenants(kind, page).await?)
            }
            Some(own) => {
                let tenant = self.store.get_tenant(own).await?;
                let items = tenant
                    .filter(|t| kind.is_none_or(|k| k == t.kind))
                    .filter(|t| page.after().is_none_or(|c| t.id.to_string() > c.0))
                    .into_iter()
                    .collect();
                Ok(Page { items, next: None })
            }
        }
    }

    pub async fn update_tenant(
        &self,
        caller: &Caller,
        id: TenantId,
        if_match: Option<i64>,
        patch: TenantPatch,
    ) -> Result<Tenant, ServiceError> {
        caller_rules::require_operator(&caller.principal, "change tenants")?;
        let ctx = caller.audit(self.clock.now());
        let tenant = self
            .store
            .update_tenant(&ctx, id, if_match, patch)
            .await
            .map_err(|e| ServiceError::from_store(e, || format!("tenant `{id}` not found")))?;
        self.decisions.update(|index| index.upsert_tenant(&tenant));
        Ok(tenant)
    }

    pub async fn delete_tenant(
        &self,
        caller: &Caller,
        id: TenantId,
        if_match: Option<i64>,
    ) -> Result<(), ServiceError> {
        caller_rules::require_operator(&caller.principal, "delete tenants")?;
        let ctx = caller.audit(self.clock.now());
        self.store
            .delete_tenant(&ctx, id, if_match)
            .await
            .map_err(|e| ServiceError::from_store(e, || format!("tenant `{id}` not found")))?;
        self.decisions.update(|index| index.remove_tenant(id));
        // Deleting a tenant revoked its tokens.
        self.token_cache.clear();
        Ok(())
    }

    /// The partner tenant whose directory the caller wants, once the caller
    /// may manage it: a foreign or missing tenant is 404, a customer tenant
    /// has no partner directory.
    pub(crate) async fn partner_directory(
        &self,
        caller: &Caller,
        tenant: TenantId,
    ) -> Result<Tenant, ServiceError> {
        caller_rules::may_manage_partner_directory(&caller.principal, tenant)?;
        self.tenant_of_kind(
            tenant,
            TenantKind::Partner,
            "users and groups belong to partner tenants",
        )
        .await
    }

    /// The tenant `id`, which must be of `kind`: missing is 404, another
    /// kind is `wrong_tenant_kind`, saying `why`.
    pub(crate) async fn tenant_of_kind(
        &self,
        id: TenantId,
        kind: TenantKind,
        why: &str,
    ) -> Result<Tenant, ServiceError> {
        let found = self
            .store
            .get_tenant(id)
            .await?
            .ok_or_else(|| tenant_not_found(id))?;
        if found.kind != kind {
            return Err(ServiceError::WrongTenantKind(format!(
                "tenant `{id}` is a {} tenant; {why}",
                found.kind.as_str()
            )));
        }
        Ok(found)
    }
}
