//! Roles and the catalog of roles a relationship may grant.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::{Action, ActionPattern, ValidationError};

crate::id::uuid_id!(
    /// A role, named by its template id (Entra's role template ids for the
    /// default catalog).
    RoleId,
    "role_id"
);

/// A role: the actions it permits and how dangerous it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Role {
    pub id: RoleId,
    pub name: String,
    /// What the role permits: exact actions, `prefix.*` or `*`.
    #[schema(value_type = Vec<String>)]
    pub actions: Vec<ActionPattern>,
    /// Privileged roles need phishing-resistant MFA and may only be removed,
    /// never added, while a relationship is active.
    #[serde(default)]
    pub privileged: bool,
    /// A tenant-wide role (Global Administrator): a relationship holding one
    /// may not auto-extend.
    #[serde(default)]
    pub global: bool,
    /// Operators may forbid a role in partner relationships altogether.
    #[serde(default = "yes")]
    pub allowed_in_relationships: bool,
}

fn yes() -> bool {
    true
}

impl Role {
    pub fn permits(&self, action: &Action) -> bool {
        self.actions.iter().any(|p| p.matches(action))
    }

    /// Sort key from least to most privileged: unprivileged first, then the
    /// narrowest patterns, then the fewest, then by id for a stable answer.
    pub fn privilege_rank(&self) -> (bool, usize, usize, RoleId) {
        let widest = self
            .actions
            .iter()
            .map(ActionPattern::breadth)
            .max()
            .unwrap_or(0);
        (self.privileged, widest, self.actions.len(), self.id)
    }
}

/// The roles a platform offers, by id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleCatalog {
    roles: BTreeMap<RoleId, Role>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CatalogFile {
    roles: Vec<Role>,
}

impl RoleCatalog {
    /// Builds a catalog; ids must be unique and every role must permit something.
    pub fn new(roles: Vec<Role>) -> Result<Self, ValidationError> {
        let mut map = BTreeMap::new();
        for role in roles {
            if role.name.trim().is_empty() || role.name.chars().count() > 256 {
                return Err(ValidationError::new(
                    "roles",
                    format!("role `{}` needs a name of 1 to 256 characters", role.id),
                ));
            }
            if role.actions.is_empty() {
                return Err(ValidationError::new(
                    "roles",
                    format!("role `{}` permits no action", role.name),
                ));
            }
            let id = role.id;
            if map.insert(id, role).is_some() {
                return Err(ValidationError::new(
                    "roles",
                    format!("role id `{id}` appears twice"),
                ));
            }
        }
        Ok(Self { roles: map })
    }

    /// Reads `{"roles": [...]}` JSON.
    pub fn from_json(text: &str) -> Result<Self, ValidationError> {
        let file: CatalogFile = serde_json::from_str(text)
            .map_err(|e| ValidationError::new("catalog", format!("invalid JSON catalog: {e}")))?;
        Self::new(file.roles)
    }

    /// Reads a TOML catalog: `[[roles]]` tables.
    pub fn from_toml(text: &str) -> Result<Self, ValidationError> {
        let file: CatalogFile = toml::from_str(text)
            .map_err(|e| ValidationError::new("catalog", format!("invalid TOML catalog: {e}")))?;
        Self::new(file.roles)
    }

    pub fn get(&self, id: RoleId) -> Option<&Role> {
        self.roles.get(&id)
    }

    pub fn iter(&self) -> impl Iterator<Item = &Role> {
        self.roles.values()
    }

    pub fn len(&self) -> usize {
        self.roles.len()
    }

    pub fn is_empty(&self) -> bool {
        self.roles.is_empty()
    }

