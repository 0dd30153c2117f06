//! Unauthenticated operational routes: liveness, readiness, metrics.

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use portcullis_service::{DetectionMembership, Membership, NodeStatus};
use serde::Serialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::{ApiError, ErrorDetail};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(healthz))
        .routes(routes!(readyz))
        .routes(routes!(metrics))
        .routes(routes!(openapi_json))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Health {
    pub status: &'static str,
}

/// The process is up.
#[utoipa::path(get, path = "/healthz", tag = "system", responses((status = 200, body = Health)))]
async fn healthz() -> Json<Health> {
    Json(Health { status: "ok" })
}

/// A node's place in the cluster, as `/readyz` reports it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Place {
    pub node_id: String,
    pub membership: Membership,
    /// Whether this node runs the cluster's background work.
    pub leader: bool,
    /// Its place in partitioned detection.
    pub detection: DetectionMembership,
    /// Partitions of the activity stream it owns.
    pub partitions_owned: u64,
}

impl From<NodeStatus> for Place {
    fn from(node: NodeStatus) -> Self {
        Self {
            node_id: node.node_id,
            membership: node.membership,
            leader: node.leader,
            detection: node.detection,
            partitions_owned: node.partitions_owned,
        }
    }
}

/// A node ready to serve, and its place in the cluster.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Readiness {
    pub status: &'static str,
    #[serde(flatten)]
    pub place: Place,
}

/// A node that may not take requests: why (an `unavailable` error), and
/// its place in the cluster (e.g. `"detection": "stalled"`).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Unready {
    pub error: ErrorDetail,
    #[serde(flatten)]
    pub place: Place,
}

fn unready(why: &str, node: NodeStatus) -> Response {
    let body = Unready {
        error: ErrorDetail {
            code: "unavailable",
            message: why.to_owned(),
        },
        place: node.into(),
    };
    (StatusCode::SERVICE_UNAVAILABLE, Json(body)).into_response()
}

/// The process can serve: its store answers, it has joined the cluster
/// (it knows whether it leads) and, in partitioned detection, it reads
/// every partition it owns (`detection` neither `stalled` nor `left`).
/// A 503 says why and where the node stands.
#[utoipa::path(get, path = "/readyz", tag = "system",
    responses((status = 200, body = Readiness), (status = 503, body = Unready)))]
async fn readyz(State(state): State<AppState>) -> Response {
    let node = state.portcullis.node_status();
    if !node.ready() {
        let why = match (node.membership, node.detection) {
            (Membership::Joining, _) => "the node has not joined the cluster yet",
            (_, DetectionMembership::Left) => "the node left the detection group",
            _ => "a detection partition this node owns is not being read",
        };
        return unready(why, node);
    }
    match state.portcullis.ping().await {
        Ok(()) => Json(Readiness {
            status: "ready",
            place: node.into(),
        })
        .into_response(),
        Err(err) => {
            tracing::warn!(%err, "store unreachable");
            unready("the store is unreachable", node)
        }
    }
}

/// Prometheus metrics (OpenMetrics text).
#[utoipa::path(get, path = "/metrics", tag = "system",
    responses((status = 200, content_type = "application/openmetrics-text", body = String)))]
async fn metrics(State(state): State<AppState>) -> Response {
    match state.metrics.render() {
        Ok(text) => (
            [(
                header::CONTENT_TYPE,
                "application/openmetrics-text; version=1.0.0; charset=utf-8",
            )],
            text,
        )
            .into_response(),
        Err(err) => ApiError::internal(err).into_response(),
    }
}

/// The OpenAPI document, rendered once at start.
#[derive(Debug, Clone)]
pub struct OpenApiJson(pub std::sync::Arc<String>);

/// This API's OpenAPI 3.1 document.
#[utoipa::path(get, path = "/openapi.json", tag = "system",
    responses((status = 200, content_type = "application/json", body = Object)))]
async fn openapi_json(
    axum::Extension(OpenApiJson(document)): axum::Extension<OpenApiJson>,
) -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        document.as_str().to_owned(),
    )
        .into_response()
}
