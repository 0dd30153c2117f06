//! The `portcullis` command.

mod commands;
mod config;
mod integrity;
mod partitioned;
mod production;
mod runtimes;

use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context as _;
use clap::{Args, Parser, Subcommand};
use portcullis_domain::{
    Description, IsoDuration, PageRequest, PrincipalKind, SystemClock, TenantId, TokenId,
};
use portcullis_service::{Caller, NewToken, Portcullis, WorkerSchedule};
use portcullis_store::{SqlStore, Store, TokenStore};

use crate::config::{Config, FileConfig};

/// mimalloc instead of the system allocator: a loaded server spent about
/// 13 % of its CPU in glibc's `malloc` and `free` (docs/operations.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Portcullis: the partner-access control plane.
#[derive(Debug, Parser)]
#[command(name = "portcullis", version, about)]
struct Cli {
    /// Database: a SQLite file path (default `./portcullis.db`), `sqlite://…` or `postgres://…`.
    #[arg(long, global = true, env = "PORTCULLIS_DATABASE_URL")]
    database_url: Option<String>,
    /// A TOML configuration file (keys: database_url, listen, max_body_bytes, log).
    #[arg(long, global = true, env = "PORTCULLIS_CONFIG")]
    config: Option<std::path::PathBuf>,
    /// The key directory: checkpoint signing key, token hash key, checkpoint
    /// log [default: `<database file>.keys` beside a SQLite file,
    /// `./<database name>.keys` for PostgreSQL].
    #[arg(long, global = true, env = "PORTCULLIS_KEY_DIR")]
    key_dir: Option<std::path::PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the HTTP API (applies pending migrations first).
    Serve(ServeArgs),
    /// Apply pending database migrations and exit.
    Migrate,
    /// Mint, list and revoke API tokens.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Inspect the audit log.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Screen applicants (JSON lines) against watchlist files, offline.
    Screen(commands::screen::ScreenArgs),
    /// Check STIX patterns; import threat intelligence into the database.
    #[command(subcommand)]
    Intel(commands::intel::IntelCommand),
    /// Load watchlists into the database.
    #[command(subcommand)]
    Watchlist(commands::watchlist::WatchlistCommand),
    /// Run the detection engine over an OCSF NDJSON file (or `-` for stdin),
    /// offline: findings as NDJSON on stdout, a summary on stderr.
    Detect {
        #[arg(long)]
        input: std::path::PathBuf,
    },
    /// Evaluate tenant security posture, offline.
    #[command(subcommand)]
    Posture(commands::posture::PostureCommand),
    /// Role usage counted from allowed decisions, per relationship role.
    Usage(commands::usage::UsageArgs),
    /// List and apply least-privilege recommendations.
    #[command(subcommand)]
    Recommendations(commands::usage::RecommendationsCommand),
    /// Relationship templates: save them, apply one to many customers.
    #[command(subcommand)]
    Templates(commands::templates::TemplatesCommand),
    /// Change many relationships alike: remove a role, set auto-extend, terminate.
    #[command(subcommand)]
    Bulk(commands::bulk::BulkCommand),
    /// Customer access reviews, through a running server as a customer admin.
    Reviews(commands::reviews::ReviewsArgs),
    /// Seed a realistic ecosystem in a database of its own, serve it with
    /// sign-in links, and replay an attack that is detected and contained.
    Demo(commands::demo::DemoArgs),
}

