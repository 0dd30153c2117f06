//! A real authoritative DNS server (hickory-server, in-memory zone) on
//! 127.0.0.1 with ports chosen at run time, and a socket that never answers.
#![allow(
    clippy::unwrap_used,
    reason = "test support: failing loudly is the point"
)]

use std::net::SocketAddr;
use std::str::FromStr as _;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use hickory_server::Server;
use hickory_server::proto::rr::rdata::{SOA, TXT};
use hickory_server::proto::rr::{LowerName, Name, RData, Record, RecordType, RrKey};
use hickory_server::store::in_memory::InMemoryZoneHandler;
use hickory_server::zone_handler::{AxfrPolicy, Catalog, ZoneHandler, ZoneType};
use tokio::net::{TcpListener, UdpSocket};

/// An authoritative server for one zone whose records tests change while it runs.
pub struct TestDns {
    addr: SocketAddr,
    zone: Arc<InMemoryZoneHandler>,
    serial: AtomicU32,
    server: Server<Catalog>,
}

impl TestDns {
    /// Serves `origin` (e.g. `example.com`) with only its SOA record.
    pub async fn start(origin: &str) -> Self {
        let origin = Name::from_str(&format!("{origin}.")).unwrap();
        let mut zone =
            InMemoryZoneHandler::empty(origin.clone(), ZoneType::Primary, AxfrPolicy::Deny);
        let soa = SOA::new(
            Name::from_str("ns.invalid.").unwrap(),
            Name::from_str("hostmaster.invalid.").unwrap(),
            1,
            3600,
            600,
            86_400,
            0,
        );
        assert!(zone.upsert_mut(Record::from_rdata(origin.clone(), 0, RData::SOA(soa)), 1));
        let zone = Arc::new(zone);
        let mut catalog = Catalog::new();
        let handler: Arc<dyn ZoneHandler> = zone.clone();
        catalog.upsert(LowerName::new(&origin), vec![handler]);

        let (udp, tcp) = bind_pair().await;
        let addr = udp.local_addr().unwrap();
        let mut server = Server::new(catalog);
        server.register_socket(udp);
        server.register_listener(tcp, Duration::from_secs(5), 64);
        Self {
            addr,
            zone,
            serial: AtomicU32::new(2),
            server,
        }
    }

    /// Where the server listens (UDP and TCP).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Adds one TXT record at `name` (absolute, without the final dot) made
    /// of the given character-strings.
    pub async fn add_txt(&self, name: &str, strings: &[&str]) {
        let name = Name::from_str(&format!("{name}.")).unwrap();
        let txt = TXT::new(strings.iter().map(|s| (*s).to_owned()).collect());
        let serial = self.serial.fetch_add(1, Ordering::SeqCst);
        assert!(
            self.zone
                .upsert(Record::from_rdata(name, 0, RData::TXT(txt)), serial)
                .await
        );
    }

    /// Removes every TXT record at `name`.
    pub async fn remove_txt(&self, name: &str) {
        let name = Name::from_str(&format!("{name}.")).unwrap();
        let key = RrKey::new(LowerName::new(&name), RecordType::TXT);
        let removed = self.zone.records_mut().await.remove(&key);
        assert!(removed.is_some(), "no TXT record at {name}");
    }

    /// Stops serving.
    pub async fn stop(mut self) {
        self.server.shutdown_gracefully().await.unwrap();
    }
}

/// A UDP socket and a TCP listener on the same loopback port, chosen by the
/// system (retried when the TCP side of a free UDP port is taken).
async fn bind_pair() -> (UdpSocket, TcpListener) {
    for _ in 0..20 {
        let udp = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let addr = udp.local_addr().unwrap();
        if let Ok(tcp) = TcpListener::bind(addr).await {
            return (udp, tcp);
        }
    }
    panic!("no loopback port free for both UDP and TCP");
}

/// Sockets that accept queries (UDP datagrams, TCP connections) and never
/// answer them. Kept open as long as the value lives.
pub struct SilentServer {
    addr: SocketAddr,
    _udp: UdpSocket,
    _tcp: TcpListener,
}

impl SilentServer {
    pub async fn start() -> Self {
        let (udp, tcp) = bind_pair().await;
        Self {
            addr: udp.local_addr().unwrap(),
            _udp: udp,
            _tcp: tcp,
        }
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }
}
