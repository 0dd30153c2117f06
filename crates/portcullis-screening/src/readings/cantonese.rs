//! A skeleton of Cantonese syllables that Jyutping and the Hong Kong
//! government's spellings share: `zoeng` / `Cheung`, `ceoi` / `Tsui`,
//! `syun` / `Suen`, `lei` / `Lee`, `gaa` / `Kar` all come to one form.
//!
//! The correspondences are those of the Linguistic Society of Hong Kong's
//! Jyutping scheme against the spellings of the Hong Kong Immigration
//! Department: unaspirated and aspirated stops written alike (`b`/`p`,
//! `d`/`t`, `g`/`k`, `z`/`c` as `ch` or `ts`), `j` as `y`, `oe`/`eo` as
//! `eu`, `eoi` as `ui`, `yu` after an initial as `u`, `aa` as `a`, long `i`
//! as `ee`, `ou` as `o`, a final `r` or `h` after a vowel silent.

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
        ("ow", "au"),
        ("aw", "o"),
        ("oy", "oi"),
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
    out
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
        ] {
            assert_eq!(skeleton(jyutping), skeleton(hk), "{jyutping} {hk}");
        }
    }

    #[test]
    fn different_syllables_stay_apart() {
        assert_ne!(skeleton("wong"), skeleton("wang"));
        assert_ne!(skeleton("zeng"), skeleton("zing"));
        assert_ne!(skeleton("lam"), skeleton("lim"));
    }
}
