//! What a business submits to become a partner.

use serde::{Deserialize, Serialize};

use crate::ValidationError;
use crate::name::check_text;

/// The most officers one application may name.
pub const MAX_OFFICERS: usize = 50;

/// A partner application: who the business is and how to reach it.
///
/// Fields are checked for shape here (lengths, characters, country codes of
/// two letters); the vetting checks judge their substance (domain
/// ownership, e-mail domain, watchlists, country policy).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Application {
    /// The registered legal name, e.g. `Contoso Managed Services Ltd`.
    pub legal_name: String,
    /// The company registration number in its country's register.
    pub registration_number: String,
    /// ISO 3166-1 alpha-2 code of the country of registration, e.g. `GB`.
    pub registration_country: String,
    /// The business' website domain, e.g. `contoso.co.uk`; ownership is
    /// proven through a DNS TXT record.
    pub website_domain: String,
    /// A contact address at the website domain.
    pub contact_email: String,
    /// Directors and other officers (at most 50).
    #[serde(default)]
    pub officers: Vec<Officer>,
    pub address: Address,
}

/// A director or other officer of the business.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Officer {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birth_year: Option<u16>,
    /// ISO 3166-1 alpha-2 code of the officer's nationality or residence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
}

/// A postal address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Address {
    pub street: String,
    pub city: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
    /// ISO 3166-1 alpha-2 code.
    pub country: String,
}

fn country(field: &'static str, input: &str) -> Result<String, ValidationError> {
    let code = input.trim().to_ascii_uppercase();
    if code.len() == 2 && code.bytes().all(|b| b.is_ascii_uppercase()) {
        Ok(code)
    } else {
        Err(ValidationError::new(
            field,
            format!(
                "`{}` is not an ISO 3166-1 alpha-2 country code",
                crate::error::excerpt(input, 16)
            ),
        ))
    }
}

impl Application {
    /// Checks every field's shape and returns the application trimmed, with
    /// country codes upper-cased and the domain and e-mail lower-cased.
    pub fn normalized(self) -> Result<Self, ValidationError> {
        if self.officers.len() > MAX_OFFICERS {
            return Err(ValidationError::new(
                "officers",
                format!(
                    "names {} officers; at most {MAX_OFFICERS} are allowed",
                    self.officers.len()
                ),
            ));
        }
        let officers = self
            .officers
            .into_iter()
            .map(Officer::normalized)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self {
            legal_name: check_text("legal_name", &self.legal_name, 300)?,
            registration_number: check_text("registration_number", &self.registration_number, 64)?,
            registration_country: country("registration_country", &self.registration_country)?,
            website_domain: check_text("website_domain", &self.website_domain, 253)?.to_lowercase(),
            contact_email: check_text("contact_email", &self.contact_email, 254)?.to_lowercase(),
            officers,
            address: self.address.normalized()?,
        })
    }
}

impl Officer {
    fn normalized(self) -> Result<Self, ValidationError> {
        if let Some(year) = self.birth_year
            && !(1900..=2100).contains(&year)
        {
            return Err(ValidationError::new(
                "officers.birth_year",
                format!("`{year}` is not a plausible birth year"),
            ));
        }
        Ok(Self {
            name: check_text("officers.name", &self.name, 300)?,
            birth_year: self.birth_year,
            country: self
                .country
                .map(|c| country("officers.country", &c))
                .transpose()?,
        })
    }
}

impl Address {
    fn normalized(self) -> Result<Self, ValidationError> {
        Ok(Self {
            street: check_text("address.street", &self.street, 300)?,
            city: check_text("address.city", &self.city, 200)?,
            postal_code: self
                .postal_code
                .map(|p| check_text("address.postal_code", &p, 32))
                .transpose()?,
            country: country("address.country", &self.country)?,
        })
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn sample() -> Application {
        Application {
            legal_name: " Contoso Managed Services Ltd ".into(),
            registration_number: "09876543".into(),
            registration_country: "gb".into(),
            website_domain: "Contoso.example".into(),
            contact_email: "Security@Contoso.example".into(),
            officers: vec![Officer {
                name: "Jane Doe".into(),
                birth_year: Some(1970),
                country: Some("gb".into()),
            }],
            address: Address {
                street: "1 High Street".into(),
                city: "London".into(),
                postal_code: Some("EC1A 1AA".into()),
                country: "GB".into(),
            },
        }
    }

    #[test]
    fn normalization_trims_and_cases_fields() {
        let app = sample().normalized().unwrap();
        assert_eq!(app.legal_name, "Contoso Managed Services Ltd");
        assert_eq!(app.registration_country, "GB");
        assert_eq!(app.website_domain, "contoso.example");
        assert_eq!(app.contact_email, "security@contoso.example");
        assert_eq!(app.officers[0].country.as_deref(), Some("GB"));
    }

    #[test]
    fn bad_fields_are_named() {
        let mut app = sample();
        app.registration_country = "GBR".into();
        assert_eq!(app.normalized().unwrap_err().field, "registration_country");
        let mut app = sample();
        app.legal_name = "  ".into();
        assert_eq!(app.normalized().unwrap_err().field, "legal_name");
        let mut app = sample();
        app.officers[0].birth_year = Some(1066);
        assert_eq!(app.normalized().unwrap_err().field, "officers.birth_year");
        let mut app = sample();
        app.officers = vec![app.officers[0].clone(); MAX_OFFICERS + 1];
        assert_eq!(app.normalized().unwrap_err().field, "officers");
    }

    #[test]
    fn unknown_fields_are_refused() {
        let mut json = serde_json::to_value(sample()).unwrap();
        json["approved"] = serde_json::Value::Bool(true);
        assert!(serde_json::from_value::<Application>(json).is_err());
    }
}
