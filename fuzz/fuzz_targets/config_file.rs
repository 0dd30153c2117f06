//! Configuration files: the `--config` TOML (`FileConfig::from_toml`) and
//! the role catalog it may name (`RoleCatalog::from_toml`, `from_json`).
//! Every input goes to all three: no panic, and an accepted catalog has
//! every role it lists.
#![no_main]

use libfuzzer_sys::fuzz_target;
use portcullis_domain::RoleCatalog;
use portcullis_service::FileConfig;

fuzz_target!(|text: &str| {
    let _ = FileConfig::from_toml(text);
    for catalog in [RoleCatalog::from_toml(text), RoleCatalog::from_json(text)]
        .into_iter()
        .flatten()
    {
        for role in catalog.iter() {
            assert!(
                catalog.get(role.id).is_some(),
                "a listed role is found by id"
            );
        }
    }
});
