//! `delegatedAdminRelationship` and the pieces other Graph resources share
//! with it (`accessDetails`), as views of the native [`Relationship`].

use std::collections::{BTreeMap, BTreeSet};

use portcullis_domain::{
    APPROVAL_WINDOW_SECONDS, DisplayName, Relationship, RelationshipStatus, RoleId, TenantId,
    Timestamp,
};
use portcullis_service::{Caller, Portcullis};
use serde::{Deserialize, Serialize};

use super::error::{GraphError, GraphResult};
use super::extract::etag;

/// The collection's path.
pub const RELATIONSHIPS: &str = "/v1.0/tenantRelationships/delegatedAdminRelationships";
/// The `@odata.context` fragment of the collection.
pub const RELATIONSHIPS_CONTEXT: &str = "tenantRelationships/delegatedAdminRelationships";

/// `{"roleDefinitionId": …}`: one role, by Entra role template id.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schema(as = microsoft::graph::unifiedRole)]
pub struct UnifiedRole {
    /// Accepted and ignored on input.
    #[serde(
        rename = "@odata.type",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub odata_type: Option<String>,
    pub role_definition_id: RoleId,
}

/// `{"unifiedRoles": [...]}`.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schema(as = microsoft::graph::delegatedAdminAccessDetails)]
pub struct AccessDetails {
    /// Accepted and ignored on input.
    #[serde(
        rename = "@odata.type",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub odata_type: Option<String>,
    pub unified_roles: Vec<UnifiedRole>,
}

impl AccessDetails {
    pub fn of(roles: &BTreeSet<RoleId>) -> Self {
        Self {
            odata_type: None,
            unified_roles: roles
                .iter()
                .map(|&id| UnifiedRole {
                    odata_type: None,
                    role_definition_id: id,
                })
                .collect(),
        }
    }

    /// The roles named, duplicates folded.
    pub fn roles(&self) -> BTreeSet<RoleId> {
        self.unified_roles
            .iter()
            .map(|r| r.role_definition_id)
            .collect()
    }
}

/// `{"tenantId": …, "displayName": …}`: the customer of a relationship.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schema(as = microsoft::graph::delegatedAdminRelationshipCustomerParticipant)]
pub struct CustomerParticipant {
    /// Accepted and ignored on input.
    #[serde(
        rename = "@odata.type",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub odata_type: Option<String>,
    pub tenant_id: TenantId,
    /// The customer tenant's registered name; ignored on input.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
}

/// Graph's relationship statuses. Portcullis shows `created`,
/// `approvalPending`, `active`, `expired`, `terminationRequested` and
/// `terminated` (a rejected request shows as `terminated`); the others are
/// Graph's transitional states, which a synchronous change never passes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = microsoft::graph::delegatedAdminRelationshipStatus)]
pub enum GraphRelationshipStatus {
    Activating,
    Active,
    ApprovalPending,
    Approved,
    Created,
    Expired,
    Expiring,
    Terminated,
    Terminating,
    TerminationRequested,
    UnknownFutureValue,
}

impl GraphRelationshipStatus {
    /// The Graph status of `relationship` at `now` (time applied, as decisions do).
    pub fn of(relationship: &Relationship, now: Timestamp) -> Self {
        match relationship.status_at(now) {
            RelationshipStatus::Created => Self::Created,
            RelationshipStatus::ApprovalPending => Self::ApprovalPending,
            RelationshipStatus::Active => Self::Active,
            RelationshipStatus::Expired => Self::Expired,
            RelationshipStatus::TerminationRequested => Self::TerminationRequested,
            RelationshipStatus::Rejected | RelationshipStatus::Terminated => Self::Terminated,
        }
    }

    /// A `$filter` value; an unknown member is a 400.
    pub fn parse(value: &str) -> GraphResult<Self> {
        serde_json::from_value(serde_json::Value::String(value.to_owned())).map_err(|_| {
            GraphError::bad_request(
                "invalid_query",
                format!(
                    "`{}` is not a delegatedAdminRelationshipStatus",
                    value.chars().take(64).collect::<String>()
                ),
            )
        })
    }

