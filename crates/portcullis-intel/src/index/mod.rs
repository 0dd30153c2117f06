//! The indicator index: which active indicators match an observable, fast.
//!
//! Indicators whose pattern decomposes into simple keys (see `atoms`) are
//! filed in hash maps: exact addresses, CIDR ranges per prefix length,
//! exact domains, domain suffixes, URLs, email addresses. The rest are kept
//! in a fallback list per observable kind and evaluated with
//! [`Pattern::matches`]. Either way the answer is the one
//! `Pattern::matches` gives, restricted to indicators active at `now`.
//!
//! Parent domains: an indicator on `evil.example` hits only
//! `evil.example`. It hits `mail.evil.example` only when its pattern says
//! so, e.g. `[domain-name:value LIKE '%.evil.example']` (a CSV `*.` entry
//! writes that), which the index answers from its suffix map.

mod atoms;
mod prefix;

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ipnet::IpNet;
use time::OffsetDateTime;

use self::atoms::{Atom, Shape};
use self::prefix::PrefixTable;
use crate::indicator::{Indicator, is_active};
use crate::observable::{Observable, ObservableKind};
use crate::pattern::Pattern;

/// Hash maps with foldhash: far cheaper than SipHash for these short keys.
type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;

/// One indicator that matched, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// The indicator's STIX id.
    pub indicator_id: String,
    /// The indicator's name, when it has one.
    pub name: Option<String>,
    /// What in its pattern matched.
    pub why: HitReason,
}

/// What matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HitReason {
    /// The address itself is listed.
    Address(IpAddr),
    /// The address is inside a listed range.
    Range(IpNet),
    /// The domain itself is listed.
    Domain(String),
    /// A parent domain is listed for all its subdomains (the suffix, e.g.
    /// `.evil.example`).
    ParentDomain(String),
    /// The URL is listed.
    Url(String),
    /// The email address is listed.
    Email(String),
    /// The full pattern, evaluated, matched.
    Pattern(String),
}

/// An index of indicators for [`lookup`](Self::lookup).
#[derive(Debug, Default)]
pub struct IndicatorIndex {
    entries: Vec<Entry>,
    addresses: HashMap<IpAddr, Vec<u32>>,
    ranges_v4: PrefixTable<u32>,
    ranges_v6: PrefixTable<u128>,
    domains: HashMap<Box<str>, Vec<u32>>,
    suffixes: HashMap<Box<str>, Vec<u32>>,
    urls: HashMap<Box<str>, Vec<u32>>,
    emails: HashMap<Box<str>, Vec<u32>>,
    /// Entries evaluated by pattern, per observable kind they can match.
    fallback: HashMap<ObservableKind, Vec<u32>>,
}

/// What the index keeps of an indicator.
#[derive(Debug)]
struct Entry {
    id: Box<str>,
    name: Option<Box<str>>,
    valid_from: OffsetDateTime,
    valid_until: Option<OffsetDateTime>,
    revoked: bool,
    /// Kept only for fallback entries.
    pattern: Option<Pattern>,
}

impl IndicatorIndex {
    /// Indexes `indicators`. Those whose pattern can never match an
    /// [`Observable`] (files, certificates, ...) are left out.
    #[must_use]
    pub fn build(indicators: impl IntoIterator<Item = Indicator>) -> Self {
        let mut index = Self::default();
        for indicator in indicators {
            index.insert(indicator);
        }
        index
    }

    /// Adds one indicator.
    pub fn insert(&mut self, indicator: Indicator) {
        let Ok(at) = u32::try_from(self.entries.len()) else {
            return;
        };
        let shape = atoms::shape(&indicator.pattern);
        let kinds = fallback_kinds(&indicator.pattern);
        let pattern = match &shape {
            Shape::Atoms(atoms) if atoms.is_empty() => return,
            Shape::Complex if kinds.is_empty() => return,
            Shape::Atoms(_) => None,
            Shape::Complex => Some(indicator.pattern),
        };
        self.entries.push(Entry {
            id: indicator.id.into_boxed_str(),
            name: indicator.name.map(String::into_boxed_str),
            valid_from: indicator.valid_from,
            valid_until: indicator.valid_until,
            revoked: indicator.revoked,
            pattern,
        });
        match shape {
            Shape::Atoms(atoms) => {
                for atom in atoms {
                    self.file(atom, at);
                }
            }
            Shape::Complex => {
                for kind in kinds {
                    self.fallback.entry(kind).or_default().push(at);
                }
            }
        }
    }

    fn file(&mut self, atom: Atom, at: u32) {
        match atom {
            Atom::Address(address) => self.addresses.entry(address).or_default().push(at),
            Atom::Range(IpNet::V4(net)) => {
                self.ranges_v4
                    .insert(u32::from(net.network()), net.prefix_len(), at);
            }
            Atom::Range(IpNet::V6(net)) => {
                self.ranges_v6
                    .insert(u128::from(net.network()), net.prefix_len(), at);
            }
            Atom::Domain(domain) => self.domains.entry(domain.into()).or_default().push(at),
            Atom::DomainSuffix(suffix) => self.suffixes.entry(suffix.into()).or_default().push(at),
            Atom::Url(url) => self.urls.entry(url.into()).or_default().push(at),
            Atom::Email(email) => self.emails.entry(email.into()).or_default().push(at),
        }
    }

