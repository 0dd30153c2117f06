//! The live attack: a partner technician's session is stolen and replayed
//! from infrastructure the partner never used, and the thief fans out
//! across the partner's customers reading mail and trying privileged
//! operations. The platform's sign-in and audit logs reach Portcullis as
//! OCSF events (as `POST /v1/events` would bring them), each action is
//! decided (as `POST /v1/decisions` would), and the running server's
//! detection worker raises a finding; the containment policy contains the
//! user and the next decision denies.

use std::collections::BTreeSet;
use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use anyhow::Context as _;
use portcullis_decision::{DecisionRequest, Effect};
use portcullis_detection::{Event, EventClass, Status};
use portcullis_domain::{
    Action, AuthStrength, ContainmentFilter, FindingFilter, PageRequest, Principal, PrincipalKind,
    TenantId,
};
use portcullis_service::{Caller, Portcullis};

use super::clock::DemoClock;
use super::ecosystem::{Partner, Person};
use super::ocsf;

/// How long the demo waits for containment after the last event.
const CONTAINMENT_DEADLINE: Duration = Duration::from_secs(30);
/// The pause between the thief's steps, so that people can follow.
const STEP_PAUSE: Duration = Duration::from_millis(400);

/// Who is attacked, and someone who is not, for comparison.
pub(crate) struct Cast<'a> {
    pub(crate) partner: &'a Partner,
    pub(crate) victim: &'a Person,
    pub(crate) bystander_partner: &'a Partner,
    pub(crate) bystander: &'a Person,
}

/// What the attack led to.
#[derive(Debug, Default)]
pub(crate) struct Outcome {
    pub(crate) contained: bool,
}

/// A decision request for `user` of `partner` in `customer`.
fn request(
    partner: TenantId,
    user: &Person,
    customer: TenantId,
    action: &str,
    source: Option<IpAddr>,
) -> anyhow::Result<DecisionRequest> {
    Ok(DecisionRequest {
        partner_tenant_id: partner,
        user_id: user.id,
        customer_tenant_id: customer,
        action: Action::parse(action)?,
        auth_strength: AuthStrength::Mfa,
        source_ip: source,
    })
}

/// `allow`, or `deny (reason, …)`.
async fn decide(
    app: &Portcullis,
    service: &Caller,
    request: DecisionRequest,
) -> anyhow::Result<String> {
    let decisions = app.decide(service, &[request]).await?;
    let decision = decisions
        .first()
        .context("the decision engine answered nothing")?;
    let effect = match decision.effect {
        Effect::Allow => "allow",
        Effect::Deny => "deny",
    };
    let reasons: Vec<&str> = decision.reasons.iter().map(|r| r.as_str()).collect();
    Ok(if reasons.is_empty() {
        effect.to_owned()
    } else {
        format!("{effect} ({})", reasons.join(", "))
    })
}

fn thief_ip(step: usize) -> IpAddr {
    IpAddr::V4(Ipv4Addr::new(185, 220, 101, 20 + (step % 200) as u8))
}

/// The thief's sign-in to `customer` and what it does there.
fn events(cast: &Cast<'_>, customer: TenantId, step: usize) -> Vec<Event> {
    let now = DemoClock::real_now().unix_millis();
    let base = Event {
        class: EventClass::Authentication,
        time_ms: now,
        status: Status::Success,
        user: cast.victim.id.to_string(),
        user_name: Some(cast.victim.name.clone()),
        partner_tenant: Some(cast.partner.tenant.to_string()),
        customer_tenant: Some(customer.to_string()),
        src_ip: Some(thief_ip(step)),
        country: Some(*b"RU"),
        lat_long: Some((55.75, 37.62)),
        asn: Some(209_000 + step as u32 % 3),
        // A stolen session cookie carries the MFA claim of the real sign-in.
        is_mfa: Some(true),
        uid: Some(format!("demo-attack-{now}-{step}-sign-in")),
        ..Event::default()
    };
    let mut out = vec![base.clone()];
    let mut operations = vec!["mail.read", "mail.export"];
    if step.is_multiple_of(3) {
        operations.push("roles.assignments.create");
    }
    if step % 4 == 1 {
        operations.push("applications.credentials.add");
    }
    for (k, operation) in operations.into_iter().enumerate() {
        out.push(Event {
            class: EventClass::ApiActivity,
            time_ms: now + 1 + k as i64,
            operation: Some(operation.to_owned()),
            is_mfa: None,
            uid: Some(format!("demo-attack-{now}-{step}-{k}")),
            ..base.clone()
        });
    }
    out
}

