//! The main flows in a real browser, one principal kind each, with a
//! screenshot of every main page under `target/console-screenshots/`.

use fantoccini::Locator;

use super::browser::Browser;
use super::web;
use super::world::World;

#[tokio::test]
async fn operator_signs_in_triages_a_finding_and_contains_its_user() {
    let w = World::build().await;
    let Some(browser) = Browser::start(&w.server.base).await else {
        return;
    };
    browser.goto("/").await;
    assert_eq!(
        browser.path().await,
        "/sign-in",
        "no session: sign in first"
    );
    browser.screenshot("sign-in").await;

    browser.sign_in(&w.server.operator.secret).await;
    assert_eq!(browser.path().await, "/");
    let text = browser.text().await;
    assert!(text.contains("Operator"), "the principal is named: {text}");
    for card in [
        "Partners by vetting state",
        "Open findings by severity",
        "Relationships expiring",
        "Posture non-compliance",
        "Recent containments",
    ] {
        assert!(text.contains(card), "the overview shows `{card}`: {text}");
    }
    browser.screenshot("operator-overview").await;

    browser.goto("/findings?status=New").await;
    let text = browser.text().await;
    assert!(
        text.contains("Alpha fan-out") && text.contains("Bravo fan-out"),
        "{text}"
    );
    browser.screenshot("operator-findings").await;

    browser.goto(&format!("/findings/{}", w.a_finding)).await;
    let text = browser.text().await;
    assert!(
        text.contains("one user reached 12 customers"),
        "the explanation: {text}"
    );
    browser.screenshot("operator-finding").await;
    let select = browser
        .client
        .find(Locator::Css("#new-status"))
        .await
        .expect("the status select");
    select.select_by_value("In Progress").await.expect("choose");
    browser.click("#change-status").await;
    assert_eq!(browser.path().await, format!("/findings/{}", w.a_finding));
    let status = browser
        .client
        .find(Locator::Css("#finding-status"))
        .await
        .expect("the status badge")
        .text()
        .await
        .expect("its word");
    assert_eq!(status, "In Progress");
    assert_eq!(w.finding_status(&w.a_finding).await, "In Progress");

    browser
        .fill("#contain-reason", "stolen session suspected")
        .await;
    browser.click("#contain").await;
    let containments = w.server.op_get("/v1/containments").await.items();
    assert_eq!(containments.len(), 1, "{containments:?}");
    assert_eq!(containments[0]["target_id"], w.a_user.as_str());
    assert_eq!(containments[0]["finding_id"], w.a_finding.as_str());
    let text = browser.text().await;
    assert!(text.contains("Contained"), "{text}");
    browser.screenshot("operator-finding-contained").await;

    browser.fill("[id^='lift-reason-']", "false positive").await;
    browser.click(".lift-form button").await;
    let active = w.server.op_get("/v1/containments").await.items();
    assert!(active.is_empty(), "lifted: {active:?}");
    browser.close().await;
}

#[tokio::test]
async fn customer_admin_approves_a_relationship_and_the_api_shows_it_active() {
    let w = World::build().await;
    let Some(browser) = Browser::start(&w.server.base).await else {
        return;
    };
    browser.sign_in(&w.c_admin.secret).await;
    assert_eq!(
        browser.path().await,
        "/relationships",
        "a customer starts at its relationships"
    );
    let text = browser.text().await;
    assert!(
        text.contains("Partners with access to your tenant"),
        "{text}"
    );
    assert!(
        text.contains("Customer Admin") && text.contains("Charlie Customer"),
        "{text}"
    );
    assert!(text.contains("Alpha for Charlie"), "{text}");
    assert!(
        !text.contains("Bravo for Delta"),
        "another tenant's relationship: {text}"
    );
    assert!(
        !text.contains("Overview") && !text.contains("Vetting"),
        "nav: {text}"
    );
    browser.screenshot("customer-relationships").await;

    browser
        .press(Locator::XPath(
            "//button[starts-with(normalize-space(), 'Approve')]",
        ))
        .await;
    assert_eq!(w.relationship_status(&w.a_relationship).await, "active");
    let text = browser.text().await;
    assert!(text.contains("Active"), "{text}");
    browser.screenshot("customer-relationships-approved").await;
    browser.close().await;
}

