//! `portcullis serve`: the server, its background work on their own
//! runtime, and its clean stop.

use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context as _;
use portcullis_domain::{PageRequest, SystemClock};
use portcullis_service::{Caller, Portcullis, WorkerSchedule};
use portcullis_store::{Store, TokenStore};

use crate::config::Config;
use crate::{integrity, open_or_create, partitioned};

/// On a database without tokens, prints a one-time console sign-in link for
/// a first operator (standard output, like a minted token's secret).
async fn first_operator_link(
    portcullis: &Portcullis,
    scheme: &str,
    address: std::net::SocketAddr,
) -> anyhow::Result<()> {
    let program = std::env::args()
        .next()
        .unwrap_or_else(|| "portcullis".to_owned());
    tracing::warn!(
        "no API tokens exist yet: sign in with the link below, or create a token with `{program} token create --kind operator`"
    );
    let link = portcullis
        .create_sign_in_link(&Caller::local_operator())
        .await
        .context("cannot make a sign-in link")?;
    println!(
        "first operator sign-in link (works once, for {} minutes): {scheme}://{address}/sign-in/link/{link}",
        portcullis_service::SIGN_IN_LINK_MINUTES
    );
    Ok(())
}

/// `portcullis serve`: opens (or creates) the database, loads the
/// decision index, joins the cluster, and serves until SIGTERM or Ctrl-C.
pub async fn serve(
    config: &Config,
    accept_audit_mismatch: bool,
    background: Option<tokio::runtime::Handle>,
) -> anyhow::Result<ExitCode> {
    let store = open_or_create(config).await?;
    let empty = store
        .list_tokens(&PageRequest::first(1))
        .await?
        .items
        .is_empty();
    let catalog = config.catalog()?;
    let roles = catalog.len();
    let store = Arc::new(store);
    let portcullis = Portcullis::load(store.clone(), Arc::new(SystemClock), catalog)
        .await
        .context("cannot build the decision index")?
        .with_vetting(config.vetting.clone())
        .with_posture(config.posture.clone())
        .with_event_retention_days(config.event_retention_days)
        .with_event_time_bounds(config.event_time)
        .with_detection(config.detection.clone())
        .with_decision_records(config.production.decision_records()?)
        .with_webhooks(config.production.webhooks.clone().into())
        .with_least_privilege(config.least_privilege.clone());
    let portcullis = match background {
        Some(handle) => portcullis.with_background(handle),
        None => portcullis,
    };
    let group = partitioned::join(config.nats_url.as_deref(), &config.detection, &store).await?;
    let portcullis = match &group {
        Some(joined) => portcullis.with_activity_stream(Arc::new(joined.group.publisher())),
        None => portcullis,
    };
    if group.is_some() {
        partitioned::republish(&portcullis).await;
    }
    let portcullis = integrity::armed(portcullis, config)?;
    integrity::check_at_start(&portcullis, accept_audit_mismatch).await?;
    // Cluster-wide settings stored through any node win over this file.
    let settings = portcullis
        .apply_stored_settings()
        .await
        .context("cannot read the cluster-wide settings")?;
    tracing::info!(settings, "cluster-wide settings in force");
    if let Some(dir) = &config.posture.baseline_dir {
        let reload = portcullis
            .reload_baseline(&Caller::local_operator(), None)
            .await
            .with_context(|| format!("cannot load the posture baseline `{}`", dir.display()))?;
        tracing::info!(?reload, "posture baseline loaded");
    }
    tracing::info!(roles, "decision index loaded");
    let transport = config.production.transport()?;
    let server_config = portcullis_server::ServerConfig {
        max_body_bytes: config.max_body_bytes,
        max_watchlist_bytes: config.max_watchlist_bytes,
        trusted_proxies: config.production.trusted_proxies.clone(),
    };
    // Leader or follower, known before the first request (`/readyz`).
    let place = portcullis
        .join_cluster()
        .await
        .context("cannot join the cluster")?;
    tracing::info!(?place, "joined the cluster");
    let app = portcullis_server::router(portcullis.clone(), &server_config);
    let listener = tokio::net::TcpListener::bind(&config.listen)
        .await
        .with_context(|| format!("cannot listen on `{}`", config.listen))?;
    let address = listener.local_addr()?;
    // From here a SIGTERM stops the server cleanly: a supervisor may send
    // one as soon as it reads the line below.
    let signal = portcullis_server::ShutdownSignal::listen();
    let scheme = if transport.tls.is_some() {
        "https"
    } else {
        "http"
    };
    tracing::info!(
        backend = %store.backend(),
        database = %config.redacted_database_url(),
        decision_records = ?portcullis.decision_records(),
        "portcullis listening on {scheme}://{address}"
    );
    if empty {
        first_operator_link(&portcullis, scheme, address).await?;
    }
    // Follow commits of other nodes (PostgreSQL NOTIFY, with a slow poll).
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let nats = match &config.nats_url {
        None => None,
        Some(url) => {
            let nats = portcullis_server::nats::NatsConfig::new(url.clone());
            let bound = portcullis_server::nats::consumer(&nats)
                .await
                .with_context(|| format!("cannot consume activity events from `{url}`"))?;
            tracing::info!(%url, stream = %nats.stream, durable = %nats.durable, "consuming activity events from NATS");
            let app = portcullis.clone();
            let stop = stop_rx.clone();
            Some(portcullis.spawn_background(async move {
                let stopped = async move {
                    let mut stop = stop;
                    let _ = stop.changed().await;
                };
                if let Err(err) = portcullis_server::nats::consume(app, bound, stopped).await {
                    tracing::error!(%err, "NATS consumption stopped");
                }
            }))
        }
    };
    let detection_group = group.and_then(|joined| {
        let owner = format!("{address}/{}", std::process::id());
        joined.spawn(portcullis.clone(), owner, stop_rx.clone())
    });
    // The background workers: follow commits of other nodes, the sweep,
    // periodic vetting, detection and containment, webhook delivery and the
    // posture round.
    let schedule = WorkerSchedule {
        vetting: config.vetting.round_interval(),
        posture: config.posture.round_interval(),
        ..WorkerSchedule::default()
    };
    let workers = {
        let mut stop = stop_rx.clone();
        portcullis.spawn_background(portcullis.clone().run_workers(schedule, async move {
            let _ = stop.changed().await;
        }))
    };
    let shutdown = async move {
        signal.received().await;
        let _ = stop_tx.send(true);
    };
    portcullis_server::serve_with(listener, app, &transport, shutdown).await?;
    let _ = workers.await;
    for task in [nats, detection_group].into_iter().flatten() {
        let _ = task.await;
    }
    portcullis.flush_events().await;
    if let Err(err) = portcullis.final_checkpoint().await {
        tracing::error!(%err, "cannot sign the final audit checkpoint");
    }
    store.close().await;
    tracing::info!("stopped");
    Ok(ExitCode::SUCCESS)
}
