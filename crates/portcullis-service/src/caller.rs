use portcullis_domain::{Principal, Timestamp};
use portcullis_store::AuditContext;

/// An authenticated request: who, from where, under which request id.
#[derive(Debug, Clone)]
pub struct Caller {
    pub principal: Principal,
    pub source_ip: Option<String>,
    pub request_id: Option<String>,
}

impl Caller {
    pub fn new(principal: Principal) -> Self {
        Self {
            principal,
            source_ip: None,
            request_id: None,
        }
    }

    /// The operator at the local command line.
    pub fn local_operator() -> Self {
        Self::new(Principal::local_operator())
    }

    /// Portcullis itself, doing background work (audited as `system`).
    pub fn system() -> Self {
        Self::new(Principal::system())
    }

    pub(crate) fn audit(&self, at: Timestamp) -> AuditContext {
        AuditContext::new(
            &self.principal,
            at,
            self.source_ip.clone(),
            self.request_id.clone(),
        )
    }
}
