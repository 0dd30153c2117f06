//! Where background work runs.
//!
//! A node answers decisions on its request threads. Its background work —
//! detection rounds, the decision record writer, webhook delivery, bulk
//! runs and the other workers — can hold a thread for milliseconds at a
//! time: a detection round runs hundreds of events through the engine and
//! serializes the engine's state without yielding. On a shared runtime a
//! request queued on that thread waits for it, which is the tail of the
//! decision latency under load. With a background runtime
//! ([`Portcullis::with_background`]) that work runs on threads of its own,
//! and the operating system's scheduler shares the cores between them and
//! the request threads, a few milliseconds at a time.

use std::future::Future;

use tokio::runtime::Handle;
use tokio::task::JoinHandle;

use crate::Portcullis;

/// The runtime background work is spawned on (`None`: the caller's).
#[derive(Debug, Clone, Default)]
pub(crate) struct Background(Option<Handle>);

impl Background {
    fn spawn<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        match &self.0 {
            Some(handle) => handle.spawn(future),
            None => tokio::spawn(future),
        }
    }
}

impl Portcullis {
    /// The same application, spawning its background work on `handle`'s
    /// runtime rather than on the runtime of whoever starts it.
    #[must_use]
    pub fn with_background(mut self, handle: Handle) -> Self {
        self.background = Background(Some(handle));
        self
    }

    /// Spawns `future` where this application's background work runs: the
    /// background runtime when there is one, else the current runtime.
    /// Tasks it spawns in turn (with `tokio::spawn`) run there too.
    pub fn spawn_background<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.background.spawn(future)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn thread_name() -> Option<String> {
        std::thread::current().name().map(str::to_owned)
    }

    #[test]
    fn background_work_runs_on_the_background_runtime_and_not_on_the_callers() {
        let background = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("test-background")
            .build()
            .unwrap();
        let requests = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("test-requests")
            .build()
            .unwrap();
        let spawner = Background(Some(background.handle().clone()));
        let (theirs, nested) = requests.block_on(async {
            spawner
                .spawn(async {
                    // What a background task spawns stays on its runtime.
                    let nested = tokio::spawn(async { thread_name() }).await.unwrap();
                    (thread_name(), nested)
                })
                .await
                .unwrap()
        });
        assert_eq!(theirs.as_deref(), Some("test-background"));
        assert_eq!(nested.as_deref(), Some("test-background"));
        let own = requests.block_on(async {
            Background::default()
                .spawn(async { thread_name() })
                .await
                .unwrap()
        });
        assert_eq!(own.as_deref(), Some("test-requests"));
    }
}
