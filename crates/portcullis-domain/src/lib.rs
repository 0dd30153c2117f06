//! Portcullis domain: types and rules with no I/O.
//!
//! Every value here is validated when it is built: a [`TenantId`] is a UUID, a
//! [`DisplayName`] is within its length and character limits, an
//! [`IsoDuration`] is a well-formed ISO-8601 duration. Time comes in as an
//! argument or through a [`Clock`]; nothing in this crate reads the system
//! clock except [`SystemClock`].

mod action;
mod activation;
mod assignment;
mod audit;
mod clock;
mod duration;
mod error;
mod event;
mod group;
mod id;
mod name;
mod operation;
mod page;
mod posture;
mod principal;
mod relationship;
mod restriction;
mod role;
mod role_defaults;
mod snapshot;
mod tenant;
mod token;
mod user;
pub mod vetting;

pub use action::{Action, ActionPattern};
pub use activation::{Activation, ActivationId, ActivationStatus, AuthStrength, UserOrAdmin};
pub use assignment::{
    AccessAssignment, AssignmentId, AssignmentKind, AssignmentStatus, MAX_ACTIVATION_SECONDS,
    MIN_ACTIVATION_SECONDS,
};
pub use audit::{
    AuditChainBreak, AuditDraft, AuditRecord, ChainHead, ChainVerifier, GENESIS_HASH, verify_chain,
};
pub use clock::{Clock, SystemClock, TestClock, Timestamp};
pub use duration::IsoDuration;
pub use error::{RuleViolation, ValidationError};
pub use event::{ActivityEvent, MAX_EVENT_LINE_BYTES, OCSF_API_ACTIVITY, OCSF_AUTHENTICATION};
pub use group::{GroupMember, SecurityGroup};
pub use id::{GroupId, RecordId, TenantId, TokenId, UserId};
pub use name::{Description, DisplayName, UserPrincipalName};
pub use operation::AuditOperation;
pub use page::{Cursor, Page, PageRequest};
pub use posture::PostureStanding;
pub use principal::{Principal, PrincipalKind};
pub use relationship::{
    APPROVAL_WINDOW_SECONDS, AUTO_EXTEND_SECONDS, EXPIRY_WARNING_DAYS, MAX_DURATION_SECONDS,
    MIN_DURATION_SECONDS, Relationship, RelationshipId, RelationshipStatus, RelationshipTerms,
    relationship_name,
};
pub use restriction::{CustomerRestrictions, HoursWindow};
pub use role::{Role, RoleCatalog, RoleId};
pub use snapshot::AccessSnapshot;
pub use tenant::{Tenant, TenantKind};
pub use token::ApiToken;
pub use user::PartnerUser;
