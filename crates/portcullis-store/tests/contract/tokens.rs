use portcullis_domain::{ApiToken, PrincipalKind, TokenId};
use portcullis_store::{StoreError, TokenStore};
use sqlx::Row;

use crate::contract;
use crate::support::{all_pages, audit_count, audit_log, ctx, ms, new_token, partner, token};

/// A secret hash distinctive enough to search the whole database for.
const HASH: &str = "5ec7e7a5ec7e7a5ec7e7a5ec7e7a5ec7e7a5ec7e7a5ec7e7a5ec7e7a5ec7e7a5";

contract!(token_is_found_by_its_secret_hash, |store, _db| {
    let t = partner(&store, "Contoso").await;
    let bound = token(&store, Some(t.id), HASH).await;
    let global = token(&store, None, "other-hash").await;
    let (found, hash) = store.find_token(HASH).await.unwrap().unwrap();
    assert_eq!(found, bound);
    assert_eq!(hash, HASH);
    let (found, hash) = store.find_token("other-hash").await.unwrap().unwrap();
    assert_eq!(found, global);
    assert_eq!(found.tenant_id, None);
    assert_eq!(hash, "other-hash");
    assert_eq!(store.find_token("no-such-hash").await.unwrap(), None);
    assert_eq!(store.get_token(bound.id).await.unwrap(), Some(bound));
    assert_eq!(store.get_token(TokenId::generate()).await.unwrap(), None);
});

contract!(
    token_without_expiry_or_description_round_trips,
    |store, _db| {
        let mut plain = new_token(PrincipalKind::Operator, None);
        plain.description = None;
        plain.expires_at = None;
        store.create_token(&ctx(4_000), &plain, HASH).await.unwrap();
        assert_eq!(store.get_token(plain.id).await.unwrap(), Some(plain));
    }
);

contract!(duplicate_secret_hash_or_id_is_a_conflict, |store, _db| {
    let first = token(&store, None, HASH).await;
    let before = audit_count(&store).await;
    let same_hash = new_token(PrincipalKind::Service, None);
    let err = store
        .create_token(&ctx(5_000), &same_hash, HASH)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    let err = store
        .create_token(&ctx(5_000), &first, "fresh-hash")
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    assert_eq!(audit_count(&store).await, before);
    assert_eq!(store.get_token(same_hash.id).await.unwrap(), None);
    assert_eq!(store.find_token("fresh-hash").await.unwrap(), None);
});

contract!(token_pages_cover_every_token_once, |store, _db| {
    let mut ids = Vec::new();
    for n in 0..5 {
        ids.push(token(&store, None, &format!("hash-{n}")).await.id);
    }
    ids.sort();
    let (tokens, pages) = all_pages(2, async |page| store.list_tokens(&page).await.unwrap()).await;
    assert_eq!(pages, 3);
    assert_eq!(tokens.iter().map(|t| t.id).collect::<Vec<_>>(), ids);
});

contract!(revoking_is_recorded_once_and_idempotent, |store, _db| {
    let t = partner(&store, "Contoso").await;
    let tok = token(&store, Some(t.id), HASH).await;
    let bystander = token(&store, None, "other-hash").await;
    let revoked = store.revoke_token(&ctx(7_000), tok.id).await.unwrap();
    assert_eq!(revoked.revoked_at, Some(ms(7_000)));
    let expected = ApiToken {
        revoked_at: Some(ms(7_000)),
        ..tok.clone()
    };
    assert_eq!(revoked, expected);
    assert_eq!(
        store.get_token(tok.id).await.unwrap(),
        Some(revoked.clone())
    );
    let (found, _) = store.find_token(HASH).await.unwrap().unwrap();
    assert_eq!(found.revoked_at, Some(ms(7_000)));
    let count = audit_count(&store).await;

    let again = store.revoke_token(&ctx(8_000), tok.id).await.unwrap();
    assert_eq!(again, revoked, "the first revocation time stands");
    assert_eq!(audit_count(&store).await, count);
    let revokes = audit_log(&store)
        .await
        .into_iter()
        .filter(|r| r.operation == "token.revoke")
        .collect::<Vec<_>>();
    assert_eq!(revokes.len(), 1);
    assert_eq!(revokes[0].target_id, tok.id.to_string());
    assert_eq!(revokes[0].tenant_id, Some(t.id.to_string()));
    assert_eq!(
        store.get_token(bystander.id).await.unwrap(),
        Some(bystander)
    );
});

contract!(revoking_an_unknown_token_is_not_found, |store, _db| {
    token(&store, None, HASH).await;
    let before = audit_count(&store).await;
    let err = store
        .revoke_token(&ctx(7_000), TokenId::generate())
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound), "{err:?}");
    assert_eq!(audit_count(&store).await, before);
});

contract!(audit_log_never_holds_the_secret_hash, |store, _db| {
    let t = partner(&store, "Contoso").await;
    let tok = token(&store, Some(t.id), HASH).await;
    store.revoke_token(&ctx(7_000), tok.id).await.unwrap();
    let log = audit_log(&store).await;
    let create = log.iter().find(|r| r.operation == "token.create").unwrap();
    assert_eq!(create.target_id, tok.id.to_string());
    assert!(
        create
            .after
            .as_deref()
            .unwrap()
            .contains(&tok.id.to_string())
    );
    // Every text column of every row, read raw.
    let rows = sqlx::query(
        "SELECT actor, actor_kind, tenant_id, operation, target_id, before_state, \
         after_state, source_ip, request_id FROM audit_log",
    )
    .fetch_all(store.pool())
    .await
    .unwrap();
    assert_eq!(rows.len(), log.len());
    for row in &rows {
        for column in 0..9 {
            let text = row.try_get::<Option<String>, _>(column).unwrap();
            assert!(
                !text.unwrap_or_default().contains(HASH),
                "audit column {column} holds the secret hash"
            );
        }
    }
});
