//! The least-privileged set of catalog roles covering a set of used actions:
//! weighted greedy set cover, then pruning.
//!
//! Each role costs what it permits: the number of vocabulary actions it
//! permits, plus the whole vocabulary's size when it is privileged (so an
//! unprivileged role is always preferred where one will do, as the decision
//! engine prefers them). Greedy: while some used action is uncovered, take
//! the role with the lowest cost per newly covered action, ties going to the
//! least-privileged role (the catalog's privilege order). Pruning: drop any
//! chosen role, most privileged first, whose actions the others already
//! cover. Weighted greedy cover is within a factor ln(n) of the cheapest
//! cover; on catalogs of tens of roles it finds the obvious answer, and it
//! is fast enough to run over every relationship.

use std::collections::BTreeSet;

use portcullis_domain::{Role, RoleCatalog, RoleId};

use super::vocabulary::{ActionSet, Vocabulary};

/// What a role costs in a cover.
fn cost(role: &Role, permits: &ActionSet, vocabulary: &Vocabulary) -> u64 {
    let privileged = if role.privileged {
        vocabulary.size()
    } else {
        0
    };
    u64::from(permits.len()) + privileged
}

/// The roles, from least to most privileged, that together permit every
/// action of `used`; `None` when the catalog's relationship roles cannot.
pub(super) fn least_privileged_cover(
    catalog: &RoleCatalog,
    vocabulary: &Vocabulary,
    used: &ActionSet,
) -> Option<BTreeSet<RoleId>> {
    let mut candidates: Vec<(&Role, &ActionSet, u64)> = catalog
        .iter()
        .filter(|r| r.allowed_in_relationships)
        .filter_map(|r| {
            let permits = vocabulary.role(r.id)?;
            Some((r, permits, cost(r, permits, vocabulary)))
        })
        .collect();
    candidates.sort_by_key(|(r, _, _)| r.privilege_rank());
    let mut uncovered = used.clone();
    let mut chosen: Vec<&Role> = Vec::new();
    while !uncovered.is_empty() {
        // (cost, gain) of the best so far: a lower cost per action wins
        // strictly, so the first (least privileged) of equals stays.
        let mut best: Option<(u64, u64, &Role, &ActionSet)> = None;
        for (role, permits, cost) in &candidates {
            let gain = u64::from(uncovered.overlap(permits));
            let better = best.is_none_or(|(c, g, _, _)| cost * g < c * gain);
            if gain > 0 && better {
                best = Some((*cost, gain, role, permits));
            }
        }
        let (_, _, role, permits) = best?;
        uncovered.remove_all(permits);
        chosen.push(role);
    }
    // Most privileged first: the likeliest to be redundant and the most
    // worth dropping.
    chosen.sort_by_key(|r| r.privilege_rank());
    let mut kept: Vec<RoleId> = chosen.iter().map(|r| r.id).collect();
    for role in chosen.iter().rev() {
        let others: Vec<RoleId> = kept.iter().copied().filter(|id| *id != role.id).collect();
        if used.is_subset(&vocabulary.permitted(&others)) {
            kept = others;
        }
    }
    Some(kept.into_iter().collect())
}
