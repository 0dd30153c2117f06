//! The screener: candidate names from the index, each scored, best first.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use foldhash::fast::FixedState;
use serde::Serialize;

use crate::accumulator::Pool;
use crate::candidates::{QueryToken, candidates};
use crate::explain::{Explained, explain};
use crate::facts::{Facts, MAX_FACTS_BONUS};
use crate::index::{MAX_NAME_TOKENS, NameTokens, TokenIndex};
use crate::normalize::{Part, is_initial, name_parts};
use crate::query_cache::QueryCache;
use crate::score::{GlueCache, INITIAL_WEIGHT, NOT_LISTED, Weighted, name_score, round};
use crate::similarity::Tok;
use crate::{Entity, Explanation, Kind};

/// The default match threshold. On the labelled set in
/// `tests/quality.rs` it keeps every true variant kind (accents,
/// transliteration, order, legal forms, initials, typos) above and the
/// shared-token and different-person pairs below.
pub const DEFAULT_THRESHOLD: f64 = 0.70;

/// An applicant to screen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Query {
    /// The legal name or the officer's name, in any script.
    pub name: String,
    /// Country code (any case), when known.
    pub country: Option<String>,
    /// Year of birth (persons), when known.
    pub birth_year: Option<i32>,
    /// Person or organization.
    pub kind: Kind,
}

impl Query {
    /// Whether the name has a letter or digit to screen: a query without one
    /// cannot match anything, so it should be refused rather than cleared.
    pub fn has_name(&self) -> bool {
        !crate::normalize::name_tokens(&self.name, false).is_empty()
    }
}

/// One hit: which entity, under which of its names, how strongly and why.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Match {
    /// The watchlist's id of the entity.
    pub entity_id: String,
    /// The entity's name or alias that matched best.
    pub name: String,
    /// Overall score in 0..=1.
    pub score: f64,
    /// What produced the score: `name_similarity`, `query_coverage`,
    /// `candidate_coverage`, counts of `exact_tokens`, `phonetic_tokens`,
    /// `transliterated_tokens`, `fuzzy_tokens`, `initials`;
    /// `distinctive_disagreement`, `father_conflict`; `country_match` or
    /// `country_mismatch`, `birth_year_match` or `birth_year_mismatch`,
    /// `kind_mismatch` (the penalties hold the negative amount applied, the
    /// matches the bonus).
    pub features: BTreeMap<&'static str, f64>,
    /// Which tokens lined up and how, and what weighed for and against.
    pub explanation: Explanation,
}

/// Where the names scored come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Candidates {
    /// The index's candidates (what [`Screener::screen`] does).
    Indexed,
    /// Every name: the slow, obviously complete reference (tests only).
    #[cfg(test)]
    All,
}

/// Which name of which entity a name id is.
#[derive(Clone, Copy)]
struct NameRef {
    entity: u32,
    alias: u16,
    /// Which part of a "trading as" name; `None` for a whole name.
    part: Option<u8>,
}

/// An index over a set of entities; answers [`Screener::screen`] without
/// scanning them.
pub struct Screener {
    entities: Vec<Entity>,
    names: Vec<NameRef>,
    name_tokens: NameTokens,
    index: TokenIndex,
    accumulators: Pool,
    query_cache: QueryCache,
}

impl Screener {
    /// Indexes `entities` (each name, alias and part of a "trading as"
    /// name separately).
    #[must_use]
    pub fn new(entities: Vec<Entity>) -> Self {
        let mut names = Vec::new();
        let mut tokenized = Vec::new();
        for (e, entity) in entities.iter().enumerate() {
            let organization = entity.schema.is_organization();
            for (a, name) in entity.names.iter().enumerate().take(usize::from(u16::MAX)) {
                let parts = name_parts(name, organization);
                let whole = parts.len() == 1;
                for (p, part) in parts.into_iter().enumerate().take(usize::from(u8::MAX)) {
                    let mut tokens = part.tokens;
                    tokens.truncate(MAX_NAME_TOKENS);
                    names.push(NameRef {
                        entity: u32::try_from(e).unwrap_or(u32::MAX),
                        alias: u16::try_from(a).unwrap_or(u16::MAX),
                        part: if whole { None } else { u8::try_from(p).ok() },
                    });
                    tokenized.push(tokens);
                }
            }
        }
        // Name ids in order of length (stable): candidates tied on weight
        // go shorter first by id alone, without looking lengths up.
        let mut order: Vec<usize> = (0..names.len()).collect();
        order.sort_by_key(|&i| tokenized.get(i).map_or(0, Vec::len));
        let names: Vec<NameRef> = order
            .iter()
            .filter_map(|&i| names.get(i).copied())
            .collect();
        let tokenized: Vec<Vec<String>> = order
            .iter()
            .filter_map(|&i| tokenized.get_mut(i).map(std::mem::take))
            .collect();
        let (index, name_tokens) = TokenIndex::build(&tokenized);
        Self {
            accumulators: Pool::default(),
            query_cache: QueryCache::default(),
            entities,
            names,
            name_tokens,
            index,
        }
    }

