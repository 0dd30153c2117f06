use portcullis_domain::{DisplayName, PageRequest, TenantKind};
use portcullis_store::{AuditStore, StoreError, TenantPatch, TenantStore};

use crate::contract;
use crate::support::{ctx, partner};

contract!(created_tenant_reads_back, |store, _db| {
    let t = partner(&store, "Contoso").await;
    let read = store.get_tenant(t.id).await.unwrap().unwrap();
    assert_eq!(read, t);
    assert_eq!(read.kind, TenantKind::Partner);
    assert_eq!(read.version, 1);
});

contract!(stale_version_update_is_refused, |store, _db| {
    let t = partner(&store, "Contoso").await;
    let patch = || TenantPatch {
        display_name: Some(DisplayName::parse("Fabrikam").unwrap()),
    };
    let updated = store
        .update_tenant(&ctx(2_000), t.id, Some(1), patch())
        .await
        .unwrap();
    assert_eq!(updated.version, 2);
    let err = store
        .update_tenant(&ctx(3_000), t.id, Some(1), patch())
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::VersionMismatch { current: 2 }),
        "{err:?}"
    );
    assert_eq!(store.verify_audit().await.unwrap(), Ok(2));
    let page = store
        .list_tenants(None, &PageRequest::first(10))
        .await
        .unwrap();
    assert_eq!(page.items.len(), 1);
});
