//! Benign behaviour that resembles attacks. The whole population behaves
//! this way (night shifts, administrators, patch days, new ISPs: see
//! `population` and `ordinary`); here a few users are given the rarer
//! behaviours (travel between offices, holidays, a partner moving office),
//! and instances of every kind are labelled as [`LookAlike`]s, so that a
//! finding on one counts as a benign look-alike alerted.

use crate::ordinary::PATCH_DAYS;
use crate::population::{DAY, HOMES, HOUR, MIN, Role, START, User, World, pick};
use crate::{LookAlike, LookAlikeKind};
use portcullis_detection::Event;

/// Labelled instances per kind (fewer when the population has fewer).
const PER_KIND: usize = 5;

impl World {
    /// Gives users the rarer benign behaviours; returns their extra events
    /// and the labelled look-alikes.
    pub(crate) fn look_alikes(&mut self, rng: &mut fastrand::Rng) -> (Vec<Event>, Vec<LookAlike>) {
        let mut events = Vec::new();
        let mut labels = Vec::new();
        let mut label = |kind, users: Vec<String>, start: i64, end: i64| {
            labels.push(LookAlike {
                kind,
                users,
                start_ms: start,
                end_ms: end,
            });
        };
        for _ in 0..self.mix.travellers {
            let Some(i) = self.pick_user(rng, |w, u| {
                w.tenants.get(u.tenant).is_some_and(|t| t.homes.len() > 1)
            }) else {
                break;
            };
            if let Some((id, day)) = self.traveller(rng, i, &mut events) {
                label(
                    LookAlikeKind::OfficeTravel,
                    vec![id],
                    day_ms(day),
                    day_ms(day + 5),
                );
            }
        }
        // Partners moving to a new office network together.
        let moves = self.mix.partner_moves.min(self.tenants.len());
        for t in 0..moves {
            let day = 15 + 9 * t as i64 % (self.days - 20).max(1);
            let ids = self.move_partner(t, |u| u.new_office = Some((day, 1900 + t as u32)));
            label(
                LookAlikeKind::PartnerMove,
                ids,
                day_ms(day),
                day_ms(day + 3),
            );
        }
        // Partners moving to a new home ISP together.
        let isp_moves = self.mix.partner_isp_moves.min(self.tenants.len() - moves);
        for t in moves..moves + isp_moves {
            let day = 15 + 7 * t as i64 % (self.days - 20).max(1);
            let ids = self.move_partner(t, |u| u.new_isp = Some((day, 7900 + t as u32)));
            label(
                LookAlikeKind::PartnerMove,
                ids,
                day_ms(day),
                day_ms(day + 3),
            );
        }
        // Holidays: back after two or three weeks.
        for _ in 0..self.mix.holidays {
            let Some(i) = self.pick_user(rng, |_, _| true) else {
                break;
            };
            let from = 5 + rng.i64(0..(self.days - 30).max(1));
            let back = from + 14 + rng.i64(0..8);
            if let Some(user) = self.users.get_mut(i) {
                user.away.extend(from..back);
                label(
                    LookAlikeKind::HolidayReturn,
                    vec![user.id.clone()],
                    day_ms(back),
                    day_ms(back + 2),
                );
            }
        }
        // Retrying a forbidden action a few times.
        for _ in 0..PER_KIND {
            let Some(i) = self.pick_user(rng, |_, _| true) else {
                break;
            };
            let Some(user) = self.users.get(i) else { break };
            let day = 14 + rng.i64(0..(self.days - 16).max(1)) / 7 * 7;
            let t = self.local(user, day, (user.start_hour + 1) * HOUR);
            let customer = pick(rng, &user.customers);
            for r in 0..3 + rng.i64(0..3) {
                let mut e = self.action(
                    user,
                    &customer,
                    "applications.credentials.add",
                    t + r * 30_000,
                );
                e.status = portcullis_detection::Status::Failure;
                events.push(e);
            }
            label(
                LookAlikeKind::ForbiddenRetry,
                vec![user.id.clone()],
                t - MIN,
                t + 5 * MIN,
            );
        }
        self.label_population(rng, &mut label);
        (events, labels)
    }

