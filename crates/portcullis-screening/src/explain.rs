//! Why a match scored what it did: which tokens lined up and how, and what
//! weighed for and against it. Part of every [`crate::Match`].

use serde::Serialize;

use crate::facts::Facts;
use crate::legal_forms::form_family;
use crate::readings::System;
use crate::score::{FATHER_CONFLICT_PENALTY, NameScore, Weighted, round};
use crate::similarity::How;

/// How one query token (or two written as one) lined up with a listed
/// token.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TokenMatch {
    /// The query's token(s), normalized (`hsiao ping` when two of its
    /// tokens matched one listed token).
    pub query: String,
    /// The listed token(s), normalized.
    pub listed: String,
    /// How they correspond.
    pub how: MatchKind,
    /// Their similarity in 0..=1.
    pub similarity: f64,
}

/// How two tokens correspond.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum MatchKind {
    /// The same normalized token.
    Exact,
    /// One reading written in two systems (`teng` in Wade-Giles and `邓` in
    /// Han characters are both Pinyin `deng`).
    Transliteration {
        /// The system the query token was read in.
        query_system: System,
        /// The system the listed token was read in.
        listed_system: System,
    },
    /// The same Double Metaphone code and a close spelling.
    Phonetic,
    /// One or two letters apart.
    Fuzzy,
    /// An initial and a name it starts.
    Initial,
}

/// A fact that moved the score.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Evidence {
    /// The listed name is one of the entity's aliases or a part of a
    /// "trading as" name, not its first name.
    Alias {
        /// The listed name as written.
        name: String,
    },
    /// Both names carry legal forms of one family (`OOO` / `LLC`).
    LegalFormEquivalent {
        /// The query's legal form.
        query: String,
        /// The listed legal form.
        listed: String,
        /// Their family (`limited_liability`, `closed_joint_stock`, …).
        family: &'static str,
    },
    /// A query token that lined up with nothing, with its weight.
    UnmatchedQueryToken {
        /// The token.
        token: String,
        /// Its weight (rarity across the watchlist).
        weight: f64,
    },
    /// A listed token that lined up with nothing, with its weight.
    UnmatchedListedToken {
        /// The token.
        token: String,
        /// Its weight.
        weight: f64,
    },
    /// Each side has distinctive tokens the other lacks (`Hallam & Upjohn`
    /// against `Hallam & Harrow`).
    DistinctiveTokensDisagree {
        /// Subtracted from the score.
        penalty: f64,
    },
    /// Both names give a father (`bin X`) and the fathers differ.
    FatherNameConflict {
        /// The query's father's name.
        query: String,
        /// The listed father's name.
        listed: String,
        /// Subtracted from the score.
        penalty: f64,
    },
    /// Both sides have countries and share one.
    CountryMatch {
        /// Added to the score.
        bonus: f64,
    },
    /// Both sides have countries and share none.
    CountryMismatch {
        /// Subtracted from the score.
        penalty: f64,
    },
    /// Both sides have birth years within a year of each other.
    BirthYearMatch {
        /// Added to the score.
        bonus: f64,
    },
    /// Both sides have birth years and none is within a year.
    BirthYearMismatch {
        /// Subtracted from the score.
        penalty: f64,
    },
    /// The listed schema cannot be the applicant's kind.
    KindMismatch {
        /// Subtracted from the score.
        penalty: f64,
    },
}

/// Why a match scored what it did.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Explanation {
    /// The tokens that lined up, best first.
    pub tokens: Vec<TokenMatch>,
    /// What weighed for the match beyond the tokens.
    pub supports: Vec<Evidence>,
    /// What weighed against it.
    pub against: Vec<Evidence>,
}

/// What [`explain`] reads.
pub(crate) struct Explained<'a> {
    pub scored: &'a NameScore,
    pub query: &'a [Weighted<'a>],
    pub listed: &'a [Weighted<'a>],
    pub facts: &'a Facts,
    /// The listed name, when it is an alias or a part of one.
    pub alias: Option<String>,
    /// The query's and the listed legal forms, when both have one.
    pub legal_forms: Option<(String, String)>,
}

/// The explanation of one scored name.
pub(crate) fn explain(e: &Explained<'_>) -> Explanation {
    let text = |side: &[Weighted<'_>], (a, b): (usize, usize)| {
        side.get(a..b)
            .unwrap_or_default()
            .iter()
            .map(|t| t.tok.text)
            .collect::<Vec<_>>()
            .join(" ")
    };
    let tokens = e
        .scored
        .pairs
        .iter()
        .map(|p| TokenMatch {
            query: text(e.query, p.q),
            listed: text(e.listed, p.c),
            how: match p.how {
                How::Exact => MatchKind::Exact,
                How::Reading(q, l) => MatchKind::Transliteration {
                    query_system: q,
                    listed_system: l,
                },
                How::Phonetic => MatchKind::Phonetic,
                How::Fuzzy => MatchKind::Fuzzy,
                How::Initial => MatchKind::Initial,
            },
            similarity: round(f64::from(p.sim)),
        })
        .collect();
    let mut supports = Vec::new();
    let mut against = Vec::new();
    if let Some(name) = &e.alias {
        supports.push(Evidence::Alias { name: name.clone() });
    }
    if let Some((query, listed)) = &e.legal_forms {
        let family = form_family(query);
        if family == form_family(listed) {
            supports.push(Evidence::LegalFormEquivalent {
                query: query.clone(),
                listed: listed.clone(),
                family,
            });
        }
    }
    for &i in &e.scored.unmatched_query {
        if let Some(t) = e.query.get(i) {
            against.push(Evidence::UnmatchedQueryToken {
                token: t.tok.text.to_owned(),
                weight: round(f64::from(t.weight)),
            });
        }
    }
    for &i in &e.scored.unmatched_candidate {
        if let Some(t) = e.listed.get(i) {
            against.push(Evidence::UnmatchedListedToken {
                token: t.tok.text.to_owned(),
                weight: round(f64::from(t.weight)),
            });
        }
    }
    if e.scored.disagreement > 0.0 {
        against.push(Evidence::DistinctiveTokensDisagree {
            penalty: round(e.scored.disagreement),
        });
    }
    if let Some((q, c)) = e.scored.father_conflict {
        let name = |side: &[Weighted<'_>], i: usize| {
            side.get(i)
                .map(|t| t.tok.text.to_owned())
                .unwrap_or_default()
        };
        against.push(Evidence::FatherNameConflict {
            query: name(e.query, q),
            listed: name(e.listed, c),
            penalty: FATHER_CONFLICT_PENALTY,
        });
    }
    e.facts.evidence(&mut supports, &mut against);
    Explanation {
        tokens,
        supports,
        against,
    }
}
