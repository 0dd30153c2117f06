use portcullis_domain::{NewUser, UserPatch};
use portcullis_domain::{Page, PageRequest, PartnerUser, TenantId, UserId};

use crate::{Caller, Portcullis, ServiceError};

fn user_not_found(id: UserId) -> String {
    format!("user `{id}` not found")
}

impl Portcullis {
    pub async fn create_user(
        &self,
        caller: &Caller,
        tenant: TenantId,
        new: NewUser,
    ) -> Result<PartnerUser, ServiceError> {
        self.partner_directory(caller, tenant).await?;
        let ctx = caller.audit(self.clock.now());
        let user = self.store.create_user(&ctx, tenant, new).await?;
        self.decisions.update(|index| index.upsert_user(&user));
        Ok(user)
    }

    pub async fn get_user(
        &self,
        caller: &Caller,
        tenant: TenantId,
        id: UserId,
    ) -> Result<PartnerUser, ServiceError> {
        self.partner_directory(caller, tenant).await?;
        self.store
            .get_user(tenant, id)
            .await?
            .ok_or_else(|| ServiceError::NotFound(user_not_found(id)))
    }

    pub async fn list_users(
        &self,
        caller: &Caller,
        tenant: TenantId,
        page: &PageRequest,
    ) -> Result<Page<PartnerUser>, ServiceError> {
        self.partner_directory(caller, tenant).await?;
        Ok(self.store.list_users(tenant, page).await?)
    }

    pub async fn update_user(
        &self,
        caller: &Caller,
        tenant: TenantId,
        id: UserId,
        if_match: Option<i64>,
        patch: UserPatch,
    ) -> Result<PartnerUser, ServiceError> {
        self.partner_directory(caller, tenant).await?;
        let ctx = caller.audit(self.clock.now());
        let user = self
            .store
            .update_user(&ctx, tenant, id, if_match, patch)
            .await
            .map_err(|e| ServiceError::from_store(e, || user_not_found(id)))?;
        self.decisions.update(|index| index.upsert_user(&user));
        Ok(user)
    }

    pub async fn delete_user(
        &self,
        caller: &Caller,
        tenant: TenantId,
        id: UserId,
        if_match: Option<i64>,
    ) -> Result<(), ServiceError> {
        self.partner_directory(caller, tenant).await?;
        let ctx = caller.audit(self.clock.now());
        self.store
            .delete_user(&ctx, tenant, id, if_match)
            .await
            .map_err(|e| ServiceError::from_store(e, || user_not_found(id)))?;
        self.decisions.update(|index| index.remove_user(id));
        Ok(())
    }
}