#[tokio::test]
async fn partner_admin_sees_only_its_relationships_and_findings() {
    let w = World::build().await;
    let Some(browser) = Browser::start(&w.server.base).await else {
        return;
    };
    browser.sign_in(&w.a_admin.secret).await;
    assert_eq!(browser.path().await, "/relationships");
    let text = browser.text().await;
    assert!(
        text.contains("Partner Admin") && text.contains("Alpha Partners"),
        "{text}"
    );
    assert!(text.contains("Alpha for Charlie"), "{text}");
    assert!(!text.contains("Bravo"), "another partner's data: {text}");
    assert!(
        !text.contains("Approve"),
        "only the customer approves: {text}"
    );
    browser.screenshot("partner-relationships").await;

    browser.goto("/findings").await;
    let text = browser.text().await;
    assert!(
        text.contains("Alpha fan-out") && !text.contains("Bravo fan-out"),
        "{text}"
    );
    browser.screenshot("partner-findings").await;

    browser.goto(&format!("/findings/{}", w.a_finding)).await;
    let text = browser.text().await;
    assert!(text.contains("Alpha fan-out"), "{text}");
    assert!(
        !text.contains("Change the status"),
        "partners do not triage: {text}"
    );

    browser.goto(&format!("/findings/{}", w.b_finding)).await;
    let text = browser.text().await;
    assert!(
        text.contains("Page not found") && !text.contains("Bravo"),
        "{text}"
    );
    browser.close().await;
}

#[tokio::test]
async fn xss_payloads_in_names_render_as_text() {
    let payload = "<img src=x id=xss-img onerror=alert(1)><script id=xss>alert(2)</script>";
    let short = "<script id=xss>alert(2)</script>";
    let w = World::build_with_names(payload, short).await;
    let Some(browser) = Browser::start(&w.server.base).await else {
        return;
    };
    browser.sign_in(&w.a_admin.secret).await;
    for path in ["/relationships", "/findings"] {
        super::tenant_xss::inert(&browser, path).await;
    }
    browser.screenshot("xss-inert").await;
    let html = web::get(
        &w.server,
        &web::sign_in(&w.server, &w.a_admin.secret).await,
        "/relationships",
    )
    .await
    .text()
    .await
    .expect("a page");
    assert!(
        html.contains("&lt;script id=xss&gt;") || html.contains("&#60;script"),
        "{html}"
    );
    browser.close().await;
}

#[tokio::test]
async fn sign_out_revokes_the_session_and_the_cookie_is_strict_and_http_only() {
    let w = World::build().await;
    let Some(browser) = Browser::start(&w.server.base).await else {
        return;
    };
    browser.sign_in(&w.c_admin.secret).await;
    let cookie = browser
        .client
        .get_named_cookie(portcullis_server::SESSION_COOKIE)
        .await
        .expect("the session cookie");
    assert_eq!(cookie.http_only(), Some(true));
    assert_eq!(format!("{:?}", cookie.same_site()), "Some(Strict)");
    assert_eq!(cookie.path(), Some("/"));
    let stolen = cookie.value().to_owned();
    assert_eq!(
        web::get(&w.server, &stolen, "/relationships")
            .await
            .status(),
        200
    );

    browser.click("#sign-out").await;
    assert_eq!(browser.path().await, "/sign-in");
    browser.goto("/relationships").await;
    assert_eq!(browser.path().await, "/sign-in", "signed out");
    let replay = web::get(&w.server, &stolen, "/relationships").await;
    assert_eq!(
        replay.status(),
        303,
        "the old session id is dead on the server"
    );
    assert_eq!(web::location(&replay), "/sign-in");
    browser.close().await;
}
