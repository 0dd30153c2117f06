//! How new an event is for its user and for the user's partner tenant,
//! judged against the baselines before the event is learned.

use crate::baseline::{TenantBaseline, UserBaseline, day};
use crate::config::LearningConfig;
use crate::rules::DAY_MS;

/// Days a network or customer stays "new this week".
pub(crate) const WEEK_DAYS: u16 = 7;

/// What is new about one event.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Novelty {
    /// The user's baseline is still being learned.
    pub learning: bool,
    /// Whole days since the user was first seen.
    pub history_days: i64,
    /// Time since the user was first seen.
    pub history_ms: i64,
    /// Events the user's baseline learned from.
    pub events: u32,
    /// Days the user was active.
    pub active_days: u16,
    /// Days the user was active before today.
    pub earlier_active_days: u16,
    pub customer: Option<CustomerNovelty>,
    pub network: Option<NetworkNovelty>,
    pub operation: Option<OperationNovelty>,
}

/// The customer of a delegated event.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct CustomerNovelty {
    /// Earlier events of the user in this customer.
    pub user_uses: u16,
    /// The user worked in it on an earlier day.
    pub familiar: bool,
    /// Customers the user has a habit with.
    pub user_customers: usize,
    /// Whether any of the partner's staff reached it before.
    pub tenant_knows: bool,
}

impl CustomerNovelty {
    /// Weight of reaching it: 0 for a usual customer, ½ for one the
    /// partner's staff serve, 1 for one nobody at the partner reached.
    pub(crate) fn weight(&self) -> f64 {
        if self.familiar {
            0.0
        } else if self.tenant_knows {
            0.5
        } else {
            1.0
        }
    }
}

/// The network (ASN) of a sign-in.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct NetworkNovelty {
    pub asn: u32,
    /// Earlier successful sign-ins of the user from it.
    pub user_uses: u16,
    /// Earlier successful sign-ins of the user from anywhere.
    pub user_sign_ins: u32,
    /// First used by the user within the last week (or now).
    pub new_this_week: bool,
    /// The user's baseline is learned (else every network is new).
    pub settled: bool,
    /// Several of the partner's users use it, or it carries a real share of
    /// the partner's sign-ins.
    pub partner_owns: bool,
    /// The user signed in from it to a customer it worked in on an earlier
    /// day: its usual work moved there.
    pub vouched: bool,
}

impl NetworkNovelty {
    /// New for a settled user this week, not the partner's own, and not
    /// carrying the user's usual work.
    pub(crate) fn unfamiliar(&self) -> bool {
        self.settled && self.new_this_week && !self.partner_owns && !self.vouched
    }
}

/// The operation of a successful action.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct OperationNovelty {
    /// Earlier successful uses by the user.
    pub user_uses: u16,
    /// Users of the partner seen performing it (up to a few).
    pub tenant_users: usize,
    /// Earlier uses by the user of any escalation operation: an
    /// administrator's.
    pub admin_uses: u32,
}

/// The inputs of one assessment.
pub(crate) struct Subject<'a> {
    pub first_seen_ms: i64,
    pub sign_ins: u32,
    pub baseline: &'a UserBaseline,
    pub tenant: Option<&'a TenantBaseline>,
    /// Networks vouched for by the user's usual work.
    pub vouched: &'a [u32],
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Keys<'a> {
    pub customer: Option<u32>,
    pub asn: Option<u32>,
    pub operation: Option<u32>,
    /// Hashes of the escalation operations.
    pub escalation: &'a [u32],
}

/// Assesses the event at `now_ms` with `keys` against the baselines.
pub(crate) fn assess(
    cfg: &LearningConfig,
    subject: &Subject<'_>,
    keys: Keys<'_>,
    now_ms: i64,
) -> Novelty {
    let history_ms = now_ms.saturating_sub(subject.first_seen_ms);
    let base = subject.baseline;
    let learning = history_ms < cfg.period_ms || base.events < cfg.min_events;
    let today = day(now_ms);
    let customer = keys.customer.map(|c| CustomerNovelty {
        user_uses: base.customers.count(c),
        familiar: base.customers.get(c).is_some_and(|h| h.first_day < today),
        user_customers: base.customers.len(),
        // A partner still being learned may serve customers not yet seen.
        tenant_knows: subject.tenant.is_some_and(|t| {
            t.customers.count(c) > 0 || now_ms.saturating_sub(t.first_seen_ms) < cfg.period_ms
        }),
    });
    let network = keys.asn.map(|asn| {
        let habit = base.networks.get(asn);
        NetworkNovelty {
            asn,
            user_uses: habit.map_or(0, |h| h.count),
            user_sign_ins: subject.sign_ins,
            new_this_week: habit.is_none_or(|h| h.first_day.saturating_add(WEEK_DAYS) > today),
            settled: !learning,
            partner_owns: subject
                .tenant
                .is_some_and(|t| t.owns_network(asn, cfg.partner_network_share)),
            vouched: subject.vouched.contains(&asn),
        }
    });
    let operation = keys.operation.map(|op| OperationNovelty {
        user_uses: base.operations.count(op),
        tenant_users: subject.tenant.map_or(0, |t| t.operation_users(op)),
        admin_uses: base.uses_of(keys.escalation).0,
    });
    Novelty {
        learning,
        history_days: history_ms / DAY_MS,
        history_ms,
        events: base.events,
        active_days: base.active_days,
        earlier_active_days: base.earlier_active_days(now_ms),
        customer,
        network,
        operation,
    }
}
