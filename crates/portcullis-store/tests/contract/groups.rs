use portcullis_domain::{GroupId, PageRequest, TenantId, UserId};
use portcullis_domain::{GroupPatch, NewGroup};
use portcullis_store::{GroupStore, StoreError, UserStore};
use sqlx::Row;

use crate::contract;
use crate::support::{all_pages, audit_count, ctx, describe, group, ms, name, partner, user};

contract!(created_group_reads_back, |store, _db| {
    let t = partner(&store, "Contoso").await;
    let g = store
        .create_group(
            &ctx(3_000),
            t.id,
            NewGroup {
                display_name: name("Helpdesk"),
                description: Some(describe("first line support")),
            },
        )
        .await
        .unwrap();
    assert_eq!(g.tenant_id, t.id);
    assert_eq!(g.version, 1);
    assert_eq!(g.created_at, ms(3_000));
    assert_eq!(g.description, Some(describe("first line support")));
    assert_eq!(store.get_group(t.id, g.id).await.unwrap(), Some(g.clone()));
    let page = store
        .list_groups(t.id, &PageRequest::first(10))
        .await
        .unwrap();
    assert_eq!(page.items, vec![g]);
    assert_eq!(
        store.get_group(t.id, GroupId::generate()).await.unwrap(),
        None
    );
});

contract!(description_is_set_kept_and_cleared, |store, _db| {
    let t = partner(&store, "Contoso").await;
    let g = group(&store, t.id, "Helpdesk").await;
    assert_eq!(g.description, None);
    let steps = [
        (
            GroupPatch {
                description: Some(Some(describe("tier one"))),
                ..GroupPatch::default()
            },
            "Helpdesk",
            Some(describe("tier one")),
        ),
        (
            GroupPatch {
                display_name: Some(name("Service desk")),
                description: None,
            },
            "Service desk",
            Some(describe("tier one")),
        ),
        (
            GroupPatch {
                description: Some(None),
                ..GroupPatch::default()
            },
            "Service desk",
            None,
        ),
    ];
    for (version, (patch, display, description)) in (1..).zip(steps) {
        let updated = store
            .update_group(&ctx(4_000 + version), t.id, g.id, Some(version), patch)
            .await
            .unwrap();
        assert_eq!(updated.display_name, name(display));
        assert_eq!(updated.description, description);
        assert_eq!(updated.version, version + 1);
        assert_eq!(updated.updated_at, ms(4_000 + version));
        assert_eq!(store.get_group(t.id, g.id).await.unwrap(), Some(updated));
    }
});

contract!(group_name_is_unique_within_a_tenant_only, |store, _db| {
    let t = partner(&store, "Contoso").await;
    let other = partner(&store, "Fabrikam").await;
    group(&store, t.id, "Helpdesk").await;
    let admins = group(&store, t.id, "Admins").await;
    let before = audit_count(&store).await;
    let err = store
        .create_group(
            &ctx(4_000),
            t.id,
            NewGroup {
                display_name: name("Helpdesk"),
                description: None,
            },
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    let rename = GroupPatch {
        display_name: Some(name("Helpdesk")),
        ..GroupPatch::default()
    };
    let err = store
        .update_group(&ctx(4_000), t.id, admins.id, None, rename)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    assert_eq!(audit_count(&store).await, before);
    assert_eq!(
        store.get_group(t.id, admins.id).await.unwrap(),
        Some(admins)
    );
    group(&store, other.id, "Helpdesk").await;
});

contract!(
    groups_are_only_reachable_through_their_tenant,
    |store, _db| {
        let t = partner(&store, "Contoso").await;
        let other = partner(&store, "Fabrikam").await;
        let g = group(&store, t.id, "Helpdesk").await;
        assert_eq!(store.get_group(other.id, g.id).await.unwrap(), None);
        let page = store
            .list_groups(other.id, &PageRequest::first(10))
            .await
            .unwrap();
        assert!(page.items.is_empty());
        let err = store
            .update_group(&ctx(5_000), other.id, g.id, None, GroupPatch::default())
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::NotFound), "{err:?}");
        let err = store
            .delete_group(&ctx(5_000), other.id, g.id, None)
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::NotFound), "{err:?}");
        let err = store
            .list_members(other.id, g.id, &PageRequest::first(10))
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::NotFound), "{err:?}");
        assert_eq!(store.get_group(t.id, g.id).await.unwrap(), Some(g));
    }
);

