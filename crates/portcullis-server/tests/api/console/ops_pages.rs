//! The operator pages over plain HTTP: each renders for an operator, a
//! review needs its reason and the session's CSRF token, the submitter
//! cannot approve, the audit log filters, and a containment is lifted from
//! the containments list.

use reqwest::StatusCode;
use serde_json::json;

use super::ops_world::OpsWorld;
use super::web;
use crate::support::{str_field, test_application};

async fn html(w: &OpsWorld, cookie: &str, path: &str) -> (StatusCode, String) {
    let response = web::get(&w.w.server, cookie, path).await;
    (response.status(), response.text().await.unwrap())
}

#[tokio::test]
async fn every_operator_page_renders_what_it_is_for() {
    let o = OpsWorld::build().await;
    let op = web::sign_in(&o.w.server, &o.w.server.operator.secret).await;
    for (path, word) in o.pages() {
        let response = web::get(&o.w.server, &op, &path).await;
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned()
        };
        assert_eq!(
            header("content-security-policy"),
            portcullis_server::CONTENT_SECURITY_POLICY_VALUE,
            "{path}"
        );
        assert_eq!(header("cache-control"), "no-store", "{path}");
        let (status, body) = (response.status(), response.text().await.unwrap());
        assert_eq!(status, StatusCode::OK, "{path}: {body}");
        assert!(body.contains(word), "{path} shows `{word}`: {body}");
    }
    let (_, queue) = html(&o, &op, "/vetting").await;
    assert!(
        queue.contains(&o.case) && queue.contains("high risk"),
        "{queue}"
    );
    let (_, case) = html(&o, &op, &format!("/vetting/cases/{}", o.case)).await;
    for shown in [
        "matched the listed name",
        "LIMITED",
        "Words that lined up",
        "domain not verified",
        "needs <strong>2</strong> approvals",
        "Nobody has approved yet",
        "Approve the application",
    ] {
        assert!(
            case.contains(shown),
            "the case page shows `{shown}`: {case}"
        );
    }
    let (_, partner) = html(&o, &op, &format!("/partners/{}", o.w.a)).await;
    for shown in [
        "compliant",
        "Alpha for Charlie",
        "alice@alpha.example",
        "Alpha fan-out",
        "tenant.create",
    ] {
        assert!(
            partner.contains(shown),
            "the partner page shows `{shown}`: {partner}"
        );
    }
    let (_, calendar) = html(&o, &op, "/relationships/expiring?days=60").await;
    assert!(
        calendar.contains("Alpha for Charlie") && calendar.contains("Charlie Customer"),
        "{calendar}"
    );
    let (_, hooks) = html(&o, &op, &format!("/webhooks/{}", o.webhook)).await;
    assert!(
        hooks.contains("webhook.ping") && hooks.contains("watch this one"),
        "{hooks}"
    );
    let (_, overview) = html(&o, &op, "/").await;
    assert!(overview.contains("/vetting?state=in_review"), "{overview}");
    assert!(overview.contains("Expiry calendar"), "{overview}");
    let (status, _) = html(&o, &op, "/relationships/expiring?days=45").await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "30 or 60 days only"
    );
}

#[tokio::test]
async fn rejecting_or_asking_needs_a_reason_and_every_review_needs_the_csrf_token() {
    let o = OpsWorld::build().await;
    let server = &o.w.server;
    let op = web::sign_in(server, &server.operator.secret).await;
    let path = format!("/vetting/cases/{}", o.case);
    let csrf = web::csrf(server, &op, &path).await;
    let review = format!("{path}/review");
    for decision in ["reject", "request_information"] {
        for reason in ["", "   "] {
            let refused = web::post(
                server,
                &op,
                &review,
                &[
                    ("csrf", &csrf),
                    ("decision", decision),
                    ("reason", reason),
                    ("version", "0"),
                ],
            )
            .await;
            let page = web::refused(server, &op, refused, &path).await;
            assert!(page.contains("a reason is required"), "{decision}");
        }
    }
    let forged = web::post(
        server,
        &op,
        &review,
        &[
            ("decision", "reject"),
            ("reason", "no token"),
            ("version", "0"),
        ],
    )
    .await;
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    assert_eq!(o.case_state().await, "in_review", "nothing changed");

    let version = server
        .op_get(&format!("/v1/vetting/cases/{}", o.case))
        .await
        .json()["case"]["version"]
        .to_string();
    let rejected = web::post(
        server,
        &op,
        &review,
        &[
            ("csrf", &csrf),
            ("decision", "reject"),
            ("reason", "listed entity"),
            ("version", &version),
        ],
    )
    .await;
    assert_eq!(rejected.status(), StatusCode::SEE_OTHER);
    assert_eq!(web::location(&rejected), format!("{path}?done=rejected"));
    assert_eq!(o.case_state().await, "rejected");
    let (_, page) = html(&o, &op, &format!("{path}?done=rejected")).await;
    assert!(page.contains("The case is rejected.") && page.contains("listed entity"));
    assert!(
        !page.contains("id=\"review\""),
        "no review forms once decided"
    );
}

