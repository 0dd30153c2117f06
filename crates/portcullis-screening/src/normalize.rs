//! Name normalization: from any script to comparable tokens.
//!
//! 1. a name is cut into parts at parentheses and at "trading as" / "aka" /
//!    "formerly" markers; each part is a name of the same party
//!    ([`crate::org_names`]);
//! 2. Han characters and Hangul syllables become one token each, as they
//!    are (their readings are keys, see [`crate::readings`]); everything
//!    else is transliterated to ASCII with `deunicode` (accents dropped,
//!    Cyrillic, Greek, Arabic, … romanized: `Владимир Путин` → `vladimir
//!    putin`);
//! 3. lowercase; apostrophes dropped (`O'Brien` → `obrien`); every other
//!    character that is not a letter or digit separates tokens;
//! 4. for organizations, legal forms stripped from both ends
//!    ([`crate::LEGAL_FORM_WORDS`], [`crate::LEGAL_FORM_PHRASES`]), `the`
//!    and `and` dropped, dotted acronyms joined (`N.I.O.C.` → `nioc`);
//! 5. Arabic name forms brought to one spelling ([`crate::arabic`]).
//!
//! German umlaut spellings (`Mueller` / `Muller`) are matched through
//! their readings, not rewritten. Token order is kept but never used by
//! matching.

use crate::arabic;
use crate::legal_forms::strip_legal_forms;
use crate::org_names::{split_parts, tidy};
use crate::readings::{is_arabic, is_han, is_hangul};

/// One part of a name: its tokens, and the legal form stripped from it
/// (its tokens joined by spaces; empty when none).
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Part {
    pub tokens: Vec<String>,
    pub legal_form: String,
}

/// Normalized tokens of every part of `name` (see the module doc); legal
/// forms are stripped when `organization`. Empty when the name has no
/// letter or digit in any script.
pub(crate) fn name_parts(name: &str, organization: bool) -> Vec<Part> {
    let mut parts = Vec::new();
    for segment in name.split(['(', ')', '[', ']']) {
        let tokens = raw_tokens(segment);
        for mut tokens in split_parts(&tokens) {
            let mut legal_form = String::new();
            if organization {
                legal_form = strip_legal_forms(&mut tokens).join(" ");
                tokens = tidy(tokens);
            }
            let tokens = arabic::rewrite(tokens);
            if !tokens.is_empty() {
                parts.push(Part { tokens, legal_form });
            }
        }
    }
    parts
}

/// All normalized tokens of `name`, its parts one after the other.
pub(crate) fn name_tokens(name: &str, organization: bool) -> Vec<String> {
    name_parts(name, organization)
        .into_iter()
        .flat_map(|p| p.tokens)
        .collect()
}

/// Tokens before any rewriting: Han and Hangul one a character, the rest
/// transliterated, lowercased and split.
fn raw_tokens(text: &str) -> Vec<String> {
    let mut tokens = Vec::new();
    let mut current = String::new();
    let flush = |current: &mut String, tokens: &mut Vec<String>| {
        if !current.is_empty() {
            tokens.push(std::mem::take(current));
        }
    };
    for ch in text.chars() {
        if is_han(ch) || is_hangul(ch) {
            flush(&mut current, &mut tokens);
            tokens.push(ch.to_string());
            continue;
        }
        if is_arabic(ch) {
            current.push(ch);
            continue;
        }
        let ascii = if ch.is_ascii() {
            None
        } else {
            Some(deunicode::deunicode_char(ch).unwrap_or(" "))
        };
        let mut push = |c: char| {
            if c.is_ascii_alphanumeric() {
                current.push(c.to_ascii_lowercase());
            } else if matches!(c, '\'' | '`') {
                // O'Brien, Ma'ruf: the apostrophe joins.
            } else {
                flush(&mut current, &mut tokens);
            }
        };
        match ascii {
            None => push(ch),
            Some(s) => s.chars().for_each(&mut push),
        }
    }
    flush(&mut current, &mut tokens);
    tokens.into_iter().map(arabic_script_token).collect()
}

/// An Arabic-script token without its article (`الرحمن` → `رحمن`, but
/// `الله` stays), nasab markers as `bin`.
fn arabic_script_token(token: String) -> String {
    if !token.chars().next().is_some_and(is_arabic) {
        return token;
    }
    match token.as_str() {
        "بن" | "ابن" | "بنت" => return "bin".to_owned(),
        "الله" => return token,
        _ => {}
    }
    match token.strip_prefix("ال") {
        Some(rest) if rest.chars().count() >= 2 => rest.to_owned(),
        _ => token,
    }
}

/// Whether `token` is an initial (a single letter).
pub(crate) fn is_initial(token: &str) -> bool {
    token.len() == 1 && token.bytes().all(|b| b.is_ascii_alphabetic())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(s: &str) -> String {
        name_tokens(s, false).join(" ")
    }

    #[test]
    fn folds_case_and_accents_and_keeps_umlaut_spellings_for_readings() {
        assert_eq!(norm("Müller"), "muller");
        assert_eq!(norm("MUELLER"), "mueller");
        assert_eq!(norm("Muller"), "muller");
        assert_eq!(norm("José Ñúñez"), "jose nunez");
        assert_eq!(norm("Straße"), "strasse");
    }

    #[test]
    fn transliterates_cyrillic_greek_and_arabic() {
        assert_eq!(norm("Владимир Путин"), "vladimir putin");
        assert!(!norm("Αλέξης Τσίπρας").is_empty());
        assert!(!norm("محمد").is_empty());
    }

    #[test]
    fn han_and_hangul_are_one_token_a_character() {
        assert_eq!(norm("邓小平"), "邓 小 平");
        assert_eq!(norm("김정은"), "김 정 은");
        assert_eq!(norm("Kim Jong-un (김정은)"), "kim jong un 김 정 은");
    }

    #[test]
    fn punctuation_separates_and_apostrophes_join() {
        assert_eq!(norm("J.R. Smith-Jones"), "j r smith jones");
        assert_eq!(norm("O'Brien, Pat"), "obrien pat");
    }

    #[test]
    fn names_without_letters_or_digits_have_no_tokens() {
        assert!(norm("  !!! ").is_empty());
        assert!(norm("").is_empty());
    }

    #[test]
    fn legal_forms_go_only_for_organizations() {
        assert_eq!(name_tokens("OOO Romashka", true), vec!["romashka"]);
        assert_eq!(name_tokens("Acme, L.L.C.", true), vec!["acme"]);
        assert_eq!(name_tokens("Ao Li", false), vec!["ao", "li"]);
    }

    #[test]
    fn trading_as_and_parentheses_make_parts() {
        let parts = name_parts("Hallam Marine Ltd t/a Seaways", true);
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].tokens, vec!["hallam", "marine"]);
        assert_eq!(parts[0].legal_form, "ltd");
        assert_eq!(parts[1].tokens, vec!["seaways"]);
        assert_eq!(
            name_parts("Islamic Republic of Iran Shipping Lines (IRISL)", true).len(),
            2
        );
        assert_eq!(
            name_tokens("The N.I.O.C. & Partners", true),
            vec!["nioc", "partners"]
        );
    }
}
