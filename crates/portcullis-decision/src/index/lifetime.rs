//! A relationship's status over time, kept in a few words so that it sits
//! inline in the pair map: the decision reads it without another hop.

use portcullis_domain::{APPROVAL_WINDOW_SECONDS, Relationship, RelationshipStatus, Timestamp};

/// The fields of a [`Relationship`] that [`Relationship::status_at`] reads,
/// and the same rule over them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Lifetime {
    status: RelationshipStatus,
    end_at: Option<Timestamp>,
    /// The auto-extension step in milliseconds; 0 when it never extends.
    extend_ms: i64,
    approval_requested_at: Option<Timestamp>,
}

impl Lifetime {
    pub(super) fn of(relationship: &Relationship) -> Self {
        Self {
            status: relationship.status,
            end_at: relationship.end_at,
            extend_ms: relationship
                .auto_extend_duration
                .as_seconds()
                .saturating_mul(1000),
            approval_requested_at: relationship.approval_requested_at,
        }
    }

    /// What [`Relationship::status_at`] answers for the relationship this
    /// was made from.
    pub(super) fn status_at(&self, now: Timestamp) -> RelationshipStatus {
        match self.status {
            RelationshipStatus::Active => match self.end_at_time(now) {
                Some(end) if now < end => RelationshipStatus::Active,
                _ => RelationshipStatus::Expired,
            },
            RelationshipStatus::ApprovalPending => match self.approval_requested_at {
                Some(sent) if now < sent.saturating_add_seconds(APPROVAL_WINDOW_SECONDS) => {
                    RelationshipStatus::ApprovalPending
                }
                _ => RelationshipStatus::Expired,
            },
            other => other,
        }
    }

    /// [`Relationship::end_at_time`].
    fn end_at_time(&self, now: Timestamp) -> Option<Timestamp> {
        let end = self.end_at?;
        if self.extend_ms <= 0 || now < end {
            return Some(end);
        }
        let behind = now.unix_millis().saturating_sub(end.unix_millis());
        let steps = behind / self.extend_ms + 1;
        Some(end.saturating_add_millis(steps.saturating_mul(self.extend_ms)))
    }
}

#[cfg(test)]
mod tests {
    use portcullis_domain::{
        DisplayName, IsoDuration, Relationship, RelationshipId, RelationshipStatus, TenantId,
        Timestamp,
    };
    use proptest::prelude::*;

    use super::Lifetime;

    const STATUSES: [RelationshipStatus; 7] = [
        RelationshipStatus::Created,
        RelationshipStatus::ApprovalPending,
        RelationshipStatus::Active,
        RelationshipStatus::Expired,
        RelationshipStatus::Rejected,
        RelationshipStatus::TerminationRequested,
        RelationshipStatus::Terminated,
    ];

    /// Instants near the interesting ones and at the ends of the range.
    fn instant() -> impl Strategy<Value = i64> {
        prop_oneof![
            -1_000_000_000_000_i64..4_000_000_000_000,
            Just(i64::MIN),
            Just(i64::MAX),
            Just(i64::MAX - 1),
            any::<i64>(),
        ]
    }

    fn relationship(
        status: RelationshipStatus,
        end_at: Option<i64>,
        extends: bool,
        requested: Option<i64>,
    ) -> Relationship {
        let at = Timestamp::from_unix_millis(0);
        Relationship {
            id: RelationshipId::generate(),
            partner_tenant_id: TenantId::generate(),
            customer_tenant_id: TenantId::generate(),
            display_name: DisplayName::parse("lifetime").unwrap(),
            roles: std::collections::BTreeSet::new(),
            duration: IsoDuration::parse("P30D").unwrap(),
            auto_extend_duration: IsoDuration::parse(if extends { "P180D" } else { "PT0S" })
                .unwrap(),
            status,
            created_at: at,
            updated_at: at,
            approval_requested_at: requested.map(Timestamp::from_unix_millis),
            activated_at: None,
            end_at: end_at.map(Timestamp::from_unix_millis),
            closed_at: None,
            closed_reason: None,
            version: 1,
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2_000))]

        #[test]
        fn lifetime_answers_as_the_relationship_does_at_any_instant(
            status in 0..STATUSES.len(),
            end_at in proptest::option::of(instant()),
            extends in any::<bool>(),
            requested in proptest::option::of(instant()),
            nows in proptest::collection::vec(instant(), 8),
        ) {
            let relationship = relationship(STATUSES[status], end_at, extends, requested);
            let lifetime = Lifetime::of(&relationship);
            let mut probes: Vec<i64> = nows;
            // Around the end and the approval deadline, where status flips.
            for edge in [end_at, requested.map(|r| r.saturating_add(90 * 86_400_000))]
                .into_iter()
                .flatten()
            {
                probes.extend([edge.saturating_sub(1), edge, edge.saturating_add(1)]);
            }
            for now in probes.into_iter().map(Timestamp::from_unix_millis) {
                prop_assert_eq!(lifetime.status_at(now), relationship.status_at(now), "at {}", now.unix_millis());
            }
        }
    }
}
