//! What the service's integration tests share: both backends, the callers,
//! and the world most of them start from — partner Contoso, authorized,
//! serving customer Fabrikam through relationships its customer admin
//! approved.
#![allow(dead_code, reason = "shared by several test binaries")]
#![allow(clippy::unwrap_used, reason = "test support")]

use std::sync::Arc;

use portcullis_domain::{
    AssignmentId, AssignmentKind, Clock, DisplayName, GroupId, IsoDuration, NewGroup, NewTenant,
    NewUser, Principal, PrincipalKind, RelationshipId, RoleId, TenantId, TenantKind, UserId,
    UserPrincipalName,
};
use portcullis_service::{Caller, NewAssignment, NewRelationship, NewToken, Portcullis};
use portcullis_store::{AuditContext, Store};
use portcullis_testkit::TestDb;

/// The time most tests start at (2027-01-15), in Unix milliseconds.
pub const T: i64 = 1_800_000_000_000;
pub const MINUTE: i64 = 60_000;
pub const DAY: i64 = 86_400_000;
pub const GLOBAL_ADMIN: &str = "62e90394-69f5-4237-9190-012177145e10";
pub const GROUPS_ADMIN: &str = "fdd7a751-b60b-444a-984c-02652fe8fa1c";
pub const HELPDESK_ADMIN: &str = "729827e3-9c14-49f7-bb1b-9608f156bbb8";

/// Each test runs on both backends (PostgreSQL is mandatory with `CI=true`).
pub async fn backends() -> Vec<TestDb> {
    let mut dbs = vec![TestDb::sqlite()];
    dbs.extend(TestDb::postgres().await);
    dbs
}

/// A resource provider: asks for decisions, sends events.
pub fn service() -> Caller {
    Caller::new(Principal::new(PrincipalKind::Service, None, None).unwrap())
}

pub fn role(id: &str) -> RoleId {
    RoleId::parse(id).unwrap()
}

/// An admin of `kind` for `tenant`, signed in with a token of its own.
pub async fn admin(app: &Portcullis, kind: PrincipalKind, tenant: TenantId) -> Caller {
    let new = NewToken {
        kind,
        tenant_id: Some(tenant),
        description: None,
        expires_in: None,
    };
    let (_, secret) = app
        .create_token(&Caller::local_operator(), new)
        .await
        .unwrap();
    Caller::new(app.authenticate(&secret).await.unwrap())
}

/// Partner Contoso, authorized as vetting leaves it once approved (the
/// vetting flow itself is tested in tests/vetting.rs), and customer
/// Fabrikam; the service runs on `db` with `clock`, set up by `configure`
/// (`std::convert::identity` for the defaults).
pub struct Partnership {
    pub store: Arc<dyn Store>,
    pub app: Portcullis,
    pub partner: TenantId,
    pub customer: TenantId,
}

impl Partnership {
    pub async fn new(
        db: &TestDb,
        clock: Arc<dyn Clock>,
        configure: impl FnOnce(Portcullis) -> Portcullis,
    ) -> Self {
        let sql = db.store().await;
        let store: Arc<dyn Store> = Arc::new(sql.clone());
        let app = configure(Portcullis::new(store.clone(), clock.clone()));
        let partner = tenant(&app, TenantKind::Partner, "Contoso").await;
        let customer = tenant(&app, TenantKind::Customer, "Fabrikam").await;
        let ctx = AuditContext::new(&Principal::local_operator(), clock.now(), None, None);
        sql.set_partner_authorized(&ctx, partner, true)
            .await
            .unwrap();
        app.reload_index().await.unwrap();
        Self {
            store,
            app,
            partner,
            customer,
        }
    }

    /// The same world with Alice settled in: a partner user in group
    /// Helpdesk, which holds a standing Groups Administrator assignment in
    /// Fabrikam through a 30-day relationship approved now.
    pub async fn with_alice(
        db: &TestDb,
        clock: Arc<dyn Clock>,
        configure: impl FnOnce(Portcullis) -> Portcullis,
    ) -> (Self, UserId) {
        let world = Self::new(db, clock, configure).await;
        let (alice, group) = world
            .user_in_group("alice@contoso.example", "Helpdesk")
            .await;
        world
            .approved_relationship(&[GROUPS_ADMIN], "P30D", &[(group, &[GROUPS_ADMIN])])
            .await;
        (world, alice)
    }

    /// Another tenant.
    pub async fn tenant(&self, kind: TenantKind, name: &str) -> TenantId {
        tenant(&self.app, kind, name).await
    }

    /// A new partner user `upn`, the one member of a new group `group`.
    pub async fn user_in_group(&self, upn: &str, group: &str) -> (UserId, GroupId) {
        let op = Caller::local_operator();
        let user = NewUser {
            user_principal_name: UserPrincipalName::parse(upn).unwrap(),
            display_name: DisplayName::parse(upn).unwrap(),
            enabled: true,
        };
        let user = self
            .app
            .create_user(&op, self.partner, user)
            .await
            .unwrap()
            .id;
        let new = NewGroup {
            display_name: DisplayName::parse(group).unwrap(),
            description: None,
        };
        let group = self
            .app
            .create_group(&op, self.partner, new)
            .await
            .unwrap()
            .id;
        self.app
            .add_member(&op, self.partner, group, user)
            .await
            .unwrap();
        (user, group)
    }

    /// A relationship "Contoso for Fabrikam" of `roles` lasting `duration`,
    /// with a standing assignment per `(group, roles)`, requested and then
    /// approved by Fabrikam's admin (returned last).
    pub async fn approved_relationship(
        &self,
        roles: &[&str],
        duration: &str,
        assignments: &[(GroupId, &[&str])],
    ) -> (RelationshipId, Vec<AssignmentId>, Caller) {
        let op = Caller::local_operator();
        let proposal = NewRelationship {
            partner_tenant_id: self.partner,
            customer_tenant_id: self.customer,
            display_name: DisplayName::parse("Contoso for Fabrikam").unwrap(),
            roles: roles.iter().map(|r| role(r)).collect(),
            duration: IsoDuration::parse(duration).unwrap(),
            auto_extend_duration: IsoDuration::zero(),
        };
        let relationship = self
            .app
            .create_relationship(&op, proposal)
            .await
            .unwrap()
            .id;
        let mut created = Vec::new();
        for (group, roles) in assignments {
            let assignment = NewAssignment {
                group_id: *group,
                roles: roles.iter().map(|r| role(r)).collect(),
                kind: AssignmentKind::Standing,
            };
            let id = self
                .app
                .create_assignment(&op, relationship, assignment)
                .await
                .unwrap()
                .id;
            created.push(id);
        }
        self.app.request_approval(&op, relationship).await.unwrap();
        let customer_admin = admin(&self.app, PrincipalKind::CustomerAdmin, self.customer).await;
        self.app
            .approve_relationship(&customer_admin, relationship)
            .await
            .unwrap();
        (relationship, created, customer_admin)
    }
}

async fn tenant(app: &Portcullis, kind: TenantKind, name: &str) -> TenantId {
    let new = NewTenant {
        id: TenantId::generate(),
        kind,
        display_name: DisplayName::parse(name).unwrap(),
    };
    app.create_tenant(&Caller::local_operator(), new)
        .await
        .unwrap()
        .id
}
