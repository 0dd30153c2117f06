//! `portcullis-bench decisions [--quick] [--seed N]`: checks that Cedar and
//! casbin answer as Portcullis does on every request of the benchmark
//! (each peer in a process of its own), then times the three engines, prints
//! what it measured and, as the last line, one JSON object.
//!
//! `portcullis-bench check-peer <cedar|casbin|casbin-cached> [--quick]
//! [--seed N]` is the child that builds and checks one peer.

use std::process::ExitCode;

use portcullis_bench::{Options, Peer, child, report, run, timing};

/// The allocator of the `portcullis` binary, so that the engines are timed
/// with the allocator a deployed node runs (every engine here uses it).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const USAGE: &str = "usage: portcullis-bench decisions [--quick] [--seed N]";

enum Command {
    Decisions(Options),
    CheckPeer(Peer, Options),
}

fn parse(args: &[String]) -> Result<Command, String> {
    let mut options = Options {
        quick: false,
        seed: 42,
    };
    let mut rest = args.iter();
    let peer = match rest.next().map(String::as_str) {
        Some("decisions") => None,
        Some("check-peer") => {
            let name = rest.next().map(String::as_str).unwrap_or_default();
            Some(Peer::parse(name).ok_or_else(|| format!("unknown peer `{name}`"))?)
        }
        Some(other) => return Err(format!("unknown benchmark `{other}`\n{USAGE}")),
        None => return Err(USAGE.to_owned()),
    };
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--quick" => options.quick = true,
            "--seed" => {
                let value = rest
                    .next()
                    .ok_or_else(|| format!("`--seed` needs a number\n{USAGE}"))?;
                options.seed = value
                    .parse()
                    .map_err(|_| format!("`{value}` is not a seed (a whole number)"))?;
            }
            other => return Err(format!("unknown option `{other}`\n{USAGE}")),
        }
    }
    Ok(match peer {
        Some(peer) => Command::CheckPeer(peer, options),
        None => Command::Decisions(options),
    })
}

fn decisions(options: Options, log: &mut dyn FnMut(String)) -> anyhow::Result<serde_json::Value> {
    let mut checks = Vec::new();
    for peer in Peer::ALL {
        checks.push((peer, child::check(options, peer, log)?));
    }
    let prepared = run::prepare(options, log)?;
    let figures = timing::time_all(&prepared, log)?;
    Ok(report::summary(&prepared, &checks, &figures))
}

fn check_peer(
    peer: Peer,
    options: Options,
    log: &mut dyn FnMut(String),
) -> anyhow::Result<serde_json::Value> {
    let prepared = run::prepare(options, log)?;
    Ok(serde_json::to_value(run::check_peer(
        &prepared, peer, log,
    )?)?)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let command = match parse(&args) {
        Ok(command) => command,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    let mut log = |line: String| println!("{line}");
    let result = match command {
        Command::Decisions(options) => decisions(options, &mut log),
        Command::CheckPeer(peer, options) => check_peer(peer, options, &mut log),
    };
    match result {
        Ok(summary) => {
            println!("{summary}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn decisions_takes_quick_and_a_seed() {
        let Ok(Command::Decisions(options)) =
            parse(&args(&["decisions", "--quick", "--seed", "7"]))
        else {
            panic!("not parsed as the decisions benchmark");
        };
        assert!(options.quick);
        assert_eq!(options.seed, 7);
    }

    #[test]
    fn bad_arguments_are_refused_with_the_input_named() {
        for (input, expected) in [
            (vec![], "usage"),
            (vec!["latency"], "`latency`"),
            (vec!["decisions", "--fast"], "`--fast`"),
            (vec!["decisions", "--seed"], "`--seed` needs a number"),
            (vec!["decisions", "--seed", "x"], "`x` is not a seed"),
            (vec!["check-peer", "opa"], "`opa`"),
        ] {
            let Err(message) = parse(&args(&input)) else {
                panic!("{input:?} was accepted");
            };
            assert!(message.contains(expected), "{input:?}: {message}");
        }
    }

    #[test]
    fn check_peer_names_each_peer() {
        for peer in Peer::ALL {
            let parsed = parse(&child::arguments(
                Options {
                    quick: true,
                    seed: 3,
                },
                peer,
            ));
            assert!(
                matches!(parsed, Ok(Command::CheckPeer(p, o)) if p == peer && o.quick && o.seed == 3)
            );
        }
    }
}
