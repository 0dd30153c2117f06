//! The runtimes a command runs on: one for requests (and every command
//! but `serve`), and for `serve` one for background work, so that a
//! detection round or a record writer's batch never holds up a request
//! queued behind it on the same thread (see `Portcullis::with_background`).

use std::time::Duration;

use tokio::runtime::{Builder, Runtime};

/// The name of the background runtime's threads (at most 15 bytes: what
/// Linux keeps of a thread's name, shown by `top -H` and `perf`).
pub const BACKGROUND_THREAD: &str = "portcullis-bg";

/// How long a stopping node waits for background tasks that did not stop
/// when asked.
const BACKGROUND_SHUTDOWN: Duration = Duration::from_secs(5);

/// The runtime of requests: one worker thread per core.
pub fn requests() -> std::io::Result<Runtime> {
    Builder::new_multi_thread()
        .thread_name("portcullis-req")
        .enable_all()
        .build()
}

/// The niceness of background threads: the scheduler gives a runnable
/// request thread about ten times their share of a core, so background
/// work runs in the time requests leave (and catches up when they ease)
/// rather than taking turns with them.
pub const BACKGROUND_NICENESS: i32 = 10;

/// The runtime of background work: half the cores' worth of threads, at
/// least one, each at [`BACKGROUND_NICENESS`]. The request runtime keeps
/// a thread per core.
pub fn background() -> std::io::Result<Runtime> {
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    Builder::new_multi_thread()
        .worker_threads((cores / 2).max(1))
        .thread_name(BACKGROUND_THREAD)
        .on_thread_start(lower_priority)
        .enable_all()
        .build()
}

/// Lowers the calling thread's priority to [`BACKGROUND_NICENESS`] (on
/// Linux niceness is per thread). Raising it back needs privileges; a
/// thread that cannot lower it runs at its own and says so.
fn lower_priority() {
    let thread = rustix::thread::gettid();
    if let Err(err) = rustix::process::setpriority_process(Some(thread), BACKGROUND_NICENESS) {
        tracing::warn!(%err, "cannot lower a background thread's priority");
    }
}

/// Stops the background runtime once the command is done (outside any
/// runtime: a runtime cannot be dropped from async code).
pub fn stop(background: Runtime) {
    background.shutdown_timeout(BACKGROUND_SHUTDOWN);
}
