//! The directory: tenants (partners and customers), partner users, their
//! security groups, and the API tokens callers authenticate with.

mod groups;
mod keyed_hash;
mod partners;
mod sessions;
mod sign_in_links;
mod tenants;
pub(crate) mod token_cache;
mod tokens;
mod users;

pub(crate) use keyed_hash::ephemeral_key;
pub use keyed_hash::keyed_hash;
pub use sessions::{csrf_matches, csrf_token};
pub use sign_in_links::SIGN_IN_LINK_MINUTES;
pub use tokens::{NewToken, TOKEN_PREFIX, hash_secret};