contract!(stale_version_group_changes_are_refused, |store, _db| {
    let t = partner(&store, "Contoso").await;
    let g = group(&store, t.id, "Helpdesk").await;
    let err = store
        .update_group(&ctx(5_000), t.id, g.id, Some(2), GroupPatch::default())
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::VersionMismatch { current: 1 }),
        "{err:?}"
    );
    let err = store
        .delete_group(&ctx(5_000), t.id, g.id, Some(0))
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::VersionMismatch { current: 1 }),
        "{err:?}"
    );
    assert_eq!(store.get_group(t.id, g.id).await.unwrap(), Some(g));
});

contract!(member_is_added_once, |store, _db| {
    let t = partner(&store, "Contoso").await;
    let g = group(&store, t.id, "Helpdesk").await;
    let alice = user(&store, t.id, "alice@contoso.com").await;
    let member = store
        .add_member(&ctx(6_000), t.id, g.id, alice.id)
        .await
        .unwrap();
    assert_eq!((member.group_id, member.user_id), (g.id, alice.id));
    assert_eq!(member.added_at, ms(6_000));
    let page = store
        .list_members(t.id, g.id, &PageRequest::first(10))
        .await
        .unwrap();
    assert_eq!(page.items, vec![member.clone()]);
    let before = audit_count(&store).await;
    let err = store
        .add_member(&ctx(7_000), t.id, g.id, alice.id)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    assert_eq!(audit_count(&store).await, before);
    let page = store
        .list_members(t.id, g.id, &PageRequest::first(10))
        .await
        .unwrap();
    assert_eq!(page.items, vec![member]);
});

contract!(member_from_another_tenant_is_not_found, |store, _db| {
    let t = partner(&store, "Contoso").await;
    let other = partner(&store, "Fabrikam").await;
    let g = group(&store, t.id, "Helpdesk").await;
    let stranger = user(&store, other.id, "eve@fabrikam.com").await;
    let before = audit_count(&store).await;
    for (tenant, user) in [
        (t.id, stranger.id),
        (other.id, stranger.id),
        (t.id, UserId::generate()),
    ] {
        let err = store
            .add_member(&ctx(6_000), tenant, g.id, user)
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::NotFound), "{err:?}");
    }
    let alice = user(&store, t.id, "alice@contoso.com").await;
    let err = store
        .add_member(&ctx(6_000), t.id, GroupId::generate(), alice.id)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound), "{err:?}");
    assert_eq!(audit_count(&store).await, before + 1);
    let page = store
        .list_members(t.id, g.id, &PageRequest::first(10))
        .await
        .unwrap();
    assert!(page.items.is_empty());
});

contract!(member_pages_cover_every_member_once, |store, _db| {
    let t = partner(&store, "Contoso").await;
    let g = group(&store, t.id, "Helpdesk").await;
    let other = group(&store, t.id, "Admins").await;
    let mut ids = Vec::new();
    for n in 0..5 {
        let u = user(&store, t.id, &format!("user{n}@contoso.com")).await;
        store
            .add_member(&ctx(6_000), t.id, g.id, u.id)
            .await
            .unwrap();
        ids.push(u.id);
    }
    store
        .add_member(&ctx(6_000), t.id, other.id, ids[0])
        .await
        .unwrap();
    ids.sort();
    let (members, pages) = all_pages(2, async |page| {
        store.list_members(t.id, g.id, &page).await.unwrap()
    })
    .await;
    assert_eq!(pages, 3);
    assert_eq!(members.iter().map(|m| m.user_id).collect::<Vec<_>>(), ids);
    assert!(members.iter().all(|m| m.group_id == g.id));
});

