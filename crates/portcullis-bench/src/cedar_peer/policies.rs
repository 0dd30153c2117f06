//! The Cedar text of the Portcullis rules: one guardrail `forbid` for the
//! partner and the user, one `forbid` per customer restriction, one
//! `permit` per standing assignment (its group, its roles, its customer,
//! its relationship's expiry, the MFA its roles need) and one per running
//! activation of an eligible assignment.

use std::fmt::Write as _;

use portcullis_domain::{
    AccessAssignment, Activation, CustomerRestrictions, Relationship, RoleCatalog, RoleId, TenantId,
};

pub const NAMESPACE: &str = "Portcullis";

/// The partner must be authorized, the user must belong to it, be enabled
/// and not contained. A principal or partner absent from the slice has no
/// attributes, so `has` is false and the forbid applies.
pub const GUARDRAIL: &str = r#"forbid (principal, action, resource)
unless {
  principal has partner &&
  principal.partner == context.partner &&
  context.partner has authorized &&
  context.partner.authorized &&
  principal.enabled &&
  !principal.contained
};"#;

/// `YYYY-MM-DDThh:mm:ss.sssZ`, the form Cedar's `datetime()` reads.
pub fn rfc3339_millis(unix_millis: i64) -> String {
    let days = unix_millis.div_euclid(86_400_000);
    let in_day = unix_millis.rem_euclid(86_400_000);
    // Howard Hinnant's days-to-civil algorithm.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        in_day / 3_600_000,
        in_day / 60_000 % 60,
        in_day / 1000 % 60,
        in_day % 1000
    )
}

pub fn role_group(role: RoleId) -> String {
    format!("{NAMESPACE}::Action::\"role:{role}\"")
}

/// `action in [...]` over the roles, and the MFA condition: phishing
/// resistant for a privileged role, any MFA for the others.
fn roles_and_mfa(roles: &[RoleId], catalog: &RoleCatalog) -> (String, String) {
    let all: Vec<String> = roles.iter().map(|r| role_group(*r)).collect();
    let unprivileged: Vec<String> = roles
        .iter()
        .filter(|r| catalog.get(**r).is_some_and(|role| !role.privileged))
        .map(|r| role_group(*r))
        .collect();
    let mfa = if unprivileged.is_empty() {
        "context.strength >= 2".to_owned()
    } else if unprivileged.len() == all.len() {
        "context.strength >= 1".to_owned()
    } else {
        format!(
            "(context.strength >= 2 || (context.strength >= 1 && action in [{}]))",
            unprivileged.join(", ")
        )
    };
    (all.join(", "), mfa)
}

fn relationship_live(relationship: &Relationship) -> String {
    let r = format!(
        "{NAMESPACE}::Relationship::\"{}\"",
        relationship.id.as_uuid()
    );
    format!("({r}.auto_extends || context.now < {r}.end)")
}

/// The permit of a standing assignment.
pub fn standing(
    assignment: &AccessAssignment,
    relationship: &Relationship,
    catalog: &RoleCatalog,
) -> String {
    let roles: Vec<RoleId> = assignment.roles.iter().copied().collect();
    let (actions, mfa) = roles_and_mfa(&roles, catalog);
    format!(
        "permit (\n  principal in {NAMESPACE}::Group::\"{group}\",\n  action in [{actions}],\n  resource == {NAMESPACE}::Customer::\"{customer}\"\n)\nwhen {{\n  {live} &&\n  {mfa}\n}};",
        group = assignment.group_id.as_uuid(),
        customer = relationship.customer_tenant_id.as_uuid(),
        live = relationship_live(relationship),
    )
}

/// The permit of one user's running activation of an eligible assignment:
/// only while the activation runs and the user is still in the group.
pub fn activated(
    activation: &Activation,
    assignment: &AccessAssignment,
    relationship: &Relationship,
    catalog: &RoleCatalog,
) -> Option<String> {
    let starts = rfc3339_millis(activation.starts_at?.unix_millis());
    let ends = rfc3339_millis(activation.ends_at?.unix_millis());
    let roles: Vec<RoleId> = assignment.roles.iter().copied().collect();
    let (actions, mfa) = roles_and_mfa(&roles, catalog);
    Some(format!(
        "permit (\n  principal == {NAMESPACE}::User::\"{user}\",\n  action in [{actions}],\n  resource == {NAMESPACE}::Customer::\"{customer}\"\n)\nwhen {{\n  principal in {NAMESPACE}::Group::\"{group}\" &&\n  datetime(\"{starts}\") <= context.now &&\n  context.now < datetime(\"{ends}\") &&\n  {live} &&\n  {mfa}\n}};",
        user = activation.user_id.as_uuid(),
        group = assignment.group_id.as_uuid(),
        customer = relationship.customer_tenant_id.as_uuid(),
        live = relationship_live(relationship),
    ))
}

/// The forbids of a customer's restrictions (none, one or two).
pub fn restrictions(customer: TenantId, restrictions: &CustomerRestrictions) -> Vec<String> {
    let scope = format!(
        "forbid (principal, action, resource == {NAMESPACE}::Customer::\"{}\")",
        customer.as_uuid()
    );
    let mut out = Vec::new();
    if !restrictions.allowed_ip_ranges.is_empty() {
        let mut ranges = String::new();
        for (n, net) in restrictions.allowed_ip_ranges.iter().enumerate() {
            let or = if n == 0 { "" } else { " || " };
            let _ = write!(ranges, "{or}context.source_ip.isInRange(ip(\"{net}\"))");
        }
        out.push(format!(
            "{scope}\nunless {{ context has source_ip && ({ranges}) }};"
        ));
    }
    if let Some(window) = restrictions.allowed_hours {
        let (start, end) = (window.start_hour, window.end_hour);
        let join = if start < end { "&&" } else { "||" };
        out.push(format!(
            "{scope}\nunless {{ context.now.toTime() >= duration(\"{start}h\") {join} context.now.toTime() < duration(\"{end}h\") }};"
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_millis_matches_known_instants() {
        assert_eq!(rfc3339_millis(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(
            rfc3339_millis(1_800_000_000_000 + 6 * 3_600_000 + 1_800_000 + 7),
            "2027-01-15T14:30:00.007Z"
        );
        assert_eq!(rfc3339_millis(951_782_400_000), "2000-02-29T00:00:00.000Z");
        assert_eq!(rfc3339_millis(-1), "1969-12-31T23:59:59.999Z");
    }
}
