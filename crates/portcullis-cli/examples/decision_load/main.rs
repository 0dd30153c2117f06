//! HTTP load on `POST /v1/decisions`: a real `portcullis serve` process on
//! loopback, and an open-loop load generator in this process.
//!
//! ```sh
//! cargo build --release && cargo run --release --example decision_load -- [--quick] [--rate 20000] [--seconds 10] [--batch 1] [--connections 64] [--baseline PATH] [--route decisions|evaluation] [--client pipelined|reqwest]
//! ```
//!
//! `--client pipelined` (the default) sends over the generator's own
//! HTTP/1.1 keep-alive connections, pipelined ([`pipelined`]); `--client
//! reqwest` over `reqwest`'s connection pool, one request at a time per
//! connection (the generator of earlier measurements: it costs the shared
//! cores several times more per request).
//!
//! `--baseline PATH` first runs the same load against another `portcullis`
//! binary (an older build, say), then against this build's, and reports
//! both with their ratio: one run, same machine, same schedule.
//! `PORTCULLIS_DECISION_RECORDS` (`sync` or `batched`) in the environment
//! reaches the servers started.
//!
//! Requests are sent on a fixed schedule (`rate` per second, spread over
//! `--connections` concurrent senders) and each latency is measured from the
//! moment the request was *due*, not sent, so a slow server cannot hide its
//! queueing (no coordinated omission). The last line of stdout is a JSON
//! summary.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a benchmark harness: failing loudly is the point"
)]

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

mod cpu;
mod pipelined;
mod timeline;

const GROUPS_ADMIN: &str = "fdd7a751-b60b-444a-984c-02652fe8fa1c";

struct Options {
    quick: bool,
    /// Decisions per second.
    rate: u64,
    seconds: u64,
    connections: usize,
    /// Checks per request (1: the single form; more: the batch form).
    batch: u64,
    /// Another `portcullis` binary to measure first, in the same run.
    baseline: Option<std::path::PathBuf>,
    /// The AuthZEN evaluation route (`--route evaluation`) instead of
    /// `POST /v1/decisions` (the default, `--route decisions`).
    authzen: bool,
    /// `reqwest`'s pool (`--client reqwest`) instead of the pipelined
    /// connections (`--client pipelined`, the default).
    reqwest: bool,
}

fn options() -> Options {
    let args: Vec<String> = std::env::args().collect();
    let value = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .map(|v| v.parse::<u64>().expect("a number"))
    };
    let quick = args.iter().any(|a| a == "--quick");
    Options {
        quick,
        rate: value("--rate").unwrap_or(if quick { 5_000 } else { 20_000 }),
        seconds: value("--seconds").unwrap_or(if quick { 3 } else { 10 }),
        connections: usize::try_from(value("--connections").unwrap_or(64)).unwrap(),
        batch: value("--batch").unwrap_or(1).clamp(1, 1_000),
        baseline: args
            .iter()
            .position(|a| a == "--baseline")
            .and_then(|i| args.get(i + 1))
            .map(std::path::PathBuf::from),
        authzen: match args
            .iter()
            .position(|a| a == "--route")
            .and_then(|i| args.get(i + 1))
            .map(String::as_str)
        {
            None | Some("decisions") => false,
            Some("evaluation") => true,
            Some(other) => panic!("--route is `decisions` or `evaluation`, not `{other}`"),
        },
        reqwest: match args
            .iter()
            .position(|a| a == "--client")
            .and_then(|i| args.get(i + 1))
            .map(String::as_str)
        {
            None | Some("pipelined") => false,
            Some("reqwest") => true,
            Some(other) => panic!("--client is `pipelined` or `reqwest`, not `{other}`"),
        },
    }
}

/// A check as an AuthZEN 1.0 evaluation request (the subject's partner
/// tenant follows from the user).
fn authzen(check: &Value) -> Value {
    json!({
        "subject": {"type": "user", "id": check["user_id"]},
        "resource": {"type": "tenant", "id": check["customer_tenant_id"]},
        "action": {"name": check["action"]},
        "context": {"auth_strength": check["auth_strength"], "ip": check["source_ip"]},
    })
}

