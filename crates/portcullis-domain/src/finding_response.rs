//! A partner's response to a finding about its own users: who acknowledged
//! or resolved it and when, so the time to respond can be measured (the
//! partner programme asks for a response within 24 hours).

use serde::{Deserialize, Serialize};

use crate::{RecordId, Timestamp};

/// The response time partners are held to.
pub const RESPONSE_DEADLINE_SECONDS: i64 = 24 * 3600;
/// The window response times are measured over.
pub const RESPONSE_WINDOW_DAYS: i64 = 30;

/// When a partner admin acknowledged and resolved a finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct FindingResponse {
    pub finding_id: RecordId,
    pub partner_tenant_id: String,
    /// When the finding was raised (its creation).
    pub raised_at: Timestamp,
    pub acknowledged_at: Option<Timestamp>,
    pub acknowledged_by: Option<String>,
    pub resolved_at: Option<Timestamp>,
    pub resolved_by: Option<String>,
}

impl FindingResponse {
    /// The partner's first response: acknowledgement or resolution.
    pub fn responded_at(&self) -> Option<Timestamp> {
        match (self.acknowledged_at, self.resolved_at) {
            (Some(a), Some(r)) => Some(a.min(r)),
            (a, r) => a.or(r),
        }
    }
}

/// Response times over a window: findings raised in it, how many got a
/// response, the mean and 90th percentile in seconds, and how many were
/// answered within 24 hours (a finding still unanswered after 24 hours
/// counts as late).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ResponseTimes {
    pub window_days: i64,
    pub findings: usize,
    pub responded: usize,
    pub within_deadline: usize,
    /// Raised more than 24 hours ago and still without a response.
    pub overdue: usize,
    pub mean_seconds: Option<f64>,
    pub p90_seconds: Option<i64>,
}

impl ResponseTimes {
    /// The measure of `responses` raised within the 30 days before `now`.
    pub fn measure(responses: &[FindingResponse], now: Timestamp) -> Self {
        let since = now.saturating_add_seconds(-RESPONSE_WINDOW_DAYS * 86_400);
        let mut seconds = Vec::new();
        let (mut findings, mut within, mut overdue) = (0, 0, 0);
        for r in responses
            .iter()
            .filter(|r| r.raised_at >= since && r.raised_at <= now)
        {
            findings += 1;
            match r.responded_at() {
                Some(at) => {
                    let taken = (at.unix_millis() - r.raised_at.unix_millis()).max(0) / 1000;
                    if taken <= RESPONSE_DEADLINE_SECONDS {
                        within += 1;
                    }
                    seconds.push(taken);
                }
                None => {
                    let waited = (now.unix_millis() - r.raised_at.unix_millis()) / 1000;
                    if waited > RESPONSE_DEADLINE_SECONDS {
                        overdue += 1;
                    }
                }
            }
        }
        seconds.sort_unstable();
        let mean_seconds = (!seconds.is_empty())
            .then(|| seconds.iter().map(|s| *s as f64).sum::<f64>() / seconds.len() as f64);
        // Nearest rank: the smallest value with at least 90% at or below it.
        let p90_seconds = (!seconds.is_empty())
            .then(|| {
                let rank = (seconds.len() * 9).div_ceil(10).max(1);
                seconds.get(rank - 1).copied()
            })
            .flatten();
        Self {
            window_days: RESPONSE_WINDOW_DAYS,
            findings,
            responded: seconds.len(),
            within_deadline: within,
            overdue,
            mean_seconds,
            p90_seconds,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(raised: i64, ack: Option<i64>, resolved: Option<i64>) -> FindingResponse {
        FindingResponse {
            finding_id: RecordId::generate(),
            partner_tenant_id: "p".into(),
            raised_at: Timestamp::from_unix_millis(raised * 1000),
            acknowledged_at: ack.map(|s| Timestamp::from_unix_millis(s * 1000)),
            acknowledged_by: None,
            resolved_at: resolved.map(|s| Timestamp::from_unix_millis(s * 1000)),
            resolved_by: None,
        }
    }

    #[test]
    fn mean_and_p90_count_the_first_response_and_late_silence() {
        let day = 86_400;
        let now = Timestamp::from_unix_millis(40 * day * 1000);
        let base = 35 * day;
        let mut all: Vec<FindingResponse> = (1..=10)
            .map(|i| response(base, Some(base + i * 3600), None))
            .collect();
        // Resolved before acknowledged: the resolution is the response.
        all.push(response(base, Some(base + 50 * 3600), Some(base + 1800)));
        // Unanswered for two days: overdue; outside the window: ignored.
        all.push(response(38 * day, None, None));
        all.push(response(day, Some(day + 60), None));
        let t = ResponseTimes::measure(&all, now);
        assert_eq!((t.findings, t.responded, t.overdue), (12, 11, 1));
        assert_eq!(t.within_deadline, 11);
        // 0.5 h and 1..10 h: the 10th of 11 sorted values is 9 h.
        assert_eq!(t.p90_seconds, Some(9 * 3600));
        let mean = (1800 + (1..=10).map(|i| i * 3600).sum::<i64>()) as f64 / 11.0;
        assert_eq!(t.mean_seconds, Some(mean));
    }

    #[test]
    fn no_findings_measure_nothing() {
        let t = ResponseTimes::measure(&[], Timestamp::from_unix_millis(0));
        assert_eq!((t.findings, t.mean_seconds, t.p90_seconds), (0, None, None));
    }
}
