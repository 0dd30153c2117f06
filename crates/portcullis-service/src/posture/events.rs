//! Posture state changes as activity events (OCSF base events), so that
//! detections and people see them next to everything partners do.

use portcullis_domain::ActivityEvent;
use portcullis_domain::PartnerPosture;
use portcullis_domain::{AuditOperation, PostureStanding};
use serde_json::json;

/// OCSF base event class: used for Portcullis' own notices.
const OCSF_BASE_EVENT: i64 = 0;

/// The event of `after` replacing `before` (`None` for a partner's first state).
pub(crate) fn state_change(
    before: Option<PostureStanding>,
    after: &PartnerPosture,
) -> ActivityEvent {
    // The uid names the change itself, so storing it twice keeps one.
    let uid = format!("portcullis:posture:{}:{}", after.tenant_id, after.version);
    let state = after.state.as_str();
    ActivityEvent {
        uid: uid.clone(),
        class_uid: OCSF_BASE_EVENT,
        time: after.updated_at,
        status_id: if after.state == PostureStanding::Compliant {
            1
        } else {
            2
        },
        partner_tenant_id: Some(after.tenant_id.to_string()),
        user_id: None,
        customer_tenant_id: None,
        operation: Some(
            AuditOperation::posture_became(after.state)
                .as_str()
                .to_owned(),
        ),
        body: json!({
            "class_uid": OCSF_BASE_EVENT,
            "time": after.updated_at.unix_millis(),
            "message": format!("partner tenant `{}` is now {state}", after.tenant_id),
            "metadata": {"uid": uid, "version": "1.1.0", "product": {"name": "Portcullis", "vendor_name": "Portcullis"}},
            "unmapped": {"portcullis": {
                "partner_tenant_id": after.tenant_id,
                "previous_state": before.map(PostureStanding::as_str),
                "state": state,
                "failing": after.failing,
                "noncompliant_since": after.noncompliant_since,
                "grace_ends_at": after.grace_ends_at,
                "baseline_version": after.baseline_version,
                "report_id": after.report_id,
            }},
        }),
    }
}

impl crate::Portcullis {
    /// After a committed state: tells the decision index when the partner
    /// is suspended and, when the state changed, emits its event. A failure
    /// to store the event is logged; the change itself stands.
    pub(crate) async fn posture_changed(
        &self,
        before: Option<PostureStanding>,
        after: &PartnerPosture,
    ) {
        let from = after.suspended_from();
        self.decisions
            .update(|index| index.set_posture_suspension(after.tenant_id, from));
        if before == Some(after.state) {
            return;
        }
        if let Err(err) = self.append_activity(&[state_change(before, after)]).await {
            tracing::error!(%err, tenant = %after.tenant_id, "cannot store a posture event");
        }
    }
}