struct Api {
    base: String,
    client: reqwest::Client,
}

impl Api {
    async fn post(&self, path: &str, bearer: &str, body: Value) -> Value {
        let response = self
            .client
            .post(format!("{}{path}", self.base))
            .bearer_auth(bearer)
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = response.status();
        let text = response.text().await.unwrap();
        assert!(status.is_success(), "{path}: {status} {text}");
        serde_json::from_str(&text).unwrap_or(Value::Null)
    }

    async fn id(&self, path: &str, bearer: &str, body: Value) -> String {
        self.post(path, bearer, body).await["id"]
            .as_str()
            .unwrap()
            .to_owned()
    }
}

/// Partners with users in a group, customers, approved relationships: the
/// checks a resource provider would really send about them.
async fn ecosystem(
    api: &Api,
    op: &str,
    reviewers: &[String],
    partners: usize,
    customers: usize,
) -> Vec<Value> {
    let mut customer_ids = Vec::new();
    let mut customer_tokens = Vec::new();
    for n in 0..customers {
        let id = api
            .id(
                "/v1/tenants",
                op,
                json!({"kind": "customer", "display_name": format!("Customer {n}")}),
            )
            .await;
        let token = api
            .post(
                "/v1/tokens",
                op,
                json!({"kind": "customer_admin", "tenant_id": id}),
            )
            .await;
        customer_tokens.push(token["secret"].as_str().unwrap().to_owned());
        customer_ids.push(id);
    }
    let mut checks = Vec::new();
    for p in 0..partners {
        let partner = api
            .id(
                "/v1/tenants",
                op,
                json!({"kind": "partner", "display_name": format!("Partner {p}")}),
            )
            .await;
        // Vetting: applied for by the operator, approved by two others.
        let case = api
            .post(
                "/v1/vetting/applications",
                op,
                json!({"tenant_id": partner, "application": {
                    "legal_name": format!("Partner {p} Ltd"), "registration_number": "1",
                    "registration_country": "GB", "website_domain": format!("partner-{p}.com"),
                    "contact_email": format!("security@partner-{p}.com"),
                    "address": {"street": "1 High Street", "city": "London", "country": "GB"}}}),
            )
            .await["case"]["id"]
            .as_str()
            .unwrap()
            .to_owned();
        api.post(&format!("/v1/vetting/cases/{case}/screen"), op, json!({}))
            .await;
        for reviewer in reviewers {
            api.post(
                &format!("/v1/vetting/cases/{case}/reviews"),
                reviewer,
                json!({"decision": "approve", "reason": "load test"}),
            )
            .await;
        }
        let pa = api
            .post(
                "/v1/tokens",
                op,
                json!({"kind": "partner_admin", "tenant_id": partner}),
            )
            .await;
        let pa = pa["secret"].as_str().unwrap().to_owned();
        let group = api
            .id(
                &format!("/v1/tenants/{partner}/groups"),
                &pa,
                json!({"display_name": "Helpdesk"}),
            )
            .await;
        let mut users = Vec::new();
        for u in 0..5 {
            let user = api
                .id(&format!("/v1/tenants/{partner}/users"), &pa,
                    json!({"user_principal_name": format!("u{u}@p{p}.example"), "display_name": format!("User {u}")}))
                .await;
            api.post(
                &format!("/v1/tenants/{partner}/groups/{group}/members"),
                &pa,
                json!({"user_id": user}),
            )
            .await;
            users.push(user);
        }
        for r in 0..5 {
            let c = (p * 7 + r * 13) % customers;
            let rel = api
                .id("/v1/relationships", &pa, json!({"partner_tenant_id": partner, "customer_tenant_id": customer_ids[c],
                    "display_name": format!("Rel {r}"), "roles": [GROUPS_ADMIN], "duration": "P730D"}))
                .await;
            api.post(
                &format!("/v1/relationships/{rel}/assignments"),
                &pa,
                json!({"group_id": group, "roles": [GROUPS_ADMIN]}),
            )
            .await;
            api.post(
                &format!("/v1/relationships/{rel}/request-approval"),
                &pa,
                json!({}),
            )
            .await;
            api.post(
                &format!("/v1/relationships/{rel}/approve"),
                &customer_tokens[c],
                json!({}),
            )
            .await;
            for (u, user) in users.iter().enumerate() {
                let action = if (u + r) % 4 == 0 {
                    "federation.update"
                } else {
                    "groups.update"
                };
                checks.push(json!({"partner_tenant_id": partner, "user_id": user, "customer_tenant_id": customer_ids[c],
                    "action": action, "auth_strength": "mfa", "source_ip": "203.0.113.9"}));
            }
        }
    }
    checks
}

