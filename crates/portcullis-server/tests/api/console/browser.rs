//! Headless Chromium through chromedriver (WebDriver, via fantoccini), one
//! driver process per test, killed when the test ends.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

const CHROMEDRIVER: &str = "chromedriver";
const CHROMIUM: [&str; 2] = ["/usr/bin/chromium", "/usr/bin/chromium-browser"];

/// A browser session against one test server.
pub struct Browser {
    pub client: Client,
    base: String,
    driver: Child,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

fn chromium() -> Option<&'static str> {
    CHROMIUM.into_iter().find(|p| Path::new(p).exists())
}

fn on_path(binary: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(binary).exists()))
}

/// Where screenshots go: `target/console-screenshots/` of the workspace.
pub fn screenshot_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/console-screenshots")
}

impl Browser {
    /// A browser on `base`; `None` (after saying why) when Chromium or
    /// chromedriver is missing outside CI. In CI a missing browser fails.
    pub async fn start(base: &str) -> Option<Self> {
        Self::start_in_zone(base, None).await
    }

    /// A browser whose time zone is `zone` (the `TZ` of its processes).
    pub async fn start_in_zone(base: &str, zone: Option<&str>) -> Option<Self> {
        let Some(binary) = chromium().filter(|_| on_path(CHROMEDRIVER)) else {
            assert!(
                !portcullis_testkit::in_ci(),
                "the console browser tests need Chromium in CI: apt-get install -y chromium chromium-driver"
            );
            eprintln!(
                "skipping a console browser test: chromium and chromedriver are not installed \
                 (apt-get install -y chromium chromium-driver)"
            );
            return None;
        };
        let port = {
            let probe = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
            probe.local_addr().expect("its address").port()
        };
        let mut command = Command::new(CHROMEDRIVER);
        if let Some(zone) = zone {
            command.env("TZ", zone);
        }
        let driver = command
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let caps = json!({
            "goog:chromeOptions": {
                "binary": binary,
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu",
                         "--disable-dev-shm-usage", "--window-size=1280,900"]
            }
        });
        let caps = caps.as_object().cloned().expect("an object");
        let url = format!("http://127.0.0.1:{port}");
        let mut last = None;
        for _ in 0..100 {
            let connector = hyper_util::client::legacy::connect::HttpConnector::new();
            match ClientBuilder::new(connector)
                .capabilities(caps.clone())
                .connect(&url)
                .await
            {
                Ok(client) => {
                    return Some(Self {
                        client,
                        base: base.to_owned(),
                        driver,
                    });
                }
                Err(err) => last = Some(err),
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("chromedriver did not answer: {last:?}");
    }

    pub async fn goto(&self, path: &str) {
        self.client
            .goto(&format!("{}{path}", self.base))
            .await
            .expect("navigate");
    }

    /// The path of the page the browser shows.
    pub async fn path(&self) -> String {
        self.client
            .current_url()
            .await
            .expect("the current url")
            .path()
            .to_owned()
    }

    /// The visible text of the page.
    pub async fn text(&self) -> String {
        self.client
            .find(Locator::Css("body"))
            .await
            .expect("a body")
            .text()
            .await
            .expect("its text")
    }

    /// Signs in with `token` through the sign-in form.
    pub async fn sign_in(&self, token: &str) {
        self.goto("/sign-in").await;
        self.fill("#token", token).await;
        self.click("#sign-in").await;
    }

    pub async fn fill(&self, css: &str, text: &str) {
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no `{css}`: {e}"))
            .send_keys(text)
            .await
            .expect("type");
    }

    /// Replaces the value of the field `css` with `text`.
    pub async fn replace(&self, css: &str, text: &str) {
        let field = self
            .client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no `{css}`: {e}"));
        field.clear().await.expect("clear");
        field.send_keys(text).await.expect("type");
    }

    /// Clicks `css` (a radio button, a checkbox) without leaving the page.
    pub async fn choose(&self, css: &str) {
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no `{css}`: {e}"))
            .click()
            .await
            .expect("click");
    }

    /// Presses the button `css`, which submits a form, and waits for the next page.
    pub async fn click(&self, css: &str) {
        self.press(Locator::Css(css)).await;
    }

    /// Presses the button `locator` finds, which submits a form, and waits
    /// until the page it was on is gone (a click returns before the
    /// navigation it starts has finished).
    pub async fn press(&self, locator: Locator<'_>) {
        let before = self
            .client
            .find(Locator::Css("html"))
            .await
            .expect("a page");
        self.client
            .find(locator)
            .await
            .unwrap_or_else(|e| panic!("no `{locator:?}`: {e}"))
            .click()
            .await
            .expect("click");
        for _ in 0..200 {
            if before.text().await.is_err() {
                // The old page is stale; finding waits for the new one to load.
                self.client
                    .find(Locator::Css("body"))
                    .await
                    .expect("the next page");
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("pressing `{locator:?}` did not leave the page");
    }

    /// Saves the page as `target/console-screenshots/{name}.png`.
    pub async fn screenshot(&self, name: &str) {
        let png = self.client.screenshot().await.expect("a screenshot");
        let dir = screenshot_dir();
        std::fs::create_dir_all(&dir).expect("the screenshot directory");
        std::fs::write(dir.join(format!("{name}.png")), png).expect("save the screenshot");
    }

    /// The current value of the form control `css` (what a person sees in it).
    pub async fn value(&self, css: &str) -> String {
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no `{css}`: {e}"))
            .prop("value")
            .await
            .expect("its value")
            .unwrap_or_default()
    }

    /// Whether the checkbox or radio button `css` is checked.
    pub async fn checked(&self, css: &str) -> bool {
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no `{css}`: {e}"))
            .prop("checked")
            .await
            .expect("its state")
            .is_some_and(|v| v == "true")
    }

    /// Picks `value` in the select `css`.
    pub async fn select(&self, css: &str, value: &str) {
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no `{css}`: {e}"))
            .select_by_value(value)
            .await
            .unwrap_or_else(|e| panic!("no `{value}` in `{css}`: {e}"));
    }

    /// Runs `script` (a function body) in the page and returns its result.
    pub async fn run(&self, script: &str) -> serde_json::Value {
        self.client
            .execute(script, Vec::new())
            .await
            .unwrap_or_else(|e| panic!("the script failed: {e}"))
    }

    pub async fn close(mut self) {
        let client = self.client.clone();
        let _ = client.close().await;
        let _ = self.driver.kill();
    }
}
