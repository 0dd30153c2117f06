//! A vetting case's checks as a reviewer reads them: each check's outcome,
//! and for screening the matched names explained in words (which tokens
//! lined up and how, what weighed for and against), read from the result
//! the check recorded (the same JSON `GET /v1/vetting/cases/{id}` shows).

use portcullis_domain::Timestamp;
use portcullis_domain::vetting::CheckRecord;
use serde_json::Value;

use super::layout::{Badge, When, badge, when};

/// One watchlist hit, explained.
#[derive(Debug, Default)]
pub struct HitView {
    /// `legal name` or `officer`.
    pub subject: String,
    /// The applicant's name as screened.
    pub screened: String,
    /// The listed name that matched.
    pub listed: String,
    pub entity: String,
    /// `87 %`.
    pub score: String,
    /// `contoso ↔ kontoso: sounds alike (92 %)`.
    pub tokens: Vec<String>,
    pub supports: Vec<String>,
    pub against: Vec<String>,
}

/// One threat-intelligence hit.
#[derive(Debug, Default)]
pub struct IntelView {
    pub subject: String,
    pub value: String,
    pub indicator: String,
    pub why: String,
}

/// One factor of the risk score.
#[derive(Debug, Default)]
pub struct FactorView {
    pub factor: String,
    pub points: String,
    pub reason: String,
}

/// One check of a case.
#[derive(Debug)]
pub struct CheckView {
    pub kind: String,
    pub outcome: Badge,
    pub at: When,
    pub hits: Vec<HitView>,
    pub intel: Vec<IntelView>,
    pub factors: Vec<FactorView>,
    pub mandatory_failed: Vec<String>,
    /// The recorded result, for checks without a dedicated view.
    pub raw: Option<String>,
}

