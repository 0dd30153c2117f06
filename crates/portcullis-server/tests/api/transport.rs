//! The server's connections: header-read and idle timeouts, hyper's own
//! rejections in the JSON error shape, TLS, and the client address behind
//! trusted proxies.

use std::time::{Duration, Instant};

use portcullis_server::{ServerConfig, Transport};
use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

use crate::support::{Options, Reply, TestServer, error_parts, str_field};

fn timeouts(header_read: Duration, idle: Duration) -> Options {
    Options {
        transport: Transport {
            header_read_timeout: header_read,
            idle_timeout: idle,
            tls: None,
        },
        ..Options::default()
    }
}

fn address(server: &TestServer) -> String {
    server.base.trim_start_matches("http://").to_owned()
}

/// Reads until the server closes the connection, for at most `deadline`;
/// returns what was read and when the close came, or `None` if it did not.
async fn read_until_closed(
    stream: &mut TcpStream,
    deadline: Duration,
) -> Option<(Vec<u8>, Duration)> {
    let started = Instant::now();
    let mut seen = Vec::new();
    let mut buf = [0_u8; 4096];
    loop {
        let left = deadline.checked_sub(started.elapsed())?;
        match tokio::time::timeout(left, stream.read(&mut buf)).await {
            Err(_) => return None,
            Ok(Ok(0)) | Ok(Err(_)) => return Some((seen, started.elapsed())),
            Ok(Ok(n)) => seen.extend_from_slice(&buf[..n]),
        }
    }
}

#[tokio::test]
async fn a_client_that_stops_mid_headers_is_cut_off_at_the_header_read_timeout() {
    let header_read = Duration::from_secs(1);
    let server =
        TestServer::start_with_options(timeouts(header_read, Duration::from_secs(30))).await;
    for partial in [
        "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ",
        "GET /v1/tenants?cursor=",
    ] {
        let mut stream = TcpStream::connect(address(&server)).await.unwrap();
        stream.write_all(partial.as_bytes()).await.unwrap();
        let (answer, after) = read_until_closed(&mut stream, header_read + Duration::from_secs(5))
            .await
            .unwrap_or_else(|| {
                panic!("`{partial}`: still open long after the header-read timeout")
            });
        assert!(answer.is_empty(), "no answer to a request never finished");
        assert!(
            after >= header_read - Duration::from_millis(100),
            "closed after {after:?}"
        );
    }
    // A client that finishes its headers in time is served.
    server
        .get("/healthz", "")
        .await
        .expect_status(StatusCode::OK);
}

#[tokio::test]
async fn an_idle_keep_alive_connection_is_closed_at_the_idle_timeout() {
    let idle = Duration::from_secs(1);
    let server = TestServer::start_with_options(timeouts(Duration::from_secs(30), idle)).await;
    let mut stream = TcpStream::connect(address(&server)).await.unwrap();
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let (answer, after) = read_until_closed(&mut stream, idle + Duration::from_secs(5))
        .await
        .expect("the idle connection is closed");
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(
        after >= idle - Duration::from_millis(100),
        "closed after {after:?}"
    );
}

/// The status and JSON body of a raw HTTP/1.1 answer.
fn raw_answer(answer: &[u8]) -> (u16, Value) {
    let answer = String::from_utf8_lossy(answer);
    let (head, body) = answer.split_once("\r\n\r\n").unwrap();
    assert!(head.contains("content-type: application/json"), "{head}");
    let status = head.get(9..12).unwrap().parse().unwrap();
    (status, serde_json::from_str(body).unwrap())
}

fn expect_json_error(reply: &Reply, status: StatusCode, code: &str) {
    assert_eq!(reply.status, status, "{}", reply.text);
    assert!(
        reply
            .header("content-type")
            .is_some_and(|t| t.starts_with("application/json")),
        "{:?}",
        reply.headers
    );
    assert_eq!(error_parts(&reply.json()).0, code, "{}", reply.text);
}