    /// Number of entities indexed.
    #[must_use]
    pub fn len(&self) -> usize {
        self.entities.len()
    }

    /// Whether no entity is indexed.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.entities.is_empty()
    }

    /// The entities that match `query` with a score of at least
    /// `threshold`, best first (ties by entity id), one match per entity
    /// (its best name). Each part of a "trading as" query is screened on
    /// its own. A query whose name has no letter or digit matches nothing.
    #[must_use]
    pub fn screen(&self, query: &Query, threshold: f64) -> Vec<Match> {
        self.screen_with(query, threshold, Candidates::Indexed)
    }

    /// [`Screener::screen`] with candidates from the index or, for the
    /// naive reference the index is tested against, every name.
    pub(crate) fn screen_with(
        &self,
        query: &Query,
        threshold: f64,
        from: Candidates,
    ) -> Vec<Match> {
        let organization = query.kind == Kind::Organization;
        let mut best: HashMap<u32, Match, FixedState> = HashMap::default();
        for part in name_parts(&query.name, organization) {
            self.screen_part(query, &part, threshold, from, &mut best);
        }
        let mut matches: Vec<Match> = best.into_values().collect();
        matches.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then_with(|| a.entity_id.cmp(&b.entity_id))
        });
        matches
    }

    fn screen_part(
        &self,
        query: &Query,
        part: &Part,
        threshold: f64,
        from: Candidates,
        best: &mut HashMap<u32, Match, FixedState>,
    ) {
        let mut texts = part.tokens.clone();
        texts.truncate(MAX_NAME_TOKENS);
        let mut tokens: Vec<Arc<QueryToken>> = texts
            .into_iter()
            .map(|t| self.query_cache.token(&self.index, t))
            .collect();
        crate::joins::extend(&self.index, &mut tokens);
        if tokens.is_empty() {
            return;
        }
        let candidates = match from {
            Candidates::Indexed => {
                let mut acc = self.accumulators.take();
                let found = candidates(&self.index, &mut acc, &tokens, threshold);
                self.accumulators.give(acc);
                found
            }
            #[cfg(test)]
            Candidates::All => (0..u32::try_from(self.names.len()).unwrap_or(u32::MAX)).collect(),
        };
        let query_side: Vec<Weighted<'_>> = tokens
            .iter()
            .map(|t| Weighted {
                tok: Tok::new(&t.text, t.phonetic, &t.keys),
                weight: t.weight,
                id: NOT_LISTED,
            })
            .collect();
        let mut glue = GlueCache::default();
        let mut listed: Vec<Weighted<'_>> = Vec::new();
        for name in candidates {
            let Some(&name_ref) = self.names.get(name as usize) else {
                continue;
            };
            listed.clear();
            listed.extend(
                self.name_tokens
                    .get(name)
                    .iter()
                    .filter_map(|&id| self.index.token(id).map(|info| (id, info)))
                    .map(|(id, info)| Weighted {
                        id,
                        tok: info.tok(),
                        weight: if is_initial(&info.text) {
                            INITIAL_WEIGHT
                        } else {
                            info.idf
                        },
                    }),
            );
            let scored = name_score(&query_side, &listed, &mut glue);
            if scored.score + MAX_FACTS_BONUS < threshold {
                continue;
            }
            let Some(e) = self.entities.get(name_ref.entity as usize) else {
                continue;
            };
            let facts = Facts::of(query, e);
            let score = (scored.score + facts.delta()).clamp(0.0, 1.0);
            if score < threshold {
                continue;
            }
            let mut features = scored.features();
            facts.add_features(&mut features);
            let better = best.get(&name_ref.entity).is_none_or(|m| score > m.score);
            if better {
                let name = e
                    .names
                    .get(usize::from(name_ref.alias))
                    .cloned()
                    .unwrap_or_default();
                let explanation = explain(&Explained {
                    scored: &scored,
                    query: &query_side,
                    listed: &listed,
                    facts: &facts,
                    alias: (name_ref.alias > 0 || name_ref.part.is_some()).then(|| name.clone()),
                    legal_forms: self.legal_forms(part, &name, name_ref, e),
                });
                best.insert(
                    name_ref.entity,
                    Match {
                        entity_id: e.id.clone(),
                        name,
                        score: round(score),
                        features,
                        explanation,
                    },
                );
            }
        }
    }

    /// The legal forms of the query part and of the listed part, when both
    /// are organizations' and have one.
    fn legal_forms(
        &self,
        part: &Part,
        name: &str,
        name_ref: NameRef,
        entity: &Entity,
    ) -> Option<(String, String)> {
        if part.legal_form.is_empty() || !entity.schema.is_organization() {
            return None;
        }
        let listed = name_parts(name, true)
            .into_iter()
            .nth(usize::from(name_ref.part.unwrap_or(0)))?
            .legal_form;
        (!listed.is_empty()).then(|| (part.legal_form.clone(), listed))
    }
}
