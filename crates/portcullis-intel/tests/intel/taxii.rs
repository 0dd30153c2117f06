//! The TAXII client against a real medallion server (the OASIS TAXII 2.1
//! reference server) on a loopback port, and against a fake that answers
//! with the wrong content type.
//!
//! Python comes from `PORTCULLIS_PYTHON`, else the workspace's `.venv`
//! (`python3 -m venv .venv && .venv/bin/pip install medallion==3.0.0`).
//! Without a Python that can `import medallion` the test is skipped with a
//! printed reason, except in CI (`CI=true`), where that is a failure.

use std::collections::HashMap;
use std::path::Path;

use portcullis_intel::taxii::{TaxiiClient, TaxiiError};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::support::conformance_dir;

use portcullis_testkit::medallion::{self, COLLECTION, Medallion};

/// The poisonivy bundle's objects, each added one second after the last.
fn objects() -> Vec<(Value, String)> {
    let bytes = std::fs::read(conformance_dir("stix-bundles").join("poisonivy.json")).unwrap();
    let bundle: Value = serde_json::from_slice(&bytes).unwrap();
    bundle["objects"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
        .map(|(n, object)| {
            let added = format!("2024-01-01T00:{:02}:{:02}.000000Z", n / 60, n % 60);
            (object.clone(), added)
        })
        .collect()
}

async fn start_medallion(python: &Path) -> Medallion {
    medallion::start(python, &objects(), 20).await
}

#[tokio::test]
async fn pulls_every_object_from_medallion_exactly_once_across_pages() {
    let Some(python) = medallion::python() else {
        return;
    };
    let server = start_medallion(&python).await;
    let client = TaxiiClient::new()
        .unwrap()
        .with_basic_auth("reader", "secret")
        .with_page_size(20);

    let discovery = client
        .discovery(&format!("{}/taxii2/", server.base))
        .await
        .unwrap();
    let api_root = discovery.default.clone().unwrap();
    assert_eq!(discovery.api_roots, vec![api_root.clone()]);
    let collections = client.collections(&api_root).await.unwrap();
    assert_eq!(collections.len(), 1);
    assert_eq!(collections[0].id, COLLECTION);

    let expected = objects();
    let pull = client.pull(&api_root, COLLECTION, None).await.unwrap();
    assert!(pull.pages >= 8, "{} pages", pull.pages);
    let mut seen: HashMap<String, usize> = HashMap::new();
    for object in &pull.objects {
        *seen
            .entry(object["id"].as_str().unwrap().to_owned())
            .or_default() += 1;
    }
    assert_eq!(seen.len(), expected.len());
    assert!(seen.values().all(|n| *n == 1), "duplicates: {seen:?}");
    assert_eq!(
        pull.added_last.as_deref(),
        Some(expected.last().unwrap().1.as_str())
    );
    let report = pull.import();
    assert_eq!(report.indicators.len(), 25);
    assert!(report.rejected.is_empty(), "{:?}", report.rejected);

    let since = &expected[99].1;
    let later = client
        .pull(&api_root, COLLECTION, Some(since))
        .await
        .unwrap();
    let later_ids: Vec<&str> = later
        .objects
        .iter()
        .map(|o| o["id"].as_str().unwrap())
        .collect();
    let expected_ids: Vec<&str> = expected[100..]
        .iter()
        .map(|(o, _)| o["id"].as_str().unwrap())
        .collect();
    assert_eq!(later_ids, expected_ids);

    let wrong = TaxiiClient::new()
        .unwrap()
        .with_basic_auth("reader", "wrong");
    let error = wrong.pull(&api_root, COLLECTION, None).await.unwrap_err();
    assert!(matches!(error, TaxiiError::Unauthorized(_)), "{error:?}");
    let error = client
        .pull(&api_root, "no-such-collection", None)
        .await
        .unwrap_err();
    assert!(matches!(error, TaxiiError::NotFound(_)), "{error:?}");
    drop(server);
}

/// A one-shot HTTP server that answers any request with `response`.
async fn fake(response: &'static str) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        if let Ok((mut socket, _)) = listener.accept().await {
            let mut buffer = [0u8; 4096];
            let _ = socket.read(&mut buffer).await;
            let _ = socket.write_all(response.as_bytes()).await;
            let _ = socket.shutdown().await;
        }
    });
    format!("http://{address}")
}

#[tokio::test]
async fn a_success_without_the_taxii_media_type_is_refused() {
    let base = fake("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi").await;
    let error = TaxiiClient::new()
        .unwrap()
        .discovery(&format!("{base}/taxii2/"))
        .await
        .unwrap_err();
    assert!(
        matches!(&error, TaxiiError::ContentType { found, .. } if found == "text/html"),
        "{error:?}"
    );
}

#[tokio::test]
async fn forbidden_and_paging_without_a_cursor_are_clear_errors() {
    let base =
        fake("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n").await;
    let error = TaxiiClient::new()
        .unwrap()
        .collections(&base)
        .await
        .unwrap_err();
    assert!(matches!(error, TaxiiError::Forbidden(_)), "{error:?}");
    let body = r#"{"more": true, "objects": [{"type": "identity", "id": "identity--1"}]}"#;
    let response: &'static str = Box::leak(
        format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/taxii+json;version=2.1\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .into_boxed_str(),
    );
    let base = fake(response).await;
    let error = TaxiiClient::new()
        .unwrap()
        .pull(&base, "c", None)
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "paging failed at `{base}/collections/c/objects/`: `more` without `next` or `X-TAXII-Date-Added-Last`"
        )
    );
}
