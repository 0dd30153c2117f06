//! One leader for the cluster's background work: three `portcullis serve`
//! processes on one PostgreSQL database elect one leader; when it is killed
//! (SIGKILL) in the middle of a sweep, another node leads within ten
//! seconds and finishes the sweep, and no relationship expires twice; a
//! leader stopped cleanly hands over at once.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use portcullis_domain::{
    AuditOperation, IsoDuration, NewTenant, Principal, Relationship, RelationshipTerms,
    RoleCatalog, RoleId, TenantId, TenantKind, Timestamp, relationship_name,
};
use portcullis_store::{AccessChange, AccessStore, AuditContext, LeaseKey, SqlStore, TenantStore};
use serde_json::Value;

use crate::support::{Served, portcullis};

/// Relationships that ended long ago and are still stored as active: the
/// first sweep expires each of them, one transaction apiece.
const EXPIRED: usize = 400;
const HELPDESK_ADMIN: &str = "729827e3-9c14-49f7-bb1b-9608f156bbb8";
const FAILOVER_WITHIN: Duration = Duration::from_secs(10);

fn ms(at: i64) -> Timestamp {
    Timestamp::from_unix_millis(at)
}

async fn seed_expired(url: &str) -> SqlStore {
    let store = SqlStore::open(url).await.unwrap();
    let ctx = AuditContext::new(&Principal::local_operator(), ms(1_000), None, None);
    let tenant = |kind, name: &str| NewTenant {
        id: TenantId::generate(),
        kind,
        display_name: portcullis_domain::DisplayName::parse(name).unwrap(),
    };
    let partner = store
        .create_tenant(&ctx, tenant(TenantKind::Partner, "Contoso"))
        .await
        .unwrap();
    let customer = store
        .create_tenant(&ctx, tenant(TenantKind::Customer, "Fabrikam"))
        .await
        .unwrap();
    let terms = || RelationshipTerms {
        roles: [RoleId::parse(HELPDESK_ADMIN).unwrap()].into(),
        duration: IsoDuration::parse("P1D").unwrap(),
        auto_extend_duration: IsoDuration::parse("PT0S").unwrap(),
    };
    let all: Vec<AccessChange> = (0..EXPIRED)
        .map(|n| {
            // Approved on the second day of 1970 for one day: long expired.
            let mut r = Relationship::create(
                partner.id,
                customer.id,
                relationship_name(&format!("Expired {n}")).unwrap(),
                terms(),
                &RoleCatalog::default_entra(),
                ms(86_400_000),
            )
            .unwrap();
            r.request_approval(ms(86_400_000)).unwrap();
            r.approve(ms(86_400_000)).unwrap();
            AccessChange::Relationship {
                operation: AuditOperation::RelationshipCreate,
                before: None,
                after: Some(r),
            }
        })
        .collect();
    for batch in all.chunks(200) {
        store.apply(&ctx, batch.to_vec()).await.unwrap();
    }
    store
}

/// The `relationship.expire` records: (all, distinct relationships).
async fn expiries(store: &SqlStore) -> (i64, i64) {
    let row: (i64, i64) = sqlx::query_as(
        "SELECT count(*), count(DISTINCT target_id) FROM audit_log WHERE operation = 'relationship.expire'",
    )
    .fetch_one(store.pool())
    .await
    .unwrap();
    row
}

async fn readiness(client: &reqwest::Client, node: &Served) -> Option<Value> {
    let response = client
        .get(format!("{}/readyz", node.base))
        .send()
        .await
        .ok()?;
    if !response.status().is_success() {
        return None;
    }
    response.json().await.ok()
}

/// The value of an unlabelled gauge in a node's `/metrics`.
async fn gauge(client: &reqwest::Client, node: &Served, name: &str) -> Option<i64> {
    let text = client
        .get(format!("{}/metrics", node.base))
        .send()
        .await
        .ok()?
        .text()
        .await
        .ok()?;
    text.lines()
        .find_map(|line| line.strip_prefix(name)?.strip_prefix(' '))
        .and_then(|value| value.trim().parse().ok())
}

/// The index of the one node among `nodes` that says it leads, once exactly
/// one does and every other one says it follows.
async fn the_leader(client: &reqwest::Client, nodes: &[&Served]) -> Option<usize> {
    let mut leaders = Vec::new();
    for (i, node) in nodes.iter().enumerate() {
        let ready = readiness(client, node).await?;
        assert_eq!(ready["membership"], "joined", "{ready}");
        if ready["leader"] == true {
            leaders.push(i);
        }
    }
    match leaders.as_slice() {
        [one] => Some(*one),
        _ => None,
    }
}

