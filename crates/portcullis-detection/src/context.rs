//! What the caller knows about an event beyond the event itself.
//!
//! Offline `portcullis detect` learns everything from the stream and passes
//! [`EventContext::default`]. Inside `serve`, the service fills it from what
//! Portcullis knows (the decision index, the vetting case, posture), and the
//! engine weighs it into each detection's confidence and explanation.

use serde::{Deserialize, Serialize};

/// Where a partner tenant stands with the operator, as far as detection cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PartnerStanding {
    /// Vetted and meeting its posture requirements.
    Good,
    /// Not (or no longer) vetted, or its posture falls short.
    Lapsed,
    /// Suspended or contained: any activity is suspect.
    Suspended,
}

/// Optional knowledge about one event; `None` means unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct EventContext {
    /// Whether the customer is reachable through the user's current
    /// assignments (the decision index).
    pub customer_reachable: Option<bool>,
    /// The partner tenant's vetting and posture standing.
    pub partner: Option<PartnerStanding>,
}

impl EventContext {
    /// Confidence added to a detection about the event's user, and why.
    pub(crate) fn weight(&self) -> (f64, Option<&'static str>) {
        match (self.customer_reachable, self.partner) {
            (_, Some(PartnerStanding::Suspended)) => (0.2, Some("the partner tenant is suspended")),
            (Some(false), _) => (
                0.15,
                Some("the customer is not reachable through the user's assignments"),
            ),
            (_, Some(PartnerStanding::Lapsed)) => (
                0.1,
                Some("the partner tenant's vetting or posture has lapsed"),
            ),
            _ => (0.0, None),
        }
    }
}
