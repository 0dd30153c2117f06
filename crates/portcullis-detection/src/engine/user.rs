//! The rules about one partner user's event, judged against its baseline and
//! its partner's before either learns from the event.

use std::hash::BuildHasher;

use super::Engine;
use crate::baseline::{
    AdminPrior, AdminStep, TenantBaseline, UserBaseline, day, user::method, user::place,
};
use crate::detection::RuleId;
use crate::event::{Event, EventClass, Status};
use crate::novelty::{self, Keys, Novelty, Subject};
use crate::rules::{self, HOUR_MS, Hit, new_infra};
use crate::state::{GeoFix, Session, UserState};

/// What the user rules concluded besides their hits.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct UserOutcome {
    /// A weak signal (a new network in a known country) was seen.
    pub weak: bool,
    /// The user's baseline is still being learned.
    pub learning: bool,
}

/// Actions up to this long after a sign-in are taken to come from its network.
const SESSION_MS: i64 = HOUR_MS;

impl Engine {
    /// Rules keyed by the user; then the user's and its partner's baselines
    /// learn from the event.
    pub(super) fn user_hits(&mut self, event: &Event, hits: &mut Vec<Hit>) -> UserOutcome {
        let now = event.time_ms;
        let success = event.status == Status::Success;
        let operation = event
            .operation
            .as_deref()
            .filter(|_| event.class == EventClass::ApiActivity);
        let privileged = success && operation.is_some_and(|op| self.privileged.contains(op));
        let escalation = success && operation.is_some_and(|op| self.escalation.contains(op));
        let customer = event
            .customer_tenant
            .as_deref()
            .filter(|_| event.is_delegated())
            .map(|c| self.hasher.hash_one(c));
        let op_key = operation
            .filter(|_| success)
            .map(|op| self.hasher.hash_one(op) as u32);
        let user_key = self.hasher.hash_one(event.user.as_str()) as u32;
        // A user whose state was evicted returns with its last-seen time.
        let returning = if self.departed.is_empty() || self.users.get(event.user.as_str()).is_some()
        {
            None
        } else {
            self.departed
                .take(self.hasher.hash_one(event.user.as_str()))
        };
        let cfg = &self.config;
        let tenant = event
            .partner_tenant
            .as_deref()
            .and_then(|t| self.tenants.get(t));
        let Some(user) = self.users.get_or_insert(
            event.user.as_str(),
            now,
            |k: &str| Box::from(k),
            || UserState::new(now),
        ) else {
            return UserOutcome::default();
        };
        let session_asn = user
            .session
            .filter(|s| now.saturating_sub(s.time_ms) <= SESSION_MS)
            .map(|s| s.asn);
        let novelty = novelty::assess(
            &cfg.learning,
            &Subject {
                first_seen_ms: user.first_seen_ms,
                sign_ins: user.sign_ins,
                baseline: &user.baseline,
                tenant,
                vouched: &user.vouched,
            },
            Keys {
                customer: customer.map(|c| c as u32),
                asn: event.asn.or(session_asn),
                operation: op_key,
                escalation: &self.escalation_keys,
            },
            now,
        );
        if let (EventClass::Authentication, Status::Success, Some(asn), Some(c)) =
            (event.class, event.status, event.asn, novelty.customer)
            && c.familiar
            && event
                .country
                .is_none_or(|k| user.baseline.countries.count(k) > 0)
        {
            // Usual work, from a country the user works from.
            user.vouch(asn);
        }
        let first = hits.len();
        let previous = returning.unwrap_or(user.last_seen_ms);
        hits.extend(rules::dormant::check(
            &cfg.dormant,
            user,
            previous,
            now,
            privileged,
        ));
        user.last_seen_ms = previous.max(now);
        let mut weak = false;
        match (event.class, event.status) {
            (EventClass::Authentication, Status::Success) => {
                let own = novelty.network.filter(|_| event.asn.is_some());
                match new_infra::check(
                    &cfg.new_infra,
                    &user.baseline,
                    user.sign_ins,
                    tenant,
                    own,
                    event,
                ) {
                    new_infra::Outcome::Quiet => {}
                    new_infra::Outcome::Signal => weak = true,
                    new_infra::Outcome::Hit(hit) => hits.push(hit),
                }
                if let Some((lat, long)) = event.lat_long {
                    let fix = GeoFix {
                        time_ms: now,
                        lat,
                        long,
                        asn: event.asn,
                    };
                    hits.extend(rules::travel::check(&cfg.travel, user, fix, own));
                }
                if let Some(c) = customer {
                    rules::escalation::sign_in(&cfg.escalation, user, c, now);
                }
            }
            (EventClass::ApiActivity, Status::Success) => {
                if let (Some(op), Some(c), true) = (operation, customer, escalation) {
                    let prior = AdminPrior::new(
                        tenant.map(|t| &t.admins),
                        &self.admins,
                        cfg.escalation.partner_weight,
                    );
                    hits.extend(rules::escalation::action(
                        &cfg.escalation,
                        user,
                        c,
                        op,
                        &novelty,
                        &prior,
                        now,
                    ));
                }
                if let (Some(op), true) = (operation, privileged) {
                    hits.extend(rules::off_hours::check(
                        &cfg.off_hours,
                        &user.baseline,
                        op,
                        &novelty,
                        now,
                    ));
                }
            }
            (EventClass::ApiActivity, Status::Failure) => {
                hits.extend(rules::denied::check(&cfg.denied_burst, user, now));
            }
            _ => {}
        }
        if success && let Some(c) = customer {
            hits.extend(rules::fan_out::check(
                &cfg.fan_out,
                user,
                c,
                novelty.customer,
                now,
            ));
            if let (Some(cn), Some(net)) = (novelty.customer, novelty.network) {
                hits.extend(rules::accumulated::check(
                    &cfg.novelty,
                    user,
                    c as u32,
                    cn,
                    net,
                    now,
                ));
            }
        }
        for hit in hits.get_mut(first..).unwrap_or_default() {
            weigh_network(hit, &novelty);
        }
        let step = if success {
            let step = admin_step(&user.baseline, &self.escalation_keys, escalation, now);
            learn_user(user, event, customer, op_key, now);
            step
        } else {
            AdminStep::default()
        };
        self.admins.apply(step);
        let outcome = UserOutcome {
            weak,
            learning: novelty.learning,
        };
        if success && let Some(t) = event.partner_tenant.as_deref() {
            let tenant = self.tenants.get_or_insert(
                t,
                now,
                |k: &str| Box::from(k),
                || TenantBaseline::new(now),
            );
            if let Some(tenant) = tenant {
                if event.class == EventClass::Authentication {
                    tenant.record_sign_in(now, user_key, event.country, event.asn);
                }
                if let Some(c) = customer {
                    tenant.record_customer(now, c as u32);
                }
                if let Some(op) = op_key {
                    tenant.record_operation(now, user_key, op);
                }
                tenant.admins.apply(step);
            }
        }
        outcome
    }
}

