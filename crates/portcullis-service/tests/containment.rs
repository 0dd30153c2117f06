//! The containment policy inside `serve`: only High-confidence findings
//! contain by default (the rest alert), an update that raises a finding to
//! High contains then, shadow mode records without containing, and what the
//! decision index knows about an event (an unreachable customer) raises a
//! detection's confidence. Each on SQLite and PostgreSQL.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "tests"
)]

mod support;

use std::sync::Arc;

use portcullis_decision::{DecisionRequest, Effect};
use portcullis_domain::{
    Action, AuthStrength, ContainmentFilter, ContainmentMode, Finding, FindingFilter, PageRequest,
    TenantId, TestClock, Timestamp, UserId,
};
use portcullis_service::{Caller, DetectionConfig, DetectionRound, Portcullis};
use portcullis_store::Store;
use portcullis_testkit::TestDb;
use serde_json::json;
use support::{DAY, MINUTE, Partnership, T, backends, service};

/// An authorized partner whose user Alice (settled: a week of history)
/// holds a standing Groups Administrator assignment in customer `home`,
/// approved at `T` for 30 days; the clock stands at `T`.
struct World {
    _db: TestDb,
    store: Arc<dyn Store>,
    app: Portcullis,
    partner: TenantId,
    home: TenantId,
    alice: UserId,
}

impl World {
    async fn new(db: TestDb, config: DetectionConfig) -> Self {
        let clock = Arc::new(TestClock::at(Timestamp::from_unix_millis(T)));
        let (p, alice) =
            Partnership::with_alice(&db, clock, |app| app.with_detection(config)).await;
        let (store, app, partner, home) = (p.store, p.app, p.partner, p.customer);
        let world = Self {
            _db: db,
            store,
            app,
            partner,
            home,
            alice,
        };
        world.settle(&alice.to_string()).await;
        world
    }

    /// Eight days of sign-ins to `home` before `T`: the user's baseline is
    /// learned, so Medium-confidence findings are raised for it.
    async fn settle(&self, user: &str) {
        let lines: Vec<String> = (0..8)
            .flat_map(|day| (0..5).map(move |n| T - (8 - day) * DAY + n * 30 * MINUTE))
            .map(|time| self.sign_in(user, self.home, time))
            .collect();
        self.send(&lines).await;
        self.app.detect_pending().await.unwrap();
    }

    fn sign_in(&self, user: &str, customer: TenantId, time: i64) -> String {
        json!({"class_uid": 3002, "time": time, "status_id": 1,
               "metadata": {"uid": format!("{user}-{customer}-{time}")},
               "user": {"uid": user, "org": {"uid": self.partner.to_string()}},
               "cloud": {"account": {"uid": customer.to_string()}},
               "src_endpoint": {"ip": "198.51.100.20", "location": {"country": "GB"}},
               "is_mfa": true})
        .to_string()
    }

    async fn send(&self, lines: &[String]) {
        self.app
            .ingest_events(&service(), &lines.join("\n"))
            .await
            .unwrap();
    }

    /// `count` sign-ins by `user`, one a minute from `T` + 1 h + `from`
    /// minutes, each to a customer nobody at the partner ever reached.
    async fn fan_out(&self, user: &str, from: i64, count: i64) -> DetectionRound {
        let lines: Vec<String> = (from..from + count)
            .map(|n| self.sign_in(user, TenantId::generate(), T + 60 * MINUTE + n * MINUTE))
            .collect();
        self.send(&lines).await;
        self.app.detect_pending().await.unwrap()
    }

    async fn fan_out_finding(&self, user: &str) -> Finding {
        let filter = FindingFilter {
            rule_id: Some("PCD-001".into()),
            user_id: Some(user.into()),
            ..FindingFilter::default()
        };
        let mut found = self
            .store
            .list_detection_findings(&filter, &PageRequest::first(10))
            .await
            .unwrap()
            .items;
        assert_eq!(found.len(), 1, "{found:?}");
        found.remove(0)
    }

    async fn containments(
        &self,
        mode: Option<ContainmentMode>,
    ) -> Vec<portcullis_domain::Containment> {
        let filter = ContainmentFilter {
            mode,
            ..ContainmentFilter::default()
        };
        self.app
            .list_containments(&Caller::local_operator(), &filter, &PageRequest::first(10))
            .await
            .unwrap()
            .items
    }

