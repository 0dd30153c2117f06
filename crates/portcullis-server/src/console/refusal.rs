//! A refused form does not dead-end on a bare error page: when the service
//! refuses a console form (a conflict, a broken rule, a bad value), the
//! browser is sent back to the
//! page the form was on (`303 See Other`), which shows the refusal in an
//! error summary at its top with a link back to its list, and the form
//! filled in again with what was typed (`refill`), so the person can
//! correct and resend it. The message and the typed fields travel in a
//! short-lived cookie read once (`HttpOnly`, `SameSite=Strict`), so no
//! text rides in the URL.
//!
//! "Not found" is never turned into a redirect: another tenant's record
//! answers exactly like one that does not exist, and so does a change the
//! principal's kind may never make (the console shows a 403 of the service
//! as "not found", like an area the principal may not open).

use axum::body::Body;
use axum::extract::Request;
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE, COOKIE, LOCATION, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::error::ConsoleError;
use super::refill::{self, Carried};
use super::session::over_tls;

/// The cookie that carries a refusal to the page it is shown on.
pub const REFUSAL_COOKIE: &str = "portcullis_refusal";

/// The largest console form read (bytes): far above any form the console
/// shows (a bulk change of 2,000 relationships is about 100 KiB).
const MAX_FORM_BYTES: usize = 256 * 1024;

/// The largest page refilled (bytes); a larger one is shown as rendered.
const MAX_PAGE_BYTES: usize = 16 * 1024 * 1024;

/// What a refused form response carries for [`follow`] to pass on.
#[derive(Debug, Clone)]
pub struct Refusal(pub String);

/// The page a console form at `path` was sent from; `None` for the forms
/// that are not on a signed-in page (sign-in and sign-out).
pub fn form_page(path: &str) -> Option<String> {
    let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
    let page = match parts.as_slice() {
        ["relationships", "new"] => "/relationships/new".to_owned(),
        ["relationships", id, ..] => format!("/relationships/{id}"),
        ["findings", id, ..] => format!("/findings/{id}"),
        ["vetting", "cases", id, ..] => format!("/vetting/cases/{id}"),
        ["groups"] => "/groups".to_owned(),
        ["groups", id, ..] => format!("/groups/{id}"),
        ["containments", ..] => "/containments".to_owned(),
        ["activations", ..] => "/activations".to_owned(),
        ["restrictions"] => "/restrictions".to_owned(),
        ["least-privilege", "templates", ..] => "/least-privilege/templates".to_owned(),
        ["least-privilege", "bulk"] => "/least-privilege/bulk".to_owned(),
        ["least-privilege", ..] => "/least-privilege".to_owned(),
        ["access-reviews", "policy", ..] => "/access-reviews/policy".to_owned(),
        ["webhooks", "new"] => "/webhooks/new".to_owned(),
        ["access-reviews"] => "/access-reviews".to_owned(),
        ["access-reviews", id, ..] => format!("/access-reviews/{id}"),
        _ => return None,
    };
    Some(page)
}

/// The page a refused form goes back to, knowing what it sent: a lift
/// sent from a finding's page goes back to that finding.
fn back_to(path: &str, fields: &[(String, String)]) -> Option<String> {
    let page = form_page(path)?;
    let finding = fields
        .iter()
        .find(|(name, _)| name == "finding_id")
        .map(|(_, id)| id.as_str())
        .filter(|id| !id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));
    Some(match (page.as_str(), finding) {
        ("/containments", Some(id)) => format!("/findings/{id}"),
        _ => page,
    })
}

/// The refusal the request's cookie carries, if any.
pub fn carried(headers: &HeaderMap) -> Option<Carried> {
    let value = headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == REFUSAL_COOKIE)
        .map(|(_, value)| value.to_owned())?;
    Carried::decode(&value)
}

fn cookie(value: &str, max_age: u32, secure: bool) -> Option<HeaderValue> {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{REFUSAL_COOKIE}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}"
    ))
    .ok()
}

fn is_form(headers: &HeaderMap) -> bool {
    headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"))
}

fn is_html(response: &Response) -> bool {
    response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"))
}

