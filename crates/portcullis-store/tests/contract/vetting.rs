//! Vetting cases: creation, one live case per partner, transitions with
//! their history and audit, the authorization they carry, the review
//! queue, and the records screening leaves.

use portcullis_domain::vetting::{
    Address, Application, CaseState, ReviewDecision, RiskLevel, VettingCase,
};
use portcullis_domain::vetting::{
    CaseFilter, CheckRecord, DomainChallenge, ScreeningOutcome, VettingConcern,
};
use portcullis_domain::{PageRequest, RecordId};
use portcullis_store::{AccessStore, AuditStore, CaseUpdate, StoreError, VettingStore};

use crate::contract;
use crate::support::{audit_log, ctx, ms, partner};

fn application(name: &str) -> Application {
    Application {
        legal_name: name.into(),
        registration_number: "12345678".into(),
        registration_country: "GB".into(),
        website_domain: "contoso.example".into(),
        contact_email: "security@contoso.example".into(),
        officers: Vec::new(),
        address: Address {
            street: "1 High Street".into(),
            city: "London".into(),
            postal_code: None,
            country: "GB".into(),
        },
    }
}

fn challenge(case: &VettingCase) -> DomainChallenge {
    DomainChallenge {
        case_id: case.id,
        domain: case.application.website_domain.clone(),
        token: "tok".into(),
        issued_at: case.created_at,
        verified_at: None,
        last_checked_at: None,
        last_outcome: None,
    }
}

pub(crate) async fn submitted(store: &portcullis_store::SqlStore, name: &str) -> VettingCase {
    let p = partner(store, name).await;
    let case = VettingCase::submit(
        p.id,
        application(name),
        "partner_admin token:x".into(),
        ms(10_000),
    );
    store
        .create_case(&ctx(10_000), &case, &challenge(&case))
        .await
        .unwrap();
    case
}

/// Screens the case to `in_review` at `level` and saves it.
pub(crate) async fn in_review(
    store: &portcullis_store::SqlStore,
    case: &mut VettingCase,
    score: u8,
    level: RiskLevel,
) {
    let expected = case.version;
    let mut transitions = vec![case.begin_screening("system", ms(11_000)).unwrap()];
    transitions.extend(
        case.finish_screening(score, level, false, ms(11_000))
            .unwrap(),
    );
    *case = store
        .save_case(
            &ctx(11_000),
            case,
            expected,
            CaseUpdate {
                transitions,
                ..CaseUpdate::default()
            },
        )
        .await
        .unwrap();
}

contract!(case_round_trips_with_its_challenge, |store, _db| {
    let case = submitted(&store, "Contoso").await;
    let stored = store.get_case(case.id).await.unwrap().unwrap();
    assert_eq!(stored, case);
    assert_eq!(
        store.domain_challenge(case.id).await.unwrap(),
        Some(challenge(&case))
    );
    let listed = store
        .list_cases(
            &CaseFilter {
                tenant_id: Some(case.tenant_id),
                state: Some(CaseState::Submitted),
            },
            &PageRequest::first(50),
        )
        .await
        .unwrap();
    assert_eq!(listed.items, vec![case.clone()]);
    let log = audit_log(&store).await;
    assert_eq!(log.last().unwrap().operation, "vetting.case.submitted");
});

contract!(a_partner_has_one_live_case_at_a_time, |store, _db| {
    let mut case = submitted(&store, "Contoso").await;
    let second = VettingCase::submit(
        case.tenant_id,
        application("Contoso"),
        "p".into(),
        ms(12_000),
    );
    let err = store
        .create_case(&ctx(12_000), &second, &challenge(&second))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    // Once rejected, the partner may apply again.
    in_review(&store, &mut case, 40, RiskLevel::Medium).await;
    let expected = case.version;
    let portcullis_domain::vetting::ReviewOutcome::Moved(t) = case
        .review("operator token:r", ReviewDecision::Reject, "no", ms(13_000))
        .unwrap()
    else {
        panic!("moved")
    };
    store
        .save_case(
            &ctx(13_000),
            &case,
            expected,
            CaseUpdate {
                transitions: vec![t],
                ..CaseUpdate::default()
            },
        )
        .await
        .unwrap();
    store
        .create_case(&ctx(14_000), &second, &challenge(&second))
        .await
        .unwrap();
});

contract!(
    approval_authorizes_and_suspension_deauthorizes_in_the_same_transaction,
    |store, _db| {
        let mut case = submitted(&store, "Contoso").await;
        in_review(&store, &mut case, 30, RiskLevel::Low).await;
        assert!(!store.partner_authorized(case.tenant_id).await.unwrap());

        let expected = case.version;
        let portcullis_domain::vetting::ReviewOutcome::Moved(t) = case
            .review(
                "operator token:r",
                ReviewDecision::Approve,
                "fine",
                ms(20_000),
            )
            .unwrap()
        else {
            panic!("moved")
        };
        case = store
            .save_case(
                &ctx(20_000),
                &case,
                expected,
                CaseUpdate {
                    transitions: vec![t],
                    ..CaseUpdate::default()
                },
            )
            .await
            .unwrap();
        assert!(store.partner_authorized(case.tenant_id).await.unwrap());
        let ops: Vec<String> = audit_log(&store)
            .await
            .iter()
            .rev()
            .take(2)
            .map(|r| r.operation.clone())
            .collect();
        assert_eq!(ops, ["partner.authorize", "vetting.case.approved"]);

        let expected = case.version;
        let t = case
            .suspend("operator token:r", "watchlist hit", ms(30_000))
            .unwrap();
        case = store
            .save_case(
                &ctx(30_000),
                &case,
                expected,
                CaseUpdate {
                    transitions: vec![t],
                    ..CaseUpdate::default()
                },
            )
            .await
            .unwrap();
        assert!(!store.partner_authorized(case.tenant_id).await.unwrap());
        let history = store.case_transitions(case.id).await.unwrap();
        let states: Vec<_> = history.iter().map(|t| t.to).collect();
        assert_eq!(
            states,
            [
                CaseState::Screening,
                CaseState::InReview,
                CaseState::Approved,
                CaseState::Suspended
            ]
        );
        assert_eq!(history[3].reason, "watchlist hit");
        assert_eq!(store.verify_audit().await.unwrap().map(|_| ()), Ok(()));
    }
);

