//! Access decisions for resource providers.

use portcullis_decision::{Decision, DecisionRequest};
use portcullis_domain::ValidationError;

use crate::{Caller, Portcullis, ServiceError, caller_rules};

/// The most checks one call may ask for.
pub const MAX_BATCH: usize = 1_000;

impl Portcullis {
    /// Decides each request now, in order. Services and operators only.
    pub async fn decide(
        &self,
        caller: &Caller,
        requests: &[DecisionRequest],
    ) -> Result<Vec<Decision>, ServiceError> {
        caller_rules::may_ask_decisions(&caller.principal)?;
        if requests.len() > MAX_BATCH {
            return Err(ValidationError::new(
                "checks",
                format!(
                    "{} checks in one call; at most {MAX_BATCH} are allowed",
                    requests.len()
                ),
            )
            .into());
        }
        let now = self.clock.now();
        let decisions = self.decisions.decide_all(requests, now);
        let events = requests
            .iter()
            .zip(&decisions)
            .map(|(request, decision)| crate::activity::decision_event(request, decision, now))
            .collect::<Result<_, _>>()?;
        self.record_events(events).await?;
        Ok(decisions)
    }
}
