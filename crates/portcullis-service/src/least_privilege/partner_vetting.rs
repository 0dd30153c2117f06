//! The partner's vetting state in the decision index: whether it is
//! authorized, and — for detection's context — whether a case of it is
//! suspended (by an operator, a re-screen or a partner containment) rather
//! than never approved or revoked. Read from the store after each vetting
//! change, on this node and, through the change feed, on every other.

use portcullis_domain::vetting::{CaseFilter, CaseState};
use portcullis_domain::{PageRequest, TenantId};

use crate::{Portcullis, ServiceError};

impl Portcullis {
    /// Re-reads `tenant`'s authorization and suspended cases into the index.
    pub(crate) async fn refresh_partner_vetting(
        &self,
        tenant: TenantId,
    ) -> Result<(), ServiceError> {
        let authorized = self.store.partner_authorized(tenant).await?;
        let suspended = !authorized
            && !self
                .store
                .list_cases(
                    &CaseFilter {
                        tenant_id: Some(tenant),
                        state: Some(CaseState::Suspended),
                    },
                    &PageRequest::first(1),
                )
                .await?
                .items
                .is_empty();
        self.decisions.update(|index| {
            index.set_authorized(tenant, authorized);
            index.set_vetting_suspended(tenant, suspended);
        });
        Ok(())
    }

    /// Marks every partner with a suspended case (after a rebuild from the
    /// snapshot, which knows authorization only).
    pub(crate) async fn load_suspended_partners(&self) -> Result<(), ServiceError> {
        let filter = CaseFilter {
            tenant_id: None,
            state: Some(CaseState::Suspended),
        };
        let mut page = PageRequest::first(PageRequest::MAX_LIMIT);
        loop {
            let cases = self.store.list_cases(&filter, &page).await?;
            self.decisions.update(|index| {
                for case in &cases.items {
                    index.set_vetting_suspended(case.tenant_id, true);
                }
            });
            match cases.next {
                Some(next) => page = PageRequest::new(Some(PageRequest::MAX_LIMIT), Some(next))?,
                None => return Ok(()),
            }
        }
    }
}