contract!(
    removed_member_is_gone_and_cannot_be_removed_again,
    |store, _db| {
        let t = partner(&store, "Contoso").await;
        let g = group(&store, t.id, "Helpdesk").await;
        let alice = user(&store, t.id, "alice@contoso.com").await;
        let bob = user(&store, t.id, "bob@contoso.com").await;
        store
            .add_member(&ctx(6_000), t.id, g.id, alice.id)
            .await
            .unwrap();
        store
            .add_member(&ctx(6_000), t.id, g.id, bob.id)
            .await
            .unwrap();
        store
            .remove_member(&ctx(7_000), t.id, g.id, alice.id)
            .await
            .unwrap();
        let page = store
            .list_members(t.id, g.id, &PageRequest::first(10))
            .await
            .unwrap();
        assert_eq!(
            page.items.iter().map(|m| m.user_id).collect::<Vec<_>>(),
            vec![bob.id]
        );
        let before = audit_count(&store).await;
        for user in [alice.id, UserId::generate()] {
            let err = store
                .remove_member(&ctx(8_000), t.id, g.id, user)
                .await
                .unwrap_err();
            assert!(matches!(err, StoreError::NotFound), "{err:?}");
        }
        assert_eq!(audit_count(&store).await, before);
        // The user stays; only the membership went.
        assert!(store.get_user(t.id, alice.id).await.unwrap().is_some());
    }
);

contract!(deleting_a_group_removes_its_memberships, |store, _db| {
    let t = partner(&store, "Contoso").await;
    let g = group(&store, t.id, "Helpdesk").await;
    let kept = group(&store, t.id, "Admins").await;
    let alice = user(&store, t.id, "alice@contoso.com").await;
    store
        .add_member(&ctx(6_000), t.id, g.id, alice.id)
        .await
        .unwrap();
    store
        .add_member(&ctx(6_000), t.id, kept.id, alice.id)
        .await
        .unwrap();
    store
        .delete_group(&ctx(7_000), t.id, g.id, Some(1))
        .await
        .unwrap();
    assert_eq!(store.get_group(t.id, g.id).await.unwrap(), None);
    let count = async |group: GroupId| {
        sqlx::query("SELECT COUNT(*) AS n FROM group_members WHERE group_id = $1")
            .bind(group.to_string())
            .fetch_one(store.pool())
            .await
            .unwrap()
            .try_get::<i64, _>("n")
            .unwrap()
    };
    assert_eq!(count(g.id).await, 0);
    assert_eq!(count(kept.id).await, 1);
    assert!(store.get_user(t.id, alice.id).await.unwrap().is_some());
    let err = store
        .list_members(t.id, g.id, &PageRequest::first(10))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound), "{err:?}");
});

contract!(group_of_an_unknown_tenant_is_refused, |store, _db| {
    partner(&store, "Contoso").await;
    let before = audit_count(&store).await;
    let unknown = TenantId::generate();
    let new = NewGroup {
        display_name: name("Helpdesk"),
        description: None,
    };
    let result = store.create_group(&ctx(3_000), unknown, new).await;
    assert!(result.is_err(), "{result:?}");
    assert_eq!(audit_count(&store).await, before);
    let page = store
        .list_groups(unknown, &PageRequest::first(10))
        .await
        .unwrap();
    assert!(page.items.is_empty());
});

contract!(group_of_an_unknown_tenant_is_not_found, |store, _db| {
    let new = NewGroup {
        display_name: name("Helpdesk"),
        description: None,
    };
    let err = store
        .create_group(&ctx(3_000), TenantId::generate(), new)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound), "{err:?}");
});
