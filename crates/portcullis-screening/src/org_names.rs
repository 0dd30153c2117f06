//! Organization names beyond their legal form: the parts of a "trading as"
//! name, the words that carry no identity, and acronyms written with dots.

/// Markers between the parts of one name that are each a name of the same
/// party (`Foo Ltd t/a Bar`, `Foo (formerly Bar)`), as normalized tokens.
const PART_MARKERS: &[&[&str]] = &[
    &["trading", "as"],
    &["t", "a"],
    &["doing", "business", "as"],
    &["d", "b", "a"],
    &["dba"],
    &["also", "known", "as"],
    &["a", "k", "a"],
    &["aka"],
    &["formerly", "known", "as"],
    &["formerly"],
    &["f", "k", "a"],
    &["fka"],
    &["previously"],
];

/// Common words of organization names: their weight is capped so that two
/// names agreeing only on them do not match, whatever the list's size.
pub(crate) const GENERIC_WORDS: &[&str] = &[
    "agency",
    "asia",
    "associates",
    "bank",
    "business",
    "capital",
    "center",
    "centre",
    "commercial",
    "company",
    "construction",
    "consulting",
    "corporate",
    "development",
    "east",
    "electric",
    "energy",
    "engineering",
    "enterprise",
    "enterprises",
    "equipment",
    "europe",
    "export",
    "exports",
    "finance",
    "financial",
    "first",
    "foundation",
    "general",
    "global",
    "group",
    "holding",
    "holdings",
    "import",
    "imports",
    "industrial",
    "industries",
    "industry",
    "information",
    "international",
    "invest",
    "investment",
    "investments",
    "logistics",
    "management",
    "manufacturing",
    "marine",
    "maritime",
    "middle",
    "national",
    "network",
    "new",
    "north",
    "oil",
    "pacific",
    "partners",
    "petroleum",
    "products",
    "resources",
    "services",
    "shipping",
    "solutions",
    "south",
    "supply",
    "systems",
    "technologies",
    "technology",
    "trade",
    "trading",
    "transport",
    "united",
    "ventures",
    "west",
    "world",
    "worldwide",
];

/// Whether `token` is a generic organization word.
pub(crate) fn is_generic(token: &str) -> bool {
    GENERIC_WORDS.binary_search(&token).is_ok()
}

/// The parts of a tokenized name split at [`PART_MARKERS`] (the name
/// itself when it has none; empty parts dropped).
pub(crate) fn split_parts(tokens: &[String]) -> Vec<Vec<String>> {
    let mut parts = Vec::new();
    let mut current: Vec<String> = Vec::new();
    let mut i = 0;
    'outer: while i < tokens.len() {
        if !current.is_empty() {
            for marker in PART_MARKERS {
                let n = marker.len();
                let hit = tokens
                    .get(i..i + n)
                    .is_some_and(|w| w.iter().zip(marker.iter()).all(|(a, b)| a == b));
                if hit && i + n < tokens.len() {
                    parts.push(std::mem::take(&mut current));
                    i += n;
                    continue 'outer;
                }
            }
        }
        if let Some(t) = tokens.get(i) {
            current.push(t.clone());
        }
        i += 1;
    }
    if !current.is_empty() {
        parts.push(current);
    }
    parts
}

/// Drops `the` and `and` / `und` / `et` (`&` is already gone) and joins
/// runs of two or more single letters (`N.I.O.C.` → `nioc`).
pub(crate) fn tidy(tokens: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(tokens.len());
    let mut run = String::new();
    let total = tokens.len();
    for token in tokens {
        if total > 1 && matches!(token.as_str(), "the" | "and" | "und" | "et") {
            continue;
        }
        if token.len() == 1 && token.bytes().all(|b| b.is_ascii_alphabetic()) {
            run.push_str(&token);
            continue;
        }
        flush(&mut run, &mut out);
        out.push(token);
    }
    flush(&mut run, &mut out);
    out
}

fn flush(run: &mut String, out: &mut Vec<String>) {
    if !run.is_empty() {
        out.push(std::mem::take(run));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<String> {
        s.split(' ').map(str::to_owned).collect()
    }

    #[test]
    fn generic_words_are_sorted_for_search() {
        let mut sorted = GENERIC_WORDS.to_vec();
        sorted.sort_unstable();
        assert_eq!(sorted, GENERIC_WORDS);
        assert!(is_generic("trading"));
        assert!(!is_generic("upjohn"));
    }

    #[test]
    fn trading_as_names_split_into_parts() {
        assert_eq!(
            split_parts(&toks("hallam marine trading as seaways")),
            vec![toks("hallam marine"), toks("seaways")]
        );
        assert_eq!(
            split_parts(&toks("acme t a zenith")),
            vec![toks("acme"), toks("zenith")]
        );
        assert_eq!(
            split_parts(&toks("acme trading")),
            vec![toks("acme trading")]
        );
    }

    #[test]
    fn articles_conjunctions_and_dotted_acronyms() {
        assert_eq!(tidy(toks("the hallam and harrow")), toks("hallam harrow"));
        assert_eq!(tidy(toks("n i o c")), toks("nioc"));
        assert_eq!(tidy(toks("the")), toks("the"));
    }
}
