//! Each peer is built and checked in a process of its own: at full scale the
//! peers do not fit in memory together, and a fresh process is the only way
//! to read a peer's resident set without an allocator counting bytes (the
//! workspace forbids the `unsafe` that needs). The child is this binary,
//! run as `portcullis-bench check-peer <peer>`; its last line of output is
//! the [`PeerCheck`] as JSON.

use std::io::{BufRead as _, BufReader};
use std::process::{Command, Stdio};

use anyhow::Context as _;

use crate::run::{Options, Peer, PeerCheck};

/// The arguments that make this binary check `peer` and exit.
pub fn arguments(options: Options, peer: Peer) -> Vec<String> {
    let mut args = vec![
        "check-peer".to_owned(),
        peer.name().to_owned(),
        "--seed".to_owned(),
        options.seed.to_string(),
    ];
    if options.quick {
        args.push("--quick".to_owned());
    }
    args
}

/// Runs the check of `peer` in a child process, passing its lines to `log`.
pub fn check(
    options: Options,
    peer: Peer,
    log: &mut dyn FnMut(String),
) -> anyhow::Result<PeerCheck> {
    let exe = std::env::current_exe().context("finding this program to run the peer check")?;
    let mut child = Command::new(exe)
        .args(arguments(options, peer))
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .with_context(|| format!("starting the `{}` check", peer.name()))?;
    let mut last = String::new();
    if let Some(stdout) = child.stdout.take() {
        for line in BufReader::new(stdout).lines() {
            let line = line?;
            if !last.is_empty() {
                log(format!("  [{}] {last}", peer.name()));
            }
            last = line;
        }
    }
    let status = child.wait()?;
    anyhow::ensure!(
        status.success(),
        "the `{}` check failed (its message is above); nothing was timed",
        peer.name()
    );
    serde_json::from_str(&last)
        .with_context(|| format!("reading the `{}` check's result `{last}`", peer.name()))
}