    /// Alice's decision in `home` at `T` + 2 h.
    fn alice_allowed(&self) -> bool {
        let request = DecisionRequest {
            partner_tenant_id: self.partner,
            user_id: self.alice,
            customer_tenant_id: self.home,
            action: Action::parse("groups.update").unwrap(),
            auth_strength: AuthStrength::Mfa,
            source_ip: None,
        };
        let decision = self
            .app
            .decisions()
            .decide_all(&[request], Timestamp::from_unix_millis(T + 120 * MINUTE))
            .remove(0);
        decision.effect == Effect::Allow
    }
}

fn shadow_config() -> DetectionConfig {
    DetectionConfig {
        containment_mode: ContainmentMode::Shadow,
        ..DetectionConfig::default()
    }
}

#[tokio::test]
async fn a_medium_confidence_finding_alerts_but_does_not_contain() {
    for db in backends().await {
        let w = World::new(db, DetectionConfig::default()).await;
        assert!(w.alice_allowed(), "the fixture allows Alice");
        // Seven customers new to Alice and her partner within the hour.
        let round = w.fan_out(&w.alice.to_string(), 0, 7).await;
        assert_eq!((round.findings_new, round.contained), (1, 0), "{round:?}");
        let finding = w.fan_out_finding(&w.alice.to_string()).await;
        assert!(
            (0.5..0.8).contains(&finding.confidence),
            "Medium: {}",
            finding.confidence
        );
        assert!(
            finding.explanation.contains("never reached by the user"),
            "{}",
            finding.explanation
        );
        assert_eq!(finding.body["confidence"], "Medium");
        assert!(w.containments(None).await.is_empty());
        assert!(w.alice_allowed(), "an alert holds nobody back");
    }
}

#[tokio::test]
async fn a_high_confidence_finding_contains_the_user() {
    for db in backends().await {
        let w = World::new(db, DetectionConfig::default()).await;
        let round = w.fan_out(&w.alice.to_string(), 0, 12).await;
        assert_eq!((round.findings_new, round.contained), (1, 1), "{round:?}");
        let finding = w.fan_out_finding(&w.alice.to_string()).await;
        assert!(finding.confidence >= 0.8, "{}", finding.confidence);
        let held = w.containments(Some(ContainmentMode::Enforced)).await;
        assert_eq!(held.len(), 1);
        assert_eq!(
            (held[0].finding_id, held[0].target_id.clone()),
            (Some(finding.id), w.alice.to_string())
        );
        assert!(!w.alice_allowed());
    }
}

#[tokio::test]
async fn an_update_raising_a_finding_to_high_contains_then_and_a_lift_stands() {
    for db in backends().await {
        let w = World::new(db, DetectionConfig::default()).await;
        let alice = w.alice.to_string();
        let first = w.fan_out(&alice, 0, 7).await;
        assert_eq!((first.findings_new, first.contained), (1, 0), "{first:?}");
        assert!(w.alice_allowed());
        // Three more new customers: the same finding grows to High.
        let grown = w.fan_out(&alice, 7, 3).await;
        assert_eq!((grown.findings_new, grown.contained), (0, 1), "{grown:?}");
        let finding = w.fan_out_finding(&alice).await;
        assert!(finding.confidence >= 0.8, "{}", finding.confidence);
        assert!(!w.alice_allowed());
        // An operator lifts it; further evidence does not contain again.
        let held = w.containments(None).await;
        assert_eq!(held.len(), 1);
        w.app
            .lift_containment(&Caller::local_operator(), held[0].id, "known patch day")
            .await
            .unwrap();
        assert!(w.alice_allowed());
        let more = w.fan_out(&alice, 10, 3).await;
        assert_eq!(
            (more.findings_updated > 0, more.contained),
            (true, 0),
            "{more:?}"
        );
        assert!(w.alice_allowed());
        assert_eq!(w.containments(None).await.len(), 1);
    }
}

