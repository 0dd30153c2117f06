//! How many risk points each piece of evidence is worth.
//!
//! | factor | default points | counted |
//! | --- | ---: | --- |
//! | `domain_not_verified` | 40 | once, for any outcome but `verified` |
//! | `email_alias` | 5 | once, contact at an allowed alias, not the verified domain |
//! | `email_domain_mismatch` | 25 | once |
//! | `email_free_mail` | 30 | once |
//! | `email_invalid` | 30 | once |
//! | `country_high_risk` | 25 | per high-risk country (company and officers) |
//! | `country_embargoed` | 100 | per embargoed country (at least `country_high_risk`) |
//! | `watchlist_similarity` | 40 | × the best watchlist match score (0 to 1), rounded |
//! | `watchlist_hit` | 30 | per watchlist hit |
//! | `intel_hit` | 25 | per threat-intelligence hit |
//!
//! The score is the sum, capped at 100. Level: `high` from 60, `medium`
//! from 25, else `low`. Every weight is a non-negative whole number, so more
//! evidence never lowers the score.

use serde::{Deserialize, Serialize};

/// Points per factor and the level thresholds; see the module table for
/// the defaults. Deserializes from a partial table: a missing field keeps
/// its default.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RiskWeights {
    /// The challenge record was not found, did not match, or DNS failed.
    pub domain_not_verified: u8,
    /// The contact address is at an allowed alias domain.
    pub email_alias: u8,
    /// The contact address is at an unrelated domain.
    pub email_domain_mismatch: u8,
    /// The contact address is at a free mail provider.
    pub email_free_mail: u8,
    /// The contact address does not parse.
    pub email_invalid: u8,
    /// Each high-risk country among the company's and officers'.
    pub country_high_risk: u8,
    /// Each embargoed country among the company's and officers'; never
    /// less than `country_high_risk`.
    pub country_embargoed: u8,
    /// Multiplied by the best watchlist match score (0 to 1).
    pub watchlist_similarity: u8,
    /// Each watchlist hit.
    pub watchlist_hit: u8,
    /// Each threat-intelligence hit.
    pub intel_hit: u8,
    /// Lowest score that is `medium`.
    pub medium_from: u8,
    /// Lowest score that is `high` (checked before `medium_from`).
    pub high_from: u8,
}

impl Default for RiskWeights {
    fn default() -> Self {
        Self {
            domain_not_verified: 40,
            email_alias: 5,
            email_domain_mismatch: 25,
            email_free_mail: 30,
            email_invalid: 30,
            country_high_risk: 25,
            country_embargoed: 100,
            watchlist_similarity: 40,
            watchlist_hit: 30,
            intel_hit: 25,
            medium_from: 25,
            high_from: 60,
        }
    }
}
