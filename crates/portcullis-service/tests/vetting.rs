//! Vetting end to end in the service: apply, prove the domain through a
//! real DNS server, screen, review with four eyes, and re-screen when a
//! watchlist changes — against a real SQLite store.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "tests"
)]

use std::sync::Arc;

use portcullis_decision::{DecisionRequest, DenyReason};
use portcullis_domain::NewTenant;
use portcullis_domain::vetting::{Address, Application, CaseState, Officer, ReviewDecision};
use portcullis_domain::{
    Action, AuthStrength, DisplayName, Principal, PrincipalKind, TenantId, TenantKind, TestClock,
    Timestamp, TokenId, UserId,
};
use portcullis_service::{Caller, Portcullis, ServiceError, VettingConfig, WatchlistFormat};
use portcullis_store::Store;
use portcullis_testkit::TestDb;
use portcullis_testkit::dns::TestDns;

const DOMAIN: &str = "contoso-msp.com";

struct World {
    app: Portcullis,
    store: Arc<dyn Store>,
    dns: TestDns,
    partner: TenantId,
    partner_admin: Caller,
    _db: TestDb,
}

fn caller(kind: PrincipalKind, tenant: Option<TenantId>) -> Caller {
    Caller::new(Principal::new(kind, tenant, Some(TokenId::generate())).unwrap())
}

fn operator() -> Caller {
    caller(PrincipalKind::Operator, None)
}

async fn world(config: VettingConfig) -> World {
    let db = TestDb::sqlite();
    let store: Arc<dyn Store> = Arc::new(db.store().await);
    let clock = Arc::new(TestClock::at(Timestamp::from_unix_millis(
        1_800_000_000_000,
    )));
    let dns = TestDns::start(DOMAIN).await;
    let config = VettingConfig {
        nameservers: vec![dns.addr()],
        dns_timeout_seconds: Some(2),
        ..config
    };
    let app = Portcullis::new(store.clone(), clock).with_vetting(config);
    let partner = app
        .create_tenant(
            &Caller::local_operator(),
            NewTenant {
                id: TenantId::generate(),
                kind: TenantKind::Partner,
                display_name: DisplayName::parse("Contoso").unwrap(),
            },
        )
        .await
        .unwrap()
        .id;
    World {
        app,
        store,
        dns,
        partner,
        partner_admin: caller(PrincipalKind::PartnerAdmin, Some(partner)),
        _db: db,
    }
}

fn application() -> Application {
    Application {
        legal_name: "Contoso Managed Services Ltd".into(),
        registration_number: "09876543".into(),
        registration_country: "GB".into(),
        website_domain: DOMAIN.into(),
        contact_email: format!("security@{DOMAIN}"),
        officers: vec![Officer {
            name: "Jane Mary Doe".into(),
            birth_year: Some(1971),
            country: Some("GB".into()),
        }],
        address: Address {
            street: "1 High Street".into(),
            city: "London".into(),
            postal_code: None,
            country: "GB".into(),
        },
    }
}

impl World {
    /// Applies, publishes the challenge record (when `publish`), and screens.
    async fn screened(&self, publish: bool) -> portcullis_service::CaseDetail {
        let submitted = self
            .app
            .submit_application(&self.partner_admin, self.partner, application())
            .await
            .unwrap();
        assert_eq!(submitted.case.state, CaseState::Submitted);
        assert_eq!(
            submitted.challenge.record_name,
            format!("_portcullis-challenge.{DOMAIN}")
        );
        if publish {
            self.dns
                .add_txt(
                    &submitted.challenge.record_name,
                    &[&submitted.challenge.record_value],
                )
                .await;
        }
        self.app
            .screen_case(&self.partner_admin, submitted.case.id)
            .await
            .unwrap()
    }

    fn partner_denied(&self) -> bool {
        let request = DecisionRequest {
            partner_tenant_id: self.partner,
            user_id: UserId::generate(),
            customer_tenant_id: TenantId::generate(),
            action: Action::parse("users.read").unwrap(),
            auth_strength: AuthStrength::PhishingResistant,
            source_ip: None,
        };
        let decision = self
            .app
            .decisions()
            .decide_all(&[request], Timestamp::from_unix_millis(1_800_000_000_000))
            .remove(0);
        decision.reasons.contains(&DenyReason::PartnerNotAuthorized)
    }
}

