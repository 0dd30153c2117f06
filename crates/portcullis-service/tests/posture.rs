//! Posture: uploads judged at once, gating of new relationships and
//! assignments, grace and staleness at their boundary instants, baseline
//! reloads, and who may do what.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests"
)]

mod support;

use std::collections::BTreeSet;
use std::sync::Arc;

use portcullis_domain::PostureStanding;
use portcullis_domain::{AuditFilter, EventFilter, PostureFilter};
use portcullis_domain::{
    Clock as _, DisplayName, IsoDuration, PageRequest, Principal, PrincipalKind, RoleId, TenantId,
    TestClock, Timestamp,
};
use portcullis_service::{Caller, NewRelationship, Portcullis, PostureConfig, ServiceError};
use portcullis_store::Store;
use portcullis_testkit::TestDb;
use serde_json::{Value, json};
use support::{DAY, HELPDESK_ADMIN as HELPDESK, Partnership};
/// 2027-01-15T08:00:00Z: after the compliant fixture's capture time.
const START: i64 = 1_800_000_000_000;

struct World {
    app: Portcullis,
    store: Arc<dyn Store>,
    clock: Arc<TestClock>,
    op: Caller,
    partner: TenantId,
    customer: TenantId,
    _db: TestDb,
}

async fn world() -> World {
    world_with(PostureConfig::default()).await
}

async fn world_with(config: PostureConfig) -> World {
    let db = TestDb::sqlite();
    let clock = Arc::new(TestClock::at(Timestamp::from_unix_millis(START)));
    let Partnership {
        store,
        app,
        partner,
        customer,
    } = Partnership::new(&db, clock.clone(), |app| app.with_posture(config)).await;
    World {
        app,
        store,
        clock,
        op: Caller::local_operator(),
        partner,
        customer,
        _db: db,
    }
}

/// A snapshot in which every default requirement passes, captured at `taken_at`.
fn compliant_at(taken_at: i64) -> Value {
    let mut doc: Value = serde_json::from_str(include_str!(
        "../../portcullis-posture/tests/support/compliant.json"
    ))
    .unwrap();
    doc["portcullis_partner_program"]["taken_at"] =
        json!(Timestamp::from_unix_millis(taken_at).to_string());
    doc
}

/// The same without a security contact: `partner.security-contact` fails.
fn without_contact(taken_at: i64) -> Value {
    let mut doc = compliant_at(taken_at);
    doc["portcullis_partner_program"]
        .as_object_mut()
        .unwrap()
        .remove("security_contact");
    doc
}

fn bytes(doc: &Value) -> Vec<u8> {
    serde_json::to_vec(doc).unwrap()
}

fn at(ms: i64) -> Timestamp {
    Timestamp::from_unix_millis(ms)
}

impl World {
    fn now(&self) -> i64 {
        self.clock.now().unix_millis()
    }

    async fn upload(&self, doc: &Value) -> portcullis_service::PostureUpload {
        self.app
            .upload_posture_snapshot(&self.op, self.partner, &bytes(doc))
            .await
            .unwrap()
    }

    async fn state(&self) -> portcullis_domain::PartnerPosture {
        self.app
            .partner_posture(&self.op, self.partner)
            .await
            .unwrap()
    }

    async fn propose(&self) -> Result<portcullis_domain::Relationship, ServiceError> {
        let roles: BTreeSet<RoleId> = [RoleId::parse(HELPDESK).unwrap()].into();
        let new = NewRelationship {
            partner_tenant_id: self.partner,
            customer_tenant_id: self.customer,
            display_name: DisplayName::parse(&format!(
                "Helpdesk {}",
                uuid::Uuid::new_v4().simple()
            ))
            .unwrap(),
            roles,
            duration: IsoDuration::parse("P30D").unwrap(),
            auto_extend_duration: IsoDuration::parse("PT0S").unwrap(),
        };
        self.app.create_relationship(&self.op, new).await
    }

    async fn posture_operations(&self) -> Vec<String> {
        let filter = AuditFilter {
            tenant_id: Some(self.partner),
            ..AuditFilter::default()
        };
        self.store
            .list_audit(&filter, &PageRequest::first(200))
            .await
            .unwrap()
            .items
            .into_iter()
            .map(|r| r.operation)
            .filter(|op| op.starts_with("posture."))
            .collect()
    }