#[tokio::test]
async fn a_uri_or_headers_too_large_and_a_garbled_request_get_the_json_shape() {
    let server = TestServer::start().await;
    let op = server.operator.secret.clone();
    // Over 64 KiB of URI (clients refuse to build one, so it goes raw).
    let cursor = "A".repeat(70_000);
    let mut stream = TcpStream::connect(address(&server)).await.unwrap();
    let request = format!(
        "GET /v1/tenants?cursor={cursor} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {op}\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let (answer, _) = read_until_closed(&mut stream, Duration::from_secs(10))
        .await
        .expect("closed after the answer");
    let (status, body) = raw_answer(&answer);
    assert_eq!(status, 414);
    assert_eq!(error_parts(&body).0, "uri_too_long");
    let response = server
        .client
        .get(server.url("/v1/tenants"))
        .bearer_auth(&op)
        .header("x-padding", "p".repeat(1_000_000))
        .send()
        .await
        .unwrap();
    let reply = Reply::read(response).await;
    expect_json_error(
        &reply,
        StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
        "headers_too_large",
    );

    let mut stream = TcpStream::connect(address(&server)).await.unwrap();
    stream.write_all(b"NOT HTTP AT ALL\r\n\r\n").await.unwrap();
    let (answer, _) = read_until_closed(&mut stream, Duration::from_secs(10))
        .await
        .expect("closed after the answer");
    let (status, body) = raw_answer(&answer);
    assert_eq!(status, 400);
    assert_eq!(error_parts(&body).0, "malformed_request");
    // The server still serves.
    server
        .op_get("/v1/tenants")
        .await
        .expect_status(StatusCode::OK);
}

#[tokio::test]
async fn a_raw_body_over_the_limit_is_413_in_the_json_shape() {
    let server = TestServer::start_with_options(Options {
        config: ServerConfig {
            max_body_bytes: 1024,
            max_watchlist_bytes: 2048,
            ..ServerConfig::default()
        },
        ..Options::default()
    })
    .await;
    let op = server.operator.secret.clone();
    for (method, path, limit) in [
        (reqwest::Method::POST, "/v1/events", 32 * 1024 * 1024),
        (
            reqwest::Method::PUT,
            "/v1/vetting/watchlists/big?format=csv",
            2048,
        ),
    ] {
        let response = server
            .client
            .request(method.clone(), server.url(path))
            .bearer_auth(&op)
            .body("x".repeat(limit + 1))
            .send()
            .await
            .unwrap();
        let reply = Reply::read(response).await;
        expect_json_error(&reply, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large");
    }
}

/// A self-signed certificate for `127.0.0.1` and `localhost`, as PEM files in `dir`.
fn self_signed(dir: &std::path::Path) -> (std::path::PathBuf, std::path::PathBuf, String) {
    let certified =
        rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned(), "localhost".to_owned()])
            .unwrap();
    let cert = dir.join("cert.pem");
    let key = dir.join("key.pem");
    let pem = certified.cert.pem();
    std::fs::write(&cert, &pem).unwrap();
    std::fs::write(&key, certified.signing_key.serialize_pem()).unwrap();
    (cert, key, pem)
}

