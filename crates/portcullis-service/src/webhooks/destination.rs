//! Where webhook deliveries may go: public addresses only, unless the
//! configuration allows more (`[webhooks] allow_destinations`, a list of
//! CIDRs). Checked when a subscription is created or changed (a clear 422)
//! and again at every delivery, on the very addresses the delivery
//! connects to: the client resolves names through [`CheckedResolver`],
//! which drops refused addresses, so a name that re-resolves to an
//! internal address later (DNS rebinding) reaches nothing.

use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, LazyLock};
use std::time::Duration;

use ipnet::IpNet;
use portcullis_domain::ValidationError;

/// Networks that are not the public Internet: this host, private and
/// shared address space, link-local (cloud metadata at 169.254.169.254),
/// multicast, reserved and documentation ranges, and the IPv6 forms that
/// embed IPv4 addresses (NAT64, 6to4, Teredo).
const NOT_PUBLIC: &[&str] = &[
    "0.0.0.0/8",
    "10.0.0.0/8",
    "100.64.0.0/10",
    "127.0.0.0/8",
    "169.254.0.0/16",
    "172.16.0.0/12",
    "192.0.0.0/24",
    "192.0.2.0/24",
    "192.88.99.0/24",
    "192.168.0.0/16",
    "198.18.0.0/15",
    "198.51.100.0/24",
    "203.0.113.0/24",
    "224.0.0.0/4",
    "240.0.0.0/4",
    "::/128",
    "::1/128",
    "::ffff:0:0/96",
    "64:ff9b::/96",
    "64:ff9b:1::/48",
    "100::/64",
    "2001::/32",
    "2001:db8::/32",
    "2002::/16",
    "fc00::/7",
    "fe80::/10",
    "fec0::/10",
    "ff00::/8",
];

static BLOCKED: LazyLock<Vec<IpNet>> =
    LazyLock::new(|| NOT_PUBLIC.iter().filter_map(|n| n.parse().ok()).collect());

/// How long a subscription's host may take to resolve when it is checked.
const REGISTRATION_LOOKUP: Duration = Duration::from_secs(3);

/// Which addresses deliveries may reach.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DestinationPolicy {
    /// Allowed even though not public (e.g. `10.1.2.0/24` for an internal SIEM).
    pub allow: Vec<IpNet>,
}

impl DestinationPolicy {
    pub fn new(allow: Vec<IpNet>) -> Self {
        Self { allow }
    }

    /// Whether a delivery may connect to `ip`.
    pub fn permits(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        self.allow.iter().any(|net| net.contains(&ip))
            || !BLOCKED.iter().any(|net| net.contains(&ip))
    }

    /// Refuses a URL whose host is, or resolves to, an address deliveries
    /// may not reach. A name that does not resolve now is accepted: each
    /// delivery checks again.
    pub(crate) async fn check_url(&self, url: &reqwest::Url) -> Result<(), ValidationError> {
        let refuse = |ip: IpAddr| {
            ValidationError::new(
                "url",
                format!(
                    "`{url}` reaches `{ip}`, which is not a public address; allow its network in `[webhooks] allow_destinations` to deliver there"
                ),
            )
        };
        match url.host() {
            Some(url::Host::Ipv4(ip)) => self.check(IpAddr::V4(ip)).map_err(refuse),
            Some(url::Host::Ipv6(ip)) => self.check(IpAddr::V6(ip)).map_err(refuse),
            Some(url::Host::Domain(name)) => {
                let port = url.port_or_known_default().unwrap_or(443);
                let lookup = tokio::net::lookup_host((name, port));
                let Ok(Ok(addrs)) = tokio::time::timeout(REGISTRATION_LOOKUP, lookup).await else {
                    return Ok(());
                };
                for addr in addrs {
                    self.check(addr.ip()).map_err(refuse)?;
                }
                Ok(())
            }
            None => Ok(()),
        }
    }

    fn check(&self, ip: IpAddr) -> Result<(), IpAddr> {
        if self.permits(ip) { Ok(()) } else { Err(ip) }
    }

    /// Refuses a delivery to an IP literal the policy does not permit (the
    /// client resolves names through [`CheckedResolver`], not literals).
    pub(crate) fn check_literal(&self, url: &str) -> Result<(), String> {
        let parsed = reqwest::Url::parse(url).map_err(|_| "not a URL".to_owned())?;
        let ip = match parsed.host() {
            Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip),
            Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip),
            _ => return Ok(()),
        };
        self.check(ip)
            .map_err(|ip| format!("refused: `{ip}` is not a public address"))
    }
}

/// Resolves a delivery's host and keeps only the addresses the policy
/// permits, so the connection goes to a checked address.
#[derive(Debug)]
pub(crate) struct CheckedResolver(pub(crate) Arc<DestinationPolicy>);

#[derive(Debug, thiserror::Error)]
#[error("refused: `{0}` resolves only to addresses that are not public")]
struct Refused(String);

impl reqwest::dns::Resolve for CheckedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let policy = self.0.clone();
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let resolved = tokio::net::lookup_host((host.as_str(), 0)).await?;
            let allowed: Vec<SocketAddr> = resolved.filter(|a| policy.permits(a.ip())).collect();
            if allowed.is_empty() {
                return Err(Box::new(Refused(host)) as Box<dyn std::error::Error + Send + Sync>);
            }
            Ok(Box::new(allowed.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn only_public_addresses_are_permitted_by_default() {
        let policy = DestinationPolicy::default();
        assert_eq!(BLOCKED.len(), NOT_PUBLIC.len(), "every range parses");
        for refused in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "224.0.0.1",
            "255.255.255.255",
            "::1",
            "::",
            "fe80::1",
            "fd00::1",
            "ff02::1",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
            "64:ff9b::a9fe:a9fe",
            "2002:7f00:1::",
        ] {
            assert!(!policy.permits(ip(refused)), "{refused}");
        }
        for public in [
            "93.184.216.34",
            "1.1.1.1",
            "2606:4700:4700::1111",
            "::ffff:1.1.1.1",
        ] {
            assert!(policy.permits(ip(public)), "{public}");
        }
    }

    #[test]
    fn the_allow_list_opens_named_networks_only() {
        let policy = DestinationPolicy::new(vec!["127.0.0.0/8".parse().unwrap()]);
        assert!(policy.permits(ip("127.0.0.1")));
        assert!(policy.permits(ip("::ffff:127.0.0.1")));
        assert!(!policy.permits(ip("::1")));
        assert!(!policy.permits(ip("169.254.169.254")));
        assert!(policy.check_literal("http://127.0.0.1:9/hook").is_ok());
        assert!(policy.check_literal("http://[::1]:9/hook").is_err());
    }
}
