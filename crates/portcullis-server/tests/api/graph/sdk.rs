//! Microsoft's Graph SDK for Python (`msgraph-sdk`), unchanged, against the
//! real server: `tests/graph_sdk/lifecycle.py` runs the GDAP lifecycle.
//!
//! Python comes from `PORTCULLIS_GRAPH_SDK_PYTHON`, else the workspace's
//! `.venv` (which `.ci/run` fills: `pip install msgraph-sdk`). Without one
//! that can `import msgraph`, the test is skipped with a printed reason —
//! except in CI (`CI` set), where that is a failure.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::Gdap;

const TIME_LIMIT: Duration = Duration::from_secs(180);

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A Python that has the SDK, or why there is none.
fn python() -> Result<PathBuf, String> {
    let python = std::env::var_os("PORTCULLIS_GRAPH_SDK_PYTHON")
        .map_or_else(|| workspace().join(".venv/bin/python"), PathBuf::from);
    let imports = Command::new(&python)
        .args(["-c", "import msgraph, kiota_abstractions"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    match imports {
        Ok(status) if status.success() => Ok(python),
        Ok(_) => Err(format!("{} cannot `import msgraph`", python.display())),
        Err(err) => Err(format!("no Python at {}: {err}", python.display())),
    }
}

/// Runs `script` with `env`, killing it at the time limit; returns whether
/// it succeeded and what it printed.
fn run(python: &Path, script: &Path, env: Vec<(&'static str, String)>) -> (bool, String) {
    let log = std::env::temp_dir().join(format!("graph-sdk-{}.log", std::process::id()));
    let Ok(out) = std::fs::File::create(&log) else {
        return (false, format!("cannot create {}", log.display()));
    };
    let Ok(err) = out.try_clone() else {
        return (false, "cannot share the log file".into());
    };
    let spawned = Command::new(python)
        .arg(script)
        .envs(env)
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .spawn();
    let mut child = match spawned {
        Ok(child) => child,
        Err(e) => return (false, format!("cannot start {}: {e}", python.display())),
    };
    let started = Instant::now();
    let ok = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status.success(),
            Ok(None) if started.elapsed() < TIME_LIMIT => {
                std::thread::sleep(Duration::from_millis(50));
            }
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                break false;
            }
        }
    };
    let printed = std::fs::read_to_string(&log).unwrap_or_default();
    let _ = std::fs::remove_file(&log);
    (ok, printed)
}

#[tokio::test]
async fn microsofts_graph_sdk_runs_the_lifecycle_unchanged() {
    let python = match python() {
        Ok(python) => python,
        Err(why) if std::env::var_os("CI").is_none() => {
            eprintln!(
                "skipped: {why}; run `python3 -m venv .venv && .venv/bin/pip install msgraph-sdk` in the workspace"
            );
            return;
        }
        Err(why) => panic!("CI must install msgraph-sdk into .venv: {why}"),
    };
    let g = Gdap::start().await;
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/graph_sdk/lifecycle.py");
    let env = vec![
        ("PORTCULLIS_BASE", g.server.base.clone()),
        ("PARTNER_TOKEN", g.partner_admin.secret.clone()),
        ("CUSTOMER_TOKEN", g.customer_admin.secret.clone()),
        ("CUSTOMER_TENANT", g.customer.clone()),
        ("GROUP_ID", g.group.clone()),
        ("PYTHONDONTWRITEBYTECODE", "1".to_owned()),
    ];
    let (ok, printed) = tokio::task::spawn_blocking(move || run(&python, &script, env))
        .await
        .expect("the runner does not panic");
    eprintln!("{printed}");
    assert!(ok, "the SDK script failed:\n{printed}");
    assert!(printed.contains("sdk lifecycle passed"), "{printed}");
}
