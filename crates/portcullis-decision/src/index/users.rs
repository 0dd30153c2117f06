//! Partner users with their group memberships inline: one lookup by user id
//! reads one cache line, which gives the user's tenant, state and groups.

use portcullis_domain::{PartnerUser, TenantId, UserId};

use super::slots::{Slot, Slots};
use super::{HashMap, HashSet};

/// A group, by the number [`super::DecisionIndex`] gave its id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub(super) struct GroupIx(pub(super) u32);

/// A user as the decision reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Account {
    pub(super) tenant: TenantId,
    pub(super) enabled: bool,
}

/// What the index knows of a user id: the account, once upserted, and the
/// groups it was added to (memberships may arrive before the account).
#[derive(Debug, Clone, Copy)]
pub(super) struct Person<'a> {
    pub(super) account: Option<Account>,
    /// Suspended by containment.
    pub(super) contained: bool,
    pub(super) groups: &'a [GroupIx],
}

/// Groups kept in the user's own slot; a user in more has them all in
/// [`People::spilled`] instead.
const INLINE_GROUPS: usize = 6;
/// `count` of a user whose groups are spilled.
const SPILLED: u8 = u8::MAX;

/// One user in one cache line: 17 + 17 + 24 + 3 bytes (and padding).
#[derive(Debug, Clone, Default)]
#[repr(C, align(64))]
pub(super) struct UserSlot {
    id: Option<UserId>,
    /// The account's tenant; `None` until the account is upserted.
    tenant: Option<TenantId>,
    groups: [GroupIx; INLINE_GROUPS],
    count: u8,
    enabled: bool,
    /// A copy of [`People::contained`], so that a decision reads it here.
    contained: bool,
}

impl Slot for UserSlot {
    type Key = UserId;

    fn key(&self) -> Option<UserId> {
        self.id
    }

    fn open(id: UserId) -> Self {
        Self {
            id: Some(id),
            ..Self::default()
        }
    }
}

impl UserSlot {
    fn account(&self) -> Option<Account> {
        self.tenant.map(|tenant| Account {
            tenant,
            enabled: self.enabled,
        })
    }

    /// The inline groups; empty when spilled.
    fn inline_groups(&self) -> &[GroupIx] {
        self.groups
            .get(..usize::from(self.count))
            .unwrap_or_default()
    }
}

#[derive(Debug, Clone, Default)]
pub(super) struct People {
    by_id: Slots<UserSlot>,
    /// The groups of users in more than [`INLINE_GROUPS`].
    spilled: HashMap<UserId, Vec<GroupIx>>,
    /// Users suspended by containment, known to the index or not.
    contained: HashSet<UserId>,
    members_of: HashMap<GroupIx, Vec<UserId>>,
}

impl People {
    pub(super) fn get(&self, user: UserId) -> Option<Person<'_>> {
        let slot = self.by_id.get(&user)?;
        let groups = if slot.count == SPILLED {
            self.spilled
                .get(&user)
                .map(Vec::as_slice)
                .unwrap_or_default()
        } else {
            slot.inline_groups()
        };
        Some(Person {
            account: slot.account(),
            contained: slot.contained,
            groups,
        })
    }

    /// The members of `group`, users with an account or not.
    pub(super) fn members(&self, group: GroupIx) -> &[UserId] {
        self.members_of
            .get(&group)
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    pub(super) fn user_count(&self) -> usize {
        self.by_id.iter().filter(|s| s.tenant.is_some()).count()
    }

    pub(super) fn membership_count(&self) -> usize {
        self.members_of.values().map(Vec::len).sum()
    }

    pub(super) fn upsert(&mut self, user: &PartnerUser) {
        if let Some(slot) = self.by_id.entry(user.id) {
            slot.tenant = Some(user.tenant_id);
            slot.enabled = user.enabled;
            slot.contained = self.contained.contains(&user.id);
        }
    }

    pub(super) fn set_contained(&mut self, user: UserId, contained: bool) {
        if contained {
            self.contained.insert(user);
        } else {
            self.contained.remove(&user);
        }
        if let Some(slot) = self.by_id.get_mut(&user) {
            slot.contained = contained;
        }
    }

    /// Forgets the user, its memberships and its containment.
    pub(super) fn remove(&mut self, user: UserId) {
        self.contained.remove(&user);
        let Some(groups) = self.get(user).map(|p| p.groups.to_vec()) else {
            return;
        };
        self.by_id.remove(&user);
        self.spilled.remove(&user);
        for group in groups {
            self.drop_member(group, user);
        }
    }

    pub(super) fn add_member(&mut self, group: GroupIx, user: UserId) {
        let mut groups = self
            .get(user)
            .map(|p| p.groups.to_vec())
            .unwrap_or_default();
        if groups.contains(&group) {
            return;
        }
        groups.push(group);
        self.set_groups(user, groups);
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
        let Some(person) = self.get(user) else {
            return;
        };
        let no_account = person.account.is_none();
        let mut groups = person.groups.to_vec();
        groups.retain(|g| *g != group);
        if no_account && groups.is_empty() {
            self.by_id.remove(&user);
            self.spilled.remove(&user);
        } else {
            self.set_groups(user, groups);
        }
    }

    /// Stores the user's groups, inline when they fit.
    fn set_groups(&mut self, user: UserId, groups: Vec<GroupIx>) {
        let Some(slot) = self.by_id.entry(user) else {
            return;
        };
        slot.contained = self.contained.contains(&user);
        match u8::try_from(groups.len()) {
            Ok(count) if groups.len() <= INLINE_GROUPS => {
                slot.groups = [GroupIx::default(); INLINE_GROUPS];
                for (place, group) in slot.groups.iter_mut().zip(&groups) {
                    *place = *group;
                }
                slot.count = count;
                self.spilled.remove(&user);
            }
            _ => {
                slot.count = SPILLED;
                self.spilled.insert(user, groups);
            }
        }
    }
}
