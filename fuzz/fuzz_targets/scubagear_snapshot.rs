//! ScubaGear provider exports (`Snapshot::parse`): no panic, and the
//! queries on a parsed snapshot.
#![no_main]

use libfuzzer_sys::fuzz_target;
use portcullis_posture::Snapshot;

fuzz_target!(|bytes: &[u8]| {
    let Ok(snapshot) = Snapshot::parse(bytes) else {
        return;
    };
    let _ = snapshot.taken_at();
    let _ = snapshot.has_section("conditional_access_policies");
    let json = serde_json::to_vec(snapshot.document()).expect("a document serializes");
    assert!(
        Snapshot::parse(&json).is_ok(),
        "a parsed document parses again"
    );
});
