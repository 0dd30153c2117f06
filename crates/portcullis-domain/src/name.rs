use std::fmt;

use serde::{Deserialize, Serialize};

use crate::ValidationError;
use crate::error::excerpt;

/// Checks a human-readable text field: trimmed, non-empty, at most `max`
/// characters, with no control or format characters (no newlines, tabs,
/// zero-width or bidirectional overrides that could disguise a name).
pub(crate) fn check_text(
    field: &'static str,
    input: &str,
    max: usize,
) -> Result<String, ValidationError> {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Err(ValidationError::new(field, "must not be empty"));
    }
    let len = trimmed.chars().count();
    if len > max {
        return Err(ValidationError::new(
            field,
            format!("is {len} characters long; at most {max} are allowed"),
        ));
    }
    if let Some(bad) = trimmed.chars().find(|c| is_disallowed(*c)) {
        return Err(ValidationError::new(
            field,
            format!(
                "contains the disallowed character U+{:04X} in `{}`",
                u32::from(bad),
                excerpt(trimmed, 64)
            ),
        ));
    }
    Ok(trimmed.to_owned())
}

fn is_disallowed(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{200B}'..='\u{200F}'   // zero-width and direction marks
            | '\u{202A}'..='\u{202E}' // bidirectional embeddings and overrides
            | '\u{2060}'..='\u{2064}' // word joiner, invisible operators
            | '\u{2066}'..='\u{2069}' // bidirectional isolates
            | '\u{FEFF}'              // byte-order mark
        )
}

macro_rules! text_newtype {
    ($(#[$meta:meta])* $name:ident, $field:literal, $max:expr) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                string_schema(1, Self::MAX_CHARS, None)
            }
        }

        impl utoipa::ToSchema for $name {}

        impl $name {
            pub const MAX_CHARS: usize = $max;

            pub fn parse(input: &str) -> Result<Self, ValidationError> {
                check_text($field, input, Self::MAX_CHARS).map(Self)
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = ValidationError;
            fn try_from(value: String) -> Result<Self, Self::Error> {
                Self::parse(&value)
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> Self {
                value.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

text_newtype!(
    /// A display name: 1 to 256 characters after trimming, no control or
    /// invisible formatting characters.
    DisplayName,
    "display_name",
    256
);

text_newtype!(
    /// A free-text description: 1 to 1024 characters, same character rules as
    /// a display name.
    Description,
    "description",
    1024
);

/// The schema of a text newtype: its length bounds, and a pattern when
/// there is one the JSON Schema dialect can say.
fn string_schema(
    min: usize,
    max: usize,
    pattern: Option<&str>,
) -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
    utoipa::openapi::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .min_length(Some(min))
        .max_length(Some(max))
        .pattern(pattern)
        .into()
}

/// A partner user's sign-in name (`alice@contoso.com`), compared without
/// regard to case and stored lowercased.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct UserPrincipalName(String);

impl utoipa::PartialSchema for UserPrincipalName {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        string_schema(
            5,
            Self::MAX_CHARS,
            Some(r"^[^@\s]{1,64}@[^@\s.]+(\.[^@\s.]+)+$"),
        )
    }
}

impl utoipa::ToSchema for UserPrincipalName {}

impl UserPrincipalName {
    pub const MAX_CHARS: usize = 254;

    pub fn parse(input: &str) -> Result<Self, ValidationError> {
        const FIELD: &str = "user_principal_name";
        let text = check_text(FIELD, input, Self::MAX_CHARS)?;
        let invalid = || {
            ValidationError::new(
                FIELD,
                format!(
                    "`{}` is not of the form `name@domain.example`",
                    excerpt(&text, 64)
                ),
            )
        };
        let (local, domain) = text.split_once('@').ok_or_else(invalid)?;
        let domain_ok = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && domain
                .chars()
                .all(|c| c.is_alphanumeric() || c == '-' || c == '.');
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local.chars().any(|c| c.is_whitespace() || c == '@');
        if !(domain_ok && local_ok) {
            return Err(invalid());
        }
        Ok(Self(text.to_lowercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for UserPrincipalName {
    type Error = ValidationError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<UserPrincipalName> for String {
    fn from(value: UserPrincipalName) -> Self {
        value.0
    }
}

impl fmt::Display for UserPrincipalName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_name_is_trimmed() {
        assert_eq!(
            DisplayName::parse("  Contoso  ").unwrap().as_str(),
            "Contoso"
        );
    }

    #[test]
    fn display_name_rejects_empty_and_blank() {
        assert!(DisplayName::parse("").is_err());
        assert!(DisplayName::parse("   ").is_err());
    }

    #[test]
    fn display_name_limit_counts_characters_not_bytes() {
        assert!(DisplayName::parse(&"é".repeat(256)).is_ok());
        let err = DisplayName::parse(&"é".repeat(257)).unwrap_err();
        assert!(err.message.contains("257"), "{}", err.message);
    }

    #[test]
    fn display_name_rejects_control_and_bidi_characters() {
        assert!(DisplayName::parse("a\nb").is_err());
        assert!(DisplayName::parse("evil\u{202E}gpj.exe").is_err());
        assert!(DisplayName::parse("zero\u{200B}width").is_err());
    }

    #[test]
    fn display_name_accepts_non_latin_scripts() {
        assert!(DisplayName::parse("Müller & Söhne GmbH").is_ok());
        assert!(DisplayName::parse("ООО Ромашка").is_ok());
        assert!(DisplayName::parse("شركة").is_ok());
    }

    #[test]
    fn upn_is_lowercased_and_validated() {
        assert_eq!(
            UserPrincipalName::parse("Alice@Contoso.COM")
                .unwrap()
                .as_str(),
            "alice@contoso.com"
        );
        for bad in [
            "alice",
            "@contoso.com",
            "alice@",
            "alice@contoso",
            "a b@c.d",
            "a@b..c",
            "a@@b.c",
        ] {
            assert!(UserPrincipalName::parse(bad).is_err(), "{bad}");
        }
    }
}
