//! Name normalization: from any script to comparable ASCII tokens.
//!
//! 1. transliteration to ASCII with `deunicode` (accents dropped, Cyrillic,
//!    Greek, Arabic, … romanized: `Владимир Путин` → `vladimir putin`);
//! 2. lowercase; apostrophes dropped (`O'Brien` → `obrien`); every other
//!    character that is not a letter or digit separates tokens;
//! 3. German umlaut spellings folded: the vowel digraphs `ae`, `oe`, `ue`
//!    become `a`, `o`, `u` in every token, so `Müller` (transliterated
//!    `muller`), `Mueller` and `Muller` are one token. Applied to both sides
//!    of every comparison, so it never separates two equal names;
//! 4. for organizations, legal forms stripped from both ends
//!    ([`crate::LEGAL_FORM_WORDS`], [`crate::LEGAL_FORM_PHRASES`]).
//!
//! Token order is kept but never used by matching.

use crate::legal_forms::strip_legal_forms;

/// Normalized tokens of `name`; legal forms are stripped when
/// `strip_legal` (organizations). Empty when the name has no letter or
/// digit in any script.
pub(crate) fn name_tokens(name: &str, strip_legal: bool) -> Vec<String> {
    let ascii = deunicode::deunicode(name);
    let mut tokens = Vec::new();
    let mut current = String::new();
    for ch in ascii.chars() {
        if ch.is_ascii_alphanumeric() {
            current.push(ch.to_ascii_lowercase());
        } else if matches!(ch, '\'' | '`') {
            // O'Brien, Ma'ruf: the apostrophe joins.
        } else if !current.is_empty() {
            tokens.push(fold_digraphs(&current));
            current.clear();
        }
    }
    if !current.is_empty() {
        tokens.push(fold_digraphs(&current));
    }
    if strip_legal {
        strip_legal_forms(&mut tokens);
    }
    tokens
}

/// `ae` → `a`, `oe` → `o`, `ue` → `u`.
fn fold_digraphs(token: &str) -> String {
    let mut out = String::with_capacity(token.len());
    let mut prev: Option<char> = None;
    for ch in token.chars() {
        if ch == 'e' && matches!(prev, Some('a' | 'o' | 'u')) {
            prev = None;
            continue;
        }
        out.push(ch);
        prev = Some(ch);
    }
    out
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
    fn folds_case_accents_and_umlaut_spellings_together() {
        assert_eq!(norm("Müller"), "muller");
        assert_eq!(norm("MUELLER"), "muller");
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
}
