use serde::{Deserialize, Serialize};

use crate::{Description, DisplayName, GroupId, TenantId, Timestamp, UserId};

/// A partner security group: the unit to which access is granted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SecurityGroup {
    pub id: GroupId,
    pub tenant_id: TenantId,
    /// Unique within the tenant.
    pub display_name: DisplayName,
    pub description: Option<Description>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub version: i64,
}

/// A partner user's membership of a security group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct GroupMember {
    pub group_id: GroupId,
    pub user_id: UserId,
    pub added_at: Timestamp,
}

/// A security group to create.
#[derive(Debug, Clone)]
pub struct NewGroup {
    pub display_name: DisplayName,
    pub description: Option<Description>,
}

/// Changes to a security group; `None` keeps the stored value.
#[derive(Debug, Clone, Default)]
pub struct GroupPatch {
    pub display_name: Option<DisplayName>,
    /// `Some(None)` clears the description.
    pub description: Option<Option<Description>>,
}
