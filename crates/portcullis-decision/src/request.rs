use std::net::IpAddr;

use portcullis_domain::{Action, AuthStrength, TenantId, UserId};
use serde::{Deserialize, Serialize};

/// May partner user `user_id` of partner tenant `partner_tenant_id` perform
/// `action` in customer tenant `customer_tenant_id`, in a session
/// authenticated with `auth_strength`, from `source_ip`?
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DecisionRequest {
    pub partner_tenant_id: TenantId,
    pub user_id: UserId,
    pub customer_tenant_id: TenantId,
    pub action: Action,
    pub auth_strength: AuthStrength,
    #[serde(default)]
    pub source_ip: Option<IpAddr>,
}
