//! Legal-form words and phrases, stripped from both ends of organization
//! names so that `Acme Trading LLC`, `ACME TRADING LIMITED LIABILITY COMPANY`
//! and `OOO Acme Trading` compare on `acme trading` alone.
//!
//! Forms are matched on normalized tokens (lowercase ASCII, punctuation
//! removed, so `S.A.` arrives as `s a` and `L.L.C.` as `l l c`). They are
//! removed only at the start or the end of a name, repeatedly (`Co., Ltd.`
//! goes in two steps), and never when that would leave the name empty.

/// Single-token legal forms (after normalization).
pub const LEGAL_FORM_WORDS: &[&str] = &[
    "ab",
    "ag",
    "aktiengesellschaft",
    "ao",
    "aps",
    "as",
    "asa",
    "bhd",
    "bv",
    "cjsc",
    "co",
    "company",
    "corp",
    "corporation",
    "eirl",
    "fze",
    "fzco",
    "fzc",
    "fzllc",
    "gmbh",
    "inc",
    "incorporated",
    "jsc",
    "kft",
    "kg",
    "kk",
    "limited",
    "llc",
    "llp",
    "lp",
    "ltd",
    "ltda",
    "nv",
    "oao",
    "ojsc",
    "ooo",
    "oy",
    "oyj",
    "pao",
    "pjsc",
    "plc",
    "pte",
    "pty",
    "sa",
    "sae",
    "sal",
    "sarl",
    "sas",
    "sdn",
    "se",
    "sl",
    "spa",
    "sro",
    "spzoo",
    "srl",
    "tbk",
    "tov",
    "ug",
    "wll",
    "zao",
];

/// Multi-token legal forms: phrases with a word that is not a form on its
/// own (`liability`, `joint`, `stock`) or spelled-out letters (`s a`).
pub const LEGAL_FORM_PHRASES: &[&[&str]] = &[
    &["limited", "liability", "company"],
    &["limited", "liability", "partnership"],
    &["limited", "partnership"],
    &["joint", "stock", "company"],
    &["public", "joint", "stock", "company"],
    &["closed", "joint", "stock", "company"],
    &["open", "joint", "stock", "company"],
    &["public", "limited", "company"],
    &["private", "limited", "company"],
    &["private", "limited"],
    &["gesellschaft", "mit", "beschrankter", "haftung"],
    &["sociedad", "anonima"],
    &["societe", "anonyme"],
    &["societa", "per", "azioni"],
    &["sp", "z", "o", "o"],
    &["spolka", "z", "o", "o"],
    &["spolka", "z", "ograniczona", "odpowiedzialnoscia"],
    &["spol", "s", "r", "o"],
    &["spolecnost", "s", "rucenim", "omezenym"],
    &["gmbh", "co", "kg"],
    &["anonim", "sirketi"],
    &["limited", "sirketi"],
    &["a", "s"],
    &["obshchestvo", "s", "ogranichennoi", "otvetstvennostiu"],
    &["obshchestvo", "s", "ogranichennoy", "otvetstvennostyu"],
    &["obshchestvo", "s", "ogranichennoi", "otvetstvennostyu"],
    &["zakrytoe", "aktsionernoe", "obshchestvo"],
    &["zakrytoye", "aktsionernoye", "obshchestvo"],
    &["otkrytoe", "aktsionernoe", "obshchestvo"],
    &["otkrytoye", "aktsionernoye", "obshchestvo"],
    &["publichnoe", "aktsionernoe", "obshchestvo"],
    &["publichnoye", "aktsionernoye", "obshchestvo"],
    &["aktsionernoe", "obshchestvo"],
    &["aktsionernoye", "obshchestvo"],
    &["tovaristvo", "z", "obmezhenoiu", "vidpovidalnistiu"],
    &["tovarystvo", "z", "obmezhenoyu", "vidpovidalnistyu"],
    &["s", "a", "s"],
    &["s", "a", "r", "l"],
    &["s", "p", "a"],
    &["s", "r", "l"],
    &["s", "r", "o"],
    &["s", "a"],
    &["s", "l"],
    &["a", "g"],
    &["b", "v"],
    &["n", "v"],
    &["l", "l", "c"],
    &["l", "l", "p"],
    &["l", "t", "d"],
    &["p", "l", "c"],
    &["i", "n", "c"],
    &["j", "s", "c"],
    &["o", "o", "o"],
];

/// Removes legal forms from both ends of `tokens` and returns the removed
/// tokens; keeps `tokens` as they are when nothing
/// but legal forms would remain.
pub(crate) fn strip_legal_forms(tokens: &mut Vec<String>) -> Vec<String> {
    let mut start = 0;
    let mut end = tokens.len();
    loop {
        let Some(rest) = tokens.get(start..end) else {
            return Vec::new();
        };
        let cut_front = form_len(rest, Side::Front);
        let cut_back = form_len(rest, Side::Back);
        if cut_front == 0 && cut_back == 0 {
            break;
        }
        if cut_front + cut_back >= rest.len() {
            // Only legal forms remain: keep what is left (a name of a
            // company called "Limited" is still a name).
            break;
        }
        start += cut_front;
        end -= cut_back;
    }
    let mut forms: Vec<String> = Vec::new();
    if let Some(back) = tokens.get(end..) {
        forms.extend(back.iter().cloned());
    }
    tokens.truncate(end);
    forms.extend(tokens.drain(..start));
    forms
}

