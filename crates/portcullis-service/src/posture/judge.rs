//! From a report (or the passing of time) to the partner's next posture
//! state. Pure: the caller supplies the time and the previous state.

use portcullis_domain::PartnerPosture;
use portcullis_domain::PostureStanding;
use portcullis_domain::{RecordId, TenantId, Timestamp};
use portcullis_posture::{PostureState, Report, posture_state};

/// What a new state is derived from: the snapshot and its report.
pub(crate) struct Evidence<'a> {
    pub(crate) tenant: TenantId,
    pub(crate) snapshot_id: RecordId,
    pub(crate) snapshot_taken_at: Timestamp,
    pub(crate) report_id: RecordId,
    pub(crate) report: &'a Report,
}

/// The partner's state after `evidence` at `now`. A run of non-compliance
/// that `previous` had begun goes on (its grace period does not restart);
/// a compliant report ends it.
pub(crate) fn next_state(
    previous: Option<&PartnerPosture>,
    evidence: &Evidence<'_>,
    now: Timestamp,
    config: &portcullis_posture::PostureConfig,
) -> PartnerPosture {
    let since = previous
        .filter(|p| p.state != PostureStanding::Compliant)
        .and_then(|p| p.noncompliant_since);
    let state = posture_state(
        evidence.report,
        since.map(Timestamp::to_offset_date_time),
        now.to_offset_date_time(),
        config,
    );
    let began = since.unwrap_or(now);
    let (standing, failing, noncompliant_since, grace_ends_at) = match state {
        PostureState::Compliant => (PostureStanding::Compliant, Vec::new(), None, None),
        PostureState::Noncompliant {
            failing,
            grace_ends_at,
        } => (
            PostureStanding::Noncompliant,
            failing,
            Some(began),
            Some(Timestamp::from_offset_date_time(grace_ends_at)),
        ),
        PostureState::Suspended { failing } => {
            (PostureStanding::Suspended, failing, Some(began), None)
        }
    };
    PartnerPosture {
        tenant_id: evidence.tenant,
        state: standing,
        failing,
        noncompliant_since,
        grace_ends_at,
        snapshot_id: evidence.snapshot_id,
        snapshot_taken_at: evidence.snapshot_taken_at,
        report_id: evidence.report_id,
        baseline_version: evidence.report.baseline_version.clone(),
        updated_at: now,
        version: previous.map_or(1, |p| p.version + 1),
    }
}

/// The suspended state of a non-compliant partner whose grace period has
/// ended at `now`; `None` when time changes nothing.
pub(crate) fn grace_over(previous: &PartnerPosture, now: Timestamp) -> Option<PartnerPosture> {
    match (previous.state, previous.grace_ends_at) {
        (PostureStanding::Noncompliant, Some(end)) if now >= end => Some(PartnerPosture {
            state: PostureStanding::Suspended,
            grace_ends_at: None,
            updated_at: now,
            version: previous.version + 1,
            ..previous.clone()
        }),
        _ => None,
    }
}

/// Whether a compliant partner's snapshot is stale at `now` (older than
/// `stale_after`, as the freshness requirement judges it).
pub(crate) fn is_stale(
    previous: &PartnerPosture,
    now: Timestamp,
    config: &portcullis_posture::PostureConfig,
) -> bool {
    previous.state == PostureStanding::Compliant
        && now.to_offset_date_time() - previous.snapshot_taken_at.to_offset_date_time()
            > config.stale_after
}
