//! Mandarin readings of Latin tokens. A token is cut into syllables of one
//! system — Hanyu Pinyin, Wade-Giles or Yale — and each syllable brought
//! to toneless Pinyin.
//!
//! The Pinyin syllables are those the Unihan readings use (collected from
//! the `pinyin` crate). The Wade-Giles and Yale spellings of each are
//! derived by the published correspondence of initials and finals (Wade-
//! Giles as in Giles' *Chinese-English Dictionary*, 1912, without
//! apostrophes and umlauts, as lists print it; Yale as in the Yale
//! *Dictionary of Spoken Chinese*, 1966, without tones), so that one table
//! of syllables — Unicode's — is the only source.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use foldhash::fast::FixedState;

use super::System;
use super::han::char_mandarin;

/// Most syllables in one token.
const MAX_SYLLABLES: usize = 4;
/// Most readings of one token.
const MAX_READINGS: usize = 8;

/// Readings in Pinyin, each with the system it was read in.
pub(crate) type Readings = Vec<(System, String)>;

/// Latin syllables of one system to the Pinyin syllables they spell.
type Table = HashMap<String, Vec<String>, FixedState>;

struct Tables {
    pinyin: Table,
    wade_giles: Table,
    yale: Table,
}

static TABLES: LazyLock<Tables> = LazyLock::new(build);

fn build() -> Tables {
    let mut syllables: HashSet<String> = HashSet::new();
    for c in '\u{4E00}'..='\u{9FFF}' {
        syllables.extend(char_mandarin(c));
    }
    syllables.retain(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_lowercase()));
    let mut pinyin = Table::default();
    let mut wade_giles = Table::default();
    let mut yale = Table::default();
    for p in &syllables {
        pinyin.entry(p.clone()).or_default().push(p.clone());
        // Passports and lists write ü as u, yu or v.
        if p.contains('v') {
            for written in [p.replace('v', "u"), p.replace('v', "yu")] {
                pinyin.entry(written).or_default().push(p.clone());
            }
        }
        wade_giles
            .entry(to_wade_giles(p))
            .or_default()
            .push(p.clone());
        yale.entry(to_yale(p)).or_default().push(p.clone());
    }
    for table in [&mut pinyin, &mut wade_giles, &mut yale] {
        for v in table.values_mut() {
            v.sort_unstable();
            v.dedup();
        }
    }
    Tables {
        pinyin,
        wade_giles,
        yale,
    }
}

/// Initial and final of a Pinyin syllable.
fn split(p: &str) -> (&str, &str) {
    for ini in ["zh", "ch", "sh"] {
        if let Some(rest) = p.strip_prefix(ini) {
            return (ini, rest);
        }
    }
    match p.as_bytes().first() {
        Some(b) if !matches!(b, b'a' | b'e' | b'i' | b'o' | b'u' | b'v') => {
            p.split_at_checked(1).unwrap_or((p, ""))
        }
        _ => ("", p),
    }
}

/// Wade-Giles without apostrophes or umlauts; `tz` written `ts`.
fn to_wade_giles(p: &str) -> String {
    let whole = match p {
        "zhi" | "chi" => Some("chih"),
        "shi" => Some("shih"),
        "ri" => Some("jih"),
        "zi" | "ci" => Some("tsu"),
        "si" => Some("ssu"),
        "er" => Some("erh"),
        "you" => Some("yu"),
        "yan" => Some("yen"),
        "ye" => Some("yeh"),
        "yi" => Some("i"),
        "yue" => Some("yueh"),
        "yong" => Some("yung"),
        "e" => Some("o"),
        _ => None,
    };
    if let Some(w) = whole {
        return w.to_owned();
    }
    let (ini, fin) = split(p);
    let palatal = matches!(ini, "j" | "q" | "x");
    let w_ini = match ini {
        "b" => "p",
        "d" => "t",
        "g" => "k",
        "j" | "q" | "zh" => "ch",
        "x" => "hs",
        "r" => "j",
        "z" | "c" => "ts",
        other => other,
    };
    let w_fin = match fin {
        "ong" => "ung",
        "iong" => "iung",
        "ian" => "ien",
        "ie" => "ieh",
        "ue" | "ve" => "ueh",
        "v" => "u",
        "van" => "uan",
        "vn" => "un",
        "uo" if matches!(ini, "g" | "k" | "h" | "sh") => "uo",
        "uo" => "o",
        "ui" if matches!(ini, "g" | "k") => "uei",
        "e" if matches!(ini, "g" | "k" | "h") => "o",
        "u" | "uan" | "un" if palatal => fin,
        other => other,
    };
    format!("{w_ini}{w_fin}")
}

