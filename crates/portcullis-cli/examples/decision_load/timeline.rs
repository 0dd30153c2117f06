//! The run's latency over time (`DECISION_LOAD_TIMELINE=<file>`): for each
//! 100 ms of due times, how many requests were due, their p50, p99 and
//! worst latency, to see whether a tail is spread over the run or comes
//! from moments (and to line those up with the server's log).

use std::io::Write as _;
use std::path::Path;

use crate::pipelined::Sample;

const WINDOW_MS: u64 = 100;

pub fn write(path: &Path, start_unix_ms: i64, samples: &[Sample]) {
    let mut windows: std::collections::BTreeMap<u64, Vec<u64>> = Default::default();
    for sample in samples {
        windows
            .entry(sample.due_ms / WINDOW_MS)
            .or_default()
            .push(sample.latency_us);
    }
    let mut file = std::fs::File::create(path).unwrap();
    writeln!(file, "# run started at unix {start_unix_ms} ms").unwrap();
    writeln!(file, "from_ms\trequests\tp50_us\tp99_us\tmax_us").unwrap();
    for (window, mut latencies) in windows {
        latencies.sort_unstable();
        let at = |p: f64| latencies[((latencies.len() - 1) as f64 * p).round() as usize];
        writeln!(
            file,
            "{}\t{}\t{}\t{}\t{}",
            window * WINDOW_MS,
            latencies.len(),
            at(0.5),
            at(0.99),
            at(1.0)
        )
        .unwrap();
    }
}
