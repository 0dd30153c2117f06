//! The inverted index: a vocabulary of normalized tokens with their rarity
//! (IDF), postings from each token to the names that contain it, and two
//! fuzzy doors into the vocabulary — Double Metaphone keys and
//! single-deletion keys (SymSpell style) — and a third through the tokens'
//! readings (Pinyin, Cantonese, Korean, Latin fold), so that a misspelt or
//! differently transliterated query token still finds its listed tokens
//! without a scan. Generic organization words weigh at most
//! [`GENERIC_WEIGHT`].

use std::collections::HashMap;
use std::sync::Arc;

use foldhash::fast::FixedState;

use crate::key_table::KeyTable;
use crate::org_names::is_generic;
use crate::readings::{Key, Role, System, keys};
use crate::similarity::{Shape, Tok, phonetic_key, small_hash};

/// Most weight a generic organization word (`trading`, `global`, …) has.
pub(crate) const GENERIC_WEIGHT: f32 = 1.0;

/// Most tokens kept of one name (the rest are ignored).
pub(crate) const MAX_NAME_TOKENS: usize = 32;

/// One vocabulary token.
pub(crate) struct TokenInfo {
    pub text: Arc<str>,
    pub phonetic: u32,
    pub keys: Box<[Key]>,
    pub shape: Shape,
    pub idf: f32,
}

impl TokenInfo {
    pub(crate) fn tok(&self) -> Tok<'_> {
        Tok {
            text: &self.text,
            phonetic: self.phonetic,
            keys: &self.keys,
            shape: self.shape,
        }
    }
}

/// The weight of a token found in `df` of `n` names.
pub(crate) fn token_weight(text: &str, n: usize, df: usize) -> f32 {
    let w = idf(n, df);
    if is_generic(text) {
        w.min(GENERIC_WEIGHT)
    } else {
        w
    }
}

pub(crate) struct TokenIndex {
    ids: HashMap<Arc<str>, u32, FixedState>,
    pub(crate) tokens: Vec<TokenInfo>,
    posting_starts: Vec<u32>,
    postings: Vec<u32>,
    by_phonetic: KeyTable,
    by_deletion: KeyTable,
    /// Readings that make a match (Pinyin, Cantonese, Korean, Latin fold,
    /// and Arabic-script consonants).
    by_reading: KeyTable,
    /// Consonant skeletons of Latin tokens: looked up only from Arabic
    /// script (between two Latin spellings they say too little).
    by_latin_consonants: KeyTable,
    /// Syllables of multi-syllable Latin tokens: leads to candidates.
    by_syllable: KeyTable,
    /// Readings of Han characters: leads from multi-syllable Latin tokens.
    by_han_syllable: KeyTable,
    /// IDF of a token no name contains.
    pub(crate) unknown_idf: f32,
}

/// Names as lists of token ids (compressed rows).
pub(crate) struct NameTokens {
    starts: Vec<u32>,
    ids: Vec<u32>,
}

impl NameTokens {
    pub(crate) fn get(&self, name: u32) -> &[u32] {
        let i = name as usize;
        let (Some(&s), Some(&e)) = (self.starts.get(i), self.starts.get(i + 1)) else {
            return &[];
        };
        self.ids.get(s as usize..e as usize).unwrap_or_default()
    }
}

/// The IDF of a token found in `df` of `n` names.
fn idf(n: usize, df: usize) -> f32 {
    (1.0 + n as f32 / df.max(1) as f32).ln()
}

impl TokenIndex {
    /// Indexes `names` (each a list of normalized tokens, already capped).
    pub(crate) fn build(names: &[Vec<String>]) -> (Self, NameTokens) {
        let mut ids: HashMap<Arc<str>, u32, FixedState> = HashMap::default();
        let mut texts: Vec<Arc<str>> = Vec::new();
        let mut df: Vec<u32> = Vec::new();
        let mut name_starts = Vec::with_capacity(names.len() + 1);
        let mut name_ids = Vec::new();
        name_starts.push(0u32);
        for tokens in names {
            let first = name_ids.len();
            for token in tokens {
                let id = match ids.get(token.as_str()) {
                    Some(&id) => id,
                    None => {
                        let id = u32::try_from(texts.len()).unwrap_or(u32::MAX);
                        let text: Arc<str> = Arc::from(token.as_str());
                        ids.insert(Arc::clone(&text), id);
                        texts.push(text);
                        df.push(0);
                        id
                    }
                };
                let repeated = name_ids.get(first..).is_some_and(|s| s.contains(&id));
                if !repeated && let Some(d) = df.get_mut(id as usize) {
                    *d += 1;
                }
                name_ids.push(id);
            }
            name_starts.push(u32::try_from(name_ids.len()).unwrap_or(u32::MAX));
        }
        let name_tokens = NameTokens {
            starts: name_starts,
            ids: name_ids,
        };

        // Postings: counting sort of (token, name) pairs, one per distinct
        // token of each name.
        let mut posting_starts = vec![0u32; texts.len() + 1];
        for (i, &d) in df.iter().enumerate() {
            if let Some(next) = posting_starts.get_mut(i + 1) {
                *next = d;
            }
        }
        for i in 1..posting_starts.len() {
            let prev = posting_starts.get(i - 1).copied().unwrap_or(0);
            if let Some(cur) = posting_starts.get_mut(i) {
                *cur += prev;
            }
        }
        let mut fill = posting_starts.clone();
        let mut postings = vec![0u32; posting_starts.last().copied().unwrap_or(0) as usize];
        for name in 0..names.len() {
            let name = u32::try_from(name).unwrap_or(u32::MAX);
            let toks = name_tokens.get(name);
            for (k, &t) in toks.iter().enumerate() {
                if toks.get(..k).is_some_and(|before| before.contains(&t)) {
                    continue;
                }
                if let Some(slot) = fill.get_mut(t as usize) {
                    if let Some(p) = postings.get_mut(*slot as usize) {
                        *p = name;
                    }
                    *slot += 1;
                }
            }
        }

        let n = names.len();
        let mut tokens = Vec::with_capacity(texts.len());
        let mut by_phonetic = Vec::new();
        let mut by_deletion = Vec::new();
        let mut by_reading = Vec::new();
        let mut by_latin_consonants = Vec::new();
        let mut by_syllable = Vec::new();
        let mut by_han_syllable = Vec::new();
        for (id, text) in texts.into_iter().enumerate() {
            let id = u32::try_from(id).unwrap_or(u32::MAX);
            let phonetic = phonetic_key(&text);
            if phonetic != 0 {
                by_phonetic.push((phonetic, id));
            }
            for key in deletion_keys(&text) {
                by_deletion.push((key, id));
            }
            let token_keys = keys(&text);
            for key in &token_keys {
                let table = match key.role() {
                    Role::Match => &mut by_reading,
                    Role::LatinConsonants => &mut by_latin_consonants,
                    Role::Syllable => &mut by_syllable,
                    Role::HanSyllable => &mut by_han_syllable,
                    Role::SyllableProbe => continue,
                };
                table.push((key.lookup(), id));
            }
            let d = df.get(id as usize).copied().unwrap_or(1) as usize;
            let idf = token_weight(&text, n, d);
            let shape = Shape::of(&text, &token_keys);
            tokens.push(TokenInfo {
                text,
                phonetic,
                shape,
                keys: token_keys.into_boxed_slice(),
                idf,
            });
        }

        let index = Self {
            ids,
            tokens,
            posting_starts,
            postings,
            by_phonetic: KeyTable::new(by_phonetic),
            by_deletion: KeyTable::new(by_deletion),
            by_reading: KeyTable::new(by_reading),
            by_latin_consonants: KeyTable::new(by_latin_consonants),
            by_syllable: KeyTable::new(by_syllable),
            by_han_syllable: KeyTable::new(by_han_syllable),
            unknown_idf: idf(n, 1),
        };
        (index, name_tokens)
    }

