//! Relationship templates: the terms and assignments a partner proposes to
//! many customers alike, applied to a list of customers in one call.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::id::uuid_id;
use crate::{
    AssignmentKind, DisplayName, GroupId, IsoDuration, RelationshipTerms, RoleCatalog, RoleId,
    RuleViolation, TenantId, Timestamp, ValidationError, relationship_name,
};

uuid_id!(
    /// A relationship template.
    TemplateId,
    "template_id"
);

/// The longest name pattern (the rendered name still has at most 50 characters).
pub const MAX_NAME_PATTERN: usize = 200;
/// The most assignments a template holds.
pub const MAX_TEMPLATE_ASSIGNMENTS: usize = 20;

/// One assignment a template creates on each relationship: roles of the
/// relationship granted to a partner security group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TemplateAssignment {
    pub group_id: GroupId,
    #[schema(value_type = Vec<String>)]
    pub roles: BTreeSet<RoleId>,
    /// Standing (the default) or eligible.
    #[serde(default = "standing")]
    pub kind: AssignmentKind,
}

fn standing() -> AssignmentKind {
    AssignmentKind::Standing
}

/// A partner's relationship template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RelationshipTemplate {
    pub id: TemplateId,
    pub partner_tenant_id: TenantId,
    /// The template's own name, unique per partner.
    pub name: DisplayName,
    /// The relationship's name: `{customer}` is replaced by the customer
    /// tenant's display name and `{date}` by the UTC date of applying;
    /// the result is cut to 50 characters.
    pub name_pattern: String,
    #[schema(value_type = Vec<String>)]
    pub roles: BTreeSet<RoleId>,
    #[schema(value_type = String, example = "P730D")]
    pub duration: IsoDuration,
    /// `PT0S` (never) or `P180D`.
    #[schema(value_type = String, example = "PT0S")]
    pub auto_extend_duration: IsoDuration,
    pub assignments: Vec<TemplateAssignment>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub version: i64,
}

impl RelationshipTemplate {
    /// A new template, once its terms and assignments pass the rules a
    /// relationship and its assignments must pass.
    #[expect(clippy::too_many_arguments, reason = "the fields of a template")]
    pub fn create(
        partner_tenant_id: TenantId,
        name: DisplayName,
        name_pattern: &str,
        terms: RelationshipTerms,
        assignments: Vec<TemplateAssignment>,
        catalog: &RoleCatalog,
        now: Timestamp,
        id: TemplateId,
    ) -> Result<Self, crate::RuleViolation> {
        terms.check(catalog)?;
        let pattern = name_pattern.trim();
        if pattern.is_empty() || pattern.chars().count() > MAX_NAME_PATTERN {
            return Err(RuleViolation::new(
                "invalid_name_pattern",
                format!("a name pattern has 1 to {MAX_NAME_PATTERN} characters"),
            ));
        }
        if render_name(pattern, "x", now).is_err() {
            return Err(RuleViolation::new(
                "invalid_name_pattern",
                format!(
                    "`{}` does not make a relationship name",
                    crate::error::excerpt(pattern, 64)
                ),
            ));
        }
        if assignments.len() > MAX_TEMPLATE_ASSIGNMENTS {
            return Err(RuleViolation::new(
                "too_many_assignments",
                format!("a template holds at most {MAX_TEMPLATE_ASSIGNMENTS} assignments"),
            ));
        }
        for a in &assignments {
            if a.roles.is_empty() {
                return Err(RuleViolation::new(
                    "no_roles",
                    format!("the assignment to group `{}` names no role", a.group_id),
                ));
            }
            if let Some(role) = a.roles.iter().find(|r| !terms.roles.contains(r)) {
                return Err(RuleViolation::new(
                    "role_not_in_relationship",
                    format!(
                        "role `{role}` of the assignment to group `{}` is not among the template's roles",
                        a.group_id
                    ),
                ));
            }
        }
        Ok(Self {
            id,
            partner_tenant_id,
            name,
            name_pattern: pattern.to_owned(),
            roles: terms.roles,
            duration: terms.duration,
            auto_extend_duration: terms.auto_extend_duration,
            assignments,
            created_at: now,
            updated_at: now,
            version: 1,
        })
    }

    pub fn terms(&self) -> RelationshipTerms {
        RelationshipTerms {
            roles: self.roles.clone(),
            duration: self.duration.clone(),
            auto_extend_duration: self.auto_extend_duration.clone(),
        }
    }

    /// The relationship name for a customer called `customer`, at `now`.
    pub fn relationship_name(
        &self,
        customer: &str,
        now: Timestamp,
    ) -> Result<DisplayName, ValidationError> {
        render_name(&self.name_pattern, customer, now)
    }
}

/// `pattern` with `{customer}` and `{date}` replaced, cut to 50 characters.
pub fn render_name(
    pattern: &str,
    customer: &str,
    now: Timestamp,
) -> Result<DisplayName, ValidationError> {
    let date = now.to_offset_date_time().date().to_string();
    let text = pattern
        .replace("{customer}", customer)
        .replace("{date}", &date);
    let cut: String = text.chars().take(50).collect();
    relationship_name(cut.trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    const GROUPS_ADMIN: &str = "fdd7a751-b60b-444a-984c-02652fe8fa1c";

    fn terms(roles: &[&str]) -> RelationshipTerms {
        RelationshipTerms {
            roles: roles.iter().map(|r| RoleId::parse(r).unwrap()).collect(),
            duration: IsoDuration::parse("P365D").unwrap(),
            auto_extend_duration: IsoDuration::parse("PT0S").unwrap(),
        }
    }

    fn make(
        pattern: &str,
        assignments: Vec<TemplateAssignment>,
    ) -> Result<RelationshipTemplate, RuleViolation> {
        RelationshipTemplate::create(
            TenantId::generate(),
            DisplayName::parse("Helpdesk").unwrap(),
            pattern,
            terms(&[GROUPS_ADMIN]),
            assignments,
            &RoleCatalog::default_entra(),
            Timestamp::from_unix_millis(1_780_000_000_000),
            TemplateId::generate(),
        )
    }

    #[test]
    fn the_pattern_names_the_customer_and_date_within_fifty_characters() {
        let t = make("Helpdesk for {customer} ({date})", vec![]).unwrap();
        let at = Timestamp::from_unix_millis(1_780_000_000_000);
        let name = t.relationship_name("Contoso", at).unwrap();
        assert_eq!(name.as_str(), "Helpdesk for Contoso (2026-05-28)");
        let long = t.relationship_name(&"x".repeat(80), at).unwrap();
        assert_eq!(long.as_str().chars().count(), 50);
    }

    #[test]
    fn an_assignment_may_only_grant_the_templates_roles() {
        let other = RoleId::parse("729827e3-9c14-49f7-bb1b-9608f156bbb8").unwrap();
        let err = make(
            "{customer}",
            vec![TemplateAssignment {
                group_id: GroupId::generate(),
                roles: [other].into(),
                kind: AssignmentKind::Standing,
            }],
        )
        .unwrap_err();
        assert_eq!(err.code, "role_not_in_relationship");
        assert_eq!(
            make("   ", vec![]).unwrap_err().code,
            "invalid_name_pattern"
        );
    }
}
