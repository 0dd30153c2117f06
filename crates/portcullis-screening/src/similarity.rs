//! How alike two normalized tokens are, and why.

use rphonetic::{DoubleMetaphone, Encoder};
use std::hash::BuildHasher;

use crate::normalize::is_initial;
use crate::readings::{Key, System, is_chinese_syllable, is_han, is_name_syllable, shared};

/// Similarity credited to an initial that agrees with a full token
/// (`j` ~ `john`).
pub(crate) const INITIAL_SIMILARITY: f32 = 0.8;
/// Similarity credited to a phonetic agreement (`mohammed` ~ `muhammad`).
pub(crate) const PHONETIC_SIMILARITY: f32 = 0.9;
/// Similarity credited to two spellings of one reading (`Teng` ~ `邓`).
pub(crate) const READING_SIMILARITY: f32 = 0.95;
/// Least Jaro-Winkler similarity for a phonetic agreement to count.
const PHONETIC_MIN_JARO_WINKLER: f64 = 0.8;

/// Why two tokens were aligned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum How {
    Exact,
    /// The same reading in two systems: the query's, the listed token's.
    Reading(System, System),
    Phonetic,
    Fuzzy,
    Initial,
}

/// A token with its phonetic key (0 when it has none), its readings and
/// its shape.
#[derive(Clone, Copy)]
pub(crate) struct Tok<'a> {
    pub text: &'a str,
    pub phonetic: u32,
    pub keys: &'a [Key],
    pub shape: Shape,
}

/// What a token is made of, worked out once per token.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Shape {
    han: bool,
    ascii: bool,
    digits: bool,
    syllable: bool,
    /// One syllable of a Chinese or Korean name in some romanisation.
    name_syllable: bool,
    /// Cut into Pinyin syllables (`yongkang`): a Chinese name or a name
    /// that reads as one.
    pinyin: bool,
    /// One bit per reading that can make a match (a quick "no shared key").
    mask: u64,
}

impl Shape {
    /// Whether the token is one Chinese syllable.
    pub(crate) fn syllable(self) -> bool {
        self.syllable
    }

    /// Whether the token is one syllable of a Chinese or Korean name.
    pub(crate) fn name_syllable(self) -> bool {
        self.name_syllable
    }

    pub(crate) fn of(text: &str, keys: &[Key]) -> Self {
        let mask = keys
            .iter()
            .filter(|k| k.can_match())
            .fold(0u64, |m, k| m | 1u64 << (k.lookup() % 64));
        Self {
            han: text.chars().all(is_han),
            ascii: text.is_ascii(),
            digits: text.bytes().any(|c| c.is_ascii_digit()),
            syllable: is_chinese_syllable(text),
            name_syllable: is_name_syllable(text),
            pinyin: keys
                .iter()
                .any(|k| k.via == System::Pinyin && k.can_match()),
            mask,
        }
    }
}

impl<'a> Tok<'a> {
    pub(crate) fn new(text: &'a str, phonetic: u32, keys: &'a [Key]) -> Self {
        Self {
            text,
            phonetic,
            keys,
            shape: Shape::of(text, keys),
        }
    }
}

/// The phonetic key of a token: a hash of its Double Metaphone primary
/// code (6 letters at most); 0 for tokens with digits or no code.
pub(crate) fn phonetic_key(token: &str) -> u32 {
    if !token.bytes().all(|b| b.is_ascii_lowercase()) {
        return 0;
    }
    let code = DoubleMetaphone::new(Some(6)).encode(token);
    if code.is_empty() {
        return 0;
    }
    // Truncation to 32 bits is fine: a collision only adds a candidate
    // that the similarity then checks.
    let hash = small_hash(code.as_bytes());
    hash.max(1)
}

/// A deterministic 32-bit hash (same on every run and machine).
pub(crate) fn small_hash(bytes: &[u8]) -> u32 {
    let full = foldhash::fast::FixedState::with_seed(0x5eed_5c12).hash_one(bytes);
    (full >> 32) as u32
}

