//! FollowTheMoney JSON-lines watchlists (`load_ftm`): no panic, the caps
//! hold, and the screener built from what loaded screens its own names.
#![no_main]

#[path = "common/watchlist.rs"]
mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    common::check(portcullis_screening::load_ftm(bytes, common::LIMITS));
});
