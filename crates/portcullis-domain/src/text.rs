//! The one text policy for names and free text.
//!
//! A name (a display name, a legal name, a user principal name) is trimmed,
//! NFC-normalised, and refused when it holds a character that is invisible,
//! formats text or is not text at all, or a flood of combining marks: such
//! characters let two names look alike or hide what a name says. Free text
//! (reasons, descriptions) keeps any visible character but refuses control
//! characters and bidirectional overrides, which rewrite how logs and
//! consoles show it.

use unicode_normalization::UnicodeNormalization;
use unicode_properties::{GeneralCategory, GeneralCategoryGroup, UnicodeGeneralCategory};

use crate::ValidationError;
use crate::error::excerpt;

/// More combining marks than this in a row is a flood, not writing.
const MAX_CONSECUTIVE_MARKS: usize = 4;

/// Checks a name: trimmed, NFC, non-empty, at most `max` characters, with
/// no character [`is_refused_in_names`] and no run of more than four
/// combining marks.
pub(crate) fn check_text(
    field: &'static str,
    input: &str,
    max: usize,
) -> Result<String, ValidationError> {
    let text = bounded(field, input, max)?;
    if let Some(bad) = text.chars().find(|c| is_refused_in_names(*c)) {
        return Err(refused(field, bad, &text));
    }
    let mut run = 0;
    for c in text.chars() {
        run = if is_mark(c) { run + 1 } else { 0 };
        if run > MAX_CONSECUTIVE_MARKS {
            return Err(ValidationError::new(
                field,
                format!(
                    "has more than {MAX_CONSECUTIVE_MARKS} combining marks in a row in `{}`",
                    excerpt(&text, 64)
                ),
            ));
        }
    }
    Ok(text)
}

/// Checks free text (a reason, a description): trimmed, NFC, 1 to `max`
/// characters, with no control character, line or paragraph separator, or
/// bidirectional embedding, override or isolate.
pub fn free_text(field: &'static str, input: &str, max: usize) -> Result<String, ValidationError> {
    let text = bounded(field, input, max)?;
    match text.chars().find(|c| is_refused_in_free_text(*c)) {
        Some(bad) => Err(refused(field, bad, &text)),
        None => Ok(text),
    }
}

/// Trimmed, NFC, 1 to `max` characters.
fn bounded(field: &'static str, input: &str, max: usize) -> Result<String, ValidationError> {
    let text: String = input.trim().nfc().collect();
    if text.is_empty() {
        return Err(ValidationError::new(field, "must not be empty"));
    }
    let len = text.chars().count();
    if len > max {
        return Err(ValidationError::new(
            field,
            format!("is {len} characters long; at most {max} are allowed"),
        ));
    }
    Ok(text)
}

fn refused(field: &'static str, bad: char, text: &str) -> ValidationError {
    ValidationError::new(
        field,
        format!(
            "contains the disallowed character U+{:04X} in `{}`",
            u32::from(bad),
            excerpt(&text.escape_debug().to_string(), 64)
        ),
    )
}

/// Controls (Cc), format characters (Cf: zero-width, direction marks,
/// soft hyphen, tags, interlinear annotations), private use (Co),
/// surrogates (Cs), unassigned code points and noncharacters (Cn), line and
/// paragraph separators (Zl, Zp), and the fillers that draw nothing though
/// they are letters or marks.
fn is_refused_in_names(c: char) -> bool {
    matches!(
        c.general_category(),
        GeneralCategory::Control
            | GeneralCategory::Format
            | GeneralCategory::PrivateUse
            | GeneralCategory::Surrogate
            | GeneralCategory::Unassigned
            | GeneralCategory::LineSeparator
            | GeneralCategory::ParagraphSeparator
    ) || matches!(
        c,
        '\u{3164}'                    // Hangul filler
            | '\u{115F}' | '\u{1160}' // Hangul choseong and jungseong fillers
            | '\u{FFA0}'              // halfwidth Hangul filler
            | '\u{180E}'              // Mongolian vowel separator
            | '\u{034F}'              // combining grapheme joiner
            | '\u{E0000}'..='\u{E007F}' // tags
            | '\u{FFF9}'..='\u{FFFB}' // interlinear annotations
    ) || is_noncharacter(c)
}

/// Controls, line and paragraph separators, and bidirectional embeddings,
/// overrides and isolates.
fn is_refused_in_free_text(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{2028}' | '\u{2029}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
        )
}

/// U+FDD0..U+FDEF and the last two code points of every plane.
fn is_noncharacter(c: char) -> bool {
    let n = u32::from(c);
    (0xFDD0..=0xFDEF).contains(&n) || n & 0xFFFE == 0xFFFE
}

fn is_mark(c: char) -> bool {
    c.general_category_group() == GeneralCategoryGroup::Mark
}
