//! A refused form does not dead-end on a bare error page: when the service
//! refuses a console form (a conflict, a broken rule, a bad value), the
//! browser is sent back to the
//! page the form was on (`303 See Other`), which shows the refusal in an
//! error summary at its top with a link back to its list, so the person
//! can correct and resend it. The message travels in a short-lived cookie
//! read once (`HttpOnly`, `SameSite=Strict`), so no text rides in the URL.
//!
//! "Not found" is never turned into a redirect: another tenant's record
//! answers exactly like one that does not exist, and so does a change the
//! principal's kind may never make (the console shows a 403 of the service
//! as "not found", like an area the principal may not open).

use axum::extract::Request;
use axum::http::header::{COOKIE, LOCATION, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::session::over_tls;

/// The cookie that carries a refusal to the page it is shown on.
pub const REFUSAL_COOKIE: &str = "portcullis_refusal";

/// The longest refusal carried (characters); longer ones are cut.
const MAX_CHARS: usize = 500;

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
        ["least-privilege", ..] => "/least-privilege".to_owned(),
        ["access-reviews", "policy", ..] => "/access-reviews/policy".to_owned(),
        _ => return None,
    };
    Some(page)
}

/// The refusal the request's cookie carries, if any.
pub fn carried(headers: &HeaderMap) -> Option<String> {
    let value = headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == REFUSAL_COOKIE)
        .map(|(_, value)| value.to_owned())?;
    let bytes = URL_SAFE_NO_PAD.decode(value).ok()?;
    String::from_utf8(bytes).ok().filter(|m| !m.is_empty())
}

fn cookie(value: &str, max_age: u32, secure: bool) -> Option<HeaderValue> {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{REFUSAL_COOKIE}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}"
    ))
    .ok()
}

/// Sends a refused form back to its page with the refusal, and clears the
/// refusal once a page has shown it.
pub async fn follow(req: Request, next: Next) -> Response {
    let (parts, body) = req.into_parts();
    let secure = over_tls(&parts);
    let post = parts.method == Method::POST;
    let back = form_page(parts.uri.path());
    let shown = carried(&parts.headers).is_some();
    let mut response = next.run(Request::from_parts(parts, body)).await;
    let refusal = response.extensions_mut().remove::<Refusal>();
    if let (true, Some(Refusal(message)), Some(back)) = (post, refusal, back) {
        let message: String = message.chars().take(MAX_CHARS).collect();
        let mut redirect = (StatusCode::SEE_OTHER, [(LOCATION, back)]).into_response();
        if let Some(value) = cookie(&URL_SAFE_NO_PAD.encode(message), 60, secure) {
            redirect.headers_mut().append(SET_COOKIE, value);
        }
        return redirect;
    }
    if shown
        && !post
        && response.status().is_success()
        && let Some(value) = cookie("", 0, secure)
    {
        response.headers_mut().append(SET_COOKIE, value);
    }
    response
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
            ("/sign-in", None),
            ("/sign-out", None),
        ] {
            assert_eq!(form_page(form).as_deref(), page, "{form}");
        }
    }

    #[test]
    fn the_refusal_round_trips_through_its_cookie() {
        let mut headers = HeaderMap::new();
        let value = URL_SAFE_NO_PAD.encode("`x` <b>is</b> taken; try again");
        headers.insert(
            COOKIE,
            HeaderValue::from_str(&format!("a=1; {REFUSAL_COOKIE}={value}")).unwrap(),
        );
        assert_eq!(
            carried(&headers).as_deref(),
            Some("`x` <b>is</b> taken; try again")
        );
        headers.insert(COOKIE, HeaderValue::from_static("portcullis_refusal=%%%"));
        assert_eq!(carried(&headers), None);
    }
}
