//! Seeding the demo: the ecosystem as it was set up some weeks ago, then
//! day by day what happened since (activity ingested and detected, the
//! sweep, relationships terminated and proposed, posture lapsing, partners
//! suspended and revoked), each at its own time on the demo's clock.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use portcullis_domain::{Clock, Timestamp};
use portcullis_service::{MAX_BATCH_EVENTS, Portcullis};

use super::clock::DemoClock;
use super::ecosystem::{Ecosystem, Partner, Seeder};
use super::history::{self, DAY_MS};
use super::progress::Progress;
use super::scale::{Destiny, Scale};

const HOUR_MS: i64 = 3_600_000;
/// Customers of the attacked partner that none of its people works for:
/// the thief reaches them all, which is what gives it away.
const QUIET_CUSTOMERS: usize = 14;
const COMPLIANT: &str = include_str!("posture.json");

/// Where the days of history went: the counts and times so far.
#[derive(Debug, Default)]
struct DayTimes {
    events: usize,
    findings: u64,
    ingest: Duration,
    detect: Duration,
    /// The day's changes (posture, suspensions, terminations) and sweeps.
    other: Duration,
}

/// When things happen, in Unix milliseconds.
struct Calendar {
    /// Midnight UTC of the history's first day.
    first_day: i64,
    days: i64,
}

impl Calendar {
    fn noon(&self, day: i64) -> Timestamp {
        Timestamp::from_unix_millis(self.first_day + day * DAY_MS + 12 * HOUR_MS)
    }

    /// The end of `day`, or a moment ago for today.
    fn end(&self, day: i64) -> Timestamp {
        let end = self.first_day + (day + 1) * DAY_MS - 1;
        Timestamp::from_unix_millis(end.min(DemoClock::real_now().unix_millis() - 1_000))
    }
}

/// A snapshot that fails the baseline: legacy sign-in no longer blocked,
/// a quarter of the users without MFA.
fn failing_snapshot() -> anyhow::Result<String> {
    let mut snapshot: serde_json::Value = serde_json::from_str(COMPLIANT)?;
    if let Some(policy) = snapshot.pointer_mut("/conditional_access_policies/0/State") {
        *policy = serde_json::json!("disabled");
    }
    if let Some(registered) =
        snapshot.pointer_mut("/portcullis_partner_program/mfa_registered_users")
    {
        *registered = serde_json::json!(30);
    }
    Ok(snapshot.to_string())
}

/// Seeds everything through `app` (whose clock is `clock`), printing
/// progress; the clock is back in the present when it returns.
pub(crate) async fn seed(
    app: Portcullis,
    clock: Arc<DemoClock>,
    scale: &Scale,
    progress: &mut Progress,
) -> anyhow::Result<Ecosystem> {
    let now = DemoClock::real_now().unix_millis();
    let calendar = Calendar {
        first_day: (now / DAY_MS - (scale.days - 1)) * DAY_MS,
        days: scale.days,
    };
    clock.travel_to(Timestamp::from_unix_millis(
        calendar.first_day - 2 * DAY_MS + 9 * HOUR_MS,
    ));
    let mut seeder = Seeder::new(app, clock).await?;
    let mut partners = seeder.partners(scale, progress).await?;
    let mut ids = HashMap::new();
    let mut names = HashMap::new();
    let mut worked: usize = 0;
    let mut target = true;
    let working = partners.iter().filter(|p| p.destiny.worked()).count();
    progress.phase("customers, relationships and people");
    for (index, partner) in partners.iter_mut().enumerate() {
        if !partner.destiny.worked() {
            continue;
        }
        set_up(&mut seeder, scale, index, partner).await?;
        if target && partner.destiny == Destiny::Approved {
            target = false;
            for _ in 0..QUIET_CUSTOMERS {
                let (customer, name) = seeder.customer().await?;
                seeder
                    .relationship(partner, (customer, &name), 365, true)
                    .await?;
                partner.quiet_customers.push((customer, name));
            }
        }
        ids.insert(format!("partner-{worked}"), partner.tenant.to_string());
        for (u, person) in partner.users.iter().enumerate() {
            ids.insert(format!("user-{worked}-{u}"), person.id.to_string());
            names.insert(person.id.to_string(), person.name.clone());
        }
        for (k, (customer, _)) in partner.customers.iter().enumerate() {
            ids.insert(format!("cust-{worked}-{k}"), customer.to_string());
        }
        worked += 1;
        if worked.is_multiple_of(4) || worked == working {
            progress.step(&format!(
                "{worked}/{working} partners: {} customers with their relationships approved, {} partner users in groups",
                seeder.customers_made(),
                names.len()
            ));
        }
    }
    progress.phase("generating activity");
    let batches = history::days(scale, &ids, &names, calendar.first_day, now);
    let events: usize = batches.iter().map(Vec::len).sum();
    progress.step(&format!(
        "{events} events of activity for {} days",
        scale.days
    ));
    progress.phase("ingesting and detecting, day by day");
    let mut timed = DayTimes::default();
    for (day, batch) in (0_i64..).zip(&batches) {
        let began = Instant::now();
        seeder.clock.travel_to(calendar.noon(day));
        happenings(&seeder, &partners, &calendar, day).await?;
        seeder.clock.travel_to(calendar.end(day));
        let ingesting = Instant::now();
        timed.other += ingesting - began;
        for chunk in batch.chunks(MAX_BATCH_EVENTS) {
            seeder
                .app
                .ingest_events(&seeder.operator, &chunk.join("\n"))
                .await?;
        }
        let detecting = Instant::now();
        timed.ingest += detecting - ingesting;
        timed.events += batch.len();
        let round = seeder.app.detect_pending().await?;
        timed.findings += round.findings_new;
        let sweeping = Instant::now();
        timed.detect += sweeping - detecting;
        seeder.app.sweep().await?;
        timed.other += sweeping.elapsed();
        if (day + 1) % 7 == 0 || day + 1 == scale.days {
            progress.step(&format!(
                "day {}/{}: {} events ingested in {:.1} s, detected in {:.1} s ({} findings), the day's changes and sweeps {:.1} s",
                day + 1,
                scale.days,
                timed.events,
                timed.ingest.as_secs_f64(),
                timed.detect.as_secs_f64(),
                timed.findings,
                timed.other.as_secs_f64()
            ));
        }
    }
    progress.phase("catching up to now");
    seeder.clock.travel_to(DemoClock::real_now());
    seeder.app.sweep().await?;
    seeder.app.posture_round().await?;
    let round = seeder.app.detect_pending().await?;
    progress.end_phase();
    tracing::debug!(?round, now = %seeder.clock.now(), "seeded");
    Ok(Ecosystem {
        customers: seeder.customers_made(),
        partners,
        user_names: names,
    })
}

