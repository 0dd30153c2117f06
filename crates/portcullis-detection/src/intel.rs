//! The threat-intelligence seam: the engine asks, the lead plugs the index.

use std::net::IpAddr;

/// An active indicator that matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntelMatch {
    /// The indicator's id (e.g. a STIX id).
    pub indicator: String,
    /// A short human description, e.g. the feed or campaign.
    pub description: String,
}

/// Looks up source IPs and domains among active indicators.
pub trait IntelLookup {
    /// The active indicator matching `ip`, if any.
    fn ip(&self, ip: IpAddr) -> Option<IntelMatch>;
    /// The active indicator matching `domain`, if any.
    fn domain(&self, domain: &str) -> Option<IntelMatch>;
}

/// No intelligence: nothing matches.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoIntel;

impl IntelLookup for NoIntel {
    fn ip(&self, _: IpAddr) -> Option<IntelMatch> {
        None
    }
    fn domain(&self, _: &str) -> Option<IntelMatch> {
        None
    }
}
