//! The OpenAPI document: what the handlers declare, plus the errors every
//! route can answer with, so the document lists every status a client sees.

use utoipa::openapi::path::Operation;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Portcullis",
        description = "Partner-access control plane: tenants, partner users, security groups, tokens and the audit log.",
        license(name = "Apache-2.0")
    ),
    modifiers(&BearerAuth),
    tags(
        (name = "tenants", description = "Partner and customer tenants"),
        (name = "users", description = "A partner tenant's users"),
        (name = "groups", description = "A partner tenant's security groups and members"),
        (name = "tokens", description = "API bearer tokens (operators)"),
        (name = "audit", description = "The tamper-evident audit log (operators)"),
        (name = "relationships", description = "Delegated admin relationships and their access assignments"),
        (name = "activations", description = "Just-in-time activations of eligible assignments"),
        (name = "usage", description = "Role usage from allowed decisions, and least-privilege recommendations"),
        (name = "decisions", description = "Access decisions for resource providers; the role catalog"),
        (name = "system", description = "Health, readiness, metrics, this document"),
        (name = "templates", description = "Relationship templates and bulk changes across relationships"),
        (name = "authzen", description = "OpenID AuthZEN Authorization API 1.0: evaluations, searches, PDP metadata; errors are message strings"),
        (name = "access reviews", description = "Customer access reviews of a partner's access, and recurring review policies")
    )
)]
pub(crate) struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("An opaque `pcs_…` token from `portcullis token create` or `POST /v1/tokens`"))
                    .build(),
            ),
        );
    }
}

/// Statuses any authenticated `/v1` operation may answer with.
const V1_ERRORS: [(&str, &str); 6] = [
    (
        "400",
        "Malformed request: bad id, query, cursor or `If-Match`",
    ),
    ("401", "No valid bearer token"),
    ("403", "The caller's kind may not do this"),
    ("404", "Not found, or outside the caller's tenant"),
    (
        "422",
        "A value breaks a rule, or names a tenant of the wrong kind",
    ),
    (
        "500",
        "Internal error; details are in the server log under the request id",
    ),
];

/// Statuses of an operation that takes a JSON body.
const BODY_ERRORS: [(&str, &str); 2] = [
    ("413", "The body is larger than the server accepts"),
    ("415", "The body is not `application/json`"),
];

/// Adds the error responses the handlers do not declare one by one.
pub(crate) fn document_errors(document: &mut utoipa::openapi::OpenApi) {
    for (path, item) in document.paths.paths.iter_mut() {
        let operations = [
            &mut item.get,
            &mut item.post,
            &mut item.put,
            &mut item.patch,
            &mut item.delete,
        ];
        for operation in operations.into_iter().flatten() {
            if path.starts_with("/v1/") {
                add_errors(operation, &V1_ERRORS, "ErrorBody");
            }
            // AuthZEN routes declare their own (text) errors: §10.1.2.
            if operation.request_body.is_some() && !path.starts_with("/access/") {
                add_errors(operation, &BODY_ERRORS, "ErrorBody");
            }
        }
    }
}

/// Documents each of `errors` (status, description) on `operation` unless
/// it declares that status itself, with a JSON body of schema `schema`.
pub(crate) fn add_errors(operation: &mut Operation, errors: &[(&str, &str)], schema: &str) {
    for (status, description) in errors {
        operation
            .responses
            .responses
            .entry((*status).to_owned())
            .or_insert_with(|| {
                ResponseBuilder::new()
                    .description(*description)
                    .content(
                        "application/json",
                        ContentBuilder::new()
                            .schema(Some(Ref::from_schema_name(schema)))
                            .build(),
                    )
                    .build()
                    .into()
            });
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_v1_operation_documents_the_common_errors() {
        let document = crate::openapi();
        let mut checked = 0;
        for (path, item) in &document.paths.paths {
            let operations = [&item.get, &item.post, &item.put, &item.patch, &item.delete];
            for operation in operations.into_iter().flatten() {
                let statuses = &operation.responses.responses;
                if path.starts_with("/v1/") {
                    for status in ["400", "401", "403", "404", "422", "500"] {
                        assert!(statuses.contains_key(status), "{path} lacks {status}");
                    }
                    checked += 1;
                }
                // AuthZEN routes answer a wrong content type with 400
                // (their own text errors, §10.1.2); the rest with 415.
                let body_errors: &[&str] = if path.starts_with("/access/") {
                    &["400", "413"]
                } else {
                    &["413", "415"]
                };
                if operation.request_body.is_some() {
                    for status in body_errors {
                        assert!(statuses.contains_key(*status), "{path} lacks {status}");
                    }
                }
            }
        }
        assert!(checked >= 22, "only {checked} /v1 operations found");
    }
}
