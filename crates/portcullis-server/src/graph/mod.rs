//! The Microsoft Graph-compatible view of delegated admin relationships,
//! under `/v1.0/tenantRelationships/`: the same data and use cases as the
//! native `/v1` API, in Graph's resource shapes (`delegatedAdminRelationship`,
//! `delegatedAdminRelationshipRequest`, `delegatedAdminAccessAssignment`,
//! `delegatedAdminRelationshipOperation`, `delegatedAdminCustomer`), OData
//! paging and errors. `docs/graph.md` lists what is supported and where it
//! departs from Graph.
//!
//! Every failure under `/v1.0/` answers in the OData error shape, including
//! authentication failures, bad JSON, unknown routes and methods.

mod assignments;
mod customers;
mod error;
pub(crate) use self::error::refuse_early;
mod extract;
mod odata;
mod operations;
mod relationship;
mod relationships;
mod requests;

use axum::extract::{OriginalUri, State};
use axum::http::{Method, StatusCode};
use axum::middleware::from_fn;
use axum::routing::any;
use utoipa::openapi::OpenApi;
use utoipa::openapi::tag::TagBuilder;
use utoipa::{PartialSchema, ToSchema};
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouter};

use self::error::{GraphError, ODataError, envelope, stamp};
use crate::openapi::add_errors;
use crate::state::AppState;

/// The Graph routes, documented, with their error envelope.
pub fn router() -> OpenApiRouter<AppState> {
    let mut router = OpenApiRouter::new()
        .merge(relationships::router())
        .merge(requests::router())
        .merge(assignments::router())
        .merge(operations::router())
        .merge(customers::router())
        .route("/v1.0", any(no_route))
        .route("/v1.0/", any(no_route))
        .route("/v1.0/{*rest}", any(no_route));
    document(router.get_openapi_mut());
    router.layer(from_fn(envelope))
}

/// Graph routes answer an unsupported method in the OData shape, not with
/// the native fallback.
fn with_method_fallback(
    (schemas, paths, method_router): UtoipaMethodRouter<AppState>,
) -> UtoipaMethodRouter<AppState> {
    (schemas, paths, method_router.fallback(method_not_allowed))
}

async fn method_not_allowed(
    State(state): State<AppState>,
    method: Method,
    OriginalUri(uri): OriginalUri,
    request: axum::extract::Request,
) -> GraphError {
    stamp(request.extensions(), &state);
    GraphError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        format!("`{method}` is not allowed on `{}`", uri.path()),
    )
}

async fn no_route(
    State(state): State<AppState>,
    method: Method,
    OriginalUri(uri): OriginalUri,
    request: axum::extract::Request,
) -> GraphError {
    stamp(request.extensions(), &state);
    GraphError::not_found(format!(
        "no route for `{method} {}`; the Graph view serves `/v1.0/tenantRelationships/delegatedAdminRelationships` and `/v1.0/tenantRelationships/delegatedAdminCustomers`",
        uri.path()
    ))
}

/// Statuses every Graph operation may answer with.
const ERRORS: [(&str, &str); 5] = [
    (
        "400",
        "Malformed request: bad id, query option, skip token, body or `If-Match`; a value that breaks a rule",
    ),
    ("401", "No valid bearer token"),
    ("403", "The caller's kind may not do this"),
    ("404", "Not found, or outside the caller's tenant"),
    (
        "500",
        "Internal error; the request id identifies the details in the server log",
    ),
];
const MUTATION_ERRORS: [(&str, &str); 1] = [(
    "409",
    "The relationship's state does not allow this, or the name is taken",
)];
const CONDITIONAL_ERRORS: [(&str, &str); 1] = [(
    "412",
    "`If-Match` names an older version (`resourceModified`)",
)];
const BODY_ERRORS: [(&str, &str); 2] = [
    ("413", "The body is larger than the server accepts"),
    ("415", "The body is not `application/json`"),
];

/// Adds the OData error responses, the error schema and the tag to the
/// Graph part of the document.
fn document(openapi: &mut OpenApi) {
    let error_name = ODataError::name().into_owned();
    let mut schemas = vec![(error_name.clone(), ODataError::schema())];
    ODataError::schemas(&mut schemas);
    openapi
        .components
        .get_or_insert_with(Default::default)
        .schemas
        .extend(schemas);
    openapi.tags.get_or_insert_with(Vec::new).push(
        TagBuilder::new()
            .name("graph")
            .description(Some(
                "The Microsoft Graph-compatible view of delegated admin relationships (docs/graph.md)",
            ))
            .build(),
    );
    for item in openapi.paths.paths.values_mut() {
        let operations = [
            (&mut item.get, false),
            (&mut item.post, true),
            (&mut item.patch, true),
            (&mut item.delete, true),
        ];
        for (operation, mutates) in operations {
            let Some(operation) = operation else {
                continue;
            };
            add_errors(operation, &ERRORS, &error_name);
            if mutates {
                add_errors(operation, &MUTATION_ERRORS, &error_name);
            }
            if operation
                .parameters
                .iter()
                .flatten()
                .any(|p| p.name == "If-Match")
            {
                add_errors(operation, &CONDITIONAL_ERRORS, &error_name);
            }
            if operation.request_body.is_some() {
                add_errors(operation, &BODY_ERRORS, &error_name);
            }
        }
    }
}
