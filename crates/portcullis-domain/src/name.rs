use std::fmt;

use serde::{Deserialize, Serialize};

use crate::ValidationError;
use crate::error::excerpt;
pub(crate) use crate::text::check_text;

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

    /// The UTS #39 confusable skeleton: names that look alike (`bob@` and
    /// `bоb@` with a Cyrillic `о`, `ivy@` and `ıvy@`) share it, so a tenant
    /// keeps its users' names apart by skeleton.
    pub fn skeleton(&self) -> String {
        unicode_security::skeleton(&self.0).collect()
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
    use crate::text::free_text;

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
    fn names_refuse_invisible_format_and_control_characters() {
        for bad in [
            "a\u{3164}b",  // Hangul filler
            "a\u{115F}b",  // Hangul choseong filler
            "a\u{1160}b",  // Hangul jungseong filler
            "a\u{FFA0}b",  // halfwidth Hangul filler
            "a\u{061C}b",  // Arabic letter mark (Cf)
            "a\u{2028}b",  // line separator (Zl)
            "a\u{2029}b",  // paragraph separator (Zp)
            "a\u{00AD}b",  // soft hyphen (Cf)
            "a\u{180E}b",  // Mongolian vowel separator
            "a\u{034F}b",  // combining grapheme joiner
            "a\u{E0041}b", // tag character
            "a\u{FFF9}b",  // interlinear annotation anchor
            "a\u{FFFB}b",  // interlinear annotation terminator
            "a\u{FFFF}b",  // noncharacter
            "a\u{FDD0}b",  // noncharacter
            "a\u{E000}b",  // private use (Co)
            "a\u{0378}b",  // unassigned (Cn)
            "a\u{0007}b",  // control (Cc)
        ] {
            let err = DisplayName::parse(bad).unwrap_err();
            assert!(err.message.contains("U+"), "{bad:?}: {}", err.message);
        }
    }

    #[test]
    fn names_refuse_floods_of_combining_marks() {
        let flood = format!("Zalgo{}", "\u{0301}".repeat(200));
        assert!(DisplayName::parse(&flood).is_err());
        assert!(DisplayName::parse(&format!("a{}", "\u{0301}\u{0302}".repeat(3))).is_err());
        // A few marks on a letter are ordinary writing.
        assert!(DisplayName::parse("Nguyễn Thị Thu").is_ok());
        assert!(DisplayName::parse(&format!("a{}", "\u{0323}\u{0302}\u{0301}")).is_ok());
    }

    #[test]
    fn names_are_nfc_normalised() {
        let decomposed = DisplayName::parse("Mu\u{0308}ller").unwrap();
        assert_eq!(decomposed.as_str(), "M\u{00FC}ller");
        assert_eq!(decomposed, DisplayName::parse("M\u{00FC}ller").unwrap());
    }

    #[test]
    fn free_text_refuses_control_and_bidi_characters() {
        for bad in [
            "a\u{0000}b",
            "a\u{001B}[31mb",
            "a\u{202E}b",
            "a\u{2066}b",
            "a\u{2069}b",
            "a\u{202A}b",
        ] {
            assert!(free_text("reason", bad, 1000).is_err(), "{bad:?}");
        }
        assert_eq!(
            free_text("reason", "  password spray from 203.0.113.9 ", 1000).unwrap(),
            "password spray from 203.0.113.9"
        );
        assert!(free_text("reason", "", 1000).is_err());
        assert!(free_text("reason", &"x".repeat(1001), 1000).is_err());
    }

    #[test]
    fn confusable_principal_names_share_a_skeleton() {
        let skeleton = |s: &str| UserPrincipalName::parse(s).unwrap().skeleton();
        assert_eq!(
            skeleton("bob@contoso.com"),
            skeleton("b\u{043E}b@contoso.com")
        );
        assert_eq!(
            skeleton("ivy@contoso.com"),
            skeleton("\u{0131}vy@contoso.com")
        );
        assert_eq!(skeleton("Bob@Contoso.com"), skeleton("bob@contoso.com"));
        assert_ne!(skeleton("bob@contoso.com"), skeleton("rob@contoso.com"));
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
