//! A form the service refuses comes back filled in as it was sent, with
//! an error summary that links to the field it names; what was typed
//! stays text (an XSS payload in a refilled value runs nothing), and
//! nothing changed. Three forms of three principals, in a real browser.

use reqwest::StatusCode;

use super::browser::Browser;
use super::web;
use super::world::World;

/// Would run if a refilled value were markup, not text.
const PAYLOAD: &str = r#""><img src=x onerror="window.pwned=1"><script>window.pwned=1</script>"#;

/// Nothing the payload carries became part of the page.
async fn inert(browser: &Browser) {
    let found = browser
        .run(
            "return [window.pwned === undefined, \
             document.querySelectorAll('img, script:not([src])').length];",
        )
        .await;
    assert_eq!(
        found,
        serde_json::json!([true, 0]),
        "the payload stayed text"
    );
}

/// The summary's link to a field, as `(href, text)`.
async fn field_links(browser: &Browser) -> Vec<(String, String)> {
    let links = browser
        .run(
            "return Array.from(document.querySelectorAll('#refusal-fields a'))\
             .map(a => [a.getAttribute('href'), a.textContent]);",
        )
        .await;
    serde_json::from_value(links).expect("pairs")
}

async fn invalid(browser: &Browser, css: &str) -> bool {
    let script = format!(
        "const e = document.querySelector('{css}'); \
         return e.getAttribute('aria-invalid') === 'true' && \
         e.getAttribute('aria-describedby').includes('refusal-message');"
    );
    browser.run(&script).await == serde_json::json!(true)
}

#[tokio::test]
async fn a_customers_refused_restrictions_come_back_as_typed() {
    let w = World::build().await;
    let Some(browser) = Browser::start(&w.server.base).await else {
        return;
    };
    browser.sign_in(&w.c_admin.secret).await;
    browser.goto("/restrictions").await;
    let typed = format!("203.0.113.0/24\n{PAYLOAD}");
    browser.fill("#ranges", &typed).await;
    browser.choose("input[name=hours][value=window]").await;
    browser.select("#start_hour", "9").await;
    browser.select("#end_hour", "17").await;
    browser.click("#save-restrictions").await;

    assert_eq!(browser.path().await, "/restrictions");
    let text = browser.text().await;
    assert!(text.contains("The change was refused"), "{text}");
    assert!(text.contains("is not a network"), "{text}");
    assert_eq!(browser.value("#ranges").await, typed, "kept as typed");
    assert!(browser.checked("input[name=hours][value=window]").await);
    assert!(!browser.checked("input[name=hours][value=any]").await);
    assert_eq!(browser.value("#start_hour").await, "9");
    assert_eq!(browser.value("#end_hour").await, "17");
    // The refusal quotes the bad line, so it names the field.
    let links = field_links(&browser).await;
    assert_eq!(links.len(), 1, "{links:?}");
    assert_eq!(links[0].0, "#ranges");
    assert!(
        links[0].1.starts_with("Networks partner sessions"),
        "{links:?}"
    );
    assert!(invalid(&browser, "#ranges").await);
    inert(&browser).await;
    browser.screenshot("refused-restrictions-refilled").await;

    // Nothing was saved; the refill shows once.
    let saved = w
        .server
        .get(
            &format!("/v1/tenants/{}/restrictions", w.c),
            &w.c_admin.secret,
        )
        .await
        .expect_status(StatusCode::OK)
        .json();
    assert_eq!(saved["allowed_ip_ranges"], serde_json::json!([]), "{saved}");
    browser.goto("/restrictions").await;
    assert!(!browser.text().await.contains("The change was refused"));
    assert_ne!(browser.value("#ranges").await, typed);
    browser.close().await;
}