/// An action-based hit is surer when the session comes from a network new
/// to the user this week and not its partner's.
fn weigh_network(hit: &mut Hit, novelty: &Novelty) {
    if novelty.learning {
        return;
    }
    let Some(net) = novelty.network.filter(|n| n.unfamiliar()) else {
        return;
    };
    if matches!(
        hit.rule,
        RuleId::FanOut | RuleId::EscalationSequence | RuleId::OffHours | RuleId::DormantAccount
    ) {
        hit.adjust(
            0.1,
            &format!(
                "from AS{}, first used by the user this week ({} of {} sign-ins) and not the partner's",
                net.asn, net.user_uses, net.user_sign_ins
            ),
        );
    }
}

/// What a successful event (an `escalation` operation or not) of a user
/// with `base` tells about its partner's administrators, before the user
/// learns it.
fn admin_step(base: &UserBaseline, keys: &[u32], escalation: bool, now: i64) -> AdminStep {
    let today = day(now);
    let new_day = base.active_days == 0 || today > base.last_active_day;
    if !new_day && !escalation {
        return AdminStep {
            new_user: base.events == 0,
            ..AdminStep::default()
        };
    }
    let (uses, last) = base.uses_of(keys);
    AdminStep {
        new_user: base.events == 0,
        new_day,
        admin_day: new_day && uses > 0,
        revealed: escalation && uses == 0,
        op_day: escalation && uses > 0 && last.is_some_and(|l| l < today),
    }
}

/// The user's baseline learns a successful event.
fn learn_user(
    user: &mut UserState,
    event: &Event,
    customer: Option<u64>,
    op: Option<u32>,
    now: i64,
) {
    let base = &mut user.baseline;
    base.record_time(now);
    if let Some(c) = customer {
        base.record_customer(c as u32, now);
    }
    if let Some(op) = op {
        base.record_operation(op, now);
    }
    if event.class == EventClass::Authentication {
        let cell = event.lat_long.map(|(lat, long)| place(lat, long));
        let m = method(event.is_mfa, event.auth_protocol.as_deref());
        base.record_sign_in(now, event.asn, event.country, cell, m);
        user.sign_ins = user.sign_ins.saturating_add(1);
        if let Some(asn) = event.asn {
            user.session = Some(Session { time_ms: now, asn });
        }
    }
}