#[derive(Debug, Args)]
struct ServeArgs {
    /// Address to listen on [default: 127.0.0.1:8080].
    #[arg(long, env = "PORTCULLIS_LISTEN")]
    listen: Option<String>,
    /// Largest accepted request body in bytes [default: 1048576].
    #[arg(long, env = "PORTCULLIS_MAX_BODY_BYTES")]
    max_body_bytes: Option<usize>,
    /// A role catalog (TOML, or JSON by its `.json` extension) replacing the
    /// default Entra roles.
    #[arg(long, env = "PORTCULLIS_ROLES")]
    roles: Option<std::path::PathBuf>,
    /// Also read activity events from NATS JetStream (e.g. `nats://127.0.0.1:4222`):
    /// stream `PORTCULLIS_EVENTS`, subjects `portcullis.events.>`, durable `portcullis-ingest`.
    #[arg(long, env = "PORTCULLIS_NATS_URL")]
    nats_url: Option<String>,
    /// Serve even though the audit chain does not extend its last signed
    /// checkpoint (the database was changed or restored); recorded in the
    /// audit log as `audit.mismatch_accepted`.
    #[arg(long)]
    accept_audit_mismatch: bool,
    /// Serve HTTPS with this PEM certificate chain (leaf first); needs --tls-key.
    #[arg(long, env = "PORTCULLIS_TLS_CERT")]
    tls_cert: Option<std::path::PathBuf>,
    /// The PEM private key of --tls-cert.
    #[arg(long, env = "PORTCULLIS_TLS_KEY")]
    tls_key: Option<std::path::PathBuf>,
    /// `sync` (default: every decision is committed before it is answered)
    /// or `batched` (answered at once, committed within a window).
    #[arg(long, env = "PORTCULLIS_DECISION_RECORDS")]
    decision_records: Option<String>,
}

#[derive(Debug, Subcommand)]
enum TokenCommand {
    /// Mint a token and print its secret (shown only once) on standard output.
    Create {
        /// operator, partner_admin, customer_admin or service.
        #[arg(long)]
        kind: String,
        /// The tenant of a partner_admin or customer_admin token.
        #[arg(long)]
        tenant: Option<String>,
        #[arg(long)]
        description: Option<String>,
        /// Lifetime as an ISO-8601 duration (e.g. `P90D`); none means until revoked.
        #[arg(long)]
        expires_in: Option<String>,
    },
    /// List tokens (never their secrets).
    List,
    /// Revoke a token by id.
    Revoke { id: String },
}

#[derive(Debug, Subcommand)]
enum AuditCommand {
    /// Walk the hash chain and check it against the signed checkpoints of
    /// the key directory; exit 0 when intact, 1 naming the first bad record
    /// or checkpoint, 2 when it cannot run (no database or key directory
    /// where one is expected).
    Verify,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let file = match cli.config.as_deref().map(config::load_file).transpose() {
        Ok(file) => file.unwrap_or_default(),
        Err(err) => {
            eprintln!("error: {err:#}");
            return ExitCode::from(2);
        }
    };
    // The demo prints its own progress and story; only warnings and errors
    // interrupt them unless `PORTCULLIS_LOG` or the file says otherwise.
    let quiet = matches!(cli.command, Command::Demo(_)).then_some("warn");
    let _log = config::init_tracing(file.log.as_deref().or(quiet));
    let serving = matches!(cli.command, Command::Serve(_));
    let runtimes = runtimes::requests().and_then(|requests| {
        let background = serving.then(runtimes::background).transpose()?;
        Ok((requests, background))
    });
    let (runtime, background) = match runtimes {
        Ok(runtimes) => runtimes,
        Err(err) => {
            eprintln!("error: cannot start the async runtime: {err}");
            return ExitCode::from(2);
        }
    };
    let handle = background.as_ref().map(|b| b.handle().clone());
    let code = match runtime.block_on(run(cli, file, handle)) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(2)
        }
    };
    if let Some(background) = background {
        runtimes::stop(background);
    }
    code
}

/// Opens an existing database: only `serve` and `migrate` create one, so a
/// command run from the wrong directory does not make an empty database
/// and report on it.
async fn open(config: &Config) -> anyhow::Result<SqlStore> {
    if let Some(file) = portcullis_store::sqlite_file(&config.database_url)
        && !file.exists()
    {
        anyhow::bail!(
            "no database at `{}`; start `portcullis serve` or `portcullis migrate` there first, or pass --database-url",
            file.display()
        );
    }
    open_or_create(config).await
}

/// Opens the database, creating a SQLite file when there is none (`serve`).
async fn open_or_create(config: &Config) -> anyhow::Result<SqlStore> {
    SqlStore::open(&config.database_url).await.with_context(|| {
        format!(
            "cannot open the database `{}`",
            config.redacted_database_url()
        )
    })
}

