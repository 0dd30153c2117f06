//! Candidate names for a query: each query token expanded to the
//! vocabulary tokens it may correspond to, then the postings of those
//! tokens gathered, rarest query token first, into a weight per name.
//!
//! Gathering stops as soon as what is left could not matter, and never
//! does work whose outcome is already decided (MaxScore-style pruning):
//!
//! - a query token whose weight, together with the tokens after it, could
//!   not bring a name it finds first to the floor no longer adds names, it
//!   only credits the names already gathered;
//! - nor does it once [`MAX_CANDIDATES`] names have gathered more than it
//!   and the tokens after it could bring a new one (only the best
//!   [`MAX_CANDIDATES`] are scored);
//! - a token that only credits finds the names gathered in its postings
//!   by binary search, without walking them.
//!
//! Both prunings drop only names that the full gathering would also have
//! dropped; the naive reference test holds the index to that.

use std::sync::Arc;

use crate::accumulator::Accumulator;
use crate::facts::MAX_FACTS_BONUS;
use crate::index::{TokenIndex, token_weight};
use crate::normalize::is_initial;
use crate::readings::{Key, keys};
use crate::score::INITIAL_WEIGHT;
use crate::similarity::{Tok, phonetic_key, token_similarity};

/// A name counts as a candidate only if its tokens can cover this share of
/// the query's token weight.
const MIN_QUERY_SHARE: f32 = 0.35;
/// Credit, for finding candidates, of a listed token that shares a
/// Mandarin syllable with a query token (`hsiao` ~ `xiaoping`); the score
/// then aligns the syllables properly.
pub(crate) const SYLLABLE_LEAD: f32 = 0.5;
/// Most candidate names scored in full per query.
pub(crate) const MAX_CANDIDATES: usize = 128;

/// A query token with what the index knows of it.
#[derive(Clone)]
pub(crate) struct QueryToken {
    pub text: String,
    pub phonetic: u32,
    pub keys: Vec<Key>,
    pub weight: f32,
    /// Vocabulary tokens it corresponds to, with their similarity, sorted
    /// by token id.
    expansions: Vec<(u32, f32)>,
    /// Whether some expansion is only a syllable lead.
    has_leads: bool,
    /// Postings of all its expansions.
    volume: usize,
    /// A joined given name's first and second syllables (see
    /// [`crate::joins`]): listed tokens that read like them, each credited
    /// with half the token's weight.
    halves: [Vec<(u32, f32)>; 2],
}

impl QueryToken {
    /// `text` (normalized) looked up in `index`: exactly, through its
    /// readings, phonetic and deletion keys (each neighbour checked with
    /// the token similarity), and through syllable leads.
    pub(crate) fn new(index: &TokenIndex, text: String) -> Self {
        let phonetic = phonetic_key(&text);
        let readings = keys(&text);
        let exact = index.id(&text);
        let mut expansions: Vec<(u32, f32)> = Vec::new();
        if let Some(id) = exact {
            expansions.push((id, 1.0));
        }
        let initial = is_initial(&text);
        let mut has_leads = false;
        if !initial {
            similar_tokens(index, &text, phonetic, &readings, &mut expansions);
            let mut leads = Vec::new();
            let before = expansions.len();
            index.syllable_leads(&readings, &mut leads);
            leads.sort_unstable();
            leads.dedup();
            for id in leads {
                if Some(id) != exact && !expansions.iter().any(|&(e, _)| e == id) {
                    expansions.push((id, SYLLABLE_LEAD));
                }
            }
            has_leads = expansions.len() > before;
        }
        expansions.sort_unstable_by_key(|&(id, _)| id);
        let weight = if initial {
            INITIAL_WEIGHT
        } else {
            exact.and_then(|id| index.token(id)).map_or_else(
                || token_weight(&text, usize::MAX, 1).min(index.unknown_idf),
                |t| t.idf,
            )
        };
        let mut token = Self {
            text,
            phonetic,
            keys: readings,
            weight,
            expansions,
            has_leads,
            volume: 0,
            halves: [Vec::new(), Vec::new()],
        };
        if !initial {
            token.halves = crate::joins::halves(index, &token.text);
        }
        token.measure(index);
        token
    }

    /// Sums the postings of the expansions (an initial's are not counted:
    /// it is never gathered).
    fn measure(&mut self, index: &TokenIndex) {
        self.volume = if is_initial(&self.text) {
            usize::MAX
        } else {
            self.expansions
                .iter()
                .map(|&(id, _)| index.postings(id).len())
                .sum()
        };
    }

    /// The steps of gathering this token: its expansions with its weight,
    /// and each half with half of it.
    fn steps<'a>(&'a self, index: &TokenIndex, out: &mut Vec<Step<'a>>) {
        if !self.expansions.is_empty() {
            out.push(Step {
                weight: self.weight,
                expansions: &self.expansions,
                volume: self.volume,
            });
        }
        for half in &self.halves {
            if !half.is_empty() {
                out.push(Step {
                    weight: self.weight / 2.0,
                    expansions: half,
                    volume: half.iter().map(|&(id, _)| index.postings(id).len()).sum(),
                });
            }
        }
    }

    /// Adds `more` expansions (a token already there keeps the higher
    /// similarity).
    pub(crate) fn absorb(&mut self, index: &TokenIndex, more: &[(u32, f32)]) {
        if more.is_empty() || is_initial(&self.text) {
            return;
        }
        for &(id, sim) in more {
            match self.expansions.binary_search_by_key(&id, |&(e, _)| e) {
                Ok(at) => {
                    if let Some(e) = self.expansions.get_mut(at) {
                        e.1 = e.1.max(sim);
                    }
                }
                Err(at) => self.expansions.insert(at, (id, sim)),
            }
        }
        self.measure(index);
    }
}

