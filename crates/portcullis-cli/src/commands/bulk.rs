//! `portcullis bulk remove-role|auto-extend|terminate`: change many
//! relationships alike, as the local operator, in calls of at most the
//! configured cap (`[least_privilege] bulk_cap`, 100 by default), each
//! call kept as a bulk run (operators' console: **Bulk runs**). Progress
//! goes to standard error after each relationship; the result per
//! relationship to standard output (tab-separated, or the API's JSON with
//! `--json`). The exit status is 1 when any relationship failed.

use std::io::BufRead as _;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use portcullis_domain::{
    BulkOperation, BulkOutcome, BulkReport, IsoDuration, PageRequest, RelationshipFilter,
    RelationshipId, RoleId, TenantId,
};
use portcullis_service::{BulkJob, Caller, Portcullis};

use crate::config::Config;

/// Which relationships a bulk command changes.
#[derive(Debug, Args)]
pub struct Targets {
    /// A relationship id (repeatable).
    #[arg(long = "relationship")]
    relationships: Vec<String>,
    /// A file of relationship ids, one per line (`-`: standard input).
    #[arg(long)]
    relationships_file: Option<PathBuf>,
    /// Every relationship of this partner that is not yet closed.
    #[arg(long)]
    partner: Option<String>,
    /// Only check and report what would change.
    #[arg(long)]
    dry_run: bool,
    /// Print the report as JSON (the `POST /v1/bulk/relationships` body).
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Subcommand)]
pub enum BulkCommand {
    /// Remove a role from each relationship (Global Administrator by default).
    RemoveRole {
        /// The role's id [default: Global Administrator].
        #[arg(long)]
        role: Option<String>,
        #[command(flatten)]
        targets: Targets,
    },
    /// Set the auto-extend duration of each relationship: `PT0S` or `P180D`.
    AutoExtend {
        #[arg(long)]
        duration: String,
        #[command(flatten)]
        targets: Targets,
    },
    /// Terminate each relationship.
    Terminate {
        #[command(flatten)]
        targets: Targets,
    },
}

/// Ids read from arguments, a file, and a partner's open relationships.
async fn relationship_ids(
    app: &Portcullis,
    caller: &Caller,
    targets: &Targets,
) -> anyhow::Result<Vec<RelationshipId>> {
    let mut ids: Vec<RelationshipId> = targets
        .relationships
        .iter()
        .map(|r| RelationshipId::parse(r))
        .collect::<Result<_, _>>()?;
    if let Some(path) = &targets.relationships_file {
        for line in super::open_input(path)?.lines() {
            let line = line?;
            let line = line.trim();
            if !line.is_empty() && !line.starts_with('#') {
                ids.push(RelationshipId::parse(line)?);
            }
        }
    }
    if let Some(partner) = &targets.partner {
        let filter = RelationshipFilter {
            partner_tenant_id: Some(TenantId::parse(partner)?),
            ..RelationshipFilter::default()
        };
        let mut page = PageRequest::first(PageRequest::MAX_LIMIT);
        loop {
            let found = app
                .list_relationships(caller, filter.clone(), &page)
                .await?;
            ids.extend(
                found
                    .items
                    .iter()
                    .filter(|r| !r.status.is_final())
                    .map(|r| r.id),
            );
            match found.next {
                Some(next) => page = PageRequest::new(Some(PageRequest::MAX_LIMIT), Some(next))?,
                None => break,
            }
        }
    }
    if ids.is_empty() {
        anyhow::bail!("name relationships with --relationship, --relationships-file or --partner");
    }
    Ok(ids)
}

/// Runs `job` for each chunk of `targets` (at most `cap` each), printing
/// progress to standard error, and returns the report of them all.
pub(crate) async fn run_chunked<T: Clone>(
    app: &Portcullis,
    caller: &Caller,
    targets: &[T],
    cap: usize,
    job: impl Fn(Vec<T>) -> BulkJob,
) -> anyhow::Result<BulkReport> {
    let total = targets.len();
    let mut all: Option<BulkReport> = None;
    for chunk in targets.chunks(cap.max(1)) {
        let before = all.as_ref().map_or(0, BulkReport::handled);
        let progress = move |report: &BulkReport| {
            if let Some(item) = report.items.last() {
                eprintln!(
                    "[{}/{total}] {} {}{}",
                    before + report.handled(),
                    item.target,
                    item.outcome.as_str(),
                    item.error
                        .as_deref()
                        .map(|e| format!(": {e}"))
                        .unwrap_or_default()
                );
            }
        };
        // Kept as a run too, so that the console follows it.
        let report = app
            .run_bulk_recorded(caller, &job(chunk.to_vec()), &progress)
            .await?;
        match all.as_mut() {
            None => all = Some(report),
            Some(a) => {
                a.total = total;
                for item in report.items {
                    a.push(item);
                }
            }
        }
    }
    let mut all = all.ok_or_else(|| anyhow::anyhow!("nothing to do"))?;
    all.total = total;
    Ok(all)
}

/// Prints a report (a table or JSON) and gives the exit status.
pub(crate) fn print_report(report: &BulkReport, json: bool) -> anyhow::Result<ExitCode> {
    if json {
        println!("{}", serde_json::to_string_pretty(report)?);
    } else {
        println!("target\toutcome\trelationship\terror");
        for item in &report.items {
            println!(
                "{}\t{}\t{}\t{}",
                item.target,
                item.outcome.as_str(),
                item.relationship_id.as_deref().unwrap_or("-"),
                item.error.as_deref().unwrap_or("")
            );
        }
    }
    let verb = if report.dry_run {
        "would change"
    } else {
        "done"
    };
    eprintln!(
        "{}: {} of {} {verb}, {} failed",
        report.operation, report.done, report.total, report.failed
    );
    let failed = report
        .items
        .iter()
        .any(|i| i.outcome == BulkOutcome::Failed);
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// `portcullis bulk …`.
pub async fn run(config: &Config, command: BulkCommand) -> anyhow::Result<ExitCode> {
    let (operation, targets) = match command {
        BulkCommand::RemoveRole { role, targets } => (
            BulkOperation::RemoveRole {
                role_id: role.as_deref().map(RoleId::parse).transpose()?,
            },
            targets,
        ),
        BulkCommand::AutoExtend { duration, targets } => (
            BulkOperation::SetAutoExtend {
                auto_extend_duration: IsoDuration::parse(&duration)?,
            },
            targets,
        ),
        BulkCommand::Terminate { targets } => (BulkOperation::Terminate, targets),
    };
    let app = super::app(config).await?;
    let caller = Caller::local_operator();
    let ids = relationship_ids(&app, &caller, &targets).await?;
    let dry_run = targets.dry_run;
    let report = run_chunked(
        &app,
        &caller,
        &ids,
        config.least_privilege.bulk_cap(),
        |chunk| BulkJob::Relationships {
            operation: operation.clone(),
            relationship_ids: chunk,
            dry_run,
        },
    )
    .await?;
    print_report(&report, targets.json)
}
