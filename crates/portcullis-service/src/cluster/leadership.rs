//! One leader for the cluster's background work.
//!
//! The leader is the node holding the store's [`LeaseKey::LEADER`] lease (a
//! PostgreSQL session advisory lock on a connection of its own; on SQLite
//! the one node always holds it). The leadership worker runs
//! [`Portcullis::campaign`] every second: a follower tries to take the
//! lease, the leader confirms it still holds it. When the leader dies its
//! connection ends, the server releases the lock, and the next follower to
//! try takes it — within about a second of the death (on a vanished host,
//! within the lease connection's keepalive, about ten seconds).
//!
//! The leader-only workers (sweep, vetting, posture, webhooks) skip their
//! runs on a follower and start a run at once when their node is elected.
//! A round that was running when leadership was lost finishes; its effects
//! are safe against a new leader's round because each is a transaction that
//! checks the version it read (a relationship expires once), is keyed (a
//! webhook delivery is claimed before it is sent) or is idempotent.

use std::time::Duration;

use portcullis_store::LeaseKey;

use super::Membership;
use crate::{Portcullis, ServiceError};

/// How long the leader waits for the server to confirm its lease before
/// giving it up.
const CONFIRM_WITHIN: Duration = Duration::from_secs(2);

/// What one leadership run did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Campaign {
    /// This node took the lease: it leads from now on.
    Elected,
    /// This node leads and still holds the lease.
    Leading,
    /// This node lost the lease (its connection failed or the server
    /// released it): it follows from now on.
    Deposed,
    /// Another node leads.
    Following,
}

impl Portcullis {
    /// One leadership run: take the lease or confirm it (see the module).
    pub async fn campaign(&self) -> Result<Campaign, ServiceError> {
        let node = &self.cluster;
        let mut lease = node.lease.lock().await;
        let outcome = match lease.as_mut() {
            Some(held) => {
                let confirmed = tokio::time::timeout(CONFIRM_WITHIN, held.confirm()).await;
                match confirmed {
                    Ok(Ok(())) => Campaign::Leading,
                    Ok(Err(err)) => {
                        tracing::error!(%err, node = %node.id, "leadership lost");
                        *lease = None;
                        Campaign::Deposed
                    }
                    Err(_) => {
                        tracing::error!(node = %node.id, "leadership lost: the lease was not confirmed in time");
                        *lease = None;
                        Campaign::Deposed
                    }
                }
            }
            None => match self.store.try_lease(LeaseKey::LEADER).await? {
                Some(taken) => {
                    *lease = Some(taken);
                    tracing::info!(node = %node.id, "elected leader");
                    Campaign::Elected
                }
                None => Campaign::Following,
            },
        };
        node.leader.send_replace(lease.is_some());
        node.set_membership(Membership::Joined);
        Ok(outcome)
    }

    /// Joins the cluster before serving: one leadership run, after which
    /// the node knows whether it leads and `/readyz` answers ready.
    pub async fn join_cluster(&self) -> Result<Campaign, ServiceError> {
        self.cluster.set_membership(Membership::Joining);
        self.campaign().await
    }

    /// Gives the lease up (at shutdown), so that another node leads at once.
    pub async fn resign(&self) {
        let held = self.cluster.lease.lock().await.take();
        self.cluster.leader.send_replace(false);
        if let Some(lease) = held
            && let Err(err) = lease.release().await
        {
            tracing::warn!(%err, "leadership not released cleanly");
        }
    }
}
