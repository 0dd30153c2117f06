//! `PCD-006` privilege-escalation sequence: a delegated sign-in to a customer,
//! then within the window a persistence or escalation action in that customer
//! that is not one of the user's habits (an administrator who assigns roles
//! every week is doing their job). A user's first escalation operation is
//! weighed against the chance that the user is one of its partner's
//! administrators not yet seen at work (`baseline::admins`).

use super::{Hit, span, touch_window};
use crate::baseline::{AdminPrior, SHARED_BY};
use crate::config::EscalationConfig;
use crate::detection::{RuleId, Severity};
use crate::novelty::{Novelty, OperationNovelty};
use crate::state::UserState;

/// Most recent delegated sign-ins remembered.
const CAP: usize = 64;

/// A successful delegated sign-in to `customer` (a hash).
pub(crate) fn sign_in(cfg: &EscalationConfig, user: &mut UserState, customer: u64, now_ms: i64) {
    touch_window(
        &mut user.delegated_sign_ins,
        customer,
        now_ms,
        cfg.window_ms,
        CAP,
    );
}

/// Confidence of an escalation operation new to a user who already performs
/// others: an administrator taking on a new task (Low: points towards
/// combined risk, not raised).
const ADMINISTRATORS_NEW_OPERATION: f64 = 0.45;
/// Confidence gained for every tenfold fall of the chance that the user is
/// an administrator below [`EscalationConfig::admin_chance`] (at which it
/// is 0.5, Medium): High at a hundredth of it.
const PER_DECADE: f64 = 0.15;

/// A successful escalation `operation` in `customer` (a hash), weighed
/// against the partner's administrators (`prior`).
pub(crate) fn action(
    cfg: &EscalationConfig,
    user: &UserState,
    customer: u64,
    operation: &str,
    novelty: &Novelty,
    prior: &AdminPrior,
    now_ms: i64,
) -> Option<Hit> {
    let oldest = now_ms.saturating_sub(cfg.window_ms);
    let signed_in = user
        .delegated_sign_ins
        .iter()
        .any(|(c, t)| *c == customer && *t >= oldest && *t <= now_ms);
    let habit = novelty.operation.unwrap_or(OperationNovelty {
        user_uses: 0,
        tenant_users: 0,
        admin_uses: 0,
    });
    if !signed_in || habit.user_uses >= cfg.habitual_uses {
        return None;
    }
    let history = format!(
        "{} active days over {} days of history and {} events",
        novelty.active_days, novelty.history_days, novelty.events
    );
    let peers = if habit.tenant_users >= SHARED_BY {
        format!("at least {SHARED_BY} of the partner's users perform it")
    } else {
        format!("{} of the partner's users perform it", habit.tenant_users)
    };
    let (confidence, explanation) = if habit.user_uses > 0 || habit.admin_uses > 0 {
        (
            ADMINISTRATORS_NEW_OPERATION,
            format!(
                "{} `{operation}` in {history} ({} escalation operations before: an \
                 administrator's); {peers}",
                if habit.user_uses == 0 {
                    "first".to_owned()
                } else {
                    format!("use {} of", habit.user_uses + 1)
                },
                habit.admin_uses
            ),
        )
    } else {
        // Never any escalation operation: how likely is it that the user is
        // one of the partner's administrators, not yet seen at work?
        let quiet = novelty.earlier_active_days;
        let chance = prior.chance(quiet);
        let confidence = 0.5 + PER_DECADE * (cfg.admin_chance / chance.max(1e-9)).log10();
        (
            confidence.min(0.95),
            format!(
                "first escalation operation (`{operation}`) in {history}, none on {quiet} earlier \
                 active days; {} of the partner's {} users perform escalation operations (share \
                 {:.0} %, with every partner's), on {:.0} % of their active days: a {:.2} % \
                 chance that the user is an administrator not yet seen at work; {peers}",
                prior.partner.admins,
                prior.partner.users,
                100.0 * prior.share,
                100.0 * prior.rate,
                100.0 * chance
            ),
        )
    };
    Some(Hit::user(
        RuleId::EscalationSequence,
        Severity::High,
        confidence,
        format!(
            "Partner user signed in to a customer and ran `{operation}` there within {}",
            span(cfg.window_ms)
        ),
        explanation,
    ))
}
