//! Findings concerning a customer's tenant: a customer admin reads,
//! through the API and the console, the findings whose evidence touched its
//! tenant, with every other customer's id and evidence left out; a finding
//! that touched only another customer answers as one that does not exist.

use reqwest::StatusCode;

use super::browser::Browser;
use super::web;
use super::world::{World, seed_finding_about};
use crate::support::{str_field, unknown_id};

/// A's user reached C and D; B's user reached only D.
struct Seen {
    both: String,
    only_d: String,
}

async fn seed(w: &World) -> Seen {
    let b_user = str_field(
        &w.server.create_user(&w.b, "bea@bravo.example", "Bea").await,
        "id",
    );
    Seen {
        both: seed_finding_about(
            &w.server,
            &w.a,
            &w.a_user,
            "Alpha reached Charlie and Delta",
            &[w.c.as_str(), w.d.as_str()],
        )
        .await,
        only_d: seed_finding_about(
            &w.server,
            &w.b,
            &b_user,
            "Bravo reached Delta",
            &[w.d.as_str()],
        )
        .await,
    }
}

fn ids(items: &[serde_json::Value]) -> Vec<String> {
    let mut ids: Vec<String> = items.iter().map(|f| str_field(f, "id")).collect();
    ids.sort();
    ids
}

#[tokio::test]
async fn a_customer_lists_only_findings_concerning_its_tenant_with_other_customers_redacted() {
    let w = World::build().await;
    let seen = seed(&w).await;
    let s = &w.server;
    let c = &w.c_admin.secret;

    let reply = s.get("/v1/findings", c).await.expect_status(StatusCode::OK);
    let items = reply.items();
    assert_eq!(ids(&items), vec![seen.both.clone()], "{}", reply.text);
    assert!(
        !reply.text.contains(&w.d),
        "no other customer's id: {}",
        reply.text
    );
    assert!(!reply.text.contains("Bravo"), "{}", reply.text);
    let only = &items[0];
    assert_eq!(only["customers"], serde_json::json!([w.c]));
    let evidences = only["body"]["evidences"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(evidences.len(), 1, "only the evidence in C: {evidences:?}");
    assert_eq!(evidences[0]["cloud"]["account"]["uid"], w.c.as_str());

    // Asking for another customer's findings lists nothing.
    let theirs = s
        .get(&format!("/v1/findings?customer_tenant_id={}", w.d), c)
        .await
        .expect_status(StatusCode::OK);
    assert!(theirs.items().is_empty(), "{}", theirs.text);

    // D sees both; the operator sees every customer of each.
    let d = s.get("/v1/findings", &w.d_admin.secret).await.items();
    assert_eq!(ids(&d), {
        let mut both = vec![seen.both.clone(), seen.only_d.clone()];
        both.sort();
        both
    });
    let op = s
        .op_get(&format!("/v1/findings/{}", seen.both))
        .await
        .expect_status(StatusCode::OK)
        .json();
    let mut expected = vec![w.c.clone(), w.d.clone()];
    expected.sort();
    assert_eq!(op["customers"], serde_json::json!(expected));
    let by_customer = s
        .op_get(&format!("/v1/findings?customer_tenant_id={}", w.c))
        .await
        .items();
    assert_eq!(ids(&by_customer), vec![seen.both.clone()]);
}

#[tokio::test]
async fn a_finding_not_concerning_a_customer_answers_as_one_that_does_not_exist() {
    let w = World::build().await;
    let seen = seed(&w).await;
    let s = &w.server;
    let c = &w.c_admin.secret;
    let ghost = unknown_id();
    let theirs = s.get(&format!("/v1/findings/{}", seen.only_d), c).await;
    let nothing = s.get(&format!("/v1/findings/{ghost}"), c).await;
    assert_eq!(theirs.status, StatusCode::NOT_FOUND, "{}", theirs.text);
    assert_eq!(
        theirs.text.replace(&seen.only_d, "<id>"),
        nothing.text.replace(&ghost, "<id>"),
        "no existence oracle"
    );
    // The seeded finding from before (about no customer) is hidden too.
    s.get(&format!("/v1/findings/{}", w.a_finding), c)
        .await
        .expect_status(StatusCode::NOT_FOUND);
    let mine = s
        .get(&format!("/v1/findings/{}", seen.both), c)
        .await
        .expect_status(StatusCode::OK);
    assert!(!mine.text.contains(&w.d), "{}", mine.text);
    // A customer reads; it does not triage.
    s.patch(
        &format!("/v1/findings/{}", seen.both),
        c,
        None,
        serde_json::json!({"status": "Resolved"}),
    )
    .await
    .expect_status(StatusCode::FORBIDDEN);
    assert_eq!(w.finding_status(&seen.both).await, "New");

    // The console answers alike: 404 for theirs as for nothing.
    let cookie = web::sign_in(s, c).await;
    let page = |path: String| {
        let cookie = cookie.clone();
        async move {
            let response = web::get(s, &cookie, &path).await;
            (response.status(), response.text().await.unwrap_or_default())
        }
    };
    let (status, body) = page(format!("/findings/{}", seen.only_d)).await;
    let (ghost_status, ghost_body) = page(format!("/findings/{ghost}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        (status, body.replace(&seen.only_d, "<id>")),
        (ghost_status, ghost_body.replace(&ghost, "<id>"))
    );
    let (status, list) = page("/findings".to_owned()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(list.contains("Alpha reached Charlie and Delta"), "{list}");
    assert!(!list.contains("Bravo reached Delta"), "{list}");
    assert!(!list.contains(&w.d), "{list}");
}

#[tokio::test]
async fn a_customer_reads_the_findings_concerning_its_tenant_in_the_console() {
    let w = World::build().await;
    let seen = seed(&w).await;
    let Some(browser) = Browser::start(&w.server.base).await else {
        return;
    };
    browser.sign_in(&w.c_admin.secret).await;
    browser.goto("/").await;
    browser.click("nav a[href='/findings']").await;
    assert_eq!(browser.path().await, "/findings");
    let text = browser.text().await;
    assert!(text.contains("Alpha reached Charlie and Delta"), "{text}");
    assert!(!text.contains("Bravo reached Delta"), "{text}");
    browser.screenshot("customer-findings").await;
    browser
        .click(&format!("a[href='/findings/{}']", seen.both))
        .await;
    let text = browser.text().await;
    assert!(text.contains(&w.c), "its own tenant is named: {text}");
    assert!(!text.contains(&w.d), "no other customer: {text}");
    assert!(
        !text.contains("Change the status"),
        "a customer does not triage"
    );
    browser.screenshot("customer-finding").await;
    browser.close().await;
}
