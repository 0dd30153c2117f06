//! A skeleton of Cantonese syllables that Jyutping and the Hong Kong
//! government's spellings share: `zoeng` / `Cheung`, `ceoi` / `Tsui`,
//! `syun` / `Suen`, `lei` / `Lee`, `gaa` / `Kar` all come to one form.
//!
//! The correspondences are those of the Linguistic Society of Hong Kong's
//! Jyutping scheme against the spellings of the Hong Kong Immigration
//! Department: unaspirated and aspirated stops written alike (`b`/`p`,
//! `d`/`t`, `g`/`k`, `z`/`c` as `ch` or `ts`), `j` as `y`, `oe`/`eo` as
//! `eu`, `eoi` as `ui`, `yu` after an initial as `u`, `aa` as `a`, long `i`
//! as `ee`, `ou` as `o`, a final `r` or `h` after a vowel silent; and two
//! older spellings the Immigration Department and pre-war romanisations
//! still use: `en` for `in` (仙 sin, `Sun Yat-sen`) and no `y` before `i`
//! (葉 jip, `Ip` beside `Yip`).

/// Longest Latin token read as Cantonese (up to three syllables).
const MAX_LEN: usize = 18;

/// The skeleton of a Latin token if it can be Cantonese syllables (only
/// letters a Jyutping or HK spelling uses, at least one vowel).
pub(crate) fn latin_skeleton(token: &str) -> Option<String> {
    let plausible = token.len() <= MAX_LEN
        && !token.bytes().any(|b| matches!(b, b'q' | b'v' | b'x'))
        && token
            .bytes()
            .any(|b| matches!(b, b'a' | b'e' | b'i' | b'o' | b'u') || token == "ng");
    plausible.then(|| skeleton(token))
}

/// The skeleton of a lowercase Jyutping or HK spelling.
pub(crate) fn skeleton(s: &str) -> String {
    // "yu" after an initial is the vowel u (zyu → chu, syun → sun)
    let bytes = s.as_bytes();
    let mut s: String = bytes
        .iter()
        .enumerate()
        .filter(|&(i, &b)| {
            let prev = i.checked_sub(1).and_then(|p| bytes.get(p)).copied();
            !(b == b'y' && bytes.get(i + 1) == Some(&b'u') && prev.is_some_and(|p| !is_vowel(p)))
        })
        .map(|(_, &b)| char::from(b))
        .collect();
    for (from, to) in [
        ("tsz", "chi"),
        ("tze", "chi"),
        ("sze", "si"),
        ("eoi", "ui"),
        ("eon", "un"),
        ("eot", "ut"),
        ("oe", "eu"),
        ("eo", "eu"),
        ("aa", "a"),
        ("oo", "u"),
        ("ee", "i"),
        ("ei", "i"),
        ("ue", "u"),
        ("ou", "o"),
        ("ts", "ch"),
        ("tz", "ch"),
        ("sh", "s"),
        ("um", "am"),
        // HK spellings write the short a of Jyutping `an` as `un` (振 zan
        // Chun, 燊 san Sun); Jyutping `un` is rarer in names
        ("un", "an"),
    ] {
        if s.contains(from) {
            s = s.replace(from, to);
        }
    }
    // `w` and `y` closing a syllable (Chow, Law, Choy), not opening the
    // next one (`kawai` is ka-wai)
    for (from, to) in [("ow", "au"), ("aw", "o"), ("oy", "oi")] {
        if s.contains(from) {
            s = replace_closing(&s, from, to);
        }
    }
    // Older and Hong Kong spellings write Jyutping `in` as `en` (仙 sin:
    // Sun Yat-sen); Jyutping has no final `en`, so `en` is `in` unless
    // it is `eng`.
    if s.contains("en") {
        s = en_as_in(&s);
    }
    let bytes = s.as_bytes();
    let mut out = String::with_capacity(s.len() + 2);
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let prev = i.checked_sub(1).and_then(|p| bytes.get(p)).copied();
        let next = bytes.get(i + 1).copied();
        match b {
            b'z' => out.push_str("ch"),
            b'c' if next == Some(b'h') => {
                out.push_str("ch");
                i += 1;
            }
            b'c' => out.push_str("ch"),
            b'j' => out.push('y'),
            b'b' => out.push('p'),
            b'd' => out.push('t'),
            b'g' if prev != Some(b'n') => out.push('k'),
            // a final r or h after a vowel is silent (Kar, Ngor, Hoh)
            b'r' | b'h' if prev.is_some_and(is_vowel) && next.is_none_or(|n| !is_vowel(n)) => {}
            other => out.push(char::from(other)),
        }
        i += 1;
    }
    // `j` before `i` is silent in Hong Kong spellings (葉 jip: Yip, Ip;
    // 英 jing: Ying)
    if out.starts_with("yi") {
        out.remove(0);
    }
    out
}

