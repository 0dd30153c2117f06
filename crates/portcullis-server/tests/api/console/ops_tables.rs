//! The operator's lists sort and filter like the other tables: partners
//! (authorization, a name search), the vetting queue (case state) and the
//! containments (active or lifted, target kind); each sortable header is a
//! link (a second click reverses) that keeps the filters.

use reqwest::StatusCode;
use serde_json::json;

use super::browser::Browser;
use super::ops_world::OpsWorld;
use super::web;
use super::world::World;

/// Where each of `needles` first appears in `html`; every one must.
fn positions(html: &str, needles: &[&str]) -> Vec<usize> {
    needles
        .iter()
        .map(|n| {
            html.find(n)
                .unwrap_or_else(|| panic!("`{n}` is not on the page: {html}"))
        })
        .collect()
}

/// Whether `html` has `link` in a header, however the `&`s are escaped.
fn links_to(html: &str, link: &str) -> bool {
    html.contains(&link.replace('&', "&amp;")) || html.contains(&link.replace('&', "&#38;"))
}

#[tokio::test]
async fn the_partners_list_sorts_by_name_and_authorization_and_filters() {
    let w = World::build().await;
    let s = &w.server;
    // A and B are vetted and authorized; Echo has not applied.
    s.create_tenant("partner", "Echo Partners").await;
    let op = web::sign_in(s, &s.operator.secret).await;
    let page = async |path: &str| web::text(s, &op, path).await;
    let names = ["Alpha Partners", "Bravo Partners", "Echo Partners"];
    let default = page("/partners").await;
    let at = positions(&default, &names);
    assert!(
        at[0] < at[1] && at[1] < at[2],
        "by name, A first: {default}"
    );
    assert!(
        default.contains("aria-sort=\"ascending\"><a href=\"/partners?sort=name&"),
        "{default}"
    );
    let desc = page("/partners?sort=name&dir=desc").await;
    let at = positions(&desc, &names);
    assert!(at[2] < at[1] && at[1] < at[0], "reversed: {desc}");
    // Echo is not authorized: it sorts before the authorized ones.
    let by_state = page("/partners?sort=state&dir=asc").await;
    let at = positions(&by_state, &names);
    assert!(at[2] < at[0] && at[0] < at[1], "{by_state}");

    let searched = page("/partners?q=brav").await;
    assert!(searched.contains("Bravo Partners"), "{searched}");
    assert!(
        !searched.contains("Alpha Partners") && !searched.contains("Echo Partners"),
        "only the name searched for: {searched}"
    );
    assert!(
        links_to(&searched, "/partners?q=brav&sort=created&dir=asc"),
        "header links keep the search: {searched}"
    );
    let unauthorized = page("/partners?state=not_authorized").await;
    assert!(unauthorized.contains("Echo Partners"), "{unauthorized}");
    assert!(!unauthorized.contains("Alpha Partners"), "{unauthorized}");
    let authorized = page("/partners?state=authorized&q=echo").await;
    assert!(authorized.contains("id=\"no-partners\""), "{authorized}");
    let refused = web::get(s, &op, "/partners?state=maybe").await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);

    let Some(browser) = Browser::start(&s.base).await else {
        return;
    };
    browser.sign_in(&s.operator.secret).await;
    browser.goto("/partners").await;
    browser.click("#partners thead a[href*='sort=name']").await;
    let text = browser.text().await;
    assert!(
        text.find("Echo Partners") < text.find("Alpha Partners"),
        "a second click on Partner reverses: {text}"
    );
    browser.fill("#q", "alpha").await;
    browser.click("form.filters button[type=submit]").await;
    let text = browser.text().await;
    assert!(
        text.contains("Alpha Partners") && !text.contains("Echo Partners"),
        "the search form filters: {text}"
    );
    assert!(browser.path().await.starts_with("/partners"));
    browser.screenshot("operator-partners-filtered").await;
    browser.close().await;
}

#[tokio::test]
async fn the_vetting_queue_filters_by_state_and_keeps_it_when_sorting() {
    let o = OpsWorld::build().await;
    let s = &o.w.server;
    let op = web::sign_in(s, &s.operator.secret).await;
    let page = async |path: &str| web::text(s, &op, path).await;
    let queue = page("/vetting").await;
    assert!(queue.contains(&o.case), "{queue}");
    assert!(
        queue.contains("aria-sort=\"descending\"><a href=\"/vetting?sort=risk&"),
        "riskiest first: {queue}"
    );
    let in_review = page("/vetting?state=in_review&sort=partner&dir=desc").await;
    assert!(in_review.contains(&o.case), "{in_review}");
    assert!(
        links_to(&in_review, "/vetting?state=in_review&sort=partner&dir=asc"),
        "header links keep the state: {in_review}"
    );
    let approved = page("/vetting?state=approved").await;
    assert!(
        approved.contains("id=\"no-cases\"") && !approved.contains(&o.case),
        "{approved}"
    );
}

#[tokio::test]
async fn the_containments_list_filters_by_state_and_kind_and_sorts() {
    let o = OpsWorld::build().await;
    let s = &o.w.server;
    let op = web::sign_in(s, &s.operator.secret).await;
    let held = s
        .post(
            "/v1/containments",
            &s.operator.secret,
            json!({"kind": "relationship", "target_id": o.w.b_relationship,
                   "reason": "second hold"}),
        )
        .await
        .expect_status(StatusCode::CREATED);
    drop(held);
    let page = async |path: &str| web::text(s, &op, path).await;
    let (user, relationship) = (o.w.a_user.as_str(), o.w.b_relationship.as_str());
    let newest = page("/containments").await;
    let at = positions(&newest, &[user, relationship]);
    assert!(at[1] < at[0], "newest first: {newest}");
    let oldest = page("/containments?sort=since&dir=asc").await;
    let at = positions(&oldest, &[user, relationship]);
    assert!(at[0] < at[1], "oldest first: {oldest}");
    let users = page("/containments?kind=user").await;
    assert!(
        users.contains(user) && !users.contains(relationship),
        "{users}"
    );
    assert!(
        links_to(&users, "/containments?kind=user&sort=target&dir=asc"),
        "header links keep the kind: {users}"
    );

    s.post(
        &format!("/v1/containments/{}/lift", o.containment),
        &s.operator.secret,
        json!({"reason": "false positive"}),
    )
    .await
    .expect_status(StatusCode::OK);
    let lifted = page("/containments?show=lifted").await;
    assert!(
        lifted.contains(user) && !lifted.contains(relationship),
        "{lifted}"
    );
    let active = page("/containments").await;
    assert!(
        active.contains(relationship) && !active.contains(&format!("<code>{user}</code>")),
        "{active}"
    );
    let none = page("/containments?show=lifted&kind=partner").await;
    assert!(none.contains("id=\"no-containments\""), "{none}");

    let Some(browser) = Browser::start(&s.base).await else {
        return;
    };
    browser.sign_in(&s.operator.secret).await;
    browser.goto("/containments").await;
    browser.select("#show", "all").await;
    browser.select("#kind", "user").await;
    browser.click("form.filters button[type=submit]").await;
    let text = browser.text().await;
    assert!(
        text.contains(user) && !text.contains(relationship),
        "the form filters by kind, lifted ones too: {text}"
    );
    browser.screenshot("operator-containments-filtered").await;
    browser.close().await;
}
