//! The real server on an ephemeral port, a fresh database, and a small HTTP
//! client vocabulary for the tests.

use std::sync::Arc;

use portcullis_domain::{Clock, PrincipalKind, SystemClock};
use portcullis_server::{ServerConfig, Transport};
use portcullis_service::{Caller, DestinationPolicy, NewToken, Portcullis, WebhookConfig};
use portcullis_testkit::TestDb;
use reqwest::header::{ETAG, HeaderMap};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// A bearer token minted for a test: its id and its secret.
#[derive(Debug, Clone)]
pub struct Bearer {
    pub id: String,
    pub secret: String,
}

/// How a test server is set up beyond its database.
pub struct Options {
    pub config: ServerConfig,
    pub clock: Arc<dyn Clock>,
    pub transport: Transport,
    /// Loopback receivers are allowed unless a test says otherwise.
    pub webhooks: WebhookConfig,
    /// Bulk cap and security-score floor.
    pub least_privilege: portcullis_service::LeastPrivilegeConfig,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            config: ServerConfig::default(),
            clock: Arc::new(SystemClock),
            transport: Transport::default(),
            webhooks: loopback_webhooks(),
            least_privilege: portcullis_service::LeastPrivilegeConfig::default(),
        }
    }
}

/// Webhook deliveries may reach this host's receivers (tests run them on 127.0.0.1).
pub fn loopback_webhooks() -> WebhookConfig {
    WebhookConfig {
        destinations: DestinationPolicy::new(vec!["127.0.0.0/8".parse().unwrap()]),
        ..WebhookConfig::default()
    }
}

/// A running server with its own database.
pub struct TestServer {
    pub base: String,
    pub client: reqwest::Client,
    /// An operator token minted directly through the service.
    pub operator: Bearer,
    /// The application the server runs, for tests that seed what only
    /// background work creates (findings).
    pub portcullis: Portcullis,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<std::io::Result<()>>>,
    dns: portcullis_testkit::dns::TestDns,
    _db: TestDb,
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// The DNS zone the test server's vetting resolves in.
pub const TEST_ZONE: &str = "portcullis-test.com";

/// A well-formed application for `partner`, at a domain of [`TEST_ZONE`].
pub fn test_application(partner: &str) -> Value {
    let label = partner.split('-').next().unwrap_or("partner");
    let domain = format!("p{label}.{TEST_ZONE}");
    serde_json::json!({
        "legal_name": format!("Partner {label} Ltd"),
        "registration_number": "12345678",
        "registration_country": "GB",
        "website_domain": domain,
        "contact_email": format!("security@{domain}"),
        "officers": [{"name": "Jane Doe", "birth_year": 1970, "country": "GB"}],
        "address": {"street": "1 High Street", "city": "London", "country": "GB"}
    })
}

impl TestServer {
    /// The server on a fresh SQLite database, with the system clock.
    pub async fn start() -> Self {
        Self::start_with(
            TestDb::sqlite(),
            &ServerConfig::default(),
            Arc::new(SystemClock),
        )
        .await
    }

    /// The server on a fresh PostgreSQL database; `None` when no PostgreSQL
    /// server answers (outside CI).
    pub async fn start_postgres() -> Option<Self> {
        let db = TestDb::postgres().await?;
        Some(Self::start_with(db, &ServerConfig::default(), Arc::new(SystemClock)).await)
    }

    /// The server on a fresh PostgreSQL database with a clock the test
    /// controls; `None` when no PostgreSQL server answers (outside CI).
    pub async fn start_postgres_with_clock(clock: Arc<dyn Clock>) -> Option<Self> {
        let db = TestDb::postgres().await?;
        Some(Self::start_with(db, &ServerConfig::default(), clock).await)
    }

    /// The server on SQLite with another configuration.
    pub async fn start_with_config(config: &ServerConfig) -> Self {
        Self::start_with(TestDb::sqlite(), config, Arc::new(SystemClock)).await
    }

    /// The server on SQLite with a clock the test controls.
    pub async fn start_with_clock(clock: Arc<dyn Clock>) -> Self {
        Self::start_with(TestDb::sqlite(), &ServerConfig::default(), clock).await
    }

    /// The server on SQLite with these settings all round.
    pub async fn start_with_options(options: Options) -> Self {
        Self::start_from(TestDb::sqlite(), options).await
    }

    async fn start_with(db: TestDb, config: &ServerConfig, clock: Arc<dyn Clock>) -> Self {
        let options = Options {
            config: config.clone(),
            clock,
            ..Options::default()
        };
        Self::start_from(db, options).await
    }

