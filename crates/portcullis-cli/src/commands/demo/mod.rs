//! `portcullis demo`: a seeded ecosystem in its own database, the server
//! with sign-in links for each kind of person, and an attack replayed live
//! against it (see `docs/console.md`, "The demo").
//!
//! Seeding goes through the service's use cases, on a clock sent back to
//! the weeks being seeded ([`clock`]); the server then runs on the real
//! clock with a containment policy that contains a partner user on a
//! High-confidence finding.

mod attack;
mod clock;
mod ecosystem;
mod history;
mod names;
mod ocsf;
mod progress;
mod scale;
mod seed;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context as _;
use clap::Args;
use portcullis_domain::{Description, PrincipalKind, RoleCatalog, SystemClock, TenantId};
use portcullis_service::{
    Caller, ContainmentKind, ContainmentRule, DetectionConfig, NewToken, Portcullis, PostureConfig,
    VettingConfig, WorkerSchedule,
};
use portcullis_store::SqlStore;

use self::clock::DemoClock;
use self::ecosystem::Ecosystem;
use self::progress::Progress;
use self::scale::{Destiny, Scale};

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Address to listen on [default: 127.0.0.1:8080]; port 0 takes a free
    /// port (the address is printed).
    #[arg(long)]
    listen: Option<String>,
    /// The demo's directory, created with its database (it must not hold one
    /// yet); default: a new directory in the system's temporary directory.
    /// The demo never uses `./portcullis.db` or `--database-url`.
    #[arg(long)]
    dir: Option<PathBuf>,
    /// `full` (24 partners, about 260 customers, 30 days of activity) or
    /// `small` (every state, fewer of each, 14 days: for tests).
    #[arg(long, default_value = "full", value_parser = ["full", "small"])]
    scale: String,
}

/// A new directory for the demo's database.
fn directory(wanted: Option<&Path>) -> anyhow::Result<PathBuf> {
    let dir = match wanted {
        Some(dir) => dir.to_path_buf(),
        None => {
            std::env::temp_dir().join(format!("portcullis-demo-{}", uuid::Uuid::new_v4().simple()))
        }
    };
    std::fs::create_dir_all(&dir)
        .with_context(|| format!("cannot create the demo directory `{}`", dir.display()))?;
    if dir.join("portcullis-demo.db").exists() {
        anyhow::bail!(
            "`{}` already holds a demo database; pass another --dir or remove it",
            dir.display()
        );
    }
    Ok(dir)
}

/// No DNS in the demo (domain checks fail fast, once) and no periodic
/// re-screening.
fn vetting() -> VettingConfig {
    VettingConfig {
        nameservers: vec![std::net::SocketAddr::from(([127, 0, 0, 1], 9))],
        dns_timeout_seconds: Some(1),
        rescreen_every_hours: Some(0),
        ..VettingConfig::default()
    }
}

fn posture() -> PostureConfig {
    PostureConfig {
        grace_period_days: Some(7),
        round_every_minutes: Some(0),
        ..PostureConfig::default()
    }
}

/// Contains a partner user on a High-confidence finding of medium
/// severity or worse of the rules a stolen session trips; alerts only
/// while the history is seeded (`contain` false).
fn detection(contain: bool) -> DetectionConfig {
    let user = ContainmentRule {
        contain: ContainmentKind::User,
        min_severity: 3,
        ..ContainmentRule::user()
    };
    let rules = ["PCD-001", "PCD-002", "PCD-006", "PCD-008", "PCD-010"];
    DetectionConfig {
        every_ms: 250,
        containment: if contain {
            rules.into_iter().map(|r| (r.to_owned(), user)).collect()
        } else {
            Default::default()
        },
        ..DetectionConfig::default()
    }
}

fn summary(eco: &Ecosystem) -> String {
    let mut counts: Vec<(String, usize)> = Vec::new();
    for partner in &eco.partners {
        let name = format!("{:?}", partner.destiny);
        match counts.iter_mut().find(|(n, _)| *n == name) {
            Some((_, count)) => *count += 1,
            None => counts.push((name, 1)),
        }
    }
    let by_state: Vec<String> = counts.iter().map(|(n, c)| format!("{c} {n}")).collect();
    format!(
        "{} partners ({}), {} customers, {} partner users",
        eco.partners.len(),
        by_state.join(", "),
        eco.customers,
        eco.user_names.len()
    )
}

async fn link(
    app: &Portcullis,
    base: &str,
    kind: PrincipalKind,
    tenant: Option<TenantId>,
) -> anyhow::Result<String> {
    let secret = app
        .create_sign_in_link_for(&Caller::local_operator(), kind, tenant)
        .await?;
    Ok(format!("{base}/sign-in/link/{secret}"))
}

