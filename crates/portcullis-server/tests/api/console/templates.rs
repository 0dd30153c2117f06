//! Templates, bulk changes and the security score in the console: in a
//! real browser a partner admin saves a template, tries it on two
//! customers as a dry run, sends it for real, and removes Global
//! Administrator from the approved relationships, following each run's
//! progress page; over plain HTTP another partner sees and touches none of
//! it, a customer admin has no such pages, and the score shows on the
//! operator's partner page and the partner's posture page.

use std::time::Duration;

use fantoccini::Locator;
use reqwest::StatusCode;
use serde_json::{Value, json};

use super::browser::Browser;
use super::web;
use crate::support::{Bearer, TestServer, str_field, unknown_id};

const GLOBAL_ADMIN: &str = "62e90394-69f5-4237-9190-012177145e10";
const GROUPS_ADMIN: &str = "fdd7a751-b60b-444a-984c-02652fe8fa1c";

struct World {
    server: TestServer,
    partner: String,
    customers: Vec<String>,
    customer_admins: Vec<Bearer>,
    admin: Bearer,
}

async fn world() -> World {
    let server = TestServer::start().await;
    let s = &server;
    let partner = str_field(&s.create_tenant("partner", "Contoso IT").await, "id");
    s.create_group(&partner, "Helpdesk").await;
    s.authorize_partner(&partner).await;
    let mut customers = Vec::new();
    let mut customer_admins = Vec::new();
    for name in ["Fabrikam", "Tailspin"] {
        let c = str_field(&s.create_tenant("customer", name).await, "id");
        customer_admins.push(s.mint("customer_admin", Some(&c)).await);
        customers.push(c);
    }
    let admin = s.mint("partner_admin", Some(&partner)).await;
    World {
        server,
        partner,
        customers,
        customer_admins,
        admin,
    }
}

/// Ticks (or unticks) a box without leaving the page.
async fn toggle(browser: &Browser, css: &str) {
    browser
        .client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no `{css}`: {e}"))
        .click()
        .await
        .expect("click");
}