/// The family of the legal form of a name (the tokens
/// [`strip_legal_forms`] removed, joined by spaces): forms of one family are translations of each
/// other (`OOO` / `LLC` / `Sp. z o.o.` / `s.r.o.` / `GmbH`; `ZAO` /
/// `CJSC`; `AO` / `JSC` / `A.Ş.` / `AG` / `SA`).
pub(crate) fn form_family(form: &str) -> &'static str {
    const LIMITED: &[&str] = &[
        "llc",
        "ooo",
        "ltd",
        "limited",
        "gmbh",
        "sro",
        "spzoo",
        "sarl",
        "srl",
        "tov",
        "bv",
        "pty",
        "pte",
        "bhd",
        "sdn",
        "ltda",
        "kft",
        "aps",
        "oy",
        "ug",
        "fzllc",
        "fzco",
        "fze",
        "wll",
        "sp",
        "z",
        "o",
        "s",
        "r",
        "spol",
        "spolka",
        "spolecnost",
        "obshchestvo",
        "tovaristvo",
        "tovarystvo",
        "private",
        "liability",
        "l",
        "c",
        "t",
        "d",
        "company",
        "co",
    ];
    const CLOSED: &[&str] = &["zao", "cjsc", "zakrytoe", "zakrytoye", "closed"];
    const OPEN: &[&str] = &["oao", "ojsc", "otkrytoe", "otkrytoye", "open"];
    const PUBLIC: &[&str] = &[
        "pao",
        "pjsc",
        "plc",
        "publichnoe",
        "publichnoye",
        "public",
        "tbk",
    ];
    const STOCK: &[&str] = &[
        "ao",
        "jsc",
        "ag",
        "sa",
        "as",
        "asa",
        "ab",
        "nv",
        "spa",
        "se",
        "aktiengesellschaft",
        "aktsionernoe",
        "aktsionernoye",
        "anonim",
        "joint",
        "stock",
        "sas",
        "sae",
        "a",
    ];
    const PARTNERSHIP: &[&str] = &["kg", "lp", "llp", "partnership"];
    let words: Vec<&str> = form.split(' ').collect();
    let any = |set: &[&str]| words.iter().any(|w| set.contains(w));
    let all = |set: &[&str]| words.iter().all(|w| set.contains(w));
    if any(CLOSED) {
        "closed_joint_stock"
    } else if any(OPEN) {
        "open_joint_stock"
    } else if any(PUBLIC) {
        "public_company"
    } else if any(PARTNERSHIP) {
        "partnership"
    } else if all(LIMITED) || any(&["llc", "ooo", "gmbh", "sro", "spzoo", "tov", "ltd"]) {
        "limited_liability"
    } else if any(STOCK) {
        "joint_stock"
    } else {
        "company"
    }
}

#[derive(Clone, Copy)]
enum Side {
    Front,
    Back,
}

/// Length of the longest legal form at one end of `tokens` (0 if none).
fn form_len(tokens: &[String], side: Side) -> usize {
    let matches = |phrase: &[&str]| {
        let n = phrase.len();
        if n > tokens.len() {
            return false;
        }
        let window = match side {
            Side::Front => tokens.get(..n),
            Side::Back => tokens.get(tokens.len() - n..),
        };
        window.is_some_and(|w| w.iter().zip(phrase).all(|(a, b)| a == b))
    };
    let phrase = LEGAL_FORM_PHRASES
        .iter()
        .filter(|p| matches(p))
        .map(|p| p.len())
        .max()
        .unwrap_or(0);
    let word = match side {
        Side::Front => tokens.first(),
        Side::Back => tokens.last(),
    }
    .is_some_and(|t| LEGAL_FORM_WORDS.contains(&t.as_str()));
    phrase.max(usize::from(word))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strip(s: &str) -> String {
        let mut t: Vec<String> = s.split(' ').map(str::to_owned).collect();
        let _forms = strip_legal_forms(&mut t);
        t.join(" ")
    }

    #[test]
    fn strips_suffixes_prefixes_and_phrases() {
        assert_eq!(strip("acme trading llc"), "acme trading");
        assert_eq!(
            strip("acme trading limited liability company"),
            "acme trading"
        );
        assert_eq!(strip("ooo romashka"), "romashka");
        assert_eq!(strip("foo co ltd"), "foo");
        assert_eq!(strip("bar s a"), "bar");
        assert_eq!(strip("pjsc gazprom neft"), "gazprom neft");
        assert_eq!(strip("kronos gmbh co kg"), "kronos");
        assert_eq!(strip("anadolu a s"), "anadolu");
        assert_eq!(strip("zakrytoye aktsionernoye obshchestvo almaz"), "almaz");
        assert_eq!(strip("polmax sp z o o"), "polmax");
        assert_eq!(strip("brnokov s r o"), "brnokov");
    }

    #[test]
    fn translated_forms_share_a_family() {
        for (a, b) in [
            ("ooo", "llc"),
            ("zao", "cjsc"),
            ("sp z o o", "l l c"),
            ("s r o", "limited liability company"),
            ("ao", "jsc"),
            ("a s", "jsc"),
            ("oao", "ojsc"),
        ] {
            assert_eq!(form_family(a), form_family(b), "{a} {b}");
        }
        assert_ne!(form_family("zao"), form_family("ooo"));
    }

    #[test]
    fn keeps_forms_in_the_middle_and_names_made_only_of_forms() {
        assert_eq!(strip("bank of co operation"), "bank of co operation");
        assert_eq!(strip("limited"), "limited");
        assert_eq!(strip("co ltd"), "co ltd");
    }
}
