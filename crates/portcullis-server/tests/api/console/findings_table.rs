//! The findings list sorts like the other tables: worst first by default,
//! each sortable header a link (a second click reverses), `aria-sort`
//! saying the order, the filters kept in the links, pages of 25.

use super::browser::Browser;
use super::web;
use super::world::World;

#[tokio::test]
async fn the_findings_list_sorts_by_its_headers_and_keeps_the_filters() {
    let w = World::build().await;
    let s = &w.server;
    let op = web::sign_in(s, &s.operator.secret).await;
    let page = async |path: &str| web::text(s, &op, path).await;
    let alpha_first = |html: &str| {
        let alpha = html.find("Alpha fan-out").unwrap_or(usize::MAX);
        let bravo = html.find("Bravo fan-out").unwrap_or(usize::MAX);
        assert!(alpha != usize::MAX && bravo != usize::MAX, "{html}");
        alpha < bravo
    };
    let default = page("/findings").await;
    assert!(
        default.contains("aria-sort=\"descending\"><a href=\"/findings?sort=severity&"),
        "worst first by default: {default}"
    );
    assert!(alpha_first(&page("/findings?sort=title&dir=asc").await));
    let desc = page("/findings?sort=title&dir=desc").await;
    assert!(!alpha_first(&desc), "reversed");
    assert!(desc.contains("aria-sort=\"descending\""), "{desc}");
    assert!(desc.contains("Page 1 of 1 · 2 in all"), "{desc}");
    let filtered = page("/findings?status=New&rule_id=tenant_fan_out&sort=user").await;
    assert!(
        filtered
            .contains("/findings?status=New&#38;rule_id=tenant_fan_out&#38;sort=title&#38;dir=asc")
            || filtered.contains(
                "/findings?status=New&amp;rule_id=tenant_fan_out&amp;sort=title&amp;dir=asc"
            ),
        "header links keep the filters: {filtered}"
    );
    let other_rule = page("/findings?rule_id=PCD-999&sort=title").await;
    assert!(
        other_rule.contains("id=\"no-findings\""),
        "a filter that matches nothing: {other_rule}"
    );

    let Some(browser) = Browser::start(&s.base).await else {
        return;
    };
    browser.sign_in(&s.operator.secret).await;
    browser.goto("/findings?status=New").await;
    browser.click("#findings thead a[href*='sort=title']").await;
    let text = browser.text().await;
    assert!(
        text.find("Alpha fan-out") < text.find("Bravo fan-out"),
        "Finding, ascending: {text}"
    );
    browser.click("#findings thead a[href*='sort=title']").await;
    let text = browser.text().await;
    assert!(
        text.find("Bravo fan-out") < text.find("Alpha fan-out"),
        "a second click reverses: {text}"
    );
    assert!(
        browser.path().await.starts_with("/findings"),
        "still the findings list"
    );
    browser.screenshot("operator-findings-sorted").await;
    browser.close().await;
}
