//! Changing whether a relationship renews itself: allowed while it is
//! `created` and while it is `active` (as the GDAP API allows), under the
//! same rules as proposing it (`PT0S` or `P180D`; never with a global
//! privileged role).

use crate::{IsoDuration, Relationship, RelationshipStatus, RoleCatalog, RuleViolation, Timestamp};

impl Relationship {
    /// Sets the auto-extend duration. On an active relationship the end in
    /// force at `now` becomes its stored end first, so switching renewal off
    /// keeps the current period and switching it on renews from there.
    /// Returns whether anything changed.
    pub fn set_auto_extend(
        &mut self,
        extend: IsoDuration,
        catalog: &RoleCatalog,
        now: Timestamp,
    ) -> Result<bool, RuleViolation> {
        let status = self.status_at(now);
        if !matches!(
            status,
            RelationshipStatus::Created | RelationshipStatus::Active
        ) {
            return Err(RuleViolation::new(
                "invalid_transition",
                format!(
                    "cannot change the auto-extend duration of a relationship that is `{}`",
                    status.as_str()
                ),
            ));
        }
        if self.auto_extend_duration == extend {
            return Ok(false);
        }
        let mut terms = self.terms();
        terms.auto_extend_duration = extend;
        terms.check(catalog)?;
        if status == RelationshipStatus::Active {
            self.end_at = self.end_at_time(now);
        }
        self.auto_extend_duration = terms.auto_extend_duration;
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use crate::{DisplayName, RelationshipTerms, RoleId, TenantId};

    use super::*;

    const GLOBAL_ADMIN: &str = "62e90394-69f5-4237-9190-012177145e10";
    const GROUPS_ADMIN: &str = "fdd7a751-b60b-444a-984c-02652fe8fa1c";

    fn active(role: &str, extend: &str, at: Timestamp) -> Relationship {
        let roles: BTreeSet<RoleId> = [RoleId::parse(role).unwrap()].into();
        let mut r = Relationship::create(
            TenantId::generate(),
            TenantId::generate(),
            DisplayName::parse("r").unwrap(),
            RelationshipTerms {
                roles,
                duration: IsoDuration::parse("P1D").unwrap(),
                auto_extend_duration: IsoDuration::parse(extend).unwrap(),
            },
            &RoleCatalog::default_entra(),
            at,
        )
        .unwrap();
        r.request_approval(at).unwrap();
        r.approve(at).unwrap();
        r
    }

    #[test]
    fn switching_renewal_off_keeps_the_period_in_force() {
        let start = Timestamp::from_unix_millis(0);
        let mut r = active(GROUPS_ADMIN, "P180D", start);
        // Two days in: renewed once, now ending at 1 + 180 days.
        let now = start.saturating_add_seconds(2 * 86_400);
        let end = r.end_at_time(now);
        let changed = r
            .set_auto_extend(
                IsoDuration::parse("PT0S").unwrap(),
                &RoleCatalog::default_entra(),
                now,
            )
            .unwrap();
        assert!(changed);
        assert_eq!(r.end_at, end);
        assert!(r.is_active_at(now));
    }

    #[test]
    fn global_administrator_never_renews_and_ended_relationships_stay() {
        let start = Timestamp::from_unix_millis(0);
        let catalog = RoleCatalog::default_entra();
        let mut r = active(GLOBAL_ADMIN, "PT0S", start);
        let err = r
            .set_auto_extend(IsoDuration::parse("P180D").unwrap(), &catalog, start)
            .unwrap_err();
        assert_eq!(err.code, "global_role_auto_extend");
        let later = start.saturating_add_seconds(3 * 86_400);
        let err = r
            .set_auto_extend(IsoDuration::parse("PT0S").unwrap(), &catalog, later)
            .unwrap_err();
        assert_eq!(err.code, "invalid_transition");
        assert!(
            !r.set_auto_extend(IsoDuration::parse("PT0S").unwrap(), &catalog, start)
                .unwrap()
        );
    }
}
