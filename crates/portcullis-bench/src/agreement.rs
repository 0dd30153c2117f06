//! Same questions, same answers: before anything is timed, every engine
//! must give the allow/deny Portcullis gives — Cedar on every request (it
//! encodes every condition), casbin on the side-by-side set (what it
//! models). A disagreement is a bug in an encoding and stops the run.

use portcullis_decision::{DecisionIndex, DecisionRequest};
use portcullis_domain::Timestamp;

use crate::cedar_peer::CedarPeer;

/// How many requests each engine was checked on, and how many were allowed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Agreement {
    pub cedar_checked: usize,
    pub casbin_checked: usize,
    pub casbin_cached_checked: usize,
    pub allowed: usize,
    pub comparison_allowed: usize,
}

fn disagreement(
    engine: &str,
    theirs: bool,
    index: &DecisionIndex,
    req: &DecisionRequest,
    now: Timestamp,
) -> anyhow::Error {
    let ours = index.decide(req, now);
    let word = |allow: bool| if allow { "allow" } else { "deny" };
    let reasons: Vec<&str> = ours.reasons.iter().map(|r| r.as_str()).collect();
    anyhow::anyhow!(
        "{engine} says `{}` where portcullis says `{}` (reasons: `{}`) for request `{}`; the encoding is wrong, so nothing is timed",
        word(theirs),
        word(ours.is_allowed()),
        reasons.join(", "),
        serde_json::to_string(req).unwrap_or_default()
    )
}

/// Checks Cedar, per-request slice and prebuilt stores, on every request;
/// returns how many Portcullis allowed.
pub fn check_cedar(
    index: &DecisionIndex,
    cedar: &CedarPeer,
    requests: &[DecisionRequest],
    now: Timestamp,
) -> anyhow::Result<usize> {
    let mut allowed = 0;
    for req in requests {
        let ours = index.decide(req, now).is_allowed();
        allowed += usize::from(ours);
        let sliced = cedar.decide(req)?;
        if sliced != ours {
            return Err(disagreement(
                "cedar (per-request slice)",
                sliced,
                index,
                req,
                now,
            ));
        }
        let prebuilt = cedar.decide_prebuilt(req)?;
        if prebuilt != ours {
            return Err(disagreement(
                "cedar (prebuilt stores)",
                prebuilt,
                index,
                req,
                now,
            ));
        }
    }
    Ok(allowed)
}

/// Checks a casbin enforcer on the side-by-side requests; returns how many
/// Portcullis allowed.
pub fn check_casbin(
    engine: &str,
    index: &DecisionIndex,
    enforce: impl Fn(&DecisionRequest) -> casbin::Result<bool>,
    comparison: &[DecisionRequest],
    now: Timestamp,
) -> anyhow::Result<usize> {
    let mut allowed = 0;
    for req in comparison {
        let ours = index.decide(req, now).is_allowed();
        allowed += usize::from(ours);
        let theirs = enforce(req)?;
        if theirs != ours {
            return Err(disagreement(engine, theirs, index, req, now));
        }
    }
    Ok(allowed)
}
