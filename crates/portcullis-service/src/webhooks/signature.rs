//! `Portcullis-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`.
//!
//! The timestamp is signed with the body, so a receiver that refuses old
//! timestamps refuses replays of captured requests; a receiver also drops
//! a `Portcullis-Webhook-Id` it has already processed, since delivery is at
//! least once.

use std::time::Duration;

use hmac::{Hmac, Mac};
use portcullis_domain::Timestamp;
use sha2::Sha256;
use thiserror::Error;

type HmacSha256 = Hmac<Sha256>;

/// The header carrying the signature.
pub const SIGNATURE_HEADER: &str = "Portcullis-Signature";
/// The header carrying the delivery id, the receiver's dedupe key.
pub const WEBHOOK_ID_HEADER: &str = "Portcullis-Webhook-Id";
/// How old a signature [`verify_signature`] accepts by default: 5 minutes.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(300);

/// Why a signature was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SignatureError {
    #[error("the signature header is malformed: {0}")]
    Malformed(&'static str),
    #[error("the signature timestamp is outside the tolerance")]
    Expired,
    #[error("no signature matches the body")]
    Mismatch,
    /// Not expected: HMAC accepts keys of any length.
    #[error("the secret cannot key HMAC-SHA256")]
    BadKey,
}

fn mac(secret: &str, t: i64, body: &[u8]) -> Result<HmacSha256, SignatureError> {
    let mut mac =
        HmacSha256::new_from_slice(secret.as_bytes()).map_err(|_| SignatureError::BadKey)?;
    mac.update(t.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    Ok(mac)
}

/// The `Portcullis-Signature` value for `body` sent at `now`.
pub fn sign(secret: &str, body: &[u8], now: Timestamp) -> Result<String, SignatureError> {
    let t = now.unix_millis().div_euclid(1_000);
    let tag = mac(secret, t, body)?.finalize().into_bytes();
    Ok(format!("t={t},v1={}", hex::encode(tag)))
}

/// Checks a `Portcullis-Signature` header against `body`: the timestamp must
/// be within `tolerance` of `now` (either side) and one `v1` must be the
/// HMAC-SHA256 of `"<t>.<body>"` under `secret` (compared in constant time).
pub fn verify_signature(
    secret: &str,
    header: &str,
    body: &[u8],
    now: Timestamp,
    tolerance: Duration,
) -> Result<(), SignatureError> {
    let mut t = None;
    let mut candidates = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", value)) => {
                let parsed = value
                    .parse::<i64>()
                    .map_err(|_| SignatureError::Malformed("`t` is not unix seconds"))?;
                if t.replace(parsed).is_some() {
                    return Err(SignatureError::Malformed("`t` appears twice"));
                }
            }
            Some(("v1", value)) => candidates.push(
                hex::decode(value).map_err(|_| SignatureError::Malformed("`v1` is not hex"))?,
            ),
            // Other schemes may be added later; they are ignored.
            Some(_) => {}
            None => return Err(SignatureError::Malformed("a part is not `key=value`")),
        }
    }
    let t = t.ok_or(SignatureError::Malformed("`t` is missing"))?;
    if candidates.is_empty() {
        return Err(SignatureError::Malformed("`v1` is missing"));
    }
    let age_ms = now.unix_millis().abs_diff(t.saturating_mul(1_000));
    if u128::from(age_ms) > tolerance.as_millis() {
        return Err(SignatureError::Expired);
    }
    let expected = mac(secret, t, body)?;
    if candidates
        .iter()
        .any(|c| expected.clone().verify_slice(c).is_ok())
    {
        Ok(())
    } else {
        Err(SignatureError::Mismatch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "whsec_test";

    fn at(secs: i64) -> Timestamp {
        Timestamp::from_unix_millis(secs * 1_000)
    }

    #[test]
    fn a_fresh_signature_of_the_same_body_verifies() {
        let header = sign(SECRET, b"{\"a\":1}", at(1_700_000_000)).unwrap();
        assert!(header.starts_with("t=1700000000,v1="));
        let ok = verify_signature(
            SECRET,
            &header,
            b"{\"a\":1}",
            at(1_700_000_060),
            DEFAULT_TOLERANCE,
        );
        assert_eq!(ok, Ok(()));
    }

    #[test]
    fn a_tampered_body_or_other_secret_is_refused() {
        let header = sign(SECRET, b"{\"a\":1}", at(1_000)).unwrap();
        let now = at(1_000);
        assert_eq!(
            verify_signature(SECRET, &header, b"{\"a\":2}", now, DEFAULT_TOLERANCE),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify_signature("whsec_other", &header, b"{\"a\":1}", now, DEFAULT_TOLERANCE),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn a_timestamp_beyond_the_tolerance_is_refused_either_side() {
        let header = sign(SECRET, b"x", at(10_000)).unwrap();
        let tol = DEFAULT_TOLERANCE;
        assert_eq!(
            verify_signature(SECRET, &header, b"x", at(10_300), tol),
            Ok(())
        );
        assert_eq!(
            verify_signature(SECRET, &header, b"x", at(10_301), tol),
            Err(SignatureError::Expired)
        );
        assert_eq!(
            verify_signature(SECRET, &header, b"x", at(9_699), tol),
            Err(SignatureError::Expired)
        );
    }

    #[test]
    fn a_replayed_timestamp_with_a_new_body_cannot_be_forged() {
        // Changing `t` to look fresh breaks the signature.
        let header = sign(SECRET, b"x", at(1_000)).unwrap();
        let moved = header.replace("t=1000", "t=5000");
        assert_eq!(
            verify_signature(SECRET, &moved, b"x", at(5_000), DEFAULT_TOLERANCE),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn malformed_headers_are_refused() {
        let now = at(1_000);
        for bad in [
            "",
            "t=1000",
            "v1=00",
            "t=abc,v1=00",
            "t=1000,v1=zz",
            "t=1,t=1,v1=00",
            "garbage",
        ] {
            assert!(
                matches!(
                    verify_signature(SECRET, bad, b"x", now, DEFAULT_TOLERANCE),
                    Err(SignatureError::Malformed(_))
                ),
                "accepted `{bad}`"
            );
        }
    }

    #[test]
    fn any_matching_v1_among_several_verifies() {
        let good = sign(SECRET, b"x", at(1_000)).unwrap();
        let (_, tag) = good.split_once(",v1=").unwrap();
        let header = format!("t=1000,v1={},v1={tag}", "00".repeat(32));
        assert_eq!(
            verify_signature(SECRET, &header, b"x", at(1_000), DEFAULT_TOLERANCE),
            Ok(())
        );
    }
}
