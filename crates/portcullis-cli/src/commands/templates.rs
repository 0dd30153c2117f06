//! `portcullis templates list|create|apply|delete`: relationship templates,
//! as the local operator. `apply` proposes a relationship from the
//! template to each customer named (in calls of at most the configured
//! cap), with progress on standard error and one result per customer on
//! standard output; the exit status is 1 when any customer failed.

use std::io::BufRead as _;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;
use portcullis_domain::{
    AssignmentKind, DisplayName, GroupId, IsoDuration, RelationshipTerms, RoleId,
    TemplateAssignment, TemplateId, TenantId,
};
use portcullis_service::{BulkJob, Caller, NewTemplate};

use super::bulk::{print_report, run_chunked};
use crate::config::Config;

#[derive(Debug, Subcommand)]
pub enum TemplatesCommand {
    /// List templates: id, partner, name, pattern, roles, assignments.
    List {
        /// Only this partner's templates.
        #[arg(long)]
        partner: Option<String>,
        /// Print them as JSON (the `GET /v1/templates` items).
        #[arg(long)]
        json: bool,
    },
    /// Save a template and print its id.
    Create {
        #[arg(long)]
        partner: String,
        #[arg(long)]
        name: String,
        /// The relationship name; `{customer}` and `{date}` are replaced.
        #[arg(long)]
        pattern: String,
        /// A role id (repeatable).
        #[arg(long = "role", required = true)]
        roles: Vec<String>,
        /// `P1D`..`P730D`.
        #[arg(long)]
        duration: String,
        /// `PT0S` or `P180D` [default: PT0S].
        #[arg(long)]
        auto_extend: Option<String>,
        /// A standing assignment: `GROUP_ID=ROLE_ID[,ROLE_ID…]` (repeatable).
        #[arg(long = "assign")]
        assignments: Vec<String>,
    },
    /// Propose a relationship from the template to each customer.
    Apply {
        template: String,
        /// A customer tenant id (repeatable).
        #[arg(long = "customer")]
        customers: Vec<String>,
        /// A file of customer tenant ids, one per line (`-`: standard input).
        #[arg(long)]
        customers_file: Option<PathBuf>,
        /// Only check and report what would be created.
        #[arg(long)]
        dry_run: bool,
        /// Print the report as JSON (the `POST /v1/templates/{id}/apply` body).
        #[arg(long)]
        json: bool,
    },
    /// Delete a template (relationships made from it stay).
    Delete { template: String },
}

/// `GROUP=ROLE,ROLE` as a standing assignment.
fn assignment(text: &str) -> anyhow::Result<TemplateAssignment> {
    let (group, roles) = text
        .split_once('=')
        .ok_or_else(|| anyhow::anyhow!("`{text}` is not `GROUP_ID=ROLE_ID[,ROLE_ID…]`"))?;
    Ok(TemplateAssignment {
        group_id: GroupId::parse(group.trim())?,
        roles: roles
            .split(',')
            .map(|r| RoleId::parse(r.trim()))
            .collect::<Result<_, _>>()?,
        kind: AssignmentKind::Standing,
    })
}

fn customers(named: &[String], file: Option<&PathBuf>) -> anyhow::Result<Vec<TenantId>> {
    let mut ids: Vec<TenantId> = named
        .iter()
        .map(|c| TenantId::parse(c))
        .collect::<Result<_, _>>()?;
    if let Some(path) = file {
        for line in super::open_input(path)?.lines() {
            let line = line?;
            let line = line.trim();
            if !line.is_empty() && !line.starts_with('#') {
                ids.push(TenantId::parse(line)?);
            }
        }
    }
    if ids.is_empty() {
        anyhow::bail!("name customers with --customer or --customers-file");
    }
    Ok(ids)
}

/// `portcullis templates …`.
pub async fn run(config: &Config, command: TemplatesCommand) -> anyhow::Result<ExitCode> {
    let app = super::app(config).await?;
    let caller = Caller::local_operator();
    match command {
        TemplatesCommand::List { partner, json } => {
            let partner = partner.as_deref().map(TenantId::parse).transpose()?;
            let found = app.list_templates(&caller, partner).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&found)?);
                return Ok(ExitCode::SUCCESS);
            }
            println!("id\tpartner\tname\tpattern\troles\tassignments");
            for t in &found {
                println!(
                    "{}\t{}\t{}\t{}\t{}\t{}",
                    t.id,
                    t.partner_tenant_id,
                    t.name.as_str(),
                    t.name_pattern,
                    t.roles.len(),
                    t.assignments.len()
                );
            }
        }
        TemplatesCommand::Create {
            partner,
            name,
            pattern,
            roles,
            duration,
            auto_extend,
            assignments,
        } => {
            let new = NewTemplate {
                partner_tenant_id: Some(TenantId::parse(&partner)?),
                name: DisplayName::parse(&name)?,
                name_pattern: pattern,
                terms: RelationshipTerms {
                    roles: roles
                        .iter()
                        .map(|r| RoleId::parse(r))
                        .collect::<Result<_, _>>()?,
                    duration: IsoDuration::parse(&duration)?,
                    auto_extend_duration: match auto_extend {
                        Some(d) => IsoDuration::parse(&d)?,
                        None => IsoDuration::zero(),
                    },
                },
                assignments: assignments
                    .iter()
                    .map(|a| assignment(a))
                    .collect::<anyhow::Result<_>>()?,
            };
            let created = app.create_template(&caller, new).await?;
            println!("{}", created.id);
        }
        TemplatesCommand::Apply {
            template,
            customers: named,
            customers_file,
            dry_run,
            json,
        } => {
            let template_id = TemplateId::parse(&template)?;
            let ids = customers(&named, customers_file.as_ref())?;
            let report = run_chunked(
                &app,
                &caller,
                &ids,
                config.least_privilege.bulk_cap(),
                |chunk| BulkJob::ApplyTemplate {
                    template_id,
                    customer_tenant_ids: chunk,
                    dry_run,
                },
            )
            .await?;
            return print_report(&report, json);
        }
        TemplatesCommand::Delete { template } => {
            app.delete_template(&caller, TemplateId::parse(&template)?)
                .await?;
            println!("deleted {template}");
        }
    }
    Ok(ExitCode::SUCCESS)
}
