//! The demo's partners, customers, people and relationships, made through
//! the same use cases as the API (audited, checked, in the decision index):
//! tenants, applications and their screening and reviews, users and
//! groups, relationships approved by their customers, access assignments,
//! posture snapshots.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use anyhow::Context as _;
use portcullis_domain::vetting::{Application, CaseId, CaseState, ReviewDecision};
use portcullis_domain::{
    Description, DisplayName, GroupId, IsoDuration, NewGroup, NewTenant, NewUser, Principal,
    PrincipalKind, RelationshipId, RoleId, TenantId, TenantKind, UserId, UserPrincipalName,
};
use portcullis_service::{Caller, NewAssignment, NewRelationship, NewToken, Portcullis};

use super::clock::DemoClock;
use super::names;
use super::progress::Progress;
use super::scale::{Destiny, Scale};

/// Global Reader and Exchange Administrator: what the partners' service
/// desks hold in their customers' tenants (neither needs JIT).
pub(crate) const SERVICE_DESK_ROLES: [&str; 2] = [
    "f2ef992c-3afb-46b9-b7cf-a126ee74c451",
    "29232cdf-9323-42fd-ade2-1d097af3e4de",
];

/// A partner user.
#[derive(Debug, Clone)]
pub(crate) struct Person {
    pub(crate) id: UserId,
    pub(crate) name: String,
    pub(crate) upn: String,
}

/// A seeded partner.
#[derive(Debug, Clone)]
pub(crate) struct Partner {
    pub(crate) tenant: TenantId,
    pub(crate) name: String,
    pub(crate) destiny: Destiny,
    pub(crate) case: CaseId,
    pub(crate) admin: Caller,
    pub(crate) users: Vec<Person>,
    pub(crate) group: Option<GroupId>,
    /// Customers served through an active relationship, in order: those
    /// the partner's people work for in the activity history.
    pub(crate) customers: Vec<(TenantId, String)>,
    /// Customers with an active relationship that nobody at the partner
    /// worked for in the history (only the attacked partner has some).
    pub(crate) quiet_customers: Vec<(TenantId, String)>,
    /// Relationships that the customer terminates halfway through the month.
    pub(crate) to_terminate: Vec<(RelationshipId, TenantId)>,
    /// Customers that will be asked for approval later (one rejects).
    pub(crate) prospects: Vec<(TenantId, String)>,
}

/// Everything seeded, and who did it.
pub(crate) struct Ecosystem {
    pub(crate) partners: Vec<Partner>,
    /// User ids to display names.
    pub(crate) user_names: HashMap<String, String>,
    pub(crate) customers: usize,
}

/// Makes the ecosystem: the seeding service, its clock and two reviewers.
pub(crate) struct Seeder {
    pub(crate) app: Portcullis,
    pub(crate) clock: Arc<DemoClock>,
    pub(crate) operator: Caller,
    pub(crate) reviewers: [Caller; 2],
    customers: usize,
}

fn admin_of(kind: PrincipalKind, tenant: TenantId) -> anyhow::Result<Caller> {
    Ok(Caller::new(Principal::new(kind, Some(tenant), None)?))
}

pub(crate) fn service_desk_roles() -> anyhow::Result<BTreeSet<RoleId>> {
    SERVICE_DESK_ROLES
        .iter()
        .map(|r| RoleId::parse(r).map_err(Into::into))
        .collect()
}

fn application(n: usize) -> anyhow::Result<Application> {
    let (name, domain, country) = names::partner(n);
    let (officer, _) = names::person(n, 0);
    Ok(serde_json::from_value(serde_json::json!({
        "legal_name": format!("{name} Ltd"),
        "registration_number": format!("{:08}", 10_400_000 + n * 7_919),
        "registration_country": country,
        "website_domain": domain,
        "contact_email": format!("security@{domain}"),
        "officers": [{"name": officer, "birth_year": 1960 + (n % 30), "country": country}],
        "address": {"street": format!("{} Market Street", 10 + n), "city": "Springfield", "country": country},
    }))?)
}

