//! One connection: hyper serves it while a watchdog closes it when a
//! request's headers take longer than the header-read timeout (counted
//! from their first byte) or when it stays idle longer than the idle
//! timeout (no request in flight, no byte either way).

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::TokioExecutor;
use hyper_util::server::conn::auto::Builder;
use hyper_util::server::graceful::Watcher;
use tokio::sync::Notify;
use tokio::time::Instant;
use tower::ServiceExt as _;

use super::{Tls, connect_info};

/// Where a connection is between requests.
#[derive(Debug, Clone, Copy)]
enum State {
    /// No request in flight: idle since `since`; `head_from` is when the
    /// first byte of the next request arrived.
    Waiting {
        since: Instant,
        head_from: Option<Instant>,
    },
    /// This many requests are being answered.
    Busy(usize),
}

/// Why the watchdog closes a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expiry {
    HeaderRead,
    Idle,
}

/// The state of one connection, shared by its IO, its service and its watchdog.
#[derive(Debug)]
pub(crate) struct Phase {
    state: Mutex<State>,
    changed: Notify,
}

impl Phase {
    pub(crate) fn new() -> Self {
        Self {
            state: Mutex::new(State::Waiting {
                since: Instant::now(),
                head_from: None,
            }),
            changed: Notify::new(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Bytes arrived: between requests, they start the next request's head.
    pub(crate) fn read_bytes(&self) {
        let mut state = self.lock();
        if let State::Waiting {
            head_from: head @ None,
            ..
        } = &mut *state
        {
            *head = Some(Instant::now());
            drop(state);
            self.changed.notify_one();
        }
    }

    /// Bytes left (a response still streaming): the connection is not idle.
    pub(crate) fn wrote_bytes(&self) {
        if let State::Waiting {
            since,
            head_from: None,
        } = &mut *self.lock()
        {
            *since = Instant::now();
        }
    }

    /// Whether no request is being answered: what is written then is
    /// hyper's own answer to a request it could not parse.
    pub(crate) fn is_waiting(&self) -> bool {
        matches!(*self.lock(), State::Waiting { .. })
    }

    fn request_started(&self) {
        let mut state = self.lock();
        *state = match *state {
            State::Waiting { .. } => State::Busy(1),
            State::Busy(n) => State::Busy(n.saturating_add(1)),
        };
    }

    fn request_finished(&self) {
        let mut state = self.lock();
        *state = match *state {
            State::Busy(n) if n > 1 => State::Busy(n - 1),
            _ => State::Waiting {
                since: Instant::now(),
                head_from: None,
            },
        };
        drop(state);
        self.changed.notify_one();
    }

    /// When the connection expires, and why; `None` while busy.
    fn deadline(&self, header_read: Duration, idle: Duration) -> Option<(Instant, Expiry)> {
        match *self.lock() {
            State::Busy(_) => None,
            State::Waiting {
                head_from: Some(from),
                ..
            } => Some((from + header_read, Expiry::HeaderRead)),
            State::Waiting { since, .. } => Some((since + idle, Expiry::Idle)),
        }
    }
}

/// Marks a request finished when its answer is ready or it is dropped.
struct InFlight(Arc<Phase>);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.request_finished();
    }
}

/// What serving one connection needs.
pub(crate) struct Connection {
    pub(crate) builder: Arc<Builder<TokioExecutor>>,
    pub(crate) app: Router,
    pub(crate) peer: SocketAddr,
    pub(crate) header_read_timeout: Duration,
    pub(crate) idle_timeout: Duration,
}

impl Connection {
    /// Serves `io` until the client closes it, the watchdog does, or the
    /// server shuts down (then requests in flight finish first).
    pub(crate) async fn serve<IO>(self, io: IO, phase: Arc<Phase>, tls: bool, watcher: Watcher)
    where
        IO: hyper::rt::Read + hyper::rt::Write + Unpin + Send + 'static,
    {
        let app = self.app;
        let peer = self.peer;
        let tracked = phase.clone();
        let service = hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
            tracked.request_started();
            let in_flight = InFlight(tracked.clone());
            request.extensions_mut().insert(connect_info(peer));
            request.extensions_mut().insert(Tls(tls));
            let app = app.clone();
            async move {
                let response = app.oneshot(request).await;
                drop(in_flight);
                response
            }
        });
        let connection = self
            .builder
            .serve_connection_with_upgrades(io, service)
            .into_owned();
        let connection = watcher.watch(connection);
        tokio::pin!(connection);
        loop {
            let deadline = phase.deadline(self.header_read_timeout, self.idle_timeout);
            let sleep = async {
                match deadline {
                    Some((at, _)) => tokio::time::sleep_until(at).await,
                    None => std::future::pending::<()>().await,
                }
            };
            tokio::select! {
                result = connection.as_mut() => {
                    if let Err(err) = result {
                        tracing::debug!(%err, %peer, "connection ended with an error");
                    }
                    return;
                }
                () = phase.changed.notified() => {}
                () = sleep => {
                    let now = Instant::now();
                    if let Some((at, why)) = phase.deadline(self.header_read_timeout, self.idle_timeout)
                        && at <= now
                    {
                        tracing::debug!(%peer, ?why, "closing the connection");
                        return;
                    }
                }
            }
        }
    }
}
