//! ISO-8601 durations (`IsoDuration::parse`): no panic, and what parses
//! renders to itself, re-parses to the same length, and survives JSON.
#![no_main]

use libfuzzer_sys::fuzz_target;
use portcullis_domain::IsoDuration;

fuzz_target!(|text: &str| {
    let Ok(duration) = IsoDuration::parse(text) else {
        return;
    };
    assert!(duration.as_seconds() >= 0, "negative length for {text:?}");
    let rendered = duration.to_string();
    assert_eq!(rendered, text);
    let again = IsoDuration::parse(&rendered).expect("a rendered duration parses");
    assert_eq!(again, duration);
    let json = serde_json::to_string(&duration).expect("a duration serializes");
    let back: IsoDuration = serde_json::from_str(&json).expect("a serialized duration parses");
    assert_eq!(back, duration);
});
