use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};

/// The binary, with no `PORTCULLIS_*` variable leaking in from the caller.
pub fn portcullis(dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_portcullis"));
    cmd.current_dir(dir);
    for (key, _) in std::env::vars() {
        if key.starts_with("PORTCULLIS_") {
            cmd.env_remove(key);
        }
    }
    cmd.env("PORTCULLIS_LOG", "info");
    cmd
}

pub fn run(cmd: &mut Command) -> Output {
    cmd.output().expect("run portcullis")
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Mints a token with the CLI and returns its secret.
pub fn create_token(dir: &Path, extra: &[&str]) -> String {
    let output = run(portcullis(dir)
        .args(["token", "create", "--kind", "operator"])
        .args(extra));
    assert!(output.status.success(), "{}", stderr(&output));
    stdout(&output).trim().to_owned()
}

/// A running `portcullis serve`, stopped with SIGTERM.
pub struct Served {
    pub child: Child,
    pub base: String,
    log: Option<std::thread::JoinHandle<String>>,
}

/// A test that panics still stops its servers: no `serve` outlives the test.
impl Drop for Served {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

impl Served {
    /// Starts `serve` and waits for its "listening on" line.
    pub fn start(cmd: Command) -> Self {
        Self::start_with_stdout(cmd, Stdio::null())
    }

    /// Starts `serve` with its standard output piped, to read what it prints.
    pub fn start_reading_stdout(cmd: Command) -> (Self, BufReader<std::process::ChildStdout>) {
        let mut served = Self::start_with_stdout(cmd, Stdio::piped());
        let stdout = served.child.stdout.take().expect("piped stdout");
        (served, BufReader::new(stdout))
    }

    fn start_with_stdout(mut cmd: Command, stdout: Stdio) -> Self {
        let mut child = cmd
            .stdout(stdout)
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn portcullis serve");
        let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
        let mut seen = String::new();
        let base = loop {
            let line = lines
                .next()
                .unwrap_or_else(|| panic!("serve exited before listening:\n{seen}"))
                .unwrap();
            seen.push_str(&line);
            seen.push('\n');
            if let Some((_, rest)) = line.split_once("listening on ") {
                break rest.split_whitespace().next().unwrap().to_owned();
            }
        };
        // Keep draining the log so the server never blocks on a full pipe.
        let log = std::thread::spawn(move || {
            let mut rest = seen;
            for line in lines.map_while(Result::ok) {
                rest.push_str(&line);
                rest.push('\n');
            }
            rest
        });
        Self {
            child,
            base,
            log: Some(log),
        }
    }

    /// Sends SIGTERM and returns whether the process exited successfully, with its log.
    pub fn terminate(mut self) -> (bool, String) {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        let exit = self.child.wait().unwrap();
        let log = self.log.take().unwrap().join().unwrap();
        (exit.success(), log)
    }
}

/// A configuration file in `dir` whose vetting DNS check asks `silent`, a
/// loopback socket that never answers: tests never depend on the network.
pub fn offline_vetting_config(dir: &Path, silent: &std::net::UdpSocket) -> std::path::PathBuf {
    let path = dir.join("portcullis.toml");
    std::fs::write(
        &path,
        format!(
            "[vetting]\nnameservers = [\"{}\"]\ndns_timeout_seconds = 1\n",
            silent.local_addr().unwrap()
        ),
    )
    .unwrap();
    path
}

/// A well-formed partner application at a domain nobody controls.
pub fn application() -> serde_json::Value {
    serde_json::json!({
        "legal_name": "Contoso IT Services Ltd",
        "registration_number": "09876543",
        "registration_country": "GB",
        "website_domain": "contoso-it-services.com",
        "contact_email": "security@contoso-it-services.com",
        "address": {"street": "1 High Street", "city": "London", "country": "GB"}
    })
}

/// A day, in milliseconds.
pub const DAY_MS: i64 = 86_400_000;

/// An established partner user for the detection engine: OCSF sign-ins
/// (with MFA) by `user` of `partner` to its usual `customers` in turn, four
/// a day in the hour before the time of day of `before_ms`, on each of the
/// eight days before it (32 events over 8 days: past the engine's default
/// learning period of 7 days and 30 events). The last is a day and 15
/// minutes before `before_ms`, where the suspicious part starts.
pub fn usual_history(
    user: &str,
    partner: &str,
    customers: &[&str],
    before_ms: i64,
) -> Vec<serde_json::Value> {
    let mut events = Vec::new();
    for day in (1..=8_i64).rev() {
        for k in 0..4_i64 {
            let customer = customers[events.len() % customers.len()];
            events.push(serde_json::json!({
                "class_uid": 3002, "time": before_ms - day * DAY_MS - (4 - k) * 15 * 60_000,
                "status_id": 1, "is_mfa": true,
                "metadata": {"uid": format!("history-{day}-{k}")},
                "user": {"uid": user, "org": {"uid": partner}},
                "cloud": {"account": {"uid": customer}},
            }));
        }
    }
    events
}

/// Creates the database with `portcullis migrate`, as an operator does
/// before any other command.
pub fn migrate(dir: &Path, extra: &[&str]) {
    let output = run(portcullis(dir).args(extra).arg("migrate"));
    assert!(output.status.success(), "{}", stderr(&output));
}
