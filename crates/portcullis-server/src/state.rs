use std::sync::Arc;

use portcullis_service::Portcullis;

use crate::observe::Metrics;

/// What every handler can reach.
#[derive(Debug, Clone)]
pub struct AppState {
    pub portcullis: Portcullis,
    pub metrics: Arc<Metrics>,
}
