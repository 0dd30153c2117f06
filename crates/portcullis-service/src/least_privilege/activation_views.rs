//! Reading the just-in-time activations of one assignment, for a party of
//! its relationship (the console's activation page lists them).

use portcullis_domain::{
    Activation, ActivationFilter, AssignmentId, Page, PageRequest, RelationshipId,
};

use crate::{Caller, Portcullis, ServiceError};

impl Portcullis {
    /// The activations of an assignment, in id (creation) order; 404 for
    /// anyone who is not a party of its relationship.
    pub async fn list_activations(
        &self,
        caller: &Caller,
        relationship: RelationshipId,
        assignment: AssignmentId,
        page: &PageRequest,
    ) -> Result<Page<Activation>, ServiceError> {
        self.get_assignment(caller, relationship, assignment)
            .await?;
        let filter = ActivationFilter {
            assignment_id: Some(assignment),
            user_id: None,
        };
        Ok(self.store.list_activations(&filter, page).await?)
    }
}
