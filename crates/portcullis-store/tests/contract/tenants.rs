use std::collections::BTreeSet;

use portcullis_domain::{NewTenant, TenantPatch};
use portcullis_domain::{PageRequest, TenantId, TenantKind};
use portcullis_store::{AuditStore, StoreError, TenantStore, TokenStore, UserStore};

use crate::contract;
use crate::support::{
    all_pages, audit_count, audit_log, ctx, group, ms, name, partner, tenant, token, user,
};

contract!(created_tenant_reads_back, |store, _db| {
    let t = partner(&store, "Contoso").await;
    let read = store.get_tenant(t.id).await.unwrap().unwrap();
    assert_eq!(read, t);
    assert_eq!(read.kind, TenantKind::Partner);
    assert_eq!(read.version, 1);
    assert_eq!(read.created_at, ms(1_000));
    assert_eq!(read.updated_at, ms(1_000));
});

contract!(unknown_tenant_reads_as_none, |store, _db| {
    partner(&store, "Contoso").await;
    assert_eq!(store.get_tenant(TenantId::generate()).await.unwrap(), None);
});

contract!(stale_version_update_is_refused, |store, _db| {
    let t = partner(&store, "Contoso").await;
    let patch = || TenantPatch {
        display_name: Some(name("Fabrikam")),
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
    assert_eq!(store.get_tenant(t.id).await.unwrap().unwrap(), updated);
    assert_eq!(store.verify_audit().await.unwrap(), Ok(2));
});

contract!(update_bumps_version_and_updated_at, |store, _db| {
    let t = partner(&store, "Contoso").await;
    let updated = store
        .update_tenant(
            &ctx(5_000),
            t.id,
            Some(1),
            TenantPatch {
                display_name: Some(name("Fabrikam")),
            },
        )
        .await
        .unwrap();
    assert_eq!(updated.display_name, name("Fabrikam"));
    assert_eq!(updated.version, 2);
    assert_eq!(updated.updated_at, ms(5_000));
    assert_eq!(updated.created_at, t.created_at);
    assert_eq!(updated.kind, t.kind);
    assert_eq!(store.get_tenant(t.id).await.unwrap().unwrap(), updated);
    // Without an expected version the update is unconditional.
    let again = store
        .update_tenant(&ctx(6_000), t.id, None, TenantPatch::default())
        .await
        .unwrap();
    assert_eq!(again.version, 3);
    assert_eq!(again.display_name, name("Fabrikam"));
    assert_eq!(again.updated_at, ms(6_000));
});

contract!(stale_version_delete_is_refused, |store, _db| {
    let t = partner(&store, "Contoso").await;
    let err = store
        .delete_tenant(&ctx(2_000), t.id, Some(7))
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::VersionMismatch { current: 1 }),
        "{err:?}"
    );
    assert!(store.get_tenant(t.id).await.unwrap().is_some());
});

contract!(
    update_or_delete_of_unknown_tenant_is_not_found,
    |store, _db| {
        partner(&store, "Contoso").await;
        let unknown = TenantId::generate();
        let err = store
            .update_tenant(&ctx(2_000), unknown, None, TenantPatch::default())
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::NotFound), "{err:?}");
        let err = store
            .delete_tenant(&ctx(2_000), unknown, None)
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::NotFound), "{err:?}");
    }
);

