use portcullis_domain::{ConsoleSession, RecordId, SESSION_ABSOLUTE_SECONDS, SESSION_IDLE_SECONDS};
use portcullis_store::{SessionStore, SignInLinkStore, StoreError};

use crate::contract;
use crate::support::{audit_log, ctx, ms, token};

const HASH: &str = "5e5510a5e5510a5e5510a5e5510a5e5510a5e5510a5e5510a5e5510a5e5510a5";

fn session_of(token: &portcullis_domain::ApiToken, at: i64) -> ConsoleSession {
    ConsoleSession {
        id: RecordId::generate(),
        token_id: token.id,
        kind: token.kind,
        tenant_id: token.tenant_id,
        created_at: ms(at),
        last_seen_at: ms(at),
        expires_at: ms(at).saturating_add_seconds(SESSION_ABSOLUTE_SECONDS),
        revoked_at: None,
    }
}

contract!(
    session_is_found_by_its_secret_hash_and_audited_without_it,
    |store, _db| {
        let t = token(&store, None, "token-hash").await;
        let session = session_of(&t, 1_000);
        store
            .create_session(&ctx(1_000), &session, HASH)
            .await
            .unwrap();
        let (found, hash) = store.find_session(HASH).await.unwrap().unwrap();
        assert_eq!(found, session);
        assert_eq!(hash, HASH);
        assert_eq!(store.find_session("no-such-hash").await.unwrap(), None);
        let log = audit_log(&store).await;
        let last = log.last().unwrap();
        assert_eq!(last.operation, "session.create");
        assert_eq!(last.target_id, session.id.to_string());
        assert!(!serde_json::to_string(&log).unwrap().contains(HASH));
    }
);

contract!(touch_moves_last_seen_forward_only, |store, _db| {
    let t = token(&store, None, "token-hash").await;
    let session = session_of(&t, 1_000);
    store
        .create_session(&ctx(1_000), &session, HASH)
        .await
        .unwrap();
    store.touch_session(session.id, ms(5_000)).await.unwrap();
    store.touch_session(session.id, ms(3_000)).await.unwrap();
    let (found, _) = store.find_session(HASH).await.unwrap().unwrap();
    assert_eq!(found.last_seen_at, ms(5_000));
});

contract!(revoking_a_session_is_audited_once, |store, _db| {
    let t = token(&store, None, "token-hash").await;
    let session = session_of(&t, 1_000);
    store
        .create_session(&ctx(1_000), &session, HASH)
        .await
        .unwrap();
    let revoked = store.revoke_session(&ctx(2_000), session.id).await.unwrap();
    assert_eq!(revoked.revoked_at, Some(ms(2_000)));
    let again = store.revoke_session(&ctx(3_000), session.id).await.unwrap();
    assert_eq!(again.revoked_at, Some(ms(2_000)), "idempotent");
    let revokes = audit_log(&store)
        .await
        .into_iter()
        .filter(|r| r.operation == "session.revoke")
        .count();
    assert_eq!(revokes, 1);
    let err = store
        .revoke_session(&ctx(3_000), RecordId::generate())
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound), "{err:?}");
});

contract!(ended_sessions_are_deleted, |store, _db| {
    let t = token(&store, None, "token-hash").await;
    let old = session_of(&t, 1_000);
    let new = session_of(&t, 1_000 + SESSION_ABSOLUTE_SECONDS * 1000);
    store.create_session(&ctx(1_000), &old, HASH).await.unwrap();
    store
        .create_session(&ctx(2_000), &new, "other-hash")
        .await
        .unwrap();
    let deleted = store
        .delete_ended_sessions(old.expires_at.saturating_add_seconds(1))
        .await
        .unwrap();
    assert_eq!(deleted, 1);
    assert_eq!(store.find_session(HASH).await.unwrap(), None);
    assert!(store.find_session("other-hash").await.unwrap().is_some());
});

contract!(revoked_and_idle_sessions_are_deleted_too, |store, _db| {
    let t = token(&store, None, "token-hash").await;
    let revoked = session_of(&t, 1_000_000);
    let idle = session_of(&t, 1_000_000);
    let busy = session_of(&t, 1_000_000);
    for (session, hash) in [(&revoked, "revoked"), (&idle, "idle"), (&busy, "busy")] {
        store
            .create_session(&ctx(1_000_000), session, hash)
            .await
            .unwrap();
    }
    store
        .revoke_session(&ctx(1_000_000), revoked.id)
        .await
        .unwrap();
    let later = 1_000_000 + SESSION_IDLE_SECONDS * 1000 + 5_000;
    store
        .touch_session(busy.id, ms(later - 1_000))
        .await
        .unwrap();
    let deleted = store.delete_ended_sessions(ms(later)).await.unwrap();
    assert_eq!(deleted, 2, "the revoked and the idle one");
    assert_eq!(store.find_session("revoked").await.unwrap(), None);
    assert_eq!(store.find_session("idle").await.unwrap(), None);
    assert!(store.find_session("busy").await.unwrap().is_some());
    assert_eq!(store.delete_ended_sessions(ms(2_000)).await.unwrap(), 0);
});

contract!(
    a_sign_in_link_is_redeemed_once_before_it_expires,
    |store, _db| {
        let id = RecordId::generate();
        store
            .create_sign_in_link(&ctx(1_000), id, HASH, ms(10_000))
            .await
            .unwrap();
        assert!(
            !store
                .redeem_sign_in_link(&ctx(2_000), "other")
                .await
                .unwrap()
        );
        assert!(store.redeem_sign_in_link(&ctx(2_000), HASH).await.unwrap());
        assert!(
            !store.redeem_sign_in_link(&ctx(3_000), HASH).await.unwrap(),
            "once"
        );
        let late = RecordId::generate();
        store
            .create_sign_in_link(&ctx(1_000), late, "late-hash", ms(10_000))
            .await
            .unwrap();
        assert!(
            !store
                .redeem_sign_in_link(&ctx(10_000), "late-hash")
                .await
                .unwrap(),
            "expired"
        );
        let ops: Vec<String> = audit_log(&store)
            .await
            .into_iter()
            .map(|r| r.operation)
            .collect();
        assert_eq!(
            ops,
            [
                "sign_in_link.create",
                "sign_in_link.redeem",
                "sign_in_link.create"
            ]
        );
        assert!(
            !serde_json::to_string(&audit_log(&store).await)
                .unwrap()
                .contains(HASH)
        );
    }
);
