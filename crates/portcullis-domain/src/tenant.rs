use serde::{Deserialize, Serialize};

use crate::{DisplayName, TenantId, Timestamp};

/// Which side of the partner program a tenant is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TenantKind {
    /// A reseller or managed service provider whose staff administer customers.
    Partner,
    /// A customer whose tenant partners administer.
    Customer,
}

impl TenantKind {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Partner => "partner",
            Self::Customer => "customer",
        }
    }

    pub fn parse(input: &str) -> Option<Self> {
        match input {
            "partner" => Some(Self::Partner),
            "customer" => Some(Self::Customer),
            _ => None,
        }
    }
}

/// A tenant of the platform: a partner or a customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Tenant {
    pub id: TenantId,
    pub kind: TenantKind,
    pub display_name: DisplayName,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    /// Incremented on every change; the ETag of the resource.
    pub version: i64,
}

/// A tenant to create.
#[derive(Debug, Clone)]
pub struct NewTenant {
    pub id: TenantId,
    pub kind: TenantKind,
    pub display_name: DisplayName,
}

/// Changes to a tenant; `None` keeps the stored value.
#[derive(Debug, Clone, Default)]
pub struct TenantPatch {
    pub display_name: Option<DisplayName>,
}
