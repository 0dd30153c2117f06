//! A form the service refuses (a conflict, a broken rule, a bad value)
//! sends the browser back to the page it was on,
//! which says why at its top with a way back; nothing changes, and the
//! message shows once, escaped.

use reqwest::StatusCode;

use super::browser::Browser;
use super::web;
use super::world::World;

#[tokio::test]
async fn a_refused_form_comes_back_to_its_page_with_the_reason_once() {
    let w = World::build().await;
    let s = &w.server;
    let partner = web::sign_in(s, &w.a_admin.secret).await;
    let csrf = web::csrf(s, &partner, "/groups").await;
    let name = "Night <b>shift</b>";
    let create = [("csrf", csrf.as_str()), ("display_name", name)];
    let first = web::post(s, &partner, "/groups", &create).await;
    assert_eq!(first.status(), StatusCode::SEE_OTHER);
    let again = web::post(s, &partner, "/groups", &create).await;
    assert_eq!(
        again.status(),
        StatusCode::SEE_OTHER,
        "back to the form, not a dead end"
    );
    assert_eq!(web::location(&again), "/groups");
    let cookie = web::set_cookie(&again);
    assert!(
        cookie.starts_with("portcullis_refusal=")
            && cookie.contains("HttpOnly")
            && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    let refusal = cookie
        .trim_start_matches("portcullis_refusal=")
        .split(';')
        .next()
        .unwrap_or_default()
        .to_owned();
    let shown = web::client()
        .get(s.url("/groups"))
        .header(
            reqwest::header::COOKIE,
            format!(
                "{}={partner}; portcullis_refusal={refusal}",
                portcullis_server::SESSION_COOKIE
            ),
        )
        .send()
        .await
        .expect("the groups page");
    assert_eq!(shown.status(), StatusCode::OK);
    assert!(
        web::set_cookie(&shown).contains("portcullis_refusal=; "),
        "shown once, then cleared"
    );
    let html = shown.text().await.unwrap_or_default();
    assert!(html.contains("The change was refused"), "{html}");
    assert!(html.contains("already exists"), "{html}");
    assert!(
        html.contains("`Night &#60;b&#62;shift&#60;/b&#62;` already exists")
            && !html.contains("<b>shift</b>"),
        "escaped: {html}"
    );
    assert!(html.contains("id=\"refusal-back\""), "{html}");
    let groups = s
        .op_get(&format!("/v1/tenants/{}/groups", w.a))
        .await
        .items();
    assert_eq!(groups.len(), 1, "nothing more was created: {groups:?}");

    // A change this principal's side may never make (the customer approves,
    // not the partner) stays "not found", like another kind's area.
    let rel = &w.a_relationship;
    let approve = web::post(
        s,
        &partner,
        &format!("/relationships/{rel}/approve"),
        &[("csrf", csrf.as_str())],
    )
    .await;
    assert_eq!(approve.status(), StatusCode::NOT_FOUND);
    assert!(web::set_cookie(&approve).is_empty());
    assert_eq!(w.relationship_status(rel).await, "approval_pending");
    // Another tenant's relationship still answers "not found", not a redirect.
    let theirs = web::post(
        s,
        &partner,
        &format!("/relationships/{}/terminate", w.b_relationship),
        &[("csrf", csrf.as_str()), ("reason", "mine now")],
    )
    .await;
    assert_eq!(theirs.status(), StatusCode::NOT_FOUND);
    assert!(web::set_cookie(&theirs).is_empty());
}

#[tokio::test]
async fn a_stale_approval_is_refused_in_the_browser_and_the_page_says_why() {
    let w = World::build().await;
    let Some(browser) = Browser::start(&w.server.base).await else {
        return;
    };
    let rel = &w.a_relationship;
    browser.sign_in(&w.c_admin.secret).await;
    browser.goto(&format!("/relationships/{rel}")).await;
    // Meanwhile a second admin of C approves it through the API.
    w.approve_a().await;
    browser.click("#approve").await;
    assert_eq!(browser.path().await, format!("/relationships/{rel}"));
    let text = browser.text().await;
    assert!(text.contains("The change was refused"), "{text}");
    assert!(text.contains("Nothing was changed"), "{text}");
    assert!(text.contains("go back to Relationships"), "{text}");
    assert_eq!(w.relationship_status(rel).await, "active");
    browser.screenshot("refused-form-relationship").await;
    // The way back leads to the list; the refusal is not shown again.
    browser.click("#refusal-back").await;
    assert_eq!(browser.path().await, "/relationships");
    assert!(!browser.text().await.contains("The change was refused"));
    browser.close().await;

    // A partner's duplicate group in the browser: the groups page says why.
    let Some(partner) = Browser::start(&w.server.base).await else {
        return;
    };
    partner.sign_in(&w.a_admin.secret).await;
    for _ in 0..2 {
        partner.goto("/groups").await;
        partner.fill("#display_name", "Helpdesk twins").await;
        partner.click("#create-group-button").await;
    }
    assert_eq!(partner.path().await, "/groups");
    let text = partner.text().await;
    assert!(text.contains("The change was refused"), "{text}");
    assert!(text.contains("Helpdesk twins"), "{text}");
    partner.screenshot("refused-form-group").await;
    partner.close().await;
    let groups = w
        .server
        .op_get(&format!("/v1/tenants/{}/groups", w.a))
        .await
        .items();
    assert_eq!(groups.len(), 1, "{groups:?}");
}
