//! The types of the snapshot fields that the default baseline reads. The
//! document is deserialized into this shape only to reject wrong types with a
//! precise JSON path; evaluation reads the document itself. Every field is
//! optional (absence is judged per requirement) and unknown fields are ignored.
#![expect(
    dead_code,
    reason = "the shape exists to type-check the document; most fields are never read"
)]

use std::collections::BTreeMap;

use serde::Deserialize;
use time::OffsetDateTime;

type Strings = Option<Vec<String>>;

#[derive(Deserialize)]
#[serde(expecting = "a JSON object with snapshot sections")]
pub(super) struct Shape {
    conditional_access_policies: Option<Vec<CaPolicy>>,
    authentication_method: Option<Vec<AuthenticationMethodPolicy>>,
    privileged_users: Option<BTreeMap<String, PrivilegedUser>>,
    privileged_roles: Option<Vec<PrivilegedRole>>,
    service_plans: Option<Vec<ServicePlan>>,
    scuba_config: Option<ScubaConfig>,
    portcullis_partner_program: Option<PartnerProgram>,
}

impl Shape {
    pub(super) fn taken_at(&self) -> Option<OffsetDateTime> {
        self.portcullis_partner_program
            .as_ref()
            .and_then(|p| p.taken_at)
    }
}

#[derive(Deserialize)]
#[serde(
    rename_all = "PascalCase",
    expecting = "a conditional access policy object"
)]
struct CaPolicy {
    display_name: Option<String>,
    state: Option<String>,
    conditions: Option<Conditions>,
    grant_controls: Option<GrantControls>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Conditions {
    users: Option<Users>,
    applications: Option<Applications>,
    client_app_types: Strings,
    user_risk_levels: Strings,
    sign_in_risk_levels: Strings,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Users {
    include_users: Strings,
    exclude_users: Strings,
    exclude_groups: Strings,
    include_roles: Strings,
    exclude_roles: Strings,
    exclude_guests_or_external_users: Option<GuestExclusion>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct GuestExclusion {
    guest_or_external_user_types: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Applications {
    include_applications: Strings,
    exclude_applications: Strings,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct GrantControls {
    built_in_controls: Strings,
    authentication_strength: Option<AuthenticationStrength>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct AuthenticationStrength {
    allowed_combinations: Strings,
}

#[derive(Deserialize)]
struct AuthenticationMethodPolicy {
    authentication_method_feature_settings: Option<Vec<AuthenticationMethod>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct AuthenticationMethod {
    id: Option<String>,
    state: Option<String>,
}

#[derive(Deserialize)]
struct PrivilegedUser {
    #[serde(rename = "DisplayName")]
    display_name: Option<String>,
    #[serde(rename = "OnPremisesImmutableId")]
    on_premises_immutable_id: Option<String>,
    roles: Strings,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct PrivilegedRole {
    display_name: Option<String>,
    role_template_id: Option<String>,
    assignments: Option<Vec<Assignment>>,
    rules: Option<Vec<RoleRule>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Assignment {
    principal_id: Option<String>,
    start_date_time: Option<String>,
    end_date_time: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RoleRule {
    id: Option<String>,
    setting: Option<RuleSetting>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RuleSetting {
    is_approval_required: Option<bool>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ServicePlan {
    service_plan_name: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ScubaConfig {
    aad: Option<BTreeMap<String, PolicyConfig>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct PolicyConfig {
    cap_exclusions: Option<CapExclusions>,
    role_exclusions: Option<RoleExclusions>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct CapExclusions {
    users: Strings,
    groups: Strings,
    applications: Strings,
    guest_user_types: Strings,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RoleExclusions {
    users: Strings,
    groups: Strings,
}

#[derive(Deserialize)]
struct PartnerProgram {
    #[serde(default, with = "time::serde::rfc3339::option")]
    taken_at: Option<OffsetDateTime>,
    security_contact: Option<SecurityContact>,
    incident_response_hours: Option<u32>,
    mfa_registered_users: Option<u64>,
    total_users: Option<u64>,
}

#[derive(Deserialize)]
struct SecurityContact {
    name: String,
    email: String,
    phone: Option<String>,
}
