//! Administrators in a population of partner users (one partner tenant, or
//! every partner the engine saw): how many of its users perform escalation
//! operations, and on what share of their active days those who do perform
//! them. From these follows the chance that a user who has not performed one
//! in `n` active days is an administrator all the same — one not yet seen at
//! work — which is what a first escalation operation must be weighed against.
//!
//! The model: a user of the partner is an administrator with probability π
//! (the partner's share, a Beta posterior centred on every partner's share);
//! an administrator performs an escalation operation on a share r of its
//! active days (the partner's administrators', centred on everyone's). After
//! `n` active days without one, by Bayes,
//! `odds(administrator) = π / (1 − π) × (1 − r)^n`.

use serde::{Deserialize, Serialize};

/// Counts of one population, learned from the stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub(crate) struct Admins {
    /// Users seen (counted at their first successful event).
    pub users: u32,
    /// Users seen performing an escalation operation.
    pub admins: u32,
    /// Active days of all its users.
    #[serde(default)]
    pub user_days: u32,
    /// Active days of administrators after the day of their first one.
    pub days: u32,
    /// ... of which days with an escalation operation.
    pub op_days: u32,
}

/// What one event changes in the counts (see [`Admins::apply`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct AdminStep {
    /// The user's first successful event.
    pub new_user: bool,
    /// A new active day of the user.
    pub new_day: bool,
    /// A new active day of a user already known as an administrator.
    pub admin_day: bool,
    /// The user's first escalation operation ever.
    pub revealed: bool,
    /// An administrator's first escalation operation of the day.
    pub op_day: bool,
}

/// Prior of a population that has shown nothing yet: one user in ten an
/// administrator, acting on one active day in ten, worth ten users and ten
/// administrator-days (the data outweighs it within days).
const PRIOR: (f64, f64) = (0.1, 0.1);
const PRIOR_WEIGHT: f64 = 10.0;

impl Admins {
    pub(crate) fn apply(&mut self, step: AdminStep) {
        let bump = |n: &mut u32, yes: bool| *n = n.saturating_add(u32::from(yes));
        bump(&mut self.users, step.new_user);
        bump(&mut self.user_days, step.new_day);
        bump(&mut self.admins, step.revealed);
        bump(&mut self.days, step.admin_day);
        bump(&mut self.op_days, step.op_day);
    }

    /// Share of users who are administrators, and share of an
    /// administrator's active days with an escalation operation: this
    /// population's counts weighed against `parent`'s estimates as
    /// `weight.0` users and `weight.1` administrator-days of it.
    ///
    /// Administrators not seen at work yet are counted too: acting on a
    /// share r of their days, after the population's average n active days
    /// a share (1 − r)^n of them has not shown itself.
    fn estimate(&self, parent: (f64, f64), weight: (f64, f64)) -> (f64, f64) {
        let rate = (f64::from(self.op_days.min(self.days)) + weight.1 * parent.1)
            / (f64::from(self.days) + weight.1);
        let users = f64::from(self.users);
        let mean_days = if self.users > 0 {
            f64::from(self.user_days) / users
        } else {
            0.0
        };
        let shown = 1.0 - (1.0 - rate.clamp(0.0, 1.0)).powf(mean_days);
        let admins = if shown > 0.0 {
            (f64::from(self.admins) / shown).min(users)
        } else {
            0.0
        };
        let share = (admins + weight.0 * parent.0) / (users + weight.0);
        (share, rate)
    }
}

/// The estimates for one partner: its own counts pooled with every
/// partner's.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct AdminPrior {
    /// Share of the partner's users who are administrators.
    pub share: f64,
    /// Share of an administrator's active days with an escalation operation.
    pub rate: f64,
    /// The partner's own counts.
    pub partner: Admins,
}

