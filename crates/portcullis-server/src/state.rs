use std::sync::Arc;

use portcullis_service::Portcullis;

use crate::observe::Metrics;

/// What every handler can reach. Extractors and middleware clone the state
/// for every request, so it is one shared pointer, not the service's many.
#[derive(Debug, Clone)]
pub struct AppState(Arc<Shared>);

/// The state behind [`AppState`].
#[derive(Debug)]
pub struct Shared {
    pub portcullis: Portcullis,
    pub metrics: Arc<Metrics>,
}

impl AppState {
    pub fn new(portcullis: Portcullis, metrics: Arc<Metrics>) -> Self {
        Self(Arc::new(Shared {
            portcullis,
            metrics,
        }))
    }
}

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}
