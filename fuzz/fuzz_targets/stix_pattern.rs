//! STIX 2.1 patterns (`Pattern::parse`): no panic, bounded work (the
//! nesting and length limits; `-max_len` and `-timeout` in CI), the queries
//! on a parsed pattern, and evaluation against one observable of each kind.
#![no_main]

use libfuzzer_sys::fuzz_target;
use portcullis_intel::{Observable, Pattern};

fuzz_target!(|text: &str| {
    let Ok(pattern) = Pattern::parse(text) else {
        return;
    };
    assert_eq!(pattern.to_string(), text);
    let types = pattern.object_types();
    assert!(
        types.windows(2).all(|w| w[0] < w[1]),
        "types sorted and unique"
    );
    let _ = pattern.is_network_only();
    for observable in [
        Observable::guess("198.51.100.7"),
        Observable::guess("2001:db8::1"),
        Observable::guess("evil.example"),
        Observable::guess("bob@evil.example"),
        Observable::guess("http://x.example/a?b=c"),
    ]
    .into_iter()
    .flatten()
    {
        let _ = pattern.matches(&observable);
    }
    let again = Pattern::parse(&pattern.to_string()).expect("a parsed pattern parses again");
    assert_eq!(again.expression(), pattern.expression());
});