/// `from` (two letters) written `to` where no vowel follows it.
fn replace_closing(s: &str, from: &str, to: &str) -> String {
    let mut out = String::with_capacity(s.len() + 1);
    let mut rest = s;
    while let Some(at) = rest.find(from) {
        let (before, after) = rest.split_at(at);
        out.push_str(before);
        let tail = after.get(from.len()..).unwrap_or_default();
        if tail.bytes().next().is_some_and(is_vowel) {
            out.push_str(from);
        } else {
            out.push_str(to);
        }
        rest = tail;
    }
    out.push_str(rest);
    out
}

/// `en` not followed by `g` written `in`.
fn en_as_in(s: &str) -> String {
    let bytes = s.as_bytes();
    bytes
        .iter()
        .enumerate()
        .map(|(i, &b)| {
            let en =
                b == b'e' && bytes.get(i + 1) == Some(&b'n') && bytes.get(i + 2) != Some(&b'g');
            char::from(if en { b'i' } else { b })
        })
        .collect()
}

/// Jyutping initials (the LSHK scheme), the empty one first.
const INITIALS: &[&str] = &[
    "", "b", "p", "m", "f", "d", "t", "n", "l", "g", "k", "ng", "h", "gw", "kw", "w", "z", "c",
    "s", "j",
];
/// Jyutping finals (the LSHK scheme).
const FINALS: &[&str] = &[
    "aa", "aai", "aau", "aam", "aan", "aang", "aap", "aat", "aak", "a", "ai", "au", "am", "an",
    "ang", "ap", "at", "ak", "e", "ei", "eu", "em", "eng", "ep", "ek", "i", "iu", "im", "in",
    "ing", "ip", "it", "ik", "o", "oi", "ou", "on", "ong", "ot", "ok", "u", "ui", "un", "ung",
    "ut", "uk", "oe", "oeng", "oek", "eoi", "eon", "eot", "yu", "yun", "yut", "m", "ng",
];

/// Skeletons of the Jyutping syllables (every initial with every final:
/// a few combinations the language does not use are harmless here).
static SYLLABLES: std::sync::LazyLock<std::collections::HashSet<String>> =
    std::sync::LazyLock::new(|| {
        INITIALS
            .iter()
            .flat_map(|i| FINALS.iter().map(move |f| skeleton(&format!("{i}{f}"))))
            .collect()
    });

/// Whether a Latin token reads as one Cantonese syllable in Jyutping or a
/// Hong Kong spelling.
pub(crate) fn is_syllable(token: &str) -> bool {
    latin_skeleton(token).is_some_and(|s| SYLLABLES.contains(&s))
}

fn is_vowel(b: u8) -> bool {
    matches!(b, b'a' | b'e' | b'i' | b'o' | b'u')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jyutping_and_hong_kong_spellings_share_a_skeleton() {
        for (jyutping, hk) in [
            ("zoeng", "cheung"),
            ("loeng", "leung"),
            ("zang", "tsang"),
            ("ceoi", "tsui"),
            ("syun", "suen"),
            ("jyun", "yuen"),
            ("lei", "lee"),
            ("gaa", "kar"),
            ("zau", "chow"),
            ("gwok", "kwok"),
            ("kyun", "kuen"),
            ("jam", "yam"),
            ("ngo", "ngor"),
            ("jyut", "yuet"),
            ("zyu", "chu"),
            ("lo", "law"),
            ("sin", "sen"),
            ("jip", "ip"),
            ("jip", "yip"),
            ("ze", "tse"),
            ("heoi", "hui"),
            ("joeng", "yeung"),
            ("sek", "shek"),
            ("gaai", "kai"),
            ("syun", "sun"),
            ("ng", "ng"),
            ("gaawai", "karwai"),
            ("gaawai", "kawai"),
            ("zau", "chow"),
            ("coi", "choy"),
        ] {
            assert_eq!(skeleton(jyutping), skeleton(hk), "{jyutping} {hk}");
        }
    }

    #[test]
    fn different_syllables_stay_apart() {
        assert_ne!(skeleton("wong"), skeleton("wang"));
        assert_ne!(skeleton("zeng"), skeleton("zing"));
        assert_ne!(skeleton("lam"), skeleton("lim"));
        assert_ne!(skeleton("zeng"), skeleton("zin"));
        assert_ne!(skeleton("jip"), skeleton("jap"));
    }
}
