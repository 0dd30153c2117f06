//! `PCD-006` privilege-escalation sequence: a delegated sign-in to a customer,
//! then within the window a persistence or escalation action in that customer.

use super::{Hit, span, touch_window};
use crate::config::EscalationConfig;
use crate::detection::{RuleId, Severity};
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
    now_ms: i64,
) -> Option<Hit> {
    let oldest = now_ms.saturating_sub(cfg.window_ms);
    let signed_in = user
        .delegated_sign_ins
        .iter()
        .any(|(c, t)| *c == customer && *t >= oldest && *t <= now_ms);
    signed_in.then(|| {
        Hit::user(
            RuleId::EscalationSequence,
            Severity::High,
            format!(
                "Partner user signed in to a customer and ran `{operation}` there within {}",
                span(cfg.window_ms)
            ),
        )
    })
}
