//! The periodic vetting work: re-verify the domains of standing partners
//! and re-screen them all against the loaded watchlists.

use std::collections::BTreeSet;

use serde::Serialize;

use super::RescreenReport;
use crate::{Caller, Portcullis, ServiceError};

/// What one round of periodic vetting did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct VettingRound {
    pub domains_checked: usize,
    pub rescreen: RescreenReport,
}

impl Portcullis {
    /// Re-verifies every standing partner's domain and re-screens every
    /// standing partner against the whole of the loaded watchlists.
    pub async fn vetting_round(&self, caller: &Caller) -> Result<VettingRound, ServiceError> {
        let mut round = VettingRound::default();
        for case in self.standing_cases().await? {
            self.reverify(caller, case).await?;
            round.domains_checked += 1;
        }
        let index = self.vetting.watchlists();
        round.rescreen = self
            .rescreen_with(caller, &index.screener, &BTreeSet::new(), true)
            .await?;
        Ok(round)
    }
}
