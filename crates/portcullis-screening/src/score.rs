//! The name score: query and listed tokens aligned one-to-one (or two
//! written as one), each side's coverage weighted by token rarity; then
//! what the alignment leaves says against the match: distinctive tokens
//! on both sides that found no partner, fathers' names that differ.

use std::collections::BTreeMap;

pub(crate) use crate::glue::GlueCache;
use crate::glue::joined_pairs;
use crate::index::MAX_NAME_TOKENS;
use crate::readings::{is_han, is_hangul};
use crate::similarity::{How, Tok, token_similarity};

/// Weight of an initial (a single letter says little on its own).
pub(crate) const INITIAL_WEIGHT: f32 = 1.0;
/// Subtracted when both sides have countries and none is shared.
pub const COUNTRY_MISMATCH_PENALTY: f64 = 0.15;
/// Subtracted when both sides have birth years and none is within a year.
pub const BIRTH_YEAR_MISMATCH_PENALTY: f64 = 0.25;
/// Subtracted when the listed schema cannot be the applicant's kind (a
/// `Person` against an organization, a `Company` against a person).
pub const KIND_MISMATCH_PENALTY: f64 = 0.3;
/// Added when both sides have countries and share one.
pub const COUNTRY_MATCH_BONUS: f64 = 0.02;
/// Added when both sides have birth years within a year of each other.
pub const BIRTH_YEAR_MATCH_BONUS: f64 = 0.04;
/// Times the smaller share of unmatched weight when both sides have
/// unmatched tokens (a distinctive word replaced by another).
pub const DISAGREEMENT_FACTOR: f64 = 0.5;
/// Times the larger share of unmatched weight in Han characters or Hangul:
/// a Chinese or Korean given name is one unit, so 李方伟 is not `Li Wei`.
pub const SYLLABLE_OMISSION_FACTOR: f64 = 0.6;
/// Subtracted when both names give a father (`bin X`) and they differ.
pub const FATHER_CONFLICT_PENALTY: f64 = 0.35;
/// Weight factor of the nasab marker `bin` and of ancestors that found no
/// partner (a partial chain still matches the full one).
const NASAB_DISCOUNT: f32 = 0.25;

/// An aligned span of query tokens and span of candidate tokens.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Pair {
    pub sim: f32,
    pub q: (usize, usize),
    pub c: (usize, usize),
    pub how: How,
}

/// A token of one side with its weight.
#[derive(Clone, Copy)]
pub(crate) struct Weighted<'a> {
    pub tok: Tok<'a>,
    pub weight: f32,
    /// The vocabulary id of a listed token ([`NOT_LISTED`] for a query's).
    pub id: u32,
}

/// The id of a token that is not the index's.
pub(crate) const NOT_LISTED: u32 = u32::MAX;

/// The name part of a score.
pub(crate) struct NameScore {
    pub score: f64,
    pub query_coverage: f64,
    pub candidate_coverage: f64,
    pub counts: [u32; 5],
    pub pairs: Vec<Pair>,
    pub unmatched_query: Vec<usize>,
    pub unmatched_candidate: Vec<usize>,
    pub disagreement: f64,
    /// Query and listed index of differing fathers' names.
    pub father_conflict: Option<(usize, usize)>,
}

