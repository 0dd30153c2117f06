//! The operator pages in a real browser: the four-eyes approval of a
//! high-risk case by two operators, a reject that needs its reason, a
//! screenshot of every page, and XSS payloads in every field they show.

use fantoccini::Locator;

use super::browser::Browser;
use super::ops_world::OpsWorld;
use super::world::World;

async fn has(browser: &Browser, css: &str) -> bool {
    !browser
        .client
        .find_all(Locator::Css(css))
        .await
        .expect("query")
        .is_empty()
}

#[tokio::test]
async fn two_operators_approve_a_high_risk_case_and_the_first_cannot_alone() {
    let o = OpsWorld::build().await;
    let server = &o.w.server;
    let Some(browser) = Browser::start(&server.base).await else {
        return;
    };
    browser.sign_in(&server.operator.secret).await;
    browser.goto("/vetting").await;
    let text = browser.text().await;
    assert!(
        text.contains("Vetting review queue") && text.contains("high risk"),
        "{text}"
    );
    browser.screenshot("operator-vetting-queue").await;

    browser
        .press(Locator::Css(&format!(
            "a[href='/vetting/cases/{}']",
            o.case
        )))
        .await;
    let text = browser.text().await;
    assert!(
        text.contains("matched the listed name"),
        "the hit is explained: {text}"
    );
    assert!(text.contains("needs 2 approvals"), "{text}");
    browser.screenshot("operator-vetting-case").await;

    // Reject without a reason: the browser does not send the form.
    browser
        .client
        .find(Locator::Css("#reject"))
        .await
        .expect("the reject button")
        .click()
        .await
        .expect("click");
    let missing = browser
        .client
        .find(Locator::Css("#reject-reason:invalid"))
        .await;
    assert!(missing.is_ok(), "the empty reason is flagged");
    assert_eq!(browser.path().await, format!("/vetting/cases/{}", o.case));
    assert_eq!(o.case_state().await, "in_review");

    browser
        .fill("#approve-reason", "known reseller, docs checked")
        .await;
    browser.click("#approve").await;
    let text = browser.text().await;
    assert!(text.contains("needs a second, distinct reviewer"), "{text}");
    assert!(text.contains("second reviewer needed"), "{text}");
    assert!(
        text.contains("You have approved this case already"),
        "{text}"
    );
    assert!(
        !has(&browser, "#approve").await,
        "the first reviewer cannot approve again"
    );
    assert_eq!(
        o.case_state().await,
        "in_review",
        "one approval is not enough"
    );
    browser
        .screenshot("operator-vetting-case-one-approval")
        .await;
    browser.click("#sign-out").await;

    let second = server.mint("operator", None).await;
    browser.sign_in(&second.secret).await;
    browser.goto(&format!("/vetting/cases/{}", o.case)).await;
    let text = browser.text().await;
    assert!(text.contains("Approved so far by"), "{text}");
    browser.click("#approve").await;
    let text = browser.text().await;
    assert!(text.contains("The case is approved"), "{text}");
    assert_eq!(o.case_state().await, "approved");
    let authorized = server
        .op_get(&format!("/v1/tenants/{}/authorization", o.e))
        .await
        .json();
    assert_eq!(authorized["authorized"], true, "{authorized}");
    browser.screenshot("operator-vetting-case-approved").await;
    browser.close().await;
}

#[tokio::test]
async fn every_operator_page_in_a_browser_with_a_screenshot() {
    let o = OpsWorld::build().await;
    let Some(browser) = Browser::start(&o.w.server.base).await else {
        return;
    };
    browser.sign_in(&o.w.server.operator.secret).await;
    browser.screenshot("operator-overview-counts").await;
    let shots = [
        "operator-vetting-queue-page",
        "operator-vetting-case-page",
        "operator-partners",
        "operator-partner",
        "operator-expiry-calendar",
        "operator-audit",
        "operator-webhooks",
        "operator-webhook-deliveries",
        "operator-containments",
    ];
    for ((path, word), shot) in o.pages().into_iter().zip(shots) {
        browser.goto(&path).await;
        let text = browser.text().await;
        assert!(text.contains(word), "{path} shows `{word}`: {text}");
        browser.screenshot(shot).await;
    }
    browser.close().await;
}

