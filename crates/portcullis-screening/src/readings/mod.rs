//! Readings: what a token sounds like in the romanisation families that
//! watchlists write names in. Each token gets a few keys; two tokens whose
//! keys share a family and a value are the same name written in two
//! systems (`Teng` in Wade-Giles and `邓` in Han characters both read
//! `deng` in Pinyin).
//!
//! | family | from |
//! | --- | --- |
//! | Mandarin (toneless Hanyu Pinyin) | Han characters (Unihan readings, `pinyin` crate), Pinyin, Wade-Giles, Yale |
//! | Cantonese (a Jyutping / Hong Kong government skeleton) | Han characters (rime-cantonese readings, `rust-canto` crate), Jyutping, Hong Kong government spellings |
//! | Korean (a Revised / McCune–Reischauer / passport skeleton) | Hangul (decomposed algorithmically), RR, MR, passport spellings |
//! | Latin fold | German umlaut spellings (`ae`, `oe`, `ue`) and Cyrillic romanisations (`x`/`ks`, `kh`/`h`, `w`/`v`, `-iy`/`-y`) |

mod arabic_script;
mod cantonese;
mod han;
mod korean;
mod latin_fold;
mod mandarin;

use serde::Serialize;

use crate::similarity::small_hash;

pub(crate) use arabic_script::is_arabic;
pub(crate) use han::{is_han, is_hangul};

/// A writing system a token was read in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum System {
    /// Han characters (Chinese), read in Mandarin or Cantonese.
    HanCharacters,
    /// Hanyu Pinyin.
    Pinyin,
    /// Wade-Giles (apostrophes and umlauts dropped, as lists write it).
    WadeGiles,
    /// Yale romanisation of Mandarin.
    Yale,
    /// Jyutping or the Hong Kong government's Cantonese spellings.
    Cantonese,
    /// Hangul.
    Hangul,
    /// Arabic script.
    ArabicScript,
    /// A Latin spelling of an Arabic name (compared with Arabic script by
    /// its consonants).
    ArabicLatin,
    /// Revised Romanisation, McCune–Reischauer or a passport spelling of
    /// Korean.
    KoreanLatin,
    /// A Latin spelling folded across German umlaut spellings and the
    /// usual romanisations of Cyrillic.
    LatinFold,
}

/// The family whose keys are compared.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Family {
    Mandarin,
    Cantonese,
    Korean,
    LatinFold,
    ArabicConsonants,
    /// One Mandarin syllable of a token: for finding candidates only, never
    /// a match by itself.
    Syllable,
    /// The syllable of a one-syllable Latin token, looking for the
    /// multi-syllable tokens that contain it.
    SyllableProbe,
}

/// One reading of a token.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Key {
    pub family: Family,
    pub hash: u32,
    pub via: System,
}

impl Key {
    fn new(family: Family, via: System, reading: &str) -> Self {
        let mut bytes = Vec::with_capacity(reading.len() + 1);
        // a probe finds the syllables it probes for
        let hashed = if family == Family::SyllableProbe {
            Family::Syllable
        } else {
            family
        };
        bytes.push(hashed as u8);
        bytes.extend_from_slice(reading.as_bytes());
        Self {
            family,
            hash: small_hash(&bytes),
            via,
        }
    }

    /// The value the index looks keys up by (family and reading).
    pub(crate) fn lookup(self) -> u32 {
        self.hash
    }

    /// Whether the key can make a match (not a syllable lead).
    pub(crate) fn can_match(self) -> bool {
        !matches!(self.family, Family::Syllable | Family::SyllableProbe)
    }

    /// What the index does with the key.
    pub(crate) fn role(self) -> Role {
        match (self.family, self.via) {
            (Family::Syllable, System::HanCharacters) => Role::HanSyllable,
            (Family::Syllable, _) => Role::Syllable,
            (Family::SyllableProbe, _) => Role::SyllableProbe,
            (Family::ArabicConsonants, System::ArabicLatin) => Role::LatinConsonants,
            _ => Role::Match,
        }
    }
}

