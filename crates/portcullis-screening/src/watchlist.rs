//! A set of entities keyed by id, and what changed between two versions.

use std::collections::BTreeMap;

use crate::Entity;

/// Entities by id. The same id loaded twice (from two files, or twice in
/// one) is one entity with the union of both records' names, countries and
/// years.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Watchlist {
    entities: BTreeMap<String, Entity>,
}

/// Ids that differ between two watchlist versions, each list sorted.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WatchlistDiff {
    /// In the new version only.
    pub added: Vec<String>,
    /// In both, with a different fingerprint.
    pub changed: Vec<String>,
    /// In the old version only.
    pub removed: Vec<String>,
}

impl WatchlistDiff {
    /// Whether a match on `entity_id` is news: the entity was added or
    /// changed. Re-screening keeps only such matches.
    #[must_use]
    pub fn touches(&self, entity_id: &str) -> bool {
        let has = |v: &Vec<String>| v.binary_search_by(|x| x.as_str().cmp(entity_id)).is_ok();
        has(&self.added) || has(&self.changed)
    }

    /// Whether nothing changed.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.changed.is_empty() && self.removed.is_empty()
    }
}

impl Watchlist {
    /// A watchlist of `entities`, merging repeated ids.
    #[must_use]
    pub fn new(entities: impl IntoIterator<Item = Entity>) -> Self {
        let mut list = Self::default();
        list.extend(entities);
        list
    }

    /// Adds `entities`, merging repeated ids.
    pub fn extend(&mut self, entities: impl IntoIterator<Item = Entity>) {
        for entity in entities {
            match self.entities.get_mut(&entity.id) {
                Some(existing) => merge(existing, entity),
                None => {
                    self.entities.insert(entity.id.clone(), entity);
                }
            }
        }
    }

    /// Number of entities.
    #[must_use]
    pub fn len(&self) -> usize {
        self.entities.len()
    }

    /// Whether there is no entity.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.entities.is_empty()
    }

    /// The entity with `id`.
    #[must_use]
    pub fn get(&self, id: &str) -> Option<&Entity> {
        self.entities.get(id)
    }

    /// The entities, by id.
    pub fn entities(&self) -> impl Iterator<Item = &Entity> {
        self.entities.values()
    }

    /// The entities, by id, owned.
    #[must_use]
    pub fn into_entities(self) -> Vec<Entity> {
        self.entities.into_values().collect()
    }

    /// What changed from `old` to `new`, compared by content fingerprint.
    #[must_use]
    pub fn diff(old: &Self, new: &Self) -> WatchlistDiff {
        let mut diff = WatchlistDiff::default();
        for (id, entity) in &new.entities {
            match old.entities.get(id) {
                None => diff.added.push(id.clone()),
                Some(before) if before.fingerprint() != entity.fingerprint() => {
                    diff.changed.push(id.clone());
                }
                Some(_) => {}
            }
        }
        diff.removed = old
            .entities
            .keys()
            .filter(|id| !new.entities.contains_key(*id))
            .cloned()
            .collect();
        diff
    }
}

fn merge(into: &mut Entity, from: Entity) {
    for name in from.names {
        if !into.names.contains(&name) {
            into.names.push(name);
        }
    }
    for country in from.countries {
        if !into.countries.contains(&country) {
            into.countries.push(country);
        }
    }
    into.birth_years.extend(from.birth_years);
    into.birth_years.sort_unstable();
    into.birth_years.dedup();
}
