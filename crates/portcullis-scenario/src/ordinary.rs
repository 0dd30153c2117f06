//! The ordinary month of the whole population: sessions within each user's
//! own hours, administrators' routine privileged work, patch-day sweeps,
//! retried forbidden actions.

use crate::population::{
    ADMIN_OPS, HOMES, HOUR, MIN, ORDINARY_OPS, Place, Role, User, World, pick, pick_str,
};
use portcullis_detection::{Event, Status};

/// Days on which patchers sweep their usual customers (second Tuesdays).
pub(crate) const PATCH_DAYS: [i64; 2] = [8, 36];

impl World {
    /// Every user's ordinary work over the month.
    pub(crate) fn ordinary_month(&self, rng: &mut fastrand::Rng) -> Vec<Event> {
        let mut events = Vec::new();
        for user in &self.users {
            if user.dormant {
                continue;
            }
            for day in user.first_day..self.days {
                if day % 7 >= 5 || user.away.contains(&day) || rng.f64() < 0.08 {
                    continue;
                }
                let home = HOMES.get(user.home).copied().unwrap_or(HOMES[0]);
                let start = self.start_hour(user, day);
                let admin_session =
                    (user.role == Role::Admin && rng.f64() < 0.35).then(|| rng.usize(..3));
                for k in 0..1 + rng.usize(..4) {
                    let customer = pick(rng, &user.customers);
                    let t = self.local(user, day, start * HOUR + rng.i64(0..7 * HOUR));
                    let asn = self.network(rng, user, day);
                    let admin = (admin_session == Some(k)).then(|| admin_op(rng, user));
                    self.session_with(rng, &mut events, user, &customer, t, home, asn, admin);
                }
                if user.patcher && PATCH_DAYS.contains(&day) {
                    let t = self.local(user, day, (start + 1) * HOUR + rng.i64(0..HOUR));
                    let asn = self.network(rng, user, day);
                    self.patch_sweep(rng, &mut events, user, t, home, asn);
                }
            }
        }
        events
    }

    /// A sign-in to `customer` at `t` followed by a few actions.
    #[expect(clippy::too_many_arguments, reason = "a session is all of these")]
    pub(crate) fn session(
        &self,
        rng: &mut fastrand::Rng,
        events: &mut Vec<Event>,
        user: &User,
        customer: &str,
        t: i64,
        at: Place,
        asn: u32,
    ) {
        self.session_with(rng, events, user, customer, t, at, asn, None);
    }

    /// A session, with `admin` one of the actions when given.
    #[expect(clippy::too_many_arguments, reason = "a session is all of these")]
    fn session_with(
        &self,
        rng: &mut fastrand::Rng,
        events: &mut Vec<Event>,
        user: &User,
        customer: &str,
        t: i64,
        at: Place,
        asn: u32,
        admin: Option<&'static str>,
    ) {
        if rng.f64() < 0.03 {
            let mut failed = self.sign_in(user, customer, t - MIN, at, asn);
            failed.status = Status::Failure;
            events.push(failed);
        }
        events.push(self.sign_in(user, customer, t, at, asn));
        let actions = 2 + rng.i64(0..6);
        for k in 0..actions {
            let op = if rng.f64() < self.benign_escalation_rate {
                "roles.assignments.create"
            } else if k == 1
                && let Some(op) = admin
            {
                op
            } else {
                pick_str(rng, &ORDINARY_OPS)
            };
            let mut e = self.action(user, customer, op, t + (k + 1) * 3 * MIN);
            if rng.f64() < 0.02 {
                e.status = Status::Failure;
            }
            events.push(e);
        }
        if rng.f64() < 0.01 {
            // A forbidden action, retried a few times.
            let at = t + (actions + 1) * 3 * MIN;
            for r in 0..2 + rng.i64(0..4) {
                let mut e =
                    self.action(user, customer, "roles.assignments.create", at + r * 20_000);
                e.status = Status::Failure;
                events.push(e);
            }
        }
    }

    /// Patch day: 8–15 of the user's usual customers within an hour.
    pub(crate) fn patch_sweep(
        &self,
        rng: &mut fastrand::Rng,
        events: &mut Vec<Event>,
        user: &User,
        t: i64,
        at: Place,
        asn: u32,
    ) {
        let mut customers = user.customers.clone();
        rng.shuffle(&mut customers);
        customers.truncate(8 + rng.usize(..8));
        for (k, customer) in customers.iter().enumerate() {
            let at_t = t + k as i64 * (3 * MIN + rng.i64(0..MIN));
            events.push(self.sign_in(user, customer, at_t, at, asn));
            events.push(self.action(user, customer, "policies.update", at_t + MIN));
        }
    }
}

/// The admin operation this administrator uses on a given session.
pub(crate) fn admin_op(rng: &mut fastrand::Rng, user: &User) -> &'static str {
    let k = (user.ip_base / 16) as usize + rng.usize(..2);
    ADMIN_OPS
        .get(k % ADMIN_OPS.len())
        .copied()
        .unwrap_or("roles.assignments.create")
}
