//! Access searches for resource providers: which partner users may do an
//! action in a customer tenant now, which customer tenants a user may do it
//! in, which actions a user may do in a customer tenant. Answered from the
//! decision index, a page at a time; the caller rule is the decisions' own.
//! Searches decide nothing and record nothing: a resource provider that acts
//! on a result still asks for the decision.

use portcullis_decision::{DecisionIndex, SearchPage, SearchSession};
use portcullis_domain::{Action, TenantId, UserId};

use crate::{Caller, Portcullis, ServiceError, caller_rules};

/// The most results one page of a search may hold.
pub const MAX_SEARCH_PAGE: usize = 1_000;

/// Where a search's page starts (after the last result of the previous
/// page, if any) and how many results it may hold (at most
/// [`MAX_SEARCH_PAGE`]), in `session`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchQuery<T> {
    pub session: SearchSession,
    pub after: Option<T>,
    pub limit: usize,
}

impl Portcullis {
    /// The partner tenant of `user` as the decision index knows it; `None`
    /// for a user it does not know. Services and operators only.
    pub fn partner_of_user(
        &self,
        caller: &Caller,
        user: UserId,
    ) -> Result<Option<TenantId>, ServiceError> {
        caller_rules::may_ask_decisions(&caller.principal)?;
        self.read_index(|index| index.partner_of(user))
    }

    /// The partner users allowed `action` in `customer` now.
    pub fn search_subjects(
        &self,
        caller: &Caller,
        customer: TenantId,
        action: &Action,
        query: &SearchQuery<UserId>,
    ) -> Result<SearchPage<UserId>, ServiceError> {
        caller_rules::may_ask_decisions(&caller.principal)?;
        let now = self.clock.now();
        let limit = query.limit.min(MAX_SEARCH_PAGE);
        self.read_index(|index| {
            index.subjects_permitted(customer, action, query.session, now, query.after, limit)
        })
    }

    /// The customer tenants in which `user` is allowed `action` now.
    pub fn search_customers(
        &self,
        caller: &Caller,
        user: UserId,
        action: &Action,
        query: &SearchQuery<TenantId>,
    ) -> Result<SearchPage<TenantId>, ServiceError> {
        caller_rules::may_ask_decisions(&caller.principal)?;
        let now = self.clock.now();
        let limit = query.limit.min(MAX_SEARCH_PAGE);
        self.read_index(|index| {
            index.customers_permitted(user, action, query.session, now, query.after, limit)
        })
    }

    /// The actions `user` is allowed in `customer` now, among those the
    /// role catalog names.
    pub fn search_actions(
        &self,
        caller: &Caller,
        user: UserId,
        customer: TenantId,
        query: &SearchQuery<Action>,
    ) -> Result<SearchPage<Action>, ServiceError> {
        caller_rules::may_ask_decisions(&caller.principal)?;
        let now = self.clock.now();
        let limit = query.limit.min(MAX_SEARCH_PAGE);
        self.read_index(|index| {
            index.actions_permitted(
                user,
                customer,
                query.session,
                now,
                query.after.as_ref(),
                limit,
            )
        })
    }

    /// Reads the decision index; an error when its lock is poisoned (the
    /// searches fail closed: no results are made up).
    fn read_index<R>(&self, query: impl FnOnce(&DecisionIndex) -> R) -> Result<R, ServiceError> {
        self.decisions
            .read(query)
            .ok_or_else(|| ServiceError::Internal("the decision index lock is poisoned".to_owned()))
    }
}
