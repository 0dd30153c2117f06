//! A month of ordinary partner work, from the scenario generator
//! (`portcullis-scenario`, the month the detection rules are measured on,
//! without its attacks), moved to the last weeks and onto the seeded
//! tenants and users, as OCSF lines grouped by day.

use std::collections::HashMap;

use portcullis_detection::Event;
use portcullis_scenario::{MONTH_START_MS, ScenarioConfig};

use super::ocsf;
use super::scale::Scale;

pub(crate) const DAY_MS: i64 = 86_400_000;

/// The generator's month for `scale`, its ids those of the seeded world
/// (`partner-3`, `user-3-4`, `cust-3-5` in `ids`).
pub(crate) fn scenario_config(scale: &Scale) -> ScenarioConfig {
    ScenarioConfig {
        seed: 2026,
        tenants: scale.working_partners(),
        users_per_tenant: scale.users_per_partner,
        customers_per_tenant: scale.customers_per_partner,
        days: scale.days,
        attacks_per_kind: 0,
        benign_escalation_rate: 0.0,
        mix: portcullis_scenario::Mix::default(),
    }
}

/// The activity from `first_day_ms` (a midnight UTC) up to `until_ms`,
/// one batch of OCSF lines per day; events naming an unknown id are left
/// out.
pub(crate) fn days(
    scale: &Scale,
    ids: &HashMap<String, String>,
    names: &HashMap<String, String>,
    first_day_ms: i64,
    until_ms: i64,
) -> Vec<Vec<String>> {
    let scenario = portcullis_scenario::generate(&scenario_config(scale));
    let shift = first_day_ms - MONTH_START_MS;
    let mut days = vec![Vec::new(); usize::try_from(scale.days).unwrap_or(0)];
    for event in scenario.events {
        let Some(moved) = moved(event, shift, ids, names) else {
            continue;
        };
        if moved.time_ms > until_ms {
            continue;
        }
        let day = ((moved.time_ms - first_day_ms) / DAY_MS).clamp(0, scale.days - 1);
        if let Some(batch) = usize::try_from(day).ok().and_then(|d| days.get_mut(d)) {
            batch.push(ocsf::line(&moved));
        }
    }
    days
}

fn moved(
    mut event: Event,
    shift: i64,
    ids: &HashMap<String, String>,
    names: &HashMap<String, String>,
) -> Option<Event> {
    let real = |id: &Option<String>| id.as_ref().and_then(|id| ids.get(id)).cloned();
    event.partner_tenant = Some(real(&event.partner_tenant)?);
    event.customer_tenant = Some(real(&event.customer_tenant)?);
    event.user = ids.get(&event.user)?.clone();
    event.user_name = names.get(&event.user).cloned();
    event.time_ms += shift;
    event.uid = event.uid.map(|uid| format!("demo-history-{uid}"));
    Some(event)
}