/// Yale romanisation of Mandarin, without tones.
fn to_yale(p: &str) -> String {
    let whole = match p {
        "zhi" => Some("jr"),
        "chi" => Some("chr"),
        "shi" => Some("shr"),
        "ri" => Some("r"),
        "zi" => Some("dz"),
        "ci" => Some("tsz"),
        "si" => Some("sz"),
        "yue" => Some("ywe"),
        "yuan" => Some("ywan"),
        "yao" => Some("yau"),
        "yong" => Some("yung"),
        _ => None,
    };
    if let Some(w) = whole {
        return w.to_owned();
    }
    let (ini, fin) = split(p);
    let palatal = matches!(ini, "j" | "q" | "x");
    let y_fin = match fin {
        "ian" => "yan",
        "ie" => "ye",
        "iu" => "you",
        "iao" => "yau",
        "ia" => "ya",
        "iang" => "yang",
        "iong" => "yung",
        "ong" => "ung",
        "ao" => "au",
        "uo" => "wo",
        "ui" => "wei",
        "un" if palatal => "yun",
        "un" => "wun",
        "ua" => "wa",
        "uai" => "wai",
        "uan" if palatal => "ywan",
        "uan" => "wan",
        "uang" => "wang",
        "ue" | "ve" => "ywe",
        "u" if palatal => "yu",
        "v" => "yu",
        "van" => "ywan",
        "vn" => "yun",
        other => other,
    };
    match ini {
        "x" if y_fin.starts_with('y') => format!("s{y_fin}"),
        "x" => format!("sy{y_fin}"),
        "q" => format!("ch{y_fin}"),
        "zh" => format!("j{y_fin}"),
        "z" => format!("dz{y_fin}"),
        "c" => format!("ts{y_fin}"),
        other => format!("{other}{y_fin}"),
    }
}

/// The Mandarin readings of a Latin token: for each system whose syllables
/// cover it, the fewest-syllable cut, each syllable in Pinyin, joined; and
/// each syllable's Pinyin on its own (for finding `xiaoping` from `hsiao`).
pub(crate) fn readings(token: &str) -> (Readings, Readings) {
    let tables = &*TABLES;
    let written = if token.contains("tz") || token.contains("sz") {
        token.replace("tz", "ts").replace("sz", "ss")
    } else {
        token.to_owned()
    };
    let mut out = Vec::new();
    let mut syllables = Vec::new();
    for (system, table, text) in [
        (System::Pinyin, &tables.pinyin, token),
        (System::WadeGiles, &tables.wade_giles, written.as_str()),
        (System::Yale, &tables.yale, token),
    ] {
        let Some(cut) = segment(text, table) else {
            continue;
        };
        let mut joined = vec![String::new()];
        for syllable in cut {
            let Some(options) = table.get(syllable) else {
                joined.clear();
                break;
            };
            syllables.extend(options.iter().map(|o| (system, o.clone())));
            let mut next = Vec::new();
            for prefix in &joined {
                for o in options {
                    if next.len() < MAX_READINGS {
                        next.push(format!("{prefix}{o}"));
                    }
                }
            }
            joined = next;
        }
        out.extend(joined.into_iter().map(|r| (system, r)));
    }
    (out, syllables)
}

/// Whether `token` is one syllable of Pinyin, Wade-Giles or Yale.
pub(crate) fn is_syllable(token: &str) -> bool {
    let tables = &*TABLES;
    tables.pinyin.contains_key(token)
        || tables.wade_giles.contains_key(token)
        || tables.yale.contains_key(token)
}

/// The cut of `text` into the fewest syllables of `table` (the longest
/// last syllable on ties); `None` if there is none within
/// [`MAX_SYLLABLES`].
fn segment<'a>(text: &'a str, table: &Table) -> Option<Vec<&'a str>> {
    let n = text.len();
    // best[i] = (syllables, start of the last one) for text[..i]
    let mut best: Vec<Option<(usize, usize)>> = vec![None; n + 1];
    if let Some(b) = best.get_mut(0) {
        *b = Some((0, 0));
    }
    for end in 1..=n {
        for start in end.saturating_sub(6)..end {
            let Some(Some((count, _))) = best.get(start).copied() else {
                continue;
            };
            let Some(piece) = text.get(start..end) else {
                continue;
            };
            if !table.contains_key(piece) {
                continue;
            }
            let better = match best.get(end).copied().flatten() {
                None => true,
                Some((c, _)) => count + 1 < c,
            };
            if better && let Some(slot) = best.get_mut(end) {
                *slot = Some((count + 1, start));
            }
        }
    }
    let (count, _) = best.get(n).copied().flatten()?;
    if count > MAX_SYLLABLES {
        return None;
    }
    let mut cut = Vec::with_capacity(count);
    let mut end = n;
    while end > 0 {
        let (_, start) = best.get(end).copied().flatten()?;
        cut.push(text.get(start..end)?);
        end = start;
    }
    cut.reverse();
    Some(cut)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn has(token: &str, system: System, pinyin: &str) -> bool {
        readings(token).0.contains(&(system, pinyin.to_owned()))
    }

    #[test]
    fn wade_giles_and_yale_come_back_to_pinyin() {
        assert!(has("hsiaoping", System::WadeGiles, "xiaoping"));
        assert!(has("teng", System::WadeGiles, "deng"));
        assert!(has("chiang", System::WadeGiles, "jiang"));
        assert!(has("kuo", System::WadeGiles, "guo"));
        assert!(has("chingkuo", System::WadeGiles, "jingguo"));
        assert!(has("tsetung", System::WadeGiles, "zedong"));
        assert!(has("mao", System::WadeGiles, "mao"));
        assert!(has("syau", System::Yale, "xiao"));
        assert!(has("lyu", System::Pinyin, "lv"));
    }

    #[test]
    fn pinyin_cuts_into_fewest_syllables() {
        assert!(has("xiaoping", System::Pinyin, "xiaoping"));
        assert!(has("jinping", System::Pinyin, "jinping"));
        assert!(
            readings("smith")
                .0
                .iter()
                .all(|(s, _)| *s != System::Pinyin)
        );
        assert!(
            readings("hsiaoping")
                .1
                .contains(&(System::WadeGiles, "ping".to_owned()))
        );
    }
}
