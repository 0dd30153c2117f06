//! The load's own HTTP/1.1 client (`--client pipelined`, the default): a
//! few keep-alive connections, each writing a request the moment it is due
//! without waiting for the answers before it (HTTP/1.1 pipelining, RFC 9112
//! §9.3), and reading the answers in order. Every request's bytes are built
//! once before the run, so the generator's work per request is one write and
//! its share of one read: on a machine it shares with the server, that
//! leaves the cores to the server. Latency still counts from the due time.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;
use tokio::sync::mpsc;

/// One answered request: when it was due (milliseconds into the run) and
/// its latency from then (microseconds).
#[derive(Debug, Clone, Copy)]
pub struct Sample {
    pub due_ms: u64,
    pub latency_us: u64,
}

impl Sample {
    pub fn new(start: Instant, due: Instant) -> Self {
        Self {
            due_ms: u64::try_from(due.saturating_duration_since(start).as_millis()).unwrap(),
            latency_us: u64::try_from(due.elapsed().as_micros()).unwrap_or(u64::MAX),
        }
    }
}

/// When each request is due, and which is next.
pub struct Schedule {
    pub start: Instant,
    pub interval: Duration,
    pub total: u64,
    pub next: AtomicU64,
}

impl Schedule {
    pub fn due(&self, i: u64) -> Instant {
        self.start + self.interval.mul_f64(i as f64)
    }
}

/// Every request of the run as bytes on the wire, one per body.
pub fn requests(host: &str, route: &str, bearer: &str, bodies: &[&[u8]]) -> Vec<Vec<u8>> {
    bodies
        .iter()
        .map(|body| {
            let mut request = format!(
                "POST {route} HTTP/1.1\r\nhost: {host}\r\nauthorization: Bearer {bearer}\r\n\
                 content-type: application/json\r\ncontent-length: {}\r\n\r\n",
                body.len()
            )
            .into_bytes();
            request.extend_from_slice(body);
            request
        })
        .collect()
}

/// One connection's run: its samples and how many answers were not a
/// success.
pub async fn connection(
    addr: SocketAddr,
    requests: Arc<Vec<Vec<u8>>>,
    schedule: Arc<Schedule>,
) -> (Vec<Sample>, u64) {
    let start = schedule.start;
    let stream = TcpStream::connect(addr).await.unwrap();
    stream.set_nodelay(true).unwrap();
    let (mut reader, mut writer) = stream.into_split();
    let (sent, mut in_flight) = mpsc::unbounded_channel::<Instant>();
    let sender = tokio::spawn(async move {
        loop {
            let i = schedule.next.fetch_add(1, Ordering::Relaxed);
            if i >= schedule.total {
                return writer;
            }
            let due = schedule.due(i);
            tokio::time::sleep_until(due.into()).await;
            let request = &requests[usize::try_from(i).unwrap() % requests.len()];
            writer.write_all(request).await.unwrap();
            sent.send(due).unwrap();
        }
    });
    let mut latencies = Vec::new();
    let mut errors = 0;
    let mut buffer = Vec::with_capacity(64 * 1024);
    let mut waiting = VecDeque::new();
    while let Some(due) = in_flight.recv().await {
        waiting.push_back(due);
        while let Ok(due) = in_flight.try_recv() {
            waiting.push_back(due);
        }
        while !waiting.is_empty() {
            let Some((status, length)) = answer(&buffer) else {
                let mut chunk = [0_u8; 32 * 1024];
                let read = reader.read(&mut chunk).await.unwrap();
                assert!(read > 0, "the server closed a connection");
                buffer.extend_from_slice(&chunk[..read]);
                continue;
            };
            buffer.drain(..length);
            let due = waiting.pop_front().unwrap();
            latencies.push(Sample::new(start, due));
            if !(200..300).contains(&status) {
                errors += 1;
            }
        }
    }
    // Keep the write half open until every answer is read.
    drop(sender.await.unwrap());
    (latencies, errors)
}

/// The status and the length of the first whole answer in `buffer`, if
/// it holds one (answers carry `content-length`).
fn answer(buffer: &[u8]) -> Option<(u16, usize)> {
    let head_end = buffer.windows(4).position(|w| w == b"\r\n\r\n")? + 4;
    let head = std::str::from_utf8(&buffer[..head_end]).unwrap();
    let status = head.get(9..12).and_then(|s| s.parse().ok()).unwrap();
    let length = head
        .lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse::<usize>().ok())?
        })
        .expect("answers carry content-length");
    (buffer.len() >= head_end + length).then_some((status, head_end + length))
}