#[tokio::test]
async fn xss_payloads_in_names_reasons_descriptions_and_audit_details_stay_text() {
    let payload = "<img src=x id=xss-img onerror=alert(1)><script id=xss>alert(2)</script>";
    let w = World::build_with_names(payload, "<script id=xss>alert(3)</script>").await;
    let o = OpsWorld::build_with(w, payload, payload).await;
    let Some(browser) = Browser::start(&o.w.server.base).await else {
        return;
    };
    browser.sign_in(&o.w.server.operator.secret).await;
    // A reason with the payload in the case's history.
    browser.goto(&format!("/vetting/cases/{}", o.case)).await;
    browser.fill("#info-reason", payload).await;
    browser.click("#ask").await;
    assert_eq!(o.case_state().await, "needs_information");

    let mut pages = o.pages();
    pages.push((format!("/partners/{}", o.e), ""));
    pages.push((format!("/audit?tenant_id={}", o.w.a), ""));
    for (path, _) in &pages {
        browser.goto(path).await;
        for css in [
            "#xss-img",
            "#xss",
            "script:not([src='/assets/time.js'])",
            "img",
        ] {
            assert!(
                !has(&browser, css).await,
                "`{css}` became an element on {path}"
            );
        }
        assert!(
            browser.client.get_alert_text().await.is_err(),
            "no alert on {path}"
        );
    }
    for path in [
        "/partners".to_owned(),
        format!("/partners/{}", o.e),
        format!("/vetting/cases/{}", o.case),
        "/webhooks".to_owned(),
        "/containments".to_owned(),
        "/relationships/expiring?days=30".to_owned(),
    ] {
        browser.goto(&path).await;
        let text = browser.text().await;
        assert!(
            text.contains("<script id=xss>"),
            "the payload shows as text on {path}: {text}"
        );
    }
    browser.goto("/audit").await;
    let source = browser.client.source().await.expect("the page source");
    assert!(
        source.contains("&lt;script id=xss&gt;") || source.contains("\\u003cscript"),
        "escaped in audit details"
    );
    browser.screenshot("operator-xss-inert").await;
    browser.close().await;
}

/// Every `<time>` on the page: its class, `datetime`, title (UTC),
/// the zone the script saw and the text it shows.
const TIMES: &str = r#"return Array.from(document.querySelectorAll("time")).map(function (t) {
  return { when: t.classList.contains("when"), datetime: t.getAttribute("datetime"),
    title: t.getAttribute("title") || "", zone: t.getAttribute("data-zone"), shown: t.textContent };
});"#;

#[tokio::test]
async fn every_time_on_the_operator_pages_is_in_the_viewers_zone_with_utc_on_hover() {
    let o = OpsWorld::build().await;
    let Some(browser) = Browser::start_in_zone(&o.w.server.base, Some("Asia/Tokyo")).await else {
        return;
    };
    browser.sign_in(&o.w.server.operator.secret).await;
    let mut pages: Vec<String> = o.pages().into_iter().map(|(path, _)| path).collect();
    pages.extend(["/".to_owned(), "/findings?status=".to_owned()]);
    pages.push("/relationships".to_owned());
    pages.push("/containments?show=all".to_owned());
    let mut seen = 0;
    for path in &pages {
        browser.goto(path).await;
        let times = browser.run(TIMES).await;
        for time in times.as_array().expect("a list") {
            let title = time["title"].as_str().unwrap_or_default();
            let shown = time["shown"].as_str().unwrap_or_default();
            assert_eq!(
                time["when"], true,
                "{path}: every time is converted: {time}"
            );
            assert_eq!(time["zone"], "Asia/Tokyo", "{path}: the script ran: {time}");
            assert!(title.ends_with(" UTC"), "{path}: UTC on hover: {time}");
            assert!(!shown.contains("UTC"), "{path}: converted: {time}");
            // Tokyo is UTC+9: the hour shown is the UTC hour plus nine.
            let utc_hour: u32 = title[11..13].parse().expect("the UTC hour");
            assert!(
                shown.contains(&format!("{:02}:", (utc_hour + 9) % 24)),
                "{path}: {time}"
            );
            seen += 1;
        }
    }
    assert!(seen >= pages.len(), "times were found: {seen}");
    browser.close().await;
}
