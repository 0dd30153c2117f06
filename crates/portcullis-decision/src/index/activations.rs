//! Running activations by (user, assignment), their windows inline.

use portcullis_domain::{
    Activation, ActivationId, ActivationStatus, AssignmentId, Timestamp, UserId,
};
use smallvec::SmallVec;

use super::HashMap;

/// An activation that grants from `starts` (inclusive) to `ends` (exclusive).
#[derive(Debug, Clone, Copy)]
struct Window {
    id: ActivationId,
    starts: Timestamp,
    ends: Timestamp,
}

#[derive(Debug, Clone, Default)]
pub(super) struct Activations {
    /// Only activations whose status is active and whose window is set:
    /// no other can grant ([`Activation::is_active_at`]).
    windows: HashMap<(UserId, AssignmentId), SmallVec<[Window; 1]>>,
    /// Every activation indexed, and where its window is.
    key_of: HashMap<ActivationId, (UserId, AssignmentId)>,
}

impl Activations {
    pub(super) fn count(&self) -> usize {
        self.key_of.len()
    }

    pub(super) fn upsert(&mut self, activation: &Activation) {
        self.remove(activation.id);
        let key = (activation.user_id, activation.assignment_id);
        self.key_of.insert(activation.id, key);
        let (ActivationStatus::Active, Some(starts), Some(ends)) =
            (activation.status, activation.starts_at, activation.ends_at)
        else {
            return;
        };
        self.windows.entry(key).or_default().push(Window {
            id: activation.id,
            starts,
            ends,
        });
    }

    pub(super) fn remove(&mut self, id: ActivationId) {
        let Some(key) = self.key_of.remove(&id) else {
            return;
        };
        if let Some(windows) = self.windows.get_mut(&key) {
            windows.retain(|w| w.id != id);
            if windows.is_empty() {
                self.windows.remove(&key);
            }
        }
    }

    /// The user's activations of the assignment that grant at `now`.
    pub(super) fn active_at(
        &self,
        user: UserId,
        assignment: AssignmentId,
        now: Timestamp,
    ) -> impl Iterator<Item = ActivationId> + '_ {
        self.windows
            .get(&(user, assignment))
            .map(SmallVec::as_slice)
            .unwrap_or_default()
            .iter()
            .filter(move |w| w.starts <= now && now < w.ends)
            .map(|w| w.id)
    }
}