fn check<'a>(
    detail: &'a portcullis_service::CaseDetail,
    kind: &str,
) -> &'a portcullis_domain::vetting::CheckRecord {
    detail.checks.iter().rev().find(|c| c.kind == kind).unwrap()
}

#[tokio::test]
async fn verified_low_risk_case_is_reviewed_then_authorizes_the_partner() {
    let w = world(VettingConfig::default()).await;
    assert!(w.partner_denied());
    let detail = w.screened(true).await;
    assert_eq!(check(&detail, "domain_ownership").outcome, "verified");
    assert_eq!(check(&detail, "contact_email").outcome, "matches");
    assert_eq!(check(&detail, "country").outcome, "allowed");
    assert_eq!(check(&detail, "watchlist").outcome, "clear");
    assert_eq!(
        detail.case.state,
        CaseState::InReview,
        "auto-approval is off by default"
    );
    assert!(detail.challenge.verified_at.is_some());

    // The applicant cannot review its own case; a reviewer can.
    let err = w
        .app
        .review_case(
            &w.partner_admin,
            detail.case.id,
            ReviewDecision::Approve,
            "mine",
            None,
        )
        .await
        .unwrap_err();
    assert!(matches!(err, ServiceError::Forbidden(_)), "{err:?}");
    let reviewed = w
        .app
        .review_case(
            &operator(),
            detail.case.id,
            ReviewDecision::Approve,
            "documents check out",
            None,
        )
        .await
        .unwrap();
    assert_eq!(reviewed.approvals_missing, 0);
    assert_eq!(reviewed.detail.case.state, CaseState::Approved);
    assert!(w.store.partner_authorized(w.partner).await.unwrap());
    assert!(!w.partner_denied());
    let states: Vec<CaseState> = reviewed.detail.transitions.iter().map(|t| t.to).collect();
    assert_eq!(
        states,
        [
            CaseState::Screening,
            CaseState::InReview,
            CaseState::Approved
        ]
    );
}

#[tokio::test]
async fn unproven_domain_makes_a_high_risk_case_that_needs_two_reviewers() {
    let w = world(VettingConfig::default()).await;
    let detail = w.screened(false).await;
    assert_eq!(check(&detail, "domain_ownership").outcome, "record_missing");
    assert_eq!(detail.case.state, CaseState::InReview);
    assert_eq!(
        detail.case.risk_level,
        Some(portcullis_domain::vetting::RiskLevel::High),
        "a failed mandatory check makes the case high-risk"
    );
    let first = operator();
    let got = w
        .app
        .review_case(&first, detail.case.id, ReviewDecision::Approve, "ok", None)
        .await
        .unwrap();
    assert_eq!(got.approvals_missing, 1);
    assert_eq!(got.detail.case.state, CaseState::InReview);
    let again = w
        .app
        .review_case(&first, detail.case.id, ReviewDecision::Approve, "ok", None)
        .await
        .unwrap_err();
    assert!(matches!(again, ServiceError::Rule(ref r) if r.code == "duplicate_approval"));
    assert!(w.partner_denied());
    let done = w
        .app
        .review_case(
            &operator(),
            detail.case.id,
            ReviewDecision::Approve,
            "ok",
            None,
        )
        .await
        .unwrap();
    assert_eq!(done.detail.case.state, CaseState::Approved);
    assert!(!w.partner_denied());
}

#[tokio::test]
async fn an_operator_who_submitted_a_case_cannot_approve_it() {
    let w = world(VettingConfig::default()).await;
    let op = operator();
    let submitted = w
        .app
        .submit_application(&op, w.partner, application())
        .await
        .unwrap();
    w.app.screen_case(&op, submitted.case.id).await.unwrap();
    let err = w
        .app
        .review_case(
            &op,
            submitted.case.id,
            ReviewDecision::Approve,
            "mine",
            None,
        )
        .await
        .unwrap_err();
    assert!(
        matches!(err, ServiceError::Rule(ref r) if r.code == "reviewer_is_submitter"),
        "{err:?}"
    );
}