    /// Labels instances of what the population does anyway (and keeps
    /// their users out of the attacks).
    fn label_population(
        &mut self,
        rng: &mut fastrand::Rng,
        label: &mut impl FnMut(LookAlikeKind, Vec<String>, i64, i64),
    ) {
        let settled = 14;
        let weeks = (settled, self.days);
        let patch = PATCH_DAYS
            .iter()
            .copied()
            .rfind(|d| *d >= settled && *d < self.days);
        let kinds: [(LookAlikeKind, Behaves); 6] = [
            (LookAlikeKind::NightShift, |u| u.start_hour >= 20),
            (LookAlikeKind::FollowTheSun, |u| u.alternate_start.is_some()),
            (LookAlikeKind::Administrator, |u| u.role == Role::Admin),
            (LookAlikeKind::NewHire, |u| u.first_day > 0),
            (LookAlikeKind::NewIsp, |u| u.new_isp.is_some()),
            (LookAlikeKind::PatchSweep, |u| u.patcher && u.first_day == 0),
        ];
        for (kind, ok) in kinds {
            let mut picks: Vec<usize> = (0..self.users.len())
                .filter(|i| {
                    self.users
                        .get(*i)
                        .is_some_and(|u| !u.dormant && !u.taken && ok(u))
                })
                .collect();
            rng.shuffle(&mut picks);
            for i in picks.into_iter().take(PER_KIND) {
                let Some(u) = self.users.get_mut(i) else {
                    continue;
                };
                u.taken = true;
                let (from, to) = match kind {
                    LookAlikeKind::NewHire => (u.first_day, u.first_day + 5),
                    LookAlikeKind::NewIsp => {
                        let d = u.new_isp.map_or(0, |(d, _)| d);
                        (d, d + 5)
                    }
                    LookAlikeKind::PatchSweep => match patch {
                        Some(d) => (d, d + 1),
                        None => continue,
                    },
                    _ => weeks,
                };
                label(kind, vec![u.id.clone()], day_ms(from), day_ms(to));
            }
        }
    }

    /// Moves every user of partner `t` (office or ISP, as `change` says);
    /// returns their ids.
    fn move_partner(&mut self, t: usize, change: impl Fn(&mut User)) -> Vec<String> {
        self.users
            .iter_mut()
            .filter(|u| u.tenant == t)
            .map(|u| {
                change(u);
                u.id.clone()
            })
            .collect()
    }

    /// Flies to another office of its partner and works there three days.
    fn traveller(
        &mut self,
        rng: &mut fastrand::Rng,
        i: usize,
        events: &mut Vec<Event>,
    ) -> Option<(String, i64)> {
        let day = 14 + rng.i64(0..(self.days - 20).max(1));
        self.users.get_mut(i)?.away.extend(day..day + 5);
        let user = self.users.get(i)?;
        let tenant = self.tenants.get(user.tenant)?;
        let slot = tenant.homes.iter().position(|h| *h != user.home)?;
        let dest = HOMES.get(*tenant.homes.get(slot)?).copied()?;
        let office = *tenant.offices.get(slot)?;
        for d in day + 1..day + 4 {
            for _ in 0..1 + rng.usize(..3) {
                let t = START + d * DAY + (9 - dest.utc_offset) * HOUR + rng.i64(0..6 * HOUR);
                let customer = pick(rng, &user.customers);
                self.session(rng, events, user, &customer, t, dest, office);
            }
        }
        Some((user.id.clone(), day))
    }
}

/// Whether a user behaves like a kind of look-alike.
type Behaves = fn(&User) -> bool;

fn day_ms(day: i64) -> i64 {
    START + day * DAY
}
