//! The summary: the machine-readable line the run ends with.

use serde_json::{Value, json};

use crate::run::{Peer, PeerCheck, Prepared};
use crate::timing::Figures;

fn ratio(ours: f64, theirs: f64) -> f64 {
    if theirs > 0.0 {
        (ours / theirs * 100.0).round() / 100.0
    } else {
        0.0
    }
}

/// Calls per second at `mean_ns` per call.
fn per_sec(mean_ns: u64) -> f64 {
    #[expect(clippy::cast_precision_loss, reason = "nanoseconds far below 2^52")]
    let ns = mean_ns as f64;
    if ns > 0.0 { 1e9 / ns } else { 0.0 }
}

/// The JSON object printed as the last line of standard output.
pub fn summary(p: &Prepared, checks: &[(Peer, PeerCheck)], f: &Figures) -> Value {
    let check = |peer: Peer| {
        checks
            .iter()
            .find(|(p, _)| *p == peer)
            .map(|(_, c)| *c)
            .unwrap_or_default()
    };
    let (cedar, casbin, cached) = (
        check(Peer::Cedar),
        check(Peer::Casbin),
        check(Peer::CasbinCached),
    );
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let ours = f.ours_comparison.throughput.per_sec;
    let fields: Vec<(&str, Value)> = vec![
        ("quick", json!(p.options.quick)),
        ("seed", json!(p.options.seed)),
        ("cores", json!(cores)),
        ("threads", json!(1)),
        ("requests", json!(p.requests.len())),
        ("allowed", json!(cedar.allowed)),
        ("comparison_requests", json!(p.comparison.len())),
        ("comparison_allowed", json!(casbin.allowed)),
        ("cedar_agreed_on", json!(cedar.checked)),
        ("casbin_agreed_on", json!(casbin.checked)),
        ("casbin_cached_agreed_on", json!(cached.checked)),
        (
            "decisions_per_sec",
            json!(f.ours.throughput.per_sec.round()),
        ),
        ("p50_ns", json!(f.ours.latency.p50_ns)),
        ("p99_ns", json!(f.ours.latency.p99_ns)),
        ("comparison_decisions_per_sec", json!(ours.round())),
        ("comparison_p50_ns", json!(f.ours_comparison.latency.p50_ns)),
        ("comparison_p99_ns", json!(f.ours_comparison.latency.p99_ns)),
        (
            "cedar_decisions_per_sec",
            json!(f.cedar.total.throughput.per_sec.round()),
        ),
        ("cedar_p50_ns", json!(f.cedar.total.latency.p50_ns)),
        ("cedar_p99_ns", json!(f.cedar.total.latency.p99_ns)),
        ("cedar_slice_p50_ns", json!(f.cedar.prepare.p50_ns)),
        ("cedar_slice_mean_ns", json!(f.cedar.prepare.mean_ns)),
        (
            "cedar_is_authorized_p50_ns",
            json!(f.cedar.authorize.p50_ns),
        ),
        (
            "cedar_is_authorized_mean_ns",
            json!(f.cedar.authorize.mean_ns),
        ),
        (
            "cedar_prebuilt_decisions_per_sec",
            json!(f.cedar_prebuilt.total.throughput.per_sec.round()),
        ),
        (
            "cedar_prebuilt_p50_ns",
            json!(f.cedar_prebuilt.total.latency.p50_ns),
        ),
        (
            "cedar_prebuilt_p99_ns",
            json!(f.cedar_prebuilt.total.latency.p99_ns),
        ),
        (
            "cedar_prebuilt_lookup_p50_ns",
            json!(f.cedar_prebuilt.prepare.p50_ns),
        ),
        (
            "cedar_prebuilt_is_authorized_p50_ns",
            json!(f.cedar_prebuilt.authorize.p50_ns),
        ),
        (
            "casbin_decisions_per_sec",
            json!(f.casbin.throughput.per_sec.round()),
        ),
        ("casbin_p50_ns", json!(f.casbin.latency.p50_ns)),
        ("casbin_p99_ns", json!(f.casbin.latency.p99_ns)),
        (
            "casbin_cached_decisions_per_sec",
            json!(f.casbin_cached.throughput.per_sec.round()),
        ),
        (
            "casbin_cached_p50_ns",
            json!(f.casbin_cached.latency.p50_ns),
        ),
        (
            "casbin_cached_cold_decisions_per_sec",
            json!(f.casbin_cached_cold.per_sec.round()),
        ),
        (
            "casbin_cached_p99_ns",
            json!(f.casbin_cached.latency.p99_ns),
        ),
        (
            "ratio_vs_cedar",
            json!(ratio(ours, f.cedar.total.throughput.per_sec)),
        ),
        (
            "cedar_is_authorized_only_per_sec",
            json!(per_sec(f.cedar.authorize.mean_ns).round()),
        ),
        (
            "ratio_vs_cedar_is_authorized_only",
            json!(ratio(ours, per_sec(f.cedar.authorize.mean_ns))),
        ),
        (
            "ratio_vs_cedar_prebuilt",
            json!(ratio(ours, f.cedar_prebuilt.total.throughput.per_sec)),
        ),
        (
            "ratio_vs_casbin",
            json!(ratio(ours, f.casbin.throughput.per_sec)),
        ),
        (
            "ratio_vs_casbin_cached",
            json!(ratio(ours, f.casbin_cached.throughput.per_sec)),
        ),
        ("index_build_ms", json!(p.index_build.ms.round())),
        ("index_rss_bytes", json!(p.index_build.rss_bytes)),
        ("cedar_policies", json!(cedar.size)),
        ("cedar_build_ms", json!(cedar.build_ms.round())),
        ("cedar_rss_bytes", json!(cedar.rss_bytes)),
        ("casbin_g_lines", json!(casbin.size)),
        ("casbin_lines_ms", json!(casbin.lines_ms.round())),
        ("casbin_build_ms", json!(casbin.build_ms.round())),
        ("casbin_rss_bytes", json!(casbin.rss_bytes)),
        ("casbin_cached_build_ms", json!(cached.build_ms.round())),
        ("casbin_cached_rss_bytes", json!(cached.rss_bytes)),
        ("generate_ms", json!(p.generate_ms.round())),
        ("clock_overhead_ns", json!(f.clock_overhead_ns)),
        (
            "timing",
            json!(
                "throughput: median of timed passes over the set, one clock read per pass; latency: Instant::now around each call, clock overhead included"
            ),
        ),
    ];
    Value::Object(fields.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
}
