//! The console over plain HTTP: sign in with a token, then send the
//! session cookie and the page's CSRF token like a browser would.

use reqwest::header::{COOKIE, SET_COOKIE};
use reqwest::{Response, StatusCode, redirect};

use crate::support::TestServer;

/// A client that does not follow redirects, so tests see them.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(redirect::Policy::none())
        .build()
        .expect("a client")
}

/// The raw `Set-Cookie` of a successful sign-in with `token`.
pub async fn sign_in_raw(server: &TestServer, token: &str) -> Response {
    client()
        .post(server.url("/sign-in"))
        .form(&[("token", token)])
        .send()
        .await
        .expect("sign in")
}

/// The session cookie's value after signing in with `token`.
pub async fn sign_in(server: &TestServer, token: &str) -> String {
    let response = sign_in_raw(server, token).await;
    assert_eq!(
        response.status(),
        StatusCode::SEE_OTHER,
        "sign-in redirects"
    );
    cookie_value(&response).expect("a session cookie")
}

pub fn cookie_value(response: &Response) -> Option<String> {
    let header = response.headers().get(SET_COOKIE)?.to_str().ok()?;
    let pair = header.split(';').next()?;
    let (_, value) = pair.split_once('=')?;
    Some(value.to_owned())
}

pub fn set_cookie(response: &Response) -> String {
    response
        .headers()
        .get(SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

fn session(cookie: &str) -> String {
    format!("{}={cookie}", portcullis_server::SESSION_COOKIE)
}

pub async fn get(server: &TestServer, cookie: &str, path: &str) -> Response {
    client()
        .get(server.url(path))
        .header(COOKIE, session(cookie))
        .send()
        .await
        .expect("get a console page")
}

/// A console page's text as `cookie`'s session sees it (empty when the
/// body cannot be read, so the caller's assertion names the page).
pub async fn text(server: &TestServer, cookie: &str, path: &str) -> String {
    get(server, cookie, path)
        .await
        .text()
        .await
        .unwrap_or_default()
}

pub async fn post(
    server: &TestServer,
    cookie: &str,
    path: &str,
    form: &[(&str, &str)],
) -> Response {
    client()
        .post(server.url(path))
        .header(COOKIE, session(cookie))
        .form(form)
        .send()
        .await
        .expect("post a console form")
}

/// The CSRF token in a page's forms.
pub fn csrf_of(html: &str) -> String {
    let marker = "name=\"csrf\" value=\"";
    let start = html.find(marker).expect("a form with a CSRF token") + marker.len();
    html[start..]
        .split('"')
        .next()
        .expect("the token")
        .to_owned()
}

/// The CSRF token of the session, read from the page at `path`.
pub async fn csrf(server: &TestServer, cookie: &str, path: &str) -> String {
    let html = get(server, cookie, path)
        .await
        .text()
        .await
        .expect("a page");
    csrf_of(&html)
}

/// A form the service refused: it answers `303` back to `page` with the
/// reason in a cookie; returns that page as the browser then shows it.
pub async fn refused(server: &TestServer, cookie: &str, response: Response, page: &str) -> String {
    assert_eq!(
        response.status(),
        StatusCode::SEE_OTHER,
        "a refused form goes back"
    );
    assert_eq!(location(&response), page);
    let refusal = set_cookie(&response);
    let refusal = refusal.split(';').next().unwrap_or_default();
    assert!(refusal.starts_with("portcullis_refusal="), "{refusal}");
    let shown = client()
        .get(server.url(page))
        .header(COOKIE, format!("{}; {refusal}", session(cookie)))
        .send()
        .await
        .expect("the form's page");
    assert_eq!(shown.status(), StatusCode::OK);
    let html = shown.text().await.expect("a page");
    assert!(html.contains("The change was refused"), "{html}");
    html
}

/// Where a redirect goes.
pub fn location(response: &Response) -> String {
    response
        .headers()
        .get(reqwest::header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}