contract!(duplicate_tenant_id_is_a_conflict, |store, _db| {
    let t = partner(&store, "Contoso").await;
    let err = store
        .create_tenant(
            &ctx(2_000),
            NewTenant {
                id: t.id,
                kind: TenantKind::Customer,
                display_name: name("Impostor"),
            },
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    assert_eq!(store.get_tenant(t.id).await.unwrap().unwrap(), t);
});

contract!(list_filters_by_kind, |store, _db| {
    let p1 = tenant(&store, TenantKind::Partner, "P1").await;
    let p2 = tenant(&store, TenantKind::Partner, "P2").await;
    let c1 = tenant(&store, TenantKind::Customer, "C1").await;
    let ids = async |kind| {
        let page = store
            .list_tenants(kind, &PageRequest::first(50))
            .await
            .unwrap();
        assert_eq!(page.next, None);
        page.items
            .into_iter()
            .map(|t| t.id)
            .collect::<BTreeSet<_>>()
    };
    assert_eq!(
        ids(Some(TenantKind::Partner)).await,
        BTreeSet::from([p1.id, p2.id])
    );
    assert_eq!(
        ids(Some(TenantKind::Customer)).await,
        BTreeSet::from([c1.id])
    );
    assert_eq!(ids(None).await, BTreeSet::from([p1.id, p2.id, c1.id]));
});

contract!(tenant_pages_cover_every_tenant_once, |store, _db| {
    let (empty, pages) = all_pages(3, async |page| {
        store.list_tenants(None, &page).await.unwrap()
    })
    .await;
    assert!(empty.is_empty());
    assert_eq!(pages, 1);

    let mut created = Vec::new();
    for n in 0..6 {
        created.push(partner(&store, &format!("Partner {n}")).await.id);
    }
    let customer = tenant(&store, TenantKind::Customer, "Customer").await.id;

    // Seven tenants, three a page: 3 + 3 + 1.
    let (all, pages) = all_pages(3, async |page| {
        store.list_tenants(None, &page).await.unwrap()
    })
    .await;
    assert_eq!(pages, 3);
    let ids: Vec<TenantId> = all.iter().map(|t| t.id).collect();
    assert!(
        ids.windows(2).all(|w| w[0] < w[1]),
        "unordered or repeated: {ids:?}"
    );
    let mut expected = created.clone();
    expected.push(customer);
    expected.sort();
    assert_eq!(ids, expected);

    // Six partners, three a page: the second page is full and the last.
    let (partners, pages) = all_pages(3, async |page| {
        store
            .list_tenants(Some(TenantKind::Partner), &page)
            .await
            .unwrap()
    })
    .await;
    assert_eq!(pages, 2);
    created.sort();
    assert_eq!(partners.iter().map(|t| t.id).collect::<Vec<_>>(), created);
});

contract!(delete_removes_the_tenant, |store, _db| {
    let t = partner(&store, "Contoso").await;
    store
        .delete_tenant(&ctx(2_000), t.id, Some(1))
        .await
        .unwrap();
    assert_eq!(store.get_tenant(t.id).await.unwrap(), None);
    let page = store
        .list_tenants(None, &PageRequest::first(10))
        .await
        .unwrap();
    assert!(page.items.is_empty());
    let err = store
        .delete_tenant(&ctx(3_000), t.id, None)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound), "{err:?}");
});

contract!(
    delete_is_refused_while_the_tenant_has_users,
    |store, _db| {
        let t = partner(&store, "Contoso").await;
        let u = user(&store, t.id, "alice@contoso.com").await;
        let before = audit_count(&store).await;
        let err = store
            .delete_tenant(&ctx(5_000), t.id, None)
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
        assert!(store.get_tenant(t.id).await.unwrap().is_some());
        assert_eq!(audit_count(&store).await, before);
        store
            .delete_user(&ctx(6_000), t.id, u.id, None)
            .await
            .unwrap();
        store.delete_tenant(&ctx(7_000), t.id, None).await.unwrap();
        assert_eq!(store.get_tenant(t.id).await.unwrap(), None);
    }
);

contract!(
    delete_is_refused_while_the_tenant_has_groups,
    |store, _db| {
        let t = partner(&store, "Contoso").await;
        group(&store, t.id, "Helpdesk").await;
        let err = store
            .delete_tenant(&ctx(5_000), t.id, None)
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
        assert!(store.get_tenant(t.id).await.unwrap().is_some());
    }
);

contract!(delete_revokes_the_tenant_tokens, |store, _db| {
    let t = partner(&store, "Contoso").await;
    let other = partner(&store, "Fabrikam").await;
    let mine = token(&store, Some(t.id), "hash-mine").await;
    let earlier = token(&store, Some(t.id), "hash-earlier").await;
    store.revoke_token(&ctx(4_500), earlier.id).await.unwrap();
    let theirs = token(&store, Some(other.id), "hash-theirs").await;
    let global = token(&store, None, "hash-global").await;
    let before = audit_count(&store).await;

    store.delete_tenant(&ctx(9_000), t.id, None).await.unwrap();

    let revoked = store.get_token(mine.id).await.unwrap().unwrap();
    assert_eq!(revoked.revoked_at, Some(ms(9_000)));
    // An already revoked token keeps its revocation time.
    let earlier = store.get_token(earlier.id).await.unwrap().unwrap();
    assert_eq!(earlier.revoked_at, Some(ms(4_500)));
    for untouched in [theirs.id, global.id] {
        let token = store.get_token(untouched).await.unwrap().unwrap();
        assert_eq!(token.revoked_at, None);
    }
    // One token.revoke for the usable token, then the tenant.delete.
    assert_eq!(audit_count(&store).await, before + 2);
    let log = audit_log(&store).await;
    let tail = &log[log.len() - 2..];
    assert_eq!(tail[0].operation, "token.revoke");
    assert_eq!(tail[0].target_id, mine.id.to_string());
    assert_eq!(tail[0].tenant_id, Some(t.id.to_string()));
    assert_eq!(tail[0].at, ms(9_000));
    assert_eq!(tail[1].operation, "tenant.delete");
    assert_eq!(tail[1].target_id, t.id.to_string());
    assert_eq!(store.verify_audit().await.unwrap(), Ok(before + 2));
});
