//! The least-privilege flow over real HTTP: relationships, approvals,
//! assignments, activations and decisions.

use std::sync::Arc;

use portcullis_domain::{TestClock, Timestamp};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::{Bearer, TestServer, str_field};

const HELPDESK: &str = "729827e3-9c14-49f7-bb1b-9608f156bbb8";
const GROUPS_ADMIN: &str = "fdd7a751-b60b-444a-984c-02652fe8fa1c";
const GLOBAL_ADMIN: &str = "62e90394-69f5-4237-9190-012177145e10";
const DAY_MS: i64 = 86_400_000;
const T0: i64 = 1_800_000_000_000;

/// A partner with Alice in a helpdesk group, a customer, and a token for
/// each party plus a resource provider.
struct Ecosystem {
    server: TestServer,
    partner: String,
    customer: String,
    alice: String,
    group: String,
    partner_admin: Bearer,
    customer_admin: Bearer,
    service: Bearer,
    clock: Option<Arc<TestClock>>,
}

impl Ecosystem {
    async fn start() -> Self {
        Self::on(TestServer::start().await, None).await
    }

    async fn with_clock() -> Self {
        let clock = Arc::new(TestClock::at(Timestamp::from_unix_millis(T0)));
        Self::on(
            TestServer::start_with_clock(clock.clone()).await,
            Some(clock),
        )
        .await
    }

    async fn on(server: TestServer, clock: Option<Arc<TestClock>>) -> Self {
        let partner = str_field(&server.create_tenant("partner", "Contoso IT").await, "id");
        let customer = str_field(&server.create_tenant("customer", "Fabrikam").await, "id");
        let partner_admin = server.mint("partner_admin", Some(&partner)).await;
        let customer_admin = server.mint("customer_admin", Some(&customer)).await;
        let service = server.mint("service", None).await;
        let alice = str_field(
            &server
                .create_user(&partner, "alice@contoso.example", "Alice")
                .await,
            "id",
        );
        let group = str_field(&server.create_group(&partner, "Helpdesk").await, "id");
        server.add_member(&partner, &group, &alice).await;
        Self {
            server,
            partner,
            customer,
            alice,
            group,
            partner_admin,
            customer_admin,
            service,
            clock,
        }
    }

    async fn authorize_partner(&self) -> String {
        self.server.authorize_partner(&self.partner).await
    }

    async fn propose(&self, roles: &[&str], duration: &str, extend: &str) -> crate::support::Reply {
        self.server
            .post(
                "/v1/relationships",
                &self.partner_admin.secret,
                json!({
                    "partner_tenant_id": self.partner,
                    "customer_tenant_id": self.customer,
                    "display_name": "Contoso for Fabrikam",
                    "roles": roles,
                    "duration": duration,
                    "auto_extend_duration": extend,
                }),
            )
            .await
    }

    async fn act(
        &self,
        relationship: &str,
        action: &str,
        bearer: &Bearer,
    ) -> crate::support::Reply {
        self.server
            .post(
                &format!("/v1/relationships/{relationship}/{action}"),
                &bearer.secret,
                json!({}),
            )
            .await
    }

    /// An active relationship with `roles`, and an assignment of them to the group.
    async fn active_relationship(&self, roles: &[&str], kind: Value) -> (String, String) {
        self.authorize_partner().await;
        let rel = str_field(
            &self
                .propose(roles, "P30D", "PT0S")
                .await
                .expect_status(StatusCode::CREATED)
                .json(),
            "id",
        );
        let assignment = self
            .server
            .post(
                &format!("/v1/relationships/{rel}/assignments"),
                &self.partner_admin.secret,
                json!({"group_id": self.group, "roles": roles, "kind": kind}),
            )
            .await
            .expect_status(StatusCode::CREATED)
            .json();
        assert_eq!(assignment["status"], "pending");
        self.act(&rel, "request-approval", &self.partner_admin)
            .await
            .expect_status(StatusCode::OK);
        let approved = self
            .act(&rel, "approve", &self.customer_admin)
            .await
            .expect_status(StatusCode::OK)
            .json();
        assert_eq!(approved["status"], "active");
        (rel, str_field(&assignment, "id"))
    }

