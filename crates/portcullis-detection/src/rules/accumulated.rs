//! `PCD-011` accumulated novelty (slow and low): over a sliding week, the
//! customers a user reached for the first time from a network that is new to
//! it and not its partner's. One such customer is a new assignment seen from
//! a new ISP; several across days is an intruder working quietly.

use super::{DAY_MS, Hit};
use crate::baseline::day;
use crate::config::NoveltyConfig;
use crate::detection::{RuleId, Severity};
use crate::novelty::{CustomerNovelty, NetworkNovelty};
use crate::state::UserState;

/// Most novel customers remembered per user.
const CAP: usize = 32;

/// A successful delegated event in `customer` (a hash) from `network`.
pub(crate) fn check(
    cfg: &NoveltyConfig,
    user: &mut UserState,
    customer: u32,
    novelty: CustomerNovelty,
    network: NetworkNovelty,
    now_ms: i64,
) -> Option<Hit> {
    let today = day(now_ms);
    let window_days = u16::try_from((cfg.window_ms / DAY_MS).max(1)).unwrap_or(u16::MAX);
    let oldest = today.saturating_sub(window_days.saturating_sub(1));
    user.novel_week.retain(|(_, d, _)| *d >= oldest);
    let reached = novelty.weight() > 0.0 && network.unfamiliar();
    if !reached || user.novel_week.iter().any(|(c, ..)| *c == customer) {
        return None;
    }
    if user.novel_week.len() >= CAP {
        user.novel_week.remove(0);
    }
    user.novel_week
        .push((customer, today, !novelty.tenant_knows));
    let customers = user.novel_week.len();
    let mut days: Vec<u16> = user.novel_week.iter().map(|(_, d, _)| *d).collect();
    days.sort_unstable();
    days.dedup();
    if customers < cfg.min_customers as usize || days.len() < cfg.min_days as usize {
        return None;
    }
    let unknown = user.novel_week.iter().filter(|(.., u)| *u).count();
    let over = customers.saturating_sub(cfg.min_customers as usize) as f64;
    let mut confidence = 0.6 + 0.1 * over;
    if unknown > 0 {
        confidence += 0.1;
    }
    Some(Hit::user(
        RuleId::AccumulatedNovelty,
        Severity::High,
        confidence.min(0.95),
        format!(
            "Partner user reached {customers} new customers from new networks over {} days",
            days.len()
        ),
        format!(
            "{customers} customers never reached before, over {} of the last {window_days} days, \
             each from a network the user first used this week and its partner does not use \
             (latest AS{}: {} of {} sign-ins); {unknown} unknown to the partner's staff",
            days.len(),
            network.asn,
            network.user_uses,
            network.user_sign_ins
        ),
    ))
}
