use portcullis_domain::{GroupId, GroupMember, Page, PageRequest, SecurityGroup, TenantId, UserId};
use portcullis_domain::{GroupPatch, NewGroup};

use crate::{Caller, Portcullis, ServiceError};

fn group_not_found(id: GroupId) -> String {
    format!("group `{id}` not found")
}

impl Portcullis {
    pub async fn create_group(
        &self,
        caller: &Caller,
        tenant: TenantId,
        new: NewGroup,
    ) -> Result<SecurityGroup, ServiceError> {
        self.partner_directory(caller, tenant).await?;
        let ctx = caller.audit(self.clock.now());
        Ok(self.store.create_group(&ctx, tenant, new).await?)
    }

    pub async fn get_group(
        &self,
        caller: &Caller,
        tenant: TenantId,
        id: GroupId,
    ) -> Result<SecurityGroup, ServiceError> {
        self.partner_directory(caller, tenant).await?;
        self.store
            .get_group(tenant, id)
            .await?
            .ok_or_else(|| ServiceError::NotFound(group_not_found(id)))
    }

    pub async fn list_groups(
        &self,
        caller: &Caller,
        tenant: TenantId,
        page: &PageRequest,
    ) -> Result<Page<SecurityGroup>, ServiceError> {
        self.partner_directory(caller, tenant).await?;
        Ok(self.store.list_groups(tenant, page).await?)
    }

    pub async fn update_group(
        &self,
        caller: &Caller,
        tenant: TenantId,
        id: GroupId,
        if_match: Option<i64>,
        patch: GroupPatch,
    ) -> Result<SecurityGroup, ServiceError> {
        self.partner_directory(caller, tenant).await?;
        let ctx = caller.audit(self.clock.now());
        self.store
            .update_group(&ctx, tenant, id, if_match, patch)
            .await
            .map_err(|e| ServiceError::from_store(e, || group_not_found(id)))
    }

    pub async fn delete_group(
        &self,
        caller: &Caller,
        tenant: TenantId,
        id: GroupId,
        if_match: Option<i64>,
    ) -> Result<(), ServiceError> {
        self.partner_directory(caller, tenant).await?;
        let ctx = caller.audit(self.clock.now());
        self.store
            .delete_group(&ctx, tenant, id, if_match)
            .await
            .map_err(|e| ServiceError::from_store(e, || group_not_found(id)))?;
        self.decisions.update(|index| index.remove_group(id));
        Ok(())
    }

    /// Adds a user of the same partner tenant to a group.
    pub async fn add_member(
        &self,
        caller: &Caller,
        tenant: TenantId,
        group: GroupId,
        user: UserId,
    ) -> Result<GroupMember, ServiceError> {
        self.partner_directory(caller, tenant).await?;
        let ctx = caller.audit(self.clock.now());
        let member = self
            .store
            .add_member(&ctx, tenant, group, user)
            .await
            .map_err(|e| {
                ServiceError::from_store(e, || {
                    format!("group `{group}` or user `{user}` not found in this tenant")
                })
            })?;
        self.decisions.update(|index| index.add_member(group, user));
        Ok(member)
    }

    pub async fn remove_member(
        &self,
        caller: &Caller,
        tenant: TenantId,
        group: GroupId,
        user: UserId,
    ) -> Result<(), ServiceError> {
        self.partner_directory(caller, tenant).await?;
        let ctx = caller.audit(self.clock.now());
        self.store
            .remove_member(&ctx, tenant, group, user)
            .await
            .map_err(|e| {
                ServiceError::from_store(e, || {
                    format!("user `{user}` is not a member of group `{group}`")
                })
            })?;
        self.decisions
            .update(|index| index.remove_member(group, user));
        Ok(())
    }

    pub async fn list_members(
        &self,
        caller: &Caller,
        tenant: TenantId,
        group: GroupId,
        page: &PageRequest,
    ) -> Result<Page<GroupMember>, ServiceError> {
        self.partner_directory(caller, tenant).await?;
        self.store
            .list_members(tenant, group, page)
            .await
            .map_err(|e| ServiceError::from_store(e, || group_not_found(group)))
    }
}