    async fn posture_events(&self) -> Vec<String> {
        let filter = EventFilter {
            partner_tenant_id: Some(self.partner),
            ..EventFilter::default()
        };
        self.store
            .list_events(&filter, &PageRequest::first(200))
            .await
            .unwrap()
            .items
            .into_iter()
            .filter_map(|e| e.event.operation)
            .filter(|op| op.starts_with("posture."))
            .collect()
    }
}

fn rule_code(err: &ServiceError) -> &'static str {
    match err {
        ServiceError::Rule(rule) => rule.code,
        other => panic!("expected a rule violation, got {other:?}"),
    }
}

#[tokio::test]
async fn a_compliant_upload_is_judged_stored_and_audited() {
    let w = world().await;
    let uploaded = w.upload(&compliant_at(START - DAY)).await;
    assert!(uploaded.report.compliant, "{:#}", uploaded.report.report);
    assert_eq!(uploaded.posture.state, PostureStanding::Compliant);
    assert_eq!(uploaded.snapshot.taken_at, Some(at(START - DAY)));
    assert_eq!(uploaded.posture.snapshot_taken_at, at(START - DAY));
    let version = w.app.posture_baseline(&w.op).await.unwrap().version;
    assert_eq!(uploaded.report.baseline_version, version);
    assert_eq!(uploaded.report.report["baseline_version"], json!(version));
    assert_eq!(
        w.app
            .latest_posture_report(&w.op, w.partner)
            .await
            .unwrap()
            .id,
        uploaded.report.id
    );
    assert_eq!(
        w.posture_operations().await,
        ["posture.snapshot.upload", "posture.state.compliant"]
    );
    assert_eq!(w.posture_events().await, ["posture.state.compliant"]);
    w.propose().await.unwrap();
}

#[tokio::test]
async fn a_noncompliant_partner_may_not_create_relationships_or_assignments() {
    let w = world().await;
    // A relationship made while compliant, to try an assignment on later.
    w.upload(&compliant_at(START)).await;
    let rel = w.propose().await.unwrap();

    let uploaded = w.upload(&without_contact(START)).await;
    assert_eq!(uploaded.posture.state, PostureStanding::Noncompliant);
    assert_eq!(uploaded.posture.failing, ["partner.security-contact"]);
    assert_eq!(uploaded.posture.noncompliant_since, Some(at(START)));
    assert_eq!(uploaded.posture.grace_ends_at, Some(at(START + 14 * DAY)));

    let err = w.propose().await.unwrap_err();
    assert_eq!(rule_code(&err), "partner_noncompliant");
    assert!(
        err.to_string().contains("partner.security-contact"),
        "{err}"
    );
    let err = w.app.request_approval(&w.op, rel.id).await.unwrap_err();
    assert_eq!(rule_code(&err), "partner_noncompliant");
    let group = w
        .app
        .create_group(
            &w.op,
            w.partner,
            portcullis_domain::NewGroup {
                display_name: DisplayName::parse("Helpdesk agents").unwrap(),
                description: None,
            },
        )
        .await
        .unwrap();
    let err = w
        .app
        .create_assignment(
            &w.op,
            rel.id,
            portcullis_service::NewAssignment {
                group_id: group.id,
                roles: [RoleId::parse(HELPDESK).unwrap()].into(),
                kind: portcullis_domain::AssignmentKind::Standing,
            },
        )
        .await
        .unwrap_err();
    assert_eq!(rule_code(&err), "partner_noncompliant");

    // A compliant snapshot lifts the gate at once.
    w.upload(&compliant_at(START)).await;
    w.propose().await.unwrap();
}