    /// The id of `token`, if some name contains it.
    pub(crate) fn id(&self, token: &str) -> Option<u32> {
        self.ids.get(token).copied()
    }

    pub(crate) fn token(&self, id: u32) -> Option<&TokenInfo> {
        self.tokens.get(id as usize)
    }

    /// The names containing token `id`, ascending.
    pub(crate) fn postings(&self, id: u32) -> &[u32] {
        let i = id as usize;
        let (Some(&s), Some(&e)) = (self.posting_starts.get(i), self.posting_starts.get(i + 1))
        else {
            return &[];
        };
        self.postings
            .get(s as usize..e as usize)
            .unwrap_or_default()
    }

    /// Vocabulary tokens that may correspond to `token` (same phonetic key,
    /// a shared reading, or within one deletion on either side), unchecked,
    /// with repeats.
    pub(crate) fn neighbours(
        &self,
        token: &str,
        phonetic: u32,
        readings: &[Key],
        out: &mut Vec<u32>,
    ) {
        for key in readings {
            match key.role() {
                Role::Match => {
                    out.extend(self.by_reading.ids(key.lookup()));
                    if key.via == System::ArabicScript {
                        out.extend(self.by_latin_consonants.ids(key.lookup()));
                    }
                }
                // a Latin query's consonants find Arabic-script tokens only
                Role::LatinConsonants => out.extend(self.by_reading.ids(key.lookup())),
                Role::Syllable | Role::HanSyllable | Role::SyllableProbe => {}
            }
        }
        if phonetic != 0 {
            out.extend(self.by_phonetic.ids(phonetic));
        }
        for key in deletion_keys(token) {
            out.extend(self.by_deletion.ids(key));
        }
    }
}

/// Most listed tokens one syllable may lead to (a syllable in more names
/// than this is no lead).
const MAX_SYLLABLE_LEADS: usize = 256;

impl TokenIndex {
    /// Vocabulary tokens sharing a Mandarin syllable with `readings`
    /// (`hsiao` → `xiaoping`), when the syllable is rare enough to lead.
    /// A one-syllable token or a Han character finds the multi-syllable
    /// Latin tokens with its syllable; a multi-syllable token finds the Han
    /// characters of its syllables.
    pub(crate) fn syllable_leads(&self, readings: &[Key], out: &mut Vec<u32>) {
        for key in readings {
            let table = match key.role() {
                Role::SyllableProbe | Role::HanSyllable => &self.by_syllable,
                Role::Syllable => &self.by_han_syllable,
                Role::Match | Role::LatinConsonants => continue,
            };
            let ids = table.get(key.lookup());
            if ids.len() <= MAX_SYLLABLE_LEADS {
                out.extend(ids.iter().map(|&(_, id)| id));
            }
        }
    }
}

/// Keys of a token and of each of its single-character deletions; none for
/// tokens shorter than 4 or with digits (they only match exactly).
fn deletion_keys(token: &str) -> Vec<u32> {
    let bytes = token.as_bytes();
    if bytes.len() < 4 || !bytes.iter().all(u8::is_ascii_lowercase) {
        return Vec::new();
    }
    let mut keys = Vec::with_capacity(bytes.len() + 1);
    keys.push(small_hash(bytes));
    let mut buf = Vec::with_capacity(bytes.len());
    for skip in 0..bytes.len() {
        buf.clear();
        for (i, &b) in bytes.iter().enumerate() {
            if i != skip {
                buf.push(b);
            }
        }
        keys.push(small_hash(&buf));
    }
    keys.sort_unstable();
    keys.dedup();
    keys
}
