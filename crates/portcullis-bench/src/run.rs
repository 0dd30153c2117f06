//! The decision benchmark, start to end: generate the ecosystem and the
//! requests, build the Portcullis index, then check that every peer agrees
//! (building each in turn — all of them at once do not fit in memory at
//! full scale), and only then time them, one thread, one process.

use std::time::Instant;

use casbin::CoreApi;
use portcullis_decision::{DecisionIndex, DecisionRequest};

use crate::agreement;
use crate::casbin_peer;
use crate::cedar_peer::CedarPeer;
use crate::ecosystem::{self, Ecosystem, NOW, Scale};
use crate::measure;
use crate::requests::{self, ComparisonFilter};

#[derive(Debug, Clone, Copy)]
pub struct Options {
    pub quick: bool,
    pub seed: u64,
}

impl Options {
    pub fn scale(&self) -> Scale {
        if self.quick {
            Scale::QUICK
        } else {
            Scale::FULL
        }
    }
}

/// What building something cost: wall time and resident-set growth.
#[derive(Debug, Clone, Copy, Default)]
pub struct Build {
    pub ms: f64,
    pub rss_bytes: u64,
}

pub fn mib(bytes: u64) -> f64 {
    #[expect(clippy::cast_precision_loss, reason = "a size for display")]
    let bytes = bytes as f64;
    bytes / (1024.0 * 1024.0)
}

/// The ecosystem, the requests and the Portcullis index.
pub struct Prepared {
    pub options: Options,
    pub eco: Ecosystem,
    pub generate_ms: f64,
    pub requests: Vec<DecisionRequest>,
    /// The side-by-side set: requests whose outcome depends only on what
    /// all three engines model.
    pub comparison: Vec<DecisionRequest>,
    pub index: DecisionIndex,
    pub index_build: Build,
}

/// Generates the ecosystem and the requests, and builds the index.
pub fn prepare(options: Options, log: &mut dyn FnMut(String)) -> anyhow::Result<Prepared> {
    let scale = options.scale();
    let start = Instant::now();
    let eco = ecosystem::generate(options.seed, scale)?;
    let requests = requests::generate(&eco, options.seed, scale.requests)?;
    let generate_ms = start.elapsed().as_secs_f64() * 1000.0;
    let s = &eco.snapshot;
    log(format!(
        "ecosystem (seed {}): {} partners, {} customers, {} users, {} memberships, {} relationships, {} assignments, {} activations, {} restricted customers; {} requests; generated in {generate_ms:.0} ms",
        options.seed,
        scale.partners,
        scale.customers,
        s.users.len(),
        s.memberships.len(),
        s.relationships.len(),
        s.assignments.len(),
        s.activations.len(),
        s.restrictions.len(),
        requests.len(),
    ));
    let filter = ComparisonFilter::new(&eco);
    let comparison: Vec<DecisionRequest> = requests
        .iter()
        .filter(|r| filter.accepts(r))
        .cloned()
        .collect();

    let (index, ms, rss_bytes) =
        measure::built(|| DecisionIndex::from_snapshot(&eco.snapshot, &eco.catalog));
    log(format!(
        "portcullis index: built from the snapshot in {ms:.0} ms, resident set +{:.1} MiB ({})",
        mib(rss_bytes),
        index
            .counts()
            .iter()
            .map(|(k, v)| format!("{v} {k}"))
            .collect::<Vec<_>>()
            .join(", ")
    ));
    Ok(Prepared {
        options,
        eco,
        generate_ms,
        requests,
        comparison,
        index,
        index_build: Build { ms, rss_bytes },
    })
}

/// A peer of the comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Peer {
    Cedar,
    Casbin,
    CasbinCached,
}

impl Peer {
    pub const ALL: [Self; 3] = [Self::Cedar, Self::Casbin, Self::CasbinCached];

    pub const fn name(self) -> &'static str {
        match self {
            Self::Cedar => "cedar",
            Self::Casbin => "casbin",
            Self::CasbinCached => "casbin-cached",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.name() == name)
    }
}

