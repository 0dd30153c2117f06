//! The posture scorecard, as both the partner's own posture page and an
//! operator's partner page show it: the standing in a sentence, and each
//! requirement of the baseline with its verdict, the evidence and
//! remediation guidance. Read through the same use cases as
//! `GET /v1/posture/…`.

use portcullis_domain::{
    PartnerPosture, PostureReportRecord, PostureStanding, TenantId, Timestamp,
};
use portcullis_service::{Caller, Portcullis, ServiceError};
use serde::Deserialize;

use super::layout::{Badge, When, when};
use super::remediation::{Guidance, guidance};

/// One requirement's result, as the report stores it.
#[derive(Debug, Deserialize)]
struct ResultJson {
    requirement_id: String,
    #[serde(default)]
    policy_id: Option<String>,
    #[serde(default)]
    criticality: String,
    status: String,
    #[serde(default)]
    details: String,
}

#[derive(Debug, Deserialize)]
struct ReportJson {
    results: Vec<ResultJson>,
}

#[derive(Debug)]
pub struct RequirementRow {
    pub id: String,
    pub policy: String,
    pub description: String,
    pub rationale: String,
    pub criticality: String,
    pub status: Badge,
    pub failing: bool,
    pub evidence: String,
    pub guidance: Guidance,
}

#[derive(Debug)]
pub struct Standing {
    pub badge: Badge,
    pub sentence: String,
    /// When a non-compliant partner's grace period ends, shown after the
    /// sentence as a time (the viewer's zone, UTC on hover), then `after`.
    pub grace_ends: Option<When>,
    pub after: String,
    pub evaluated: When,
    pub baseline: String,
}

/// A partner's latest scorecard.
#[derive(Debug)]
pub struct Scorecard {
    pub standing: Standing,
    pub rows: Vec<RequirementRow>,
}

/// Whose users the standing's sentence speaks of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reader {
    /// The partner's own admin: "your users".
    Partner,
    /// An operator: "the partner's users".
    Operator,
}

/// A requirement's verdict as a badge, and whether it counts as failing.
pub fn verdict(status: &str) -> (Badge, bool) {
    let (word, tone, failing) = match status {
        "pass" => ("Pass", "ok", false),
        "fail" => ("Fail", "high", true),
        "error" => ("Could not judge", "warn", true),
        _ => ("Not applicable", "neutral", false),
    };
    (
        Badge {
            word: word.to_owned(),
            tone,
        },
        failing,
    )
}

fn standing(
    p: &PartnerPosture,
    report: &PostureReportRecord,
    now: Timestamp,
    reader: Reader,
) -> Standing {
    let users = match reader {
        Reader::Partner => "your users",
        Reader::Operator => "the partner's users",
    };
    let grace_ends = match p.state {
        PostureStanding::Noncompliant => p.grace_ends_at.map(|end| when(end, now)),
        _ => None,
    };
    let (word, tone, sentence) = match p.state {
        PostureStanding::Compliant => (
            "Compliant",
            "ok",
            "Every mandatory requirement holds.".to_owned(),
        ),
        PostureStanding::Noncompliant if grace_ends.is_some() => (
            "Non-compliant",
            "medium",
            format!(
                "{} mandatory requirements fail. Fix them before the grace period ends",
                p.failing.len()
            ),
        ),
        PostureStanding::Noncompliant => (
            "Non-compliant",
            "medium",
            format!("{} mandatory requirements fail.", p.failing.len()),
        ),
        PostureStanding::Suspended => (
            "Suspended",
            "high",
            format!(
                "The grace period has passed: every access decision for {users} denies until a compliant snapshot arrives."
            ),
        ),
    };
    Standing {
        badge: Badge {
            word: word.to_owned(),
            tone,
        },
        sentence,
        after: format!(", or access for {users} is suspended."),
        grace_ends,
        evaluated: when(report.evaluated_at, now),
        baseline: report.baseline_version.clone(),
    }
}

/// Passing and failing requirement counts of a stored report.
pub fn counts(report: &PostureReportRecord) -> (usize, usize) {
    let results = results(report);
    let failed = results.iter().filter(|x| verdict(&x.status).1).count();
    let passed = results.iter().filter(|x| x.status == "pass").count();
    (passed, failed)
}

fn results(report: &PostureReportRecord) -> Vec<ResultJson> {
    serde_json::from_value::<ReportJson>(report.report.clone())
        .map(|r| r.results)
        .unwrap_or_default()
}

/// The partner's latest scorecard; `None` when it has no posture yet
/// (never uploaded).
pub async fn latest(
    service: &Portcullis,
    caller: &Caller,
    tenant: TenantId,
    reader: Reader,
) -> Result<Option<Scorecard>, ServiceError> {
    let posture = match service.partner_posture(caller, tenant).await {
        Ok(p) => p,
        Err(ServiceError::NotFound(_)) => return Ok(None),
        Err(e) => return Err(e),
    };
    let report = service.latest_posture_report(caller, tenant).await?;
    let baseline = service.posture_baseline(caller).await?;
    let now = service.clock().now();
    let rows = results(&report)
        .into_iter()
        .map(|r| {
            let known = baseline
                .requirements
                .iter()
                .find(|x| x.id == r.requirement_id);
            let (status, failing) = verdict(&r.status);
            RequirementRow {
                policy: r.policy_id.unwrap_or_default(),
                description: known.map(|k| k.description.clone()).unwrap_or_default(),
                rationale: known.map(|k| k.rationale.clone()).unwrap_or_default(),
                criticality: r.criticality,
                status,
                failing,
                evidence: r.details,
                guidance: guidance(&r.requirement_id),
                id: r.requirement_id,
            }
        })
        .collect();
    Ok(Some(Scorecard {
        standing: standing(&posture, &report, now, reader),
        rows,
    }))
}