    /// The one stored status every relationship showing `self` has, when
    /// there is one, so the store can narrow the scan.
    pub fn stored(self) -> Option<RelationshipStatus> {
        match self {
            Self::Created => Some(RelationshipStatus::Created),
            Self::ApprovalPending => Some(RelationshipStatus::ApprovalPending),
            Self::Active => Some(RelationshipStatus::Active),
            Self::TerminationRequested => Some(RelationshipStatus::TerminationRequested),
            _ => None,
        }
    }
}

/// A delegated admin relationship as Graph shows it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = microsoft::graph::delegatedAdminRelationship)]
pub struct RelationshipView {
    #[serde(rename = "@odata.type")]
    #[schema(value_type = String)]
    pub odata_type: &'static str,
    /// Send it back in `If-Match` to change or delete the relationship.
    #[serde(rename = "@odata.etag")]
    pub odata_etag: String,
    #[schema(format = Uuid)]
    pub id: String,
    pub display_name: String,
    /// ISO 8601, `P1D`..`P2Y`.
    pub duration: String,
    pub customer: CustomerParticipant,
    pub access_details: AccessDetails,
    pub status: GraphRelationshipStatus,
    /// `PT0S` (or `P0D`) or `P180D`.
    pub auto_extend_duration: String,
    pub created_date_time: Timestamp,
    pub last_modified_date_time: Timestamp,
    pub activated_date_time: Option<Timestamp>,
    /// When it ends (active), ended (expired, terminated) or was asked to end.
    pub end_date_time: Option<Timestamp>,
}

impl RelationshipView {
    pub fn new(
        relationship: &Relationship,
        customer: Option<&DisplayName>,
        now: Timestamp,
    ) -> Self {
        Self {
            odata_type: "#microsoft.graph.delegatedAdminRelationship",
            odata_etag: etag(relationship.version),
            id: relationship.id.to_string(),
            display_name: relationship.display_name.as_str().to_owned(),
            duration: relationship.duration.as_str().to_owned(),
            customer: CustomerParticipant {
                odata_type: None,
                tenant_id: relationship.customer_tenant_id,
                display_name: customer.map(|n| n.as_str().to_owned()),
            },
            access_details: AccessDetails::of(&relationship.roles),
            status: GraphRelationshipStatus::of(relationship, now),
            auto_extend_duration: relationship.auto_extend_duration.as_str().to_owned(),
            created_date_time: relationship.created_at,
            last_modified_date_time: relationship.updated_at,
            activated_date_time: relationship.activated_at,
            end_date_time: end_date_time(relationship, now),
        }
    }
}

/// `endDateTime`: the end in force while active; when it expired, was
/// rejected, terminated or asked to be terminated; none before approval.
fn end_date_time(relationship: &Relationship, now: Timestamp) -> Option<Timestamp> {
    match relationship.status_at(now) {
        RelationshipStatus::Created | RelationshipStatus::ApprovalPending => None,
        RelationshipStatus::Active => relationship.end_at_time(now),
        RelationshipStatus::Expired => match relationship.status {
            RelationshipStatus::ApprovalPending => relationship
                .approval_requested_at
                .map(|sent| sent.saturating_add_seconds(APPROVAL_WINDOW_SECONDS)),
            _ => relationship.end_at.or(relationship.closed_at),
        },
        RelationshipStatus::Rejected
        | RelationshipStatus::TerminationRequested
        | RelationshipStatus::Terminated => relationship.closed_at,
    }
}

/// The views of `relationships`, with the names of the customers the caller
/// may know.
pub async fn views(
    portcullis: &Portcullis,
    caller: &Caller,
    relationships: &[Relationship],
) -> GraphResult<Vec<RelationshipView>> {
    let customers: BTreeSet<TenantId> =
        relationships.iter().map(|r| r.customer_tenant_id).collect();
    let names: BTreeMap<TenantId, DisplayName> =
        portcullis.customer_names(caller, &customers).await?;
    let now = portcullis.clock().now();
    Ok(relationships
        .iter()
        .map(|r| RelationshipView::new(r, names.get(&r.customer_tenant_id), now))
        .collect())
}
