//! Partner authorization, customer restrictions, and what they and
//! relationships mean for deleting a tenant.

use portcullis_domain::{CustomerRestrictions, HoursWindow, TenantId};
use portcullis_store::{AccessStore, AuditStore, StoreError, TenantStore};

use crate::access_fixtures::{customer, setup};
use crate::contract;
use crate::support::{audit_count, audit_log, ctx, partner};

fn strict() -> CustomerRestrictions {
    CustomerRestrictions {
        allowed_ip_ranges: vec![
            "203.0.113.0/24".parse().unwrap(),
            "2001:db8::/32".parse().unwrap(),
        ],
        allowed_hours: Some(HoursWindow::new(22, 6).unwrap()),
    }
}

contract!(partner_authorization_round_trips, |store, _db| {
    let p = partner(&store, "Contoso").await;
    assert!(!store.partner_authorized(p.id).await.unwrap(), "default");
    assert!(
        !store
            .partner_authorized(TenantId::generate())
            .await
            .unwrap()
    );
    let count = audit_count(&store).await;
    store
        .set_partner_authorized(&ctx(5_000), p.id, true)
        .await
        .unwrap();
    assert!(store.partner_authorized(p.id).await.unwrap());
    store
        .set_partner_authorized(&ctx(6_000), p.id, false)
        .await
        .unwrap();
    assert!(!store.partner_authorized(p.id).await.unwrap());

    let log = audit_log(&store).await;
    let [authorize, deauthorize] = &log[usize::try_from(count).unwrap()..] else {
        panic!("{log:?}");
    };
    assert_eq!(authorize.operation, "partner.authorize");
    assert_eq!(deauthorize.operation, "partner.deauthorize");
    for rec in [authorize, deauthorize] {
        assert_eq!(rec.tenant_id, Some(p.id.to_string()));
        assert_eq!(rec.target_id, p.id.to_string());
    }
    assert_eq!(authorize.before, None);
    let after: serde_json::Value =
        serde_json::from_str(deauthorize.after.as_deref().unwrap()).unwrap();
    assert_eq!(after["authorized"], false);
    let before: serde_json::Value =
        serde_json::from_str(deauthorize.before.as_deref().unwrap()).unwrap();
    assert_eq!(before["authorized"], true);
    assert_eq!(store.verify_audit().await.unwrap(), Ok(count + 2));
});

contract!(only_an_existing_partner_is_authorized, |store, _db| {
    let c = customer(&store, "Fabrikam").await;
    let count = audit_count(&store).await;
    let err = store
        .set_partner_authorized(&ctx(5_000), TenantId::generate(), true)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound), "{err:?}");
    let err = store
        .set_partner_authorized(&ctx(5_000), c.id, true)
        .await
        .unwrap_err();
    match err {
        StoreError::Conflict(message) => {
            assert_eq!(
                message,
                format!("tenant `{}` is not a partner tenant", c.id)
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(!store.partner_authorized(c.id).await.unwrap());
    assert_eq!(audit_count(&store).await, count);
});

contract!(customer_restrictions_round_trip, |store, _db| {
    let c = customer(&store, "Fabrikam").await;
    assert_eq!(
        store.restrictions(c.id).await.unwrap(),
        CustomerRestrictions::default()
    );
    let count = audit_count(&store).await;
    store
        .set_restrictions(&ctx(5_000), c.id, &strict())
        .await
        .unwrap();
    assert_eq!(store.restrictions(c.id).await.unwrap(), strict());
    let hours_only = CustomerRestrictions {
        allowed_ip_ranges: Vec::new(),
        allowed_hours: Some(HoursWindow::new(0, 24).unwrap()),
    };
    store
        .set_restrictions(&ctx(6_000), c.id, &hours_only)
        .await
        .unwrap();
    assert_eq!(store.restrictions(c.id).await.unwrap(), hours_only);
    store
        .set_restrictions(&ctx(7_000), c.id, &CustomerRestrictions::default())
        .await
        .unwrap();
    assert_eq!(
        store.restrictions(c.id).await.unwrap(),
        CustomerRestrictions::default()
    );

    let log = audit_log(&store).await;
    let written = &log[usize::try_from(count).unwrap()..];
    assert_eq!(written.len(), 3);
    assert!(written.iter().all(
        |r| r.operation == "customer.restrictions.set" && r.tenant_id == Some(c.id.to_string())
    ));
    assert_eq!(written[0].before, None);
    let first: CustomerRestrictions =
        serde_json::from_str(written[0].after.as_deref().unwrap()).unwrap();
    assert_eq!(first, strict());
    let replaced: CustomerRestrictions =
        serde_json::from_str(written[1].before.as_deref().unwrap()).unwrap();
    assert_eq!(replaced, strict());
});

contract!(only_an_existing_customer_has_restrictions, |store, _db| {
    let p = partner(&store, "Contoso").await;
    let count = audit_count(&store).await;
    let err = store
        .set_restrictions(&ctx(5_000), TenantId::generate(), &strict())
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound), "{err:?}");
    let err = store
        .set_restrictions(&ctx(5_000), p.id, &strict())
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    assert_eq!(
        store.restrictions(p.id).await.unwrap(),
        CustomerRestrictions::default()
    );
    assert_eq!(audit_count(&store).await, count);
});

contract!(tenant_in_a_relationship_cannot_be_deleted, |store, _db| {
    let s = setup(&store).await;
    let count = audit_count(&store).await;
    let err = store
        .delete_tenant(&ctx(50_000), s.customer.id, None)
        .await
        .unwrap_err();
    match err {
        StoreError::Conflict(message) => assert_eq!(
            message,
            format!(
                "tenant `{}` is party to relationships and cannot be deleted",
                s.customer.id
            )
        ),
        other => panic!("{other:?}"),
    }
    let lonely = partner(&store, "Litware").await;
    let err = store
        .delete_tenant(&ctx(50_000), s.partner.id, None)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    assert_eq!(
        store.get_tenant(s.customer.id).await.unwrap(),
        Some(s.customer)
    );
    assert_eq!(audit_count(&store).await, count + 1);
    store
        .delete_tenant(&ctx(50_000), lonely.id, None)
        .await
        .unwrap();
});

contract!(tenant_settings_go_with_the_tenant, |store, _db| {
    let p = partner(&store, "Contoso").await;
    let c = customer(&store, "Fabrikam").await;
    store
        .set_partner_authorized(&ctx(5_000), p.id, true)
        .await
        .unwrap();
    store
        .set_restrictions(&ctx(5_000), c.id, &strict())
        .await
        .unwrap();
    store.delete_tenant(&ctx(6_000), p.id, None).await.unwrap();
    store.delete_tenant(&ctx(6_000), c.id, None).await.unwrap();
    assert!(!store.partner_authorized(p.id).await.unwrap());
    assert_eq!(
        store.restrictions(c.id).await.unwrap(),
        CustomerRestrictions::default()
    );
    let snapshot = store.access_snapshot().await.unwrap();
    assert!(snapshot.authorized_partners.is_empty());
    assert!(snapshot.restrictions.is_empty());
    let n = audit_count(&store).await;
    assert_eq!(store.verify_audit().await.unwrap(), Ok(n));
});
