//! Console isolation: each tenant-scoped principal asks for another
//! tenant's pages and actions and gets exactly the answer a request for
//! something that does not exist gets, and nothing changes.

use reqwest::StatusCode;

use super::web;
use super::world::World;
use crate::support::unknown_id;

/// The status and body of a console request, with the ids it names blanked.
async fn answer(response: reqwest::Response, ids: &[&str]) -> (StatusCode, String) {
    let status = response.status();
    let mut body = response.text().await.unwrap();
    for id in ids {
        body = body.replace(id, "<id>");
    }
    (status, body)
}

#[tokio::test]
async fn another_tenants_console_pages_answer_as_if_they_did_not_exist() {
    let w = World::build().await;
    let ghost = unknown_id();
    let partner = web::sign_in(&w.server, &w.a_admin.secret).await;
    let customer = web::sign_in(&w.server, &w.c_admin.secret).await;

    // Pages: another partner's finding; any finding for a customer.
    for (cookie, foreign) in [
        (&partner, &w.b_finding),
        (&customer, &w.b_finding),
        (&customer, &w.a_finding),
    ] {
        let theirs = answer(
            web::get(&w.server, cookie, &format!("/findings/{foreign}")).await,
            &[foreign],
        )
        .await;
        let nothing = answer(
            web::get(&w.server, cookie, &format!("/findings/{ghost}")).await,
            &[&ghost],
        )
        .await;
        assert_eq!(theirs.0, StatusCode::NOT_FOUND);
        assert_eq!(theirs, nothing, "no existence oracle");
        assert!(!theirs.1.contains("fan-out"));
    }
    // A customer's findings are those concerning its tenant: none here.
    let listing = web::get(&w.server, &customer, "/findings").await;
    assert_eq!(listing.status(), StatusCode::OK);
    let html = listing.text().await.unwrap();
    assert!(
        !html.contains("Alpha fan-out") && !html.contains("Bravo fan-out"),
        "findings about no customer of its own: {html}"
    );

    // Lists name only the principal's own tenant's records.
    let html = web::get(&w.server, &partner, "/relationships")
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains(&w.a_relationship) && !html.contains(&w.b_relationship));
    assert!(!html.contains(&w.b) && !html.contains(&w.d));
    let html = web::get(
        &w.server,
        &partner,
        &format!("/findings?partner_tenant_id={}", w.b),
    )
    .await
    .text()
    .await
    .unwrap();
    assert!(
        !html.contains("Bravo fan-out"),
        "a filter cannot widen the scope"
    );
    let html = web::get(&w.server, &customer, "/relationships")
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains(&w.a_relationship) && !html.contains(&w.b_relationship));

    // Actions on another tenant's relationship: the answer for a ghost, and no change.
    for (cookie, action) in [
        (&customer, "approve"),
        (&customer, "reject"),
        (&customer, "terminate"),
        (&partner, "terminate"),
    ] {
        let csrf = web::csrf(&w.server, cookie, "/relationships").await;
        let form = [("csrf", csrf.as_str())];
        let path = |id: &str| format!("/relationships/{id}/{action}");
        let theirs = answer(
            web::post(&w.server, cookie, &path(&w.b_relationship), &form).await,
            &[&w.b_relationship],
        )
        .await;
        let nothing = answer(
            web::post(&w.server, cookie, &path(&ghost), &form).await,
            &[&ghost],
        )
        .await;
        assert_eq!(theirs.0, StatusCode::NOT_FOUND, "{action}");
        assert_eq!(theirs, nothing, "{action}");
    }
    // Operator-only actions from a partner admin: refused as not found.
    let csrf = web::csrf(&w.server, &partner, "/relationships").await;
    let status_change = web::post(
        &w.server,
        &partner,
        &format!("/findings/{}/status", w.a_finding),
        &[
            ("csrf", csrf.as_str()),
            ("status", "Resolved"),
            ("version", "1"),
        ],
    )
    .await;
    assert_eq!(status_change.status(), StatusCode::NOT_FOUND);
    let contain = web::post(
        &w.server,
        &partner,
        &format!("/findings/{}/contain", w.a_finding),
        &[
            ("csrf", csrf.as_str()),
            ("kind", "user"),
            ("reason", "mine"),
        ],
    )
    .await;
    assert_eq!(contain.status(), StatusCode::NOT_FOUND);

    assert_eq!(
        w.relationship_status(&w.b_relationship).await,
        "approval_pending"
    );
    assert_eq!(w.finding_status(&w.a_finding).await, "New");
    assert_eq!(w.finding_status(&w.b_finding).await, "New");
    assert!(w.server.op_get("/v1/containments").await.items().is_empty());
    // B's own admins still see their relationship.
    let d = web::sign_in(&w.server, &w.d_admin.secret).await;
    let html = web::get(&w.server, &d, "/relationships")
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains(&w.b_relationship));
    let _ = (&w.b_admin, &w.a, &w.c);
}