contract!(stale_case_versions_are_refused, |store, _db| {
    let mut case = submitted(&store, "Contoso").await;
    let stale = case.clone();
    in_review(&store, &mut case, 30, RiskLevel::Low).await;
    let mut other = stale.clone();
    let t = other.begin_screening("system", ms(15_000)).unwrap();
    let err = store
        .save_case(
            &ctx(15_000),
            &other,
            stale.version,
            CaseUpdate {
                transitions: vec![t],
                ..CaseUpdate::default()
            },
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::VersionMismatch { .. }), "{err:?}");
    assert_eq!(
        store.get_case(case.id).await.unwrap().unwrap().state,
        CaseState::InReview
    );
});

contract!(
    review_queue_puts_the_riskiest_first_and_pages,
    |store, _db| {
        let mut ids = Vec::new();
        for (i, score) in [10u8, 90, 50, 90, 70].into_iter().enumerate() {
            let mut case = submitted(&store, &format!("Partner {i}")).await;
            in_review(&store, &mut case, score, RiskLevel::Medium).await;
            ids.push((score, case.id));
        }
        // One case that is not in review stays out of the queue.
        submitted(&store, "Waiting").await;
        let mut seen = Vec::new();
        let mut page = PageRequest::new(Some(2), None).unwrap();
        loop {
            let got = store.review_queue(&page).await.unwrap();
            seen.extend(got.items.iter().map(|c| (c.risk_score.unwrap(), c.id)));
            match got.next {
                Some(next) => page = PageRequest::new(Some(2), Some(next)).unwrap(),
                None => break,
            }
        }
        ids.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        assert_eq!(seen, ids);
    }
);

contract!(checks_outcomes_and_findings_are_kept, |store, _db| {
    let mut case = submitted(&store, "Contoso").await;
    let expected = case.version;
    let t = case.begin_screening("system", ms(11_000)).unwrap();
    let check = CheckRecord {
        id: RecordId::generate(),
        case_id: case.id,
        kind: "domain_ownership".into(),
        outcome: "verified".into(),
        result: serde_json::json!({"outcome": "verified"}),
        at: ms(11_000),
    };
    let outcome = |at: i64, digest: &str| ScreeningOutcome {
        id: RecordId::generate(),
        tenant_id: case.tenant_id,
        case_id: case.id,
        source: "watchlist".into(),
        digest: digest.into(),
        hits: serde_json::json!([]),
        at: ms(at),
    };
    let finding = VettingConcern {
        id: RecordId::generate(),
        tenant_id: case.tenant_id,
        case_id: Some(case.id),
        kind: "watchlist_hit".into(),
        severity: "high".into(),
        summary: "matched".into(),
        detail: serde_json::json!({"score": 0.97}),
        status: "open".into(),
        created_at: ms(11_000),
        updated_at: ms(11_000),
    };
    let mut challenge = challenge(&case);
    challenge.verified_at = Some(ms(11_000));
    challenge.last_outcome = Some("verified".into());
    store
        .save_case(
            &ctx(11_000),
            &case,
            expected,
            CaseUpdate {
                operation: None,
                transitions: vec![t],
                checks: vec![check.clone()],
                challenge: Some(challenge.clone()),
                outcomes: vec![outcome(11_000, "a"), outcome(12_000, "b")],
                findings: vec![finding.clone()],
            },
        )
        .await
        .unwrap();
    assert_eq!(store.case_checks(case.id).await.unwrap(), vec![check]);
    assert_eq!(
        store.domain_challenge(case.id).await.unwrap(),
        Some(challenge)
    );
    assert_eq!(
        store
            .latest_outcome(case.tenant_id, "watchlist")
            .await
            .unwrap()
            .unwrap()
            .digest,
        "b"
    );
    assert_eq!(
        store.latest_outcome(case.tenant_id, "intel").await.unwrap(),
        None
    );
    assert_eq!(
        store.outcome_history(case.tenant_id).await.unwrap().len(),
        2
    );
    let findings = store
        .list_findings(Some(case.tenant_id), &PageRequest::first(50))
        .await
        .unwrap();
    assert_eq!(findings.items, vec![finding]);
    let none = store
        .list_findings(
            Some(portcullis_domain::TenantId::generate()),
            &PageRequest::first(50),
        )
        .await
        .unwrap();
    assert!(none.items.is_empty());
});

contract!(
    a_tenant_with_a_vetting_history_is_not_deleted,
    |store, _db| {
        let case = submitted(&store, "Contoso").await;
        let err = portcullis_store::TenantStore::delete_tenant(
            &store,
            &ctx(20_000),
            case.tenant_id,
            None,
        )
        .await
        .unwrap_err();
        assert!(
            matches!(err, StoreError::Conflict(ref m) if m.contains("vetting")),
            "{err:?}"
        );
    }
);
