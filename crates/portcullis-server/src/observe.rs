//! Request ids, tracing spans and Prometheus metrics for every request.

use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use portcullis_service::{Portcullis, WorkerStats};
use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, EncodeLabelSet, EncodeMetric};
use prometheus_client::metrics::MetricType;
use prometheus_client::metrics::counter::{ConstCounter, Counter};
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::ConstGauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;
use tracing::Instrument as _;

use crate::state::AppState;

pub const REQUEST_ID_HEADER: &str = "x-request-id";
/// A caller-supplied request id is kept only when it is short and plain.
const MAX_REQUEST_ID_LEN: usize = 128;

/// The id of the request being served; also written to its audit records.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct HttpLabels {
    method: String,
    route: String,
    status: u16,
}

/// The server's metrics registry.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    requests: Family<HttpLabels, Counter>,
    latency: Family<HttpLabels, Histogram>,
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::default();
        let requests = Family::<HttpLabels, Counter>::default();
        let latency = Family::<HttpLabels, Histogram>::new_with_constructor(
            (|| Histogram::new(exponential_buckets(0.0005, 2.0, 16))) as fn() -> Histogram,
        );
        registry.register(
            "http_requests",
            "HTTP requests served, by method, route and status",
            requests.clone(),
        );
        registry.register(
            "http_request_duration_seconds",
            "Time to serve an HTTP request, by method, route and status",
            latency.clone(),
        );
        Self {
            registry,
            requests,
            latency,
        }
    }
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct WorkerLabels {
    worker: String,
}

/// One counter family of the workers: name, help, and its value per worker.
type WorkerFamily = (&'static str, &'static str, fn(&WorkerStats) -> u64);

/// The background workers' run and failure counts, read at each scrape.
#[derive(Debug)]
struct WorkerCounts(Portcullis);

impl Collector for WorkerCounts {
    fn encode(&self, mut encoder: DescriptorEncoder) -> Result<(), std::fmt::Error> {
        let stats = self.0.worker_stats();
        let families: [WorkerFamily; 2] = [
            ("worker_runs", "Runs of each background worker", |s| s.runs),
            (
                "worker_failures",
                "Failed runs of each background worker",
                |s| s.failures,
            ),
        ];
        for (name, help, value) in families {
            let mut family = encoder.encode_descriptor(name, help, None, MetricType::Counter)?;
            for stat in &stats {
                let labels = WorkerLabels {
                    worker: stat.worker.as_str().to_owned(),
                };
                ConstCounter::new(value(stat)).encode(family.encode_family(&labels)?)?;
            }
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct NodeLabels {
    node_id: String,
    membership: String,
}

/// This node in the cluster, read at each scrape: its id and membership,
/// whether it leads, and how far its decision index trails the commits
/// announced to it.
#[derive(Debug)]
struct NodeGauges(Portcullis);

impl Collector for NodeGauges {
    fn encode(&self, mut encoder: DescriptorEncoder) -> Result<(), std::fmt::Error> {
        let status = self.0.node_status();
        let labels = NodeLabels {
            node_id: status.node_id.clone(),
            membership: status.membership.as_str().to_owned(),
        };
        let mut node = encoder.encode_descriptor(
            "portcullis_node",
            "This node: always 1, labelled with its id and membership",
            None,
            MetricType::Gauge,
        )?;
        ConstGauge::new(1_i64).encode(node.encode_family(&labels)?)?;
        let gauges: [(&str, &str, i64); 3] = [
            (
                "portcullis_leader",
                "1 when this node runs the cluster's background work, else 0",
                i64::from(status.leader),
            ),
            (
                "portcullis_change_feed_lag",
                "Commits announced by other nodes and not yet applied to this node's decision index",
                status.change_feed_lag,
            ),
            (
                "portcullis_change_feed_applied_seq",
                "The last audit sequence number applied to this node's decision index",
                status.applied_seq,
            ),
        ];
        for (name, help, value) in gauges {
            let gauge = encoder.encode_descriptor(name, help, None, MetricType::Gauge)?;
            ConstGauge::new(value).encode(gauge)?;
        }
        Ok(())
    }
}

/// This node's share of detection, read at each scrape.
#[derive(Debug)]
struct DetectionShare(Portcullis);

impl Collector for DetectionShare {
    fn encode(&self, mut encoder: DescriptorEncoder) -> Result<(), std::fmt::Error> {
        let counts = self.0.detection_counts();
        let events = encoder.encode_descriptor(
            "portcullis_detection_events",
            "Events this node ran through detection since it started",
            None,
            MetricType::Counter,
        )?;
        ConstCounter::new(counts.events).encode(events)?;
        let owned = encoder.encode_descriptor(
            "portcullis_detection_partitions_owned",
            "Partitions of the activity stream this node runs detection for",
            None,
            MetricType::Gauge,
        )?;
        ConstGauge::new(i64::try_from(counts.partitions_owned).unwrap_or(i64::MAX))
            .encode(owned)?;
        Ok(())
    }
}

impl Metrics {
    /// The same registry, also reporting `portcullis`' background workers
    /// its place in the cluster and its share of detection.
    #[must_use]
    pub fn with_workers(mut self, portcullis: Portcullis) -> Self {
        self.registry
            .register_collector(Box::new(WorkerCounts(portcullis.clone())));
        self.registry
            .register_collector(Box::new(NodeGauges(portcullis.clone())));
        self.registry
            .register_collector(Box::new(DetectionShare(portcullis)));
        self
    }

    /// The registry in the Prometheus / OpenMetrics text format.
    pub fn render(&self) -> Result<String, std::fmt::Error> {
        let mut out = String::new();
        prometheus_client::encoding::text::encode(&mut out, &self.registry)?;
        Ok(out)
    }
}

fn request_id(req: &Request) -> String {
    req.headers()
        .get(REQUEST_ID_HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|v| {
            !v.is_empty()
                && v.len() <= MAX_REQUEST_ID_LEN
                && v.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_.:".contains(c))
        })
        .map_or_else(|| uuid::Uuid::new_v4().to_string(), str::to_owned)
}

/// Middleware: gives the request an id, a span, a log line and metrics.
pub async fn observe(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let id = request_id(&req);
    req.extensions_mut().insert(RequestId(id.clone()));
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let method = req.method().to_string();
    let span = tracing::info_span!("request", %method, %route, request_id = %id);
    let started = Instant::now();
    let mut response = next.run(req).instrument(span.clone()).await;
    let elapsed = started.elapsed();
    let status = response.status().as_u16();
    span.in_scope(|| {
        tracing::info!(
            status,
            latency_ms = elapsed.as_secs_f64() * 1000.0,
            "request served"
        );
    });
    let labels = HttpLabels {
        method,
        route,
        status,
    };
    state.metrics.requests.get_or_create(&labels).inc();
    state
        .metrics
        .latency
        .get_or_create(&labels)
        .observe(elapsed.as_secs_f64());
    // A route that echoes the caller's own id verbatim (AuthZEN) has set it.
    if let Ok(value) = HeaderValue::from_str(&id) {
        response
            .headers_mut()
            .entry(REQUEST_ID_HEADER)
            .or_insert(value);
    }
    response
}
