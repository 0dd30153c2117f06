//! Accessibility of the main pages, read from the DOM in a real browser:
//! every form control has a label (or an `aria-label`), every table a
//! caption and headers with a scope, every button a name; each page
//! starts with a skip link to its main content, which the keyboard
//! reaches first and which shows where the focus is.

use fantoccini::Locator;

use super::browser::Browser;
use super::ops_world::OpsWorld;

/// What is wrong on the page, as sentences (empty when nothing is).
const AUDIT: &str = r#"
const bad = [];
const short = (el) => el.outerHTML.slice(0, 140);
for (const el of document.querySelectorAll('input:not([type=hidden]), select, textarea')) {
  const labelled = Array.from(el.labels || []).some(l => l.textContent.trim() !== '');
  const named = labelled || (el.getAttribute('aria-label') || '').trim() !== ''
    || (el.getAttribute('aria-labelledby') || '').trim() !== '';
  if (!named) bad.push('a control without a label: ' + short(el));
}
for (const t of document.querySelectorAll('table')) {
  const caption = t.querySelector('caption');
  if (!(caption && caption.textContent.trim()) && !t.getAttribute('aria-label')
      && !t.getAttribute('aria-labelledby')) {
    bad.push('a table without a caption: ' + (t.id || t.className || short(t)));
  }
  for (const th of t.querySelectorAll('th')) {
    if (!['col', 'row', 'colgroup', 'rowgroup'].includes(th.getAttribute('scope'))) {
      bad.push('a header without a scope: ' + short(th));
    }
  }
}
for (const b of document.querySelectorAll('button')) {
  if (!b.textContent.trim() && !b.getAttribute('aria-label')) bad.push('a button without a name: ' + short(b));
}
const first = document.querySelector('body a, body button, body input, body select, body textarea');
if (!first || !first.classList.contains('skip-link') || first.getAttribute('href') !== '#main') {
  bad.push('the first focusable element is not the skip link');
}
if (!document.querySelector('main#main')) bad.push('no main#main for the skip link');
if (document.querySelectorAll('h1').length !== 1) bad.push('not exactly one h1');
return bad;
"#;

/// The element the keyboard reaches first: it must be the skip link,
/// on screen and outlined while focused.
const FIRST_TAB: &str = r#"
const el = document.activeElement;
const style = getComputedStyle(el);
const box = el.getBoundingClientRect();
return [el.className, style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0,
        box.top >= 0 && box.height > 0];
"#;

async fn audit(browser: &Browser, who: &str, path: &str, problems: &mut Vec<String>) {
    browser.goto(path).await;
    let text = browser.text().await;
    assert!(
        !text.contains("Page not found"),
        "{who} should see `{path}`: {text}"
    );
    let found = browser.run(AUDIT).await;
    let found: Vec<String> = serde_json::from_value(found).expect("sentences");
    problems.extend(found.into_iter().map(|p| format!("{who} {path}: {p}")));
}

async fn first_tab_is_the_skip_link(browser: &Browser, path: &str) {
    browser.goto(path).await;
    browser
        .client
        .find(Locator::Css("body"))
        .await
        .expect("a body")
        .send_keys("\u{E004}")
        .await
        .expect("press Tab");
    let found = browser.run(FIRST_TAB).await;
    assert_eq!(
        found,
        serde_json::json!(["skip-link", true, true]),
        "on `{path}`, Tab first reaches the visible, outlined skip link"
    );
}

#[tokio::test]
async fn every_main_page_labels_its_controls_and_tables() {
    let o = OpsWorld::build().await;
    let w = &o.w;
    let s = &w.server;
    let Some(browser) = Browser::start(&s.base).await else {
        return;
    };
    let mut problems = Vec::new();
    audit(&browser, "anyone", "/sign-in", &mut problems).await;
    first_tab_is_the_skip_link(&browser, "/sign-in").await;

    browser.sign_in(&s.operator.secret).await;
    let mut operator: Vec<String> = o.pages().into_iter().map(|(path, _)| path).collect();
    operator.extend([
        "/".to_owned(),
        "/findings".to_owned(),
        format!("/findings/{}", w.a_finding),
        "/relationships".to_owned(),
        format!("/relationships/{}", w.a_relationship),
        "/webhooks/new".to_owned(),
    ]);
    for path in &operator {
        audit(&browser, "operator", path, &mut problems).await;
    }
    first_tab_is_the_skip_link(&browser, "/findings").await;
    browser.client.delete_all_cookies().await.expect("sign out");

    browser.sign_in(&w.a_admin.secret).await;
    for path in [
        "/relationships".to_owned(),
        "/relationships/new".to_owned(),
        format!("/relationships/{}", w.a_relationship),
        "/application".to_owned(),
        "/posture".to_owned(),
        "/groups".to_owned(),
        "/activations".to_owned(),
        "/findings".to_owned(),
        "/least-privilege".to_owned(),
        "/least-privilege/templates".to_owned(),
        "/least-privilege/bulk".to_owned(),
    ] {
        audit(&browser, "partner admin", &path, &mut problems).await;
    }
    browser.client.delete_all_cookies().await.expect("sign out");

    browser.sign_in(&w.c_admin.secret).await;
    for path in [
        "/relationships".to_owned(),
        format!("/relationships/{}", w.a_relationship),
        "/activity".to_owned(),
        "/restrictions".to_owned(),
        "/findings".to_owned(),
        "/access-reviews".to_owned(),
        "/webhooks".to_owned(),
        "/webhooks/new".to_owned(),
    ] {
        audit(&browser, "customer admin", &path, &mut problems).await;
    }
    first_tab_is_the_skip_link(&browser, "/restrictions").await;
    browser.close().await;
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
