use portcullis_domain::AuditFilter;
use portcullis_domain::{AuditChainBreak, AuditRecord, Page, PageRequest};

use crate::{Caller, Portcullis, ServiceError, caller_rules};

impl Portcullis {
    /// Pages through the audit log (operators only).
    pub async fn list_audit(
        &self,
        caller: &Caller,
        filter: &AuditFilter,
        page: &PageRequest,
    ) -> Result<Page<AuditRecord>, ServiceError> {
        caller_rules::require_operator(&caller.principal, "read the audit log")?;
        Ok(self.store.list_audit(filter, page).await?)
    }

    /// Walks the whole audit chain (operators only).
    pub async fn verify_audit(
        &self,
        caller: &Caller,
    ) -> Result<Result<i64, AuditChainBreak>, ServiceError> {
        caller_rules::require_operator(&caller.principal, "verify the audit log")?;
        Ok(self.store.verify_audit().await?)
    }
}
