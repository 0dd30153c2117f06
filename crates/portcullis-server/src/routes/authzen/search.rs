//! §8 Search APIs, answered from the decision index: which partner users
//! may do an action in a customer tenant now (§8.4), which customer tenants
//! a user may do it in (§8.5), which actions a user may do in a customer
//! tenant (§8.6). The searched-for entity's `id` is ignored when sent
//! (§8.4.1, §8.5.1); an input entity must be complete (a 400 otherwise);
//! an entity Portcullis cannot know — another type, an id that is not
//! one — finds nothing (an empty `results`, not an error).

use portcullis_decision::SearchPage;
use portcullis_domain::{Action, TenantId, UserId};
use portcullis_service::{Caller, MAX_SEARCH_PAGE, SearchQuery};
use serde_json::Value;

use super::mapping::{self, RESOURCE_TYPE, SUBJECT_TYPE};
use super::paging::Paging;
use super::reply::{AuthzenError, AuthzenResult};
use super::wire::{FoundAction, FoundEntity, PageResponse, SearchRequest, SearchResponse};
use crate::state::AppState;

/// The request, its page, and the session its context describes.
struct Read {
    request: SearchRequest,
    paging: Paging,
    session: portcullis_decision::SearchSession,
}

fn read(raw: &Value) -> AuthzenResult<Read> {
    let request: SearchRequest = super::reply::read_body(raw)?;
    let paging = Paging::read(raw, request.page.as_ref(), MAX_SEARCH_PAGE)?;
    let session = mapping::session(request.context.as_ref()).map_err(AuthzenError::bad_request)?;
    Ok(Read {
        request,
        paging,
        session,
    })
}

fn query<T>(read: &Read, after: Option<T>) -> SearchQuery<T> {
    SearchQuery {
        session: read.session,
        after,
        limit: read.paging.limit,
    }
}

/// The cursor of a token: the id or name the page starts after.
fn cursor<T>(read: &Read, parse: impl Fn(&str) -> Option<T>) -> AuthzenResult<Option<T>> {
    read.paging
        .after
        .as_deref()
        .map(|after| {
            parse(after).ok_or_else(|| {
                AuthzenError::bad_request(
                    "`page.token` must be a `next_token` of a previous response",
                )
            })
        })
        .transpose()
}

fn respond<T, R>(
    read: &Read,
    page: SearchPage<T>,
    key: impl Fn(&T) -> String,
    result: impl Fn(T) -> R,
) -> SearchResponse<R> {
    let next_token = read
        .paging
        .next_token(page.more, page.items.last().map(&key));
    let results: Vec<R> = page.items.into_iter().map(result).collect();
    SearchResponse {
        page: PageResponse {
            next_token,
            count: results.len(),
        },
        results,
    }
}

fn nothing<R>() -> SearchResponse<R> {
    SearchResponse {
        page: PageResponse {
            next_token: String::new(),
            count: 0,
        },
        results: Vec::new(),
    }
}

fn found(kind: &'static str) -> impl Fn(String) -> FoundEntity {
    move |id| FoundEntity { kind, id }
}

/// The user a search is about, asked with its own partner tenant: `None`
/// when the subject is no partner user, or claims a partner tenant that
/// is not the user's (which nothing is allowed under).
fn searched_user(
    state: &AppState,
    caller: &Caller,
    request: &SearchRequest,
) -> AuthzenResult<Option<UserId>> {
    let Ok(user) = mapping::user(request.subject.as_ref()).map_err(AuthzenError::bad_request)?
    else {
        return Ok(None);
    };
    let partner = state.portcullis.partner_of_user(caller, user.id)?;
    let claim_holds = user.claimed_partner.is_none_or(|c| Some(c) == partner);
    Ok((partner.is_some() && claim_holds).then_some(user.id))
}

/// §8.4 Subject Search: the partner users allowed the action in the customer.
pub fn subjects(
    state: &AppState,
    caller: &Caller,
    raw: &Value,
) -> AuthzenResult<SearchResponse<FoundEntity>> {
    let read = read(raw)?;
    let request = &read.request;
    let kind =
        mapping::subject_type(request.subject.as_ref()).map_err(AuthzenError::bad_request)?;
    let action = mapping::action(request.action.as_ref()).map_err(AuthzenError::bad_request)?;
    let customer =
        mapping::customer(request.resource.as_ref()).map_err(AuthzenError::bad_request)?;
    let after = cursor(&read, |c| UserId::parse(c).ok())?;
    let (Ok(action), Ok(customer), SUBJECT_TYPE) = (action, customer, kind) else {
        return Ok(nothing());
    };
    let page = state
        .portcullis
        .search_subjects(caller, customer, &action, &query(&read, after))?;
    Ok(respond(&read, page, ToString::to_string, |u| {
        found(SUBJECT_TYPE)(u.to_string())
    }))
}

/// §8.5 Resource Search: the customer tenants in which the user is allowed the action.
pub fn resources(
    state: &AppState,
    caller: &Caller,
    raw: &Value,
) -> AuthzenResult<SearchResponse<FoundEntity>> {
    let read = read(raw)?;
    let request = &read.request;
    let kind =
        mapping::resource_type(request.resource.as_ref()).map_err(AuthzenError::bad_request)?;
    let action = mapping::action(request.action.as_ref()).map_err(AuthzenError::bad_request)?;
    let user = searched_user(state, caller, request)?;
    let after = cursor(&read, |c| TenantId::parse(c).ok())?;
    let (Some(user), Ok(action), RESOURCE_TYPE) = (user, action, kind) else {
        return Ok(nothing());
    };
    let page = state
        .portcullis
        .search_customers(caller, user, &action, &query(&read, after))?;
    Ok(respond(&read, page, ToString::to_string, |t| {
        found(RESOURCE_TYPE)(t.to_string())
    }))
}

/// §8.6 Action Search: the actions the user is allowed in the customer,
/// among those the role catalog names. A request's `action` is ignored.
pub fn actions(
    state: &AppState,
    caller: &Caller,
    raw: &Value,
) -> AuthzenResult<SearchResponse<FoundAction>> {
    let read = read(raw)?;
    let request = &read.request;
    let customer =
        mapping::customer(request.resource.as_ref()).map_err(AuthzenError::bad_request)?;
    let user = searched_user(state, caller, request)?;
    let after = cursor(&read, |c| Action::parse(c).ok())?;
    let (Some(user), Ok(customer)) = (user, customer) else {
        return Ok(nothing());
    };
    let page = state
        .portcullis
        .search_actions(caller, user, customer, &query(&read, after))?;
    Ok(respond(&read, page, ToString::to_string, |a| FoundAction {
        name: a.to_string(),
    }))
}
