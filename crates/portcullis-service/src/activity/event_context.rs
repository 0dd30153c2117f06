//! What `serve` knows about an activity event beyond the event itself, for
//! the detection engine: whether the customer is reachable through the
//! user's assignments, and the partner tenant's vetting and posture
//! standing. Read from the in-memory decision index (no store round trip),
//! at the event's time. The decision outcome is the event's own status.

use portcullis_decision::PartnerAccess;
use portcullis_detection::{Event, EventContext, PartnerStanding};
use portcullis_domain::{TenantId, Timestamp, UserId};

use crate::Portcullis;

/// How a partner's access maps to what detection weighs: a vetting that
/// is not (or no longer) approved, or a posture within its grace period,
/// has lapsed; a suspended vetting case (an operator's suspension, a
/// re-screen hit, a partner containment) or a posture suspension in force
/// is a suspension.
pub(crate) fn standing(access: PartnerAccess) -> PartnerStanding {
    match access {
        PartnerAccess::Authorized => PartnerStanding::Good,
        PartnerAccess::Noncompliant | PartnerAccess::NotAuthorized => PartnerStanding::Lapsed,
        PartnerAccess::Suspended | PartnerAccess::VettingSuspended => PartnerStanding::Suspended,
    }
}

impl Portcullis {
    /// The context of one event; unknown (`None`) wherever the event names
    /// ids the index does not know, or acts in the user's own tenant.
    pub(crate) fn event_context(&self, event: &Event) -> EventContext {
        let at = Timestamp::from_unix_millis(event.time_ms);
        let user = UserId::parse(&event.user).ok();
        let partner = parse_tenant(event.partner_tenant.as_deref());
        let customer =
            parse_tenant(event.customer_tenant.as_deref()).filter(|_| event.is_delegated());
        self.decisions
            .read(|index| EventContext {
                customer_reachable: user
                    .zip(customer)
                    .and_then(|(user, customer)| index.reaches(user, customer, at)),
                partner: partner
                    .and_then(|partner| index.partner_access(partner, at))
                    .map(standing),
            })
            .unwrap_or_default()
    }
}

fn parse_tenant(raw: Option<&str>) -> Option<TenantId> {
    raw.and_then(|t| TenantId::parse(t).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_suspended_case_or_a_posture_suspension_in_force_is_a_suspension() {
        assert_eq!(standing(PartnerAccess::Authorized), PartnerStanding::Good);
        assert_eq!(
            standing(PartnerAccess::Noncompliant),
            PartnerStanding::Lapsed
        );
        assert_eq!(
            standing(PartnerAccess::NotAuthorized),
            PartnerStanding::Lapsed
        );
        assert_eq!(
            standing(PartnerAccess::Suspended),
            PartnerStanding::Suspended
        );
        assert_eq!(
            standing(PartnerAccess::VettingSuspended),
            PartnerStanding::Suspended
        );
    }
}
