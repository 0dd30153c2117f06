//! §6 Access Evaluation and §7 Access Evaluations: each evaluation that
//! names a partner user, a customer tenant and an action is decided by the
//! engine and recorded like any decision (`POST /v1/decisions`' path); one
//! that names nothing Portcullis decides about is denied with a reason code.

use portcullis_decision as engine;
use portcullis_service::{Caller, MAX_DECISION_BATCH, ServiceError};
use serde_json::Value;

use super::mapping;
use super::reply::{AuthzenError, AuthzenResult};
use super::wire::{
    Decision, DecisionContext, EvaluationRequest, EvaluationsRequest, ItemError, Semantic,
};
use crate::state::AppState;

/// What one evaluation comes to before the engine.
#[derive(Debug)]
pub enum Outcome {
    /// A question for the engine.
    Ask(engine::DecisionRequest),
    /// Denied without a decision: the request names nothing to decide about.
    Deny(&'static str),
    /// A required field is missing or a value cannot be read (a 400 for a
    /// whole request, one failed item of an evaluations request).
    Invalid(String),
}

/// Reads one evaluation; the partner tenant comes from the user.
pub fn outcome(
    state: &AppState,
    caller: &Caller,
    request: &EvaluationRequest,
) -> AuthzenResult<Outcome> {
    let read = || -> Result<Result<_, &'static str>, String> {
        let user = mapping::user(request.subject.as_ref())?;
        let action = mapping::action(request.action.as_ref())?;
        let customer = mapping::customer(request.resource.as_ref())?;
        let session = mapping::session(request.context.as_ref())?;
        Ok(user.and_then(|u| Ok((u, action?, customer?, session))))
    };
    let (user, action, customer, session) = match read() {
        Err(message) => return Ok(Outcome::Invalid(message)),
        Ok(Err(code)) => return Ok(Outcome::Deny(code)),
        Ok(Ok(parts)) => parts,
    };
    let partner = match user.claimed_partner {
        Some(claimed) => Some(claimed),
        None => state.portcullis.partner_of_user(caller, user.id)?,
    };
    let Some(partner) = partner else {
        return Ok(Outcome::Deny(mapping::codes::UNKNOWN_USER));
    };
    Ok(Outcome::Ask(engine::DecisionRequest {
        partner_tenant_id: partner,
        user_id: user.id,
        customer_tenant_id: customer,
        action,
        auth_strength: session.auth_strength,
        source_ip: session.source_ip,
    }))
}

/// The Decision the engine's decision comes to (§5.5): a deny carries its
/// reasons in `context`, nothing else.
pub fn wire_decision(decision: &engine::Decision) -> Decision {
    if decision.is_allowed() {
        return Decision {
            decision: true,
            context: None,
        };
    }
    Decision {
        decision: false,
        context: Some(DecisionContext::Reasons {
            reasons: decision
                .reasons
                .iter()
                .map(|r| r.as_str().to_owned())
                .collect(),
        }),
    }
}

fn denied(code: &str) -> Decision {
    Decision {
        decision: false,
        context: Some(DecisionContext::Reasons {
            reasons: vec![code.to_owned()],
        }),
    }
}

/// §7.2.1: a failed item is denied, with its error in `context`.
fn failed(message: String) -> Decision {
    Decision {
        decision: false,
        context: Some(DecisionContext::Error {
            error: ItemError {
                status: 400,
                message,
            },
        }),
    }
}

/// Decides outcomes, in order: every `Ask` through the decision path that
/// records them, in one call.
pub async fn decide_all(
    state: &AppState,
    caller: &Caller,
    outcomes: Vec<Outcome>,
) -> AuthzenResult<Vec<Decision>> {
    let asks: Vec<engine::DecisionRequest> = outcomes
        .iter()
        .filter_map(|o| match o {
            Outcome::Ask(request) => Some(request.clone()),
            _ => None,
        })
        .collect();
    let mut decided = if asks.is_empty() {
        Vec::new()
    } else {
        state.portcullis.decide(caller, &asks).await?
    }
    .into_iter();
    let mut out = Vec::with_capacity(outcomes.len());
    for outcome in outcomes {
        out.push(match outcome {
            Outcome::Ask(_) => match decided.next() {
                Some(decision) => wire_decision(&decision),
                None => {
                    return Err(AuthzenError::from(
                        portcullis_service::ServiceError::Internal(
                            "the engine answered fewer decisions than asked".to_owned(),
                        ),
                    ));
                }
            },
            Outcome::Deny(code) => denied(code),
            Outcome::Invalid(message) => failed(message),
        });
    }
    Ok(out)
}

/// §6: one evaluation's Decision; a missing field or an unreadable value
/// is a 400 for the whole request.
pub async fn single(
    state: &AppState,
    caller: &Caller,
    request: &EvaluationRequest,
) -> AuthzenResult<Decision> {
    let outcome = outcome(state, caller, request)?;
    if let Outcome::Invalid(message) = outcome {
        return Err(AuthzenError::bad_request(message));
    }
    decide_all(state, caller, vec![outcome])
        .await?
        .pop()
        .ok_or_else(|| ServiceError::Internal("no decision".to_owned()).into())
}

/// An evaluations item with the top-level defaults filled in (§7.1.1: an
/// entity given in the item replaces the default whole).
fn with_defaults(item: &Value, defaults: &EvaluationsRequest) -> Result<EvaluationRequest, String> {
    if !item.is_object() {
        return Err("each evaluation must be a JSON object".to_owned());
    }
    let item: EvaluationRequest = serde_json::from_value(item.clone())
        .map_err(|e| format!("the evaluation is not valid: {e}"))?;
    Ok(EvaluationRequest {
        subject: item.subject.or_else(|| defaults.subject.clone()),
        action: item.action.or_else(|| defaults.action.clone()),
        resource: item.resource.or_else(|| defaults.resource.clone()),
        context: item.context.or_else(|| defaults.context.clone()),
    })
}

/// §7: the items' decisions under the requested semantic (§7.1.2.1):
/// every item, or up to and including the first deny (an item that fails
/// is a deny), or up to and including the first permit.
pub async fn evaluations(
    state: &AppState,
    caller: &Caller,
    request: &EvaluationsRequest,
    items: &[Value],
) -> AuthzenResult<Vec<Decision>> {
    if items.len() > MAX_DECISION_BATCH {
        return Err(AuthzenError::bad_request(format!(
            "{} evaluations in one request; at most {MAX_DECISION_BATCH} are allowed",
            items.len()
        )));
    }
    let semantic = request
        .options
        .as_ref()
        .and_then(|o| o.evaluations_semantic)
        .unwrap_or_default();
    let mut outcomes = Vec::with_capacity(items.len());
    for item in items {
        outcomes.push(match with_defaults(item, request) {
            Ok(evaluation) => outcome(state, caller, &evaluation)?,
            Err(message) => Outcome::Invalid(message),
        });
    }
    let stop_at = match semantic {
        Semantic::ExecuteAll => return decide_all(state, caller, outcomes).await,
        Semantic::DenyOnFirstDeny => false,
        Semantic::PermitOnFirstPermit => true,
    };
    let mut out = Vec::new();
    for outcome in outcomes {
        let decided = decide_all(state, caller, vec![outcome]).await?;
        let stop = decided.iter().any(|d| d.decision == stop_at);
        out.extend(decided);
        if stop {
            break;
        }
    }
    Ok(out)
}
