//! Partner users with their group memberships inline: one lookup by user id
//! gives the user's tenant, state and groups.

use portcullis_domain::{PartnerUser, TenantId, UserId};
use smallvec::SmallVec;

use super::HashMap;

/// A group, by the number [`super::DecisionIndex`] gave its id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) struct GroupIx(pub(super) u32);

/// A user as the decision reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Account {
    pub(super) tenant: TenantId,
    pub(super) enabled: bool,
}

/// What the index knows of a user id: the account, once upserted, and the
/// groups it was added to (memberships may arrive before the account).
#[derive(Debug, Clone, Default)]
pub(super) struct Person {
    pub(super) account: Option<Account>,
    pub(super) groups: SmallVec<[GroupIx; 4]>,
}

#[derive(Debug, Clone, Default)]
pub(super) struct People {
    by_id: HashMap<UserId, Person>,
    members_of: HashMap<GroupIx, Vec<UserId>>,
}

impl People {
    pub(super) fn get(&self, user: UserId) -> Option<&Person> {
        self.by_id.get(&user)
    }

    /// The members of `group`, users with an account or not.
    pub(super) fn members(&self, group: GroupIx) -> &[UserId] {
        self.members_of
            .get(&group)
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    pub(super) fn user_count(&self) -> usize {
        self.by_id.values().filter(|p| p.account.is_some()).count()
    }

    pub(super) fn membership_count(&self) -> usize {
        self.by_id.values().map(|p| p.groups.len()).sum()
    }

    pub(super) fn upsert(&mut self, user: &PartnerUser) {
        self.by_id.entry(user.id).or_default().account = Some(Account {
            tenant: user.tenant_id,
            enabled: user.enabled,
        });
    }

    /// Forgets the user and its memberships.
    pub(super) fn remove(&mut self, user: UserId) {
        let Some(person) = self.by_id.remove(&user) else {
            return;
        };
        for group in person.groups {
            self.drop_member(group, user);
        }
    }

    pub(super) fn add_member(&mut self, group: GroupIx, user: UserId) {
        let person = self.by_id.entry(user).or_default();
        if person.groups.contains(&group) {
            return;
        }
        person.groups.push(group);
        self.members_of.entry(group).or_default().push(user);
    }

    pub(super) fn remove_member(&mut self, group: GroupIx, user: UserId) {
        self.drop_member(group, user);
        self.leave(user, group);
    }

    /// Forgets the group's memberships.
    pub(super) fn remove_group(&mut self, group: GroupIx) {
        for user in self.members_of.remove(&group).unwrap_or_default() {
            self.leave(user, group);
        }
    }

    /// Takes `user` out of the group's members.
    fn drop_member(&mut self, group: GroupIx, user: UserId) {
        if let Some(members) = self.members_of.get_mut(&group) {
            members.retain(|m| *m != user);
            if members.is_empty() {
                self.members_of.remove(&group);
            }
        }
    }

    /// Takes `group` out of the user's groups, and forgets a user id left
    /// with neither account nor groups.
    fn leave(&mut self, user: UserId, group: GroupIx) {
        let Some(person) = self.by_id.get_mut(&user) else {
            return;
        };
        person.groups.retain(|g| *g != group);
        if person.account.is_none() && person.groups.is_empty() {
            self.by_id.remove(&user);
        }
    }
}