    fn check(&self, action: &str, strength: &str) -> Value {
        json!({
            "partner_tenant_id": self.partner,
            "user_id": self.alice,
            "customer_tenant_id": self.customer,
            "action": action,
            "auth_strength": strength,
            "source_ip": "203.0.113.9",
        })
    }

    async fn decide(&self, action: &str, strength: &str) -> Value {
        self.server
            .post(
                "/v1/decisions",
                &self.service.secret,
                self.check(action, strength),
            )
            .await
            .expect_status(StatusCode::OK)
            .json()
    }

    fn advance(&self, millis: i64) {
        self.clock
            .as_ref()
            .expect("a test clock")
            .advance_millis(millis);
    }
}

fn reasons(decision: &Value) -> Vec<String> {
    decision["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn unauthorized_partner_cannot_propose_a_relationship() {
    let eco = Ecosystem::start().await;
    eco.propose(&[HELPDESK], "P30D", "PT0S")
        .await
        .expect_error(StatusCode::FORBIDDEN, "partner_not_authorized");
}

#[tokio::test]
async fn approved_relationship_grants_the_least_privileged_role_and_termination_denies_at_once() {
    let eco = Ecosystem::start().await;
    let check = eco.decide("groups.update", "mfa").await;
    assert_eq!(check["effect"], "deny");
    assert_eq!(
        reasons(&check),
        ["partner_not_authorized", "no_active_relationship"]
    );

    let (rel, assignment) = eco
        .active_relationship(&[HELPDESK, GROUPS_ADMIN], json!({"type": "standing"}))
        .await;
    let stored = eco
        .server
        .get(
            &format!("/v1/relationships/{rel}/assignments/{assignment}"),
            &eco.customer_admin.secret,
        )
        .await
        .expect_status(StatusCode::OK)
        .json();
    assert_eq!(
        stored["status"], "active",
        "approval activates pending assignments"
    );

    let allow = eco.decide("groups.update", "mfa").await;
    assert_eq!(allow["effect"], "allow", "{allow}");
    assert_eq!(allow["grant"]["role_id"], GROUPS_ADMIN);
    assert_eq!(allow["grant"]["relationship_id"], rel);
    assert_eq!(allow["grant"]["assignment_id"], assignment);

    let privileged = eco.decide("users.password.reset", "mfa").await;
    assert_eq!(reasons(&privileged), ["phishing_resistant_mfa_required"]);
    assert_eq!(
        eco.decide("users.password.reset", "phishing_resistant")
            .await["effect"],
        "allow"
    );

    eco.act(&rel, "terminate", &eco.customer_admin)
        .await
        .expect_status(StatusCode::OK);
    assert_eq!(
        reasons(&eco.decide("groups.update", "mfa").await),
        ["no_active_relationship"]
    );
}

#[tokio::test]
async fn only_the_customer_approves_and_a_stranger_sees_nothing() {
    let eco = Ecosystem::start().await;
    eco.authorize_partner().await;
    let rel = str_field(
        &eco.propose(&[HELPDESK], "P30D", "PT0S")
            .await
            .expect_status(StatusCode::CREATED)
            .json(),
        "id",
    );
    eco.act(&rel, "approve", &eco.customer_admin)
        .await
        .expect_error(StatusCode::CONFLICT, "invalid_transition");
    eco.act(&rel, "request-approval", &eco.partner_admin)
        .await
        .expect_status(StatusCode::OK);
    eco.act(&rel, "approve", &eco.partner_admin)
        .await
        .expect_error(StatusCode::FORBIDDEN, "forbidden");
    eco.act(&rel, "approve", &eco.server.operator)
        .await
        .expect_error(StatusCode::FORBIDDEN, "forbidden");

    let other = str_field(
        &eco.server.create_tenant("customer", "Northwind").await,
        "id",
    );
    let stranger = eco.server.mint("customer_admin", Some(&other)).await;
    let reply = eco
        .server
        .get(&format!("/v1/relationships/{rel}"), &stranger.secret)
        .await;
    reply.expect_error(StatusCode::NOT_FOUND, "not_found");
    assert!(!reply.text.contains("Contoso"));
    eco.act(&rel, "approve", &stranger)
        .await
        .expect_error(StatusCode::NOT_FOUND, "not_found");
    eco.act(&rel, "reject", &eco.customer_admin)
        .await
        .expect_status(StatusCode::OK);
    let listed = eco
        .server
        .get("/v1/relationships", &stranger.secret)
        .await
        .expect_status(StatusCode::OK)
        .items();
    assert!(
        listed.is_empty(),
        "a customer lists only its own relationships"
    );
}

#[tokio::test]
async fn global_admin_may_not_auto_extend_and_terms_are_checked() {
    let eco = Ecosystem::start().await;
    eco.authorize_partner().await;
    eco.propose(&[GLOBAL_ADMIN], "P30D", "P180D")
        .await
        .expect_error(StatusCode::UNPROCESSABLE_ENTITY, "global_role_auto_extend");
    eco.propose(&[HELPDESK], "P731D", "PT0S")
        .await
        .expect_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid_duration");
    eco.propose(&[HELPDESK], "P30D", "P90D")
        .await
        .expect_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid_auto_extend");
    eco.propose(&[HELPDESK], "soon", "PT0S")
        .await
        .expect_error(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    eco.propose(&[HELPDESK], "P2Y", "PT0S")
        .await
        .expect_status(StatusCode::CREATED);
    eco.propose(&[HELPDESK], "P30D", "PT0S")
        .await
        .expect_error(StatusCode::CONFLICT, "conflict");
}

#[tokio::test]
async fn expiry_denies_at_the_end_instant() {
    let eco = Ecosystem::with_clock().await;
    eco.active_relationship(&[GROUPS_ADMIN], json!({"type": "standing"}))
        .await;
    eco.advance(30 * DAY_MS - 1);
    assert_eq!(eco.decide("groups.update", "mfa").await["effect"], "allow");
    eco.advance(1);
    assert_eq!(
        reasons(&eco.decide("groups.update", "mfa").await),
        ["relationship_expired"]
    );
}

#[tokio::test]
async fn eligible_assignment_needs_an_approved_activation_that_expires() {
    let eco = Ecosystem::with_clock().await;
    let (_rel, assignment) = eco
        .active_relationship(
            &[HELPDESK],
            json!({"type": "eligible", "max_activation": "PT4H", "approval_required": true}),
        )
        .await;
    assert_eq!(
        reasons(
            &eco.decide("users.password.reset", "phishing_resistant")
                .await
        ),
        ["activation_required"]
    );

    let request = |strength: &str, duration: &str| {
        json!({"assignment_id": assignment, "user_id": eco.alice, "justification": "ticket 4711",
               "duration": duration, "auth_strength": strength})
    };
    eco.server
        .post(
            "/v1/activations",
            &eco.partner_admin.secret,
            request("mfa", "PT1H"),
        )
        .await
        .expect_error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "phishing_resistant_mfa_required",
        );
    eco.server
        .post(
            "/v1/activations",
            &eco.partner_admin.secret,
            request("phishing_resistant", "PT5H"),
        )
        .await
        .expect_error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_activation_duration",
        );
    let pending = eco
        .server
        .post(
            "/v1/activations",
            &eco.partner_admin.secret,
            request("phishing_resistant", "PT1H"),
        )
        .await
        .expect_status(StatusCode::CREATED)
        .json();
    assert_eq!(pending["status"], "pending_approval");
    let id = str_field(&pending, "id");
    assert_eq!(
        reasons(
            &eco.decide("users.password.reset", "phishing_resistant")
                .await
        ),
        ["activation_required"]
    );

    eco.server
        .post(
            &format!("/v1/activations/{id}/approve"),
            &eco.partner_admin.secret,
            json!({}),
        )
        .await
        .expect_error(StatusCode::FORBIDDEN, "self_approval");
    let active = eco
        .server
        .post(
            &format!("/v1/activations/{id}/approve"),
            &eco.customer_admin.secret,
            json!({}),
        )
        .await
        .expect_status(StatusCode::OK)
        .json();
    assert_eq!(active["status"], "active");

    let allow = eco
        .decide("users.password.reset", "phishing_resistant")
        .await;
    assert_eq!(allow["effect"], "allow");
    assert_eq!(allow["grant"]["activation_id"], id);
    eco.advance(3_600_000);
    assert_eq!(
        reasons(
            &eco.decide("users.password.reset", "phishing_resistant")
                .await
        ),
        ["activation_required"]
    );
}

