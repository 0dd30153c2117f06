//! Which catalog roles permit an action, from a few hash lookups instead of
//! matching every pattern of every role the user holds.
//!
//! A role's patterns are exact actions, `prefix.*` (the prefix itself and
//! anything below it) or `*`; an action `a.b.c` is permitted by the exact
//! pattern `a.b.c`, by `a.*`, `a.b.*`, `a.b.c.*`, and by `*`. So the roles
//! permitting it are the union of one exact set, one prefix set per segment,
//! and the set of `*`.

use portcullis_domain::{Action, ActionPattern, Role};
use smallvec::SmallVec;

use super::HashMap;

/// A set of roles by their place in the catalog's privilege order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Places(SmallVec<[u64; 2]>);

impl Places {
    fn insert(&mut self, place: u32) {
        let (word, bit) = split(place);
        if self.0.len() <= word {
            self.0.resize(word + 1, 0);
        }
        if let Some(w) = self.0.get_mut(word) {
            *w |= bit;
        }
    }

    fn union_with(&mut self, other: &Self) {
        if self.0.len() < other.0.len() {
            self.0.resize(other.0.len(), 0);
        }
        for (mine, theirs) in self.0.iter_mut().zip(&other.0) {
            *mine |= theirs;
        }
    }

    pub(super) fn contains(&self, place: u32) -> bool {
        let (word, bit) = split(place);
        self.0.get(word).is_some_and(|w| w & bit != 0)
    }
}

fn split(place: u32) -> (usize, u64) {
    (
        usize::try_from(place / 64).unwrap_or(usize::MAX),
        1 << (place % 64),
    )
}

/// The catalog's patterns, by kind, each with the roles that hold it.
#[derive(Debug, Clone, Default)]
pub(super) struct ActionMatcher {
    exact: HashMap<String, Places>,
    prefix: HashMap<String, Places>,
    any: Places,
}

impl ActionMatcher {
    /// From the catalog's roles, each with its place.
    pub(super) fn new<'a>(roles: impl IntoIterator<Item = (u32, &'a Role)>) -> Self {
        let mut matcher = Self::default();
        for (place, role) in roles {
            for pattern in &role.actions {
                matcher.add(pattern, place);
            }
        }
        matcher
    }

    fn add(&mut self, pattern: &ActionPattern, place: u32) {
        let text = pattern.to_string();
        let set = if text == "*" {
            &mut self.any
        } else if let Some(prefix) = text.strip_suffix(".*") {
            self.prefix.entry(prefix.to_owned()).or_default()
        } else {
            self.exact.entry(text).or_default()
        };
        set.insert(place);
    }

    /// The places of the roles that permit `action`.
    pub(super) fn permitting(&self, action: &Action) -> Places {
        let action = action.as_str();
        let mut places = self.any.clone();
        if let Some(exact) = self.exact.get(action) {
            places.union_with(exact);
        }
        let ends = action
            .match_indices('.')
            .map(|(at, _)| at)
            .chain([action.len()]);
        for end in ends {
            if let Some(prefix) = action.get(..end).and_then(|p| self.prefix.get(p)) {
                places.union_with(prefix);
            }
        }
        places
    }
}

#[cfg(test)]
mod tests {
    use portcullis_domain::{Action, ActionPattern, Role, RoleCatalog, RoleId};
    use proptest::prelude::*;

    use super::ActionMatcher;

    fn role(n: u32, patterns: &[String]) -> Role {
        Role {
            id: RoleId::generate(),
            name: format!("role {n}"),
            actions: patterns
                .iter()
                .map(|p| ActionPattern::parse(p).unwrap())
                .collect(),
            privileged: false,
            global: false,
            allowed_in_relationships: true,
        }
    }

    /// Dotted names over a tiny alphabet, so that patterns and actions
    /// often share prefixes (and sometimes only a string prefix: `ab` and `a`).
    fn dotted() -> impl Strategy<Value = String> {
        proptest::collection::vec(prop_oneof![Just("a"), Just("ab"), Just("b")], 1..4)
            .prop_map(|segments| segments.join("."))
    }

    fn pattern() -> impl Strategy<Value = String> {
        prop_oneof![
            dotted(),
            dotted().prop_map(|p| format!("{p}.*")),
            Just("*".to_owned()),
        ]
    }

    proptest! {
        #[test]
        fn the_matcher_finds_exactly_the_roles_whose_patterns_match(
            roles in proptest::collection::vec(proptest::collection::vec(pattern(), 1..4), 1..140),
            actions in proptest::collection::vec(dotted(), 1..10),
        ) {
            let roles: Vec<Role> = (0_u32..).zip(&roles).map(|(n, p)| role(n, p)).collect();
            let matcher = ActionMatcher::new((0_u32..).zip(&roles));
            for action in actions {
                let action = Action::parse(&action).unwrap();
                let places = matcher.permitting(&action);
                for (place, role) in (0_u32..).zip(&roles) {
                    prop_assert_eq!(places.contains(place), role.permits(&action), "{} {:?}", action, role.actions);
                }
                prop_assert!(!places.contains(u32::try_from(roles.len()).unwrap() + 64));
            }
        }
    }

    #[test]
    fn the_default_catalog_is_matched_as_its_roles_match() {
        let catalog = RoleCatalog::default_entra();
        let roles: Vec<&Role> = catalog.iter().collect();
        let matcher = ActionMatcher::new((0_u32..).zip(roles.iter().copied()));
        let actions: Vec<String> = roles
            .iter()
            .flat_map(|r| r.actions.iter().map(ToString::to_string))
            .map(|p| p.trim_end_matches(".*").replace('*', "anything"))
            .chain(["users.password.reset.all", "userss.read", "x"].map(str::to_owned))
            .collect();
        for action in actions {
            let action = Action::parse(&action).unwrap();
            let places = matcher.permitting(&action);
            for (place, role) in (0_u32..).zip(&roles) {
                assert_eq!(
                    places.contains(place),
                    role.permits(&action),
                    "{action} {}",
                    role.name
                );
            }
        }
    }
}