impl AdminPrior {
    /// `partner`'s counts (when known) pooled with `everyone`'s, as if those
    /// were `weight` of its users (and, for how often they act, `weight` of
    /// its administrators).
    pub(crate) fn new(partner: Option<&Admins>, everyone: &Admins, weight: f64) -> Self {
        let (share, rate) = everyone.estimate(PRIOR, (PRIOR_WEIGHT, PRIOR_WEIGHT));
        let partner = partner.copied().unwrap_or_default();
        // Partners differ by their administrators, not by their days: the
        // rate is pooled as `weight` administrators' worth of days.
        let days_per_admin = if everyone.admins > 0 {
            (f64::from(everyone.days) / f64::from(everyone.admins)).max(1.0)
        } else {
            1.0
        };
        let (share, rate) = partner.estimate((share, rate), (weight, weight * days_per_admin));
        Self {
            share,
            rate,
            partner,
        }
    }

    /// The chance that a user with `quiet_days` active days and no
    /// escalation operation is an administrator nonetheless.
    pub(crate) fn chance(&self, quiet_days: u16) -> f64 {
        let share = self.share.clamp(1e-6, 1.0 - 1e-6);
        let rate = self.rate.clamp(0.0, 1.0 - 1e-6);
        let odds = share / (1.0 - share) * (1.0 - rate).powi(i32::from(quiet_days));
        odds / (1.0 + odds)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Users active 20 days each.
    fn counts(users: u32, admins: u32, days: u32, op_days: u32) -> Admins {
        Admins {
            users,
            admins,
            user_days: 20 * users,
            days,
            op_days,
        }
    }

    #[test]
    fn the_chance_falls_with_every_quiet_day_and_faster_for_busy_administrators() {
        let everyone = counts(400, 48, 1000, 250);
        let prior = AdminPrior::new(None, &everyone, 10.0);
        assert!((prior.share - 0.12).abs() < 0.01, "{prior:?}");
        assert!((prior.rate - 0.25).abs() < 0.01, "{prior:?}");
        let mut last = prior.chance(0);
        assert!((last - prior.share).abs() < 1e-9);
        for n in 1..30 {
            let p = prior.chance(n);
            assert!(p < last);
            last = p;
        }
        let busy = AdminPrior::new(None, &counts(400, 48, 1000, 800), 10.0);
        assert!(busy.chance(5) < prior.chance(5) / 10.0);
    }

    #[test]
    fn administrators_not_yet_seen_at_work_count_towards_the_share() {
        let early = Admins {
            user_days: 3 * 400,
            ..counts(400, 40, 1000, 250)
        };
        let late = counts(400, 40, 1000, 250);
        let early = AdminPrior::new(None, &early, 10.0);
        let late = AdminPrior::new(None, &late, 10.0);
        assert!((late.share - 0.1).abs() < 0.01, "{late:?}");
        assert!(early.share > 1.5 * late.share, "{early:?}");
    }

    #[test]
    fn a_partner_with_many_administrators_makes_a_quiet_user_more_likely_one() {
        let everyone = counts(400, 48, 1000, 250);
        let many = AdminPrior::new(Some(&counts(10, 6, 100, 25)), &everyone, 10.0);
        let none = AdminPrior::new(Some(&counts(10, 0, 0, 0)), &everyone, 10.0);
        let unknown = AdminPrior::new(None, &everyone, 10.0);
        assert!(many.chance(8) > 3.0 * unknown.chance(8));
        assert!(none.chance(8) < unknown.chance(8));
    }

    #[test]
    fn steps_count_users_administrators_and_their_days() {
        let mut a = Admins::default();
        a.apply(AdminStep {
            new_user: true,
            new_day: true,
            ..AdminStep::default()
        });
        a.apply(AdminStep {
            revealed: true,
            ..AdminStep::default()
        });
        a.apply(AdminStep {
            admin_day: true,
            op_day: true,
            ..AdminStep::default()
        });
        assert_eq!(
            a,
            Admins {
                user_days: 1,
                ..counts(1, 1, 1, 1)
            }
        );
    }
}
