//! Role usage: flushing this node's counters to the store, and the usage
//! reports read from the stored counters.

use std::collections::HashMap;

use portcullis_domain::{
    AccessAssignment, AssignmentId, PageRequest, Relationship, RelationshipFilter, RelationshipId,
    RelationshipUsage, RoleId, TenantId, UsageFilter, UsageReport, UsageTotal, UsageWindow,
    ValidationError, day_of,
};

use super::usage_report::relationship_usage;
use crate::caller_rules::{self, TenantScope};
use crate::{Caller, Portcullis, ServiceError};

/// The most relationships one usage report covers.
pub const MAX_REPORT_RELATIONSHIPS: usize = 1_000;

/// Which relationships a usage report covers.
#[derive(Debug, Clone, Copy, Default)]
pub struct UsageQuery {
    pub partner_tenant_id: Option<TenantId>,
    pub customer_tenant_id: Option<TenantId>,
}

/// What one flush wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct UsageFlush {
    /// Counters (key and day) written.
    pub keys: usize,
}

impl Portcullis {
    /// Adds this node's usage counters to the store; on failure they are
    /// kept for the next flush.
    pub async fn flush_usage(&self) -> Result<UsageFlush, ServiceError> {
        let tracker = self.decisions.usage();
        let counts = tracker.drain();
        if counts.is_empty() {
            return Ok(UsageFlush::default());
        }
        let keys = counts.len();
        if let Err(err) = self.store.add_usage(&counts).await {
            tracker.restore(counts);
            return Err(err.into());
        }
        Ok(UsageFlush { keys })
    }

    /// Every assignment of `relationship`, all pages.
    pub(crate) async fn all_assignments(
        &self,
        relationship: RelationshipId,
    ) -> Result<Vec<AccessAssignment>, ServiceError> {
        let mut out = Vec::new();
        let mut page = PageRequest::first(PageRequest::MAX_LIMIT);
        loop {
            let found = self.store.list_assignments(relationship, &page).await?;
            out.extend(found.items);
            match found.next {
                Some(next) => page = PageRequest::new(Some(PageRequest::MAX_LIMIT), Some(next))?,
                None => return Ok(out),
            }
        }
    }

    /// The usage of the relationships the caller may see over `window`:
    /// operators any, partner admins their partner's, customer admins
    /// those in their tenant. A filter naming another tenant finds nothing.
    pub async fn usage_report(
        &self,
        caller: &Caller,
        query: UsageQuery,
        window: UsageWindow,
    ) -> Result<UsageReport, ServiceError> {
        let mut filter = RelationshipFilter {
            partner_tenant_id: query.partner_tenant_id,
            customer_tenant_id: query.customer_tenant_id,
            ..RelationshipFilter::default()
        };
        let foreign = match caller_rules::tenant_scope(&caller.principal, "read role usage")? {
            TenantScope::All => false,
            TenantScope::Partner(own) => {
                let foreign = filter.partner_tenant_id.is_some_and(|p| p != own);
                filter.partner_tenant_id = Some(own);
                foreign
            }
            TenantScope::Customer(own) => {
                let foreign = filter.customer_tenant_id.is_some_and(|c| c != own);
                filter.customer_tenant_id = Some(own);
                foreign
            }
        };
        let now = self.clock.now();
        let mut report = UsageReport {
            window_days: window.days(),
            since: window.since(now),
            items: Vec::new(),
        };
        if foreign {
            return Ok(report);
        }
        let relationships = self.relationships_matching(&filter).await?;
        let usage = UsageFilter {
            partner_tenant_id: filter.partner_tenant_id,
            customer_tenant_id: filter.customer_tenant_id,
            relationship_id: None,
            first_day: window.first_day(now),
        };
        report.items = self.usage_of(&relationships, &usage).await?;
        Ok(report)
    }

    /// The usage of one relationship, for a party of it (or an operator).
    pub async fn relationship_usage(
        &self,
        caller: &Caller,
        id: RelationshipId,
        window: UsageWindow,
    ) -> Result<RelationshipUsage, ServiceError> {
        let (relationship, _side) = self.relationship_for(caller, id).await?;
        let usage = UsageFilter {
            relationship_id: Some(id),
            first_day: window.first_day(self.clock.now()),
            ..UsageFilter::default()
        };
        let mut found = self.usage_of(&[relationship], &usage).await?;
        found
            .pop()
            .ok_or_else(|| ServiceError::Internal("a usage report lost its relationship".into()))
    }

    /// Every relationship matching `filter`, at most [`MAX_REPORT_RELATIONSHIPS`].
    async fn relationships_matching(
        &self,
        filter: &RelationshipFilter,
    ) -> Result<Vec<Relationship>, ServiceError> {
        let mut out = Vec::new();
        let mut page = PageRequest::first(PageRequest::MAX_LIMIT);
        loop {
            let found = self.store.list_relationships(filter, &page).await?;
            out.extend(found.items);
            if out.len() > MAX_REPORT_RELATIONSHIPS {
                return Err(ValidationError::new(
                    "partner_tenant_id",
                    format!(
                        "more than {MAX_REPORT_RELATIONSHIPS} relationships match; \
                         name a partner_tenant_id or customer_tenant_id"
                    ),
                )
                .into());
            }
            match found.next {
                Some(next) => page = PageRequest::new(Some(PageRequest::MAX_LIMIT), Some(next))?,
                None => return Ok(out),
            }
        }
    }

    /// The reports of `relationships` from the counters `usage` selects
    /// (this node's counters flushed first, so the report includes them).
    pub(crate) async fn usage_of(
        &self,
        relationships: &[Relationship],
        usage: &UsageFilter,
    ) -> Result<Vec<RelationshipUsage>, ServiceError> {
        self.flush_usage().await?;
        let totals = self.store.usage_totals(usage).await?;
        let days: HashMap<(AssignmentId, RoleId), u32> = self
            .store
            .usage_days(usage)
            .await?
            .into_iter()
            .map(|d| ((d.assignment_id, d.role_id), d.days_used))
            .collect();
        let mut by_relationship: HashMap<RelationshipId, Vec<&UsageTotal>> = HashMap::new();
        for t in &totals {
            by_relationship
                .entry(t.relationship_id)
                .or_default()
                .push(t);
        }
        let mut out = Vec::with_capacity(relationships.len());
        for relationship in relationships {
            let assignments = self.all_assignments(relationship.id).await?;
            let totals = by_relationship.remove(&relationship.id).unwrap_or_default();
            out.push(relationship_usage(
                relationship,
                &assignments,
                &totals,
                &days,
                &self.decisions.catalog(),
            ));
        }
        Ok(out)
    }
}

/// Today's day number, for pruning.
pub(crate) fn oldest_kept_day(now: portcullis_domain::Timestamp) -> i64 {
    day_of(now) - i64::from(portcullis_domain::MAX_USAGE_WINDOW_DAYS)
}
