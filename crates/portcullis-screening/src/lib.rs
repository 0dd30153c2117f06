//! Watchlist screening: are an applicant's legal name and officers on a
//! sanctions or watch list?
//!
//! - Load lists with [`load_ftm`] (FollowTheMoney JSON lines, the
//!   OpenSanctions format) or [`load_csv`]; each gives a [`LoadReport`] with
//!   the good entities and every rejected line with its reason.
//! - Merge them in a [`Watchlist`]; [`Watchlist::diff`] tells which
//!   entities were added, changed (by content [`Fingerprint`]) or removed,
//!   so that approved partners are re-screened against what changed.
//! - Index with [`Screener::new`]; [`Screener::screen`] returns the
//!   [`Match`]es at or above a threshold ([`DEFAULT_THRESHOLD`]), each with
//!   its score and the features that produced it.
//! - [`CappedLines`] reads line-oriented input with a cap on each line and
//!   on the whole, as the loaders do.
//!
//! Names are normalized (transliteration, accents, umlaut spellings,
//! punctuation, legal forms), then candidates come from an inverted index
//! over tokens with phonetic and single-deletion keys, weighted by token
//! rarity so that a shared common token alone never makes a match.

mod accumulator;
mod arabic;
mod candidates;
mod csv_list;
mod entity;
mod explain;
mod facts;
mod ftm;
mod glue;
mod index;
mod jaro;
mod joins;
mod key_table;
mod legal_forms;
mod lines;
#[cfg(test)]
mod naive_reference;
mod normalize;
mod org_names;
mod query_cache;
mod readings;
mod report;
mod score;
mod screener;
mod similarity;
mod watchlist;

pub use csv_list::load_csv;
pub use entity::{Entity, Fingerprint, Kind, Schema};
pub use explain::{Evidence, Explanation, MatchKind, TokenMatch};
pub use ftm::load_ftm;
pub use legal_forms::{LEGAL_FORM_PHRASES, LEGAL_FORM_WORDS};
pub use lines::{CappedLines, Line, Stop};
pub use readings::System;
pub use report::{LoadLimits, LoadReport, Rejection};
pub use score::{
    BIRTH_YEAR_MATCH_BONUS, BIRTH_YEAR_MISMATCH_PENALTY, COUNTRY_MATCH_BONUS,
    COUNTRY_MISMATCH_PENALTY, DISAGREEMENT_FACTOR, FATHER_CONFLICT_PENALTY, KIND_MISMATCH_PENALTY,
    SYLLABLE_OMISSION_FACTOR,
};
pub use screener::{DEFAULT_THRESHOLD, Match, Query, Screener};
pub use watchlist::{Watchlist, WatchlistDiff};
