//! Country codes and the embargoed / high-risk country policy.

use std::collections::BTreeSet;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The 249 officially assigned ISO 3166-1 alpha-2 codes, sorted. User-assigned
/// codes (`XK` and the like), exceptional and transitional reservations (`UK`,
/// `EU`, `SU`) are not country codes here.
const ASSIGNED: &str = "\
AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ \
BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ \
CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ \
DE DJ DK DM DO DZ \
EC EE EG EH ER ES ET \
FI FJ FK FM FO FR \
GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY \
HK HM HN HR HT HU \
ID IE IL IM IN IO IQ IR IS IT \
JE JM JO JP \
KE KG KH KI KM KN KP KR KW KY KZ \
LA LB LC LI LK LR LS LT LU LV LY \
MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ \
NA NC NE NF NG NI NL NO NP NR NU NZ \
OM \
PA PE PF PG PH PK PL PM PN PR PS PT PW PY \
QA \
RE RO RS RU RW \
SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ \
TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ \
UA UG UM US UY UZ \
VA VC VE VG VI VN VU \
WF WS \
YE YT \
ZA ZM ZW";

/// Default embargoed countries: those under comprehensive US and EU
/// sanctions programmes — Cuba, Iran, North Korea, Syria.
pub const DEFAULT_EMBARGOED: &[&str] = &["CU", "IR", "KP", "SY"];

/// Default high-risk countries: Myanmar (on the FATF list of high-risk
/// jurisdictions subject to a call for action, beside Iran and North Korea),
/// and Belarus, Russia and Venezuela (broad, though not comprehensive,
/// US/EU sanctions). A starting point for the operator's compliance team,
/// meant to be overridden in configuration.
pub const DEFAULT_HIGH_RISK: &[&str] = &["BY", "MM", "RU", "VE"];

/// Why a country code was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not an ISO 3166-1 alpha-2 country code")]
pub struct CountryCodeError(String);

/// An officially assigned ISO 3166-1 alpha-2 country code, upper case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CountryCode([u8; 2]);

impl CountryCode {
    /// Parses a code; surrounding white space and lower case are accepted.
    ///
    /// # Errors
    /// [`CountryCodeError`] unless the text is one of the 249 assigned codes.
    pub fn parse(text: &str) -> Result<Self, CountryCodeError> {
        let upper = text.trim().to_ascii_uppercase();
        let refuse = || CountryCodeError(text.chars().take(16).collect());
        let [a, b] = <[u8; 2]>::try_from(upper.as_bytes()).map_err(|_| refuse())?;
        if a.is_ascii_uppercase()
            && b.is_ascii_uppercase()
            && ASSIGNED.split(' ').any(|c| c == upper)
        {
            Ok(Self([a, b]))
        } else {
            Err(refuse())
        }
    }

    /// The two letters.
    #[must_use]
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or("??")
    }
}

impl fmt::Display for CountryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for CountryCode {
    type Err = CountryCodeError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl Serialize for CountryCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for CountryCode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        Self::parse(&raw).map_err(serde::de::Error::custom)
    }
}

/// Outcome of [`CountryPolicy::check`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum CountryCheck {
    /// Not on either list.
    Allowed {
        /// The country checked.
        country: CountryCode,
    },
    /// On the high-risk list: allowed, with more weight in the risk score.
    HighRisk {
        /// The country checked.
        country: CountryCode,
    },
    /// On the embargoed list: a mandatory check fails.
    Embargoed {
        /// The country checked.
        country: CountryCode,
    },
}

impl CountryCheck {
    /// The country checked.
    #[must_use]
    pub fn country(&self) -> CountryCode {
        match self {
            Self::Allowed { country }
            | Self::HighRisk { country }
            | Self::Embargoed { country } => *country,
        }
    }
}

/// Embargoed and high-risk countries. Deserializes from e.g. TOML
/// `embargoed = ["CU", "IR"]` / `high_risk = ["RU"]`; a list left out keeps
/// its default ([`DEFAULT_EMBARGOED`], [`DEFAULT_HIGH_RISK`]), an empty list
/// empties it. A country on both lists is embargoed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CountryPolicy {
    /// Countries with which no partnership is possible.
    pub embargoed: BTreeSet<CountryCode>,
    /// Countries that add risk points and send the case to review.
    pub high_risk: BTreeSet<CountryCode>,
}

impl Default for CountryPolicy {
    fn default() -> Self {
        Self {
            embargoed: codes(DEFAULT_EMBARGOED),
            high_risk: codes(DEFAULT_HIGH_RISK),
        }
    }
}

fn codes(list: &[&str]) -> BTreeSet<CountryCode> {
    list.iter()
        .filter_map(|code| CountryCode::parse(code).ok())
        .collect()
}

impl CountryPolicy {
    /// Classifies one country (the company's or an officer's).
    #[must_use]
    pub fn check(&self, country: CountryCode) -> CountryCheck {
        if self.embargoed.contains(&country) {
            CountryCheck::Embargoed { country }
        } else if self.high_risk.contains(&country) {
            CountryCheck::HighRisk { country }
        } else {
            CountryCheck::Allowed { country }
        }
    }
}
