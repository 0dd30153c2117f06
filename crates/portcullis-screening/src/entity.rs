//! A watchlist entity: who is listed, under which names, where and when.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The FollowTheMoney schemas that are screened. Other FtM schemas that are
/// not parties (`Vessel`, `Sanction`, `Address`, …) are skipped when
/// loading; a schema FtM does not know is rejected.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Schema {
    /// A natural person.
    Person,
    /// Any organization.
    Organization,
    /// A commercial organization.
    Company,
    /// A person or an organization (FtM's parent of both).
    LegalEntity,
    /// A state body, ministry or state-owned agency.
    PublicBody,
}

/// FtM schemas that are known but are not parties an applicant can be.
const SKIPPED_SCHEMAS: &[&str] = &[
    "Address",
    "Airplane",
    "Analyzable",
    "Article",
    "Asset",
    "Associate",
    "Audio",
    "BankAccount",
    "Call",
    "Contract",
    "ContractAward",
    "CourtCase",
    "CourtCaseParty",
    "CryptoWallet",
    "Debt",
    "Directorship",
    "Document",
    "Documentation",
    "EconomicActivity",
    "Email",
    "Employment",
    "Event",
    "Family",
    "Folder",
    "HyperText",
    "Identification",
    "Image",
    "Interest",
    "Interval",
    "License",
    "Membership",
    "Mention",
    "Message",
    "Note",
    "Occupancy",
    "Ownership",
    "Package",
    "Page",
    "Pages",
    "Passport",
    "Payment",
    "PlainText",
    "Position",
    "Project",
    "ProjectParticipant",
    "RealEstate",
    "Representation",
    "Sanction",
    "Security",
    "Succession",
    "Table",
    "TaxRoll",
    "Thing",
    "Trip",
    "UnknownLink",
    "Value",
    "Vehicle",
    "Vessel",
    "Video",
    "Workbook",
];

/// How a schema name is treated on load.
pub(crate) enum SchemaClass {
    Screened(Schema),
    Skipped,
    Unknown,
}

impl Schema {
    pub(crate) fn classify(name: &str) -> SchemaClass {
        let schema = match name {
            "Person" => Self::Person,
            "Organization" => Self::Organization,
            "Company" => Self::Company,
            "LegalEntity" => Self::LegalEntity,
            "PublicBody" => Self::PublicBody,
            other if SKIPPED_SCHEMAS.contains(&other) => return SchemaClass::Skipped,
            _ => return SchemaClass::Unknown,
        };
        SchemaClass::Screened(schema)
    }

    /// Whether names of this schema are organization names (legal forms
    /// stripped). `LegalEntity` counts as an organization.
    pub(crate) fn is_organization(self) -> bool {
        self != Self::Person
    }

    /// Whether an applicant of `kind` can be this schema.
    pub(crate) fn fits(self, kind: Kind) -> bool {
        match self {
            Self::LegalEntity => true,
            Self::Person => kind == Kind::Person,
            Self::Organization | Self::Company | Self::PublicBody => kind == Kind::Organization,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Self::Person => "Person",
            Self::Organization => "Organization",
            Self::Company => "Company",
            Self::LegalEntity => "LegalEntity",
            Self::PublicBody => "PublicBody",
        }
    }
}

/// What an applicant is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A company or other organization (legal forms are stripped).
    Organization,
    /// A natural person.
    Person,
}

/// One listed entity. `names` holds the primary names first, then aliases
/// and previous names; `countries` are lowercase codes as the list gives
/// them; `birth_years` come from `birthDate` (persons) or
/// `incorporationDate` (organizations).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entity {
    /// The list's identifier, unique within the watchlist.
    pub id: String,
    /// What the entity is.
    pub schema: Schema,
    /// Every name it is listed under; never empty.
    pub names: Vec<String>,
    /// Country codes (country, nationality, citizenship, jurisdiction).
    pub countries: Vec<String>,
    /// Years of birth or incorporation.
    pub birth_years: Vec<i32>,
}

/// A content fingerprint: SHA-256 over the schema and the sorted names,
/// countries and years; equal for equal content whatever the order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Fingerprint(pub [u8; 32]);

impl Entity {
    /// The content fingerprint of this entity (its id excluded).
    #[must_use]
    pub fn fingerprint(&self) -> Fingerprint {
        let mut hasher = Sha256::new();
        hasher.update(self.schema.as_str().as_bytes());
        for (tag, list) in [(b'n', sorted(&self.names)), (b'c', sorted(&self.countries))] {
            for item in list {
                hasher.update([0, tag]);
                hasher.update(item.as_bytes());
            }
        }
        let mut years = self.birth_years.clone();
        years.sort_unstable();
        years.dedup();
        for year in years {
            hasher.update([0, b'y']);
            hasher.update(year.to_le_bytes());
        }
        Fingerprint(hasher.finalize().into())
    }
}

fn sorted(items: &[String]) -> Vec<&str> {
    let mut v: Vec<&str> = items.iter().map(String::as_str).collect();
    v.sort_unstable();
    v.dedup();
    v
}

