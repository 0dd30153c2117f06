//! The HTTP server loop: accepts TCP connections (TLS when configured),
//! serves HTTP/1.1 and HTTP/2 with hyper, and closes a connection that
//! takes too long to send a request's headers or stays idle too long.
//! Each request carries the facts of its connection: the peer address
//! (`ConnectInfo<SocketAddr>`) and whether it came over TLS ([`Tls`]).

mod connection;
mod tls;
mod watched;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto::Builder;
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::TlsAcceptor;

pub use tls::{TlsError, tls_config};

use connection::{Connection, Phase};

/// How long a client may take to send a request's headers, counted from
/// its first byte, unless configured otherwise.
pub const DEFAULT_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a connection may stay open with no request in flight and no
/// byte sent either way, unless configured otherwise.
pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(60);

/// Whether a request came over TLS terminated by this server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tls(pub bool);

/// How connections are accepted and bounded.
#[derive(Debug, Clone)]
pub struct Transport {
    /// From the first byte of a request to the end of its headers (also the
    /// limit of a TLS handshake).
    pub header_read_timeout: Duration,
    /// With no request in flight and no byte read or written.
    pub idle_timeout: Duration,
    /// Terminate TLS with this configuration ([`tls_config`]).
    pub tls: Option<Arc<tokio_rustls::rustls::ServerConfig>>,
}

impl Default for Transport {
    fn default() -> Self {
        Self {
            header_read_timeout: DEFAULT_HEADER_READ_TIMEOUT,
            idle_timeout: DEFAULT_IDLE_TIMEOUT,
            tls: None,
        }
    }
}

/// Serves `app` on `listener` until `shutdown` completes, then stops
/// accepting and lets requests in flight finish.
pub async fn serve_with(
    listener: TcpListener,
    app: Router,
    transport: &Transport,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let mut builder = Builder::new(TokioExecutor::new());
    // The connection watchdog bounds header reads; hyper's own timer would
    // also count the wait for a keep-alive connection's next request.
    builder.http1().header_read_timeout(None);
    let builder = Arc::new(builder);
    let acceptor = transport.tls.clone().map(TlsAcceptor::from);
    let graceful = GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(err) => {
                    // Out of file descriptors and the like: wait, then go on.
                    tracing::warn!(%err, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let connection = Connection {
            builder: builder.clone(),
            app: app.clone(),
            peer,
            header_read_timeout: transport.header_read_timeout,
            idle_timeout: transport.idle_timeout,
        };
        let watcher = graceful.watcher();
        let acceptor = acceptor.clone();
        tokio::spawn(async move {
            accept(connection, stream, acceptor, watcher).await;
        });
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}

/// Completes the TLS handshake, if any, within the header-read timeout,
/// then serves the connection.
async fn accept(
    connection: Connection,
    stream: TcpStream,
    acceptor: Option<TlsAcceptor>,
    watcher: hyper_util::server::graceful::Watcher,
) {
    let _ = stream.set_nodelay(true);
    let phase = Arc::new(Phase::new());
    match acceptor {
        None => {
            let io = watched::Watched::new(stream, phase.clone());
            connection
                .serve(TokioIo::new(io), phase, false, watcher)
                .await;
        }
        Some(acceptor) => {
            let handshake = acceptor.accept(stream);
            match tokio::time::timeout(connection.header_read_timeout, handshake).await {
                Ok(Ok(tls)) => {
                    let io = watched::Watched::new(tls, phase.clone());
                    connection
                        .serve(TokioIo::new(io), phase, true, watcher)
                        .await;
                }
                Ok(Err(err)) => {
                    tracing::debug!(%err, peer = %connection.peer, "TLS handshake failed")
                }
                Err(_) => tracing::debug!(peer = %connection.peer, "TLS handshake timed out"),
            }
        }
    }
}

/// The peer of a connection, as handlers see it.
pub(crate) fn connect_info(peer: SocketAddr) -> axum::extract::ConnectInfo<SocketAddr> {
    axum::extract::ConnectInfo(peer)
}
