use std::io::BufRead as _;

use crate::support::{Served, create_token, migrate, portcullis};

#[tokio::test]
async fn serve_without_flags_uses_portcullis_db_in_the_working_directory() {
    let dir = tempfile::tempdir().unwrap();
    migrate(dir.path(), &[]);
    let secret = create_token(dir.path(), &[]);
    assert!(dir.path().join("portcullis.db").exists());

    let mut cmd = portcullis(dir.path());
    cmd.args(["serve", "--listen", "127.0.0.1:0"]);
    let served = Served::start(cmd);
    let client = reqwest::Client::new();
    let health = client
        .get(format!("{}/healthz", served.base))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), 200);
    let tenants = client
        .get(format!("{}/v1/tenants", served.base))
        .bearer_auth(&secret)
        .send()
        .await
        .unwrap();
    assert_eq!(
        tenants.status(),
        200,
        "the CLI's token works against the server"
    );
    let anonymous = client
        .get(format!("{}/v1/tenants", served.base))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);

    let (clean, log) = served.terminate();
    assert!(clean, "serve exits 0 on SIGTERM:\n{log}");
    assert!(log.contains("shutting down"), "{log}");
    assert!(!log.contains(&secret), "the log never shows a token");
}

#[tokio::test]
async fn serve_refuses_an_address_it_cannot_bind() {
    let dir = tempfile::tempdir().unwrap();
    let output = portcullis(dir.path())
        .args(["serve", "--listen", "not-an-address"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("cannot listen on `not-an-address`"));
}

#[tokio::test]
async fn serve_runs_on_postgres_with_database_url_from_the_environment() {
    let Some(db) = portcullis_testkit::TestDb::postgres().await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = portcullis(dir.path());
    cmd.env("PORTCULLIS_DATABASE_URL", db.url())
        .env("PORTCULLIS_LISTEN", "127.0.0.1:0")
        .arg("serve");
    let served = Served::start(cmd);
    let ready = reqwest::get(format!("{}/readyz", served.base))
        .await
        .unwrap();
    assert_eq!(ready.status(), 200);
    let (clean, log) = served.terminate();
    assert!(clean, "{log}");
    assert!(log.contains("backend=postgres"), "{log}");
    assert!(
        !dir.path().join("portcullis.db").exists(),
        "no SQLite file when PostgreSQL is named"
    );
}

#[tokio::test]
async fn serve_on_an_empty_database_prints_a_one_time_sign_in_link() {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = portcullis(dir.path());
    cmd.args(["serve", "--listen", "127.0.0.1:0"]);
    let (served, mut stdout) = Served::start_reading_stdout(cmd);
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    assert!(line.starts_with("first operator sign-in link"), "{line}");
    let url = line.split_whitespace().last().unwrap().to_owned();
    assert!(
        url.starts_with(&format!("{}/sign-in/link/", served.base)),
        "{url}"
    );
    let link = url.rsplit('/').next().unwrap().to_owned();

    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    assert_eq!(client.get(&url).send().await.unwrap().status(), 200);
    let used = client
        .post(format!("{}/sign-in/link", served.base))
        .form(&[("link", link.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(used.status(), 303);
    let cookie = used.headers()["set-cookie"].to_str().unwrap();
    let session = cookie.split(';').next().unwrap().to_owned();
    let overview = client
        .get(format!("{}/", served.base))
        .header("cookie", session)
        .send()
        .await
        .unwrap();
    assert_eq!(overview.status(), 200, "signed in as the first operator");
    let again = client
        .post(format!("{}/sign-in/link", served.base))
        .form(&[("link", link.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 401, "the link works once");

    let (clean, log) = served.terminate();
    assert!(clean, "{log}");
    assert!(!log.contains(&link), "the log never shows the link");
}

/// Each thread of `pid`: its name and its niceness (`/proc/<pid>/task`).
fn threads(pid: u32) -> Vec<(String, i32)> {
    let tasks = std::fs::read_dir(format!("/proc/{pid}/task")).unwrap();
    tasks
        .map(|task| {
            let stat = std::fs::read_to_string(task.unwrap().path().join("stat")).unwrap();
            let (head, rest) = stat.rsplit_once(')').unwrap();
            let name = head.split_once('(').unwrap().1.to_owned();
            // `nice` is the 19th field; `rest` starts at the 3rd.
            let nice = rest.split_whitespace().nth(16).unwrap().parse().unwrap();
            (name, nice)
        })
        .collect()
}

#[tokio::test]
async fn serve_runs_background_work_on_threads_of_its_own_at_a_lower_priority() {
    let dir = tempfile::tempdir().unwrap();
    migrate(dir.path(), &[]);
    let mut cmd = portcullis(dir.path());
    cmd.args(["serve", "--listen", "127.0.0.1:0"]);
    let served = Served::start(cmd);
    let health = reqwest::get(format!("{}/healthz", served.base))
        .await
        .unwrap();
    assert_eq!(health.status(), 200);

    let threads = threads(served.child.id());
    let niceness = |name: &str| -> Vec<i32> {
        threads
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, nice)| *nice)
            .collect()
    };
    let background = niceness("portcullis-bg");
    assert!(!background.is_empty(), "no background thread: {threads:?}");
    assert!(background.iter().all(|n| *n == 10), "{threads:?}");
    let requests = niceness("portcullis-req");
    assert!(!requests.is_empty(), "no request thread: {threads:?}");
    assert!(requests.iter().all(|n| *n == 0), "{threads:?}");

    let (clean, log) = served.terminate();
    assert!(clean, "serve stops both runtimes and exits 0:\n{log}");
    assert!(log.contains("stopped"), "{log}");
}
