//! A private `nats-server` with JetStream, on a free port and a data
//! directory of its own, that a test may kill and start again (the shared
//! server at 127.0.0.1:4222 is never stopped).

use std::io::{BufRead as _, BufReader};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// `PORTCULLIS_TEST_NATS_SERVER`, else `nats-server` on the `PATH`, else
/// `/usr/sbin/nats-server`; `None` (outside CI) when there is none.
fn binary() -> Option<PathBuf> {
    let found = std::env::var_os("PORTCULLIS_TEST_NATS_SERVER")
        .map(PathBuf::from)
        .into_iter()
        .chain(
            std::env::var_os("PATH")
                .iter()
                .flat_map(std::env::split_paths)
                .map(|dir| dir.join("nats-server")),
        )
        .chain([PathBuf::from("/usr/sbin/nats-server")])
        .find(|path| path.is_file());
    if found.is_none() {
        assert!(
            !portcullis_testkit::in_ci(),
            "CI=true and no nats-server binary (set PORTCULLIS_TEST_NATS_SERVER)"
        );
        eprintln!("no nats-server binary (PORTCULLIS_TEST_NATS_SERVER, PATH); skipping");
    }
    found
}

/// A `nats-server -js` of the test's own.
pub struct PrivateNats {
    binary: PathBuf,
    port: u16,
    dir: tempfile::TempDir,
    child: Option<Child>,
}

impl PrivateNats {
    /// Starts one on a free port, or `None` (outside CI) without the binary.
    pub fn start() -> Option<Self> {
        let binary = binary()?;
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut nats = Self {
            binary,
            port,
            dir: tempfile::tempdir().unwrap(),
            child: None,
        };
        nats.restart();
        Some(nats)
    }

    pub fn url(&self) -> String {
        format!("nats://127.0.0.1:{}", self.port)
    }

    /// Kills it with SIGKILL (its JetStream data stays in its directory).
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            // Already gone is as good as killed.
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts it (again) on the same port and data directory, and waits
    /// until it greets a client.
    pub fn restart(&mut self) {
        self.kill();
        let child = Command::new(&self.binary)
            .args([
                "-js",
                "-a",
                "127.0.0.1",
                "-p",
                &self.port.to_string(),
                "-sd",
            ])
            .arg(self.dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(10);
        while !self.greets() {
            assert!(
                Instant::now() < deadline,
                "nats-server on port {} did not start within 10 s",
                self.port
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Whether a client connecting now is sent the server's `INFO`.
    fn greets(&self) -> bool {
        let Ok(stream) = TcpStream::connect(("127.0.0.1", self.port)) else {
            return false;
        };
        let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
        let mut line = String::new();
        BufReader::new(stream).read_line(&mut line).is_ok() && line.starts_with("INFO ")
    }
}

impl Drop for PrivateNats {
    fn drop(&mut self) {
        self.kill();
    }
}