    async fn start_from(db: TestDb, options: Options) -> Self {
        let Options {
            config,
            clock,
            transport,
            webhooks,
            least_privilege,
        } = options;
        let config = &config;
        // Vetting asks this in-process DNS server, never the real one:
        // partner domains under `portcullis-test.com` have no challenge
        // record unless a test publishes one.
        let dns = portcullis_testkit::dns::TestDns::start(TEST_ZONE).await;
        let vetting = portcullis_service::VettingConfig {
            nameservers: vec![dns.addr()],
            dns_timeout_seconds: Some(2),
            ..portcullis_service::VettingConfig::default()
        };
        let portcullis = Portcullis::new(Arc::new(db.store().await), clock)
            .with_vetting(vetting)
            .with_webhooks(webhooks)
            .with_least_privilege(least_privilege);
        let (token, secret) = portcullis
            .create_token(
                &Caller::local_operator(),
                NewToken {
                    kind: PrincipalKind::Operator,
                    tenant_id: None,
                    description: None,
                    expires_in: None,
                },
            )
            .await
            .expect("mint the test operator token");
        let app = portcullis_server::router(portcullis.clone(), config);
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind an ephemeral port");
        let addr = listener.local_addr().expect("the bound address");
        let (tx, rx) = oneshot::channel::<()>();
        let scheme = if transport.tls.is_some() {
            "https"
        } else {
            "http"
        };
        let task = tokio::spawn(async move {
            portcullis_server::serve_with(listener, app, &transport, async move {
                let _ = rx.await;
            })
            .await
        });
        Self {
            base: format!("{scheme}://{addr}"),
            client: reqwest::Client::new(),
            operator: Bearer {
                id: token.id.to_string(),
                secret,
            },
            portcullis,
            shutdown: Some(tx),
            task: Some(task),
            dns,
            _db: db,
        }
    }

    /// Submits an application (`body`, as `POST /v1/vetting/applications`
    /// takes it) with `secret` and screens its case with the same token.
    /// Returns the case id and the screened case's detail.
    pub async fn apply_and_screen(&self, secret: &str, body: Value) -> (String, Value) {
        let submitted = self
            .post("/v1/vetting/applications", secret, body)
            .await
            .expect_status(StatusCode::CREATED)
            .json();
        let case = str_field(&submitted["case"], "id");
        let screened = self
            .post(
                &format!("/v1/vetting/cases/{case}/screen"),
                secret,
                serde_json::json!({}),
            )
            .await
            .expect_status(StatusCode::OK)
            .json();
        (case, screened)
    }

    /// Vets `partner` through the API until it is authorized: an operator
    /// applies on its behalf and screens (the domain is not proven, so the
    /// case is high-risk), and two other operators approve. Returns the case id.
    pub async fn authorize_partner(&self, partner: &str) -> String {
        let body =
            serde_json::json!({"tenant_id": partner, "application": test_application(partner)});
        let (case, _) = self.apply_and_screen(&self.operator.secret, body).await;
        for _ in 0..2 {
            let reviewer = self.mint("operator", None).await;
            self.post(
                &format!("/v1/vetting/cases/{case}/reviews"),
                &reviewer.secret,
                serde_json::json!({"decision": "approve", "reason": "vetted by the test"}),
            )
            .await
            .expect_status(StatusCode::OK);
        }
        let approved = self
            .op_get(&format!("/v1/vetting/cases/{case}"))
            .await
            .json();
        assert_eq!(approved["case"]["state"], "approved", "{approved}");
        case
    }

    /// Suspends a vetted partner by its case.
    pub async fn suspend_partner(&self, case: &str) {
        self.post(
            &format!("/v1/vetting/cases/{case}/suspend"),
            &self.operator.secret,
            serde_json::json!({"reason": "suspended by the test"}),
        )
        .await
        .expect_status(StatusCode::OK);
    }

    /// The in-process DNS server vetting asks.
    pub fn dns(&self) -> &portcullis_testkit::dns::TestDns {
        &self.dns
    }