/// The raw fields of one record, as a loader read them.
pub(crate) struct Draft<'a> {
    pub id: Option<&'a str>,
    pub schema: Option<&'a str>,
    pub names: Vec<&'a str>,
    pub countries: Vec<&'a str>,
    pub dates: Vec<&'a str>,
}

/// What a draft turned into.
pub(crate) enum Drafted {
    Entity(Entity),
    Skipped,
}

impl Draft<'_> {
    /// Validates the draft; the error is the rejection reason.
    pub(crate) fn build(self) -> Result<Drafted, String> {
        let id = self.id.map(str::trim).unwrap_or_default();
        if id.is_empty() {
            return Err("record has no `id`".to_owned());
        }
        let schema = match self.schema.map(str::trim) {
            None | Some("") => return Err(format!("entity `{id}` has no `schema`")),
            Some(name) => match Schema::classify(name) {
                SchemaClass::Screened(s) => s,
                SchemaClass::Skipped => return Ok(Drafted::Skipped),
                SchemaClass::Unknown => {
                    return Err(format!("entity `{id}` has unknown schema `{name}`"));
                }
            },
        };
        let mut names: Vec<String> = Vec::new();
        for name in self.names {
            let name = name.trim();
            if !name.is_empty() && !names.iter().any(|n| n == name) {
                names.push(name.to_owned());
            }
        }
        let usable = names
            .iter()
            .any(|n| !crate::normalize::name_tokens(n, false).is_empty());
        if !usable {
            return Err(format!("entity `{id}` has no name with a letter or digit"));
        }
        let mut countries: Vec<String> = Vec::new();
        for country in self.countries {
            let country = country.trim().to_ascii_lowercase();
            if !country.is_empty() && !countries.contains(&country) {
                countries.push(country);
            }
        }
        let mut birth_years: Vec<i32> = self.dates.into_iter().filter_map(year_of).collect();
        birth_years.sort_unstable();
        birth_years.dedup();
        Ok(Drafted::Entity(Entity {
            id: id.to_owned(),
            schema,
            names,
            countries,
            birth_years,
        }))
    }
}

/// The year of an ISO-8601 date or date prefix (`1952`, `1952-10`,
/// `1952-10-07`); `None` for anything else.
pub(crate) fn year_of(date: &str) -> Option<i32> {
    let date = date.trim();
    let year = date.get(..4)?;
    let rest = date.get(4..)?;
    if !year.bytes().all(|b| b.is_ascii_digit()) || !(rest.is_empty() || rest.starts_with('-')) {
        return None;
    }
    year.parse().ok().filter(|y| (1000..=2999).contains(y))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft<'a>(id: &'a str, schema: &'a str, names: Vec<&'a str>) -> Draft<'a> {
        Draft {
            id: Some(id),
            schema: Some(schema),
            names,
            countries: vec!["RU", "ru"],
            dates: vec!["1952-10-07", "c. 1950"],
        }
    }

    #[test]
    fn builds_an_entity_with_clean_lists() {
        let Ok(Drafted::Entity(e)) = draft("x", "Person", vec![" A B ", "A B", ""]).build() else {
            panic!("not built");
        };
        assert_eq!(e.names, vec!["A B"]);
        assert_eq!(e.countries, vec!["ru"]);
        assert_eq!(e.birth_years, vec![1952]);
    }

    #[test]
    fn rejects_missing_id_unknown_schema_and_empty_names() {
        assert!(draft(" ", "Person", vec!["A"]).build().is_err());
        let err = draft("x", "Martian", vec!["A"]).build().err().unwrap();
        assert_eq!(err, "entity `x` has unknown schema `Martian`");
        assert!(draft("x", "Person", vec!["", "!!"]).build().is_err());
        assert!(draft("x", "", vec!["A"]).build().is_err());
    }

    #[test]
    fn skips_known_schemas_that_are_not_parties() {
        assert!(matches!(
            draft("x", "Vessel", vec!["A"]).build(),
            Ok(Drafted::Skipped)
        ));
    }

    #[test]
    fn fingerprint_ignores_order_and_sees_content() {
        let a = Entity {
            id: "1".into(),
            schema: Schema::Person,
            names: vec!["A".into(), "B".into()],
            countries: vec!["ru".into()],
            birth_years: vec![1950],
        };
        let mut b = a.clone();
        b.names.reverse();
        b.id = "2".into();
        assert_eq!(a.fingerprint(), b.fingerprint());
        b.birth_years = vec![1951];
        assert_ne!(a.fingerprint(), b.fingerprint());
    }

    #[test]
    fn years_come_from_date_prefixes_only() {
        assert_eq!(year_of("1952"), Some(1952));
        assert_eq!(year_of("1952-10"), Some(1952));
        assert_eq!(year_of("19521"), None);
        assert_eq!(year_of("abcd"), None);
        assert_eq!(year_of("12"), None);
    }
}
