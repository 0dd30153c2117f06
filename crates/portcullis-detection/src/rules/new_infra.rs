//! `PCD-002` new infrastructure: a successful sign-in from a country the
//! user never signed in from and that is rare for its partner tenant. A new
//! network in a known country is only a weak signal (a new ISP, a hotel), and
//! nothing at all when it is the partner's own (several of its users use it).

use super::Hit;
use crate::baseline::TenantBaseline;
use crate::baseline::UserBaseline;
use crate::config::NewInfraConfig;
use crate::detection::{RuleId, Severity};
use crate::event::Event;
use crate::novelty::NetworkNovelty;

/// What the rule concluded.
pub(crate) enum Outcome {
    Quiet,
    /// A new network in a known country: a weak signal for the risk score.
    Signal,
    Hit(Hit),
}

/// A successful sign-in, judged before it is learned.
pub(crate) fn check(
    cfg: &NewInfraConfig,
    baseline: &UserBaseline,
    sign_ins: u32,
    tenant: Option<&TenantBaseline>,
    network: Option<NetworkNovelty>,
    event: &Event,
) -> Outcome {
    if sign_ins < cfg.min_sign_ins {
        return Outcome::Quiet;
    }
    let new_country = event.country.filter(|c| baseline.countries.count(*c) == 0);
    let tenant_share = |c: [u8; 2]| tenant.map_or(0.0, |t| t.country_share(c));
    let rare_country = new_country.filter(|c| tenant_share(*c) < cfg.rare_share);
    let new_network = network.filter(|n| n.user_uses == 0 && !n.partner_owns);
    if let Some(country) = rare_country {
        let share = tenant_share(country);
        let mut confidence = 0.65;
        if new_network.is_some() {
            confidence += 0.1;
        }
        if share == 0.0 && tenant.is_some_and(|t| t.sign_ins >= 100) {
            confidence += 0.1;
        }
        let name = String::from_utf8_lossy(&country).into_owned();
        let asn_text = event.asn.map_or_else(String::new, |a| format!(" (AS{a})"));
        let usual: Vec<String> = top_countries(baseline);
        return Outcome::Hit(Hit::user(
            RuleId::NewInfrastructure,
            Severity::Medium,
            confidence,
            format!("Partner user signed in from new country {name}{asn_text}"),
            format!(
                "0 of {sign_ins} earlier sign-ins from {name} (usual: {}); {:.1} % of the \
                 partner's {} sign-ins from {name}{}",
                usual.join(", "),
                share * 100.0,
                tenant.map_or(0, |t| t.sign_ins),
                new_network.map_or_else(String::new, |n| format!(
                    "; AS{} new for the user and not the partner's",
                    n.asn
                )),
            ),
        ));
    }
    match new_network {
        Some(n) if cfg.asn_only_finding => Outcome::Hit(Hit::user(
            RuleId::NewInfrastructure,
            Severity::Low,
            0.5,
            format!("Partner user signed in from new network AS{}", n.asn),
            format!(
                "0 of {sign_ins} earlier sign-ins from AS{}; {:.1} % of the partner's sign-ins",
                n.asn,
                tenant.map_or(0.0, |t| t.asn_share(n.asn)) * 100.0
            ),
        )),
        Some(_) => Outcome::Signal,
        None => Outcome::Quiet,
    }
}

/// The user's countries with their sign-in counts, most used first.
fn top_countries(baseline: &UserBaseline) -> Vec<String> {
    let mut countries: Vec<([u8; 2], u16)> = baseline
        .countries
        .keys()
        .map(|c| (c, baseline.countries.count(c)))
        .collect();
    countries.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
    countries
        .into_iter()
        .take(3)
        .map(|(c, n)| format!("{} {n}", String::from_utf8_lossy(&c)))
        .collect()
}
