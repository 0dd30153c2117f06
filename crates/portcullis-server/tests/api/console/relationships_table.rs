//! The relationships list sorts like the other tables: each sortable
//! header is a link (a second click reverses), `aria-sort` says the order,
//! and the filter is kept.

use super::browser::Browser;
use super::web;
use super::world::World;

#[tokio::test]
async fn the_relationships_list_sorts_by_its_headers_and_keeps_the_filter() {
    let w = World::build().await;
    let s = &w.server;
    let op = web::sign_in(s, &s.operator.secret).await;
    let page = async |path: &str| web::text(s, &op, path).await;
    let order = |html: &str| {
        let alpha = html.find("Alpha for Charlie").unwrap_or(usize::MAX);
        let bravo = html.find("Bravo for Delta").unwrap_or(usize::MAX);
        assert!(alpha != usize::MAX && bravo != usize::MAX, "{html}");
        alpha < bravo
    };
    assert!(order(&page("/relationships").await), "by name, ascending");
    let desc = page("/relationships?sort=name&dir=desc").await;
    assert!(!order(&desc), "reversed");
    assert!(desc.contains("aria-sort=\"descending\""), "{desc}");
    let filtered = page("/relationships?status=approval_pending&sort=customer&dir=asc").await;
    assert!(
        filtered.contains("/relationships?status=approval_pending&amp;sort=name&amp;dir=asc")
            || filtered
                .contains("/relationships?status=approval_pending&#38;sort=name&#38;dir=asc"),
        "header links keep the filter: {filtered}"
    );

    let Some(browser) = Browser::start(&s.base).await else {
        return;
    };
    browser.sign_in(&s.operator.secret).await;
    browser.goto("/relationships").await;
    browser
        .click("#relationships thead a[href*='sort=name']")
        .await;
    let text = browser.text().await;
    assert!(
        text.find("Bravo for Delta") < text.find("Alpha for Charlie"),
        "a second click on Name reverses: {text}"
    );
    browser.screenshot("relationships-sorted").await;
    browser.close().await;
}
