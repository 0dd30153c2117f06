use portcullis_domain::{NewUser, UserPatch};
use portcullis_domain::{PageRequest, TenantId, UserId};
use portcullis_store::{GroupStore, StoreError, UserStore};
use sqlx::Row;

use crate::contract;
use crate::support::{all_pages, audit_count, ctx, group, ms, name, partner, upn, user};

contract!(created_user_reads_back, |store, _db| {
    let t = partner(&store, "Contoso").await;
    let u = user(&store, t.id, "Alice@Contoso.com").await;
    assert_eq!(u.user_principal_name.as_str(), "alice@contoso.com");
    assert_eq!(u.tenant_id, t.id);
    assert_eq!(u.version, 1);
    assert_eq!(u.created_at, ms(2_000));
    assert_eq!(store.get_user(t.id, u.id).await.unwrap(), Some(u.clone()));
    let page = store
        .list_users(t.id, &PageRequest::first(10))
        .await
        .unwrap();
    assert_eq!(page.items, vec![u]);
    assert_eq!(page.next, None);
    assert_eq!(
        store.get_user(t.id, UserId::generate()).await.unwrap(),
        None
    );
});

contract!(enabled_round_trips_both_ways, |store, _db| {
    let t = partner(&store, "Contoso").await;
    let u = store
        .create_user(
            &ctx(2_000),
            t.id,
            NewUser {
                user_principal_name: upn("bob@contoso.com"),
                display_name: name("Bob"),
                enabled: false,
            },
        )
        .await
        .unwrap();
    assert!(!store.get_user(t.id, u.id).await.unwrap().unwrap().enabled);
    for (at, enabled) in [(3_000, true), (4_000, false), (5_000, true)] {
        let patch = UserPatch {
            enabled: Some(enabled),
            ..UserPatch::default()
        };
        let updated = store
            .update_user(&ctx(at), t.id, u.id, None, patch)
            .await
            .unwrap();
        assert_eq!(updated.enabled, enabled);
        let read = store.get_user(t.id, u.id).await.unwrap().unwrap();
        assert_eq!(read, updated);
    }
});

contract!(update_changes_fields_and_bumps_version, |store, _db| {
    let t = partner(&store, "Contoso").await;
    let u = user(&store, t.id, "alice@contoso.com").await;
    let patch = UserPatch {
        user_principal_name: Some(upn("alice.smith@contoso.com")),
        display_name: Some(name("Alice Smith")),
        enabled: None,
    };
    let updated = store
        .update_user(&ctx(8_000), t.id, u.id, Some(1), patch.clone())
        .await
        .unwrap();
    assert_eq!(updated.user_principal_name, upn("alice.smith@contoso.com"));
    assert_eq!(updated.display_name, name("Alice Smith"));
    assert!(updated.enabled);
    assert_eq!(updated.version, 2);
    assert_eq!(updated.updated_at, ms(8_000));
    assert_eq!(updated.created_at, u.created_at);
    assert_eq!(store.get_user(t.id, u.id).await.unwrap(), Some(updated));
    let err = store
        .update_user(&ctx(9_000), t.id, u.id, Some(1), patch)
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::VersionMismatch { current: 2 }),
        "{err:?}"
    );
});

contract!(upn_is_unique_within_a_tenant_only, |store, _db| {
    let t = partner(&store, "Contoso").await;
    let other = partner(&store, "Fabrikam").await;
    let alice = user(&store, t.id, "alice@contoso.com").await;
    let before = audit_count(&store).await;
    let err = store
        .create_user(
            &ctx(3_000),
            t.id,
            NewUser {
                // Compared without regard to case.
                user_principal_name: upn("ALICE@contoso.com"),
                display_name: name("Another Alice"),
                enabled: true,
            },
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    assert_eq!(audit_count(&store).await, before);
    let page = store
        .list_users(t.id, &PageRequest::first(10))
        .await
        .unwrap();
    assert_eq!(page.items, vec![alice]);
    let elsewhere = user(&store, other.id, "alice@contoso.com").await;
    assert_eq!(elsewhere.tenant_id, other.id);
});

contract!(renaming_to_a_taken_upn_is_a_conflict, |store, _db| {
    let t = partner(&store, "Contoso").await;
    user(&store, t.id, "alice@contoso.com").await;
    let bob = user(&store, t.id, "bob@contoso.com").await;
    let patch = UserPatch {
        user_principal_name: Some(upn("alice@contoso.com")),
        ..UserPatch::default()
    };
    let err = store
        .update_user(&ctx(5_000), t.id, bob.id, None, patch)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    assert_eq!(store.get_user(t.id, bob.id).await.unwrap(), Some(bob));
});

contract!(
    users_are_only_reachable_through_their_tenant,
    |store, _db| {
        let t = partner(&store, "Contoso").await;
        let other = partner(&store, "Fabrikam").await;
        let u = user(&store, t.id, "alice@contoso.com").await;
        assert_eq!(store.get_user(other.id, u.id).await.unwrap(), None);
        let page = store
            .list_users(other.id, &PageRequest::first(10))
            .await
            .unwrap();
        assert!(page.items.is_empty());
        let patch = UserPatch {
            enabled: Some(false),
            ..UserPatch::default()
        };
        let err = store
            .update_user(&ctx(5_000), other.id, u.id, None, patch)
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::NotFound), "{err:?}");
        let err = store
            .delete_user(&ctx(5_000), other.id, u.id, None)
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::NotFound), "{err:?}");
        assert_eq!(store.get_user(t.id, u.id).await.unwrap(), Some(u));
    }
);