/// A peer that agreed with Portcullis: what building it cost, how big it
/// is (policies for Cedar, `g` lines for casbin), on how many requests it
/// was checked and how many of those Portcullis allowed.
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PeerCheck {
    pub build_ms: f64,
    pub rss_bytes: u64,
    /// For casbin, writing its lines (included in `build_ms`).
    pub lines_ms: f64,
    pub size: usize,
    pub checked: usize,
    pub allowed: usize,
}

pub fn build_cedar(p: &Prepared) -> anyhow::Result<(CedarPeer, Build)> {
    let (cedar, ms, rss_bytes) = measure::built(|| CedarPeer::build(&p.eco, NOW));
    Ok((cedar?, Build { ms, rss_bytes }))
}

pub fn casbin_lines(p: &Prepared) -> casbin_peer::Lines {
    casbin_peer::lines(&p.eco, NOW)
}

/// The cached enforcer's cache holds an answer for every side-by-side request.
pub fn cache_capacity(p: &Prepared) -> usize {
    p.comparison.len().max(1)
}

/// Builds `peer` and checks it against Portcullis: Cedar on every request,
/// casbin on the side-by-side set. The first disagreement is the error.
pub fn check_peer(
    p: &Prepared,
    peer: Peer,
    log: &mut dyn FnMut(String),
) -> anyhow::Result<PeerCheck> {
    match peer {
        Peer::Cedar => {
            let (cedar, build) = build_cedar(p)?;
            log(format!(
                "cedar: {} policies parsed and stored in {:.0} ms, resident set +{:.1} MiB",
                cedar.policy_count(),
                build.ms,
                mib(build.rss_bytes)
            ));
            let allowed = agreement::check_cedar(&p.index, &cedar, &p.requests, NOW)?;
            log(format!(
                "agreement: cedar (per-request slice and prebuilt stores) = portcullis on all {} requests ({allowed} allowed)",
                p.requests.len()
            ));
            Ok(PeerCheck {
                build_ms: build.ms,
                rss_bytes: build.rss_bytes,
                lines_ms: 0.0,
                size: cedar.policy_count(),
                checked: p.requests.len(),
                allowed,
            })
        }
        Peer::Casbin => check_casbin(p, peer, casbin_peer::plain, log),
        Peer::CasbinCached => check_casbin(
            p,
            peer,
            |lines| casbin_peer::cached(lines, cache_capacity(p)),
            log,
        ),
    }
}

/// Writes the lines, loads them with `load`, checks the enforcer.
fn check_casbin<E: CoreApi>(
    p: &Prepared,
    peer: Peer,
    load: impl FnOnce(casbin_peer::Lines) -> anyhow::Result<E>,
    log: &mut dyn FnMut(String),
) -> anyhow::Result<PeerCheck> {
    let before = measure::resident_bytes();
    let start = Instant::now();
    let lines = casbin_lines(p);
    let lines_ms = start.elapsed().as_secs_f64() * 1000.0;
    let (size, p_lines) = (lines.groupings.len(), lines.policies.len());
    let enforcer = load(lines)?;
    let build_ms = start.elapsed().as_secs_f64() * 1000.0;
    let rss_bytes = measure::resident_bytes().saturating_sub(before);
    log(format!(
        "{}: {p_lines} p lines and {size} g lines written for one instant in {lines_ms:.0} ms, loaded in {:.0} ms; resident set +{:.1} MiB",
        peer.name(),
        build_ms - lines_ms,
        mib(rss_bytes)
    ));
    let allowed = agreement::check_casbin(
        peer.name(),
        &p.index,
        |r| enforcer.enforce(casbin_peer::args(r)),
        &p.comparison,
        NOW,
    )?;
    log(format!(
        "agreement: {} = portcullis on all {} side-by-side requests ({allowed} allowed)",
        peer.name(),
        p.comparison.len()
    ));
    Ok(PeerCheck {
        build_ms,
        rss_bytes,
        lines_ms,
        size,
        checked: p.comparison.len(),
        allowed,
    })
}
