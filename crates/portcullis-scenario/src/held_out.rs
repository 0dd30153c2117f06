//! The population mixes of the held-out months (`examples/held_out.rs`):
//! more night shifts, more administrators, more travel and holidays, more
//! new ISPs and partners moving ISP together, and all of these at once,
//! with and without attacks.

use crate::{Mix, ScenarioConfig};

/// The six held-out months, with seeds `first_seed` to `first_seed + 5`,
/// each with its name.
pub fn held_out_months(first_seed: u64) -> Vec<(String, ScenarioConfig)> {
    let base = Mix::default();
    let night = Mix {
        night_shift: 0.25,
        follow_the_sun: 0.15,
        ..base.clone()
    };
    let admins = Mix {
        admins: 0.35,
        ..base.clone()
    };
    let travel = Mix {
        travellers: 15,
        holidays: 15,
        partner_moves: 4,
        ..base.clone()
    };
    let isp = Mix {
        new_isp: 0.3,
        partner_isp_moves: 4,
        ..base.clone()
    };
    let all = Mix {
        night_shift: 0.2,
        follow_the_sun: 0.1,
        admins: 0.3,
        patchers: 0.5,
        new_hires: 0.08,
        new_isp: 0.25,
        travellers: 12,
        holidays: 12,
        partner_moves: 3,
        partner_isp_moves: 3,
    };
    let month = |seed: u64, mix: &Mix| ScenarioConfig {
        mix: mix.clone(),
        ..ScenarioConfig::full_month(seed)
    };
    let s = first_seed;
    vec![
        ("night shifts ×3", month(s, &night)),
        ("administrators ×3", month(s + 1, &admins)),
        (
            "travel and holidays ×3, 4 office moves",
            month(s + 2, &travel),
        ),
        ("new ISPs ×3, 4 partners move ISP", month(s + 3, &isp)),
        ("all of it", month(s + 4, &all)),
        ("all of it, no attack", month(s + 5, &all).quiet()),
    ]
    .into_iter()
    .map(|(name, config)| (format!("{name} (seed {})", config.seed), config))
    .collect()
}
