//! `PCD-005` dormant account: first activity after a long silence; High when
//! a privileged action follows soon after.

use super::{DAY_MS, Hit};
use crate::config::DormantConfig;
use crate::detection::{RuleId, Severity};
use crate::state::UserState;

/// Any event of a known user; `previous_ms` is when it was last seen before.
pub(crate) fn check(
    cfg: &DormantConfig,
    user: &mut UserState,
    previous_ms: i64,
    now_ms: i64,
    privileged: bool,
) -> Option<Hit> {
    let gap = now_ms.saturating_sub(previous_ms);
    if gap >= cfg.gap_ms {
        user.returned_at_ms = Some(now_ms);
        let (severity, confidence) = if privileged {
            (Severity::High, 0.85)
        } else {
            (Severity::Medium, 0.65)
        };
        return Some(Hit::user(
            RuleId::DormantAccount,
            severity,
            confidence,
            format!(
                "Partner user active again after {} days of silence",
                gap / DAY_MS
            ),
            format!(
                "no activity for {} days (dormant from {}); first seen {} days ago",
                gap / DAY_MS,
                cfg.gap_ms / DAY_MS,
                now_ms.saturating_sub(user.first_seen_ms) / DAY_MS
            ),
        ));
    }
    let returned = user.returned_at_ms?;
    if now_ms.saturating_sub(returned) > cfg.follow_up_ms {
        user.returned_at_ms = None;
        return None;
    }
    privileged.then(|| {
        Hit::user(
            RuleId::DormantAccount,
            Severity::High,
            0.85,
            "Dormant partner user performed a privileged action after returning".into(),
            format!(
                "a privileged action {} minutes after returning from dormancy",
                now_ms.saturating_sub(returned) / 60_000
            ),
        )
    })
}
