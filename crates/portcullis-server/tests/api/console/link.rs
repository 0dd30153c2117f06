//! One-time sign-in links (a first operator's; the demo's for each kind of
//! person): a link works once, for a few minutes, and reading its page
//! does not spend it.

use std::sync::Arc;

use portcullis_domain::{
    DisplayName, NewTenant, PrincipalKind, TenantId, TenantKind, TestClock, Timestamp,
};
use portcullis_service::{Caller, SIGN_IN_LINK_MINUTES};
use reqwest::StatusCode;

use super::web;
use crate::support::TestServer;

async fn use_link(server: &TestServer, link: &str) -> reqwest::Response {
    web::client()
        .post(server.url("/sign-in/link"))
        .form(&[("link", link)])
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_sign_in_link_works_once_and_opens_an_operator_session() {
    let server = TestServer::start().await;
    let link = server
        .portcullis
        .create_sign_in_link(&Caller::local_operator())
        .await
        .unwrap();
    let page = web::client()
        .get(server.url(&format!("/sign-in/link/{link}")))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert!(
        page.text()
            .await
            .unwrap()
            .contains("Sign in with a one-time link")
    );

    let first = use_link(&server, &link).await;
    assert_eq!(
        first.status(),
        StatusCode::SEE_OTHER,
        "reading the page did not spend it"
    );
    let session = web::cookie_value(&first).unwrap();
    let overview = web::get(&server, &session, "/").await;
    assert_eq!(overview.status(), StatusCode::OK);
    assert!(overview.text().await.unwrap().contains("Overview"));

    let again = use_link(&server, &link).await;
    assert_eq!(again.status(), StatusCode::UNAUTHORIZED, "works once");
    assert!(web::cookie_value(&again).is_none());

    let log = server.audit("").await;
    let ops: Vec<&str> = log.iter().filter_map(|r| r["operation"].as_str()).collect();
    for op in [
        "sign_in_link.create",
        "sign_in_link.redeem",
        "token.create",
        "session.create",
    ] {
        assert!(ops.contains(&op), "{op}: {ops:?}");
    }
    assert!(!serde_json::to_string(&log).unwrap().contains(&link));
}

#[tokio::test]
async fn a_sign_in_link_expires_in_minutes_and_a_forged_one_fails() {
    let clock = Arc::new(TestClock::at(Timestamp::from_unix_millis(
        1_800_000_000_000,
    )));
    let server = TestServer::start_with_clock(clock.clone()).await;
    let link = server
        .portcullis
        .create_sign_in_link(&Caller::local_operator())
        .await
        .unwrap();
    clock.advance_millis(SIGN_IN_LINK_MINUTES * 60_000);
    assert_eq!(
        use_link(&server, &link).await.status(),
        StatusCode::UNAUTHORIZED
    );
    for forged in ["", "short", &"A".repeat(43)] {
        assert_eq!(
            use_link(&server, forged).await.status(),
            StatusCode::UNAUTHORIZED
        );
    }
    let cross_site = web::client()
        .post(server.url("/sign-in/link"))
        .header("sec-fetch-site", "cross-site")
        .form(&[("link", link.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(cross_site.status(), StatusCode::FORBIDDEN);
}

async fn tenant(server: &TestServer, kind: TenantKind) -> TenantId {
    server
        .portcullis
        .create_tenant(
            &Caller::local_operator(),
            NewTenant {
                id: TenantId::generate(),
                kind,
                display_name: DisplayName::parse("Link tenant").unwrap(),
            },
        )
        .await
        .unwrap()
        .id
}

#[tokio::test]
async fn a_sign_in_link_opens_a_partner_or_customer_admin_session_for_its_tenant() {
    let server = TestServer::start().await;
    let operator = Caller::local_operator();
    let partner = tenant(&server, TenantKind::Partner).await;
    let customer = tenant(&server, TenantKind::Customer).await;
    for (kind, tenant) in [
        (PrincipalKind::PartnerAdmin, partner),
        (PrincipalKind::CustomerAdmin, customer),
    ] {
        let link = server
            .portcullis
            .create_sign_in_link_for(&operator, kind, Some(tenant))
            .await
            .unwrap();
        let used = use_link(&server, &link).await;
        assert_eq!(used.status(), StatusCode::SEE_OTHER, "{kind}");
        let session = web::cookie_value(&used).unwrap();
        // An admin's overview sends it on to its own area, never to sign-in.
        let page = web::get(&server, &session, "/").await;
        let location = page
            .headers()
            .get("location")
            .map(|l| l.to_str().unwrap().to_owned());
        assert!(
            page.status() == StatusCode::OK
                || (page.status() == StatusCode::SEE_OTHER
                    && location.as_deref() != Some("/sign-in")),
            "{kind}: {} {location:?}",
            page.status()
        );
        let tokens = server
            .portcullis
            .list_tokens(&operator, &portcullis_domain::PageRequest::first(100))
            .await
            .unwrap();
        assert!(
            tokens
                .items
                .iter()
                .any(|t| t.kind == kind && t.tenant_id == Some(tenant)),
            "a `{kind}` token of the link's tenant was minted"
        );
        assert_eq!(
            use_link(&server, &link).await.status(),
            StatusCode::UNAUTHORIZED
        );
    }

    let refused = [
        (PrincipalKind::PartnerAdmin, Some(customer)),
        (PrincipalKind::CustomerAdmin, Some(partner)),
        (PrincipalKind::PartnerAdmin, None),
        (PrincipalKind::Operator, Some(partner)),
        (PrincipalKind::Service, None),
    ];
    for (kind, tenant) in refused {
        assert!(
            server
                .portcullis
                .create_sign_in_link_for(&operator, kind, tenant)
                .await
                .is_err(),
            "{kind} {tenant:?}"
        );
    }
    let partner_admin = Caller::new(
        portcullis_domain::Principal::new(PrincipalKind::PartnerAdmin, Some(partner), None)
            .unwrap(),
    );
    assert!(
        server
            .portcullis
            .create_sign_in_link_for(&partner_admin, PrincipalKind::PartnerAdmin, Some(partner))
            .await
            .is_err(),
        "only operators make links"
    );
}