/// Every operator page and action, asked for by each tenant-scoped
/// principal (about its own tenant where the page names one): the very
/// answer a request for something that does not exist gets, and nothing
/// changes.
#[tokio::test]
async fn operator_pages_answer_tenant_admins_as_if_they_did_not_exist() {
    let o = super::ops_world::OpsWorld::build().await;
    let w = &o.w;
    let ghost = unknown_id();
    let mut pages = o.pages();
    pages.extend([
        (format!("/partners/{}", o.e), ""),
        ("/vetting?state=in_review".to_owned(), ""),
        (format!("/audit?tenant_id={}", w.a), ""),
        ("/containments?show=all".to_owned(), ""),
        ("/relationships/expiring?days=60".to_owned(), ""),
    ]);
    for secret in [&w.a_admin.secret, &o.e_admin.secret, &w.c_admin.secret] {
        let cookie = web::sign_in(&w.server, secret).await;
        let nothing = answer(
            web::get(&w.server, &cookie, &format!("/vetting/cases/{ghost}")).await,
            &[&ghost],
        )
        .await;
        assert_eq!(nothing.0, StatusCode::NOT_FOUND);
        // A customer admin has a webhooks page of its own (its tenant's
        // subscriptions only); the operator's subscription is not found.
        let customer = *secret == w.c_admin.secret;
        for (path, _) in &pages {
            let theirs = answer(web::get(&w.server, &cookie, path).await, &[]).await;
            if customer && path == "/webhooks" {
                assert_eq!(theirs.0, StatusCode::OK);
                assert!(!theirs.1.contains(&o.webhook), "{}", theirs.1);
                continue;
            }
            assert_eq!(theirs, nothing, "{path} is not found for a tenant admin");
        }
        let html = web::get(&w.server, &cookie, "/relationships")
            .await
            .text()
            .await
            .unwrap();
        let operator_areas: &[&str] = if customer {
            &["/vetting", "/partners", "/audit", "/containments"]
        } else {
            &[
                "/vetting",
                "/partners",
                "/audit",
                "/webhooks",
                "/containments",
            ]
        };
        for area in operator_areas {
            assert!(
                !html.contains(&format!("href=\"{area}\"")),
                "no `{area}` in the nav"
            );
        }
        let csrf = web::csrf(&w.server, &cookie, "/relationships").await;
        for decision in ["approve", "reject", "request_information"] {
            let form = [
                ("csrf", csrf.as_str()),
                ("decision", decision),
                ("reason", "mine"),
                ("version", "0"),
            ];
            let path = |id: &str| format!("/vetting/cases/{id}/review");
            let theirs = answer(
                web::post(&w.server, &cookie, &path(&o.case), &form).await,
                &[&o.case],
            )
            .await;
            let none = answer(
                web::post(&w.server, &cookie, &path(&ghost), &form).await,
                &[&ghost],
            )
            .await;
            assert_eq!(theirs.0, StatusCode::NOT_FOUND, "{decision}");
            assert_eq!(theirs, none, "{decision}");
        }
        let lift = web::post(
            &w.server,
            &cookie,
            &format!("/containments/{}/lift", o.containment),
            &[
                ("csrf", csrf.as_str()),
                ("reason", "mine"),
                ("back", "containments"),
            ],
        )
        .await;
        assert_eq!(lift.status(), StatusCode::NOT_FOUND);
    }
    assert_eq!(o.case_state().await, "in_review");
    assert_eq!(
        w.server
            .op_get("/v1/containments?active=true")
            .await
            .items()
            .len(),
        1,
        "still contained"
    );
}
