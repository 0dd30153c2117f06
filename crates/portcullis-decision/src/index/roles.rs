//! Roles as small numbers: assignments hold role numbers, and the catalog's
//! roles are looked up by number, in a vector, with their privilege order
//! precomputed; which of them permit an action comes from [`ActionMatcher`].

use portcullis_domain::{Action, RoleCatalog, RoleId};

use super::HashMap;
use super::matcher::{ActionMatcher, Places};
use super::numbers::Numbers;

/// A role id interned by the index (whether or not the catalog knows it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct RoleIx(u32);

/// What the decision needs of a catalog role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct RankedRole {
    pub(super) id: RoleId,
    pub(super) privileged: bool,
    /// The role's place in the catalog from least to most privileged
    /// ([`portcullis_domain::Role::privilege_rank`] order, which is total:
    /// it ends with the id).
    pub(super) place: u32,
}

#[derive(Debug, Clone, Default)]
pub(super) struct RoleTable {
    numbers: Numbers<RoleId>,
    /// By role number: the catalog's role, if the catalog has it.
    roles: Vec<Option<RankedRole>>,
    catalog: HashMap<RoleId, RankedRole>,
    matcher: ActionMatcher,
}

impl RoleTable {
    /// The number of `id`, given on first sight; `None` only when the
    /// numbers ran out (more than 2^32 distinct role ids), which leaves the
    /// role out: it then grants nothing.
    pub(super) fn intern(&mut self, id: RoleId) -> Option<RoleIx> {
        if let Some(n) = self.numbers.get(id) {
            return Some(RoleIx(n));
        }
        let n = self.numbers.intern(id)?;
        self.roles.push(self.catalog.get(&id).copied());
        Some(RoleIx(n))
    }

    /// Replaces the catalog: every number keeps its role id and now reads
    /// that role from `catalog`.
    pub(super) fn set_catalog(&mut self, catalog: &RoleCatalog) {
        let mut ranked: Vec<_> = catalog.iter().collect();
        ranked.sort_by_cached_key(|role| role.privilege_rank());
        let places = (0_u32..).zip(ranked);
        self.matcher = ActionMatcher::new(places.clone());
        self.catalog = places
            .map(|(place, role)| {
                let entry = RankedRole {
                    id: role.id,
                    privileged: role.privileged,
                    place,
                };
                (role.id, entry)
            })
            .collect();
        for (id, n) in self.numbers.iter() {
            if let Some(slot) = usize::try_from(n).ok().and_then(|i| self.roles.get_mut(i)) {
                *slot = self.catalog.get(&id).copied();
            }
        }
    }

    /// The places of the catalog roles that permit `action`.
    pub(super) fn permitting(&self, action: &Action) -> Places {
        self.matcher.permitting(action)
    }

    /// The catalog role numbered `ix`, if it is among `permitted`.
    pub(super) fn get_if(&self, ix: RoleIx, permitted: &Places) -> Option<&RankedRole> {
        let ranked = self.roles.get(usize::try_from(ix.0).ok()?)?.as_ref()?;
        permitted.contains(ranked.place).then_some(ranked)
    }
}

#[cfg(test)]
mod tests {
    use portcullis_domain::{Action, RoleCatalog, RoleId};

    use super::RoleTable;

    const HELPDESK: &str = "729827e3-9c14-49f7-bb1b-9608f156bbb8";
    const SECURITY_READER: &str = "5d6b6bb7-de71-4623-b4af-96380a352509";
    const GLOBAL_ADMIN: &str = "62e90394-69f5-4237-9190-012177145e10";

    fn id(text: &str) -> RoleId {
        RoleId::parse(text).unwrap()
    }

    #[test]
    fn places_follow_the_catalog_privilege_rank() {
        let catalog = RoleCatalog::default_entra();
        let mut table = RoleTable::default();
        table.set_catalog(&catalog);
        let place = |role: RoleId| table.catalog[&role].place;
        assert!(place(id(SECURITY_READER)) < place(id(GLOBAL_ADMIN)));
        for a in catalog.iter() {
            for b in catalog.iter() {
                assert_eq!(
                    place(a.id) < place(b.id),
                    a.privilege_rank() < b.privilege_rank()
                );
            }
        }
    }

    #[test]
    fn a_role_the_catalog_lacks_permits_nothing_until_the_catalog_has_it() {
        let mut table = RoleTable::default();
        let helpdesk = table.intern(id(HELPDESK)).unwrap();
        let reset = Action::parse("users.password.reset").unwrap();
        assert!(table.get_if(helpdesk, &table.permitting(&reset)).is_none());
        table.set_catalog(&RoleCatalog::default_entra());
        assert_eq!(
            table.intern(id(HELPDESK)),
            Some(helpdesk),
            "numbers are stable"
        );
        let found = table.get_if(helpdesk, &table.permitting(&reset)).unwrap();
        assert_eq!(found.id, id(HELPDESK));
        assert!(found.privileged);
        let federation = Action::parse("federation.update").unwrap();
        assert!(
            table
                .get_if(helpdesk, &table.permitting(&federation))
                .is_none()
        );
        table.set_catalog(&RoleCatalog::new(Vec::new()).unwrap());
        assert!(
            table.get_if(helpdesk, &table.permitting(&reset)).is_none(),
            "catalog replaced"
        );
    }
}
