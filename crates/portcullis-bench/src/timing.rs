//! Timing every engine, after the agreement check: Portcullis on every
//! request and on the side-by-side set, the peers on the side-by-side set,
//! in this process, on this thread, each after a warm-up pass.

use std::hint::black_box;
use std::time::Instant;

use casbin::CoreApi;
use portcullis_decision::DecisionRequest;

use crate::casbin_peer;
use crate::ecosystem::NOW;
use crate::measure::{self, Passes, Throughput};
use crate::run::{self, Prepared};

/// p50, p99 and mean of per-call nanoseconds.
#[derive(Debug, Clone, Copy, Default)]
pub struct Latency {
    pub p50_ns: u64,
    pub p99_ns: u64,
    pub mean_ns: u64,
}

impl Latency {
    fn of(sorted: &[u64]) -> Self {
        let total: u128 = sorted.iter().map(|n| u128::from(*n)).sum();
        let count = u128::try_from(sorted.len().max(1)).unwrap_or(1);
        Self {
            p50_ns: measure::quantile(sorted, 0.5),
            p99_ns: measure::quantile(sorted, 0.99),
            mean_ns: u64::try_from(total / count).unwrap_or(u64::MAX),
        }
    }
}

/// Throughput and latency of one engine on one request set.
#[derive(Debug, Clone)]
pub struct Timed {
    pub throughput: Throughput,
    pub latency: Latency,
}

/// Cedar's two costs, timed apart: building what `is_authorized` needs
/// (the slice, or the lookup of the prebuilt stores, and the request with
/// its context), and `is_authorized` itself.
#[derive(Debug, Clone)]
pub struct CedarTimed {
    pub total: Timed,
    pub prepare: Latency,
    pub authorize: Latency,
}

#[derive(Debug, Clone)]
pub struct Figures {
    pub clock_overhead_ns: u64,
    pub ours: Timed,
    pub ours_comparison: Timed,
    pub cedar: CedarTimed,
    pub cedar_prebuilt: CedarTimed,
    pub casbin: Timed,
    pub casbin_cached: Timed,
    /// The cached enforcer's first pass, every answer missing from its cache.
    pub casbin_cached_cold: Throughput,
}

/// Passes: the fast engines get more, the slow ones fewer.
const FAST: Passes = Passes {
    warmup: 1,
    timed: 7,
};
const SLOW: Passes = Passes {
    warmup: 1,
    timed: 5,
};
const LATENCY: Passes = Passes {
    warmup: 0,
    timed: 3,
};

fn timed<T>(items: &[T], passes: Passes, mut f: impl FnMut(&T) -> bool) -> Timed {
    let throughput = measure::throughput(items, passes, &mut f);
    let latency = Latency::of(&measure::latencies(items, LATENCY, &mut f));
    Timed {
        throughput,
        latency,
    }
}

/// Times `prepare` and `authorize` apart, per request, once over `items`.
fn split<T, P>(
    items: &[T],
    mut prepare: impl FnMut(&T) -> Option<P>,
    mut authorize: impl FnMut(&P) -> bool,
) -> (Latency, Latency) {
    let (mut first, mut second) = (Vec::new(), Vec::new());
    for item in items {
        let start = Instant::now();
        let prepared = prepare(black_box(item));
        let prepared_at = Instant::now();
        black_box(prepared.as_ref().is_some_and(&mut authorize));
        let end = Instant::now();
        first.push(u64::try_from((prepared_at - start).as_nanos()).unwrap_or(u64::MAX));
        second.push(u64::try_from((end - prepared_at).as_nanos()).unwrap_or(u64::MAX));
        drop(prepared);
    }
    first.sort_unstable();
    second.sort_unstable();
    (Latency::of(&first), Latency::of(&second))
}

fn line(name: &str, t: &Timed) -> String {
    format!(
        "{name}: {:.0} decisions/s (median of {} passes), p50 {} ns, p99 {} ns",
        t.throughput.per_sec,
        t.throughput.passes.len(),
        t.latency.p50_ns,
        t.latency.p99_ns
    )
}

/// Times every engine, building the peers one at a time (each was checked
/// before, by [`crate::run::check_peer`]).
pub fn time_all(p: &Prepared, log: &mut dyn FnMut(String)) -> anyhow::Result<Figures> {
    let clock_overhead_ns = measure::clock_overhead_ns();
    log(format!(
        "timing: one thread; a pair of clock reads costs {clock_overhead_ns} ns (included in latencies)"
    ));
    let decide = |r: &DecisionRequest| p.index.decide(r, NOW).is_allowed();
    let ours = timed(&p.requests, FAST, decide);
    log(line("portcullis, all requests", &ours));
    let ours_comparison = timed(&p.comparison, FAST, decide);
    log(line("portcullis, side-by-side set", &ours_comparison));

    let (cedar, _) = run::build_cedar(p)?;
    let total = timed(&p.comparison, SLOW, |r| matches!(cedar.decide(r), Ok(true)));
    let (prepare, authorize) = split(
        &p.comparison,
        |r| cedar.slice(r).ok(),
        |s| cedar.authorize(s),
    );
    let cedar_sliced = CedarTimed {
        total,
        prepare,
        authorize,
    };
    log(format!(
        "{}; slicing p50 {} ns (mean {}), is_authorized p50 {} ns (mean {})",
        line("cedar, per-request slice", &cedar_sliced.total),
        prepare.p50_ns,
        prepare.mean_ns,
        authorize.p50_ns,
        authorize.mean_ns
    ));
    let total = timed(&p.comparison, SLOW, |r| {
        matches!(cedar.decide_prebuilt(r), Ok(true))
    });
    let (prepare, authorize) = split(
        &p.comparison,
        |r| cedar.prebuilt(r).ok(),
        |(request, policies, entities)| cedar.authorize_with(request, policies, entities),
    );
    let cedar_prebuilt = CedarTimed {
        total,
        prepare,
        authorize,
    };
    log(format!(
        "{}; lookup and request p50 {} ns (mean {}), is_authorized p50 {} ns (mean {})",
        line("cedar, prebuilt stores", &cedar_prebuilt.total),
        prepare.p50_ns,
        prepare.mean_ns,
        authorize.p50_ns,
        authorize.mean_ns
    ));
    drop(cedar);

    let plain = casbin_peer::plain(run::casbin_lines(p))?;
    let casbin = timed(&p.comparison, SLOW, |r| {
        matches!(plain.enforce(casbin_peer::args(r)), Ok(true))
    });
    drop(plain);
    log(line("casbin", &casbin));

    // The first pass finds no answer in the cache (and is timed as such);
    // after it, every answer is there.
    let cached = casbin_peer::cached(run::casbin_lines(p), run::cache_capacity(p))?;
    let cold = Passes {
        warmup: 0,
        timed: 1,
    };
    let casbin_cached_cold = measure::throughput(&p.comparison, cold, |r| {
        matches!(cached.enforce(casbin_peer::args(r)), Ok(true))
    });
    let casbin_cached = timed(&p.comparison, SLOW, |r| {
        matches!(cached.enforce(casbin_peer::args(r)), Ok(true))
    });
    drop(cached);
    log(format!(
        "{}; its first pass, with an empty cache: {:.0} decisions/s",
        line("casbin (cached; every answer in the cache)", &casbin_cached),
        casbin_cached_cold.per_sec
    ));

    Ok(Figures {
        clock_overhead_ns,
        ours,
        ours_comparison,
        cedar: cedar_sliced,
        cedar_prebuilt,
        casbin,
        casbin_cached,
        casbin_cached_cold,
    })
}