/// What the operator would see appear: findings about the victim, and
/// its containment, each printed once as it appears.
struct Watch {
    operator: Caller,
    seen: BTreeSet<String>,
    contained: bool,
}

impl Watch {
    /// Prints what is new; whether the victim is contained now.
    async fn look(&mut self, app: &Portcullis, user: &Person) -> anyhow::Result<bool> {
        let filter = FindingFilter {
            user_id: Some(user.id.to_string()),
            ..FindingFilter::default()
        };
        let findings = app
            .list_detection_findings(&self.operator, filter, &PageRequest::first(50))
            .await?;
        for finding in &findings.items {
            if self.seen.insert(finding.id.to_string()) {
                println!(
                    "detection: finding {} {}: {} (severity {}, confidence {:.2})",
                    finding.id,
                    finding.rule_id,
                    finding.title,
                    finding.severity_id,
                    finding.confidence
                );
            }
        }
        if self.contained {
            return Ok(true);
        }
        let filter = ContainmentFilter {
            active_only: true,
            ..ContainmentFilter::default()
        };
        let page = app
            .list_containments(
                &self.operator,
                &filter,
                &PageRequest::first(PageRequest::MAX_LIMIT),
            )
            .await?;
        let user_id = user.id.to_string();
        if let Some(containment) = page
            .items
            .iter()
            .find(|c| c.target_id == user_id && c.is_in_force())
        {
            println!(
                "containment: {} {} contained ({})",
                containment.id, user.name, containment.reason
            );
            self.contained = true;
        }
        Ok(self.contained)
    }
}

/// Plays the attack against the serving `app`, printing every step.
pub(crate) async fn replay(app: &Portcullis, cast: &Cast<'_>) -> anyhow::Result<Outcome> {
    let mut watch = Watch {
        operator: Caller::local_operator(),
        seen: BTreeSet::new(),
        contained: false,
    };
    let service = Caller::new(Principal::new(PrincipalKind::Service, None, None)?);
    let partner = cast.partner;
    println!(
        "attack: {} ({}) of {} signed in this morning; the session cookie is stolen and replayed from 185.220.101.0/24 (RU, a network the partner never used)",
        cast.victim.name, cast.victim.upn, partner.name
    );
    let targets = partner.quiet_customers.iter().chain(&partner.customers);
    for (step, (customer, name)) in targets.enumerate() {
        let lines: Vec<String> = events(cast, *customer, step)
            .iter()
            .map(ocsf::line)
            .collect();
        app.ingest_events(&service, &lines.join("\n")).await?;
        let verdict = decide(
            app,
            &service,
            request(
                partner.tenant,
                cast.victim,
                *customer,
                "mail.export",
                Some(thief_ip(step)),
            )?,
        )
        .await?;
        println!("attack: signs in to {name}, exports mail: decision {verdict}");
        if verdict.starts_with("deny") {
            break;
        }
        tokio::time::sleep(STEP_PAUSE).await;
        watch.look(app, cast.victim).await?;
    }
    let deadline = tokio::time::Instant::now() + CONTAINMENT_DEADLINE;
    while !watch.look(app, cast.victim).await? && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    if !watch.contained {
        println!(
            "attack: no containment within {} s; see the findings in the console",
            CONTAINMENT_DEADLINE.as_secs()
        );
    }
    if let Some((customer, name)) = partner.customers.first() {
        let verdict = decide(
            app,
            &service,
            request(partner.tenant, cast.victim, *customer, "users.read", None)?,
        )
        .await?;
        println!(
            "attack: the thief, as {}, reads users in {name}: decision {verdict}",
            cast.victim.name
        );
    }
    if let Some((customer, name)) = cast.bystander_partner.customers.first() {
        let verdict = decide(
            app,
            &service,
            request(
                cast.bystander_partner.tenant,
                cast.bystander,
                *customer,
                "users.read",
                None,
            )?,
        )
        .await?;
        println!(
            "attack: meanwhile {} of {} reads users in {name}: decision {verdict}",
            cast.bystander.name, cast.bystander_partner.name
        );
    }
    Ok(Outcome {
        contained: watch.contained,
    })
}
