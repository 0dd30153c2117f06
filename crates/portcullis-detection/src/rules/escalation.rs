//! `PCD-006` privilege-escalation sequence: a delegated sign-in to a customer,
//! then within the window a persistence or escalation action in that customer
//! that is not one of the user's habits (an administrator who assigns roles
//! every week is doing their job).

use super::{Hit, span, touch_window};
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

/// A successful escalation `operation` in `customer` (a hash).
pub(crate) fn action(
    cfg: &EscalationConfig,
    user: &UserState,
    customer: u64,
    operation: &str,
    novelty: &Novelty,
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
    // An administrator's new or rare operation is a weak signal. For a user
    // who never ran any, "never" means more the longer the history: an
    // administrator who does one every few days is unlikely to go a month
    // without one.
    let mut confidence = if habit.user_uses > 0 || habit.admin_uses > 0 {
        0.45
    } else {
        0.35 + 0.5 * super::ratio(f64::from(novelty.active_days), cfg.full_history_days)
    };
    let mut peers = format!(
        "{} of the partner's users perform it",
        habit.tenant_users.min(crate::baseline::SHARED_BY)
    );
    if habit.tenant_users >= crate::baseline::SHARED_BY {
        confidence -= 0.15;
        peers = format!(
            "at least {} of the partner's users perform it",
            crate::baseline::SHARED_BY
        );
    }
    Some(Hit::user(
        RuleId::EscalationSequence,
        Severity::High,
        confidence,
        format!(
            "Partner user signed in to a customer and ran `{operation}` there within {}",
            span(cfg.window_ms)
        ),
        format!(
            "{} `{operation}` in {} active days over {} days of history and {} events ({} \
             escalation operations before); {peers}",
            if habit.user_uses == 0 {
                "first".to_owned()
            } else {
                format!("use {} of", habit.user_uses + 1)
            },
            novelty.active_days,
            novelty.history_days,
            novelty.events,
            habit.admin_uses
        ),
    ))
}