#[tokio::test]
async fn the_operator_who_submitted_a_case_cannot_approve_it() {
    let o = OpsWorld::build().await;
    let server = &o.w.server;
    let f = str_field(&server.create_tenant("partner", "Foxtrot").await, "id");
    let submitted = server
        .post(
            "/v1/vetting/applications",
            &server.operator.secret,
            json!({"tenant_id": f, "application": test_application(&f)}),
        )
        .await
        .expect_status(StatusCode::CREATED)
        .json();
    let case = str_field(&submitted["case"], "id");
    server
        .post(
            &format!("/v1/vetting/cases/{case}/screen"),
            &server.operator.secret,
            json!({}),
        )
        .await
        .expect_status(StatusCode::OK);
    let op = web::sign_in(server, &server.operator.secret).await;
    let path = format!("/vetting/cases/{case}");
    let (_, page) = html(&o, &op, &path).await;
    assert!(page.contains("You submitted this case"), "{page}");
    assert!(
        !page.contains("approve-form"),
        "no approve form for the submitter"
    );
    let csrf = web::csrf(server, &op, &path).await;
    let forced = web::post(
        server,
        &op,
        &format!("{path}/review"),
        &[
            ("csrf", &csrf),
            ("decision", "approve"),
            ("reason", ""),
            ("version", "0"),
        ],
    )
    .await;
    let page = web::refused(server, &op, forced, &path).await;
    assert!(
        page.contains("cannot approve a case they submitted"),
        "{page}"
    );
}

#[tokio::test]
async fn the_audit_log_filters_and_shows_the_chain_verified() {
    let o = OpsWorld::build().await;
    let server = &o.w.server;
    let op = web::sign_in(server, &server.operator.secret).await;
    let (status, page) = html(&o, &op, "/audit?operation=webhook.create").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("chain verified") && page.contains("records verify"),
        "{page}"
    );
    assert!(page.contains(&o.webhook), "{page}");
    assert!(
        !page.contains("<code>tenant.create</code>"),
        "filtered: {page}"
    );
    let (_, by_tenant) = html(&o, &op, &format!("/audit?tenant_id={}", o.e)).await;
    assert!(by_tenant.contains("vetting.case.submitted"), "{by_tenant}");
    assert!(!by_tenant.contains(&o.webhook));
    let (_, later) = html(&o, &op, "/audit?since=2999-01-01").await;
    assert!(later.contains("No record matches"), "{later}");
    let (status, _) = html(&o, &op, "/audit?since=yesterday").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = html(&o, &op, "/audit?bogus=1").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn a_containment_is_lifted_from_the_list_with_a_reason() {
    let o = OpsWorld::build().await;
    let server = &o.w.server;
    let op = web::sign_in(server, &server.operator.secret).await;
    let (_, page) = html(&o, &op, "/containments").await;
    assert!(
        page.contains(&o.w.a_user) && page.contains("contained"),
        "{page}"
    );
    let csrf = web::csrf(server, &op, "/containments").await;
    let lift = format!("/containments/{}/lift", o.containment);
    let no_reason = web::post(
        server,
        &op,
        &lift,
        &[("csrf", &csrf), ("reason", ""), ("back", "containments")],
    )
    .await;
    let page = web::refused(server, &op, no_reason, "/containments").await;
    assert!(page.contains("a reason is required"), "{page}");
    let lifted = web::post(
        server,
        &op,
        &lift,
        &[
            ("csrf", &csrf),
            ("reason", "false positive"),
            ("back", "containments"),
        ],
    )
    .await;
    assert_eq!(lifted.status(), StatusCode::SEE_OTHER);
    assert_eq!(web::location(&lifted), "/containments");
    assert!(
        server
            .op_get("/v1/containments?active=true")
            .await
            .items()
            .is_empty()
    );
    let (_, active) = html(&o, &op, "/containments").await;
    assert!(active.contains("Nothing is contained now"), "{active}");
    let (_, all) = html(&o, &op, "/containments?show=all").await;
    assert!(
        all.contains("lifted") && all.contains("false positive"),
        "{all}"
    );
}
