//! The signals that stop a server: SIGINT (Ctrl-C) and SIGTERM.
//!
//! They are listened for from the moment [`ShutdownSignal::listen`] is
//! called, not from the first poll of the future that waits for them: a
//! supervisor (or a test) that sends SIGTERM as soon as the server says it
//! is listening must get a clean stop, not the signal's default action of
//! ending the process at once with nothing flushed.

/// Listens for SIGINT and SIGTERM from its creation.
#[derive(Debug)]
pub struct ShutdownSignal {
    #[cfg(unix)]
    interrupt: Option<tokio::signal::unix::Signal>,
    #[cfg(unix)]
    terminate: Option<tokio::signal::unix::Signal>,
}

#[cfg(unix)]
fn listen_for(
    kind: tokio::signal::unix::SignalKind,
    name: &str,
) -> Option<tokio::signal::unix::Signal> {
    match tokio::signal::unix::signal(kind) {
        Ok(signal) => Some(signal),
        Err(err) => {
            tracing::error!(%err, "cannot listen for {name}");
            None
        }
    }
}

#[cfg(unix)]
async fn received(signal: Option<tokio::signal::unix::Signal>) {
    match signal {
        Some(mut signal) => {
            signal.recv().await;
        }
        None => std::future::pending::<()>().await,
    }
}

impl ShutdownSignal {
    /// Starts listening now (call it within the runtime, before telling
    /// anyone the server is up).
    #[cfg(unix)]
    pub fn listen() -> Self {
        use tokio::signal::unix::SignalKind;
        Self {
            interrupt: listen_for(SignalKind::interrupt(), "Ctrl-C"),
            terminate: listen_for(SignalKind::terminate(), "SIGTERM"),
        }
    }

    /// Starts listening (Ctrl-C only, from the first poll, off Unix).
    #[cfg(not(unix))]
    pub fn listen() -> Self {
        Self {}
    }

    /// Completes once either signal has arrived since [`Self::listen`].
    pub async fn received(self) {
        #[cfg(unix)]
        tokio::select! {
            () = received(self.interrupt) => {},
            () = received(self.terminate) => {},
        }
        #[cfg(not(unix))]
        if let Err(err) = tokio::signal::ctrl_c().await {
            tracing::error!(%err, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
        tracing::info!("shutting down: finishing requests in flight");
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_signal_sent_before_anyone_waits_is_not_lost() {
        let signal = ShutdownSignal::listen();
        // SIGINT to this test process: with the listener registered, it is
        // queued for `received` rather than ending the process.
        let sent = std::process::Command::new("kill")
            .args(["-INT", &std::process::id().to_string()])
            .status()
            .unwrap();
        assert!(sent.success());
        tokio::time::timeout(std::time::Duration::from_secs(10), signal.received())
            .await
            .expect("the signal sent before waiting is received");
    }
}