/// Weights with the nasab discount: the marker `bin` weighs
/// [`NASAB_DISCOUNT`] of its rarity (the first [`MAX_NAME_TOKENS`]).
fn base_weights(side: &[Weighted<'_>]) -> [f64; MAX_NAME_TOKENS] {
    let mut out = [0.0; MAX_NAME_TOKENS];
    for (slot, t) in out.iter_mut().zip(side) {
        let w = if t.tok.text == "bin" {
            t.weight * NASAB_DISCOUNT
        } else {
            t.weight
        };
        *slot = f64::from(w);
    }
    out
}

/// The total weight of a side once aligned: an ancestor in a nasab chain
/// (a token right after a `bin` other than the first) that found no partner weighs
/// [`NASAB_DISCOUNT`] — a partial chain leaves ancestors out.
fn aligned_total(side: &[Weighted<'_>], base: &[f64], used: &[bool]) -> f64 {
    base.iter()
        .zip(used)
        .enumerate()
        .map(|(i, (&w, &u))| {
            let ancestor = i > 1 && side.get(i - 1).is_some_and(|t| t.tok.text == "bin");
            if ancestor && !u {
                w * f64::from(NASAB_DISCOUNT)
            } else {
                w
            }
        })
        .sum()
}

/// The father's name: the token after the first `bin` that is not first.
fn father(side: &[Weighted<'_>]) -> Option<usize> {
    let at = side.iter().position(|t| t.tok.text == "bin")?;
    (at > 0 && at + 1 < side.len()).then_some(at + 1)
}

/// Aligns `query` and `candidate` greedily, best pairs first, and scores
/// the alignment: `0.6 × min + 0.4 × max` of the two coverages, where a
/// side's coverage is Σ similarity × weight of its aligned tokens over Σ
/// weight of all its tokens; minus [`DISAGREEMENT_FACTOR`] × the smaller
/// unmatched share when both sides have unmatched tokens, and
/// [`FATHER_CONFLICT_PENALTY`] when the fathers differ.
pub(crate) fn name_score(
    query: &[Weighted<'_>],
    candidate: &[Weighted<'_>],
    cache: &mut GlueCache,
) -> NameScore {
    let query = query.get(..MAX_NAME_TOKENS).unwrap_or(query);
    let candidate = candidate.get(..MAX_NAME_TOKENS).unwrap_or(candidate);
    let mut pairs = std::mem::take(&mut cache.pairs);
    pairs.clear();
    let mut fresh = Vec::new();
    for (j, c) in candidate.iter().enumerate() {
        let sims = if c.id == NOT_LISTED {
            fresh.clear();
            fresh.extend(query.iter().map(|q| token_similarity(q.tok, c.tok)));
            &fresh[..]
        } else {
            cache.similarities(query, c)
        };
        for (i, sim) in sims.iter().enumerate() {
            if let Some((sim, how)) = *sim {
                pairs.push(Pair {
                    sim,
                    q: (i, i + 1),
                    c: (j, j + 1),
                    how,
                });
            }
        }
    }
    let mut q_marks = [false; MAX_NAME_TOKENS];
    let mut c_marks = [false; MAX_NAME_TOKENS];
    let (q_exact, c_exact) = (
        q_marks.get_mut(..query.len()).unwrap_or_default(),
        c_marks.get_mut(..candidate.len()).unwrap_or_default(),
    );
    for p in pairs.iter().filter(|p| p.how == How::Exact) {
        if let Some(x) = q_exact.get_mut(p.q.0) {
            *x = true;
        }
        if let Some(x) = c_exact.get_mut(p.c.0) {
            *x = true;
        }
    }
    joined_pairs(
        query,
        candidate,
        false,
        (q_exact, c_exact),
        cache,
        &mut pairs,
    );
    joined_pairs(
        candidate,
        query,
        true,
        (c_exact, q_exact),
        cache,
        &mut pairs,
    );
    // (sim, q, c) is unique to a pair: the order is total
    pairs.sort_unstable_by(|a, b| {
        b.sim
            .total_cmp(&a.sim)
            .then(a.q.cmp(&b.q))
            .then(a.c.cmp(&b.c))
    });
    let qw = base_weights(query);
    let cw = base_weights(candidate);
    q_marks = [false; MAX_NAME_TOKENS];
    c_marks = [false; MAX_NAME_TOKENS];
    let q_used = q_marks.get_mut(..query.len()).unwrap_or_default();
    let c_used = c_marks.get_mut(..candidate.len()).unwrap_or_default();
    let (mut q_sum, mut c_sum) = (0.0f64, 0.0f64);
    let mut counts = [0u32; 5];
    let mut kept = Vec::new();
    for &pair in &pairs {
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
        let weight = |w: &[f64], (a, b): (usize, usize)| {
            w.get(a..b).map_or(0.0, |ws| ws.iter().sum::<f64>())
        };
        q_sum += f64::from(pair.sim) * weight(&qw, pair.q);
        c_sum += f64::from(pair.sim) * weight(&cw, pair.c);
        let slot = match pair.how {
            How::Exact => 0,
            How::Reading(..) => 1,
            How::Phonetic => 2,
            How::Fuzzy => 3,
            How::Initial => 4,
        };
        if let Some(count) = counts.get_mut(slot) {
            *count += 1;
        }
        kept.push(pair);
    }
    cache.pairs = pairs;
    let (q_used, c_used) = (&*q_used, &*c_used);
    let q_total = aligned_total(query, &qw, q_used);
    let c_total = aligned_total(candidate, &cw, c_used);
    let coverage = |sum: f64, total: f64| if total > 0.0 { sum / total } else { 0.0 };
    let query_coverage = coverage(q_sum, q_total);
    let candidate_coverage = coverage(c_sum, c_total);
    let (lo, hi) = if query_coverage < candidate_coverage {
        (query_coverage, candidate_coverage)
    } else {
        (candidate_coverage, query_coverage)
    };
    let unmatched = |used: &[bool]| -> Vec<usize> {
        used.iter()
            .enumerate()
            .filter(|(_, u)| !**u)
            .map(|(i, _)| i)
            .collect()
    };
    let unmatched_query = unmatched(q_used);
    let unmatched_candidate = unmatched(c_used);
    let share = |idx: &[usize], w: &[f64], total: f64| {
        coverage(idx.iter().filter_map(|&i| w.get(i)).sum::<f64>(), total)
    };
    let syllabic = |side: &[Weighted<'_>], idx: &[usize], w: &[f64], total: f64| {
        let sum: f64 = idx
            .iter()
            .filter(|&&i| {
                side.get(i)
                    .is_some_and(|t| t.tok.text.chars().all(|c| is_han(c) || is_hangul(c)))
            })
            .filter_map(|&i| w.get(i))
            .sum();
        coverage(sum, total)
    };
    let omitted = syllabic(query, &unmatched_query, &qw, q_total).max(syllabic(
        candidate,
        &unmatched_candidate,
        &cw,
        c_total,
    ));
    let disagreement = DISAGREEMENT_FACTOR
        * share(&unmatched_query, &qw, q_total).min(share(&unmatched_candidate, &cw, c_total))
        + SYLLABLE_OMISSION_FACTOR * omitted;
    // Both fathers named and neither found on the other side: different
    // fathers (a query father that matches a later ancestor is a partial
    // chain, `Osama bin Laden` ~ `Usama bin Muhammad … bin Ladin`).
    let father_conflict = match (father(query), father(candidate)) {
        (Some(fq), Some(fc)) => {
            let q_free = unmatched_query.contains(&fq);
            let c_free = unmatched_candidate.contains(&fc);
            (q_free && c_free).then_some((fq, fc))
        }
        _ => None,
    };
    let penalty = disagreement + father_conflict.map_or(0.0, |_| FATHER_CONFLICT_PENALTY);
    NameScore {
        score: (0.6 * lo + 0.4 * hi - penalty).max(0.0),
        query_coverage,
        candidate_coverage,
        counts,
        pairs: kept,
        unmatched_query,
        unmatched_candidate,
        disagreement,
        father_conflict,
    }
}

impl NameScore {
    /// The features of this name score, keyed as the CLI prints them.
    pub(crate) fn features(&self) -> BTreeMap<&'static str, f64> {
        let [exact, reading, phonetic, fuzzy, initials] = self.counts;
        let mut f = BTreeMap::new();
        f.insert("name_similarity", round(self.score));
        f.insert("query_coverage", round(self.query_coverage));
        f.insert("candidate_coverage", round(self.candidate_coverage));
        for (key, n) in [
            ("exact_tokens", exact),
            ("transliterated_tokens", reading),
            ("phonetic_tokens", phonetic),
            ("fuzzy_tokens", fuzzy),
            ("initials", initials),
        ] {
            if n > 0 {
                f.insert(key, f64::from(n));
            }
        }
        if self.disagreement > 0.0 {
            f.insert("distinctive_disagreement", -round(self.disagreement));
        }
        if self.father_conflict.is_some() {
            f.insert("father_conflict", -FATHER_CONFLICT_PENALTY);
        }
        f
    }
}

/// Rounds to 4 decimals for display.
pub(crate) fn round(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}