#[tokio::test]
async fn shadow_mode_records_what_it_would_contain_and_decisions_still_allow() {
    for db in backends().await {
        let w = World::new(db, shadow_config()).await;
        let round = w.fan_out(&w.alice.to_string(), 0, 12).await;
        assert_eq!(
            (round.findings_new, round.contained, round.shadowed),
            (1, 0, 1),
            "{round:?}"
        );
        let finding = w.fan_out_finding(&w.alice.to_string()).await;
        let shadow = w.containments(Some(ContainmentMode::Shadow)).await;
        assert_eq!(shadow.len(), 1);
        assert_eq!(
            (shadow[0].finding_id, shadow[0].target_id.clone()),
            (Some(finding.id), w.alice.to_string())
        );
        assert!(
            w.containments(Some(ContainmentMode::Enforced))
                .await
                .is_empty()
        );
        assert!(w.alice_allowed(), "shadow mode holds nobody back");
        // Nor after a restart, which reads containments from the store.
        let restarted = Portcullis::load(
            w.store.clone(),
            Arc::new(TestClock::at(Timestamp::from_unix_millis(T))),
            portcullis_domain::RoleCatalog::default_entra(),
        )
        .await
        .unwrap();
        let request = DecisionRequest {
            partner_tenant_id: w.partner,
            user_id: w.alice,
            customer_tenant_id: w.home,
            action: Action::parse("groups.update").unwrap(),
            auth_strength: AuthStrength::Mfa,
            source_ip: None,
        };
        let decision = restarted
            .decisions()
            .decide_all(&[request], Timestamp::from_unix_millis(T + 120 * MINUTE))
            .remove(0);
        assert_eq!(decision.effect, Effect::Allow, "{decision:?}");
        // Lifting a shadow record dismisses it and reinstates nothing.
        w.app
            .lift_containment(&Caller::local_operator(), shadow[0].id, "reviewed")
            .await
            .unwrap();
        assert!(w.alice_allowed());
    }
}

#[tokio::test]
async fn an_unreachable_customer_raises_confidence_through_the_decision_index() {
    for db in backends().await {
        let w = World::new(db, shadow_config()).await;
        // A user of the same partner the index does not know: nothing
        // known about its reach, so its fan-out weighs as offline.
        let ghost = UserId::generate().to_string();
        w.settle(&ghost).await;
        w.fan_out(&ghost, 0, 9).await;
        w.fan_out(&w.alice.to_string(), 0, 9).await;
        let unknown = w.fan_out_finding(&ghost).await;
        let known = w.fan_out_finding(&w.alice.to_string()).await;
        assert!(
            (0.5..0.8).contains(&unknown.confidence),
            "{}",
            unknown.confidence
        );
        assert!(known.confidence >= 0.8, "{}", known.confidence);
        assert!((known.confidence - unknown.confidence - 0.15).abs() < 1e-9);
        assert!(
            known
                .explanation
                .contains("not reachable through the user's assignments"),
            "{}",
            known.explanation
        );
        // In shadow mode, only Alice's High finding is recorded.
        let shadow = w.containments(Some(ContainmentMode::Shadow)).await;
        assert_eq!(shadow.len(), 1);
        assert_eq!(shadow[0].finding_id, Some(known.id));
    }
}

#[tokio::test]
async fn a_fan_out_finding_names_every_customer_the_user_reached() {
    for db in backends().await {
        let w = World::new(db, DetectionConfig::default()).await;
        let alice = w.alice.to_string();
        let round = w.fan_out(&alice, 0, 12).await;
        assert_eq!(round.findings_new, 1, "{round:?}");
        let finding = w.fan_out_finding(&alice).await;
        // The rule fires part-way through; the customers reached before
        // the event that crossed its threshold are named too.
        assert!(finding.evidence_count < 12, "{finding:?}");
        assert_eq!(finding.customers.len(), 12, "{:?}", finding.customers);
        assert!(!finding.concerns(w.home), "home was reached days before");
        // Evidence joining the open finding adds its customer; none is lost.
        w.send(&[w.sign_in(&alice, w.home, T + 75 * MINUTE)]).await;
        w.app.detect_pending().await.unwrap();
        let grown = w.fan_out_finding(&alice).await;
        assert_eq!(grown.id, finding.id);
        assert!(grown.concerns(w.home), "{:?}", grown.customers);
        assert_eq!(grown.customers.len(), 13);
        for customer in &finding.customers {
            assert!(grown.concerns(*customer));
        }
    }
}