#[tokio::test]
async fn grace_ends_at_its_instant_and_a_compliant_snapshot_lifts_suspension() {
    let w = world().await;
    w.upload(&without_contact(START)).await;
    let grace_end = START + 14 * DAY;

    w.clock.set(at(grace_end - 1));
    let round = w.app.posture_round().await.unwrap();
    assert_eq!(round.suspended, 0);
    assert_eq!(w.state().await.state, PostureStanding::Noncompliant);

    // Another failing upload during grace does not restart it.
    w.upload(&without_contact(grace_end - 1)).await;
    assert_eq!(w.state().await.grace_ends_at, Some(at(grace_end)));

    w.clock.set(at(grace_end));
    let round = w.app.posture_round().await.unwrap();
    assert_eq!(round.suspended, 1);
    let state = w.state().await;
    assert_eq!(state.state, PostureStanding::Suspended);
    assert_eq!(state.failing, ["partner.security-contact"]);
    assert_eq!(w.app.posture_round().await.unwrap().suspended, 0);
    assert_eq!(
        rule_code(&w.propose().await.unwrap_err()),
        "partner_noncompliant"
    );

    // Still failing: still suspended, not a fresh grace period.
    let again = w.upload(&without_contact(grace_end)).await;
    assert_eq!(again.posture.state, PostureStanding::Suspended);

    let back = w.upload(&compliant_at(grace_end)).await;
    assert_eq!(back.posture.state, PostureStanding::Compliant);
    assert_eq!(back.posture.noncompliant_since, None);
    w.propose().await.unwrap();
    assert_eq!(
        w.posture_operations().await,
        [
            "posture.snapshot.upload",
            "posture.state.noncompliant",
            "posture.snapshot.upload",
            "posture.state.suspended",
            "posture.snapshot.upload",
            "posture.snapshot.upload",
            "posture.state.compliant",
        ]
    );
    assert_eq!(
        w.posture_events().await,
        [
            "posture.state.noncompliant",
            "posture.state.suspended",
            "posture.state.compliant"
        ]
    );
}

#[tokio::test]
async fn a_snapshot_goes_stale_just_after_thirty_days() {
    let w = world().await;
    let taken = START - DAY;
    w.upload(&compliant_at(taken)).await;

    w.clock.set(at(taken + 30 * DAY));
    let round = w.app.posture_round().await.unwrap();
    assert_eq!(round.stale.evaluated, 0);
    assert_eq!(w.state().await.state, PostureStanding::Compliant);

    w.clock.set(at(taken + 30 * DAY + 1));
    let round = w.app.posture_round().await.unwrap();
    assert_eq!(round.stale.evaluated, 1);
    assert_eq!(round.stale.changed, 1);
    let state = w.state().await;
    assert_eq!(state.state, PostureStanding::Noncompliant);
    assert_eq!(state.failing, ["snapshot.fresh"]);
    assert_eq!(state.noncompliant_since, Some(at(w.now())));
    assert_eq!(state.grace_ends_at, Some(at(w.now() + 14 * DAY)));
    let report = w.app.latest_posture_report(&w.op, w.partner).await.unwrap();
    assert!(!report.compliant);
    assert_eq!(report.snapshot_id, state.snapshot_id);
}

#[tokio::test]
async fn configured_stale_age_and_grace_period_apply() {
    let w = world_with(PostureConfig {
        stale_after_days: Some(7),
        grace_period_days: Some(1),
        ..PostureConfig::default()
    })
    .await;
    let uploaded = w.upload(&compliant_at(START - 8 * DAY)).await;
    assert_eq!(uploaded.posture.state, PostureStanding::Noncompliant);
    assert_eq!(uploaded.posture.failing, ["snapshot.fresh"]);
    assert_eq!(uploaded.posture.grace_ends_at, Some(at(START + DAY)));
}

#[tokio::test]
async fn a_partner_without_a_snapshot_is_gated_only_when_configured() {
    let w = world().await;
    w.propose().await.unwrap();
    let strict = world_with(PostureConfig {
        require_snapshot: true,
        ..PostureConfig::default()
    })
    .await;
    let err = strict.propose().await.unwrap_err();
    assert_eq!(rule_code(&err), "partner_noncompliant");
    assert!(err.to_string().contains("has not uploaded"), "{err}");
}