async fn run(
    cli: Cli,
    file: FileConfig,
    background: Option<tokio::runtime::Handle>,
) -> anyhow::Result<ExitCode> {
    let serve_args = match &cli.command {
        Command::Serve(args) => Some(args),
        _ => None,
    };
    let mut config = Config::resolve(
        cli.database_url.clone(),
        serve_args.and_then(|a| a.listen.clone()),
        serve_args.and_then(|a| a.max_body_bytes),
        serve_args.and_then(|a| a.roles.clone()),
        serve_args.and_then(|a| a.nats_url.clone()),
        file,
    );
    if cli.key_dir.is_some() {
        config.key_dir = cli.key_dir;
    }
    if let Some(args) = serve_args {
        config.production = config.production.with_flags(production::ProductionFlags {
            tls_cert: args.tls_cert.clone(),
            tls_key: args.tls_key.clone(),
            decision_records: args.decision_records.clone(),
        });
    }
    match cli.command {
        Command::Serve(args) => serve(&config, args.accept_audit_mismatch, background).await,
        Command::Migrate => {
            let store = SqlStore::connect(&config.database_url).await?;
            let count = store.migrate().await?;
            integrity::keys(&config)?;
            println!(
                "{} database `{}` is up to date ({count} migrations)",
                store.backend(),
                config.redacted_database_url()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Token(command) => token(&config, command).await,
        Command::Screen(args) => commands::screen::screen(&args),
        Command::Detect { input } => commands::detect::detect(&input),
        Command::Intel(command) => commands::intel::run(&config, command).await,
        Command::Watchlist(command) => commands::watchlist::run(&config, command).await,
        Command::Posture(command) => commands::posture::run(command),
        Command::Usage(args) => commands::usage::usage(&config, args).await,
        Command::Templates(command) => commands::templates::run(&config, command).await,
        Command::Bulk(command) => commands::bulk::run(&config, command).await,
        Command::Reviews(args) => commands::reviews::reviews(args).await,
        Command::Recommendations(command) => {
            commands::usage::recommendations(&config, command).await
        }
        Command::Demo(args) => commands::demo::run(&args).await,
        Command::Audit(AuditCommand::Verify) => {
            let store = open(&config).await?;
            integrity::verify(&config, &store).await
        }
    }
}

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

async fn serve(
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

async fn token(config: &Config, command: TokenCommand) -> anyhow::Result<ExitCode> {
    let store = open(config).await?;
    let keys = integrity::keys(config)?;
    let portcullis =
        Portcullis::new(Arc::new(store), Arc::new(SystemClock)).with_token_key(keys.token_key);
    let caller = Caller::local_operator();
    match command {
        TokenCommand::Create {
            kind,
            tenant,
            description,
            expires_in,
        } => {
            let new = NewToken {
                kind: PrincipalKind::parse(&kind)?,
                tenant_id: tenant.as_deref().map(TenantId::parse).transpose()?,
                description: description.as_deref().map(Description::parse).transpose()?,
                expires_in: expires_in.as_deref().map(IsoDuration::parse).transpose()?,
            };
            let (token, secret) = portcullis.create_token(&caller, new).await?;
            eprintln!(
                "created {} token {}; the secret below is shown only once",
                token.kind, token.id
            );
            println!("{secret}");
        }
        TokenCommand::List => {
            let mut page = PageRequest::first(PageRequest::MAX_LIMIT);
            loop {
                let tokens = portcullis.list_tokens(&caller, &page).await?;
                for t in &tokens.items {
                    let state = if t.revoked_at.is_some() {
                        "revoked"
                    } else {
                        "active"
                    };
                    let tenant = t
                        .tenant_id
                        .map(|t| t.to_string())
                        .unwrap_or_else(|| "-".into());
                    println!("{}\t{}\t{}\t{}", t.id, t.kind, tenant, state);
                }
                match tokens.next {
                    Some(next) => {
                        page = PageRequest::new(Some(PageRequest::MAX_LIMIT), Some(next))?
                    }
                    None => break,
                }
            }
        }
        TokenCommand::Revoke { id } => {
            let token = portcullis
                .revoke_token(&caller, TokenId::parse(&id)?)
                .await?;
            println!("revoked token {}", token.id);
        }
    }
    Ok(ExitCode::SUCCESS)
}
