//! The `portcullis` command.

mod commands;
mod config;
mod integrity;
mod partitioned;
mod production;
mod runtimes;
mod serve;

use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context as _;
use clap::{Args, Parser, Subcommand};
use portcullis_domain::{
    Description, IsoDuration, PageRequest, PrincipalKind, SystemClock, TenantId, TokenId,
};
use portcullis_service::{Caller, NewToken, Portcullis};
use portcullis_store::{SqlStore, Store};

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
        Command::Serve(args) => serve::serve(&config, args.accept_audit_mismatch, background).await,
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
