//! Indicator files (`import_bytes`: a STIX 2.1 bundle, STIX JSON lines or
//! a CSV list): no panic on any bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    if let Ok(report) = portcullis_intel::import_bytes(bytes) {
        let _ = report.counts_by_type();
    }
});
