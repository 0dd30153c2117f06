//! Readings of Han characters: Mandarin from the Unihan-derived
//! `pinyin-data` (the `pinyin` crate, every reading of a heteronym),
//! Cantonese from rime-cantonese (the `rust-canto` crate, its most common
//! reading). Hangul is recognised here too.

use std::collections::HashMap;
use std::sync::{LazyLock, RwLock};

use pinyin::ToPinyinMulti;
use serde::Deserialize;

/// Most Mandarin readings kept for one token (heteronyms multiply).
const MAX_READINGS: usize = 8;

/// Whether `c` is a Han character (CJK unified ideographs and their
/// extensions, compatibility ideographs).
pub(crate) fn is_han(c: char) -> bool {
    matches!(c,
        '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{2FFFF}')
}

/// Whether `c` is a precomposed Hangul syllable.
pub(crate) fn is_hangul(c: char) -> bool {
    ('\u{AC00}'..='\u{D7A3}').contains(&c)
}

/// Toneless Pinyin of one character, `ü` written `v`.
pub(crate) fn char_mandarin(c: char) -> Vec<String> {
    let mut out: Vec<String> = c
        .to_pinyin_multi()
        .map(|m| m.into_iter().map(|p| plain(p.plain())).collect())
        .unwrap_or_default();
    out.dedup();
    out
}

/// `ü` → `v`, `ê` → `e`.
pub(crate) fn plain(p: &str) -> String {
    p.chars()
        .map(|c| match c {
            'ü' => 'v',
            'ê' => 'e',
            other => other,
        })
        .collect()
}

/// Every Mandarin reading of a run of Han characters (syllables joined),
/// at most [`MAX_READINGS`].
pub(crate) fn mandarin_readings(text: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    for c in text.chars() {
        let readings = char_mandarin(c);
        if readings.is_empty() {
            return Vec::new();
        }
        let mut next = Vec::new();
        for prefix in &out {
            for r in &readings {
                if next.len() < MAX_READINGS {
                    next.push(format!("{prefix}{r}"));
                }
            }
        }
        out = next;
    }
    out
}

#[derive(Deserialize)]
struct Annotated {
    jyutping: Option<String>,
}

static CANTONESE: LazyLock<RwLock<HashMap<char, Option<String>>>> =
    LazyLock::new(|| RwLock::new(HashMap::new()));

/// Toneless Jyutping of one character, if rime-cantonese has it.
fn char_cantonese(c: char) -> Option<String> {
    if let Ok(cache) = CANTONESE.read()
        && let Some(found) = cache.get(&c)
    {
        return found.clone();
    }
    let mut buf = [0u8; 4];
    let raw = rust_canto::annotate(c.encode_utf8(&mut buf).as_bytes());
    let reading = serde_json::from_slice::<Vec<Annotated>>(&raw)
        .ok()
        .and_then(|v| v.into_iter().next())
        .and_then(|a| a.jyutping)
        .map(|j| {
            j.chars()
                .filter(char::is_ascii_lowercase)
                .collect::<String>()
        })
        .filter(|j| !j.is_empty());
    if let Ok(mut cache) = CANTONESE.write() {
        cache.insert(c, reading.clone());
    }
    reading
}

/// Toneless Jyutping of a run of Han characters, syllables joined; `None`
/// when a character has no Cantonese reading.
pub(crate) fn cantonese_reading(text: &str) -> Option<String> {
    let mut out = String::new();
    for c in text.chars() {
        out.push_str(&char_cantonese(c)?);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_mandarin_heteronyms_and_cantonese() {
        assert!(char_mandarin('曾').contains(&"zeng".to_owned()));
        assert_eq!(char_mandarin('吕'), vec!["lv"]);
        assert_eq!(cantonese_reading("王").as_deref(), Some("wong"));
        assert_eq!(
            mandarin_readings("小平").first().map(String::as_str),
            Some("xiaoping")
        );
    }
}
