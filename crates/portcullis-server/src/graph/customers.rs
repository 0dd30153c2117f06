//! `/v1.0/tenantRelationships/delegatedAdminCustomers`: the customers a
//! partner serves. As in Graph, a customer is listed while at least one of
//! its relationships with the partner is active. Partner admins see their
//! own customers, operators every partner's; customer admins and services
//! may not ask (403).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use portcullis_domain::{Tenant, TenantId};
use serde::Serialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::error::{GraphError, GraphResult};
use super::extract::{GraphCaller, GraphPath, GraphQuery, ServiceRoot};
use super::odata::{Collection, Entity, ListOptions, entity_response};
use super::requests::ListParams;
use super::with_method_fallback;
use crate::error::ApiError;
use crate::state::AppState;

const CUSTOMERS: &str = "/v1.0/tenantRelationships/delegatedAdminCustomers";
const CONTEXT: &str = "tenantRelationships/delegatedAdminCustomers";

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(with_method_fallback(routes!(list_customers)))
        .routes(with_method_fallback(routes!(get_customer)))
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = microsoft::graph::delegatedAdminCustomer)]
pub struct CustomerView {
    #[serde(rename = "@odata.type")]
    #[schema(value_type = String)]
    pub odata_type: &'static str,
    /// The customer's tenant id.
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub tenant_id: String,
    pub display_name: String,
}

impl From<&Tenant> for CustomerView {
    fn from(tenant: &Tenant) -> Self {
        Self {
            odata_type: "#microsoft.graph.delegatedAdminCustomer",
            id: tenant.id.to_string(),
            tenant_id: tenant.id.to_string(),
            display_name: tenant.display_name.as_str().to_owned(),
        }
    }
}

/// List the customers with an active relationship with the caller's partner tenant.
#[utoipa::path(get, path = "/v1.0/tenantRelationships/delegatedAdminCustomers", tag = "graph",
    params(ListParams), security(("bearer" = [])),
    responses((status = 200, body = Collection<CustomerView>)))]
async fn list_customers(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
    root: ServiceRoot,
    GraphQuery(query): GraphQuery,
) -> GraphResult<axum::Json<Collection<CustomerView>>> {
    let options = ListOptions::parse(&query, &[])?;
    let customers = state.portcullis.delegated_customers(&caller).await?;
    let (page, last) = options.page(customers, |t| t.id.to_string());
    Ok(axum::Json(Collection {
        context: root.context(CONTEXT),
        next_link: last.map(|last| options.next_link(&root, CUSTOMERS, &last)),
        value: page.iter().map(CustomerView::from).collect(),
    }))
}

/// Read one of the caller's customers, by tenant id.
#[utoipa::path(get, path = "/v1.0/tenantRelationships/delegatedAdminCustomers/{delegatedAdminCustomerId}",
    tag = "graph", params(("delegatedAdminCustomerId" = String, Path, format = Uuid)),
    security(("bearer" = [])), responses((status = 200, body = Entity<CustomerView>)))]
async fn get_customer(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
    root: ServiceRoot,
    GraphPath(raw): GraphPath<String>,
) -> GraphResult<Response> {
    let id = TenantId::parse(&raw).map_err(ApiError::invalid_id)?;
    let customers = state.portcullis.delegated_customers(&caller).await?;
    let found = customers
        .iter()
        .find(|t| t.id == id)
        .ok_or_else(|| GraphError::not_found(format!("customer `{id}` not found")))?;
    let body = Entity {
        context: root.context(&format!("{CONTEXT}/$entity")),
        value: CustomerView::from(found),
    };
    Ok(entity_response(StatusCode::OK, None, None, body))
}
