//! The decision engine.
//!
//! `decide(request, now) -> Decision` answers: may partner user U of partner
//! tenant P perform action A in customer tenant C now? It cannot fail; any
//! inconsistency denies. Allow only when every condition holds:
//!
//! 1. P is a partner tenant and authorized (else `partner_not_authorized`),
//!    and not suspended for its tenant security posture at `now`
//!    (`partner_noncompliant`: non-compliant past its grace period);
//! 2. U exists in P (`unknown_user`), is enabled (`user_disabled`) and not
//!    contained (`user_contained`);
//! 3. a relationship P↔C is active at `now` (`relationship_expired` when one
//!    has ended by time, else `no_active_relationship`);
//! 4. U is in a group with an active assignment of an active relationship
//!    (`no_assignment`) holding a role that permits A — directly for a
//!    standing assignment, through an activation active at `now` for an
//!    eligible one (`activation_required` when only an unactivated eligible
//!    assignment would permit it, else `role_does_not_permit_action`). The
//!    grant is the least-privileged such role (unprivileged first, then the
//!    narrowest patterns), ties broken by relationship, assignment and
//!    activation id;
//! 5. the session has MFA (`mfa_required`), phishing-resistant when the
//!    granting role is privileged (`phishing_resistant_mfa_required`);
//! 6. C's restrictions hold: source IP in an allowed range (`ip_not_allowed`)
//!    and `now` in the allowed UTC hours (`outside_allowed_hours`).
//!
//! Conditions 1, 2, 3 and 6 are always checked; 4 when U exists and a
//! relationship is active; 5 when a grant was found. Every failed condition
//! is reported.
//!
//! [`DecisionIndex`] answers from hash maps kept current by incremental
//! updates; [`decide_naive`] answers by scanning an [`AccessSnapshot`] and is
//! the reference the index is tested against.
//!
//! The searches ([`DecisionIndex::subjects_permitted`],
//! [`DecisionIndex::customers_permitted`],
//! [`DecisionIndex::actions_permitted`]) answer which users, customers or
//! actions `decide` allows, a page at a time.
//!
//! [`UsageTracker`] counts allowed decisions per assignment, role, user,
//! action and day as they happen; [`recommend`] turns the counts into
//! least-privilege recommendations.

mod decision;
mod index;
mod naive;
mod recommend;
mod request;
mod usage;

pub use decision::{Decision, DenyReason, Effect, Grant};
pub use index::{DecisionIndex, PartnerAccess, SearchPage, SearchSession};
pub use naive::decide_naive;
pub use portcullis_domain::AccessSnapshot;
pub use recommend::{RecommendParams, RoleUse, UsageFacts, recommend};
pub use request::DecisionRequest;
pub use usage::{MAX_KEYS_PER_SHARD, UsageTracker};
