//! Portcullis HTTP API.
//!
//! [`router`] builds the whole application: the native `/v1` API, health,
//! readiness, `/metrics` and `/openapi.json` (OpenAPI 3.1, generated from
//! the handlers), and the console for people at `/` (server-rendered HTML,
//! signed in with a token and kept in a server-side session). [`serve`]
//! runs it until a shutdown signal.

mod client;
mod console;
mod error;
mod extract;
mod gate;
mod graph;
mod json_errors;
mod list;
mod observe;
mod openapi;
mod routes;
mod shutdown;
mod state;
mod transport;

use std::future::Future;
use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::http::{Method, StatusCode, Uri};
use axum::middleware::{from_fn, from_fn_with_state, map_response};
use axum::{Extension, Router};
use portcullis_service::Portcullis;
use tokio::net::TcpListener;
use utoipa::OpenApi as _;
use utoipa_axum::router::OpenApiRouter;

pub use client::{ClientAddr, TrustedProxies};
pub use console::{CONTENT_SECURITY_POLICY_VALUE, SESSION_COOKIE};
pub use error::{ApiError, ErrorBody, ErrorDetail};
pub mod detection_group;
pub mod nats;

pub use observe::{Metrics, REQUEST_ID_HEADER};
pub use shutdown::ShutdownSignal;
pub use state::AppState;
pub use transport::{
    DEFAULT_HEADER_READ_TIMEOUT, DEFAULT_IDLE_TIMEOUT, Tls, TlsError, Transport, serve_with,
    tls_config,
};

pub use routes::watchlists::DEFAULT_MAX_WATCHLIST_BYTES;

/// The largest request body accepted unless configured otherwise: 1 MiB.
pub const DEFAULT_MAX_BODY_BYTES: usize = 1024 * 1024;

/// How the HTTP layer behaves.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    pub max_body_bytes: usize,
    /// The largest watchlist a load accepts.
    pub max_watchlist_bytes: usize,
    /// Peers whose `Forwarded` / `X-Forwarded-For` headers name the client
    /// ([`TrustedProxies`]); empty: the TCP peer is the client.
    pub trusted_proxies: Vec<ipnet::IpNet>,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            max_watchlist_bytes: routes::watchlists::DEFAULT_MAX_WATCHLIST_BYTES,
            trusted_proxies: Vec::new(),
        }
    }
}

/// The OpenAPI document and the router it describes.
fn api(config: &ServerConfig) -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let (router, mut document) = OpenApiRouter::with_openapi(openapi::ApiDoc::openapi())
        .merge(routes::tenants::router())
        .merge(routes::users::router())
        .merge(routes::groups::router())
        .merge(routes::tokens::router())
        .merge(routes::audit::router())
        .merge(routes::partners::router())
        .merge(routes::relationships::router())
        .merge(routes::assignments::router())
        .merge(routes::activations::router())
        .merge(routes::decisions::router())
        .merge(routes::events::router())
        .merge(routes::findings::router())
        .merge(routes::system::router())
        .merge(routes::vetting::router())
        .merge(routes::posture::router())
        .merge(routes::watchlists::router(config.max_watchlist_bytes))
        .merge(routes::intel::router(config.max_watchlist_bytes))
        .merge(routes::webhooks::router())
        .merge(routes::usage::router())
        .merge(routes::settings::router())
        .merge(routes::templates::router())
        .merge(routes::finding_answers::router())
        .merge(routes::score::router())
        .merge(routes::access_reviews::router())
        .merge(graph::router())
        .merge(routes::authzen::router())
        .split_for_parts();
    openapi::document_errors(&mut document);
    (router, document)
}

/// The OpenAPI 3.1 document of every route.
pub fn openapi() -> utoipa::openapi::OpenApi {
    api(&ServerConfig::default()).1
}

/// The whole application over `portcullis`.
pub fn router(portcullis: Portcullis, config: &ServerConfig) -> Router {
    let metrics = Arc::new(Metrics::default().with_workers(portcullis.clone()));
    let state = AppState::new(portcullis, metrics);
    let (router, openapi) = api(config);
    let document = Arc::new(openapi.to_json().unwrap_or_default());
    let proxies = TrustedProxies::new(config.trusted_proxies.clone());
    router
        .route_layer(from_fn_with_state(state.clone(), gate::authorize_first))
        .merge(console::router())
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(Extension(routes::system::OpenApiJson(document)))
        .layer(DefaultBodyLimit::max(config.max_body_bytes))
        .layer(map_response(json_errors::ensure_json))
        .layer(from_fn_with_state(state.clone(), observe::observe))
        .layer(from_fn(move |request, next| {
            client::client_addr(proxies.clone(), request, next)
        }))
        .with_state(state)
}

async fn not_found(method: Method, uri: Uri) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "not_found",
        format!("no route for `{method} {}`", uri.path()),
    )
}

async fn method_not_allowed(method: Method, uri: Uri) -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        format!("`{method}` is not allowed on `{}`", uri.path()),
    )
}

/// Serves `app` on `listener` with the default [`Transport`] (plain HTTP,
/// default timeouts) until `shutdown` completes, then lets in-flight
/// requests finish.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_with(listener, app, &Transport::default(), shutdown).await
}