#[tokio::test]
async fn killing_the_leader_mid_sweep_elects_another_within_ten_seconds_and_expires_each_relationship_once()
 {
    let Some(db) = portcullis_testkit::TestDb::postgres().await else {
        return;
    };
    let store = seed_expired(db.url()).await;
    // The test holds the leader's lease while the nodes start, so that all
    // three follow until it lets go and the sweep starts with all of them up.
    let held = store.try_lease(LeaseKey::LEADER).await.unwrap().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let start = || {
        let mut cmd = portcullis(dir.path());
        cmd.args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--database-url",
            db.url(),
        ]);
        Served::start(cmd)
    };
    let mut nodes: Vec<Served> = (0..3).map(|_| start()).collect();
    let client = reqwest::Client::new();
    for node in &nodes {
        let deadline = Instant::now() + Duration::from_secs(10);
        let ready = loop {
            if let Some(ready) = readiness(&client, node).await {
                break ready;
            }
            assert!(Instant::now() < deadline, "a node never joined");
            tokio::time::sleep(Duration::from_millis(20)).await;
        };
        assert_eq!(ready["leader"], false, "{ready}");
        assert_eq!(gauge(&client, node, "portcullis_leader").await, Some(0));
    }
    assert_eq!(expiries(&store).await, (0, 0), "no follower sweeps");
    held.release().await.unwrap();

    // One leader; it starts sweeping at once.
    let deadline = Instant::now() + Duration::from_secs(10);
    let leader = loop {
        if let Some(i) = the_leader(&client, &nodes.iter().collect::<Vec<_>>()).await {
            break i;
        }
        assert!(Instant::now() < deadline, "no single leader was elected");
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert_eq!(
        gauge(&client, &nodes[leader], "portcullis_leader").await,
        Some(1)
    );
    for (i, node) in nodes.iter().enumerate() {
        if i != leader {
            assert_eq!(gauge(&client, node, "portcullis_leader").await, Some(0));
        }
    }

    // Mid-round: some relationships are expired, not all.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let (done, _) = expiries(&store).await;
        assert!(
            usize::try_from(done).unwrap() < EXPIRED,
            "the sweep ended before the leader could be killed"
        );
        if done > 0 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the leader never started sweeping"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let mut dead = nodes.remove(leader);
    dead.child.kill().unwrap();
    let killed = Instant::now();
    dead.child.wait().unwrap();
    let (at_kill, _) = expiries(&store).await;

    // Another node leads within ten seconds.
    let survivors: Vec<&Served> = nodes.iter().collect();
    let successor = loop {
        if let Some(i) = the_leader(&client, &survivors).await {
            break i;
        }
        assert!(
            killed.elapsed() < FAILOVER_WITHIN,
            "no node took over within {FAILOVER_WITHIN:?} of the leader's death"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let failover = killed.elapsed();
    eprintln!(
        "failover: node {successor} leads {} ms after the leader was killed ({at_kill} of {EXPIRED} expired at the kill)",
        failover.as_millis()
    );
    assert_eq!(
        gauge(&client, survivors[successor], "portcullis_leader").await,
        Some(1)
    );

    // The new leader finishes the sweep; each relationship expired once.
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let (all, distinct) = expiries(&store).await;
        assert_eq!(all, distinct, "a relationship expired twice");
        if usize::try_from(all).unwrap() == EXPIRED {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the new leader did not finish the sweep: {all} of {EXPIRED}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let still_active: BTreeSet<String> =
        sqlx::query_scalar("SELECT id FROM relationships WHERE status <> 'expired'")
            .fetch_all(store.pool())
            .await
            .unwrap()
            .into_iter()
            .collect();
    assert!(still_active.is_empty(), "{still_active:?}");

    // A leader stopped cleanly hands over at once: it releases the lease.
    let stopped = nodes.remove(successor);
    let (clean, log) = stopped.terminate();
    assert!(clean, "{log}");
    let handed = Instant::now();
    while the_leader(&client, &[&nodes[0]]).await != Some(0) {
        assert!(
            handed.elapsed() < FAILOVER_WITHIN,
            "the last node did not take over from a leader that stopped cleanly"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    eprintln!(
        "handover: the last node leads {} ms after the leader stopped",
        handed.elapsed().as_millis()
    );

    for served in nodes {
        let (clean, log) = served.terminate();
        assert!(clean, "{log}");
    }
    store.close().await;
}

#[tokio::test]
async fn a_single_node_on_sqlite_is_always_the_leader() {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = portcullis(dir.path());
    cmd.args(["serve", "--listen", "127.0.0.1:0"]);
    let served = Served::start(cmd);
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(10);
    let ready = loop {
        if let Some(ready) = readiness(&client, &served).await {
            break ready;
        }
        assert!(Instant::now() < deadline, "the node never became ready");
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert_eq!(ready["membership"], "joined", "{ready}");
    assert_eq!(ready["leader"], true, "{ready}");
    assert_eq!(gauge(&client, &served, "portcullis_leader").await, Some(1));
    let (clean, log) = served.terminate();
    assert!(clean, "{log}");
}
