//! A real TAXII 2.1 server: OASIS' reference `medallion`, run from the
//! workspace's `.venv` (or `PORTCULLIS_PYTHON`) on a free loopback port with
//! an in-memory collection, and killed when dropped.
#![allow(
    clippy::unwrap_used,
    reason = "test support: failing loudly is the point"
)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::{Value, json};

/// The one collection the server holds.
pub const COLLECTION: &str = "91a7b528-80eb-42ed-a74d-c6fbd5a26116";
/// Basic-auth credentials the server accepts.
pub const USER: &str = "reader";
pub const PASSWORD: &str = "secret";

/// A Python that can `import medallion`; `None` (after printing why)
/// outside CI, a failure with `CI=true`.
pub fn python() -> Option<PathBuf> {
    let python = std::env::var_os("PORTCULLIS_PYTHON").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.venv/bin/python"),
        PathBuf::from,
    );
    let why = match Command::new(&python)
        .args(["-c", "import medallion"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
    {
        Ok(status) if status.success() => return Some(python),
        Ok(_) => format!("{} cannot `import medallion`", python.display()),
        Err(err) => format!("no Python at {}: {err}", python.display()),
    };
    assert!(
        !crate::in_ci(),
        "CI must install medallion into .venv: {why}"
    );
    eprintln!(
        "skipped: {why}; run `python3 -m venv .venv && .venv/bin/pip install medallion==3.0.0` in the workspace"
    );
    None
}

/// A running medallion.
pub struct Medallion {
    child: Child,
    /// `http://127.0.0.1:<port>`.
    pub base: String,
    _dir: tempfile::TempDir,
}

impl Medallion {
    /// The API root holding [`COLLECTION`].
    pub fn api_root(&self) -> String {
        format!("{}/api1/", self.base)
    }
}

impl Drop for Medallion {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts medallion serving `objects` (each with its `date_added`) in
/// [`COLLECTION`], `page_size` objects per page, and waits until it answers.
pub async fn start(python: &Path, objects: &[(Value, String)], page_size: u32) -> Medallion {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let base = format!("http://127.0.0.1:{port}");
    let dir = tempfile::tempdir().unwrap();
    let manifest: Vec<Value> = objects
        .iter()
        .map(|(o, added)| {
            json!({"id": o["id"], "date_added": added,
                   "version": o["modified"].as_str().or(o["created"].as_str()),
                   "media_type": "application/stix+json;version=2.1"})
        })
        .collect();
    let data = json!({
        "/discovery": {"title": "portcullis test", "default": format!("{base}/api1/"),
                       "api_roots": [format!("{base}/api1/")]},
        "api1": {
            "information": {"title": "api1", "versions": ["application/taxii+json;version=2.1"],
                            "max_content_length": 104_857_600},
            "status": [],
            "collections": [{
                "id": COLLECTION, "title": "test collection", "can_read": true, "can_write": false,
                "media_types": ["application/stix+json;version=2.1"],
                "objects": objects.iter().map(|(o, _)| o.clone()).collect::<Vec<_>>(),
                "manifest": manifest,
            }],
        },
    });
    let data_path = dir.path().join("data.json");
    std::fs::write(&data_path, data.to_string()).unwrap();
    let config = json!({
        "backend": {"module": "medallion.backends.memory_backend", "module_class": "MemoryBackend",
                    "filename": data_path},
        "users": {USER: PASSWORD},
        "taxii": {"max_page_size": page_size},
    });
    let config_path = dir.path().join("config.json");
    std::fs::write(&config_path, config.to_string()).unwrap();
    let child = Command::new(python)
        .args([
            "-m",
            "medallion.scripts.run",
            "--host",
            "127.0.0.1",
            "--port",
            &port.to_string(),
        ])
        .arg(&config_path)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut server = Medallion {
        child,
        base,
        _dir: dir,
    };
    let client = reqwest::Client::new();
    for _ in 0..300 {
        let answer = client
            .get(format!("{}/taxii2/", server.base))
            .basic_auth(USER, Some(PASSWORD))
            .header("accept", "application/taxii+json;version=2.1")
            .send()
            .await;
        if answer.is_ok_and(|r| r.status().is_success()) {
            return server;
        }
        if let Ok(Some(status)) = server.child.try_wait() {
            panic!("medallion exited: {status}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("medallion did not answer within 30 s");
}