fn percentile(sorted: &[u64], p: f64) -> u64 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

#[tokio::main]
async fn main() {
    let opts = options();
    let exe = std::env::current_exe().unwrap();
    let server_bin = exe
        .parent()
        .and_then(|d| d.parent())
        .unwrap()
        .join("portcullis");
    assert!(
        server_bin.exists(),
        "build the server first: cargo build --release (looked for {})",
        server_bin.display()
    );
    let Some(baseline) = &opts.baseline else {
        println!("{}", measure(&opts, &server_bin).await);
        return;
    };
    assert!(
        baseline.exists(),
        "no baseline binary at {}",
        baseline.display()
    );
    println!("baseline: {}", baseline.display());
    let before = measure(&opts, baseline).await;
    println!("this build: {}", server_bin.display());
    let after = measure(&opts, &server_bin).await;
    let ratio = |key: &str| {
        let (a, b) = (
            after[key].as_f64().unwrap_or(0.0),
            before[key].as_f64().unwrap_or(0.0),
        );
        if b > 0.0 {
            (a / b * 100.0).round() / 100.0
        } else {
            0.0
        }
    };
    println!(
        "{}",
        json!({"baseline": before, "this_build": after,
               "ratio_decisions_per_sec": ratio("http_decisions_per_sec"),
               "ratio_p99": ratio("http_p99_us")})
    );
}

