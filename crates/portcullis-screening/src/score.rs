//! The name score: query and listed tokens aligned one-to-one, each side's
//! coverage weighted by token rarity, then penalties for disagreeing facts.

use std::collections::BTreeMap;

use crate::similarity::{How, Tok, phonetic_key, token_similarity};

/// Weight of an initial (a single letter says little on its own).
pub(crate) const INITIAL_WEIGHT: f32 = 1.0;
/// Subtracted when both sides have countries and none is shared.
pub const COUNTRY_MISMATCH_PENALTY: f64 = 0.15;
/// Subtracted when both sides have birth years and none is within a year.
pub const BIRTH_YEAR_MISMATCH_PENALTY: f64 = 0.25;
/// Subtracted when the listed schema cannot be the applicant's kind (a
/// `Person` against an organization, a `Company` against a person).
pub const KIND_MISMATCH_PENALTY: f64 = 0.3;

/// An aligned span of query tokens and span of candidate tokens.
struct Pair {
    sim: f32,
    q: (usize, usize),
    c: (usize, usize),
    how: How,
}

/// Pairs of two adjacent tokens of `split` written as one token of `joined`
/// (`abdul rahman` ~ `abdulrahman`). `swapped` when `split` is the
/// candidate side.
fn joined_pairs(
    split: &[Weighted<'_>],
    joined: &[Weighted<'_>],
    swapped: bool,
    out: &mut Vec<Pair>,
) {
    for (i, window) in split.windows(2).enumerate() {
        let [a, b] = window else { continue };
        let len = a.tok.text.len() + b.tok.text.len();
        for (j, whole) in joined.iter().enumerate() {
            let w = whole.tok.text;
            if w.len().abs_diff(len) > 1 || w.as_bytes().first() != a.tok.text.as_bytes().first() {
                continue;
            }
            let text = format!("{}{}", a.tok.text, b.tok.text);
            let glued = Tok {
                text: &text,
                phonetic: phonetic_key(&text),
            };
            if let Some((sim, how)) = token_similarity(glued, whole.tok) {
                let (q, c) = if swapped {
                    ((j, j + 1), (i, i + 2))
                } else {
                    ((i, i + 2), (j, j + 1))
                };
                out.push(Pair { sim, q, c, how });
            }
        }
    }
}

/// A token of one side with its weight.
#[derive(Clone, Copy)]
pub(crate) struct Weighted<'a> {
    pub tok: Tok<'a>,
    pub weight: f32,
}

/// The name part of a score.
pub(crate) struct NameScore {
    pub score: f64,
    pub query_coverage: f64,
    pub candidate_coverage: f64,
    pub counts: [u32; 4],
}

/// Aligns `query` and `candidate` greedily, best pairs first, and scores
/// the alignment: `0.6 × min + 0.4 × max` of the two coverages, where a
/// side's coverage is Σ similarity × weight of its aligned tokens over Σ
/// weight of all its tokens. Using the smaller coverage most keeps a short
/// name from matching every longer name that contains it.
pub(crate) fn name_score(query: &[Weighted<'_>], candidate: &[Weighted<'_>]) -> NameScore {
    let mut pairs: Vec<Pair> = Vec::new();
    for (i, q) in query.iter().enumerate() {
        for (j, c) in candidate.iter().enumerate() {
            if let Some((sim, how)) = token_similarity(q.tok, c.tok) {
                pairs.push(Pair {
                    sim,
                    q: (i, i + 1),
                    c: (j, j + 1),
                    how,
                });
            }
        }
    }
    joined_pairs(query, candidate, false, &mut pairs);
    joined_pairs(candidate, query, true, &mut pairs);
    pairs.sort_by(|a, b| {
        b.sim
            .total_cmp(&a.sim)
            .then(a.q.cmp(&b.q))
            .then(a.c.cmp(&b.c))
    });
    let mut q_used = vec![false; query.len()];
    let mut c_used = vec![false; candidate.len()];
    let (mut q_sum, mut c_sum) = (0.0f64, 0.0f64);
    let mut counts = [0u32; 4];
    for pair in pairs {
        let (Some(qs), Some(cs)) = (
            q_used.get_mut(pair.q.0..pair.q.1),
            c_used.get_mut(pair.c.0..pair.c.1),
        ) else {
            continue;
        };
        if qs.iter().chain(cs.iter()).any(|&u| u) {
            continue;
        }
        qs.fill(true);
        cs.fill(true);
        let weight = |side: &[Weighted<'_>], (a, b): (usize, usize)| {
            side.get(a..b).map_or(0.0, |ts| {
                ts.iter().map(|t| f64::from(t.weight)).sum::<f64>()
            })
        };
        q_sum += f64::from(pair.sim) * weight(query, pair.q);
        c_sum += f64::from(pair.sim) * weight(candidate, pair.c);
        if let Some(count) = counts.get_mut(pair.how as usize) {
            *count += 1;
        }
    }
    let total = |side: &[Weighted<'_>]| side.iter().map(|t| f64::from(t.weight)).sum::<f64>();
    let coverage = |sum: f64, total: f64| if total > 0.0 { sum / total } else { 0.0 };
    let query_coverage = coverage(q_sum, total(query));
    let candidate_coverage = coverage(c_sum, total(candidate));
    let (lo, hi) = if query_coverage < candidate_coverage {
        (query_coverage, candidate_coverage)
    } else {
        (candidate_coverage, query_coverage)
    };
    NameScore {
        score: 0.6 * lo + 0.4 * hi,
        query_coverage,
        candidate_coverage,
        counts,
    }
}

impl NameScore {
    /// The features of this name score, keyed as the CLI prints them.
    pub(crate) fn features(&self) -> BTreeMap<&'static str, f64> {
        let [exact, phonetic, fuzzy, initials] = self.counts;
        let mut f = BTreeMap::new();
        f.insert("name_similarity", round(self.score));
        f.insert("query_coverage", round(self.query_coverage));
        f.insert("candidate_coverage", round(self.candidate_coverage));
        for (key, n) in [
            ("exact_tokens", exact),
            ("phonetic_tokens", phonetic),
            ("fuzzy_tokens", fuzzy),
            ("initials", initials),
        ] {
            if n > 0 {
                f.insert(key, f64::from(n));
            }
        }
        f
    }
}

/// Rounds to 4 decimals for display.
pub(crate) fn round(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}
