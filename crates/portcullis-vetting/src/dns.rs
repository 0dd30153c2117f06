//! Domain-ownership verification over DNS, with `hickory-resolver`.

use std::net::SocketAddr;
use std::time::Duration;

use hickory_resolver::config::{
    ConnectionConfig, NameServerConfig, ProtocolConfig, ResolverConfig, ResolverOpts,
};
use hickory_resolver::net::runtime::TokioRuntimeProvider;
use hickory_resolver::net::{DnsError, NetError};
use hickory_resolver::proto::op::ResponseCode;
use hickory_resolver::proto::rr::{Name, RData, RecordType};
use hickory_resolver::{Resolver, TokioResolver};

use crate::challenge::ChallengeToken;
use crate::domain::WebsiteDomain;
use crate::domain_check::DomainCheck;

/// Why a verifier could not be built.
#[derive(Debug, thiserror::Error)]
pub enum VerifierError {
    /// The system resolver configuration could not be read.
    #[error("cannot read the system resolver configuration: {0}")]
    SystemConfig(String),
    /// The resolver rejected its configuration.
    #[error("cannot build the resolver: {0}")]
    Build(String),
    /// No name server was given.
    #[error("at least one name server is required")]
    NoNameServers,
}

/// Explicit resolver settings: which name servers to ask, over UDP with TCP
/// for truncated answers, and how long to wait.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifierConfig {
    /// Recursive resolvers (or, in tests, an authoritative server) to query.
    pub nameservers: Vec<SocketAddr>,
    /// Time allowed for one query to one server.
    pub timeout: Duration,
    /// Tries per server before giving up.
    pub attempts: usize,
}

impl VerifierConfig {
    /// The given servers with a 5 s timeout and 2 attempts (the resolv.conf defaults).
    #[must_use]
    pub fn new(nameservers: Vec<SocketAddr>) -> Self {
        Self {
            nameservers,
            timeout: Duration::from_secs(5),
            attempts: 2,
        }
    }
}

/// Looks up `_portcullis-challenge.<domain>` TXT and compares the values with
/// the expected token. Answers are never cached, so a re-verification sees
/// the zone as it is now.
#[derive(Clone)]
pub struct DomainVerifier {
    resolver: TokioResolver,
}

impl DomainVerifier {
    /// A verifier using the system's resolver configuration (`/etc/resolv.conf`).
    ///
    /// # Errors
    /// [`VerifierError::SystemConfig`] when the configuration cannot be read.
    pub fn system() -> Result<Self, VerifierError> {
        let mut builder = TokioResolver::builder_tokio()
            .map_err(|err| VerifierError::SystemConfig(err.to_string()))?;
        disable_caching(builder.options_mut());
        let resolver = builder
            .build()
            .map_err(|err| VerifierError::Build(err.to_string()))?;
        Ok(Self { resolver })
    }

    /// A verifier asking exactly the configured name servers.
    ///
    /// # Errors
    /// [`VerifierError::NoNameServers`] for an empty list,
    /// [`VerifierError::Build`] when the resolver refuses the settings.
    pub fn new(config: &VerifierConfig) -> Result<Self, VerifierError> {
        if config.nameservers.is_empty() {
            return Err(VerifierError::NoNameServers);
        }
        let servers = config
            .nameservers
            .iter()
            .map(|addr| {
                let connections = [ProtocolConfig::Udp, ProtocolConfig::Tcp]
                    .into_iter()
                    .map(|protocol| {
                        let mut connection = ConnectionConfig::new(protocol);
                        connection.port = addr.port();
                        connection
                    })
                    .collect();
                NameServerConfig::new(addr.ip(), true, connections)
            })
            .collect();
        let mut options = ResolverOpts::default();
        options.timeout = config.timeout;
        options.attempts = config.attempts.max(1);
        disable_caching(&mut options);
        let resolver = Resolver::builder_with_config(
            ResolverConfig::from_name_servers(servers),
            TokioRuntimeProvider::default(),
        )
        .with_options(options)
        .build()
        .map_err(|err| VerifierError::Build(err.to_string()))?;
        Ok(Self { resolver })
    }

    /// Checks that `domain` publishes `token`. Cannot fail: every problem is
    /// an outcome ([`DomainCheck::Unreachable`] for the resolver's own).
    pub async fn verify(&self, domain: &WebsiteDomain, token: &ChallengeToken) -> DomainCheck {
        // The final dot makes the name absolute: no search-list suffixes.
        let fqdn = format!("{}.", ChallengeToken::record_name(domain));
        let name = match Name::from_ascii(&fqdn) {
            Ok(name) => name,
            Err(err) => {
                return DomainCheck::Unreachable {
                    reason: format!("cannot form the query name `{fqdn}`: {err}"),
                };
            }
        };
        self.resolver
            .clear_lookup_cache(name.clone(), RecordType::TXT);
        match self.resolver.txt_lookup(name).await {
            Ok(lookup) => {
                let values: Vec<String> = lookup
                    .answers()
                    .iter()
                    .filter_map(|record| match &record.data {
                        RData::TXT(txt) => Some(join_character_strings(&txt.txt_data)),
                        _ => None,
                    })
                    .collect();
                judge(values, token)
            }
            Err(err) => classify_error(&err),
        }
    }
}

/// One TXT record's character-strings joined into one value (a value over
/// 255 bytes must be split; RFC 7208 §3.3 reads them joined without separator).
fn join_character_strings(parts: &[Box<[u8]>]) -> String {
    let bytes: Vec<u8> = parts.iter().flat_map(|part| part.iter().copied()).collect();
    String::from_utf8_lossy(&bytes).into_owned()
}

fn judge(values: Vec<String>, token: &ChallengeToken) -> DomainCheck {
    if values.is_empty() {
        DomainCheck::RecordMissing
    } else if values.iter().any(|value| token.matches_txt(value)) {
        DomainCheck::Verified
    } else {
        DomainCheck::token_mismatch(values)
    }
}

fn classify_error(err: &NetError) -> DomainCheck {
    match err {
        NetError::Dns(DnsError::NoRecordsFound(no_records))
            if matches!(
                no_records.response_code,
                ResponseCode::NXDomain | ResponseCode::NoError
            ) =>
        {
            DomainCheck::RecordMissing
        }
        NetError::Dns(DnsError::ResponseCode(code)) => DomainCheck::Unreachable {
            reason: format!("the name server answered {code:?}"),
        },
        NetError::Timeout => DomainCheck::Unreachable {
            reason: "the name servers did not answer in time".to_owned(),
        },
        other => DomainCheck::Unreachable {
            reason: other.to_string(),
        },
    }
}

/// Every answer is fetched afresh: a vanished record must be seen at once.
fn disable_caching(options: &mut ResolverOpts) {
    options.cache_size = 0;
    options.positive_max_ttl = Some(Duration::ZERO);
    options.negative_max_ttl = Some(Duration::ZERO);
}
