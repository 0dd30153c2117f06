//! Synthetic watchlists and queries: names from syllables and skewed
//! first-name / common-word lists, some in Cyrillic, and query variants of
//! listed names (typos, order, case, legal forms, dropped tokens).
//! Shared by the quality test (background entities) and the benchmark.
#![allow(dead_code, reason = "each user takes a part")]

use portcullis_screening::{Entity, Schema};

/// A small deterministic generator (SplitMix64).
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    pub fn chance(&mut self, p: f64) -> bool {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }

    /// An index in 0..n skewed toward 0 (roughly Zipf-like).
    pub fn skewed(&mut self, n: usize) -> usize {
        let u = (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
        ((n as f64).powf(u) - 1.0) as usize % n.max(1)
    }

    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const FIRST: &[&str] = &[
    "mohammed",
    "ali",
    "john",
    "maria",
    "ahmed",
    "david",
    "anna",
    "michael",
    "elena",
    "omar",
    "sergei",
    "olga",
    "james",
    "fatima",
    "hassan",
    "ivan",
    "wei",
    "li",
    "jose",
    "juan",
    "peter",
    "natalia",
    "robert",
    "sarah",
    "yusuf",
    "ibrahim",
    "dmitry",
    "alexander",
    "mikhail",
    "andrei",
    "abdul",
    "karim",
    "george",
    "thomas",
    "daniel",
    "leila",
    "hana",
    "paul",
    "mark",
    "laura",
];
const COMMON_ORG: &[&str] = &[
    "trading",
    "group",
    "holding",
    "international",
    "global",
    "energy",
    "bank",
    "investment",
    "services",
    "industries",
    "shipping",
    "capital",
    "logistics",
    "import",
    "export",
    "general",
    "technologies",
    "petroleum",
    "construction",
    "development",
];
const FORMS: &[&str] = &[
    "LLC", "Ltd", "GmbH", "OOO", "JSC", "S.A.", "Inc.", "Corp", "PLC", "AG",
];
const SYL: &[&str] = &[
    "ka", "ro", "mi", "sha", "ten", "vo", "lin", "dar", "bek", "ov", "ra", "ni", "zu", "pol", "ta",
    "gor", "en", "sa", "li", "mar", "ko", "dan", "vi", "tro", "ha", "sim", "ur", "bo", "nes", "ki",
    "lev", "am", "cho", "rin", "tu", "fa", "gel", "on", "sky", "mo",
];

/// A rare word of 2–4 syllables.
pub fn word(rng: &mut Rng) -> String {
    let n = 2 + rng.below(3);
    let mut w = String::new();
    for _ in 0..n {
        w.push_str(rng.pick(SYL));
    }
    w
}

fn capital(w: &str) -> String {
    let mut c = w.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// Latin to Cyrillic, letter by letter (enough for the syllables above).
fn cyrillic(s: &str) -> String {
    s.replace("sh", "ш")
        .replace("ch", "ч")
        .chars()
        .map(|c| match c.to_ascii_lowercase() {
            'a' => 'а',
            'b' => 'б',
            'v' => 'в',
            'g' => 'г',
            'd' => 'д',
            'e' => 'е',
            'z' => 'з',
            'i' => 'и',
            'k' => 'к',
            'l' => 'л',
            'm' => 'м',
            'n' => 'н',
            'o' => 'о',
            'p' => 'п',
            'r' => 'р',
            's' => 'с',
            't' => 'т',
            'u' => 'у',
            'f' => 'ф',
            'h' => 'х',
            'y' => 'ы',
            other => other,
        })
        .collect()
}

pub fn person_name(rng: &mut Rng) -> String {
    let first = capital(FIRST[rng.skewed(FIRST.len())]);
    let last = capital(&word(rng));
    if rng.chance(0.3) {
        format!("{first} {} {last}", capital(&word(rng)))
    } else {
        format!("{first} {last}")
    }
}

pub fn org_name(rng: &mut Rng) -> String {
    let mut parts = vec![capital(&word(rng))];
    if rng.chance(0.4) {
        parts.push(capital(&word(rng)));
    }
    if rng.chance(0.7) {
        parts.push(capital(COMMON_ORG[rng.skewed(COMMON_ORG.len())]));
    }
    if rng.chance(0.8) {
        parts.push(rng.pick(FORMS).to_owned());
    }
    parts.join(" ")
}

/// `n` entities, 60% persons, ~1.3 names each, 5% of names in Cyrillic.
pub fn entities(n: usize, seed: u64) -> Vec<Entity> {
    let mut rng = Rng::new(seed);
    (0..n)
        .map(|i| {
            let person = rng.chance(0.6);
            let mut names = vec![if person {
                person_name(&mut rng)
            } else {
                org_name(&mut rng)
            }];
            if rng.chance(0.3) {
                names.push(if person {
                    person_name(&mut rng)
                } else {
                    org_name(&mut rng)
                });
            }
            if rng.chance(0.05) {
                names.push(cyrillic(&names[0]));
            }
            Entity {
                id: format!("syn-{i}"),
                schema: if person {
                    Schema::Person
                } else {
                    Schema::Company
                },
                names,
                countries: vec![
                    ["ru", "ir", "sy", "kp", "ae", "cn", "us", "gb"][rng.below(8)].to_owned(),
                ],
                birth_years: if person {
                    vec![1940 + rng.below(60) as i32]
                } else {
                    vec![]
                },
            }
        })
        .collect()
}

/// A variant of `name` a real applicant might write.
pub fn variant(rng: &mut Rng, name: &str) -> String {
    let mut tokens: Vec<String> = name.split(' ').map(str::to_owned).collect();
    match rng.below(5) {
        0 => tokens.iter_mut().for_each(|t| *t = t.to_uppercase()),
        1 => tokens.reverse(),
        2 => {
            // one-letter typo in the longest token
            if let Some(t) = tokens.iter_mut().max_by_key(|t| t.len()) {
                let mut chars: Vec<char> = t.chars().collect();
                let at = 1 + rng.below(chars.len().saturating_sub(1).max(1));
                if at < chars.len() {
                    chars[at] = if chars[at] == 'a' { 'e' } else { 'a' };
                }
                *t = chars.into_iter().collect();
            }
        }
        3 => tokens.push("Limited".to_owned()),
        _ => {
            if tokens.len() > 2 {
                tokens.remove(1);
            }
        }
    }
    tokens.join(" ")
}