#[tokio::test]
async fn auto_approval_when_enabled_approves_a_clean_case_without_review() {
    let config = VettingConfig {
        auto_approve: portcullis_vetting::AutoApprovePolicy {
            enabled: true,
            max_score: 10,
        },
        ..VettingConfig::default()
    };
    let w = world(config).await;
    let detail = w.screened(true).await;
    assert_eq!(detail.case.state, CaseState::Approved);
    let states: Vec<CaseState> = detail.transitions.iter().map(|t| t.to).collect();
    assert_eq!(
        states,
        [
            CaseState::Screening,
            CaseState::AutoApproved,
            CaseState::Approved
        ]
    );
    assert!(!w.partner_denied());
}

#[tokio::test]
async fn a_newly_loaded_watchlist_that_names_the_partner_suspends_it() {
    let w = world(VettingConfig::default()).await;
    let detail = w.screened(true).await;
    w.app
        .review_case(
            &operator(),
            detail.case.id,
            ReviewDecision::Approve,
            "ok",
            None,
        )
        .await
        .unwrap();
    assert!(!w.partner_denied());

    // A list that does not name the partner changes nothing.
    let unrelated = br#"{"id":"x1","schema":"Company","properties":{"name":["Northwind Traders"],"country":["us"]}}
"#;
    let op = operator();
    let report = w
        .app
        .load_watchlist(&op, "sanctions", WatchlistFormat::Ftm, unrelated)
        .await
        .unwrap();
    assert_eq!(report.added, 1);
    assert!(report.rescreen.suspended.is_empty());
    assert!(!w.partner_denied());

    // The next version of the list names the partner (different spelling).
    let listed = br#"{"id":"x1","schema":"Company","properties":{"name":["Northwind Traders"],"country":["us"]}}
{"id":"x2","schema":"Company","properties":{"name":["CONTOSO MANAGED SERVICES LIMITED"],"country":["gb"]}}
not json
"#;
    let report = w
        .app
        .load_watchlist(&op, "sanctions", WatchlistFormat::Ftm, listed)
        .await
        .unwrap();
    assert_eq!((report.added, report.changed, report.removed), (1, 0, 0));
    assert_eq!(report.rejected_count, 1);
    assert_eq!(report.rejected[0].line, 3);
    assert_eq!(report.rescreen.findings_opened, 1);
    assert_eq!(report.rescreen.suspended, vec![w.partner]);
    assert!(w.partner_denied());
    assert!(!w.store.partner_authorized(w.partner).await.unwrap());

    // Every change of outcome is kept: clear at screening, then the hit.
    let history: Vec<_> = w
        .store
        .outcome_history(w.partner)
        .await
        .unwrap()
        .into_iter()
        .filter(|o| o.source == "watchlist")
        .collect();
    let counts: Vec<usize> = history
        .iter()
        .map(|o| o.hits.as_array().unwrap().len())
        .collect();
    assert_eq!(counts, [0, 1]);
    assert_eq!(history[1].hits[0]["entity_id"], "sanctions:x2");

    // Loading the same list again finds nothing new.
    let again = w
        .app
        .load_watchlist(&op, "sanctions", WatchlistFormat::Ftm, listed)
        .await
        .unwrap();
    assert_eq!((again.added, again.changed), (0, 0));
    assert_eq!(again.rescreen.findings_opened, 0);

    // Removing the entity records the cleared outcome (no reinstatement by itself).
    w.app
        .load_watchlist(&op, "sanctions", WatchlistFormat::Ftm, unrelated)
        .await
        .unwrap();
    let history: Vec<_> = w
        .store
        .outcome_history(w.partner)
        .await
        .unwrap()
        .into_iter()
        .filter(|o| o.source == "watchlist")
        .collect();
    assert_eq!(history.len(), 3);
    assert!(w.partner_denied());
}

