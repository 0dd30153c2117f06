//! Actions a partner user may perform in a customer tenant, and the
//! patterns roles use to permit them.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::ValidationError;
use crate::error::excerpt;

const MAX_ACTION_CHARS: usize = 128;

fn valid_segment(segment: &str) -> bool {
    !segment.is_empty()
        && segment
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
}

fn invalid(field: &'static str, input: &str, form: &str) -> ValidationError {
    ValidationError::new(
        field,
        format!("`{}` is not {form}", excerpt(input, MAX_ACTION_CHARS)),
    )
}

/// A dotted action name such as `users.password.reset`: lowercase segments
/// of letters, digits, `_` and `-`, at most 128 characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Action(String);

impl Action {
    pub fn parse(input: &str) -> Result<Self, ValidationError> {
        if input.len() > MAX_ACTION_CHARS || !input.split('.').all(valid_segment) {
            return Err(invalid(
                "action",
                input,
                "an action such as `users.password.reset` (lowercase dotted segments)",
            ));
        }
        Ok(Self(input.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Action {
    type Error = ValidationError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Action> for String {
    fn from(value: Action) -> Self {
        value.0
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl utoipa::PartialSchema for Action {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .max_length(Some(MAX_ACTION_CHARS))
            .pattern(Some(r"^[a-z0-9_-]+(\.[a-z0-9_-]+)*$"))
            .examples(["users.password.reset"])
            .into()
    }
}

impl utoipa::ToSchema for Action {}

/// What a role permits: an exact action (`users.password.reset`), every
/// action under a prefix (`users.*` — `users` itself and anything below
/// it), or everything (`*`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ActionPattern {
    /// The exact action, or the prefix before `.*`; empty for `*`.
    prefix: String,
    wildcard: bool,
}

impl ActionPattern {
    pub fn parse(input: &str) -> Result<Self, ValidationError> {
        if input == "*" {
            return Ok(Self {
                prefix: String::new(),
                wildcard: true,
            });
        }
        let (prefix, wildcard) = match input.strip_suffix(".*") {
            Some(prefix) => (prefix, true),
            None => (input, false),
        };
        Action::parse(prefix).map_err(|_| {
            invalid(
                "actions",
                input,
                "an action pattern such as `users.*`, `users.password.reset` or `*`",
            )
        })?;
        Ok(Self {
            prefix: prefix.to_owned(),
            wildcard,
        })
    }

    /// Whether this pattern permits `action`.
    pub fn matches(&self, action: &Action) -> bool {
        let action = action.as_str();
        if !self.wildcard {
            return action == self.prefix;
        }
        if self.prefix.is_empty() {
            return true;
        }
        match action.strip_prefix(self.prefix.as_str()) {
            Some("") => true,
            Some(rest) => rest.starts_with('.'),
            None => false,
        }
    }

    /// How much the pattern covers: `*` most, then shorter prefixes; an exact
    /// action least. Used to rank roles from least to most privileged.
    pub fn breadth(&self) -> usize {
        match (self.wildcard, self.prefix.is_empty()) {
            (true, true) => usize::MAX,
            (true, false) => 1_000 - self.prefix.split('.').count().min(999),
            (false, _) => 1,
        }
    }
}

impl TryFrom<String> for ActionPattern {
    type Error = ValidationError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<ActionPattern> for String {
    fn from(value: ActionPattern) -> Self {
        value.to_string()
    }
}

impl fmt::Display for ActionPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.wildcard, self.prefix.is_empty()) {
            (true, true) => f.write_str("*"),
            (true, false) => write!(f, "{}.*", self.prefix),
            (false, _) => f.write_str(&self.prefix),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn action(s: &str) -> Action {
        Action::parse(s).unwrap()
    }

    fn pattern(s: &str) -> ActionPattern {
        ActionPattern::parse(s).unwrap()
    }

    #[test]
    fn exact_pattern_matches_only_itself() {
        let p = pattern("users.password.reset");
        assert!(p.matches(&action("users.password.reset")));
        assert!(!p.matches(&action("users.password")));
        assert!(!p.matches(&action("users.password.reset.all")));
    }

    #[test]
    fn prefix_wildcard_respects_segment_boundaries() {
        let p = pattern("users.*");
        assert!(p.matches(&action("users")));
        assert!(p.matches(&action("users.read")));
        assert!(p.matches(&action("users.password.reset")));
        assert!(!p.matches(&action("usersettings.read")));
        assert!(!p.matches(&action("groups.read")));
    }

    #[test]
    fn star_matches_everything() {
        assert!(pattern("*").matches(&action("federation.update")));
    }

    #[test]
    fn garbage_is_refused() {
        for bad in [
            "",
            "Users.read",
            "users..read",
            "users.*.read",
            "users.",
            ".users",
            "users read",
            "**",
            "users*",
        ] {
            assert!(ActionPattern::parse(bad).is_err(), "{bad}");
        }
        for bad in ["", "users.*", "*", "USERS", "a..b"] {
            assert!(Action::parse(bad).is_err(), "{bad}");
        }
        assert!(Action::parse(&"a".repeat(129)).is_err());
    }

    #[test]
    fn patterns_round_trip_as_text() {
        for text in ["*", "users.*", "users.password.reset"] {
            assert_eq!(pattern(text).to_string(), text);
        }
    }

    #[test]
    fn breadth_orders_star_prefix_exact() {
        assert!(pattern("*").breadth() > pattern("users.*").breadth());
        assert!(pattern("users.*").breadth() > pattern("users.password.*").breadth());
        assert!(pattern("users.password.*").breadth() > pattern("users.read").breadth());
    }
}