    /// Signals shutdown and waits for the server to finish.
    pub async fn stop(mut self) -> std::io::Result<()> {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        match self.task.take() {
            Some(task) => task.await.expect("the server task does not panic"),
            None => Ok(()),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Sends a request; `bearer` is the token secret, if any.
    pub async fn send(&self, req: Request<'_>) -> Reply {
        let mut builder = self.client.request(req.method, self.url(&req.path));
        if let Some(secret) = req.bearer {
            builder = builder.bearer_auth(secret);
        }
        if let Some(tag) = req.if_match {
            builder = builder.header("if-match", tag);
        }
        for (name, value) in req.headers {
            builder = builder.header(name, value);
        }
        if let Some(body) = req.body {
            builder = builder.json(&body);
        }
        let response = builder.send().await.expect("the server answers");
        Reply::read(response).await
    }

    /// `PUT` of a raw body (a watchlist file) as `bearer`.
    pub async fn put_raw(
        &self,
        path: &str,
        bearer: &str,
        content_type: &str,
        body: &[u8],
    ) -> Reply {
        let response = self
            .client
            .put(self.url(path))
            .bearer_auth(bearer)
            .header("content-type", content_type)
            .body(body.to_vec())
            .send()
            .await
            .expect("the server answers");
        Reply::read(response).await
    }

    pub async fn get(&self, path: &str, bearer: &str) -> Reply {
        self.send(Request::new(Method::GET, path).bearer(bearer))
            .await
    }

    pub async fn post(&self, path: &str, bearer: &str, body: Value) -> Reply {
        self.send(Request::new(Method::POST, path).bearer(bearer).json(body))
            .await
    }

    pub async fn patch(
        &self,
        path: &str,
        bearer: &str,
        if_match: Option<&str>,
        body: Value,
    ) -> Reply {
        let mut req = Request::new(Method::PATCH, path).bearer(bearer).json(body);
        if let Some(tag) = if_match {
            req = req.if_match(tag);
        }
        self.send(req).await
    }

    pub async fn delete(&self, path: &str, bearer: &str, if_match: Option<&str>) -> Reply {
        let mut req = Request::new(Method::DELETE, path).bearer(bearer);
        if let Some(tag) = if_match {
            req = req.if_match(tag);
        }
        self.send(req).await
    }

    /// `GET` as the operator.
    pub async fn op_get(&self, path: &str) -> Reply {
        self.get(path, &self.operator.secret).await
    }

    /// Registers a tenant as the operator; returns its JSON.
    pub async fn create_tenant(&self, kind: &str, display_name: &str) -> Value {
        let reply = self
            .post(
                "/v1/tenants",
                &self.operator.secret,
                json!({"kind": kind, "display_name": display_name}),
            )
            .await;
        reply.expect_status(StatusCode::CREATED).json()
    }

    /// Adds a user to a partner tenant as the operator; returns its JSON.
    pub async fn create_user(&self, tenant: &str, upn: &str, display_name: &str) -> Value {
        let reply = self
            .post(
                &format!("/v1/tenants/{tenant}/users"),
                &self.operator.secret,
                json!({"user_principal_name": upn, "display_name": display_name}),
            )
            .await;
        reply.expect_status(StatusCode::CREATED).json()
    }

    /// Creates a security group as the operator; returns its JSON.
    pub async fn create_group(&self, tenant: &str, display_name: &str) -> Value {
        let reply = self
            .post(
                &format!("/v1/tenants/{tenant}/groups"),
                &self.operator.secret,
                json!({"display_name": display_name}),
            )
            .await;
        reply.expect_status(StatusCode::CREATED).json()
    }

    /// Adds a member as the operator.
    pub async fn add_member(&self, tenant: &str, group: &str, user: &str) {
        self.post(
            &format!("/v1/tenants/{tenant}/groups/{group}/members"),
            &self.operator.secret,
            json!({"user_id": user}),
        )
        .await
        .expect_status(StatusCode::CREATED);
    }

    /// Mints a token through `POST /v1/tokens` as the operator.
    pub async fn mint(&self, kind: &str, tenant: Option<&str>) -> Bearer {
        let mut body = json!({"kind": kind});
        if let Some(tenant) = tenant {
            body["tenant_id"] = json!(tenant);
        }
        let created = self
            .post("/v1/tokens", &self.operator.secret, body)
            .await
            .expect_status(StatusCode::CREATED)
            .json();
        Bearer {
            id: str_field(&created, "id"),
            secret: str_field(&created, "secret"),
        }
    }

    /// Every item of a list route, following `next_cursor` with `limit`;
    /// returns the items and how many pages were read.
    pub async fn collect_pages(&self, path: &str, bearer: &str, limit: u32) -> (Vec<Value>, usize) {
        let separator = if path.contains('?') { '&' } else { '?' };
        let mut items = Vec::new();
        let mut cursor: Option<String> = None;
        let mut pages = 0;
        loop {
            let mut url = format!("{path}{separator}limit={limit}");
            if let Some(c) = &cursor {
                url.push_str(&format!("&cursor={c}"));
            }
            let page = self
                .get(&url, bearer)
                .await
                .expect_status(StatusCode::OK)
                .json();
            pages += 1;
            let batch = page["items"]
                .as_array()
                .expect("`items` is an array")
                .clone();
            assert!(
                batch.len() <= usize::try_from(limit).unwrap(),
                "a page holds at most `limit` items: {page}"
            );
            items.extend(batch);
            match page.get("next_cursor") {
                None => break,
                Some(next) => {
                    cursor = Some(next.as_str().expect("`next_cursor` is a string").to_owned());
                }
            }
            assert!(pages < 1000, "pagination does not end");
        }
        (items, pages)
    }

    /// Every audit record, oldest first.
    pub async fn audit(&self, query: &str) -> Vec<Value> {
        let path = if query.is_empty() {
            "/v1/audit".to_owned()
        } else {
            format!("/v1/audit?{query}")
        };
        self.collect_pages(&path, &self.operator.secret, 200)
            .await
            .0
    }
}

/// One request to send.
#[derive(Debug, Clone)]
pub struct Request<'a> {
    pub method: Method,
    pub path: String,
    pub bearer: Option<&'a str>,
    pub if_match: Option<&'a str>,
    pub headers: Vec<(&'a str, String)>,
    pub body: Option<Value>,
}

impl<'a> Request<'a> {
    pub fn new(method: Method, path: &str) -> Self {
        Self {
            method,
            path: path.to_owned(),
            bearer: None,
            if_match: None,
            headers: Vec::new(),
            body: None,
        }
    }

    pub fn bearer(mut self, secret: &'a str) -> Self {
        self.bearer = Some(secret);
        self
    }

    pub fn if_match(mut self, tag: &'a str) -> Self {
        self.if_match = Some(tag);
        self
    }

    pub fn header(mut self, name: &'a str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    pub fn json(mut self, body: Value) -> Self {
        self.body = Some(body);
        self
    }
}

/// A response, read whole.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub text: String,
}

impl Reply {
    pub async fn read(response: reqwest::Response) -> Self {
        let status = response.status();
        let headers = response.headers().clone();
        let text = response.text().await.expect("a readable body");
        Self {
            status,
            headers,
            text,
        }
    }

    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text)
            .unwrap_or_else(|e| panic!("a JSON body ({e}), got {}: {}", self.status, self.text))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn etag(&self) -> &str {
        self.headers
            .get(ETAG)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_else(|| panic!("an ETag header on {} {}", self.status, self.text))
    }