/// Reloads a run's page until it says the run finished; returns its text.
async fn finished(browser: &Browser) -> String {
    let path = browser.path().await;
    for _ in 0..100 {
        let text = browser.text().await;
        if text.contains("Finished") {
            return text;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        browser.goto(&path).await;
    }
    panic!("the run at {path} did not finish");
}

async fn templates(w: &World) -> Vec<Value> {
    w.server.get("/v1/templates", &w.admin.secret).await.json()["items"]
        .as_array()
        .unwrap()
        .clone()
}

#[tokio::test]
async fn partner_admin_applies_a_template_and_a_bulk_change_in_the_browser() {
    let w = world().await;
    let Some(browser) = Browser::start(&w.server.base).await else {
        return;
    };
    browser.sign_in(&w.admin.secret).await;
    browser.goto("/least-privilege").await;
    browser
        .press(Locator::LinkText("Relationship templates"))
        .await;
    assert_eq!(browser.path().await, "/least-privilege/templates");
    browser.fill("#template-name", "Helpdesk").await;
    for role in [GLOBAL_ADMIN, GROUPS_ADMIN] {
        toggle(&browser, &format!("input[name=role][value=\"{role}\"]")).await;
    }
    toggle(&browser, "#group option:nth-child(2)").await;
    browser.click("#save-template").await;
    let text = browser.text().await;
    assert!(text.contains("Helpdesk for {customer}"), "{text}");
    let template = str_field(&templates(&w).await[0], "id");
    assert_eq!(
        templates(&w).await[0]["assignments"][0]["roles"],
        json!([GLOBAL_ADMIN, GROUPS_ADMIN])
    );

    // A dry run first: nothing is created.
    let customers = w.customers.join("\n");
    browser
        .fill(&format!("#customers-{template}"), &customers)
        .await;
    browser
        .click(&format!("#template-{template} .apply-template button"))
        .await;
    let text = finished(&browser).await;
    assert_eq!(text.matches("Would change").count(), 2, "{text}");
    browser.screenshot("partner-template-dry-run").await;
    let none = w
        .server
        .get("/v1/relationships", &w.admin.secret)
        .await
        .json();
    assert_eq!(none["items"], json!([]));

    browser.goto("/least-privilege/templates").await;
    browser
        .fill(&format!("#customers-{template}"), &customers)
        .await;
    toggle(
        &browser,
        &format!("#template-{template} input[name=dry_run]"),
    )
    .await;
    browser
        .click(&format!("#template-{template} .apply-template button"))
        .await;
    let text = finished(&browser).await;
    assert_eq!(text.matches("Done").count(), 2, "{text}");
    let sent = w
        .server
        .get("/v1/relationships", &w.admin.secret)
        .await
        .json();
    let ids: Vec<String> = sent["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| str_field(r, "id"))
        .collect();
    assert_eq!(ids.len(), 2);
    for r in sent["items"].as_array().unwrap() {
        assert_eq!(r["status"], "approval_pending");
    }
    for (id, admin) in ids.iter().zip(&w.customer_admins) {
        w.server
            .post(
                &format!("/v1/relationships/{id}/approve"),
                &admin.secret,
                json!({}),
            )
            .await
            .expect_status(StatusCode::OK);
    }

    // Global Administrator out of both, for real.
    browser.goto("/least-privilege/bulk").await;
    for id in &ids {
        toggle(&browser, &format!("#pick-{id}")).await;
    }
    toggle(&browser, "#dry-run").await;
    browser.click("#start-bulk").await;
    let text = finished(&browser).await;
    assert!(text.contains("2 of 2"), "{text}");
    browser.screenshot("partner-bulk-run").await;
    for id in &ids {
        let r = w
            .server
            .op_get(&format!("/v1/relationships/{id}"))
            .await
            .json();
        assert_eq!(r["roles"], json!([GROUPS_ADMIN]), "{r}");
    }
    browser.close().await;
}

#[tokio::test]
async fn templates_runs_and_scores_are_nobody_elses_in_the_console() {
    let w = world().await;
    let s = &w.server;
    let created = s
        .post("/v1/templates", &w.admin.secret, json!({"name": "Helpdesk",
            "name_pattern": "Helpdesk for {customer}", "roles": [GROUPS_ADMIN], "duration": "P90D"}))
        .await
        .expect_status(StatusCode::CREATED)
        .json();
    let template = str_field(&created, "id");
    let run = s
        .post(
            &format!("/v1/templates/{template}/apply?background=true"),
            &w.admin.secret,
            json!({"customer_tenant_ids": [w.customers[0]], "dry_run": true}),
        )
        .await
        .expect_status(StatusCode::ACCEPTED)
        .json();
    let run = str_field(&run, "id");

    let other = str_field(&s.create_tenant("partner", "Northwind").await, "id");
    let other = s.mint("partner_admin", Some(&other)).await;
    let stranger = web::sign_in(s, &other.secret).await;
    let html = web::get(s, &stranger, "/least-privilege/templates")
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("id=\"no-templates\""), "{html}");
    assert!(!html.contains(&template), "{html}");
    let csrf = web::csrf(s, &stranger, "/least-privilege/templates").await;
    let mut answers = Vec::new();
    for id in [template.clone(), unknown_id()] {
        let response = web::post(
            s,
            &stranger,
            &format!("/least-privilege/templates/{id}/apply"),
            &[
                ("csrf", csrf.as_str()),
                ("customers", w.customers[0].as_str()),
            ],
        )
        .await;
        answers.push((
            response.status(),
            response.text().await.unwrap().replace(&id, "<id>"),
        ));
    }
    assert_eq!(answers[0], answers[1]);
    assert_eq!(answers[0].0, StatusCode::NOT_FOUND);
    let page = web::get(s, &stranger, &format!("/least-privilege/bulk/{run}")).await;
    assert_eq!(page.status(), StatusCode::NOT_FOUND);
    let html = web::get(s, &stranger, "/least-privilege/bulk")
        .await
        .text()
        .await
        .unwrap();
    assert!(!html.contains(&run), "{html}");

    let customer = web::sign_in(s, &w.customer_admins[0].secret).await;
    for path in ["/least-privilege/templates", "/least-privilege/bulk"] {
        assert_eq!(
            web::get(s, &customer, path).await.status(),
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }

    // The score: on the operator's partner page and the partner's own posture page.
    let operator = web::sign_in(s, &s.operator.secret).await;
    let html = web::get(s, &operator, &format!("/partners/{}", w.partner))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("id=\"security-score\"") && html.contains("id=\"score-trend\""),
        "{html}"
    );
    let own = web::sign_in(s, &w.admin.secret).await;
    let html = web::get(s, &own, "/posture").await.text().await.unwrap();
    assert!(html.contains("id=\"score-value\">60<"), "{html}");
}
