use std::fmt;

/// A value supplied from outside did not pass validation.
///
/// `field` names the input (`display_name`, `duration`, a path segment) and
/// `message` says what is wrong in lowercase, with the offending input in
/// backticks, without naming a Rust type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationError {
    pub field: &'static str,
    pub message: String,
}

impl ValidationError {
    pub fn new(field: &'static str, message: impl Into<String>) -> Self {
        Self {
            field,
            message: message.into(),
        }
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

impl std::error::Error for ValidationError {}

/// Shows at most `max` characters of untrusted input inside an error message.
pub(crate) fn excerpt(input: &str, max: usize) -> String {
    let mut out: String = input.chars().take(max).collect();
    if input.chars().count() > max {
        out.push('…');
    }
    out.escape_debug().to_string()
}

/// A domain rule refused a change: a lifecycle transition that is not
/// allowed from the current state, or a combination the rules forbid.
/// `code` is stable (`invalid_transition`, `global_role_auto_extend`, …).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleViolation {
    pub code: &'static str,
    pub message: String,
}

impl RuleViolation {
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }
}

impl fmt::Display for RuleViolation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for RuleViolation {}