/// A partner that works: its people, a compliant posture, its customers
/// (some relationships expiring soon), and the customers whose
/// relationships will expire, be terminated, rejected, or wait.
async fn set_up(
    seeder: &mut Seeder,
    scale: &Scale,
    index: usize,
    partner: &mut Partner,
) -> anyhow::Result<()> {
    seeder
        .people(index, partner, scale.users_per_partner)
        .await?;
    upload(seeder, partner, COMPLIANT).await?;
    // From now, the history's end is `days + 1` days away.
    let to_today = scale.days + 1;
    for k in 0..scale.customers_per_partner {
        let days = match k % 6 {
            1 => to_today + 6,
            4 => to_today + 21,
            0 => 730,
            _ => 365,
        };
        let (customer, name) = seeder.customer().await?;
        seeder
            .relationship(partner, (customer, &name), days, true)
            .await?;
        partner.customers.push((customer, name));
    }
    let (customer, name) = seeder.customer().await?;
    seeder
        .relationship(partner, (customer, &name), (scale.days / 2).max(1), true)
        .await?;
    let (customer, name) = seeder.customer().await?;
    let ending = seeder
        .relationship(partner, (customer, &name), 180, true)
        .await?;
    partner.to_terminate.push((ending, customer));
    if partner.destiny.in_good_standing() {
        for _ in 0..2 {
            let customer = seeder.customer().await?;
            partner.prospects.push(customer);
        }
    }
    Ok(())
}

async fn upload(seeder: &Seeder, partner: &Partner, snapshot: &str) -> anyhow::Result<()> {
    seeder
        .app
        .upload_posture_snapshot(&partner.admin, partner.tenant, snapshot.as_bytes())
        .await?;
    Ok(())
}

/// What happens on `day` besides the activity.
async fn happenings(
    seeder: &Seeder,
    partners: &[Partner],
    calendar: &Calendar,
    day: i64,
) -> anyhow::Result<()> {
    let last = calendar.days - 1;
    for partner in partners {
        match partner.destiny {
            Destiny::PostureSuspended if day == 1 => {
                upload(seeder, partner, &failing_snapshot()?).await?;
            }
            Destiny::PostureGrace if day == last - 2 => {
                upload(seeder, partner, &failing_snapshot()?).await?;
            }
            Destiny::Suspended if day == last - 2 => {
                seeder
                    .app
                    .suspend_partner(
                        &seeder.reviewers[0],
                        partner.case,
                        "a director was named on a sanctions list; suspended pending review",
                    )
                    .await?;
            }
            Destiny::Revoked if day == last - 1 => {
                seeder
                    .app
                    .revoke_partner(
                        &seeder.reviewers[1],
                        partner.case,
                        "the company was dissolved",
                    )
                    .await?;
            }
            Destiny::Approved if day == last - 1 => {
                upload(seeder, partner, COMPLIANT).await?;
            }
            // Before their suspension and revocation, so that their
            // posture stays compliant rather than going stale.
            Destiny::Suspended | Destiny::Revoked if day == last - 3 => {
                upload(seeder, partner, COMPLIANT).await?;
            }
            _ => {}
        }
        if day == last / 2 {
            for (relationship, customer) in &partner.to_terminate {
                seeder
                    .customer_ends(*relationship, *customer, false)
                    .await?;
            }
        }
        prospects(seeder, partner, calendar, day).await?;
    }
    Ok(())
}

/// A customer rejects a proposal a third of the way in; another is still
/// waiting for approval.
async fn prospects(
    seeder: &Seeder,
    partner: &Partner,
    calendar: &Calendar,
    day: i64,
) -> anyhow::Result<()> {
    let [(rejecting, rejecting_name), (waiting, waiting_name)] = partner.prospects.as_slice()
    else {
        return Ok(());
    };
    if day == calendar.days / 3 {
        let id = seeder
            .relationship(partner, (*rejecting, rejecting_name), 365, false)
            .await?;
        seeder.customer_ends(id, *rejecting, true).await?;
    }
    if day == calendar.days - 2 {
        seeder
            .relationship(partner, (*waiting, waiting_name), 365, false)
            .await?;
    }
    Ok(())
}
