//! Arabic script against Latin spellings: both sides brought to a
//! consonant skeleton (Arabic script is written without short vowels, so
//! `محمد` is `mhmd` and so are `Mohammed`, `Muhammad` and `Mohamad`).
//! Vowels, `y`, hamza and ayn marks dropped, doubled letters written once,
//! `th`/`dh`/`kh`/`gh` as `t`/`d`/`k`/`g`, `q`/`k`/`g` alike, a final
//! `h` (ta marbuta) dropped. Compared only when one side is in Arabic
//! script: between two Latin spellings it would say too little.

/// Whether `c` is an Arabic letter.
pub(crate) fn is_arabic(c: char) -> bool {
    matches!(c, '\u{0620}'..='\u{064A}' | '\u{066E}'..='\u{06D3}' | '\u{06FA}'..='\u{06FF}')
}

/// The consonant skeleton of a Latin token or of an Arabic-script token
/// (transliterated first); `None` when fewer than two consonants remain.
pub(crate) fn skeleton(token: &str) -> Option<String> {
    let latin = if token.is_ascii() {
        token.to_owned()
    } else {
        deunicode::deunicode(token).to_ascii_lowercase()
    };
    let mut s = latin;
    for (from, to) in [
        ("th", "t"),
        ("dh", "d"),
        ("kh", "k"),
        ("gh", "g"),
        ("ph", "f"),
    ] {
        s = s.replace(from, to);
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        let c = match c {
            'q' | 'g' => 'k',
            other => other,
        };
        if !c.is_ascii_lowercase() || matches!(c, 'a' | 'e' | 'i' | 'o' | 'u' | 'y') {
            continue;
        }
        if !out.ends_with(c) {
            out.push(c);
        }
    }
    if out.len() > 2 && out.ends_with('h') {
        out.pop();
    }
    (out.len() >= 2).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arabic_script_and_latin_spellings_share_a_skeleton() {
        for (arabic, latin) in [
            ("محمد", "mohammed"),
            ("محمد", "muhammad"),
            ("سلمان", "salman"),
            ("أسامة", "osama"),
            ("قذافي", "gadhafi"),
            ("قذافي", "qaddafi"),
            ("ظواهري", "zawahiri"),
        ] {
            assert_eq!(skeleton(arabic), skeleton(latin), "{arabic} {latin}");
        }
    }
}
