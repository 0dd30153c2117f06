//! The offline commands and the loads into the database without a running
//! server, one module per command. The engines take values and return
//! values; reading files, arguments and printing live here.

pub mod bulk;
pub mod demo;
pub mod detect;
pub mod intel;
pub mod posture;
pub mod reviews;
pub mod screen;
pub mod templates;
pub mod usage;
pub mod watchlist;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::sync::Arc;

use anyhow::Context as _;
use portcullis_domain::SystemClock;
use portcullis_service::Portcullis;

use crate::config::Config;

/// A file, or standard input for `-`.
fn open_input(path: &Path) -> anyhow::Result<Box<dyn BufRead>> {
    Ok(if path.as_os_str() == "-" {
        Box::new(BufReader::new(std::io::stdin()))
    } else {
        let file = std::fs::File::open(path)
            .with_context(|| format!("cannot open `{}`", path.display()))?;
        Box::new(BufReader::new(file))
    })
}

/// The file's name without its extension: the default source or list name.
fn stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The service over the configured database, for the loads, with the
/// cluster-wide settings stored there in force over the file's.
async fn app(config: &Config) -> anyhow::Result<Portcullis> {
    let store = crate::open(config).await?;
    let app = Portcullis::load(Arc::new(store), Arc::new(SystemClock), config.catalog()?)
        .await?
        .with_vetting(config.vetting.clone())
        .with_least_privilege(config.least_privilege.clone());
    app.apply_stored_settings().await?;
    Ok(app)
}
