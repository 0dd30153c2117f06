//! Rules of STIX 2.1 patterning that the grammar cannot express and the
//! reference validator enforces: a hash compared by equality must have the
//! form its algorithm gives it. (The other rule, one qualifier of a kind per
//! observation, is checked while the tree is built.)

use super::ast::{Comparison, Literal, Operator, PathStep};

/// Checks the value of `hashes.ALGORITHM = '...'` (also `!=` and `IN`) for
/// the algorithms of the STIX hash vocabulary. Unknown algorithms pass.
pub(crate) fn check_hash(comparison: &Comparison) -> Result<(), String> {
    let steps = &comparison.path.steps;
    let in_hashes = steps
        .iter()
        .any(|step| matches!(step, PathStep::Key(key) if key == "hashes"));
    let Some(PathStep::Key(algorithm)) = steps.last() else {
        return Ok(());
    };
    if !in_hashes || algorithm == "hashes" {
        return Ok(());
    }
    let values: Vec<&str> = match (&comparison.operator, &comparison.value) {
        (Operator::Equal | Operator::NotEqual, Literal::String(value)) => vec![value.as_str()],
        (Operator::In, Literal::Set(items)) => items
            .iter()
            .filter_map(|item| match item {
                Literal::String(value) => Some(value.as_str()),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    let normalized: String = algorithm
        .chars()
        .filter(|c| *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    for value in values {
        if !valid_hash(&normalized, value) {
            return Err(format!("`{value}` is not a valid {algorithm} hash"));
        }
    }
    Ok(())
}

/// Whether `value` has the form of a hash of `algorithm` (upper case,
/// hyphens removed); `true` for algorithms outside the vocabulary.
fn valid_hash(algorithm: &str, value: &str) -> bool {
    let hex = |lengths: &[usize]| {
        lengths.contains(&value.len()) && value.chars().all(|c| c.is_ascii_hexdigit())
    };
    match algorithm {
        "MD5" => hex(&[32]),
        "MD6" => hex(&[32, 40, 56, 64, 96, 128]),
        "RIPEMD160" | "SHA1" => hex(&[40]),
        "SHA224" | "SHA3224" => hex(&[56]),
        "SHA256" | "SHA3256" => hex(&[64]),
        "SHA384" | "SHA3384" => hex(&[96]),
        "SHA512" | "SHA3512" | "WHIRLPOOL" => hex(&[128]),
        "SSDEEP" => {
            (1..=128).contains(&value.len())
                && value
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '+' | ':' | '.'))
        }
        _ => true,
    }
}
