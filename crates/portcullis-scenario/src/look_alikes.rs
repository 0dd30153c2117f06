//! Benign behaviour that resembles attacks; never labelled, so any finding
//! on it counts as false.

use crate::population::{DAY, HOMES, HOUR, MIN, START, World, pick};
use portcullis_detection::Event;

impl World {
    /// Marks the look-alike users and returns their extra events.
    pub(crate) fn look_alikes(&mut self, rng: &mut fastrand::Rng) -> Vec<Event> {
        let mut events = Vec::new();
        for _ in 0..5 {
            let Some(i) = self.pick_user(rng, |w, u| {
                w.tenants.get(u.tenant).is_some_and(|t| t.homes.len() > 1)
            }) else {
                break;
            };
            self.traveller(rng, i, &mut events);
        }
        for _ in 0..5 {
            let Some(i) = self.pick_user(rng, |_, _| true) else {
                break;
            };
            self.onboarding(rng, i, &mut events);
        }
        // Two partners move to a new office network on day 18.
        for t in 0..2.min(self.tenants.len()) {
            for user in self.users.iter_mut().filter(|u| u.tenant == t) {
                user.new_office = Some((18, 1900 + t as u32));
            }
        }
        // Holidays: back after three weeks.
        for _ in 0..5 {
            let Some(i) = self.pick_user(rng, |_, _| true) else {
                break;
            };
            if let Some(user) = self.users.get_mut(i) {
                user.away.extend(3..25);
            }
        }
        events
    }

    /// Flies to another office of its partner and works there three days.
    fn traveller(
        &mut self,
        rng: &mut fastrand::Rng,
        i: usize,
        events: &mut Vec<Event>,
    ) -> Option<()> {
        let day = 9 + rng.i64(0..12);
        self.users.get_mut(i)?.away.extend(day..day + 5);
        let user = self.users.get(i)?;
        let tenant = self.tenants.get(user.tenant)?;
        let slot = tenant.homes.iter().position(|h| *h != user.home)?;
        let dest = HOMES.get(*tenant.homes.get(slot)?).copied()?;
        let office = *tenant.offices.get(slot)?;
        for d in day + 1..day + 4 {
            let t = START + d * DAY + (9 - dest.utc_offset) * HOUR + rng.i64(0..6 * HOUR);
            let customer = pick(rng, &user.customers);
            self.session(rng, events, user, &customer, t, dest, office);
        }
        Some(())
    }

    /// Signs in to 20 newly assigned customers over a working day.
    fn onboarding(
        &mut self,
        rng: &mut fastrand::Rng,
        i: usize,
        events: &mut Vec<Event>,
    ) -> Option<()> {
        let day = 10 + rng.i64(0..14);
        let user = self.users.get(i)?;
        let tenant = self.tenants.get(user.tenant)?;
        let new: Vec<String> = tenant
            .customers
            .iter()
            .filter(|c| !user.customers.contains(c))
            .take(20)
            .cloned()
            .collect();
        let home = HOMES.get(user.home).copied()?;
        let asn = *user.asns.first()?;
        for (k, customer) in new.iter().enumerate() {
            let t = self.local(user, day, user.start_hour * HOUR + k as i64 * 22 * MIN);
            self.session(rng, events, user, customer, t, home, asn);
        }
        self.users.get_mut(i)?.customers.extend(new);
        Some(())
    }
}