/// How alike `a` and `b` are, in (0, 1], or `None` when they do not
/// correspond:
/// - equal: 1 (`Exact`);
/// - an initial and a token starting with it: [`INITIAL_SIMILARITY`];
/// - a shared reading (see [`crate::readings`]): [`READING_SIMILARITY`];
///   Han characters and Hangul correspond only so;
/// - the same phonetic key and a Jaro-Winkler similarity of 0.8 or more
///   (`hassan` / `hussein`, 0.77, are two names):
///   at least [`PHONETIC_SIMILARITY`];
/// - tokens of letters with a Damerau-Levenshtein distance of 1 (both at
///   least 4 long) or 2 (the longer at least 7 long): 1 − distance / longer
///   length (`Fuzzy`).
///
/// Tokens with digits correspond only when equal.
pub(crate) fn token_similarity(a: Tok<'_>, b: Tok<'_>) -> Option<(f32, How)> {
    if a.text == b.text {
        return Some((1.0, How::Exact));
    }
    let (ai, bi) = (is_initial(a.text), is_initial(b.text));
    if ai || bi {
        let agree = !(ai && bi) && a.text.as_bytes().first() == b.text.as_bytes().first();
        return agree.then_some((INITIAL_SIMILARITY, How::Initial));
    }
    let (sa, sb) = (a.shape, b.shape);
    if sa.digits || sb.digits {
        return None;
    }
    if sa.mask & sb.mask != 0
        && let Some((x, y)) = shared(a.keys, b.keys, sa.han && sb.han)
    {
        return Some((READING_SIMILARITY, How::Reading(x.via, y.via)));
    }
    if !sa.ascii || !sb.ascii {
        return None;
    }
    // Two Chinese or Korean syllables that read differently are different
    // (`yang` / `yong`, `peng` / `ping`, `wah` / `wai`): no phonetic or
    // typo licence.
    if (sa.syllable && sb.syllable) || (sa.name_syllable && sb.name_syllable) {
        return None;
    }
    // Two Pinyin spellings with different readings: a one-letter slip at
    // most (`yongkang` / `yongming` are two names), no phonetic licence.
    let pinyin = sa.pinyin && sb.pinyin;
    // A phonetic agreement needs lengths within two letters: a joined
    // given name sounds like its first syllable (`myunghee` ~ `myung`).
    let close = a.text.len().abs_diff(b.text.len()) <= 2;
    if !pinyin && close && a.phonetic != 0 && a.phonetic == b.phonetic {
        let jw = crate::jaro::jaro_winkler(a.text, b.text);
        if jw >= PHONETIC_MIN_JARO_WINKLER {
            return Some(((jw as f32).max(PHONETIC_SIMILARITY), How::Phonetic));
        }
    }
    let shorter = a.text.len().min(b.text.len());
    let longer = a.text.len().max(b.text.len());
    let allowed = if longer >= 7 && shorter >= 5 {
        2
    } else if shorter >= 5 {
        1
    } else {
        0
    };
    let allowed = if pinyin { allowed.min(1) } else { allowed };
    if allowed == 0 || longer - shorter > allowed {
        return None;
    }
    if !letters_within(a.text.as_bytes(), b.text.as_bytes(), allowed) {
        return None;
    }
    let distance = edit_distance(a.text.as_bytes(), b.text.as_bytes());
    (distance <= allowed).then(|| (1.0 - distance as f32 / longer as f32, How::Fuzzy))
}

/// Whether the letters of `a` and `b` differ little enough for an edit
/// distance of `allowed` (each edit changes at most two letter counts; a
/// quick refusal of unrelated tokens before the edit distance).
fn letters_within(a: &[u8], b: &[u8], allowed: usize) -> bool {
    let mut counts = [0i16; 26];
    for &c in a {
        match counts.get_mut(usize::from(c.wrapping_sub(b'a'))) {
            Some(n) => *n += 1,
            None => return true,
        }
    }
    for &c in b {
        match counts.get_mut(usize::from(c.wrapping_sub(b'a'))) {
            Some(n) => *n -= 1,
            None => return true,
        }
    }
    let apart: usize = counts.iter().map(|n| usize::from(n.unsigned_abs())).sum();
    apart <= 2 * allowed
}

/// Longest token whose edit distance is worked out in fixed rows (longer
/// ones allocate).
const ROW: usize = 48;

