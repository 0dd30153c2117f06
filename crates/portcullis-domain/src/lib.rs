//! Portcullis domain: types and rules with no I/O.
//!
//! Every value here is validated when it is built: a [`TenantId`] is a UUID, a
//! [`DisplayName`] is within its length and character limits, an
//! [`IsoDuration`] is a well-formed ISO-8601 duration. Time comes in as an
//! argument or through a [`Clock`]; nothing in this crate reads the system
//! clock except [`SystemClock`].
//!
//! The domain owns the vocabulary every layer shares: the records Portcullis
//! keeps and serves (a detection [`Finding`], a [`Containment`], a
//! [`WebhookSubscription`], a [`PartnerPosture`], the vetting records in
//! [`vetting`]), the inputs that create and change them ([`NewTenant`],
//! [`UserPatch`], …) and the filters that list them ([`RelationshipFilter`],
//! [`AuditFilter`], …). Kinds and statuses are enums with stable strings
//! ([`FindingStatus`], [`ContainmentKind`], [`AuditOperation`]); ids are
//! newtypes ([`WebhookId`], [`RecordId`], …). The store persists these types,
//! the HTTP API serializes them, neither defines its own.

mod access_review;
mod action;
mod activation;
mod activity;
mod assignment;
mod audit;
mod bulk;
mod checkpoint;
mod clock;
mod containment;
mod duration;
mod error;
mod event;
mod finding;
mod finding_response;
mod graph_filter;
mod group;
mod id;
mod intel;
mod name;
mod operation;
mod page;
mod posture;
mod principal;
mod recommendation;
mod relationship;
mod relationship_auto_extend;
mod relationship_lifetime;
mod restriction;
mod role;
mod role_defaults;
mod score;
mod session;
mod setting;
mod snapshot;
mod template;
mod tenant;
mod text;
mod token;
mod usage;
mod user;
pub mod vetting;
mod watchlist;
mod webhook;

pub use access_review::{
    AccessReview, AccessReviewDetail, AccessReviewFilter, AccessReviewId, DEFAULT_REVIEW_DAYS,
    DEFAULT_REVIEW_EVERY_DAYS, ItemOutcome, MAX_JUSTIFICATION, MAX_REVIEW_DAYS,
    REMIND_BEFORE_SECONDS, ReviewDecision, ReviewItem, ReviewItemEvidence, ReviewItemKind,
    ReviewPolicy, ReviewRemoval, ReviewScope, ReviewStatus, ReviewedRelationship,
    check_review_days, review_items,
};
pub use action::{Action, ActionPattern};
pub use activation::{
    Activation, ActivationFilter, ActivationId, ActivationStatus, AuthStrength, UserOrAdmin,
};
pub use activity::{EventFilter, StoredEvent};
pub use assignment::{
    AccessAssignment, AssignmentId, AssignmentKind, AssignmentStatus, MAX_ACTIVATION_SECONDS,
    MIN_ACTIVATION_SECONDS,
};
pub use audit::{
    AuditChainBreak, AuditDraft, AuditFilter, AuditRecord, ChainHead, ChainVerifier, GENESIS_HASH,
    verify_chain,
};
pub use bulk::{
    BulkItem, BulkOperation, BulkOutcome, BulkReport, BulkRun, DEFAULT_BULK_CAP,
    GLOBAL_ADMINISTRATOR, MAX_BULK_CAP,
};
pub use checkpoint::{
    Checkpoint, CheckpointAnchors, CheckpointKey, CheckpointLogError, CheckpointSigner,
};
pub use clock::{Clock, SystemClock, TestClock, Timestamp};
pub use containment::{Containment, ContainmentFilter, ContainmentKind, ContainmentMode};
pub use duration::IsoDuration;
pub use error::{RuleViolation, ValidationError};
pub use event::{
    ActivityEvent, EncodedEvent, MAX_EVENT_LINE_BYTES, OCSF_API_ACTIVITY, OCSF_AUTHENTICATION,
};
pub use finding::{Finding, FindingFilter, FindingStatus};
pub use finding_response::{
    FindingResponse, RESPONSE_DEADLINE_SECONDS, RESPONSE_WINDOW_DAYS, ResponseTimes,
};
pub use graph_filter::{FilterClause, parse_graph_filter};
pub use group::{GroupMember, GroupPatch, NewGroup, SecurityGroup};
pub use id::{GroupId, RecordId, TenantId, TokenId, UserId};
pub use intel::{IntelSource, IntelUpsert};
pub use name::{Description, DisplayName, UserPrincipalName};
pub use operation::AuditOperation;
pub use page::{Cursor, Page, PageRequest};
pub use posture::{
    MAX_SNAPSHOT_BYTES, PartnerPosture, PostureFilter, PostureReportRecord, PostureSnapshotInfo,
    PostureStanding,
};
pub use principal::{Principal, PrincipalKind};
pub use recommendation::{
    AppliedRecommendation, Evidence, Recommendation, RecommendationId, RecommendationKind,
    Reduction, RelationshipNarrowing,
};
pub use relationship::{
    APPROVAL_WINDOW_SECONDS, AUTO_EXTEND_SECONDS, EXPIRY_WARNING_DAYS, MAX_DURATION_SECONDS,
    MIN_DURATION_SECONDS, Relationship, RelationshipFilter, RelationshipId, RelationshipStatus,
    RelationshipTerms, relationship_name,
};
pub use relationship_lifetime::RelationshipLifetime;
pub use restriction::{CustomerRestrictions, HoursWindow};
pub use role::{Role, RoleCatalog, RoleId};
pub use score::{PartnerScore, RequirementTally, ScoreInputs, ScorePart, ScorePoint, VettingLevel};
pub use session::{ConsoleSession, SESSION_ABSOLUTE_SECONDS, SESSION_IDLE_SECONDS};
pub use setting::{Setting, SettingName};
pub use snapshot::AccessSnapshot;
pub use template::{
    MAX_NAME_PATTERN, MAX_TEMPLATE_ASSIGNMENTS, RelationshipTemplate, TemplateAssignment,
    TemplateId, render_name,
};
pub use tenant::{NewTenant, Tenant, TenantKind, TenantPatch};
pub use text::free_text;
pub use token::ApiToken;
pub use usage::{
    ActionUsage, AssignmentUsage, DEFAULT_USAGE_WINDOW_DAYS, MAX_USAGE_WINDOW_DAYS,
    RelationshipUsage, RoleDays, RoleUsage, UsageCount, UsageFilter, UsageReport, UsageTotal,
    UsageWindow, UserUsage, day_of, start_of_day,
};
pub use user::{NewUser, PartnerUser, UserPatch};
pub use watchlist::WatchlistInfo;
pub use webhook::{
    DeliveryId, DeliveryStatus, WebhookDelivery, WebhookId, WebhookPatch, WebhookSubscription,
};
