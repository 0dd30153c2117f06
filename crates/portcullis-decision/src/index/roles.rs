//! Roles as small numbers: assignments hold role numbers, and the catalog's
//! roles are looked up by number, in a vector, with their privilege order
//! precomputed.

use portcullis_domain::{Action, Role, RoleCatalog, RoleId};

use super::HashMap;

/// A role id interned by the index (whether or not the catalog knows it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct RoleIx(u32);

/// What the decision needs of a catalog role.
#[derive(Debug, Clone)]
pub(super) struct RankedRole {
    pub(super) role: Role,
    /// The role's place in the catalog from least to most privileged
    /// ([`Role::privilege_rank`] order, which is total: it ends with the id).
    pub(super) order: u32,
}

#[derive(Debug, Clone, Default)]
pub(super) struct RoleTable {
    numbers: HashMap<RoleId, RoleIx>,
    /// By role number: the catalog's role, if the catalog has it.
    roles: Vec<Option<RankedRole>>,
    catalog: Option<RoleCatalog>,
}

impl RoleTable {
    /// The number of `id`, given on first sight; `None` only when the
    /// numbers ran out (more than 2^32 distinct role ids), which leaves the
    /// role out: it then grants nothing.
    pub(super) fn intern(&mut self, id: RoleId) -> Option<RoleIx> {
        if let Some(ix) = self.numbers.get(&id) {
            return Some(*ix);
        }
        let ix = RoleIx(u32::try_from(self.roles.len()).ok()?);
        let ranked = self
            .catalog
            .as_ref()
            .and_then(|catalog| ranked(catalog, id));
        self.roles.push(ranked);
        self.numbers.insert(id, ix);
        Some(ix)
    }

    /// Replaces the catalog: every number keeps its role id and now reads
    /// that role from `catalog`.
    pub(super) fn set_catalog(&mut self, catalog: &RoleCatalog) {
        for role in catalog.iter() {
            self.intern(role.id);
        }
        let mut by_number: Vec<(RoleId, RoleIx)> =
            self.numbers.iter().map(|(id, ix)| (*id, *ix)).collect();
        by_number.sort_by_key(|(_, ix)| ix.0);
        self.roles = by_number
            .into_iter()
            .map(|(id, _)| ranked(catalog, id))
            .collect();
        self.catalog = Some(catalog.clone());
    }

    /// The catalog role numbered `ix` if it permits `action`.
    pub(super) fn permitting(&self, ix: RoleIx, action: &Action) -> Option<&RankedRole> {
        let ranked = self.roles.get(usize::try_from(ix.0).ok()?)?.as_ref()?;
        ranked.role.permits(action).then_some(ranked)
    }
}

/// The catalog's role `id` with its place in the privilege order.
fn ranked(catalog: &RoleCatalog, id: RoleId) -> Option<RankedRole> {
    let role = catalog.get(id)?;
    let rank = role.privilege_rank();
    let below = catalog.iter().filter(|r| r.privilege_rank() < rank).count();
    Some(RankedRole {
        role: role.clone(),
        order: u32::try_from(below).unwrap_or(u32::MAX),
    })
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
    fn privilege_order_follows_the_catalog_rank() {
        let catalog = RoleCatalog::default_entra();
        let mut table = RoleTable::default();
        table.set_catalog(&catalog);
        let action = Action::parse("security.alerts.read").unwrap();
        let order = |role| {
            table
                .permitting(table.clone().intern(id(role)).unwrap(), &action)
                .unwrap()
                .order
        };
        assert!(order(SECURITY_READER) < order(GLOBAL_ADMIN));
        let mut orders: Vec<u32> = catalog
            .iter()
            .map(|r| {
                let ix = table.clone().intern(r.id).unwrap();
                table.roles[ix.0 as usize].as_ref().unwrap().order
            })
            .collect();
        orders.sort_unstable();
        orders.dedup();
        assert_eq!(orders.len(), catalog.len(), "every role has its own place");
    }

    #[test]
    fn a_role_the_catalog_lacks_permits_nothing_until_the_catalog_has_it() {
        let mut table = RoleTable::default();
        let helpdesk = table.intern(id(HELPDESK)).unwrap();
        let reset = Action::parse("users.password.reset").unwrap();
        assert!(
            table.permitting(helpdesk, &reset).is_none(),
            "no catalog yet"
        );
        table.set_catalog(&RoleCatalog::default_entra());
        assert_eq!(
            table.intern(id(HELPDESK)),
            Some(helpdesk),
            "numbers are stable"
        );
        let found = table.permitting(helpdesk, &reset).unwrap();
        assert_eq!(found.role.id, id(HELPDESK));
        assert!(
            table
                .permitting(helpdesk, &Action::parse("federation.update").unwrap())
                .is_none()
        );
        table.set_catalog(&RoleCatalog::new(Vec::new()).unwrap());
        assert!(
            table.permitting(helpdesk, &reset).is_none(),
            "catalog replaced"
        );
    }
}