#[tokio::test]
async fn customer_restrictions_limit_partner_access() {
    let eco = Ecosystem::start().await;
    eco.active_relationship(&[GROUPS_ADMIN], json!({"type": "standing"}))
        .await;
    eco.server
        .send(
            crate::support::Request::new(
                reqwest::Method::PUT,
                &format!("/v1/tenants/{}/restrictions", eco.customer),
            )
            .bearer(&eco.customer_admin.secret)
            .json(json!({"allowed_ip_ranges": ["198.51.100.0/24"]})),
        )
        .await
        .expect_status(StatusCode::OK);
    assert_eq!(
        reasons(&eco.decide("groups.update", "mfa").await),
        ["ip_not_allowed"]
    );
    let mut inside = eco.check("groups.update", "mfa");
    inside["source_ip"] = json!("198.51.100.7");
    let allowed = eco
        .server
        .post("/v1/decisions", &eco.service.secret, inside)
        .await
        .expect_status(StatusCode::OK)
        .json();
    assert_eq!(allowed["effect"], "allow");
}

#[tokio::test]
async fn decisions_come_in_batches_for_services_only() {
    let eco = Ecosystem::start().await;
    eco.active_relationship(&[GROUPS_ADMIN], json!({"type": "standing"}))
        .await;
    let batch = json!({"checks": [eco.check("groups.update", "mfa"), eco.check("federation.update", "mfa")]});
    let out = eco
        .server
        .post("/v1/decisions", &eco.service.secret, batch.clone())
        .await
        .expect_status(StatusCode::OK)
        .json();
    let decisions = out["decisions"].as_array().unwrap();
    assert_eq!(decisions.len(), 2);
    assert_eq!(decisions[0]["effect"], "allow");
    assert_eq!(reasons(&decisions[1]), ["role_does_not_permit_action"]);

    eco.server
        .post("/v1/decisions", &eco.partner_admin.secret, batch)
        .await
        .expect_error(StatusCode::FORBIDDEN, "forbidden");
    let too_many = json!({"checks": vec![eco.check("groups.update", "mfa"); 1001]});
    eco.server
        .post("/v1/decisions", &eco.service.secret, too_many)
        .await
        .expect_error(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    let garbage = json!({"partner_tenant_id": eco.partner, "action": "Users.Read"});
    eco.server
        .post("/v1/decisions", &eco.service.secret, garbage)
        .await
        .expect_error(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
}

#[tokio::test]
async fn suspending_the_partner_denies_everything_at_once() {
    let eco = Ecosystem::start().await;
    eco.active_relationship(&[GROUPS_ADMIN], json!({"type": "standing"}))
        .await;
    assert_eq!(eco.decide("groups.update", "mfa").await["effect"], "allow");
    let cases = eco
        .server
        .op_get(&format!(
            "/v1/vetting/cases?tenant_id={}&state=approved",
            eco.partner
        ))
        .await
        .items();
    eco.server
        .suspend_partner(&crate::support::str_field(&cases[0], "id"))
        .await;
    assert_eq!(
        reasons(&eco.decide("groups.update", "mfa").await),
        ["partner_not_authorized"]
    );
}

#[tokio::test]
async fn removing_the_user_from_the_group_denies_at_once() {
    let eco = Ecosystem::start().await;
    eco.active_relationship(&[GROUPS_ADMIN], json!({"type": "standing"}))
        .await;
    eco.server
        .delete(
            &format!(
                "/v1/tenants/{}/groups/{}/members/{}",
                eco.partner, eco.group, eco.alice
            ),
            &eco.partner_admin.secret,
            None,
        )
        .await
        .expect_status(StatusCode::NO_CONTENT);
    assert_eq!(
        reasons(&eco.decide("groups.update", "mfa").await),
        ["no_assignment"]
    );
}

#[tokio::test]
async fn a_noncompliant_partner_is_denied_from_the_end_of_its_grace_period() {
    let eco = Ecosystem::with_clock().await;
    eco.active_relationship(&[GROUPS_ADMIN], json!({"type": "standing"}))
        .await;
    let mut failing = crate::posture::compliant_snapshot();
    failing["portcullis_partner_program"]
        .as_object_mut()
        .unwrap()
        .remove("security_contact");
    let snapshots = format!("/v1/posture/partners/{}/snapshots", eco.partner);
    let uploaded = eco
        .server
        .post(&snapshots, &eco.partner_admin.secret, failing)
        .await
        .expect_status(StatusCode::CREATED)
        .json();
    assert_eq!(uploaded["posture"]["state"], "noncompliant");
    // Existing access stays during the grace period (14 days).
    eco.advance(14 * DAY_MS - 1);
    assert_eq!(eco.decide("groups.update", "mfa").await["effect"], "allow");
    eco.advance(1);
    assert_eq!(
        reasons(&eco.decide("groups.update", "mfa").await),
        ["partner_noncompliant"]
    );
    crate::posture::upload(&eco.server, &eco.partner, &eco.partner_admin.secret).await;
    assert_eq!(eco.decide("groups.update", "mfa").await["effect"], "allow");
}

#[tokio::test]
async fn containing_a_user_or_the_partner_denies_at_once_and_lifting_restores() {
    let eco = Ecosystem::start().await;
    let (relationship, _) = eco
        .active_relationship(&[GROUPS_ADMIN], json!({"type": "standing"}))
        .await;
    assert_eq!(eco.decide("groups.update", "mfa").await["effect"], "allow");
    let op = eco.server.operator.secret.clone();
    let contained = eco
        .server
        .post(
            "/v1/containments",
            &op,
            json!({"kind": "user", "target_id": eco.alice, "reason": "password spray from 203.0.113.9"}),
        )
        .await
        .expect_status(StatusCode::CREATED)
        .json();
    assert_eq!(
        reasons(&eco.decide("groups.update", "mfa").await),
        ["user_contained"]
    );
    eco.server
        .post(
            "/v1/containments",
            &op,
            json!({"kind": "user", "target_id": eco.alice, "reason": "again"}),
        )
        .await
        .expect_error(StatusCode::CONFLICT, "conflict");
    // Naming a finding that does not exist is a 404, not a server error.
    eco.server
        .post(
            "/v1/containments",
            &op,
            json!({"kind": "user", "target_id": eco.alice, "reason": "r",
                   "finding_id": "2229c822-2a2c-3250-a05b-761a330bbcb8"}),
        )
        .await
        .expect_error(StatusCode::NOT_FOUND, "not_found");
    let id = crate::support::str_field(&contained, "id");
    let lifted = eco
        .server
        .post(
            &format!("/v1/containments/{id}/lift"),
            &op,
            json!({"reason": "false positive"}),
        )
        .await
        .expect_status(StatusCode::OK)
        .json();
    assert_eq!(lifted["lift_reason"], "false positive");
    assert_eq!(eco.decide("groups.update", "mfa").await["effect"], "allow");

    // The partner tenant: its vetting case is suspended, then reinstated.
    let partner = eco
        .server
        .post(
            "/v1/containments",
            &op,
            json!({"kind": "partner", "target_id": eco.partner, "reason": "compromised MSP"}),
        )
        .await
        .expect_status(StatusCode::CREATED)
        .json();
    assert_eq!(
        reasons(&eco.decide("groups.update", "mfa").await),
        ["partner_not_authorized"]
    );
    let id = crate::support::str_field(&partner, "id");
    eco.server
        .post(
            &format!("/v1/containments/{id}/lift"),
            &op,
            json!({"reason": "cleaned up"}),
        )
        .await
        .expect_status(StatusCode::OK);
    assert_eq!(eco.decide("groups.update", "mfa").await["effect"], "allow");
    // One relationship: it grants nothing while contained.
    let held = eco
        .server
        .post(
            "/v1/containments",
            &op,
            json!({"kind": "relationship", "target_id": relationship, "reason": "abused"}),
        )
        .await
        .expect_status(StatusCode::CREATED)
        .json();
    assert_eq!(
        reasons(&eco.decide("groups.update", "mfa").await),
        ["relationship_contained"]
    );
    let id = crate::support::str_field(&held, "id");
    eco.server
        .post(
            &format!("/v1/containments/{id}/lift"),
            &op,
            json!({"reason": "reviewed"}),
        )
        .await
        .expect_status(StatusCode::OK);
    assert_eq!(eco.decide("groups.update", "mfa").await["effect"], "allow");
    let audit = eco.server.audit("operation=containment.lift").await;
    assert_eq!(audit.len(), 3);
    let active = eco.server.op_get("/v1/containments").await.items();
    assert!(active.is_empty());
    // Operators' containments are enforced; none is a shadow record.
    let enforced = eco
        .server
        .op_get("/v1/containments?active=false&mode=enforced")
        .await
        .items();
    assert_eq!(enforced.len(), 3);
    assert!(enforced.iter().all(|c| c["mode"] == "enforced"));
    let by_finding = format!(
        "/v1/containments?active=false&finding_id={}",
        crate::support::unknown_id()
    );
    assert!(eco.server.op_get(&by_finding).await.items().is_empty());
    assert!(
        eco.server
            .op_get("/v1/containments?active=false&mode=shadow")
            .await
            .items()
            .is_empty()
    );
    eco.server
        .get("/v1/containments?mode=Shadow", &op)
        .await
        .expect_error(StatusCode::BAD_REQUEST, "invalid_query");
    // Findings: nothing raised yet; a bad status is refused.
    assert!(eco.server.op_get("/v1/findings").await.items().is_empty());
    eco.server
        .send(
            crate::support::Request::new(
                reqwest::Method::PATCH,
                &format!("/v1/findings/{}", crate::support::unknown_id()),
            )
            .bearer(&op)
            .json(json!({"status": "Suppressed"})),
        )
        .await
        .expect_error(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
}

/// The answer to a relationship proposed to `customer`, with the tenant id
/// replaced by a placeholder so answers about different ids compare.
async fn proposal_answer(eco: &Ecosystem, customer: &str) -> (StatusCode, Value) {
    let reply = eco
        .server
        .post(
            "/v1/relationships",
            &eco.partner_admin.secret,
            json!({
                "partner_tenant_id": eco.partner,
                "customer_tenant_id": customer,
                "display_name": "Probe",
                "roles": [HELPDESK],
                "duration": "P30D",
            }),
        )
        .await;
    let text = reply.text.replace(customer, "<id>");
    (reply.status, serde_json::from_str(&text).expect("json"))
}

#[tokio::test]
async fn proposing_to_another_partners_tenant_answers_as_for_an_unknown_id() {
    let eco = Ecosystem::start().await;
    eco.authorize_partner().await;
    let other_partner = str_field(&eco.server.create_tenant("partner", "Rival IT").await, "id");
    let unknown = crate::support::unknown_id();
    let foreign = proposal_answer(&eco, &other_partner).await;
    let missing = proposal_answer(&eco, &unknown).await;
    assert_eq!(missing.0, StatusCode::NOT_FOUND, "{}", missing.1);
    assert_eq!(foreign, missing, "another partner's tenant is an oracle");
    let own = proposal_answer(&eco, &eco.partner).await;
    assert_eq!(own, missing, "the partner's own tenant as customer");
}

#[tokio::test]
async fn containing_a_target_that_does_not_exist_or_is_of_another_kind_is_404() {
    let eco = Ecosystem::start().await;
    let op = eco.server.operator.secret.clone();
    let unknown = crate::support::unknown_id();
    for (kind, target) in [
        ("user", unknown.as_str()),
        ("partner", unknown.as_str()),
        ("relationship", unknown.as_str()),
        // A customer tenant is not a partner; a tenant id is not a user.
        ("partner", eco.customer.as_str()),
        ("user", eco.partner.as_str()),
    ] {
        let reply = eco
            .server
            .post(
                "/v1/containments",
                &op,
                json!({"kind": kind, "target_id": target, "reason": "intrusion"}),
            )
            .await;
        reply.expect_error(StatusCode::NOT_FOUND, "not_found");
    }
    let listed = eco
        .server
        .op_get("/v1/containments?active=false")
        .await
        .items();
    assert!(listed.is_empty(), "nothing was recorded: {listed:?}");
}