/// Sends a refused form back to its page with the refusal and what was
/// typed; fills the form in again on the page that shows it, and clears
/// the refusal once shown.
pub async fn follow(req: Request, next: Next) -> Response {
    let (parts, body) = req.into_parts();
    let secure = over_tls(&parts);
    let post = parts.method == Method::POST;
    let path = parts.uri.path().to_owned();
    let shown = carried(&parts.headers);
    // A form that may be refused is read here first, to keep what it sent.
    let (body, typed) = if post && form_page(&path).is_some() && is_form(&parts.headers) {
        match axum::body::to_bytes(body, MAX_FORM_BYTES).await {
            Ok(bytes) => {
                let typed = refill::form_pairs(&bytes);
                (Body::from(bytes), typed)
            }
            Err(_) => {
                let too_large = ConsoleError::Refused("the form is too large".to_owned());
                let mut response = too_large.into_response();
                *response.status_mut() = StatusCode::PAYLOAD_TOO_LARGE;
                response.extensions_mut().clear();
                return response;
            }
        }
    } else {
        (body, Vec::new())
    };
    let mut response = next.run(Request::from_parts(parts, body)).await;
    let refusal = response.extensions_mut().remove::<Refusal>();
    if let (true, Some(Refusal(message)), Some(back)) = (post, refusal, back_to(&path, &typed)) {
        let carried = Carried::new(&message, &path, &typed);
        let mut redirect = (StatusCode::SEE_OTHER, [(LOCATION, back)]).into_response();
        if let Some(value) = cookie(&carried.encode(), 60, secure) {
            redirect.headers_mut().append(SET_COOKIE, value);
        }
        return redirect;
    }
    let Some(shown) = shown else {
        return response;
    };
    if post || !response.status().is_success() {
        return response;
    }
    if let Some(value) = cookie("", 0, secure) {
        response.headers_mut().append(SET_COOKIE, value);
    }
    if shown.fields.is_empty() || !is_html(&response) {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    match axum::body::to_bytes(body, MAX_PAGE_BYTES).await {
        Ok(bytes) => {
            let page = String::from_utf8_lossy(&bytes);
            let filled = refill::apply(&page, &shown);
            parts.headers.remove(CONTENT_LENGTH);
            Response::from_parts(parts, Body::from(filled))
        }
        Err(err) => {
            ConsoleError::Internal(format!("refilling a refused form: {err}")).into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_form_goes_back_to_the_page_it_was_on() {
        for (form, page) in [
            ("/relationships/r1/reject", Some("/relationships/r1")),
            ("/relationships/new", Some("/relationships/new")),
            (
                "/relationships/r1/assignments/a1/remove",
                Some("/relationships/r1"),
            ),
            ("/findings/f1/contain", Some("/findings/f1")),
            ("/vetting/cases/c1/review", Some("/vetting/cases/c1")),
            ("/groups", Some("/groups")),
            ("/groups/g1/members", Some("/groups/g1")),
            ("/containments/c1/lift", Some("/containments")),
            ("/activations/a1/approve", Some("/activations")),
            ("/least-privilege/x/apply", Some("/least-privilege")),
            ("/access-reviews/policy", Some("/access-reviews/policy")),
            (
                "/access-reviews/policy/delete",
                Some("/access-reviews/policy"),
            ),
            (
                "/least-privilege/templates",
                Some("/least-privilege/templates"),
            ),
            (
                "/least-privilege/templates/t1/apply",
                Some("/least-privilege/templates"),
            ),
            ("/least-privilege/bulk", Some("/least-privilege/bulk")),
            ("/webhooks/new", Some("/webhooks/new")),
            ("/access-reviews", Some("/access-reviews")),
            ("/access-reviews/v1/decisions", Some("/access-reviews/v1")),
            ("/sign-in", None),
            ("/sign-out", None),
        ] {
            assert_eq!(form_page(form).as_deref(), page, "{form}");
        }
    }

    #[test]
    fn a_lift_sent_from_a_finding_goes_back_to_the_finding() {
        let from_finding = [("finding_id".to_owned(), "f-1".to_owned())];
        assert_eq!(
            back_to("/containments/c1/lift", &from_finding).as_deref(),
            Some("/findings/f-1")
        );
        let odd = [("finding_id".to_owned(), "//evil.example".to_owned())];
        assert_eq!(
            back_to("/containments/c1/lift", &odd).as_deref(),
            Some("/containments")
        );
    }

    #[test]
    fn the_refusal_round_trips_through_its_cookie() {
        let fields = [
            ("csrf".to_owned(), "secret-csrf".to_owned()),
            ("reason".to_owned(), "<b>why</b>".to_owned()),
        ];
        let sent = Carried::new("`x` <b>is</b> taken; try again", "/groups", &fields);
        let mut headers = HeaderMap::new();
        headers.insert(
            COOKIE,
            HeaderValue::from_str(&format!("a=1; {REFUSAL_COOKIE}={}", sent.encode())).unwrap(),
        );
        let back = carried(&headers).unwrap();
        assert_eq!(back, sent);
        assert_eq!(back.message, "`x` <b>is</b> taken; try again");
        assert_eq!(
            back.fields,
            [("reason".to_owned(), "<b>why</b>".to_owned())]
        );
        assert_eq!(back.tag, refill::tag("secret-csrf"));
        headers.insert(COOKIE, HeaderValue::from_static("portcullis_refusal=%%%"));
        assert_eq!(carried(&headers), None);
    }
}