/// Prints the console's address, a sign-in link per kind of person and an
/// operator token.
async fn welcome(app: &Portcullis, base: &str, cast: &attack::Cast<'_>) -> anyhow::Result<()> {
    println!("console: {base}/");
    println!(
        "operator sign-in link: {}",
        link(app, base, PrincipalKind::Operator, None).await?
    );
    println!(
        "partner admin sign-in link ({}): {}",
        cast.partner.name,
        link(
            app,
            base,
            PrincipalKind::PartnerAdmin,
            Some(cast.partner.tenant)
        )
        .await?
    );
    if let Some((customer, name)) = cast.partner.quiet_customers.first() {
        println!(
            "customer admin sign-in link ({name}): {}",
            link(app, base, PrincipalKind::CustomerAdmin, Some(*customer)).await?
        );
    }
    println!(
        "  each link works once, within {} minutes; then sign in with a token",
        portcullis_service::SIGN_IN_LINK_MINUTES
    );
    let (_, secret) = app
        .create_token(
            &Caller::local_operator(),
            NewToken {
                kind: PrincipalKind::Operator,
                tenant_id: None,
                description: Some(Description::parse("demo operator")?),
                expires_in: None,
            },
        )
        .await?;
    println!("operator token: {secret}");
    Ok(())
}

/// The attacked technician and an uninvolved one of another partner.
fn cast(eco: &Ecosystem) -> anyhow::Result<attack::Cast<'_>> {
    let mut approved = eco
        .partners
        .iter()
        .filter(|p| p.destiny == Destiny::Approved);
    let partner = approved
        .next()
        .filter(|p| !p.quiet_customers.is_empty())
        .context("no approved partner to attack")?;
    let bystander_partner = approved.next().context("no second approved partner")?;
    Ok(attack::Cast {
        partner,
        victim: partner
            .users
            .get(2)
            .or(partner.users.first())
            .context("no users")?,
        bystander_partner,
        bystander: bystander_partner.users.first().context("no users")?,
    })
}

pub async fn run(args: &DemoArgs) -> anyhow::Result<ExitCode> {
    let scale = match args.scale.as_str() {
        "small" => Scale::small(),
        _ => Scale::full(),
    };
    let dir = directory(args.dir.as_deref())?;
    let database = dir.join("portcullis-demo.db");
    println!(
        "demo database: {} (./portcullis.db is not touched)",
        database.display()
    );
    let store = Arc::new(
        SqlStore::open(&database.to_string_lossy())
            .await
            .with_context(|| format!("cannot create `{}`", database.display()))?,
    );
    println!(
        "seeding the {} ecosystem through the use cases (progress on standard error)",
        args.scale
    );
    let mut progress = Progress::start();
    let clock = Arc::new(DemoClock::default());
    let seeding = Portcullis::load(store.clone(), clock.clone(), RoleCatalog::default_entra())
        .await?
        .with_vetting(vetting())
        .with_posture(posture())
        .with_detection(detection(false));
    let eco = seed::seed(seeding, clock, &scale, &mut progress).await?;
    eprintln!("seeding phases: {}", progress.phases());
    println!("seeded in {:.1} s: {}", progress.seconds(), summary(&eco));
    let app = Portcullis::load(
        store.clone(),
        Arc::new(SystemClock),
        RoleCatalog::default_entra(),
    )
    .await?
    .with_vetting(vetting())
    .with_posture(posture())
    .with_detection(detection(true));
    let listen = args.listen.as_deref().unwrap_or("127.0.0.1:8080");
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("cannot listen on `{listen}`"))?;
    let base = format!("http://{}", listener.local_addr()?);
    // Ctrl-C stops the demo cleanly from before it prints its address.
    let signal = portcullis_server::ShutdownSignal::listen();
    let cast = cast(&eco)?;
    welcome(&app, &base, &cast).await?;
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let schedule = WorkerSchedule {
        vetting: None,
        posture: None,
        ..WorkerSchedule::default()
    };
    let workers = {
        let mut stop = stop_rx.clone();
        tokio::spawn(app.clone().run_workers(schedule, async move {
            let _ = stop.changed().await;
        }))
    };
    let server_config = portcullis_server::ServerConfig::default();
    let router = portcullis_server::router(app.clone(), &server_config);
    let server = tokio::spawn(portcullis_server::serve(listener, router, async move {
        signal.received().await;
        let _ = stop_tx.send(true);
    }));
    println!(
        "attacked user: user={} partner={} customer={}",
        cast.victim.id,
        cast.partner.tenant,
        cast.partner
            .customers
            .first()
            .map(|c| c.0.to_string())
            .unwrap_or_default()
    );
    println!(
        "uninvolved user: user={} partner={} customer={}",
        cast.bystander.id,
        cast.bystander_partner.tenant,
        cast.bystander_partner
            .customers
            .first()
            .map(|c| c.0.to_string())
            .unwrap_or_default()
    );
    let outcome = attack::replay(&app, &cast).await?;
    println!(
        "demo ready{}: the console and API keep serving at {base}/ until Ctrl-C; the database stays in {}",
        if outcome.contained {
            ""
        } else {
            " (without containment)"
        },
        dir.display()
    );
    server.await??;
    let _ = workers.await;
    app.flush_events().await;
    store.close().await;
    Ok(ExitCode::SUCCESS)
}
