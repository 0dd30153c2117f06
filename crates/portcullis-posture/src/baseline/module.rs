//! One Rego source file of a baseline: parsed alone to learn its package and
//! to reject syntax errors with their position.

use crate::error::BaselineError;

/// Packages under this prefix are requirements; any other package is a helper.
pub(crate) const REQUIREMENT_PREFIX: &str = "data.portcullis.requirement.";

/// The package that declares the baseline's `version`.
pub(crate) const BASELINE_PACKAGE: &str = "data.portcullis.baseline";

/// The default partner baseline, embedded in the binary.
const DEFAULT_PARTNER: &[(&str, &str)] = &[
    ("baseline.rego", include_str!("../../rego/baseline.rego")),
    ("lib.rego", include_str!("../../rego/lib.rego")),
    (
        "aad_legacy_auth_blocked.rego",
        include_str!("../../rego/aad_legacy_auth_blocked.rego"),
    ),
    (
        "aad_high_risk_users_blocked.rego",
        include_str!("../../rego/aad_high_risk_users_blocked.rego"),
    ),
    (
        "aad_high_risk_signins_blocked.rego",
        include_str!("../../rego/aad_high_risk_signins_blocked.rego"),
    ),
    (
        "aad_phishing_resistant_mfa.rego",
        include_str!("../../rego/aad_phishing_resistant_mfa.rego"),
    ),
    (
        "aad_mfa_all_users.rego",
        include_str!("../../rego/aad_mfa_all_users.rego"),
    ),
    (
        "aad_weak_methods_disabled.rego",
        include_str!("../../rego/aad_weak_methods_disabled.rego"),
    ),
    (
        "aad_phishing_resistant_mfa_admins.rego",
        include_str!("../../rego/aad_phishing_resistant_mfa_admins.rego"),
    ),
    (
        "aad_global_admin_count.rego",
        include_str!("../../rego/aad_global_admin_count.rego"),
    ),
    (
        "aad_fine_grained_roles.rego",
        include_str!("../../rego/aad_fine_grained_roles.rego"),
    ),
    (
        "aad_cloud_only_admins.rego",
        include_str!("../../rego/aad_cloud_only_admins.rego"),
    ),
    (
        "aad_no_permanent_admins.rego",
        include_str!("../../rego/aad_no_permanent_admins.rego"),
    ),
    (
        "aad_assignments_through_pim.rego",
        include_str!("../../rego/aad_assignments_through_pim.rego"),
    ),
    (
        "aad_global_admin_approval.rego",
        include_str!("../../rego/aad_global_admin_approval.rego"),
    ),
    (
        "partner_security_contact.rego",
        include_str!("../../rego/partner_security_contact.rego"),
    ),
    (
        "partner_alert_response.rego",
        include_str!("../../rego/partner_alert_response.rego"),
    ),
    (
        "partner_mfa_registration.rego",
        include_str!("../../rego/partner_mfa_registration.rego"),
    ),
];

/// A parsed module.
#[derive(Debug, Clone)]
pub(crate) struct Module {
    /// Where it came from, as shown in errors: `default/<name>` or the path.
    pub(crate) file: String,
    /// `data.<package>`.
    pub(crate) package: String,
    pub(crate) source: String,
    /// Shipped by an operator rather than embedded.
    pub(crate) from_operator: bool,
}

impl Module {
    /// Parses `source` alone; a syntax error is reported with its position.
    pub(crate) fn parse(
        file: String,
        source: String,
        from_operator: bool,
    ) -> Result<Self, BaselineError> {
        let mut engine = regorus::Engine::new();
        let package = engine
            .add_policy(file.clone(), source.clone())
            .map_err(|e| compile_error(&file, &e))?;
        Ok(Self {
            file,
            package,
            source,
            from_operator,
        })
    }

    pub(crate) fn is_requirement(&self) -> bool {
        self.package.starts_with(REQUIREMENT_PREFIX)
    }
}

/// The modules of the default partner baseline.
pub(crate) fn default_partner() -> Result<Vec<Module>, BaselineError> {
    DEFAULT_PARTNER
        .iter()
        .map(|(name, source)| Module::parse(format!("default/{name}"), (*source).to_owned(), false))
        .collect()
}

/// Turns a regorus error into a [`BaselineError`]. regorus formats errors as
/// `--> file:line:col`, the offending line, a caret, then `error: message`;
/// the file in that header wins over `fallback_file` (the error may come from
/// another module than the one being evaluated).
pub(crate) fn compile_error(fallback_file: &str, error: &impl std::fmt::Display) -> BaselineError {
    let text = error.to_string();
    let message = text
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .map(|l| {
            let l = l.trim();
            l.strip_prefix("error: ").unwrap_or(l).to_owned()
        })
        .unwrap_or_default();
    let position = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("--> "))
        .and_then(|location| {
            let mut parts = location.rsplitn(3, ':');
            let column = parts.next()?.trim().parse().ok()?;
            let line = parts.next()?.trim().parse().ok()?;
            let file = parts.next()?.to_owned();
            Some((file, line, column))
        });
    match position {
        Some((file, line, column)) => BaselineError::Compile {
            file,
            line,
            column,
            message,
        },
        None => BaselineError::Invalid {
            file: fallback_file.to_owned(),
            message,
        },
    }
}
