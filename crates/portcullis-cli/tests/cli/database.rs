//! Only `serve` and `migrate` create a database: every other command run
//! where there is none says so, naming the path, and creates nothing.

use std::path::Path;

use crate::support::{migrate, portcullis, run, stderr, stdout};

/// Runs `args` in `dir` and checks it refused for want of a database at `shown`.
fn refuses_without_database(dir: &Path, args: &[&str], shown: &str) {
    let output = run(portcullis(dir).args(args));
    assert_eq!(
        output.status.code(),
        Some(2),
        "{args:?}: {}",
        stderr(&output)
    );
    let message = stderr(&output);
    assert!(
        message.contains(&format!("no database at `{shown}`"))
            && message.contains("portcullis migrate")
            && message.contains("--database-url"),
        "{args:?}: {message}"
    );
    assert!(stdout(&output).is_empty(), "{args:?}: {}", stdout(&output));
}

#[test]
fn commands_other_than_serve_and_migrate_do_not_create_a_database() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("peps.csv"),
        "id,schema,name\nx1,Person,Jane Roe\n",
    )
    .unwrap();
    let bundle = portcullis_testkit::conformance_dir("stix-bundles").join("apt1.json");
    let bundle = bundle.to_str().unwrap();
    let default = "./portcullis.db";
    for args in [
        &["audit", "verify"][..],
        &["token", "create", "--kind", "operator"],
        &["token", "list"],
        &["token", "revoke", "0194d2a8-0000-7000-8000-000000000001"],
        &["watchlist", "load", "peps.csv"],
        &["intel", "import", "--source", "apt1", bundle],
    ] {
        refuses_without_database(dir.path(), args, default);
    }
    refuses_without_database(
        dir.path(),
        &["--database-url", "elsewhere/p.db", "token", "list"],
        "elsewhere/p.db",
    );
    refuses_without_database(
        dir.path(),
        &["--database-url", "sqlite://other.db", "audit", "verify"],
        "other.db",
    );
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left.len(), 1, "only peps.csv: {left:?}");

    // Once `migrate` made it, the same commands work.
    migrate(dir.path(), &[]);
    let verified = run(portcullis(dir.path()).args(["audit", "verify"]));
    assert!(verified.status.success(), "{}", stderr(&verified));
}
