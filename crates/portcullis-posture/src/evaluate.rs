//! Evaluation of a snapshot against a baseline. It cannot fail: whatever goes
//! wrong with one requirement becomes that requirement's `error` result.

use time::{Duration, OffsetDateTime};

use crate::baseline::{Baseline, LoadedRequirement};
use crate::freshness;
use crate::report::{Report, RequirementResult, Status};
use crate::snapshot::Snapshot;

/// Evaluation and gating settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PostureConfig {
    /// A snapshot older than this is stale, which is non-compliant (default 30 days).
    pub stale_after: Duration,
    /// How long a non-compliant partner keeps access before suspension (default 14 days).
    pub grace_period: Duration,
}

impl Default for PostureConfig {
    fn default() -> Self {
        Self {
            stale_after: Duration::days(30),
            grace_period: Duration::days(14),
        }
    }
}

/// Evaluates `snapshot` against every requirement of `baseline` at `now`.
#[must_use]
pub fn evaluate(
    baseline: &Baseline,
    snapshot: &Snapshot,
    now: OffsetDateTime,
    config: &PostureConfig,
) -> Report {
    let mut engine = baseline.engine().clone();
    engine.set_input(regorus::Value::from(snapshot.document().clone()));
    let mut results = vec![freshness::check(
        snapshot.taken_at(),
        now,
        config.stale_after,
    )];
    results.extend(
        baseline
            .loaded()
            .iter()
            .map(|loaded| judge(&mut engine, loaded, snapshot)),
    );
    let compliant = !results.iter().any(RequirementResult::is_gating_failure);
    Report {
        baseline_version: baseline.version().to_string(),
        evaluated_at: now,
        snapshot_taken_at: snapshot.taken_at(),
        results,
        compliant,
    }
}

fn judge(
    engine: &mut regorus::Engine,
    loaded: &LoadedRequirement,
    snapshot: &Snapshot,
) -> RequirementResult {
    let requirement = &loaded.requirement;
    let verdict = |status, details| RequirementResult {
        requirement_id: requirement.id.clone(),
        policy_id: requirement.policy_id.clone(),
        criticality: requirement.criticality,
        status,
        details,
    };
    let missing: Vec<String> = requirement
        .sections
        .iter()
        .filter(|s| !snapshot.has_section(s))
        .map(|s| format!("`{s}`"))
        .collect();
    if !missing.is_empty() {
        let noun = if missing.len() == 1 {
            "section"
        } else {
            "sections"
        };
        return verdict(
            Status::Error,
            format!("the snapshot has no {} {noun}", missing.join(", ")),
        );
    }
    match engine.eval_rule(loaded.result_rule.clone()) {
        Ok(value) => match read_result(&value) {
            Ok((status, details)) => verdict(status, details),
            Err(problem) => verdict(Status::Error, problem),
        },
        Err(e) => verdict(
            Status::Error,
            format!(
                "the requirement's Rego failed: {}",
                last_line(&e.to_string())
            ),
        ),
    }
}

/// Reads `{"status": ..., "details": ...}` from a `result` value.
fn read_result(value: &regorus::Value) -> Result<(Status, String), String> {
    if *value == regorus::Value::Undefined {
        return Err("the requirement's `result` is undefined for this snapshot".to_owned());
    }
    let field = |name: &str| match value {
        regorus::Value::Object(fields) => fields.get(&regorus::Value::from(name)).cloned(),
        _ => None,
    };
    let status = match field("status") {
        Some(regorus::Value::String(s)) => match s.as_ref() {
            "pass" => Status::Pass,
            "fail" => Status::Fail,
            "not_applicable" => Status::NotApplicable,
            other => return Err(format!("the requirement's `result.status` is `{other}`")),
        },
        _ => return Err("the requirement's `result` has no string `status`".to_owned()),
    };
    let details = match field("details") {
        Some(regorus::Value::String(s)) => s.to_string(),
        None | Some(regorus::Value::Undefined) => String::new(),
        Some(other) => other.to_string(),
    };
    Ok((status, details))
}

fn last_line(text: &str) -> &str {
    let line = text
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or(text)
        .trim();
    line.strip_prefix("error: ").unwrap_or(line)
}