/// What the index does with a key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Role {
    /// A shared key is a match.
    Match,
    /// A Latin token's consonants: found only from Arabic script.
    LatinConsonants,
    /// A syllable of a multi-syllable Latin token: a lead to candidates,
    /// never a match.
    Syllable,
    /// The reading of a Han character as a syllable lead.
    HanSyllable,
    /// A one-syllable Latin token looking for multi-syllable ones (not
    /// indexed).
    SyllableProbe,
}

/// Longest Latin token read as Cantonese or Korean (two syllables joined:
/// `geunhye`, `myeongbak`, `hyeonjeong`, `cheungkwok`).
const MAX_SYLLABIC: usize = 12;

/// Longest Latin token given readings (longer ones are not names' syllables).
const MAX_LATIN: usize = 24;

/// The keys of a normalized token (lowercase ASCII, or Han characters, or
/// Hangul syllables), sorted and without repeats.
pub(crate) fn keys(token: &str) -> Vec<Key> {
    let mut out = Vec::new();
    if token.is_empty() {
        return out;
    }
    if token.chars().all(is_han) {
        for reading in han::mandarin_readings(token) {
            out.push(Key::new(Family::Mandarin, System::HanCharacters, &reading));
            if token.chars().count() == 1 {
                out.push(Key::new(Family::Syllable, System::HanCharacters, &reading));
            }
        }
        if let Some(jyutping) = han::cantonese_reading(token) {
            let skeleton = cantonese::skeleton(&jyutping);
            out.push(Key::new(
                Family::Cantonese,
                System::HanCharacters,
                &skeleton,
            ));
        }
    } else if token.chars().all(is_hangul) {
        let latin = korean::hangul_to_latin(token);
        out.push(Key::new(
            Family::Korean,
            System::Hangul,
            &korean::skeleton(&latin),
        ));
    } else if token.chars().all(is_arabic) {
        if let Some(skeleton) = arabic_script::skeleton(token) {
            out.push(Key::new(
                Family::ArabicConsonants,
                System::ArabicScript,
                &skeleton,
            ));
        }
    } else if token.len() >= 2
        && token.len() <= MAX_LATIN
        && token.bytes().all(|b| b.is_ascii_lowercase())
    {
        let (whole, syllables) = mandarin::readings(token);
        for (via, reading) in whole {
            out.push(Key::new(Family::Mandarin, via, &reading));
        }
        let family = if mandarin::is_syllable(token) {
            Family::SyllableProbe
        } else {
            Family::Syllable
        };
        for (via, syllable) in syllables {
            out.push(Key::new(family, via, &syllable));
        }
        if token.len() <= MAX_SYLLABIC {
            if let Some(skeleton) = cantonese::latin_skeleton(token) {
                out.push(Key::new(Family::Cantonese, System::Cantonese, &skeleton));
            }
            out.push(Key::new(
                Family::Korean,
                System::KoreanLatin,
                &korean::skeleton(token),
            ));
        }
        if let Some(folded) = latin_fold::fold(token) {
            out.push(Key::new(Family::LatinFold, System::LatinFold, &folded));
        }
        if let Some(skeleton) = arabic_script::skeleton(token) {
            out.push(Key::new(
                Family::ArabicConsonants,
                System::ArabicLatin,
                &skeleton,
            ));
        }
    }
    out.sort_unstable();
    out.dedup_by_key(|k| (k.family, k.hash));
    out
}

/// Whether `token` is one Mandarin syllable in Pinyin, Wade-Giles or Yale.
pub(crate) fn is_chinese_syllable(token: &str) -> bool {
    mandarin::is_syllable(token)
}

/// Whether a Latin `token` can be one syllable of a Chinese or Korean
/// name: Mandarin (Pinyin, Wade-Giles, Yale), Cantonese (Jyutping, Hong
/// Kong spellings) or Korean (any romanisation of a Hangul syllable).
pub(crate) fn is_name_syllable(token: &str) -> bool {
    token.len() <= MAX_NAME_SYLLABLE
        && token.bytes().all(|b| b.is_ascii_lowercase())
        && (mandarin::is_syllable(token)
            || cantonese::is_syllable(token)
            || korean::is_syllable(token))
}

/// Longest Latin syllable of a name (`gyeong`, `cheung`, `hsiung`).
const MAX_NAME_SYLLABLE: usize = 6;