/// Starts `server_bin` on a fresh database, sets up the ecosystem, drives
/// the load and returns the summary.
async fn measure(opts: &Options, server_bin: &std::path::Path) -> Value {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("load.db");
    let db = db.to_str().unwrap();
    // Only `serve` and `migrate` create a database.
    let migrated = Command::new(server_bin)
        .args(["--database-url", db, "migrate"])
        .status()
        .unwrap();
    assert!(migrated.success(), "migrate failed");
    let operator = || {
        let out = Command::new(server_bin)
            .args([
                "--database-url",
                db,
                "token",
                "create",
                "--kind",
                "operator",
            ])
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap().trim().to_owned()
    };
    let op = operator();
    let reviewers = [operator(), operator()];
    // Vetting's DNS check asks a loopback socket that never answers.
    let silent = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let config = dir.path().join("load.toml");
    std::fs::write(
        &config,
        format!(
            "[vetting]\nnameservers = [\"{}\"]\ndns_timeout_seconds = 1\n",
            silent.local_addr().unwrap()
        ),
    )
    .unwrap();
    // A free port chosen here, and readiness asked of `/healthz`: the
    // run does not depend on the server's log showing its address (with
    // `PORTCULLIS_LOG=warn` it does not).
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let listen = format!("127.0.0.1:{port}");
    let mut child = Command::new(server_bin)
        .args([
            "--database-url",
            db,
            "serve",
            "--listen",
            &listen,
            "--config",
        ])
        .arg(&config)
        // The default level: one log line per request, as in production.
        .env(
            "PORTCULLIS_LOG",
            std::env::var("PORTCULLIS_LOG").unwrap_or_else(|_| "info".to_owned()),
        )
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    println!("server pid {}", child.id());
    let lines = BufReader::new(child.stderr.take().unwrap()).lines();
    // The server's log, kept with `DECISION_LOAD_SERVER_LOG=<file>` (for
    // example with `PORTCULLIS_LOG=info,sqlx::query=debug` to count statements).
    let mut keep = std::env::var_os("DECISION_LOAD_SERVER_LOG")
        .map(|path| std::fs::File::create(path).unwrap());
    std::thread::spawn(move || {
        for line in lines.map_while(Result::ok) {
            if let Some(file) = keep.as_mut() {
                let _ = writeln!(file, "{line}");
            }
        }
    });
    let base = format!("http://{listen}");
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let ready = reqwest::get(format!("{base}/healthz")).await;
        if ready.is_ok_and(|r| r.status().is_success()) {
            break;
        }
        if let Some(status) = child.try_wait().unwrap() {
            panic!(
                "the server exited before it answered ({status}); DECISION_LOAD_SERVER_LOG=<file> keeps its log"
            );
        }
        assert!(
            Instant::now() < deadline,
            "the server did not answer /healthz within 120 s"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    let api = Api {
        base: base.clone(),
        client: reqwest::Client::new(),
    };
    let (partners, customers) = if opts.quick { (4, 20) } else { (20, 200) };
    let setup = Instant::now();
    let checks = Arc::new(ecosystem(&api, &op, &reviewers, partners, customers).await);
    let service = api
        .post("/v1/tokens", &op, json!({"kind": "service"}))
        .await["secret"]
        .as_str()
        .unwrap()
        .to_owned();
    println!(
        "set up {partners} partners, {customers} customers, {} distinct checks in {:.1} s",
        checks.len(),
        setup.elapsed().as_secs_f64()
    );

    // Warm-up, then the measured run.
    let (route, warm_up) = if opts.authzen {
        ("/access/v1/evaluation", authzen(&checks[0]))
    } else {
        ("/v1/decisions", checks[0].clone())
    };
    for _ in 0..200 {
        api.post(route, &service, warm_up.clone()).await;
    }
    let batch_size = if opts.authzen { 1 } else { opts.batch };
    let requests_per_sec = (opts.rate / batch_size).max(1);
    let total = requests_per_sec * opts.seconds;
    let interval = Duration::from_secs_f64(1.0 / requests_per_sec as f64);
    let batch = usize::try_from(batch_size).unwrap();
    // Bodies serialized once, and the URL and header built once: the
    // generator shares the machine with the server, so its own work per
    // request is kept small.
    let bodies: &'static [&'static [u8]] = Box::leak(
        checks
            .iter()
            .enumerate()
            .map(|(i, c)| {
                // The batch form: this check and the next ones.
                let body = if opts.authzen {
                    serde_json::to_vec(&authzen(c)).unwrap()
                } else if batch == 1 {
                    serde_json::to_vec(c).unwrap()
                } else {
                    let group: Vec<&Value> = checks.iter().cycle().skip(i).take(batch).collect();
                    serde_json::to_vec(&json!({ "checks": group })).unwrap()
                };
                &*Box::leak(body.into_boxed_slice())
            })
            .collect::<Vec<&'static [u8]>>()
            .into_boxed_slice(),
    );
    let cpu_before = cpu::Ticks::of(child.id());
    let start = Instant::now() + Duration::from_millis(50);
    let wall_start_ms =
        portcullis_domain::Clock::now(&portcullis_domain::SystemClock).unix_millis() + 50;
    let schedule = Arc::new(pipelined::Schedule {
        start,
        interval,
        total,
        next: AtomicU64::new(0),
    });
    let mut workers = Vec::new();
    if opts.reqwest {
        let url = reqwest::Url::parse(&format!("{base}{route}")).unwrap();
        let bearer = reqwest::header::HeaderValue::from_str(&format!("Bearer {service}")).unwrap();
        for _ in 0..opts.connections {
            let pool = Pooled {
                client: api.client.clone(),
                url: url.clone(),
                bearer: bearer.clone(),
            };
            workers.push(tokio::spawn(pool.run(bodies, schedule.clone())));
        }
    } else {
        let host = base.trim_start_matches("http://");
        let addr = host.parse().unwrap();
        let requests = Arc::new(pipelined::requests(host, route, &service, bodies));
        for _ in 0..opts.connections {
            workers.push(tokio::spawn(pipelined::connection(
                addr,
                requests.clone(),
                schedule.clone(),
            )));
        }
    }
    let mut samples = Vec::new();
    let mut errors = 0;
    for worker in workers {
        let (l, e) = worker.await.unwrap();
        samples.extend(l);
        errors += e;
    }
    let elapsed = start.elapsed().as_secs_f64();
    let server_cpu = cpu::Ticks::settled(child.id())
        .await
        .per_decision(&cpu_before, (samples.len() * batch) as f64);
    if let Some(path) = std::env::var_os("DECISION_LOAD_TIMELINE") {
        timeline::write(std::path::Path::new(&path), wall_start_ms, &samples);
    }
    let mut latencies: Vec<u64> = samples.iter().map(|s| s.latency_us).collect();
    latencies.sort_unstable();
    let achieved = (latencies.len() * batch) as f64 / elapsed;
    let (p50, p99, max) = (
        percentile(&latencies, 0.50),
        percentile(&latencies, 0.99),
        latencies.last().copied().unwrap_or(0),
    );
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    println!(
        "{route}: target {} decisions/s ({batch_size} per request) for {} s over {} connections ({}); achieved {achieved:.0} decisions/s",
        opts.rate,
        opts.seconds,
        opts.connections,
        if opts.reqwest { "reqwest" } else { "pipelined" }
    );
    println!(
        "latency from due time: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms; errors {errors}",
        p50 as f64 / 1000.0,
        p99 as f64 / 1000.0,
        max as f64 / 1000.0
    );
    println!("server CPU per decision (µs): {server_cpu}");
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let _ = child.wait();
    json!({"http_target_per_sec": opts.rate, "http_decisions_per_sec": achieved.round(), "http_p50_us": p50,
               "http_p99_us": p99, "http_max_us": max, "errors": errors, "connections": opts.connections,
               "seconds": opts.seconds, "client": if opts.reqwest { "reqwest" } else { "pipelined" }, "checks_per_request": batch_size, "route": route, "cores": cores, "quick": opts.quick,
           "server_cpu_us_per_decision": server_cpu,
           "decision_records": std::env::var("PORTCULLIS_DECISION_RECORDS").unwrap_or_else(|_| "sync".to_owned())})
}

/// One sender over `reqwest`'s pool (`--client reqwest`): it waits for each
/// answer before taking the next request due.
struct Pooled {
    client: reqwest::Client,
    url: reqwest::Url,
    bearer: reqwest::header::HeaderValue,
}

impl Pooled {
    async fn run(
        self,
        bodies: &'static [&'static [u8]],
        schedule: Arc<pipelined::Schedule>,
    ) -> (Vec<pipelined::Sample>, u64) {
        let mut latencies = Vec::new();
        let mut errors = 0_u64;
        loop {
            let i = schedule.next.fetch_add(1, Ordering::Relaxed);
            if i >= schedule.total {
                return (latencies, errors);
            }
            let due = schedule.due(i);
            tokio::time::sleep_until(due.into()).await;
            let body = bodies[usize::try_from(i).unwrap() % bodies.len()];
            let ok = self
                .client
                .post(self.url.clone())
                .header(reqwest::header::AUTHORIZATION, self.bearer.clone())
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body)
                .send()
                .await
                .map(|r| r.status().is_success())
                .unwrap_or(false);
            if !ok {
                errors += 1;
            }
            latencies.push(pipelined::Sample::new(schedule.start, due));
        }
    }
}
