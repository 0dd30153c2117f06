use portcullis_domain::{
    Action, AssignmentId, RelationshipId, RoleId, TenantId, Timestamp, UsageCount, UsageFilter,
    UserId,
};
use portcullis_store::UsageStore;

use crate::contract;

const ROLE: &str = "fdd7a751-b60b-444a-984c-02652fe8fa1c";

fn count(
    partner: TenantId,
    assignment: AssignmentId,
    user: UserId,
    action: &str,
    day: i64,
    allowed: u64,
    last: i64,
) -> UsageCount {
    UsageCount {
        day,
        partner_tenant_id: partner,
        customer_tenant_id: TenantId::from_uuid(uuid::Uuid::nil()),
        relationship_id: RelationshipId::from_uuid(assignment.as_uuid()),
        assignment_id: assignment,
        role_id: RoleId::parse(ROLE).unwrap(),
        user_id: user,
        action: Action::parse(action).unwrap(),
        allowed,
        last_used: Timestamp::from_unix_millis(last),
    }
}

contract!(
    usage_counts_sum_per_key_and_day_and_are_read_per_window,
    |store, _db| {
        let (p, other) = (TenantId::generate(), TenantId::generate());
        let (a, b) = (AssignmentId::generate(), AssignmentId::generate());
        let user = UserId::generate();
        store
            .add_usage(&[
                count(p, a, user, "groups.update", 10, 2, 500),
                count(p, a, user, "groups.update", 11, 1, 900),
                count(other, b, user, "groups.read", 11, 7, 700),
            ])
            .await
            .unwrap();
        // A later flush of the same key and day adds; an older use does not
        // move the last use back; duplicates in one flush are merged.
        store
            .add_usage(&[
                count(p, a, user, "groups.update", 11, 3, 800),
                count(p, a, user, "groups.update", 11, 1, 950),
            ])
            .await
            .unwrap();
        let mine = UsageFilter {
            partner_tenant_id: Some(p),
            first_day: 10,
            ..UsageFilter::default()
        };
        let totals = store.usage_totals(&mine).await.unwrap();
        assert_eq!(totals.len(), 1);
        assert_eq!(
            (
                totals[0].allowed,
                totals[0].days_used,
                totals[0].last_used.unix_millis()
            ),
            (7, 2, 950)
        );
        let days = store.usage_days(&mine).await.unwrap();
        assert_eq!((days.len(), days[0].days_used), (1, 2));
        let late = UsageFilter {
            first_day: 11,
            ..mine.clone()
        };
        assert_eq!(store.usage_totals(&late).await.unwrap()[0].allowed, 5);
        let everyone = UsageFilter {
            first_day: 0,
            ..UsageFilter::default()
        };
        assert_eq!(store.usage_totals(&everyone).await.unwrap().len(), 2);

        assert_eq!(store.prune_usage(11).await.unwrap(), 1);
        assert_eq!(store.usage_totals(&mine).await.unwrap()[0].allowed, 5);
    }
);
