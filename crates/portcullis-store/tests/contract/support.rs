use portcullis_domain::{DisplayName, Principal, TenantId, TenantKind, Timestamp};
use portcullis_store::{AuditContext, NewTenant, SqlStore, TenantStore};
pub use portcullis_testkit::TestDb;

/// Defines `$name::sqlite` and `$name::postgres` tests running the same body.
#[macro_export]
macro_rules! contract {
    ($name:ident, |$store:ident, $db:ident| $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            async fn run($store: portcullis_store::SqlStore, $db: &$crate::support::TestDb) $body

            #[tokio::test]
            async fn sqlite() {
                let db = $crate::support::TestDb::sqlite();
                run(db.store().await, &db).await;
            }

            #[tokio::test]
            async fn postgres() {
                let Some(db) = $crate::support::TestDb::postgres().await else { return };
                let store = db.store().await;
                run(store.clone(), &db).await;
                store.close().await;
            }
        }
    };
}

pub fn ctx(at_ms: i64) -> AuditContext {
    AuditContext::new(
        &Principal::local_operator(),
        Timestamp::from_unix_millis(at_ms),
        Some("127.0.0.1".into()),
        Some("req-test".into()),
    )
}

pub async fn partner(store: &SqlStore, name: &str) -> portcullis_domain::Tenant {
    store
        .create_tenant(
            &ctx(1_000),
            NewTenant {
                id: TenantId::generate(),
                kind: TenantKind::Partner,
                display_name: DisplayName::parse(name).unwrap(),
            },
        )
        .await
        .unwrap()
}
