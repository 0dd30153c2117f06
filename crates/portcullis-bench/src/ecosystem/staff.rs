//! Partner staff: users in security groups.

use std::collections::BTreeSet;

use anyhow::Context as _;
use portcullis_domain::{
    GroupId, GroupMember, PartnerUser, TenantId, Timestamp, UserId, UserPrincipalName,
};

use super::{Partner, name};
use crate::rng::Rng;

pub(super) type Staff = (
    Vec<PartnerUser>,
    Vec<Partner>,
    Vec<GroupMember>,
    Vec<UserId>,
);

/// Each partner's users, in three to seven security groups, each user in one
/// to three of them; a few users disabled, fewer contained.
pub(super) fn staff(
    rng: &mut Rng,
    partner_ids: &[TenantId],
    total_users: usize,
    created: Timestamp,
) -> anyhow::Result<Staff> {
    let per_partner = total_users / partner_ids.len().max(1);
    let mut users = Vec::with_capacity(total_users);
    let mut partners = Vec::with_capacity(partner_ids.len());
    let mut memberships = Vec::new();
    let mut contained = Vec::new();
    for (p, partner) in partner_ids.iter().enumerate() {
        let groups: Vec<GroupId> = (0..rng.between(3, 7))
            .map(|_| GroupId::from_uuid(rng.uuid()))
            .collect();
        let mut members = vec![Vec::new(); groups.len()];
        for u in 0..per_partner {
            let id = UserId::from_uuid(rng.uuid());
            let upn = format!("user{u}@partner{p}.example");
            users.push(PartnerUser {
                id,
                tenant_id: *partner,
                user_principal_name: UserPrincipalName::parse(&upn)
                    .with_context(|| format!("user principal name `{upn}`"))?,
                display_name: name(&format!("user {u} of partner {p}"))?,
                enabled: !rng.chance(15),
                created_at: created,
                updated_at: created,
                version: 1,
            });
            if rng.chance(5) {
                contained.push(id);
            }
            let wanted = rng.between(1, 3).min(groups.len());
            let mut chosen = BTreeSet::new();
            while chosen.len() < wanted {
                chosen.insert(rng.below(groups.len()));
            }
            for g in chosen {
                if let (Some(group), Some(list)) = (groups.get(g), members.get_mut(g)) {
                    list.push(id);
                    memberships.push(GroupMember {
                        group_id: *group,
                        user_id: id,
                        added_at: created,
                    });
                }
            }
        }
        partners.push(Partner {
            id: *partner,
            groups,
            members,
        });
    }
    Ok((users, partners, memberships, contained))
}