contract!(user_of_an_unknown_tenant_is_refused, |store, _db| {
    partner(&store, "Contoso").await;
    let before = audit_count(&store).await;
    let unknown = TenantId::generate();
    let result = store
        .create_user(
            &ctx(2_000),
            unknown,
            NewUser {
                user_principal_name: upn("alice@contoso.com"),
                display_name: name("Alice"),
                enabled: true,
            },
        )
        .await;
    assert!(result.is_err(), "{result:?}");
    assert_eq!(audit_count(&store).await, before);
    let page = store
        .list_users(unknown, &PageRequest::first(10))
        .await
        .unwrap();
    assert!(page.items.is_empty());
});

contract!(user_of_an_unknown_tenant_is_not_found, |store, _db| {
    let err = store
        .create_user(
            &ctx(2_000),
            TenantId::generate(),
            NewUser {
                user_principal_name: upn("alice@contoso.com"),
                display_name: name("Alice"),
                enabled: true,
            },
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound), "{err:?}");
});

contract!(user_pages_cover_the_tenant_users_once, |store, _db| {
    let t = partner(&store, "Contoso").await;
    let other = partner(&store, "Fabrikam").await;
    user(&store, other.id, "zed@fabrikam.com").await;
    let mut ids = Vec::new();
    for n in 0..5 {
        ids.push(user(&store, t.id, &format!("user{n}@contoso.com")).await.id);
    }
    ids.sort();
    let (users, pages) =
        all_pages(2, async |page| store.list_users(t.id, &page).await.unwrap()).await;
    assert_eq!(pages, 3);
    assert_eq!(users.iter().map(|u| u.id).collect::<Vec<_>>(), ids);
    assert!(users.iter().all(|u| u.tenant_id == t.id));
});

contract!(deleted_user_is_gone, |store, _db| {
    let t = partner(&store, "Contoso").await;
    let u = user(&store, t.id, "alice@contoso.com").await;
    let err = store
        .delete_user(&ctx(5_000), t.id, u.id, Some(2))
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::VersionMismatch { current: 1 }),
        "{err:?}"
    );
    store
        .delete_user(&ctx(6_000), t.id, u.id, Some(1))
        .await
        .unwrap();
    assert_eq!(store.get_user(t.id, u.id).await.unwrap(), None);
    let err = store
        .delete_user(&ctx(7_000), t.id, u.id, None)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound), "{err:?}");
    // The UPN is free again.
    user(&store, t.id, "alice@contoso.com").await;
});

contract!(deleting_a_user_removes_its_memberships, |store, _db| {
    let t = partner(&store, "Contoso").await;
    let alice = user(&store, t.id, "alice@contoso.com").await;
    let bob = user(&store, t.id, "bob@contoso.com").await;
    let g1 = group(&store, t.id, "Helpdesk").await;
    let g2 = group(&store, t.id, "Admins").await;
    for g in [g1.id, g2.id] {
        store
            .add_member(&ctx(4_000), t.id, g, alice.id)
            .await
            .unwrap();
        store
            .add_member(&ctx(4_000), t.id, g, bob.id)
            .await
            .unwrap();
    }
    store
        .delete_user(&ctx(5_000), t.id, alice.id, None)
        .await
        .unwrap();
    for g in [g1.id, g2.id] {
        let page = store
            .list_members(t.id, g, &PageRequest::first(10))
            .await
            .unwrap();
        let members: Vec<UserId> = page.items.iter().map(|m| m.user_id).collect();
        assert_eq!(members, vec![bob.id]);
    }
    let left = sqlx::query("SELECT COUNT(*) AS n FROM group_members WHERE user_id = $1")
        .bind(alice.id.to_string())
        .fetch_one(store.pool())
        .await
        .unwrap()
        .try_get::<i64, _>("n")
        .unwrap();
    assert_eq!(left, 0);
});

contract!(
    skeletons_of_older_users_are_filled_in_when_the_store_migrates,
    |store, _db| {
        let t = partner(&store, "Contoso").await;
        let bob = user(&store, t.id, "bob@contoso.com").await;
        let ivy = user(&store, t.id, "ivy@contoso.com").await;
        // As written before migration 0014: no skeleton.
        sqlx::query("UPDATE partner_users SET upn_skeleton = NULL")
            .execute(store.pool())
            .await
            .unwrap();
        store.migrate().await.unwrap();
        let skeleton = |id: UserId| {
            let store = store.clone();
            async move {
                sqlx::query("SELECT upn_skeleton FROM partner_users WHERE id = $1")
                    .bind(id.to_string())
                    .fetch_one(store.pool())
                    .await
                    .unwrap()
                    .get::<Option<String>, _>(0)
            }
        };
        assert_eq!(
            skeleton(bob.id).await,
            Some(bob.user_principal_name.skeleton())
        );
        assert_eq!(
            skeleton(ivy.id).await,
            Some(ivy.user_principal_name.skeleton())
        );
        // The filled-in skeleton keeps a look-alike out.
        let lookalike = store
            .create_user(
                &ctx(3_000),
                t.id,
                NewUser {
                    user_principal_name: upn("b\u{043E}b@contoso.com"),
                    display_name: name("Mallory"),
                    enabled: true,
                },
            )
            .await;
        assert!(
            matches!(lookalike, Err(StoreError::Conflict(_))),
            "{lookalike:?}"
        );
    }
);
