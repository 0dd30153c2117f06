use portcullis_domain::{
    ApiToken, AuditRecord, Description, DisplayName, Page, PageRequest, PartnerUser, Principal,
    PrincipalKind, SecurityGroup, Tenant, TenantId, TenantKind, Timestamp, TokenId,
    UserPrincipalName,
};
use portcullis_domain::{AuditFilter, NewGroup, NewTenant, NewUser};
use portcullis_store::{
    AuditContext, AuditStore, GroupStore, SqlStore, TenantStore, TokenStore, UserStore,
};
pub use portcullis_testkit::TestDb;
use sqlx::Row;

/// Defines `$name::sqlite` and `$name::postgres` tests running the same body.
///
/// The runtime is multi-threaded, as the server's is, so that spawned tasks
/// really run side by side.
#[macro_export]
macro_rules! contract {
    ($(#[$meta:meta])* $name:ident, |$store:ident, $db:ident| $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            async fn run($store: portcullis_store::SqlStore, $db: &$crate::support::TestDb) $body

            $(#[$meta])*
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn sqlite() {
                let db = $crate::support::TestDb::sqlite();
                run(db.store().await, &db).await;
            }

            $(#[$meta])*
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn postgres() {
                let Some(db) = $crate::support::TestDb::postgres().await else { return };
                let store = db.store().await;
                run(store.clone(), &db).await;
                store.close().await;
            }
        }
    };
}

/// The local operator acting at `at_ms`, from 127.0.0.1, request `req-test`.
pub fn ctx(at_ms: i64) -> AuditContext {
    AuditContext::new(
        &Principal::local_operator(),
        Timestamp::from_unix_millis(at_ms),
        Some("127.0.0.1".into()),
        Some("req-test".into()),
    )
}

pub fn ms(at_ms: i64) -> Timestamp {
    Timestamp::from_unix_millis(at_ms)
}

pub fn name(text: &str) -> DisplayName {
    DisplayName::parse(text).unwrap()
}

pub fn upn(text: &str) -> UserPrincipalName {
    UserPrincipalName::parse(text).unwrap()
}

pub fn describe(text: &str) -> Description {
    Description::parse(text).unwrap()
}

pub async fn tenant(store: &SqlStore, kind: TenantKind, display: &str) -> Tenant {
    store
        .create_tenant(
            &ctx(1_000),
            NewTenant {
                id: TenantId::generate(),
                kind,
                display_name: name(display),
            },
        )
        .await
        .unwrap()
}

pub async fn partner(store: &SqlStore, display: &str) -> Tenant {
    tenant(store, TenantKind::Partner, display).await
}

pub async fn user(store: &SqlStore, tenant: TenantId, principal_name: &str) -> PartnerUser {
    store
        .create_user(
            &ctx(2_000),
            tenant,
            NewUser {
                user_principal_name: upn(principal_name),
                display_name: name(principal_name),
                enabled: true,
            },
        )
        .await
        .unwrap()
}

pub async fn group(store: &SqlStore, tenant: TenantId, display: &str) -> SecurityGroup {
    store
        .create_group(
            &ctx(3_000),
            tenant,
            NewGroup {
                display_name: name(display),
                description: None,
            },
        )
        .await
        .unwrap()
}

/// A token of `kind`, bound to `tenant`, as the service layer would build it.
pub fn new_token(kind: PrincipalKind, tenant: Option<TenantId>) -> ApiToken {
    ApiToken {
        id: TokenId::generate(),
        kind,
        tenant_id: tenant,
        description: Some(describe("ci pipeline")),
        created_at: ms(4_000),
        expires_at: Some(ms(90_000)),
        revoked_at: None,
    }
}

/// Stores a new token with `secret_hash` and returns it.
pub async fn token(store: &SqlStore, tenant: Option<TenantId>, secret_hash: &str) -> ApiToken {
    let kind = match tenant {
        Some(_) => PrincipalKind::PartnerAdmin,
        None => PrincipalKind::Service,
    };
    let token = new_token(kind, tenant);
    store
        .create_token(&ctx(4_000), &token, secret_hash)
        .await
        .unwrap();
    token
}

/// How many audit records the database holds, counted with plain SQL.
pub async fn audit_count(store: &SqlStore) -> i64 {
    sqlx::query("SELECT COUNT(*) AS n FROM audit_log")
        .fetch_one(store.pool())
        .await
        .unwrap()
        .try_get::<i64, _>("n")
        .unwrap()
}

/// Every audit record matching `filter`, in sequence order.
pub async fn audit_where(store: &SqlStore, filter: &AuditFilter) -> Vec<AuditRecord> {
    all_pages(200, async |page| {
        store.list_audit(filter, &page).await.unwrap()
    })
    .await
    .0
}

/// The whole audit log, in sequence order.
pub async fn audit_log(store: &SqlStore) -> Vec<AuditRecord> {
    audit_where(store, &AuditFilter::default()).await
}

/// Reads a list to its end `limit` items at a time, checking that every page
/// but the last is full and points to the next; returns the items and the
/// number of pages read.
pub async fn all_pages<T>(
    limit: u32,
    mut read: impl AsyncFnMut(PageRequest) -> Page<T>,
) -> (Vec<T>, usize) {
    let mut items = Vec::new();
    let mut after = None;
    for pages in 1..=1_000 {
        let page = read(PageRequest::new(Some(limit), after).unwrap()).await;
        let len = page.items.len();
        items.extend(page.items);
        match page.next {
            Some(cursor) => {
                assert_eq!(len, limit as usize, "a page before the last is not full");
                after = Some(cursor);
            }
            None => {
                assert!(len <= limit as usize, "page of {len} items over {limit}");
                return (items, pages);
            }
        }
    }
    panic!("paging did not end after 1000 pages");
}
