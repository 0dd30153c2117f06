//! `portcullis usage` and `portcullis recommendations list|apply`: role
//! usage and least-privilege recommendations read from (and applied to) the
//! database, as the local operator, for scripts: a tab-separated table, or
//! the API's JSON with `--json`.

use std::process::ExitCode;

use clap::{Args, Subcommand};
use portcullis_domain::{RecommendationId, TenantId, Timestamp, UsageWindow};
use portcullis_service::{Caller, UsageQuery};

use crate::config::Config;

#[derive(Debug, Args)]
pub struct UsageArgs {
    /// Only this partner tenant's relationships.
    #[arg(long)]
    partner: Option<String>,
    /// Only the relationships in this customer tenant.
    #[arg(long)]
    customer: Option<String>,
    /// The window in days ending today (UTC), 1 to 365 [default: 90].
    #[arg(long)]
    days: Option<u32>,
    /// Print the report as JSON (the `GET /v1/usage` body).
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Subcommand)]
pub enum RecommendationsCommand {
    /// List recommendations: id, kind, permitted actions before → after, summary.
    List {
        /// Only this partner tenant's recommendations.
        #[arg(long)]
        partner: Option<String>,
        /// The window in days ending today (UTC), 1 to 365 [default: 90].
        #[arg(long)]
        days: Option<u32>,
        /// Print them as JSON (the `GET /v1/recommendations` items).
        #[arg(long)]
        json: bool,
    },
    /// Apply one recommendation by its id (as shown by `list`).
    Apply {
        id: String,
        /// The window it was computed over [default: 90].
        #[arg(long)]
        days: Option<u32>,
    },
}

fn tenant(raw: Option<&str>) -> anyhow::Result<Option<TenantId>> {
    Ok(raw.map(TenantId::parse).transpose()?)
}

fn when(at: Option<Timestamp>) -> String {
    at.map_or_else(|| "never".to_owned(), |t| t.to_string())
}

/// `portcullis usage`: one line per relationship role.
pub async fn usage(config: &Config, args: UsageArgs) -> anyhow::Result<ExitCode> {
    let query = UsageQuery {
        partner_tenant_id: tenant(args.partner.as_deref())?,
        customer_tenant_id: tenant(args.customer.as_deref())?,
    };
    let report = super::app(config)
        .await?
        .usage_report(
            &Caller::local_operator(),
            query,
            UsageWindow::parse(args.days)?,
        )
        .await?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
        return Ok(ExitCode::SUCCESS);
    }
    println!("relationship\tname\trole\tprivileged\tallowed\tdays_used\tlast_used");
    for r in &report.items {
        for role in &r.roles {
            println!(
                "{}\t{}\t{}\t{}\t{}\t{}\t{}",
                r.relationship_id,
                r.display_name,
                role.role_name,
                role.privileged,
                role.allowed,
                role.days_used,
                when(role.last_used)
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `portcullis recommendations …`.
pub async fn recommendations(
    config: &Config,
    command: RecommendationsCommand,
) -> anyhow::Result<ExitCode> {
    let app = super::app(config).await?;
    let caller = Caller::local_operator();
    match command {
        RecommendationsCommand::List {
            partner,
            days,
            json,
        } => {
            let found = app
                .recommendations(
                    &caller,
                    tenant(partner.as_deref())?,
                    UsageWindow::parse(days)?,
                )
                .await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&found)?);
                return Ok(ExitCode::SUCCESS);
            }
            println!("id\tkind\tpermitted_before\tpermitted_after\tsummary");
            for r in &found {
                println!(
                    "{}\t{}\t{}\t{}\t{}",
                    r.id,
                    r.kind.as_str(),
                    r.reduction.permitted_before,
                    r.reduction.permitted_after,
                    r.summary
                );
            }
        }
        RecommendationsCommand::Apply { id, days } => {
            RecommendationId::parse(&id)?;
            let applied = app
                .apply_recommendation(&caller, &id, UsageWindow::parse(days)?)
                .await?;
            println!(
                "applied {}: {}",
                applied.recommendation.id, applied.recommendation.action
            );
            if let Some(r) = &applied.relationship {
                println!(
                    "relationship {} `{}` awaits the customer's approval",
                    r.id,
                    r.display_name.as_str()
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
