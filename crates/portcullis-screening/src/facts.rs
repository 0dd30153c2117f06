//! The facts beside the name: country, birth year and kind. When both
//! sides have a fact it moves the score — up when they agree, down when
//! they do not.

use std::collections::BTreeMap;

use crate::explain::Evidence;
use crate::score::{
    BIRTH_YEAR_MATCH_BONUS, BIRTH_YEAR_MISMATCH_PENALTY, COUNTRY_MATCH_BONUS,
    COUNTRY_MISMATCH_PENALTY, KIND_MISMATCH_PENALTY,
};
use crate::{Entity, Query};

/// The most the facts can add to a name score.
pub(crate) const MAX_FACTS_BONUS: f64 = COUNTRY_MATCH_BONUS + BIRTH_YEAR_MATCH_BONUS;

/// What the facts of a query and an entity say: `Some(true)` agree,
/// `Some(false)` disagree, `None` when a side lacks the fact.
pub(crate) struct Facts {
    pub country: Option<bool>,
    pub birth_year: Option<bool>,
    pub kind_fits: bool,
}

impl Facts {
    pub(crate) fn of(query: &Query, entity: &Entity) -> Self {
        let country = query
            .country
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty() && !entity.countries.is_empty())
            .map(|c| entity.countries.iter().any(|e| e.eq_ignore_ascii_case(c)));
        let birth_year = query
            .birth_year
            .filter(|_| !entity.birth_years.is_empty())
            .map(|y| entity.birth_years.iter().any(|e| (e - y).abs() <= 1));
        Self {
            country,
            birth_year,
            kind_fits: entity.schema.fits(query.kind),
        }
    }

    /// The sum of bonuses and penalties.
    pub(crate) fn delta(&self) -> f64 {
        let mut total = 0.0;
        total += match self.country {
            Some(true) => COUNTRY_MATCH_BONUS,
            Some(false) => -COUNTRY_MISMATCH_PENALTY,
            None => 0.0,
        };
        total += match self.birth_year {
            Some(true) => BIRTH_YEAR_MATCH_BONUS,
            Some(false) => -BIRTH_YEAR_MISMATCH_PENALTY,
            None => 0.0,
        };
        if !self.kind_fits {
            total -= KIND_MISMATCH_PENALTY;
        }
        total
    }

    /// The facts as features (`country_match`, `birth_year_mismatch`, …).
    pub(crate) fn add_features(&self, features: &mut BTreeMap<&'static str, f64>) {
        match self.country {
            Some(true) => features.insert("country_match", COUNTRY_MATCH_BONUS),
            Some(false) => features.insert("country_mismatch", -COUNTRY_MISMATCH_PENALTY),
            None => None,
        };
        match self.birth_year {
            Some(true) => features.insert("birth_year_match", BIRTH_YEAR_MATCH_BONUS),
            Some(false) => features.insert("birth_year_mismatch", -BIRTH_YEAR_MISMATCH_PENALTY),
            None => None,
        };
        if !self.kind_fits {
            features.insert("kind_mismatch", -KIND_MISMATCH_PENALTY);
        }
    }

    /// The facts as evidence for and against.
    pub(crate) fn evidence(&self, supports: &mut Vec<Evidence>, against: &mut Vec<Evidence>) {
        match self.country {
            Some(true) => supports.push(Evidence::CountryMatch {
                bonus: COUNTRY_MATCH_BONUS,
            }),
            Some(false) => against.push(Evidence::CountryMismatch {
                penalty: COUNTRY_MISMATCH_PENALTY,
            }),
            None => {}
        }
        match self.birth_year {
            Some(true) => supports.push(Evidence::BirthYearMatch {
                bonus: BIRTH_YEAR_MATCH_BONUS,
            }),
            Some(false) => against.push(Evidence::BirthYearMismatch {
                penalty: BIRTH_YEAR_MISMATCH_PENALTY,
            }),
            None => {}
        }
        if !self.kind_fits {
            against.push(Evidence::KindMismatch {
                penalty: KIND_MISMATCH_PENALTY,
            });
        }
    }
}
