//! Role usage counted as decisions happen: [`UsageTracker::record`] adds an
//! allowed decision to the counter of its key (assignment, role, user,
//! action, UTC day) and [`UsageTracker::drain`] hands the counters over to
//! be stored.
//!
//! The counters are sharded by user: each shard is a small hash map behind
//! its own mutex, so concurrent decisions about different users rarely meet,
//! and a decision about a key already counted neither allocates nor copies
//! the action (the map is probed with a borrowed key). A deny costs one
//! branch.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use hashbrown::{Equivalent, HashMap};
use portcullis_domain::{
    Action, AssignmentId, RelationshipId, RoleId, TenantId, Timestamp, UsageCount, UserId, day_of,
};

use crate::{Decision, DecisionRequest};

/// Counter shards: a power of two, a few per core.
const SHARDS: u64 = 64;
/// The most keys one shard holds between two drains; keys beyond it are
/// not counted (and counted as dropped), so memory stays bounded.
pub const MAX_KEYS_PER_SHARD: usize = 1 << 16;

type Map = HashMap<Key, Count, foldhash::fast::RandomState>;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    assignment: AssignmentId,
    role: RoleId,
    user: UserId,
    day: i64,
    action: Action,
}

/// The key of a decision, borrowing its action; hashes as [`Key`] does
/// (same fields, same order).
#[derive(Hash)]
struct KeyRef<'a> {
    assignment: AssignmentId,
    role: RoleId,
    user: UserId,
    day: i64,
    action: &'a Action,
}

impl Equivalent<Key> for KeyRef<'_> {
    fn equivalent(&self, key: &Key) -> bool {
        self.assignment == key.assignment
            && self.role == key.role
            && self.user == key.user
            && self.day == key.day
            && *self.action == key.action
    }
}

#[derive(Debug, Clone, Copy)]
struct Count {
    relationship: RelationshipId,
    partner: TenantId,
    customer: TenantId,
    allowed: u64,
    last_used: Timestamp,
}

/// Allowed decisions per key and day, kept in memory until drained.
#[derive(Debug)]
pub struct UsageTracker {
    shards: Vec<Mutex<Map>>,
    dropped: AtomicU64,
}

impl Default for UsageTracker {
    fn default() -> Self {
        Self {
            shards: (0..SHARDS).map(|_| Mutex::new(Map::default())).collect(),
            dropped: AtomicU64::new(0),
        }
    }
}

impl UsageTracker {
    /// The shard of a user's counters.
    fn shard(&self, user: UserId) -> Option<&Mutex<Map>> {
        let (_, low) = user.as_uuid().as_u64_pair();
        self.shards.get(usize::try_from(low % SHARDS).ok()?)
    }

    /// Counts `decision` about `request` at `now` when it allowed; a deny
    /// counts nothing.
    pub fn record(&self, request: &DecisionRequest, decision: &Decision, now: Timestamp) {
        let Some(grant) = decision.grant.as_ref().filter(|_| decision.is_allowed()) else {
            return;
        };
        let key = KeyRef {
            assignment: grant.assignment_id,
            role: grant.role_id,
            user: request.user_id,
            day: day_of(now),
            action: &request.action,
        };
        // A poisoned shard counts nothing: usage is advice, never a reason
        // to fail a decision.
        let Some(Ok(mut map)) = self.shard(request.user_id).map(Mutex::lock) else {
            return;
        };
        if let Some(count) = map.get_mut(&key) {
            count.allowed += 1;
            count.last_used = count.last_used.max(now);
            return;
        }
        if map.len() >= MAX_KEYS_PER_SHARD {
            self.dropped.fetch_add(1, Ordering::Relaxed);
            return;
        }
        map.insert(
            Key {
                assignment: key.assignment,
                role: key.role,
                user: key.user,
                day: key.day,
                action: request.action.clone(),
            },
            Count {
                relationship: grant.relationship_id,
                partner: request.partner_tenant_id,
                customer: request.customer_tenant_id,
                allowed: 1,
                last_used: now,
            },
        );
    }

    /// Takes every counter, leaving the tracker empty.
    pub fn drain(&self) -> Vec<UsageCount> {
        let mut out = Vec::new();
        for shard in &self.shards {
            let taken = match shard.lock() {
                Ok(mut map) => std::mem::take(&mut *map),
                Err(_) => continue,
            };
            out.extend(taken.into_iter().map(|(key, count)| UsageCount {
                day: key.day,
                partner_tenant_id: count.partner,
                customer_tenant_id: count.customer,
                relationship_id: count.relationship,
                assignment_id: key.assignment,
                role_id: key.role,
                user_id: key.user,
                action: key.action,
                allowed: count.allowed,
                last_used: count.last_used,
            }));
        }
        out
    }

    /// Puts counters back (a store write that failed), adding them to any
    /// counted meanwhile.
    pub fn restore(&self, counts: Vec<UsageCount>) {
        for c in counts {
            let Some(Ok(mut map)) = self.shard(c.user_id).map(Mutex::lock) else {
                continue;
            };
            let key = Key {
                assignment: c.assignment_id,
                role: c.role_id,
                user: c.user_id,
                day: c.day,
                action: c.action,
            };
            let entry = map.entry(key).or_insert(Count {
                relationship: c.relationship_id,
                partner: c.partner_tenant_id,
                customer: c.customer_tenant_id,
                allowed: 0,
                last_used: c.last_used,
            });
            entry.allowed += c.allowed;
            entry.last_used = entry.last_used.max(c.last_used);
        }
    }

    /// Keys not counted because a shard was full, since this process started.
    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }
}