impl Seeder {
    /// An operator token per reviewer, so that four eyes are two people.
    pub(crate) async fn new(app: Portcullis, clock: Arc<DemoClock>) -> anyhow::Result<Self> {
        let operator = Caller::local_operator();
        let mut reviewers = Vec::new();
        for who in ["demo reviewer Alice", "demo reviewer Bob"] {
            let (token, _) = app
                .create_token(
                    &operator,
                    NewToken {
                        kind: PrincipalKind::Operator,
                        tenant_id: None,
                        description: Some(Description::parse(who)?),
                        expires_in: None,
                    },
                )
                .await?;
            reviewers.push(Caller::new(Principal::new(
                PrincipalKind::Operator,
                None,
                Some(token.id),
            )?));
        }
        let [first, second]: [Caller; 2] = reviewers
            .try_into()
            .map_err(|_| anyhow::anyhow!("two reviewers expected"))?;
        Ok(Self {
            app,
            clock,
            operator,
            reviewers: [first, second],
            customers: 0,
        })
    }

    /// Every partner applies; all but the `submitted` ones are screened
    /// (at once: the demo has no DNS, so the domain checks fail fast) and
    /// reviewed toward their destiny.
    pub(crate) async fn partners(
        &mut self,
        scale: &Scale,
        progress: &mut Progress,
    ) -> anyhow::Result<Vec<Partner>> {
        progress.phase("applications");
        let mut partners = Vec::new();
        for (n, destiny) in scale.roster().into_iter().enumerate() {
            let (name, _, _) = names::partner(n);
            let tenant = self
                .app
                .create_tenant(
                    &self.operator,
                    NewTenant {
                        id: TenantId::generate(),
                        kind: TenantKind::Partner,
                        display_name: DisplayName::parse(&name)?,
                    },
                )
                .await?;
            let admin = admin_of(PrincipalKind::PartnerAdmin, tenant.id)?;
            let case = self
                .app
                .submit_application(&admin, tenant.id, application(n)?)
                .await
                .with_context(|| format!("the application of `{name}`"))?;
            partners.push(Partner {
                tenant: tenant.id,
                name,
                destiny,
                case: case.case.id,
                admin,
                users: Vec::new(),
                group: None,
                customers: Vec::new(),
                quiet_customers: Vec::new(),
                to_terminate: Vec::new(),
                prospects: Vec::new(),
            });
        }
        progress.step(&format!("{} partners applied", partners.len()));
        progress.phase("screening and reviews");
        let mut screening = tokio::task::JoinSet::new();
        for partner in partners.iter().filter(|p| p.destiny != Destiny::Submitted) {
            let (app, admin, case) = (self.app.clone(), partner.admin.clone(), partner.case);
            screening.spawn(async move { app.screen_case(&admin, case).await });
        }
        let mut screened = 0;
        while let Some(done) = screening.join_next().await {
            done??;
            screened += 1;
        }
        progress.step(&format!("{screened} cases screened"));
        let mut reviews = 0;
        for partner in &partners {
            reviews += self.review(partner).await?;
        }
        progress.step(&format!("{reviews} reviews by two operators"));
        Ok(partners)
    }

    /// Reviews the case toward the partner's destiny; how many reviews.
    async fn review(&self, partner: &Partner) -> anyhow::Result<usize> {
        let decision = match partner.destiny {
            Destiny::Submitted | Destiny::InReview => return Ok(0),
            Destiny::NeedsInformation => ReviewDecision::RequestInformation,
            Destiny::Rejected => ReviewDecision::Reject,
            _ => ReviewDecision::Approve,
        };
        let reason = match decision {
            ReviewDecision::Approve => "registry extract and officers checked",
            ReviewDecision::Reject => "the registration number belongs to another company",
            ReviewDecision::RequestInformation => {
                "please send the registry extract of the new director"
            }
        };
        let mut reviews = 0;
        for reviewer in &self.reviewers {
            let result = self
                .app
                .review_case(reviewer, partner.case, decision, reason, None)
                .await
                .with_context(|| format!("reviewing `{}`", partner.name))?;
            reviews += 1;
            if result.detail.case.state != CaseState::InReview {
                break;
            }
        }
        Ok(reviews)
    }

