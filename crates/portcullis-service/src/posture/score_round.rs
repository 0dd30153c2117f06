//! The daily score round: once per UTC day (on the first sweep of the day
//! on each node), every partner's security score is computed and kept, so
//! the history has a point a day even for partners nobody looked at.

use std::sync::atomic::Ordering;

use portcullis_domain::{PageRequest, TenantKind, day_of};

use crate::{Portcullis, ServiceError};

impl Portcullis {
    /// Computes and keeps every partner's score, unless this node already
    /// did today; returns how many partners were scored.
    pub(crate) async fn score_round(&self) -> Result<usize, ServiceError> {
        let today = day_of(self.clock.now());
        let last = &self.tightening.scored_day;
        if last.swap(today, Ordering::SeqCst) == today {
            return Ok(0);
        }
        let mut scored = 0;
        let mut page = PageRequest::first(PageRequest::MAX_LIMIT);
        loop {
            let found = self
                .store
                .list_tenants(Some(TenantKind::Partner), &page)
                .await?;
            for tenant in &found.items {
                self.compute_score(tenant.id).await?;
                scored += 1;
            }
            match found.next {
                Some(next) => page = PageRequest::new(Some(PageRequest::MAX_LIMIT), Some(next))?,
                None => break,
            }
        }
        Ok(scored)
    }
}
