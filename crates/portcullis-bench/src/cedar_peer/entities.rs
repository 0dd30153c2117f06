//! The Cedar entities of the ecosystem: users (parents: their groups),
//! partners, relationships and actions (parents: the role action groups
//! that permit them).

use std::collections::{HashMap, HashSet};
use std::str::FromStr as _;

use anyhow::Context as _;
use cedar_policy::{Entity, EntityId, EntityTypeName, EntityUid, RestrictedExpression};
use portcullis_domain::{
    Action, GroupId, RelationshipId, RelationshipStatus, RoleCatalog, TenantId, TenantKind, UserId,
};

use super::policies::{self, NAMESPACE};
use crate::ecosystem::Ecosystem;

/// The entity type names of the model.
pub struct Types {
    pub user: EntityTypeName,
    pub group: EntityTypeName,
    pub partner: EntityTypeName,
    pub customer: EntityTypeName,
    pub relationship: EntityTypeName,
    pub action: EntityTypeName,
}

impl Types {
    pub fn new() -> anyhow::Result<Self> {
        let name = |local: &str| {
            EntityTypeName::from_str(&format!("{NAMESPACE}::{local}"))
                .with_context(|| format!("entity type `{local}`"))
        };
        Ok(Self {
            user: name("User")?,
            group: name("Group")?,
            partner: name("Partner")?,
            customer: name("Customer")?,
            relationship: name("Relationship")?,
            action: name("Action")?,
        })
    }

    pub fn uid(kind: &EntityTypeName, id: impl std::fmt::Display) -> EntityUid {
        EntityUid::from_type_name_and_id(kind.clone(), EntityId::new(id.to_string()))
    }
}

/// Every entity, by the key a request or a permit names it with.
pub struct EntityIndex {
    /// Each user's entity and groups (the keys of its permits).
    pub users: HashMap<UserId, (Entity, Vec<GroupId>)>,
    pub partners: HashMap<TenantId, Entity>,
    /// Relationships stored as active and with an end: the only ones a
    /// permit can read.
    pub relationships: HashMap<RelationshipId, Entity>,
    pub actions: HashMap<String, Entity>,
}

/// The action entity: the concrete action, child of the action group
/// `role:<id>` of every role that permits it.
pub fn action(types: &Types, catalog: &RoleCatalog, action: &str) -> Entity {
    let parents = Action::parse(action)
        .map(|parsed| {
            catalog
                .iter()
                .filter(|role| role.permits(&parsed))
                .map(|role| Types::uid(&types.action, format!("role:{}", role.id)))
                .collect()
        })
        .unwrap_or_default();
    Entity::new_no_attrs(Types::uid(&types.action, action), parents)
}

pub fn index(eco: &Ecosystem, types: &Types) -> anyhow::Result<EntityIndex> {
    let s = &eco.snapshot;
    let authorized: HashSet<TenantId> = s.authorized_partners.iter().copied().collect();
    let partners = s
        .tenants
        .iter()
        .filter(|t| t.kind == TenantKind::Partner)
        .map(|t| {
            let attrs = HashMap::from([(
                "authorized".to_owned(),
                RestrictedExpression::new_bool(authorized.contains(&t.id)),
            )]);
            let entity = Entity::new(Types::uid(&types.partner, t.id), attrs, HashSet::new())?;
            Ok((t.id, entity))
        })
        .collect::<anyhow::Result<HashMap<_, _>>>()?;

    let contained: HashSet<UserId> = s.contained_users.iter().copied().collect();
    let mut groups_of: HashMap<UserId, Vec<GroupId>> = HashMap::new();
    for m in &s.memberships {
        groups_of.entry(m.user_id).or_default().push(m.group_id);
    }
    let users = s
        .users
        .iter()
        .map(|u| {
            let attrs = HashMap::from([
                (
                    "enabled".to_owned(),
                    RestrictedExpression::new_bool(u.enabled),
                ),
                (
                    "contained".to_owned(),
                    RestrictedExpression::new_bool(contained.contains(&u.id)),
                ),
                (
                    "partner".to_owned(),
                    RestrictedExpression::new_entity_uid(Types::uid(&types.partner, u.tenant_id)),
                ),
            ]);
            let groups = groups_of.remove(&u.id).unwrap_or_default();
            let parents = groups.iter().map(|g| Types::uid(&types.group, g)).collect();
            let entity = Entity::new(Types::uid(&types.user, u.id), attrs, parents)?;
            Ok((u.id, (entity, groups)))
        })
        .collect::<anyhow::Result<HashMap<_, _>>>()?;

    let mut relationships = HashMap::new();
    for r in &s.relationships {
        let (RelationshipStatus::Active, Some(end)) = (r.status, r.end_at) else {
            continue;
        };
        let attrs = HashMap::from([
            (
                "end".to_owned(),
                RestrictedExpression::new_datetime(policies::rfc3339_millis(end.unix_millis())),
            ),
            (
                "auto_extends".to_owned(),
                RestrictedExpression::new_bool(r.auto_extend_duration.as_seconds() > 0),
            ),
        ]);
        let entity = Entity::new(Types::uid(&types.relationship, r.id), attrs, HashSet::new())?;
        relationships.insert(r.id, entity);
    }

    let actions = crate::vocabulary::ACTIONS
        .iter()
        .map(|a| ((*a).to_owned(), action(types, &eco.catalog, a)))
        .collect();
    Ok(EntityIndex {
        users,
        partners,
        relationships,
        actions,
    })
}