    /// How many indicators are indexed.
    #[must_use]
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no indicator is indexed.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// How many indexed indicators are evaluated by pattern on lookup.
    #[must_use]
    pub fn fallback_len(&self) -> usize {
        self.entries.iter().filter(|e| e.pattern.is_some()).count()
    }

    /// The indicators active at `now` that match `observable`, one hit per
    /// indicator, in the order they were indexed.
    #[must_use]
    pub fn lookup(&self, observable: &Observable, now: OffsetDateTime) -> Vec<Hit> {
        let mut found: Vec<(u32, HitReason)> = Vec::new();
        let mut add = |entries: &[u32], why: &dyn Fn() -> HitReason| {
            for at in entries {
                found.push((*at, why()));
            }
        };
        match observable {
            Observable::Ipv4(address) => {
                self.exact_address(IpAddr::V4(*address), &mut add);
                self.ranges_v4
                    .containing(u32::from(*address), |length, entries| {
                        let net =
                            IpNet::new(IpAddr::V4(Ipv4Addr::from(u32::from(*address))), length)
                                .ok()
                                .map(|n| n.trunc());
                        add(entries, &|| {
                            net.map_or(HitReason::Address(IpAddr::V4(*address)), HitReason::Range)
                        });
                    });
            }
            Observable::Ipv6(address) => {
                self.exact_address(IpAddr::V6(*address), &mut add);
                self.ranges_v6
                    .containing(u128::from(*address), |length, entries| {
                        let net =
                            IpNet::new(IpAddr::V6(Ipv6Addr::from(u128::from(*address))), length)
                                .ok()
                                .map(|n| n.trunc());
                        add(entries, &|| {
                            net.map_or(HitReason::Address(IpAddr::V6(*address)), HitReason::Range)
                        });
                    });
            }
            Observable::DomainName(_) => {
                let domain = observable.normalized();
                if let Some(entries) = self.domains.get(domain.as_ref()) {
                    add(entries, &|| HitReason::Domain(domain.to_string()));
                }
                for (dot, _) in domain.match_indices('.') {
                    let Some(suffix) = domain.get(dot..) else {
                        continue;
                    };
                    if let Some(entries) = self.suffixes.get(suffix) {
                        add(entries, &|| HitReason::ParentDomain(suffix.to_owned()));
                    }
                }
            }
            Observable::Url(_) => {
                let url = observable.normalized();
                if let Some(entries) = self.urls.get(url.as_ref()) {
                    add(entries, &|| HitReason::Url(url.to_string()));
                }
            }
            Observable::EmailAddress(_) => {
                let email = observable.normalized();
                if let Some(entries) = self.emails.get(email.as_ref()) {
                    add(entries, &|| HitReason::Email(email.to_string()));
                }
            }
        }
        for at in self.fallback.get(&observable.kind()).into_iter().flatten() {
            let matched = self
                .entry(*at)
                .and_then(|e| e.pattern.as_ref())
                .is_some_and(|p| p.matches(observable));
            if matched {
                let text = self
                    .entry(*at)
                    .and_then(|e| e.pattern.as_ref())
                    .map(Pattern::text);
                found.push((*at, HitReason::Pattern(text.unwrap_or_default().to_owned())));
            }
        }
        found.sort_by_key(|(at, _)| *at);
        found.dedup_by_key(|(at, _)| *at);
        found
            .into_iter()
            .filter_map(|(at, why)| {
                let entry = self.entry(at)?;
                is_active(entry.revoked, entry.valid_from, entry.valid_until, now).then(|| Hit {
                    indicator_id: entry.id.to_string(),
                    name: entry.name.as_deref().map(str::to_owned),
                    why,
                })
            })
            .collect()
    }

    fn exact_address(&self, address: IpAddr, add: &mut impl FnMut(&[u32], &dyn Fn() -> HitReason)) {
        if let Some(entries) = self.addresses.get(&address) {
            add(entries, &|| HitReason::Address(address));
        }
    }

    fn entry(&self, at: u32) -> Option<&Entry> {
        self.entries.get(usize::try_from(at).ok()?)
    }
}

/// The kinds a complex pattern could match: those whose `value` it tests
/// (a test on anything else is never true on an observable).
fn fallback_kinds(pattern: &Pattern) -> Vec<ObservableKind> {
    let paths = pattern.object_paths();
    ObservableKind::ALL
        .into_iter()
        .filter(|kind| {
            paths
                .iter()
                .any(|path| path.is_value_of(kind.object_type()))
        })
        .collect()
}
