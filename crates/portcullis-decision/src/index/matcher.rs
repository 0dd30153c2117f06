//! Which catalog roles permit an action, from a few hash lookups instead of
//! matching every pattern of every role the user holds.
//!
//! A role's patterns are exact actions, `prefix.*` (the prefix itself and
//! anything below it) or `*`; an action `a.b.c` is permitted by the exact
//! pattern `a.b.c`, by `a.*`, `a.b.*`, `a.b.c.*`, and by `*`. So the roles
//! permitting it are the union of one exact set, one prefix set per segment,
//! and the set of `*`.

use portcullis_domain::{Action, Role};
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

/// What the catalog's patterns answer for one name (an exact pattern, a
/// prefix, or leading segments of either).
#[derive(Debug, Clone, Default)]
struct Answers {
    /// For the action that is this name: `below`, and the exact patterns.
    whole: Places,
    /// For an action strictly below this name (`name.…`) that no pattern
    /// spells out further: `*` and the prefix patterns of this name and of
    /// its leading segments.
    below: Places,
}

/// The catalog's patterns, answered per name in advance.
///
/// The roles permitting action `A` are `*`, the exact set of `A`, and the
/// prefix set of each of `A`'s leading segments (`A` included). For a name
/// the patterns spell out, that union is computed once ([`Answers`]); for
/// any other action, no pattern names it or anything between it and its
/// longest leading segments that are spelled out, so it is that name's
/// `below`. A decision costs one lookup when its action is spelled out by a
/// pattern, one more per trailing segment otherwise, and no union.
#[derive(Debug, Clone, Default)]
pub(super) struct ActionMatcher {
    names: HashMap<Box<str>, Answers>,
    any: Places,
}

impl ActionMatcher {
    /// From the catalog's roles, each with its place.
    pub(super) fn new<'a>(roles: impl IntoIterator<Item = (u32, &'a Role)>) -> Self {
        let mut exact: HashMap<String, Places> = HashMap::default();
        let mut prefix: HashMap<String, Places> = HashMap::default();
        let mut any = Places::default();
        for (place, role) in roles {
            for pattern in &role.actions {
                let text = pattern.to_string();
                let set = if text == "*" {
                    &mut any
                } else if let Some(stem) = text.strip_suffix(".*") {
                    prefix.entry(stem.to_owned()).or_default()
                } else {
                    exact.entry(text).or_default()
                };
                set.insert(place);
            }
        }
        let mut names: HashMap<Box<str>, Answers> = HashMap::default();
        for spelled in exact.keys().chain(prefix.keys()) {
            for name in leading(spelled).chain([spelled.as_str()]) {
                if names.contains_key(name) {
                    continue;
                }
                let mut below = any.clone();
                for stem in leading(name).chain([name]) {
                    if let Some(set) = prefix.get(stem) {
                        below.union_with(set);
                    }
                }
                let mut whole = below.clone();
                if let Some(set) = exact.get(name) {
                    whole.union_with(set);
                }
                names.insert(name.into(), Answers { whole, below });
            }
        }
        Self { names, any }
    }

    /// The places of the roles that permit `action`.
    pub(super) fn permitting(&self, action: &Action) -> Places {
        let mut name = action.as_str();
        if let Some(answers) = self.names.get(name) {
            return answers.whole.clone();
        }
        while let Some(at) = name.rfind('.') {
            name = name.get(..at).unwrap_or_default();
            if let Some(answers) = self.names.get(name) {
                return answers.below.clone();
            }
        }
        self.any.clone()
    }
}

/// The strict leading segments of a dotted name, shortest first
/// (`a`, `a.b` for `a.b.c`).
fn leading(name: &str) -> impl Iterator<Item = &str> {
    name.match_indices('.').filter_map(|(at, _)| name.get(..at))
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