#[tokio::test]
async fn serve_speaks_https_with_the_configured_certificate_and_secure_cookies() {
    let dir = tempfile::tempdir().unwrap();
    let (cert, key, pem) = self_signed(dir.path());
    let tls = portcullis_server::tls_config(&cert, &key).unwrap();
    let server = TestServer::start_with_options(Options {
        transport: Transport {
            tls: Some(tls),
            ..Transport::default()
        },
        ..Options::default()
    })
    .await;
    assert!(
        server.base.starts_with("https://127.0.0.1:"),
        "{}",
        server.base
    );
    let client = reqwest::Client::builder()
        .tls_built_in_root_certs(false)
        .add_root_certificate(reqwest::Certificate::from_pem(pem.as_bytes()).unwrap())
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let health = client.get(server.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), StatusCode::OK);
    let tenants = client
        .get(server.url("/v1/tenants"))
        .bearer_auth(&server.operator.secret)
        .send()
        .await
        .unwrap();
    assert_eq!(tenants.status(), StatusCode::OK);

    // The console's session cookie is `Secure` over TLS.
    let signed_in = client
        .post(server.url("/sign-in"))
        .header("sec-fetch-site", "same-origin")
        .form(&[("token", server.operator.secret.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(signed_in.status(), StatusCode::SEE_OTHER);
    let cookie = signed_in
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .unwrap()
        .to_owned();
    assert!(cookie.starts_with("portcullis_session="), "{cookie}");
    assert!(cookie.contains("; Secure"), "{cookie}");

    // Plain HTTP on the TLS port gets no answer, and a client that does not
    // trust the certificate does not connect.
    let plain = server.base.replace("https://", "http://");
    assert!(reqwest::get(format!("{plain}/healthz")).await.is_err());
    assert!(reqwest::get(server.url("/healthz")).await.is_err());
}

#[tokio::test]
async fn tls_needs_a_certificate_and_a_key_that_load() {
    let dir = tempfile::tempdir().unwrap();
    let (cert, key, _) = self_signed(dir.path());
    let err = portcullis_server::tls_config(&key, &key).unwrap_err();
    assert!(err.to_string().contains("certificate chain"), "{err}");
    let err = portcullis_server::tls_config(&cert, &cert).unwrap_err();
    assert!(err.to_string().contains("private key"), "{err}");
    let missing = dir.path().join("missing.pem");
    assert!(portcullis_server::tls_config(&missing, &key).is_err());
}

/// Creates a tenant with `headers` and returns the `source_ip` its audit record names.
async fn audited_source(server: &TestServer, headers: &[(&str, &str)]) -> Value {
    let mut request = server
        .client
        .post(server.url("/v1/tenants"))
        .bearer_auth(&server.operator.secret)
        .json(&json!({"kind": "partner", "display_name": "Forwarded"}));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let created = Reply::read(request.send().await.unwrap())
        .await
        .expect_status(StatusCode::CREATED)
        .json();
    let id = str_field(&created, "id");
    let records = server.audit(&format!("tenant_id={id}")).await;
    records[0]["source_ip"].clone()
}

#[tokio::test]
async fn forwarding_headers_name_the_client_only_from_a_trusted_proxy() {
    let trusting = TestServer::start_with_options(Options {
        config: ServerConfig {
            trusted_proxies: vec!["127.0.0.0/8".parse().unwrap()],
            ..ServerConfig::default()
        },
        ..Options::default()
    })
    .await;
    assert_eq!(
        audited_source(&trusting, &[("x-forwarded-for", "6.6.6.6, 203.0.113.9")]).await,
        json!("203.0.113.9"),
        "the rightmost address the trusted proxy appended"
    );
    assert_eq!(
        audited_source(&trusting, &[("x-forwarded-for", "203.0.113.9, 127.0.0.5")]).await,
        json!("203.0.113.9"),
        "trusted hops are skipped"
    );
    assert_eq!(
        audited_source(
            &trusting,
            &[("forwarded", "for=\"[2001:db8::5]:4711\";proto=https")]
        )
        .await,
        json!("2001:db8::5")
    );
    assert_eq!(audited_source(&trusting, &[]).await, json!("127.0.0.1"));

    for untrusting in [
        TestServer::start().await,
        TestServer::start_with_options(Options {
            config: ServerConfig {
                trusted_proxies: vec!["10.0.0.0/8".parse().unwrap()],
                ..ServerConfig::default()
            },
            ..Options::default()
        })
        .await,
    ] {
        assert_eq!(
            audited_source(
                &untrusting,
                &[
                    ("x-forwarded-for", "203.0.113.9"),
                    ("forwarded", "for=198.51.100.1")
                ]
            )
            .await,
            json!("127.0.0.1"),
            "a spoofed header from an untrusted peer is ignored"
        );
    }
}
