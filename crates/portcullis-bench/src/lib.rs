//! Decision benchmarks: Portcullis' decision index against Cedar and casbin,
//! on one generated partner ecosystem and one request set.
//!
//! [`run::prepare`] generates the ecosystem ([`ecosystem`]) and the requests
//! ([`requests`]) from a seed and builds the Portcullis index;
//! [`run::check_peer`] builds a peer ([`cedar_peer`], [`casbin_peer`]) and
//! makes sure it answers as Portcullis does (in a process of its own,
//! [`child`]); [`timing::time_all`] times
//! them all; [`report::summary`] is the JSON line a run ends with.

pub mod agreement;
pub mod casbin_peer;
pub mod cedar_peer;
pub mod child;
pub mod ecosystem;
pub mod measure;
pub mod report;
pub mod requests;
pub mod rng;
pub mod run;
pub mod timing;
pub mod vocabulary;

pub use run::{Options, Peer, PeerCheck, Prepared};
