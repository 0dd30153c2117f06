//! The actions recommendations count: every action the catalog's patterns
//! name (the exact actions, and the prefix of each `prefix.*`) and every
//! action used in the window. A role "permits" the vocabulary's actions its
//! patterns match; sets of roles are compared by how many of these actions
//! they permit together.

use std::collections::{BTreeSet, HashMap};

use portcullis_domain::{Action, RoleCatalog, RoleId};

/// A set of vocabulary actions, one bit each.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct ActionSet(Vec<u64>);

impl ActionSet {
    fn with_len(bits: usize) -> Self {
        Self(vec![0; bits.div_ceil(64)])
    }

    fn insert(&mut self, bit: usize) {
        if let Some(word) = self.0.get_mut(bit / 64) {
            *word |= 1 << (bit % 64);
        }
    }

    pub(super) fn len(&self) -> u32 {
        self.0.iter().map(|w| w.count_ones()).sum()
    }

    pub(super) fn union_with(&mut self, other: &Self) {
        if self.0.len() < other.0.len() {
            self.0.resize(other.0.len(), 0);
        }
        for (mine, theirs) in self.0.iter_mut().zip(&other.0) {
            *mine |= theirs;
        }
    }

    /// How many of `self`'s actions `other` also holds.
    pub(super) fn overlap(&self, other: &Self) -> u32 {
        self.0
            .iter()
            .zip(&other.0)
            .map(|(a, b)| (a & b).count_ones())
            .sum()
    }

    /// Removes `other`'s actions from `self`.
    pub(super) fn remove_all(&mut self, other: &Self) {
        for (mine, theirs) in self.0.iter_mut().zip(&other.0) {
            *mine &= !theirs;
        }
    }

    pub(super) fn is_empty(&self) -> bool {
        self.0.iter().all(|w| *w == 0)
    }

    /// Whether every action of `self` is in `other`.
    pub(super) fn is_subset(&self, other: &Self) -> bool {
        self.0
            .iter()
            .enumerate()
            .all(|(i, w)| w & !other.0.get(i).copied().unwrap_or(0) == 0)
    }
}

/// The actions the catalog's patterns name: each exact action, and the
/// prefix of each `prefix.*` (`*` names none).
pub(crate) fn catalog_actions(catalog: &RoleCatalog) -> BTreeSet<Action> {
    catalog
        .iter()
        .flat_map(|role| role.actions.iter())
        .filter_map(|pattern| {
            let text = pattern.to_string();
            Action::parse(text.strip_suffix(".*").unwrap_or(&text)).ok()
        })
        .collect()
}

/// The vocabulary, and what each catalog role permits of it.
#[derive(Debug)]
pub(super) struct Vocabulary {
    index: HashMap<Action, usize>,
    permits: HashMap<RoleId, ActionSet>,
    size: usize,
}

impl Vocabulary {
    pub(super) fn new<'a>(catalog: &RoleCatalog, used: impl Iterator<Item = &'a Action>) -> Self {
        let mut words = catalog_actions(catalog);
        words.extend(used.cloned());
        let size = words.len();
        let index: HashMap<Action, usize> = words.into_iter().zip(0..).collect();
        let permits = catalog
            .iter()
            .map(|role| {
                let mut set = ActionSet::with_len(size);
                for (action, bit) in &index {
                    if role.permits(action) {
                        set.insert(*bit);
                    }
                }
                (role.id, set)
            })
            .collect();
        Self {
            index,
            permits,
            size,
        }
    }

    /// What the roles permit together (roles outside the catalog permit nothing).
    pub(super) fn permitted<'a>(&self, roles: impl IntoIterator<Item = &'a RoleId>) -> ActionSet {
        let mut set = ActionSet::with_len(self.size);
        for role in roles {
            if let Some(p) = self.permits.get(role) {
                set.union_with(p);
            }
        }
        set
    }

    /// How many actions the vocabulary holds.
    pub(super) fn size(&self) -> u64 {
        u64::try_from(self.size).unwrap_or(u64::MAX)
    }

    pub(super) fn role(&self, role: RoleId) -> Option<&ActionSet> {
        self.permits.get(&role)
    }

    /// The set of these actions.
    pub(super) fn set_of<'a>(&self, actions: impl IntoIterator<Item = &'a Action>) -> ActionSet {
        let mut set = ActionSet::with_len(self.size);
        for action in actions {
            if let Some(bit) = self.index.get(action) {
                set.insert(*bit);
            }
        }
        set
    }
}
