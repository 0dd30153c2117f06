//! Clocks, repetitions, percentiles and resident memory.
//!
//! Throughput is timed per pass over the whole request set with
//! [`Instant`] (no clock read per request), several passes after a warm-up,
//! and the median pass is reported. Latency is timed per request with
//! [`Instant::now`] around the call; the cost of a pair of clock reads is
//! measured and reported beside it, not subtracted.

use std::hint::black_box;
use std::sync::OnceLock;
use std::time::Instant;

/// Passes per measurement.
#[derive(Debug, Clone, Copy)]
pub struct Passes {
    pub warmup: usize,
    pub timed: usize,
}

/// The median rate over the timed passes, in items per second, and every
/// pass's rate.
#[derive(Debug, Clone)]
pub struct Throughput {
    pub per_sec: f64,
    pub passes: Vec<f64>,
}

/// Runs `f` over `items` for `passes`, and returns the median rate.
pub fn throughput<T>(items: &[T], passes: Passes, mut f: impl FnMut(&T) -> bool) -> Throughput {
    for _ in 0..passes.warmup {
        for item in items {
            black_box(f(black_box(item)));
        }
    }
    let mut rates: Vec<f64> = (0..passes.timed.max(1))
        .map(|_| {
            let start = Instant::now();
            for item in items {
                black_box(f(black_box(item)));
            }
            rate(items.len(), start.elapsed().as_secs_f64())
        })
        .collect();
    let passes_in_order = rates.clone();
    rates.sort_by(f64::total_cmp);
    Throughput {
        per_sec: median(&rates),
        passes: passes_in_order,
    }
}

fn rate(count: usize, seconds: f64) -> f64 {
    // Counts here are far below 2^52: the conversion is exact.
    #[expect(clippy::cast_precision_loss, reason = "counts below 2^52")]
    let count = count as f64;
    if seconds > 0.0 { count / seconds } else { 0.0 }
}

fn median(sorted: &[f64]) -> f64 {
    sorted.get(sorted.len() / 2).copied().unwrap_or(0.0)
}

/// Nanoseconds per call of `f` on each item, over `passes.timed` passes
/// (after `passes.warmup`), sorted.
pub fn latencies<T>(items: &[T], passes: Passes, mut f: impl FnMut(&T) -> bool) -> Vec<u64> {
    for _ in 0..passes.warmup {
        for item in items {
            black_box(f(black_box(item)));
        }
    }
    let mut out = Vec::with_capacity(items.len() * passes.timed);
    for _ in 0..passes.timed {
        for item in items {
            let start = Instant::now();
            black_box(f(black_box(item)));
            out.push(nanos(start));
        }
    }
    out.sort_unstable();
    out
}

/// Nanoseconds since `start`.
pub fn nanos(start: Instant) -> u64 {
    u64::try_from(start.elapsed().as_nanos()).unwrap_or(u64::MAX)
}

/// The `q` quantile (0..=1) of sorted values.
pub fn quantile(sorted: &[u64], q: f64) -> u64 {
    if sorted.is_empty() {
        return 0;
    }
    #[expect(
        clippy::cast_precision_loss,
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "an index within the slice"
    )]
    let at = ((sorted.len() - 1) as f64 * q.clamp(0.0, 1.0)).round() as usize;
    sorted.get(at).copied().unwrap_or(0)
}

/// The median cost of two back-to-back clock reads, in nanoseconds.
pub fn clock_overhead_ns() -> u64 {
    let mut samples: Vec<u64> = (0..100_000)
        .map(|_| {
            let start = Instant::now();
            nanos(start)
        })
        .collect();
    samples.sort_unstable();
    quantile(&samples, 0.5)
}

fn page_size() -> u64 {
    static SIZE: OnceLock<u64> = OnceLock::new();
    *SIZE.get_or_init(|| {
        std::fs::read_to_string("/proc/self/smaps")
            .ok()
            .and_then(|smaps| {
                let line = smaps.lines().find(|l| l.starts_with("KernelPageSize:"))?;
                let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
                Some(kb * 1024)
            })
            .unwrap_or(4096)
    })
}

/// This process's resident set size, from `/proc/self/statm` (0 where
/// there is no such file).
pub fn resident_bytes() -> u64 {
    std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|statm| statm.split_whitespace().nth(1)?.parse::<u64>().ok())
        .map_or(0, |pages| pages * page_size())
}

/// Runs `build` and returns what it built, how long it took (ms) and by
/// how much the resident set grew (bytes; freed memory the allocator keeps
/// counts, so this is an upper bound on what the result holds).
pub fn built<T>(build: impl FnOnce() -> T) -> (T, f64, u64) {
    let before = resident_bytes();
    let start = Instant::now();
    let value = build();
    let ms = start.elapsed().as_secs_f64() * 1000.0;
    (value, ms, resident_bytes().saturating_sub(before))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_pick_the_nearest_rank() {
        let v: Vec<u64> = (1..=100).collect();
        assert_eq!(quantile(&v, 0.5), 51);
        assert_eq!(quantile(&v, 0.99), 99);
        assert_eq!(quantile(&v, 1.0), 100);
        assert_eq!(quantile(&[], 0.5), 0);
    }

    #[test]
    fn resident_set_is_read_on_linux() {
        assert!(resident_bytes() > 0);
    }
}
