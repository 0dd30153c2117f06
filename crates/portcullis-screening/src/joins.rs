//! Given names written joined or split. Lists and applicants write a
//! Korean or Chinese given name as one token (`Jongun`, `Taiman`,
//! `Kaishek`), hyphenated or spaced (`Jong-un`, `Tai Man`), or in Hangul
//! and Han characters, which are one token a syllable (`정 은`, `大 文`).
//! The score already aligns two tokens with one written as one; this
//! module makes sure such names are among the candidates, whichever side
//! joins:
//!
//! - two adjacent short query tokens (Latin syllables, or Han characters,
//!   or Hangul syllables) are looked up as one token, and what it finds
//!   counts for both (`jong un` → listed `jongun`; `정 은` → listed
//!   `jongun`, by its Korean reading);
//! - a joined Latin query token is cut, at each place where both pieces
//!   are one syllable, and the pieces are looked up by their readings
//!   (`jongun` → listed `jong` and `un`, or `정` and `은`); a listed token
//!   like the first piece earns half the token's weight and one like the
//!   second the other half, so a name with both outranks one with either
//!   (`Kim Jun-ho` for `Kim Jongun`); the score then aligns the glued
//!   pair.

use std::sync::Arc;

use crate::candidates::{QueryToken, similar_tokens};
use crate::index::TokenIndex;
use crate::readings::{is_cantonese_or_korean, is_han, is_hangul, is_name_syllable, keys};
use crate::similarity::phonetic_key;

/// Longest joined given name cut into pieces (`hyeonjeong`).
const MAX_JOINED: usize = 12;

/// Whether `token` is one Han character or Hangul syllable.
fn is_syllable_character(token: &str) -> bool {
    let mut chars = token.chars();
    chars
        .next()
        .is_some_and(|c| (is_han(c) || is_hangul(c)) && chars.next().is_none())
}

/// Whether adjacent query tokens `a` and `b` may be one given name split.
fn may_join(a: &str, b: &str) -> bool {
    (is_name_syllable(a) && is_name_syllable(b))
        || (is_syllable_character(a) && is_syllable_character(b))
}

/// Adds to `tokens` what two adjacent ones written as one find (see the
/// module doc; the halves of a joined token come with its look-up).
pub(crate) fn extend(index: &TokenIndex, tokens: &mut [Arc<QueryToken>]) {
    let mut found = Vec::new();
    for i in 1..tokens.len() {
        let (Some(a), Some(b)) = (tokens.get(i - 1), tokens.get(i)) else {
            continue;
        };
        if !may_join(&a.text, &b.text) {
            continue;
        }
        let text = format!("{}{}", a.text, b.text);
        found.clear();
        if let Some(id) = index.id(&text) {
            found.push((id, 1.0));
        }
        let readings = keys(&text);
        similar_tokens(index, &text, phonetic_key(&text), &readings, &mut found);
        for at in [i - 1, i] {
            if let Some(t) = tokens.get_mut(at) {
                Arc::make_mut(t).absorb(index, &found);
            }
        }
    }
}

/// Listed tokens that read like the first and like the second syllable
/// of `joined`, at every cut where both pieces are syllables (worked out
/// with the rest of a query token's look-up).
pub(crate) fn halves(index: &TokenIndex, joined: &str) -> [Vec<(u32, f32)>; 2] {
    let mut out = [Vec::new(), Vec::new()];
    let n = joined.len();
    if !(3..=MAX_JOINED).contains(&n) || !joined.bytes().all(|b| b.is_ascii_lowercase()) {
        return out;
    }
    let mut near = Vec::new();
    for cut in 1..n {
        let (Some(head), Some(tail)) = (joined.get(..cut), joined.get(cut..)) else {
            continue;
        };
        if !is_name_syllable(head) || !is_name_syllable(tail) {
            continue;
        }
        for (piece, half) in [head, tail].into_iter().zip(out.iter_mut()) {
            near.clear();
            if let Some(id) = index.id(piece) {
                near.push(id);
            }
            let mut readings = keys(piece);
            readings.retain(is_cantonese_or_korean);
            index.neighbours("", 0, &readings, &mut near);
            half.extend(near.iter().map(|&id| (id, 1.0)));
        }
    }
    for half in &mut out {
        half.sort_unstable_by_key(|&(id, _)| id);
        half.dedup_by_key(|&mut (id, _)| id);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn given_name_syllables_are_recognised() {
        for s in [
            "jong", "un", "hye", "kwok", "yeung", "ng", "tai", "man", "shek", "geun",
        ] {
            assert!(is_name_syllable(s), "{s}");
        }
        for s in ["jongun", "taiman", "smith", "", "alexander", "rov"] {
            assert!(!is_name_syllable(s), "{s}");
        }
        assert!(may_join("정", "은"));
        assert!(may_join("大", "文"));
        assert!(may_join("jong", "un"));
        assert!(!may_join("大", "man"));
        assert!(!may_join("정은", "kim"));
    }
}
