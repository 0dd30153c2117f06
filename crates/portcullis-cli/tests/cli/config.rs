use crate::support::{create_token, migrate, portcullis, run, stderr, stdout};

#[test]
fn config_file_names_the_database() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("portcullis.toml"),
        "database_url = \"from-file.db\"\nlog = \"warn\"\n",
    )
    .unwrap();
    migrate(dir.path(), &["--config", "portcullis.toml"]);
    create_token(dir.path(), &["--config", "portcullis.toml"]);
    assert!(dir.path().join("from-file.db").exists());
    assert!(!dir.path().join("portcullis.db").exists());
}

#[test]
fn database_url_flag_wins_over_the_config_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("p.toml"),
        "database_url = \"from-file.db\"\n",
    )
    .unwrap();
    migrate(
        dir.path(),
        &["--config", "p.toml", "--database-url", "from-flag.db"],
    );
    create_token(
        dir.path(),
        &["--config", "p.toml", "--database-url", "from-flag.db"],
    );
    assert!(dir.path().join("from-flag.db").exists());
    assert!(!dir.path().join("from-file.db").exists());
}

#[test]
fn unknown_config_keys_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("p.toml"), "databse_url = \"typo.db\"\n").unwrap();
    let output = run(portcullis(dir.path()).args(["--config", "p.toml", "migrate"]));
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("databse_url"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn token_create_refuses_an_unknown_kind_and_lists_the_choices() {
    let dir = tempfile::tempdir().unwrap();
    migrate(dir.path(), &[]);
    let output = run(portcullis(dir.path()).args(["token", "create", "--kind", "root"]));
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(
        message.contains("`root`") && message.contains("partner_admin"),
        "{message}"
    );
    assert!(stdout(&output).is_empty(), "no secret printed on failure");
}

#[test]
fn token_create_refuses_the_system_kind() {
    let dir = tempfile::tempdir().unwrap();
    migrate(dir.path(), &[]);
    let output = run(portcullis(dir.path()).args(["token", "create", "--kind", "system"]));
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(message.contains("`system` is reserved"), "{message}");
    assert!(stdout(&output).is_empty(), "no secret printed on failure");
}

#[test]
fn token_create_refuses_a_partner_admin_without_tenant() {
    let dir = tempfile::tempdir().unwrap();
    migrate(dir.path(), &[]);
    let output = run(portcullis(dir.path()).args(["token", "create", "--kind", "partner_admin"]));
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("must name its tenant"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn token_list_and_revoke_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    migrate(dir.path(), &[]);
    create_token(dir.path(), &["--description", "ci robot"]);
    let listed = stdout(&run(portcullis(dir.path()).args(["token", "list"])));
    let id = listed.split_whitespace().next().unwrap().to_owned();
    assert!(listed.contains("active"), "{listed}");
    let revoked = run(portcullis(dir.path()).args(["token", "revoke", &id]));
    assert!(revoked.status.success(), "{}", stderr(&revoked));
    let listed = stdout(&run(portcullis(dir.path()).args(["token", "list"])));
    assert!(listed.contains("revoked"), "{listed}");
}

#[test]
fn migrate_reports_the_backend_and_is_idempotent() {
    let dir = tempfile::tempdir().unwrap();
    for _ in 0..2 {
        let output = run(portcullis(dir.path()).arg("migrate"));
        assert!(output.status.success(), "{}", stderr(&output));
        assert!(
            stdout(&output).contains("sqlite database"),
            "{}",
            stdout(&output)
        );
    }
}