    /// Asserts the status; returns the reply for chaining.
    #[track_caller]
    pub fn expect_status(self, status: StatusCode) -> Self {
        assert_eq!(
            self.status, status,
            "unexpected status; body: {}",
            self.text
        );
        self
    }

    /// Asserts an error of `status` and `code` in exactly our error shape;
    /// returns its message.
    #[track_caller]
    pub fn expect_error(&self, status: StatusCode, code: &str) -> String {
        assert_eq!(
            self.status, status,
            "unexpected status; body: {}",
            self.text
        );
        let (got, message) = error_parts(&self.json());
        assert_eq!(got, code, "unexpected error code; body: {}", self.text);
        message
    }

    /// The items of a list response.
    #[track_caller]
    pub fn items(&self) -> Vec<Value> {
        self.json()["items"]
            .as_array()
            .unwrap_or_else(|| panic!("a list body, got {}", self.text))
            .clone()
    }
}

/// Checks that `body` is exactly `{"error":{"code":"…","message":"…"}}` and
/// returns the code and the message.
#[track_caller]
pub fn error_parts(body: &Value) -> (String, String) {
    let outer = body
        .as_object()
        .unwrap_or_else(|| panic!("an error body is an object: {body}"));
    assert_eq!(outer.len(), 1, "only `error` at the top: {body}");
    let error = outer
        .get("error")
        .and_then(Value::as_object)
        .unwrap_or_else(|| panic!("`error` is an object: {body}"));
    let mut keys: Vec<&str> = error.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        ["code", "message"],
        "exactly `code` and `message`: {body}"
    );
    let code = error["code"]
        .as_str()
        .unwrap_or_else(|| panic!("`code` is a string: {body}"));
    let message = error["message"]
        .as_str()
        .unwrap_or_else(|| panic!("`message` is a string: {body}"));
    assert!(!code.is_empty() && !message.is_empty(), "non-empty: {body}");
    (code.to_owned(), message.to_owned())
}

/// A string field of a JSON object.
#[track_caller]
pub fn str_field(value: &Value, field: &str) -> String {
    value[field]
        .as_str()
        .unwrap_or_else(|| panic!("`{field}` is a string in {value}"))
        .to_owned()
}

/// The `version` of a resource.
#[track_caller]
pub fn version(value: &Value) -> i64 {
    value["version"]
        .as_i64()
        .unwrap_or_else(|| panic!("`version` is an integer in {value}"))
}

/// The ids of a list of resources.
pub fn ids(items: &[Value]) -> Vec<String> {
    items.iter().map(|i| str_field(i, "id")).collect()
}

/// A UUID that names nothing in any database.
pub fn unknown_id() -> String {
    portcullis_domain::TenantId::generate().to_string()
}