/// Whether `key` reads a syllable of a Cantonese or Korean name (Mandarin
/// syllables have their own leads).
pub(crate) fn is_cantonese_or_korean(key: &Key) -> bool {
    matches!(key.family, Family::Cantonese | Family::Korean)
}

/// The first pair of keys, one of each side, that share a family and a
/// value; for Han characters on both sides every family both have must
/// agree (王 and 黄 are both `wong` in Cantonese but not in Mandarin).
/// Arabic consonant skeletons count only when exactly one side is in
/// Arabic script.
pub(crate) fn shared(a: &[Key], b: &[Key], both_han: bool) -> Option<(Key, Key)> {
    let arabic = |k: &[Key]| k.iter().any(|k| k.via == System::ArabicScript);
    let consonants_count = arabic(a) != arabic(b);
    let mut found = None;
    for x in a {
        if matches!(x.family, Family::Syllable | Family::SyllableProbe)
            || (x.family == Family::ArabicConsonants && !consonants_count)
        {
            continue;
        }
        if let Some(y) = b.iter().find(|y| y.family == x.family && y.hash == x.hash) {
            if !both_han {
                return Some((*x, *y));
            }
            found.get_or_insert((*x, *y));
        }
    }
    if both_han {
        for family in [Family::Mandarin, Family::Cantonese] {
            let has = |k: &[Key]| k.iter().any(|k| k.family == family);
            let agree = found.is_some_and(|(x, _)| x.family == family)
                || a.iter().any(|x| {
                    x.family == family && b.iter().any(|y| y.family == family && y.hash == x.hash)
                });
            if has(a) && has(b) && !agree {
                return None;
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meet(a: &str, b: &str) -> bool {
        let both_han = a.chars().all(is_han) && b.chars().all(is_han);
        shared(&keys(a), &keys(b), both_han).is_some()
    }

    #[test]
    fn han_characters_meet_every_romanisation() {
        assert!(meet("邓", "deng"));
        assert!(meet("邓", "teng"));
        assert!(meet("小平", "xiaoping"));
        assert!(meet("小平", "hsiaoping"));
        assert!(meet("王", "wong"));
        assert!(meet("黃", "wong"));
        assert!(meet("曾", "tsang"));
        assert!(meet("權", "kuen"));
    }

    #[test]
    fn older_and_hong_kong_spellings_meet_their_characters() {
        for (han, latin) in [
            ("孫", "sun"),
            ("逸", "yat"),
            ("仙", "sen"),
            ("逸仙", "yatsen"),
            ("介", "kai"),
            ("石", "shek"),
            ("介石", "kaishek"),
            ("蔣", "chiang"),
            ("張", "cheung"),
            ("張", "chang"),
            ("謝", "tse"),
            ("曾", "tsang"),
            ("吳", "ng"),
            ("郭", "kwok"),
            ("許", "hui"),
            ("楊", "yeung"),
            ("葉", "yip"),
            ("葉", "ip"),
            ("大文", "taiman"),
            ("家衛", "karwai"),
            ("國榮", "kwokwing"),
        ] {
            assert!(meet(han, latin), "{han} {latin}");
        }
        assert!(!meet("仙", "sang"));
        assert!(!meet("張", "chan"));
    }

    #[test]
    fn han_surnames_that_only_collide_in_cantonese_differ() {
        assert!(!meet("王", "黃"));
        assert!(meet("黃", "黄"));
        assert!(!meet("wang", "huang"));
    }

    #[test]
    fn korean_spellings_meet() {
        assert!(meet("lee", "이"));
        assert!(meet("rhee", "yi"));
        assert!(meet("park", "bak"));
        assert!(meet("jong", "정"));
        assert!(meet("jongun", "정은"));
        assert!(meet("geunhye", "근혜"));
        assert!(meet("myeongbak", "명박"));
        assert!(meet("myungbak", "myeongbak"));
    }

    #[test]
    fn arabic_script_meets_latin_but_latin_spellings_need_more() {
        assert!(meet("محمد", "mohammed"));
        assert!(!meet("hasan", "husayn"));
    }

    #[test]
    fn latin_folds_meet() {
        assert!(meet("mueller", "muller"));
        assert!(meet("rosoboronexport", "rosoboroneksport"));
        assert!(meet("zakrytoye", "zakrytoe"));
    }
}