fn text(value: &Value, key: &str) -> String {
    match value.get(key) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

fn number(value: &Value, key: &str) -> f64 {
    value.get(key).and_then(Value::as_f64).unwrap_or_default()
}

fn percent(share: f64) -> String {
    format!("{:.0} %", share * 100.0)
}

fn items(value: &Value, key: &str) -> Vec<Value> {
    value
        .get(key)
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

/// How two tokens correspond, in words.
fn how(token: &Value) -> String {
    let how = token.get("how").cloned().unwrap_or_default();
    match text(&how, "kind").as_str() {
        "exact" => "the same word".to_owned(),
        "transliteration" => format!(
            "one reading written in {} and in {}",
            text(&how, "query_system"),
            text(&how, "listed_system")
        ),
        "phonetic" => "they sound alike".to_owned(),
        "fuzzy" => "one or two letters apart".to_owned(),
        "initial" => "an initial of the name".to_owned(),
        other => other.replace('_', " "),
    }
}

/// A fact that moved the score, in a sentence.
fn evidence(fact: &Value) -> String {
    let amount = |key: &str| format!("{:.2}", number(fact, key));
    match text(fact, "kind").as_str() {
        "alias" => format!(
            "matched an alias of the listed entity: {}",
            text(fact, "name")
        ),
        "legal_form_equivalent" => format!(
            "legal forms {} and {} are of one family ({})",
            text(fact, "query"),
            text(fact, "listed"),
            text(fact, "family").replace('_', " ")
        ),
        "unmatched_query_token" => format!(
            "the applicant's word “{}” matches nothing listed (weight {})",
            text(fact, "token"),
            amount("weight")
        ),
        "unmatched_listed_token" => format!(
            "the listed word “{}” matches nothing of the applicant's (weight {})",
            text(fact, "token"),
            amount("weight")
        ),
        "distinctive_tokens_disagree" => format!(
            "each name has distinctive words the other lacks (−{})",
            amount("penalty")
        ),
        "father_name_conflict" => format!(
            "the fathers' names differ: {} and {} (−{})",
            text(fact, "query"),
            text(fact, "listed"),
            amount("penalty")
        ),
        "country_match" => format!("the countries agree (+{})", amount("bonus")),
        "country_mismatch" => format!("the countries differ (−{})", amount("penalty")),
        "birth_year_match" => format!("the birth years agree (+{})", amount("bonus")),
        "birth_year_mismatch" => format!("the birth years differ (−{})", amount("penalty")),
        "kind_mismatch" => format!(
            "the listed entity cannot be this kind of applicant (−{})",
            amount("penalty")
        ),
        other => other.replace('_', " "),
    }
}

fn hit(value: &Value) -> HitView {
    let explanation = value.get("explanation").cloned().unwrap_or_default();
    HitView {
        subject: text(value, "subject").replace('_', " "),
        screened: text(value, "screened_name"),
        listed: text(value, "name"),
        entity: text(value, "entity_id"),
        score: percent(number(value, "score")),
        tokens: items(&explanation, "tokens")
            .iter()
            .map(|t| {
                format!(
                    "{} ↔ {}: {} ({})",
                    text(t, "query"),
                    text(t, "listed"),
                    how(t),
                    percent(number(t, "similarity"))
                )
            })
            .collect(),
        supports: items(&explanation, "supports")
            .iter()
            .map(evidence)
            .collect(),
        against: items(&explanation, "against")
            .iter()
            .map(evidence)
            .collect(),
    }
}

fn intel(value: &Value) -> IntelView {
    let name = text(value, "name");
    IntelView {
        subject: text(value, "subject").replace('_', " "),
        value: text(value, "value"),
        indicator: if name.is_empty() {
            text(value, "indicator_id")
        } else {
            format!("{name} ({})", text(value, "indicator_id"))
        },
        why: text(value, "why"),
    }
}

fn outcome_tone(outcome: &str) -> &'static str {
    match outcome {
        "hit" | "record_missing" | "invalid" | "embargoed" | "high" => "high",
        "verified" | "clear" | "matches" | "allowed" | "low" => "ok",
        _ => "warn",
    }
}

/// A check as the case page shows it.
pub fn check_view(check: &CheckRecord, now: Timestamp) -> CheckView {
    let result = &check.result;
    let list = result.as_array().cloned().unwrap_or_default();
    let (mut hits, mut found_intel, mut factors, mut failed, mut raw) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), None);
    match check.kind.as_str() {
        "watchlist" => hits = list.iter().map(hit).collect(),
        "threat_intel" => found_intel = list.iter().map(intel).collect(),
        "risk" => {
            factors = items(result, "contributions")
                .iter()
                .map(|c| FactorView {
                    factor: text(c, "factor").replace('_', " "),
                    points: text(c, "points"),
                    reason: text(c, "reason"),
                })
                .collect();
            failed = items(result, "mandatory_failed")
                .iter()
                .map(|m| m.as_str().unwrap_or_default().replace('_', " "))
                .collect();
        }
        _ => raw = serde_json::to_string_pretty(result).ok(),
    }
    CheckView {
        kind: check.kind.replace('_', " "),
        outcome: badge(
            &check.outcome.replace('_', " "),
            outcome_tone(&check.outcome),
        ),
        at: when(check.at, now),
        hits,
        intel: found_intel,
        factors,
        mandatory_failed: failed,
        raw,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_watchlist_hit_is_explained_in_words() {
        let value = serde_json::json!({
            "subject": "legal_name", "screened_name": "Kontoso Ltd",
            "entity_id": "p1", "name": "CONTOSO LIMITED", "score": 0.91,
            "explanation": {
                "tokens": [{"query": "kontoso", "listed": "contoso",
                            "how": {"kind": "phonetic"}, "similarity": 0.9}],
                "supports": [{"kind": "legal_form_equivalent", "query": "ltd",
                              "listed": "limited", "family": "limited_liability"}],
                "against": [{"kind": "country_mismatch", "penalty": 0.05}]
            }
        });
        let shown = hit(&value);
        assert_eq!(shown.subject, "legal name");
        assert_eq!(shown.score, "91 %");
        assert_eq!(shown.tokens, ["kontoso ↔ contoso: they sound alike (90 %)"]);
        assert_eq!(
            shown.supports,
            ["legal forms ltd and limited are of one family (limited liability)"]
        );
        assert_eq!(shown.against, ["the countries differ (−0.05)"]);
    }
}