#[tokio::test]
async fn a_vanished_domain_record_opens_a_finding_on_reverification() {
    let w = world(VettingConfig::default()).await;
    let detail = w.screened(true).await;
    let op = operator();
    let same = w.app.reverify_domain(&op, detail.case.id).await.unwrap();
    assert_eq!(check(&same, "domain_ownership").outcome, "verified");
    w.dns.remove_txt(&detail.challenge.record_name).await;
    let gone = w.app.reverify_domain(&op, detail.case.id).await.unwrap();
    assert_eq!(check(&gone, "domain_ownership").outcome, "record_missing");
    let findings = w
        .store
        .list_findings(Some(w.partner), &portcullis_domain::PageRequest::first(10))
        .await
        .unwrap();
    assert_eq!(findings.items.len(), 1);
    assert_eq!(findings.items[0].kind, "domain_record_vanished");
}

#[tokio::test]
async fn applications_are_checked_and_scoped() {
    let w = world(VettingConfig::default()).await;
    let mut bad = application();
    bad.website_domain = "co.uk".into();
    let err = w
        .app
        .submit_application(&w.partner_admin, w.partner, bad)
        .await
        .unwrap_err();
    assert!(
        matches!(err, ServiceError::Invalid(ref v) if v.field == "website_domain"),
        "{err:?}"
    );
    // Another partner's admin neither applies for nor sees this partner.
    let stranger = caller(PrincipalKind::PartnerAdmin, Some(TenantId::generate()));
    assert!(matches!(
        w.app
            .submit_application(&stranger, w.partner, application())
            .await,
        Err(ServiceError::NotFound(_))
    ));
    let case = w
        .app
        .submit_application(&w.partner_admin, w.partner, application())
        .await
        .unwrap();
    assert!(matches!(
        w.app.get_case(&stranger, case.case.id).await,
        Err(ServiceError::NotFound(_))
    ));
    let customer = caller(PrincipalKind::CustomerAdmin, Some(TenantId::generate()));
    assert!(w.app.get_case(&customer, case.case.id).await.is_err());
    // One live case per partner.
    assert!(matches!(
        w.app
            .submit_application(&w.partner_admin, w.partner, application())
            .await,
        Err(ServiceError::Conflict(_))
    ));
}

#[tokio::test]
async fn a_periodic_round_reverifies_domains_and_rescreens_everyone() {
    let w = world(VettingConfig::default()).await;
    let detail = w.screened(true).await;
    let op = operator();
    w.app
        .review_case(&op, detail.case.id, ReviewDecision::Approve, "ok", None)
        .await
        .unwrap();
    let listed = br#"{"id":"x2","schema":"Company","properties":{"name":["Contoso Managed Services"],"country":["gb"]}}
"#;
    // `never`-style configuration is not in force: the default suspends.
    w.app
        .load_watchlist(&op, "sanctions", WatchlistFormat::Ftm, listed)
        .await
        .unwrap();
    assert!(w.partner_denied());
    // The list goes away: the cleared outcome is recorded at once. The
    // round then finds the domain record gone and nothing new to screen.
    let cleared = w.app.delete_watchlist(&op, "sanctions").await.unwrap();
    assert_eq!(cleared.outcomes_changed, 1);
    w.dns.remove_txt(&detail.challenge.record_name).await;
    let round = w.app.vetting_round(&op).await.unwrap();
    assert_eq!(round.domains_checked, 1);
    assert_eq!(round.rescreen.partners_rescreened, 1);
    assert_eq!(round.rescreen.outcomes_changed, 0);
    let history: Vec<_> = w
        .store
        .outcome_history(w.partner)
        .await
        .unwrap()
        .into_iter()
        .filter(|o| o.source == "watchlist")
        .collect();
    let counts: Vec<usize> = history
        .iter()
        .map(|o| o.hits.as_array().unwrap().len())
        .collect();
    assert_eq!(counts, [0, 1, 0]);
    let findings = w
        .store
        .list_findings(Some(w.partner), &portcullis_domain::PageRequest::first(10))
        .await
        .unwrap();
    let kinds: Vec<&str> = findings.items.iter().map(|f| f.kind.as_str()).collect();
    assert_eq!(kinds, ["watchlist_hit", "domain_record_vanished"]);
    // A second round changes nothing more.
    let again = w.app.vetting_round(&op).await.unwrap();
    assert_eq!(again.rescreen.outcomes_changed, 0);
}