    /// The default catalog, modeled on Entra ID's built-in roles.
    pub fn default_entra() -> Self {
        let roles = crate::role_defaults::ENTRA_ROLES
            .iter()
            .filter_map(|(id, name, actions, privileged, global)| {
                Some(Role {
                    id: RoleId::parse(id).ok()?,
                    name: (*name).to_owned(),
                    actions: actions
                        .iter()
                        .map(|a| ActionPattern::parse(a))
                        .collect::<Result<_, _>>()
                        .ok()?,
                    privileged: *privileged,
                    global: *global,
                    allowed_in_relationships: true,
                })
            })
            .map(|role| (role.id, role))
            .collect();
        Self { roles }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GLOBAL_ADMIN: &str = "62e90394-69f5-4237-9190-012177145e10";
    const HELPDESK_ADMIN: &str = "729827e3-9c14-49f7-bb1b-9608f156bbb8";

    #[test]
    fn default_catalog_has_the_entra_roles_with_real_ids() {
        let catalog = RoleCatalog::default_entra();
        assert_eq!(catalog.len(), crate::role_defaults::ENTRA_ROLES.len());
        assert!(catalog.len() >= 15);
        let global = catalog.get(RoleId::parse(GLOBAL_ADMIN).unwrap()).unwrap();
        assert_eq!(global.name, "Global Administrator");
        assert!(global.privileged && global.global);
        assert!(global.permits(&Action::parse("federation.update").unwrap()));
        let helpdesk = catalog.get(RoleId::parse(HELPDESK_ADMIN).unwrap()).unwrap();
        assert!(helpdesk.permits(&Action::parse("users.password.reset").unwrap()));
        assert!(!helpdesk.permits(&Action::parse("roles.assignments.create").unwrap()));
    }

    #[test]
    fn global_admin_ranks_above_everything() {
        let catalog = RoleCatalog::default_entra();
        let global = catalog.get(RoleId::parse(GLOBAL_ADMIN).unwrap()).unwrap();
        assert!(
            catalog
                .iter()
                .all(|r| r.privilege_rank() <= global.privilege_rank())
        );
    }

    #[test]
    fn operators_load_a_catalog_from_toml_and_json() {
        let toml = r#"
            [[roles]]
            id = "00000000-0000-4000-8000-000000000001"
            name = "Ticket Agent"
            actions = ["tickets.*"]

            [[roles]]
            id = "00000000-0000-4000-8000-000000000002"
            name = "Billing Owner"
            actions = ["billing.*", "invoices.read"]
            privileged = true
            allowed_in_relationships = false
        "#;
        let catalog = RoleCatalog::from_toml(toml).unwrap();
        assert_eq!(catalog.len(), 2);
        let agent = catalog.iter().find(|r| r.name == "Ticket Agent").unwrap();
        assert!(agent.allowed_in_relationships && !agent.privileged);
        let billing = catalog.iter().find(|r| r.name == "Billing Owner").unwrap();
        assert!(!billing.allowed_in_relationships);

        let json = r#"{"roles":[{"id":"00000000-0000-4000-8000-000000000003","name":"Reader","actions":["*.read"]}]}"#;
        assert!(
            RoleCatalog::from_json(json).is_err(),
            "`*.read` is not a pattern"
        );
        let json = r#"{"roles":[{"id":"00000000-0000-4000-8000-000000000003","name":"Reader","actions":["directory.read"]}]}"#;
        assert_eq!(RoleCatalog::from_json(json).unwrap().len(), 1);
    }

    #[test]
    fn duplicate_ids_empty_actions_and_unknown_keys_are_refused() {
        let dup = r#"{"roles":[
            {"id":"00000000-0000-4000-8000-000000000001","name":"A","actions":["a"]},
            {"id":"00000000-0000-4000-8000-000000000001","name":"B","actions":["b"]}]}"#;
        assert!(
            RoleCatalog::from_json(dup)
                .unwrap_err()
                .message
                .contains("twice")
        );
        let empty =
            r#"{"roles":[{"id":"00000000-0000-4000-8000-000000000001","name":"A","actions":[]}]}"#;
        assert!(RoleCatalog::from_json(empty).is_err());
        let typo = r#"{"roles":[{"id":"00000000-0000-4000-8000-000000000001","name":"A","actions":["a"],"privileged_":true}]}"#;
        assert!(RoleCatalog::from_json(typo).is_err());
    }
}