#[tokio::test]
async fn a_missing_section_fails_exactly_the_requirements_that_need_it() {
    let w = world().await;
    let mut doc = compliant_at(START);
    doc.as_object_mut().unwrap().remove("privileged_users");
    let uploaded = w.upload(&doc).await;
    let needing: BTreeSet<String> = w
        .app
        .posture_baseline(&w.op)
        .await
        .unwrap()
        .requirements
        .into_iter()
        .filter(|r| r.sections.iter().any(|s| s == "privileged_users"))
        .map(|r| r.id)
        .collect();
    assert!(needing.contains("aad.global-admin-count"), "{needing:?}");
    let errors: BTreeSet<String> = uploaded.report.report["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["status"] == "error")
        .map(|r| r["requirement_id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(errors, needing);
    assert_eq!(uploaded.posture.state, PostureStanding::Noncompliant);
    assert_eq!(
        uploaded
            .posture
            .failing
            .into_iter()
            .collect::<BTreeSet<_>>(),
        needing
    );
}

#[tokio::test]
async fn bad_snapshots_are_refused_naming_where_and_nothing_is_stored() {
    let w = world().await;
    let upload = |body: Vec<u8>| {
        let w = &w;
        async move {
            w.app
                .upload_posture_snapshot(&w.op, w.partner, &body)
                .await
                .unwrap_err()
        }
    };
    let err = upload(b"{\"conditional_access_policies\": [".to_vec()).await;
    assert_eq!(rule_code(&err), "invalid_snapshot");
    assert!(err.to_string().contains("line 1 column"), "{err}");

    let mut doc = compliant_at(START);
    doc["conditional_access_policies"][1]["Conditions"]["Users"]["IncludeUsers"] = json!("All");
    let err = upload(bytes(&doc)).await;
    assert_eq!(rule_code(&err), "invalid_snapshot");
    assert!(
        err.to_string()
            .contains("conditional_access_policies[1].Conditions.Users.IncludeUsers"),
        "{err}"
    );
    let err = upload(b"[1, 2]".to_vec()).await;
    assert_eq!(rule_code(&err), "invalid_snapshot");
    let err = upload(Vec::new()).await;
    assert_eq!(rule_code(&err), "invalid_snapshot");

    let err = w
        .app
        .upload_posture_snapshot(&w.op, w.customer, &bytes(&compliant_at(START)))
        .await
        .unwrap_err();
    assert!(matches!(err, ServiceError::WrongTenantKind(_)), "{err:?}");
    let err = w
        .app
        .upload_posture_snapshot(&w.op, TenantId::generate(), &bytes(&compliant_at(START)))
        .await
        .unwrap_err();
    assert!(matches!(err, ServiceError::NotFound(_)), "{err:?}");

    assert!(w.posture_operations().await.is_empty());
    assert!(w.store.partner_posture(w.partner).await.unwrap().is_none());
}

#[tokio::test]
async fn only_operators_and_the_partners_own_admins_touch_its_posture() {
    let w = world().await;
    let doc = bytes(&compliant_at(START));
    let own =
        Caller::new(Principal::new(PrincipalKind::PartnerAdmin, Some(w.partner), None).unwrap());
    let other = Caller::new(
        Principal::new(
            PrincipalKind::PartnerAdmin,
            Some(TenantId::generate()),
            None,
        )
        .unwrap(),
    );
    let customer =
        Caller::new(Principal::new(PrincipalKind::CustomerAdmin, Some(w.customer), None).unwrap());
    let service = Caller::new(Principal::new(PrincipalKind::Service, None, None).unwrap());

    let uploaded = w
        .app
        .upload_posture_snapshot(&own, w.partner, &doc)
        .await
        .unwrap();
    assert!(uploaded.snapshot.uploaded_by.starts_with("partner_admin"));
    w.app
        .posture_report(&own, uploaded.report.id)
        .await
        .unwrap();
    w.app.posture_baseline(&own).await.unwrap();

    for (caller, not_found) in [(&other, true), (&customer, false), (&service, false)] {
        let errs = [
            w.app
                .upload_posture_snapshot(caller, w.partner, &doc)
                .await
                .unwrap_err(),
            w.app
                .latest_posture_report(caller, w.partner)
                .await
                .unwrap_err(),
            w.app.partner_posture(caller, w.partner).await.unwrap_err(),
            w.app
                .posture_report(caller, uploaded.report.id)
                .await
                .unwrap_err(),
        ];
        for err in errs {
            if not_found {
                assert!(matches!(err, ServiceError::NotFound(_)), "{err:?}");
            } else {
                assert!(matches!(err, ServiceError::Forbidden(_)), "{err:?}");
            }
        }
    }
    for caller in [&own, &customer, &service] {
        let err = w
            .app
            .list_partner_postures(caller, PostureFilter::default(), &PageRequest::first(10))
            .await
            .unwrap_err();
        assert!(matches!(err, ServiceError::Forbidden(_)), "{err:?}");
        let err = w.app.reload_baseline(caller, None).await.unwrap_err();
        assert!(matches!(err, ServiceError::Forbidden(_)), "{err:?}");
    }
    let listed = w
        .app
        .list_partner_postures(
            &w.op,
            PostureFilter {
                state: Some(PostureStanding::Compliant),
            },
            &PageRequest::first(10),
        )
        .await
        .unwrap();
    assert_eq!(listed.items.len(), 1);
}

/// An operator requirement that no snapshot meets.
const IMPOSSIBLE: &str = r#"package portcullis.requirement.acme_impossible

requirement := {
	"id": "acme.impossible",
	"criticality": "SHALL",
	"description": "Never met",
	"rationale": "Tests a baseline change",
	"sections": [],
}

result := {"status": "fail", "details": "never met"}
"#;

#[tokio::test]
async fn a_baseline_change_judges_every_partner_again_and_a_broken_one_is_refused() {
    let baseline = tempfile::tempdir().unwrap();
    let w = world_with(PostureConfig {
        baseline_dir: Some(baseline.path().to_owned()),
        ..PostureConfig::default()
    })
    .await;
    w.upload(&compliant_at(START)).await;
    let before = w.app.posture_baseline(&w.op).await.unwrap();

    let broken = baseline.path().join("broken.rego");
    std::fs::write(&broken, "package portcullis.requirement.x\n\nresult := {\n").unwrap();
    let err = w
        .app
        .reload_baseline(&w.op, Some(baseline.path()))
        .await
        .unwrap_err();
    assert_eq!(rule_code(&err), "invalid_baseline");
    assert!(err.to_string().contains("broken.rego"), "{err}");
    assert!(err.to_string().contains("line"), "{err}");
    assert_eq!(
        w.app.posture_baseline(&w.op).await.unwrap().version,
        before.version
    );
    std::fs::remove_file(&broken).unwrap();

    let same = w.app.reload_baseline(&w.op, None).await.unwrap();
    assert!(!same.changed);
    assert_eq!(same.reassessed.evaluated, 0);

    // Only the configured directory is ever read.
    let elsewhere = tempfile::tempdir().unwrap();
    std::fs::write(elsewhere.path().join("impossible.rego"), IMPOSSIBLE).unwrap();
    for other in [elsewhere.path(), std::path::Path::new("/etc")] {
        let err = w.app.reload_baseline(&w.op, Some(other)).await.unwrap_err();
        assert_eq!(rule_code(&err), "baseline_directory_refused", "{err}");
    }
    assert_eq!(
        w.app.posture_baseline(&w.op).await.unwrap().version,
        before.version
    );

    std::fs::write(baseline.path().join("impossible.rego"), IMPOSSIBLE).unwrap();
    w.clock.set(at(START + DAY));
    let reload = w.app.reload_baseline(&w.op, None).await.unwrap();
    assert!(reload.changed);
    assert_eq!(reload.previous_version, before.version);
    assert_ne!(reload.version, before.version);
    assert_eq!(reload.reassessed.evaluated, 1);
    assert_eq!(reload.reassessed.changed, 1);
    let state = w.state().await;
    assert_eq!(state.state, PostureStanding::Noncompliant);
    assert_eq!(state.failing, ["acme.impossible"]);
    assert_eq!(state.baseline_version, reload.version);
    assert_eq!(state.grace_ends_at, Some(at(START + 15 * DAY)));
    let report = w.app.latest_posture_report(&w.op, w.partner).await.unwrap();
    assert_eq!(report.baseline_version, reload.version);
    assert!(
        w.app
            .posture_baseline(&w.op)
            .await
            .unwrap()
            .requirements
            .iter()
            .any(|r| r.id == "acme.impossible")
    );
    assert_eq!(
        w.posture_operations().await,
        [
            "posture.snapshot.upload",
            "posture.state.compliant",
            "posture.state.noncompliant"
        ]
    );
    assert_eq!(
        w.posture_events().await,
        ["posture.state.compliant", "posture.state.noncompliant"]
    );

    // Back to the default baseline: compliant again, and audited.
    std::fs::remove_file(baseline.path().join("impossible.rego")).unwrap();
    let back = w.app.reload_baseline(&w.op, None).await.unwrap();
    assert!(back.changed);
    assert_eq!(back.reassessed.changed, 1);
    assert_eq!(w.state().await.state, PostureStanding::Compliant);
}
