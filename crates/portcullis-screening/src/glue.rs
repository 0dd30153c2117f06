//! Two adjacent tokens of one side written as one token of the other
//! (`abdul rahman` ~ `abdulrahman`, `hsiao ping` ~ `xiaoping`, `小 平` ~
//! `xiaoping`, `jong un` ~ `jongun`), and what one query's scoring works
//! out once and reuses across its candidates.

use std::collections::HashMap;

use foldhash::fast::FixedState;

use crate::readings::{Key, keys};
use crate::score::{Pair, Weighted};
use crate::similarity::{How, Shape, Tok, phonetic_key, token_similarity};

/// Two tokens written as one, with what the comparison needs of it.
struct Glued {
    text: String,
    phonetic: u32,
    keys: Vec<Key>,
    shape: Shape,
}

/// What one query's scoring works out once: glued tokens of the query
/// and its candidates, and how alike each listed token is to each query
/// token (candidates share tokens).
#[derive(Default)]
pub(crate) struct GlueCache {
    glued: HashMap<String, Glued, FixedState>,
    buf: String,
    similar: HashMap<u32, Vec<Option<(f32, How)>>, FixedState>,
    pub(crate) pairs: Vec<Pair>,
}

impl GlueCache {
    /// How alike listed token `listed` is to each token of `query`.
    pub(crate) fn similarities(
        &mut self,
        query: &[Weighted<'_>],
        listed: &Weighted<'_>,
    ) -> &[Option<(f32, How)>] {
        self.similar.entry(listed.id).or_insert_with(|| {
            query
                .iter()
                .map(|q| token_similarity(q.tok, listed.tok))
                .collect()
        })
    }

    fn get(&mut self, a: &str, b: &str) -> Tok<'_> {
        self.buf.clear();
        self.buf.push_str(a);
        self.buf.push_str(b);
        if !self.glued.contains_key(self.buf.as_str()) {
            let text = self.buf.clone();
            let keys = keys(&text);
            let glued = Glued {
                phonetic: phonetic_key(&text),
                shape: Shape::of(&text, &keys),
                keys,
                text: text.clone(),
            };
            self.glued.insert(text, glued);
        }
        match self.glued.get(self.buf.as_str()) {
            Some(g) => Tok {
                text: &g.text,
                phonetic: g.phonetic,
                keys: &g.keys,
                shape: g.shape,
            },
            None => Tok::new("", 0, &[]),
        }
    }
}

/// Whether `a` and `b` may be two syllables of one token: short, and
/// either both Han / Hangul / Arabic or both Latin.
fn gluable(a: &str, b: &str) -> bool {
    let short = |t: &str| t.chars().count() <= 6;
    short(a) && short(b) && (a.is_ascii() == b.is_ascii())
}

/// Whether `a` and `b` written as one are worth comparing with `whole`:
/// always in Han, Hangul or Arabic script; in Latin when the lengths are
/// within 4 and the glue starts like `whole` (`jong un` ~ `jongun`,
/// `abdul rahman` ~ `abdulrahman`) or both are Chinese syllables (`hsiao
/// ping` ~ `xiaoping`).
fn worth_gluing(a: &Tok<'_>, b: &Tok<'_>, whole: &str) -> bool {
    let (ta, tb) = (a.text, b.text);
    if !ta.is_ascii() || !whole.is_ascii() {
        return true;
    }
    if whole.len().abs_diff(ta.len() + tb.len()) > 4 {
        return false;
    }
    let mut start = ta.bytes().chain(tb.bytes());
    let starts_alike = whole.len() >= 2
        && start.next() == whole.bytes().next()
        && start.next() == whole.as_bytes().get(1).copied();
    starts_alike || (a.shape.syllable() && b.shape.syllable())
}

/// Pairs of two adjacent tokens of `split` written as one token of
/// `joined` (`abdul rahman` ~ `abdulrahman`, `hsiao ping` ~ `xiaoping`,
/// `小 平` ~ `xiaoping`). `swapped` when `split` is the candidate side.
/// `split_exact[i]` / `joined_exact[j]`: whether that token already has an
/// exact partner (then it is not glued).
pub(crate) fn joined_pairs(
    split: &[Weighted<'_>],
    joined: &[Weighted<'_>],
    swapped: bool,
    exact: (&[bool], &[bool]),
    cache: &mut GlueCache,
    out: &mut Vec<Pair>,
) {
    let (split_exact, joined_exact) = exact;
    let taken = |v: &[bool], i: usize| v.get(i).copied().unwrap_or(false);
    for (i, window) in split.windows(2).enumerate() {
        let [a, b] = window else { continue };
        if !gluable(a.tok.text, b.tok.text) || (taken(split_exact, i) && taken(split_exact, i + 1))
        {
            continue;
        }
        let partner = |(j, whole): &(usize, &Weighted<'_>)| {
            !taken(joined_exact, *j) && worth_gluing(&a.tok, &b.tok, whole.tok.text)
        };
        if !joined.iter().enumerate().any(|p| partner(&p)) {
            continue;
        }
        // Two syllables of a Chinese or Korean name written apart are a
        // given name: it is the same only if it reads the same, a
        // spelling one or two letters off is another name (`yat sang` is
        // not `yatsen`, `tai man` not `kaiman`).
        let given_name = a.tok.shape.name_syllable() && b.tok.shape.name_syllable();
        let glued = cache.get(a.tok.text, b.tok.text);
        for (j, whole) in joined.iter().enumerate().filter(|p| partner(p)) {
            let found = token_similarity(glued, whole.tok)
                .filter(|(_, how)| !(given_name && matches!(how, How::Fuzzy | How::Phonetic)));
            if let Some((sim, how)) = found {
                let (q, c) = if swapped {
                    ((j, j + 1), (i, i + 2))
                } else {
                    ((i, i + 2), (j, j + 1))
                };
                out.push(Pair { sim, q, c, how });
            }
        }
    }
}
