//! `PCD-002` new infrastructure: a successful sign-in from a country or ASN
//! never seen for the user and rare for its partner tenant, after learning.

use super::Hit;
use crate::config::NewInfraConfig;
use crate::detection::{RuleId, Severity};
use crate::event::Event;
use crate::state::{TenantState, UserState};

/// Most countries / ASNs remembered per user.
const CAP: usize = 32;

/// What the rule concluded.
pub(crate) enum Outcome {
    Quiet,
    /// A new ASN in a known country: a weak signal for the risk score.
    Signal,
    Hit(Hit),
}

/// A successful sign-in (`user.sign_ins` already counts earlier ones only).
pub(crate) fn check(
    cfg: &NewInfraConfig,
    user: &mut UserState,
    tenant: Option<&TenantState>,
    event: &Event,
) -> Outcome {
    let learned = event.time_ms.saturating_sub(user.first_seen_ms) >= cfg.learning_ms
        && user.sign_ins >= cfg.min_sign_ins;
    let new_country = event.country.filter(|c| !user.countries.contains(c));
    let new_asn = event.asn.filter(|a| !user.asns.contains(a));
    remember(&mut user.countries, event.country);
    remember(&mut user.asns, event.asn);
    if !learned {
        return Outcome::Quiet;
    }
    let rare_country =
        new_country.filter(|c| tenant.is_none_or(|t| t.country_share(*c) < cfg.rare_share));
    let rare_asn = new_asn.filter(|a| tenant.is_none_or(|t| t.asn_share(*a) < cfg.rare_share));
    let asn_text = event.asn.map_or_else(String::new, |a| format!(" (AS{a})"));
    if let Some(country) = rare_country {
        let country = String::from_utf8_lossy(&country).into_owned();
        return Outcome::Hit(Hit::user(
            RuleId::NewInfrastructure,
            Severity::Medium,
            format!("Partner user signed in from new country {country}{asn_text}"),
        ));
    }
    match rare_asn {
        Some(asn) if cfg.asn_only_finding => Outcome::Hit(Hit::user(
            RuleId::NewInfrastructure,
            Severity::Low,
            format!("Partner user signed in from new network AS{asn}"),
        )),
        Some(_) => Outcome::Signal,
        None => Outcome::Quiet,
    }
}

fn remember<T: PartialEq + Copy>(seen: &mut Vec<T>, value: Option<T>) {
    if let Some(v) = value
        && !seen.contains(&v)
    {
        if seen.len() >= CAP {
            seen.remove(0);
        }
        seen.push(v);
    }
}
