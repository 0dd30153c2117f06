use serde::{Deserialize, Serialize};

use crate::{DisplayName, TenantId, Timestamp, UserId, UserPrincipalName};

/// A member of a partner's staff, known to the platform.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PartnerUser {
    pub id: UserId,
    /// The partner tenant the user belongs to.
    pub tenant_id: TenantId,
    /// Unique within the tenant, lowercased.
    pub user_principal_name: UserPrincipalName,
    pub display_name: DisplayName,
    /// A disabled user is denied everything.
    pub enabled: bool,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub version: i64,
}

/// A partner user to create.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub user_principal_name: UserPrincipalName,
    pub display_name: DisplayName,
    pub enabled: bool,
}

/// Changes to a partner user; `None` keeps the stored value.
#[derive(Debug, Clone, Default)]
pub struct UserPatch {
    pub user_principal_name: Option<UserPrincipalName>,
    pub display_name: Option<DisplayName>,
    pub enabled: Option<bool>,
}
