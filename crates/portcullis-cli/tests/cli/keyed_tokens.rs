//! Token hashes keyed with a secret outside the database, and revocation
//! from the command line reaching a running server.

use std::time::{Duration, Instant};

use crate::checkpoints::Layout;
use crate::support::migrate;

async fn status(base: &str, bearer: &str) -> u16 {
    reqwest::Client::new()
        .get(format!("{base}/v1/tenants"))
        .bearer_auth(bearer)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

/// A row written into `api_tokens` by hand, as a token was stored before
/// keyed hashes (the plain SHA-256 of a chosen secret), is no token: with
/// the default scheme, and with the keyed scheme's name forged as well.
async fn a_hand_inserted_token_row_is_refused(layout: &Layout) {
    migrate(
        layout.path(),
        &layout.args().iter().map(String::as_str).collect::<Vec<_>>(),
    );
    let (_, real) = layout.token();
    let served = layout.serve(&[]).await;
    let store = layout.store().await;
    let forged = format!("pcs_{}", "A".repeat(43));
    let forged_too = format!("pcs_{}", "B".repeat(43));
    for (secret, scheme) in [(&forged, None), (&forged_too, Some("hmac-sha256"))] {
        sqlx::query(
            "INSERT INTO api_tokens (id, secret_hash, kind, created_at, hash_scheme) \
             VALUES ($1, $2, 'operator', 0, COALESCE($3, 'sha256'))",
        )
        .bind(uuid::Uuid::new_v4().to_string())
        .bind(portcullis_service::hash_secret(secret))
        .bind(scheme)
        .execute(store.pool())
        .await
        .unwrap();
    }
    store.close().await;
    assert_eq!(
        status(&served.base, &real).await,
        200,
        "the minted token works"
    );
    assert_eq!(status(&served.base, &forged).await, 401);
    assert_eq!(status(&served.base, &forged_too).await, 401);
    let (clean, log) = served.terminate();
    assert!(clean, "{log}");
    assert!(log.contains("its stored hash is unkeyed"), "{log}");
    assert!(!log.contains(&forged), "the log never shows a secret");
}

/// `portcullis token revoke` writes the database directly; the running
/// server refuses the token within a second of the command's return.
async fn cli_revocation_reaches_the_server_within_a_second(layout: &Layout) {
    migrate(
        layout.path(),
        &layout.args().iter().map(String::as_str).collect::<Vec<_>>(),
    );
    let (id, secret) = layout.token();
    let served = layout.serve(&[]).await;
    // Authenticated once, so the server has the token cached.
    assert_eq!(status(&served.base, &secret).await, 200);
    assert_eq!(status(&served.base, &secret).await, 200);
    layout.ok(&["token", "revoke", &id]);
    let revoked_at = Instant::now();
    let deadline = revoked_at + Duration::from_secs(1);
    let mut last = 200;
    while Instant::now() < deadline {
        last = status(&served.base, &secret).await;
        if last == 401 {
            break;
        }
    }
    assert_eq!(
        last,
        401,
        "still accepted {:?} after the revocation",
        revoked_at.elapsed()
    );
    let (clean, log) = served.terminate();
    assert!(clean, "{log}");
}

#[tokio::test]
async fn a_hand_inserted_token_row_is_refused_on_sqlite() {
    a_hand_inserted_token_row_is_refused(&Layout::sqlite()).await;
}

#[tokio::test]
async fn a_hand_inserted_token_row_is_refused_on_postgres() {
    if let Some(layout) = Layout::postgres().await {
        a_hand_inserted_token_row_is_refused(&layout).await;
    }
}

#[tokio::test]
async fn cli_revocation_reaches_the_server_within_a_second_on_sqlite() {
    cli_revocation_reaches_the_server_within_a_second(&Layout::sqlite()).await;
}

#[tokio::test]
async fn cli_revocation_reaches_the_server_within_a_second_on_postgres() {
    if let Some(layout) = Layout::postgres().await {
        cli_revocation_reaches_the_server_within_a_second(&layout).await;
    }
}
