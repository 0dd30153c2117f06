//! Jaro-Winkler similarity of two ASCII tokens without allocating: the
//! matched positions are bits of a word. The same arithmetic as
//! `strsim::jaro_winkler` (which allocates its flags on every call, and
//! this is called for every phonetically equal pair); tokens longer than
//! 64 bytes go to `strsim`.

/// Jaro-Winkler similarity of `a` and `b` (the prefix bonus only above
/// 0.7, on at most 4 letters).
pub(crate) fn jaro_winkler(a: &str, b: &str) -> f64 {
    let (x, y) = (a.as_bytes(), b.as_bytes());
    if !a.is_ascii() || !b.is_ascii() || x.len() > 64 || y.len() > 64 {
        return strsim::jaro_winkler(a, b);
    }
    let sim = jaro(x, y);
    if sim > 0.7 {
        let prefix = x.iter().take(4).zip(y).take_while(|(p, q)| p == q).count();
        sim + 0.1 * prefix as f64 * (1.0 - sim)
    } else {
        sim
    }
}

fn jaro(a: &[u8], b: &[u8]) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let range = (a.len().max(b.len()) / 2).saturating_sub(1);
    let (mut a_flags, mut b_flags) = (0u64, 0u64);
    let mut matches = 0usize;
    for (i, &ca) in a.iter().enumerate() {
        let lo = i.saturating_sub(range);
        let hi = b.len().min(i + range + 1);
        for j in lo..hi {
            if b_flags & (1 << j) == 0 && b.get(j) == Some(&ca) {
                a_flags |= 1 << i;
                b_flags |= 1 << j;
                matches += 1;
                break;
            }
        }
    }
    if matches == 0 {
        return 0.0;
    }
    let mut transpositions = 0usize;
    let mut next_b = 0usize;
    for (i, &ca) in a.iter().enumerate() {
        if a_flags & (1 << i) == 0 {
            continue;
        }
        while next_b < b.len() && b_flags & (1 << next_b) == 0 {
            next_b += 1;
        }
        if b.get(next_b) != Some(&ca) {
            transpositions += 1;
        }
        next_b += 1;
    }
    let m = matches as f64;
    let t = (transpositions / 2) as f64;
    (m / a.len() as f64 + m / b.len() as f64 + (m - t) / m) / 3.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agrees_with_strsim() {
        let words = [
            "",
            "a",
            "mohammed",
            "muhammad",
            "mohamed",
            "hassan",
            "hussein",
            "smith",
            "smyth",
            "martha",
            "marhta",
            "dixon",
            "dicksonx",
            "jellyfish",
            "smellyfish",
            "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijkl",
            "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijkm",
            "gorov",
            "gorkiranes",
            "kazaro",
            "kazarov",
            "aa",
            "aaa",
        ];
        for a in words {
            for b in words {
                let (ours, theirs) = (jaro_winkler(a, b), strsim::jaro_winkler(a, b));
                assert!((ours - theirs).abs() < 1e-12, "{a} {b}: {ours} {theirs}");
            }
        }
    }
}
