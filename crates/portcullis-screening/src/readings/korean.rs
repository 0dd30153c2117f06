//! Korean: Hangul syllables decomposed into jamo (Unicode's algorithm) and
//! written in Revised Romanisation; then a skeleton that Revised,
//! McCune–Reischauer (without breves and apostrophes) and passport
//! spellings share: `g`/`k`, `d`/`t`, `b`/`p`, `j`/`ch` alike, `r`/`l`
//! alike, `eo`/`ŏ`/`o`/`u` alike (`Jeong`, `Chŏng`, `Jung`), `eu`/`u`,
//! `ee`/`i`, `oo`/`u`, a final `h` or an `r` before a consonant silent
//! (`Oh`, `Park`), and the initial-sound rule (`Rhee`/`Lee`/`Yi`, `Roh`/
//! `No`). Common surname spellings that no rule reaches are listed.

/// Revised Romanisation of the 19 initial consonants.
const INITIALS: [&str; 19] = [
    "g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s", "ss", "", "j", "jj", "ch", "k", "t", "p",
    "h",
];
/// Revised Romanisation of the 21 vowels.
const VOWELS: [&str; 21] = [
    "a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae", "oe", "yo", "u", "wo", "we",
    "wi", "yu", "eu", "ui", "i",
];
/// Revised Romanisation of the 28 finals (none first), as names write
/// them syllable by syllable.
const FINALS: [&str; 28] = [
    "", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l", "p", "l", "m", "p", "p",
    "t", "t", "ng", "t", "t", "k", "t", "p", "t",
];

/// Passport and older spellings of common surnames, to Revised
/// Romanisation (National Institute of Korean Language surname table).
const SURNAMES: &[(&str, &str)] = &[
    ("lee", "i"),
    ("yi", "i"),
    ("rhee", "i"),
    ("ree", "i"),
    ("rhie", "i"),
    ("li", "i"),
    ("ri", "i"),
    ("choi", "choe"),
    ("choy", "choe"),
    ("chey", "choe"),
    ("kim", "gim"),
    ("chung", "jeong"),
    ("chong", "jeong"),
    ("shin", "sin"),
    ("sin", "sin"),
    ("suh", "seo"),
    ("yoo", "yu"),
    ("ryu", "yu"),
    ("ryoo", "yu"),
    ("rhyu", "yu"),
    ("lim", "im"),
    ("rim", "im"),
    ("kwon", "gwon"),
    ("ahn", "an"),
    ("oh", "o"),
    ("woo", "u"),
    ("hur", "heo"),
    ("huh", "heo"),
    ("roh", "no"),
    ("noh", "no"),
    ("ro", "no"),
    ("paik", "baek"),
    ("baik", "baek"),
    ("pyon", "byeon"),
    ("pyun", "byeon"),
    ("byun", "byeon"),
];

/// Revised Romanisation of a run of Hangul syllables, joined.
pub(crate) fn hangul_to_latin(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        let Some(s) = u32::from(c).checked_sub(0xAC00).filter(|s| *s < 11_172) else {
            continue;
        };
        let part = |table: &[&'static str], i: u32| table.get(i as usize).copied().unwrap_or("");
        out.push_str(part(&INITIALS, s / 588));
        out.push_str(part(&VOWELS, (s % 588) / 28));
        out.push_str(part(&FINALS, s % 28));
    }
    out
}

/// The skeleton of a lowercase Latin spelling of Korean.
pub(crate) fn skeleton(token: &str) -> String {
    let base = SURNAMES
        .iter()
        .find(|(spelling, _)| *spelling == token)
        .map_or(token, |(_, rr)| rr);
    let mut s = base.to_owned();
    // the initial-sound rule: l/r drops before i and y, is n elsewhere
    if let Some(rest) = s
        .strip_prefix("rh")
        .or_else(|| s.strip_prefix('r'))
        .or_else(|| s.strip_prefix('l'))
    {
        s = if rest.starts_with(['i', 'y']) {
            rest.to_owned()
        } else {
            format!("n{rest}")
        };
    }
    if let Some(rest) = s.strip_prefix("yi") {
        s = format!("i{rest}");
    }
    for (from, to) in [
        ("tch", "ch"),
        ("jj", "j"),
        ("kk", "k"),
        ("tt", "t"),
        ("pp", "p"),
        ("ss", "s"),
        ("sh", "s"),
        ("rh", "r"),
        ("ch", "c"),
        ("j", "c"),
        ("d", "t"),
        ("b", "p"),
        ("r", "l"),
        ("yeo", "yo"),
        ("eo", "o"),
        ("eu", "u"),
        ("oo", "u"),
        ("ee", "i"),
        ("wae", "we"),
        ("oe", "we"),
        ("ae", "e"),
        ("ai", "e"),
        // passports write 영 `Young`
        ("ou", "o"),
        ("u", "o"),
    ] {
        if s.contains(from) {
            s = s.replace(from, to);
        }
    }
    let bytes = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    for (i, &b) in bytes.iter().enumerate() {
        let prev = i.checked_sub(1).and_then(|p| bytes.get(p)).copied();
        let next = bytes.get(i + 1).copied();
        let after_vowel = prev.is_some_and(is_vowel);
        let before_consonant = next.is_none_or(|n| !is_vowel(n));
        match b {
            b'g' if prev != Some(b'n') => out.push('k'),
            // `Syngman`: y between consonants is the vowel eu
            b'y' if prev.is_some_and(|p| !is_vowel(p)) && before_consonant => out.push('o'),
            b'h' if after_vowel && before_consonant => {}
            b'l' if after_vowel && next.is_some_and(|n| !is_vowel(n) && n != b'l') => {}
            other => out.push(char::from(other)),
        }
    }
    out
}

/// Skeletons of every Hangul syllable, for telling whether a Latin token
/// can be one Korean syllable.
static SYLLABLES: std::sync::LazyLock<std::collections::HashSet<String>> =
    std::sync::LazyLock::new(|| {
        ('\u{AC00}'..='\u{D7A3}')
            .map(|c| skeleton(&hangul_to_latin(c.encode_utf8(&mut [0u8; 4]))))
            .collect()
    });

/// Whether a Latin token reads as one Korean syllable in some
/// romanisation.
pub(crate) fn is_syllable(token: &str) -> bool {
    SYLLABLES.contains(&skeleton(token))
}

fn is_vowel(b: u8) -> bool {
    matches!(b, b'a' | b'e' | b'i' | b'o' | b'u' | b'w' | b'y')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hangul_decomposes_to_revised_romanisation() {
        assert_eq!(hangul_to_latin("김정은"), "gimjeongeun");
        assert_eq!(hangul_to_latin("박근혜"), "bakgeunhye");
        assert_eq!(hangul_to_latin("이"), "i");
    }

    #[test]
    fn revised_mr_and_passport_spellings_share_a_skeleton() {
        for (a, b) in [
            ("lee", "i"),
            ("rhee", "yi"),
            ("park", "bak"),
            ("pak", "bak"),
            ("jeong", "jong"),
            ("jeong", "chung"),
            ("geunhye", "kunhye"),
            ("choi", "choe"),
            ("yoon", "yun"),
            ("roh", "no"),
            ("moohyun", "muhyeon"),
            ("young", "yeong"),
        ] {
            assert_eq!(skeleton(a), skeleton(b), "{a} {b}");
        }
        assert_ne!(skeleton("kim"), skeleton("park"));
        assert_ne!(skeleton("jong"), skeleton("il"));
    }
}