/// Edit distance with adjacent transpositions (optimal string alignment)
/// over bytes; the tokens compared are ASCII.
fn edit_distance(a: &[u8], b: &[u8]) -> usize {
    if b.len() < ROW {
        let mut rows = [[0usize; ROW]; 3];
        let [before, prev, cur] = &mut rows;
        osa(a, b, before, prev, cur)
    } else {
        let n = b.len() + 1;
        let (mut before, mut prev, mut cur) = (vec![0; n], vec![0; n], vec![0; n]);
        osa(a, b, &mut before, &mut prev, &mut cur)
    }
}

/// [`edit_distance`] in rows of at least `b.len() + 1` entries.
fn osa(a: &[u8], b: &[u8], before: &mut [usize], prev: &mut [usize], cur: &mut [usize]) -> usize {
    let n = b.len();
    let (mut before, mut prev, mut cur) = (before, prev, cur);
    for (j, slot) in prev.iter_mut().enumerate().take(n + 1) {
        *slot = j;
    }
    for (i, &ca) in a.iter().enumerate() {
        if let Some(first) = cur.first_mut() {
            *first = i + 1;
        }
        for (j, &cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            let del = prev.get(j + 1).copied().unwrap_or(usize::MAX - 1) + 1;
            let ins = cur.get(j).copied().unwrap_or(usize::MAX - 1) + 1;
            let sub = prev.get(j).copied().unwrap_or(usize::MAX - 1) + cost;
            let mut best = del.min(ins).min(sub);
            let transposed = i > 0
                && j > 0
                && a.get(i - 1) == Some(&cb)
                && b.get(j - 1) == Some(&ca)
                && ca != cb;
            if transposed {
                best = best.min(before.get(j - 1).copied().unwrap_or(usize::MAX - 1) + 1);
            }
            if let Some(slot) = cur.get_mut(j + 1) {
                *slot = best;
            }
        }
        std::mem::swap(&mut before, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    prev.get(n).copied().unwrap_or(usize::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sim(a: &str, b: &str) -> Option<(f32, How)> {
        let (ka, kb) = (crate::readings::keys(a), crate::readings::keys(b));
        token_similarity(
            Tok::new(a, phonetic_key(a), &ka),
            Tok::new(b, phonetic_key(b), &kb),
        )
    }

    #[test]
    fn transliteration_variants_agree_phonetically() {
        for (a, b) in [
            ("mohammed", "muhammad"),
            ("mohamed", "muhammad"),
            ("smith", "smyth"),
        ] {
            let (s, how) = sim(a, b).unwrap();
            assert!(s >= PHONETIC_SIMILARITY, "{a} {b} {s}");
            assert!(
                matches!(how, How::Phonetic | How::Fuzzy | How::Reading(..)),
                "{a} {b} {how:?}"
            );
        }
    }

    #[test]
    fn one_and_two_letter_typos_are_fuzzy() {
        assert!(sim("kadyrov", "kadyrow").is_some());
        assert!(matches!(
            sim("gazprombank", "gazprombnak").unwrap().1,
            How::Fuzzy | How::Phonetic
        ));
        assert!(sim("putin", "putni").unwrap().0 >= 0.8);
        assert!(sim("lukashenko", "lukashanka").is_some());
        assert!(sim("putin", "pupkin").is_none());
    }

    #[test]
    fn initials_match_their_names_only() {
        assert_eq!(sim("j", "john"), Some((INITIAL_SIMILARITY, How::Initial)));
        assert_eq!(sim("j", "mary"), None);
        assert_eq!(sim("j", "k"), None);
    }

    #[test]
    fn edit_distance_counts_transpositions_as_one() {
        assert_eq!(edit_distance(b"putin", b"putni"), 1);
        assert_eq!(edit_distance(b"kadyrov", b"kadyrow"), 1);
        assert_eq!(edit_distance(b"abc", b""), 3);
        assert_eq!(edit_distance(b"mikhial", b"mikhail"), 1);
        assert_eq!(edit_distance(b"fridmna", b"fridman"), 1);
        assert_eq!(edit_distance(b"lukashenko", b"lukashanka"), 2);
    }

    #[test]
    fn numbers_and_short_tokens_need_equality() {
        assert_eq!(sim("11420", "11421"), None);
        assert_eq!(sim("abc", "abd"), None);
    }
}
