//! The AuthZEN Authorization API 1.0 information model as it travels
//! (§5 of the specification): Subject, Resource, Action, Context, Decision,
//! and the request and response bodies of §6–§8. Unknown fields are ignored
//! (§10.1.1: receivers MUST ignore unknown fields); required ones are
//! checked by the handlers, which know which entity is the input and which
//! the searched-for one (§8.4–§8.6), so every entity field is optional here.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// §5.1 Subject / §5.2 Resource: `type` and `id` (both REQUIRED in an
/// evaluation; a search omits the `id` of the searched-for entity), and
/// OPTIONAL `properties`.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[schema(as = AuthZenEntity)]
pub struct Entity {
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub id: Option<String>,
    #[schema(value_type = Option<Object>)]
    pub properties: Option<Map<String, Value>>,
}

/// §5.3 Action: REQUIRED `name` (OPTIONAL `properties` are ignored: a
/// catalog action has none).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ActionEntity {
    pub name: Option<String>,
}

/// §6.1 The Access Evaluation request. Context (§5.4) as Portcullis reads
/// it: `auth_strength` (`none`, `mfa` or `phishing_resistant`; absent is
/// `none`) and `ip` (the partner user's source address).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct EvaluationRequest {
    pub subject: Option<Entity>,
    pub action: Option<ActionEntity>,
    pub resource: Option<Entity>,
    #[schema(value_type = Option<Object>)]
    pub context: Option<Map<String, Value>>,
}

/// §7.1 The Access Evaluations request: top-level `subject`, `action`,
/// `resource` and `context` are defaults (§7.1.1) for each object of
/// `evaluations`; `options.evaluations_semantic` (§7.1.2.1) is
/// `execute_all` (the default), `deny_on_first_deny` or
/// `permit_on_first_permit`.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct EvaluationsRequest {
    pub subject: Option<Entity>,
    pub action: Option<ActionEntity>,
    pub resource: Option<Entity>,
    #[schema(value_type = Option<Object>)]
    pub context: Option<Map<String, Value>>,
    /// Each an Access Evaluation request whose missing keys come from the
    /// top level; read one by one, so that one bad item fails only itself.
    #[schema(value_type = Option<Vec<EvaluationRequest>>, max_items = 1000)]
    pub evaluations: Option<Vec<Value>>,
    pub options: Option<EvaluationsOptions>,
}

/// §7.1.2 Evaluations options.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct EvaluationsOptions {
    pub evaluations_semantic: Option<Semantic>,
}

/// §7.1.2.1 Evaluations semantics.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Semantic {
    #[default]
    ExecuteAll,
    DenyOnFirstDeny,
    PermitOnFirstPermit,
}

/// §5.5 Decision: `decision`, and `context` with the deny reasons
/// (Portcullis' stable codes, as `POST /v1/decisions` gives them) or, for
/// one failed item of an evaluations request, its `error` (§7.2.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[schema(as = AuthZenDecision)]
pub struct Decision {
    pub decision: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context: Option<DecisionContext>,
}

/// §5.5.1 Decision Context.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(untagged)]
pub enum DecisionContext {
    Reasons {
        /// Why the request was denied: every failed condition.
        reasons: Vec<String>,
    },
    Error {
        error: ItemError,
    },
}

/// What was wrong with one item of an evaluations request (§7.2.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ItemError {
    pub status: u16,
    pub message: String,
}

/// §7.2 The Access Evaluations response, in request order.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Evaluations {
    pub evaluations: Vec<Decision>,
}

/// An Access Evaluations response: `{"evaluations": [...]}`, or a single
/// Decision when the request had no (or an empty) `evaluations` array
/// (§7.1: it then behaves as the Access Evaluation API).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(untagged)]
pub enum EvaluationsResponse {
    Many(Evaluations),
    One(Decision),
}

/// §8.2.1 Paginated requests.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[schema(as = AuthZenPageRequest)]
pub struct PageRequest {
    /// A `next_token` of a previous response to the same request.
    pub token: Option<String>,
    /// The most results to return (default 50, at most 1,000).
    pub limit: Option<u64>,
}

/// §8.4.1, §8.5.1, §8.6.1 Subject, Resource and Action Search requests.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct SearchRequest {
    pub subject: Option<Entity>,
    pub action: Option<ActionEntity>,
    pub resource: Option<Entity>,
    #[schema(value_type = Option<Object>)]
    pub context: Option<Map<String, Value>>,
    pub page: Option<PageRequest>,
}

/// §8.2.2 Paginated responses.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = AuthZenPageResponse)]
pub struct PageResponse {
    /// Empty when no more results follow; else the `page.token` of the
    /// request for the next page.
    pub next_token: String,
    /// How many results this response holds.
    pub count: usize,
}

/// A subject or resource found by a search.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FoundEntity {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub id: String,
}

/// An action found by a search.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FoundAction {
    pub name: String,
}

/// §8.3 The Search API response: `page` first (RECOMMENDED), then `results`.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SearchResponse<T> {
    pub page: PageResponse,
    pub results: Vec<T>,
}

/// §9.1 Policy Decision Point metadata.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = AuthZenMetadata)]
pub struct Metadata {
    pub policy_decision_point: String,
    pub access_evaluation_endpoint: String,
    pub access_evaluations_endpoint: String,
    pub search_subject_endpoint: String,
    pub search_resource_endpoint: String,
    pub search_action_endpoint: String,
}