    /// The people of a partner that works: users, a service desk group
    /// holding them all and a small security operations group.
    pub(crate) async fn people(
        &self,
        index: usize,
        partner: &mut Partner,
        users: usize,
    ) -> anyhow::Result<()> {
        let (_, domain, _) = names::partner(index);
        for n in 0..users {
            let (name, local) = names::person(index, n);
            let upn = format!("{local}@{domain}");
            let user = self
                .app
                .create_user(
                    &partner.admin,
                    partner.tenant,
                    NewUser {
                        user_principal_name: UserPrincipalName::parse(&upn)?,
                        display_name: DisplayName::parse(&name)?,
                        enabled: true,
                    },
                )
                .await?;
            partner.users.push(Person {
                id: user.id,
                name,
                upn,
            });
        }
        let desk = self.group(partner, "Service desk", users).await?;
        self.group(partner, "Security operations", 2.min(users))
            .await?;
        partner.group = Some(desk);
        Ok(())
    }

    async fn group(
        &self,
        partner: &Partner,
        name: &str,
        members: usize,
    ) -> anyhow::Result<GroupId> {
        let group = self
            .app
            .create_group(
                &partner.admin,
                partner.tenant,
                NewGroup {
                    display_name: DisplayName::parse(name)?,
                    description: None,
                },
            )
            .await?;
        for person in partner.users.iter().take(members) {
            self.app
                .add_member(&partner.admin, partner.tenant, group.id, person.id)
                .await?;
        }
        Ok(group.id)
    }

    /// A new customer tenant.
    pub(crate) async fn customer(&mut self) -> anyhow::Result<(TenantId, String)> {
        let name = names::customer(self.customers);
        self.customers += 1;
        let tenant = self
            .app
            .create_tenant(
                &self.operator,
                NewTenant {
                    id: TenantId::generate(),
                    kind: TenantKind::Customer,
                    display_name: DisplayName::parse(&name)?,
                },
            )
            .await?;
        Ok((tenant.id, name))
    }

    pub(crate) fn customers_made(&self) -> usize {
        self.customers
    }

    /// The partner proposes a relationship of `days` to `customer` with its
    /// service desk assigned, and asks for approval; the customer approves
    /// it when `approve`.
    pub(crate) async fn relationship(
        &self,
        partner: &Partner,
        customer: (TenantId, &str),
        days: i64,
        approve: bool,
    ) -> anyhow::Result<RelationshipId> {
        let roles = service_desk_roles()?;
        let relationship = self
            .app
            .create_relationship(
                &partner.admin,
                NewRelationship {
                    partner_tenant_id: partner.tenant,
                    customer_tenant_id: customer.0,
                    display_name: DisplayName::parse(&format!(
                        "{} for {}",
                        partner.name, customer.1
                    ))?,
                    roles: roles.clone(),
                    duration: IsoDuration::parse(&format!("P{}D", days.clamp(1, 730)))?,
                    auto_extend_duration: IsoDuration::parse("PT0S")?,
                },
            )
            .await
            .with_context(|| format!("a relationship of `{}`", partner.name))?;
        if let Some(group) = partner.group {
            self.app
                .create_assignment(
                    &partner.admin,
                    relationship.id,
                    NewAssignment {
                        group_id: group,
                        roles,
                        kind: portcullis_domain::AssignmentKind::Standing,
                    },
                )
                .await?;
        }
        self.app
            .request_approval(&partner.admin, relationship.id)
            .await?;
        if approve {
            let customer_admin = admin_of(PrincipalKind::CustomerAdmin, customer.0)?;
            self.app
                .approve_relationship(&customer_admin, relationship.id)
                .await?;
        }
        Ok(relationship.id)
    }

    /// The customer side of `relationship`: reject or terminate it.
    pub(crate) async fn customer_ends(
        &self,
        relationship: RelationshipId,
        customer: TenantId,
        reject: bool,
    ) -> anyhow::Result<()> {
        let customer_admin = admin_of(PrincipalKind::CustomerAdmin, customer)?;
        if reject {
            self.app
                .reject_relationship(&customer_admin, relationship)
                .await?;
        } else {
            self.app
                .terminate_relationship(&customer_admin, relationship)
                .await?;
        }
        Ok(())
    }
}
