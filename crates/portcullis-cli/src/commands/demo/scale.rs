//! How big the demo is: the full ecosystem, or a small one for tests.

/// Where a partner's vetting (and posture) ends up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Destiny {
    /// Approved, posture compliant.
    Approved,
    /// Approved; its latest posture snapshot fails, still within grace.
    PostureGrace,
    /// Approved; non-compliant past its grace period: posture-suspended.
    PostureSuspended,
    /// Approved, then suspended by an operator a few days ago.
    Suspended,
    /// Approved, then revoked yesterday.
    Revoked,
    /// Screened, waiting for reviewers.
    InReview,
    /// Screened, sent back to the applicant with questions.
    NeedsInformation,
    /// Screened and rejected.
    Rejected,
    /// Applied, not yet screened.
    Submitted,
}

impl Destiny {
    /// Whether the partner was approved and worked for its customers.
    pub(crate) fn worked(self) -> bool {
        matches!(
            self,
            Self::Approved
                | Self::PostureGrace
                | Self::PostureSuspended
                | Self::Suspended
                | Self::Revoked
        )
    }

    /// Whether the partner still acts normally (may propose relationships).
    pub(crate) fn in_good_standing(self) -> bool {
        self == Self::Approved
    }
}

/// The size of the seeded ecosystem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Scale {
    /// Partners by destiny, in order (those that worked come first).
    pub(crate) partners: Vec<(Destiny, usize)>,
    /// Users of each partner that worked.
    pub(crate) users_per_partner: usize,
    /// Customers with an active relationship, per partner that worked.
    pub(crate) customers_per_partner: usize,
    /// Days of activity history, today included.
    pub(crate) days: i64,
}

impl Scale {
    /// 24 partners, about 260 customers, 30 days of activity.
    pub(crate) fn full() -> Self {
        Self {
            partners: vec![
                (Destiny::Approved, 11),
                (Destiny::PostureGrace, 2),
                (Destiny::PostureSuspended, 1),
                (Destiny::Suspended, 2),
                (Destiny::Revoked, 1),
                (Destiny::InReview, 3),
                (Destiny::NeedsInformation, 2),
                (Destiny::Rejected, 1),
                (Destiny::Submitted, 1),
            ],
            users_per_partner: 10,
            customers_per_partner: 12,
            days: 30,
        }
    }

    /// Every state once or twice, 14 days of activity: for tests.
    pub(crate) fn small() -> Self {
        Self {
            partners: vec![
                (Destiny::Approved, 2),
                (Destiny::PostureGrace, 1),
                (Destiny::PostureSuspended, 1),
                (Destiny::Suspended, 1),
                (Destiny::Revoked, 1),
                (Destiny::InReview, 1),
                (Destiny::NeedsInformation, 1),
                (Destiny::Rejected, 1),
                (Destiny::Submitted, 1),
            ],
            users_per_partner: 4,
            customers_per_partner: 12,
            days: 14,
        }
    }

    /// Every partner's destiny, in order.
    pub(crate) fn roster(&self) -> Vec<Destiny> {
        self.partners
            .iter()
            .flat_map(|(destiny, n)| std::iter::repeat_n(*destiny, *n))
            .collect()
    }

    /// Partners that worked (the activity history's tenants).
    pub(crate) fn working_partners(&self) -> usize {
        self.roster().iter().filter(|d| d.worked()).count()
    }
}