#[tokio::test]
async fn a_partners_refused_group_keeps_its_name_and_description() {
    let w = World::build().await;
    let Some(browser) = Browser::start(&w.server.base).await else {
        return;
    };
    browser.sign_in(&w.a_admin.secret).await;
    for description in ["the first", PAYLOAD] {
        browser.goto("/groups").await;
        browser.fill("#display_name", "Helpdesk twins").await;
        browser.fill("#description", description).await;
        browser.click("#create-group-button").await;
    }
    assert_eq!(browser.path().await, "/groups");
    let text = browser.text().await;
    assert!(text.contains("The change was refused"), "{text}");
    assert_eq!(browser.value("#display_name").await, "Helpdesk twins");
    assert_eq!(browser.value("#description").await, PAYLOAD);
    // The refusal quotes the name: the summary links to the name's field.
    assert_eq!(
        field_links(&browser).await,
        [("#display_name".to_owned(), "Name".to_owned())]
    );
    assert!(invalid(&browser, "#display_name").await);
    assert!(!invalid(&browser, "#description").await);
    // The filter form on the same page is another form: left as it was.
    assert_eq!(browser.value("#q").await, "");
    inert(&browser).await;
    browser.screenshot("refused-group-refilled").await;
    browser.close().await;
    let groups = w
        .server
        .op_get(&format!("/v1/tenants/{}/groups", w.a))
        .await
        .items();
    assert_eq!(groups.len(), 1, "{groups:?}");
}

#[tokio::test]
async fn an_operators_refused_status_change_keeps_the_chosen_status() {
    let w = World::build().await;
    let Some(browser) = Browser::start(&w.server.base).await else {
        return;
    };
    browser.sign_in(&w.server.operator.secret).await;
    let page = format!("/findings/{}", w.a_finding);
    browser.goto(&page).await;
    // Suppressing needs a reason; none is given.
    browser.select("#new-status", "Suppressed").await;
    browser.click("#change-status").await;
    assert_eq!(browser.path().await, page);
    let text = browser.text().await;
    assert!(text.contains("The change was refused"), "{text}");
    assert_eq!(browser.value("#new-status").await, "Suppressed");
    assert_eq!(browser.value("#status-reason").await, "");
    let links = field_links(&browser).await;
    assert_eq!(
        links,
        [(
            "#status-reason".to_owned(),
            "Reason (required to suppress)".to_owned()
        )]
    );
    assert!(invalid(&browser, "#status-reason").await);
    // The contain form's reason is another field of the same name: untouched.
    assert!(!invalid(&browser, "#contain-reason").await);
    browser.screenshot("refused-status-refilled").await;
    // Following the link puts the cursor in the field; with a reason it goes through.
    browser.choose("#refusal-fields a").await;
    let focused = browser.run("return document.activeElement.id;").await;
    assert_eq!(focused, serde_json::json!("status-reason"));
    browser.fill("#status-reason", "a test finding").await;
    browser.click("#change-status").await;
    assert!(!browser.text().await.contains("The change was refused"));
    assert_eq!(w.finding_status(&w.a_finding).await, "Suppressed");
    browser.close().await;
}

/// Over plain HTTP: a refill lands only in the session that typed it,
/// and never carries the CSRF token.
#[tokio::test]
async fn a_refill_never_lands_in_another_session() {
    let w = World::build().await;
    let s = &w.server;
    let partner = web::sign_in(s, &w.a_admin.secret).await;
    let csrf = web::csrf(s, &partner, "/groups").await;
    let first = [("csrf", csrf.as_str()), ("display_name", "Twice")];
    web::post(s, &partner, "/groups", &first).await;
    let create = [
        ("csrf", csrf.as_str()),
        ("display_name", "Twice"),
        ("description", "typed by the first session"),
    ];
    let again = web::post(s, &partner, "/groups", &create).await;
    let refusal = web::set_cookie(&again);
    let refusal = refusal.split(';').next().unwrap_or_default().to_owned();
    let shown = web::refused(s, &partner, again, "/groups").await;
    assert!(
        shown.contains(r#"value="typed by the first session""#),
        "{shown}"
    );

    // Another session of the same tenant, handed the cookie, gets the
    // summary but not the other session's values.
    let other = web::sign_in(s, &w.a_admin.secret).await;
    let html = web::client()
        .get(s.url("/groups"))
        .header(
            reqwest::header::COOKIE,
            format!("{}={other}; {refusal}", portcullis_server::SESSION_COOKIE),
        )
        .send()
        .await
        .expect("the page")
        .text()
        .await
        .expect("html");
    assert!(html.contains("The change was refused"), "{html}");
    assert!(!html.contains("typed by the first session"), "{html}");
}