/// One step of gathering: expansions credited with a weight.
struct Step<'a> {
    weight: f32,
    expansions: &'a [(u32, f32)],
    volume: usize,
}

/// Vocabulary tokens other than `text` itself that correspond to it: its
/// neighbours through readings, phonetic and deletion keys, each checked
/// with the token similarity (appended to `out` with their similarity).
pub(crate) fn similar_tokens(
    index: &TokenIndex,
    text: &str,
    phonetic: u32,
    readings: &[Key],
    out: &mut Vec<(u32, f32)>,
) {
    let exact = index.id(text);
    let mut near = Vec::new();
    index.neighbours(text, phonetic, readings, &mut near);
    near.sort_unstable();
    near.dedup();
    let me = Tok::new(text, phonetic, readings);
    for id in near {
        if Some(id) == exact {
            continue;
        }
        let Some(info) = index.token(id) else {
            continue;
        };
        if let Some((sim, _)) = token_similarity(me, info.tok()) {
            out.push((id, sim));
        }
    }
}

/// Ranking of gathered names: most weight first, then by id (name ids
/// go in order of length, so shorter names first).
fn rank(a: &(f32, u32), b: &(f32, u32)) -> std::cmp::Ordering {
    b.0.total_cmp(&a.0).then(a.1.cmp(&b.1))
}

/// The [`MAX_CANDIDATES`]-th largest weight gathered, if that many names
/// were gathered.
fn kth_best(acc: &Accumulator, scratch: &mut Vec<f32>) -> Option<f32> {
    if acc.len() < MAX_CANDIDATES {
        return None;
    }
    scratch.clear();
    scratch.extend(acc.gathered().iter().map(|(_, s)| s.total));
    let (_, kth, _) = scratch.select_nth_unstable_by(MAX_CANDIDATES - 1, |a, b| b.total_cmp(a));
    Some(*kth)
}

/// The best [`MAX_CANDIDATES`] of `found` (weight, name) by [`rank`],
/// best first.
fn best(mut found: Vec<(f32, u32)>) -> Vec<u32> {
    if found.len() > MAX_CANDIDATES {
        found.select_nth_unstable_by(MAX_CANDIDATES, rank);
        found.truncate(MAX_CANDIDATES);
    }
    found.sort_unstable_by(rank);
    found.into_iter().map(|(_, name)| name).collect()
}

/// Candidate names: postings of the query tokens, rarest first, until
/// the tokens left could not bring a name to [`MIN_QUERY_SHARE`] of the
/// query's weight on their own; names whose gathered weight could not
/// reach `threshold` whatever the rest does are dropped (a score is at
/// most 0.6 × the query's coverage + 0.4 + the facts' bonus); then the
/// best [`MAX_CANDIDATES`] by gathered weight (shorter names first on
/// ties), best first.
pub(crate) fn candidates(
    index: &TokenIndex,
    acc: &mut Accumulator,
    tokens: &[Arc<QueryToken>],
    threshold: f64,
) -> Vec<u32> {
    let total: f32 = tokens.iter().map(|t| t.weight).sum();
    let needed = MIN_QUERY_SHARE * total;
    let mut order: Vec<Step<'_>> = Vec::new();
    for t in tokens {
        t.steps(index, &mut order);
    }
    order.sort_by_key(|t| t.volume);
    let mut remaining: f32 = order.iter().map(|t| t.weight).sum();
    // syllable leads credit half of what the aligned syllables will get
    let lead_slack: f32 = tokens
        .iter()
        .filter(|t| t.has_leads)
        .map(|t| t.weight * (1.0 - SYLLABLE_LEAD))
        .sum();
    let reachable = ((threshold - 0.4 - MAX_FACTS_BONUS) / 0.6).max(0.0) as f32;
    // a name first found when the tokens left weigh less cannot reach the
    // floor below (a credit is at most the token's weight)
    let entry_floor = reachable * total - lead_slack;
    let mut scratch = Vec::new();
    for (step, token) in order.iter().enumerate() {
        if remaining < needed {
            break;
        }
        let step = u32::try_from(step + 1).unwrap_or(u32::MAX);
        let adds = remaining >= entry_floor
            && (token.volume <= acc.len()
                || kth_best(acc, &mut scratch).is_none_or(|k| remaining >= k));
        let postings = token
            .expansions
            .iter()
            .map(|&(id, sim)| (index.postings(id), sim * token.weight));
        if adds {
            acc.add(step, postings);
        } else {
            for (list, credit) in postings {
                acc.credit(step, list, credit);
            }
        }
        remaining -= token.weight;
    }
    let remaining = remaining.max(0.0);
    let floor = (needed - remaining).max(reachable * total - remaining - lead_slack);
    let found: Vec<(f32, u32)> = acc
        .gathered()
        .iter()
        .filter(|(_, slot)| slot.total >= floor)
        .map(|&(name, slot)| (slot.total, name))
        .collect();
    best(found)
}
