//! Runs the README's API tour against a real server, so it stays true.

use std::path::Path;
use std::process::Command;

use crate::support::{Served, portcullis};

fn tour() -> String {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../README.md"))
            .unwrap();
    let (_, rest) = readme.split_once("<!-- tour:start -->").unwrap();
    let (block, _) = rest.split_once("<!-- tour:end -->").unwrap();
    let body = block.trim().strip_prefix("```sh").unwrap();
    body.strip_suffix("```").unwrap().to_owned()
}

fn have(tool: &str) -> bool {
    Command::new(tool)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn readme_tour_runs_as_written() {
    if !(have("curl") && have("jq")) {
        assert!(
            !portcullis_testkit::in_ci(),
            "CI needs curl and jq for the README tour"
        );
        eprintln!("skipping the README tour: curl or jq is not installed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    // Vetting's DNS check asks a loopback port where nothing answers, so the
    // tour never depends on the machine's network.
    let silent = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let config = crate::support::offline_vetting_config(dir.path(), &silent);
    let mut cmd = portcullis(dir.path());
    cmd.args(["serve", "--listen", "127.0.0.1:0", "--config"]);
    cmd.arg(&config);
    let served = Served::start(cmd);

    let script = tour()
        .replace("http://127.0.0.1:8080", &served.base)
        .replace(
            "./target/release/portcullis",
            env!("CARGO_BIN_EXE_portcullis"),
        );
    let output = Command::new("bash")
        .args(["-euo", "pipefail", "-c", &script])
        .current_dir(dir.path())
        .env_remove("PORTCULLIS_DATABASE_URL")
        .output()
        .unwrap();
    let (clean, log) = served.terminate();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "tour failed:\n{stdout}\n{stderr}\n{log}"
    );
    assert!(clean, "{log}");

    assert!(
        stdout.contains("\"code\":\"not_found\""),
        "step 5: {stdout}"
    );
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(
        lines.contains(&"2"),
        "step 6 renames to version 2: {stdout}"
    );
    assert!(
        lines.contains(&"412"),
        "step 6 refuses the stale ETag: {stdout}"
    );
    assert!(
        stdout.contains("\"operation\":\"user.create\""),
        "step 10: {stdout}"
    );
    assert!(
        stdout.contains("\"source_ip\":\"127.0.0.1\""),
        "step 10: {stdout}"
    );
    assert!(
        stdout.contains(r#"{"approvals_missing":1,"state":"in_review"}"#)
            && stdout.contains(r#"{"approvals_missing":0,"state":"approved"}"#),
        "step 7 needs two reviewers: {stdout}"
    );
    assert!(
        stdout.contains(r#""state":"in_review","risk":"high""#),
        "step 7 screens: {stdout}"
    );
    assert!(lines.contains(&"active"), "step 8 approves: {stdout}");
    assert!(
        stdout.contains(
            r#"{"effect":"allow","reasons":[],"role":"fdd7a751-b60b-444a-984c-02652fe8fa1c"}"#
        ),
        "step 9 allows groups.update: {stdout}"
    );
    assert!(
        stdout
            .contains(r#"{"effect":"deny","reasons":["role_does_not_permit_action"],"role":null}"#),
        "step 9 denies users.password.reset: {stdout}"
    );
    assert!(stdout.contains("audit chain intact"), "step 10: {stdout}");
}
