//! `portcullis reviews …`: customer access reviews through a running
//! server's API, as the customer admin whose token is given (reviews are
//! the customer's; the local operator cannot decide them). The token comes
//! from `PORTCULLIS_TOKEN` (or `--token`), the server from `PORTCULLIS_URL`
//! (or `--url`, default `http://127.0.0.1:8080`). Output is tab-separated,
//! or the API's JSON with `--json`.

use std::process::ExitCode;

use anyhow::{Context as _, bail};
use clap::{Args, Subcommand};
use serde_json::{Value, json};

#[derive(Debug, Args)]
pub struct ReviewsArgs {
    /// The server's base URL.
    #[arg(long, env = "PORTCULLIS_URL", default_value = "http://127.0.0.1:8080")]
    url: String,
    /// A customer admin's API token (prefer the environment variable).
    #[arg(long, env = "PORTCULLIS_TOKEN", hide_env_values = true)]
    token: String,
    /// Print the API's JSON answer.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: ReviewsCommand,
}

#[derive(Debug, Subcommand)]
pub enum ReviewsCommand {
    /// List reviews: id, partner, status, due date, items left unreviewed.
    List {
        /// `in_progress` or `completed`.
        #[arg(long)]
        status: Option<String>,
        /// Only reviews of this partner tenant.
        #[arg(long)]
        partner: Option<String>,
    },
    /// Start a review of a partner's access to your tenant.
    Start {
        #[arg(long)]
        partner: String,
        /// `privileged` (what holds a privileged role) or `all`.
        #[arg(long, default_value = "privileged")]
        scope: String,
        /// On completion, also remove what nobody reviewed.
        #[arg(long)]
        remove_unreviewed: bool,
        /// Days the review stays open (1 to 90) [default: 14].
        #[arg(long)]
        duration_days: Option<u32>,
    },
    /// Show a review: each item, its decision, its usage and the recommendations.
    Show {
        id: String,
        /// The usage window in days ending today [default: 90].
        #[arg(long)]
        days: Option<u32>,
    },
    /// Approve or deny items (ids as `show` prints them).
    Decide {
        id: String,
        /// An item to approve (repeatable).
        #[arg(long = "approve")]
        approve: Vec<String>,
        /// An item to deny (repeatable).
        #[arg(long = "deny")]
        deny: Vec<String>,
        /// Why, recorded with every decision of this call.
        #[arg(long)]
        justification: Option<String>,
    },
    /// Complete a review: denied access is removed.
    Complete { id: String },
}

/// A small JSON client for the `/v1` API.
struct Api {
    base: String,
    token: String,
    http: reqwest::Client,
}

impl Api {
    async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> anyhow::Result<Value> {
        let url = format!("{}{path}", self.base.trim_end_matches('/'));
        let mut request = self.http.request(method, &url).bearer_auth(&self.token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request
            .send()
            .await
            .with_context(|| format!("cannot reach `{}`", self.base))?;
        let status = response.status();
        let text = response.text().await?;
        let value: Value = serde_json::from_str(&text).unwrap_or(Value::String(text));
        if !status.is_success() {
            let message = value
                .pointer("/error/message")
                .and_then(Value::as_str)
                .map_or_else(|| value.to_string(), str::to_owned);
            bail!("the server answered {status}: {message}");
        }
        Ok(value)
    }
}

fn text(v: &Value, pointer: &str) -> String {
    match v.pointer(pointer) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => "-".to_owned(),
        Some(other) => other.to_string(),
    }
}

fn print_review_line(r: &Value) {
    let unreviewed = r.get("items").and_then(Value::as_array).map_or(0, |items| {
        items
            .iter()
            .filter(|i| i.get("decision").and_then(Value::as_str) == Some("not_reviewed"))
            .count()
    });
    println!(
        "{}\t{}\t{}\t{}\t{unreviewed}",
        text(r, "/id"),
        text(r, "/partner_tenant_id"),
        text(r, "/status"),
        text(r, "/due_at")
    );
}

/// `portcullis reviews …`.
pub async fn reviews(args: ReviewsArgs) -> anyhow::Result<ExitCode> {
    let api = Api {
        base: args.url,
        token: args.token,
        http: reqwest::Client::new(),
    };
    let answer = match &args.command {
        ReviewsCommand::List { status, partner } => {
            let mut query = Vec::new();
            if let Some(s) = status {
                query.push(format!("status={s}"));
            }
            if let Some(p) = partner {
                query.push(format!("partner_tenant_id={p}"));
            }
            let mut items = Vec::new();
            let mut cursor: Option<String> = None;
            loop {
                let mut q = query.clone();
                q.push("limit=200".into());
                if let Some(c) = &cursor {
                    q.push(format!("cursor={c}"));
                }
                let page = api
                    .call(
                        reqwest::Method::GET,
                        &format!("/v1/access-reviews?{}", q.join("&")),
                        None,
                    )
                    .await?;
                items.extend(
                    page.get("items")
                        .and_then(Value::as_array)
                        .cloned()
                        .unwrap_or_default(),
                );
                match page.get("next_cursor").and_then(Value::as_str) {
                    Some(next) => cursor = Some(next.to_owned()),
                    None => break,
                }
            }
            if !args.json {
                println!("id\tpartner\tstatus\tdue_at\tunreviewed");
                items.iter().for_each(print_review_line);
                return Ok(ExitCode::SUCCESS);
            }
            Value::Array(items)
        }
        ReviewsCommand::Start {
            partner,
            scope,
            remove_unreviewed,
            duration_days,
        } => {
            let body = json!({"partner_tenant_id": partner, "scope": scope,
                "remove_unreviewed": remove_unreviewed, "duration_days": duration_days});
            let review = api
                .call(reqwest::Method::POST, "/v1/access-reviews", Some(body))
                .await?;
            if !args.json {
                println!("{}", text(&review, "/id"));
                return Ok(ExitCode::SUCCESS);
            }
            review
        }
        ReviewsCommand::Show { id, days } => {
            let path = match days {
                Some(d) => format!("/v1/access-reviews/{id}?days={d}"),
                None => format!("/v1/access-reviews/{id}"),
            };
            let detail = api.call(reqwest::Method::GET, &path, None).await?;
            if !args.json {
                print_detail(&detail);
                return Ok(ExitCode::SUCCESS);
            }
            detail
        }
        ReviewsCommand::Decide {
            id,
            approve,
            deny,
            justification,
        } => {
            let decisions: Vec<Value> = approve
                .iter()
                .map(|i| (i, "approve"))
                .chain(deny.iter().map(|i| (i, "deny")))
                .map(|(item, d)| json!({"item_id": item, "decision": d, "justification": justification}))
                .collect();
            if decisions.is_empty() {
                bail!("name at least one item with `--approve` or `--deny`");
            }
            let review = api
                .call(
                    reqwest::Method::POST,
                    &format!("/v1/access-reviews/{id}/decisions"),
                    Some(json!({"decisions": decisions})),
                )
                .await?;
            if !args.json {
                print_review_line(&review);
                return Ok(ExitCode::SUCCESS);
            }
            review
        }
        ReviewsCommand::Complete { id } => {
            let review = api
                .call(
                    reqwest::Method::POST,
                    &format!("/v1/access-reviews/{id}/complete"),
                    None,
                )
                .await?;
            if !args.json {
                println!("item\tdecision\toutcome");
                for item in review
                    .get("items")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    println!(
                        "{}\t{}\t{}",
                        text(item, "/id"),
                        text(item, "/decision"),
                        text(item, "/outcome")
                    );
                }
                return Ok(ExitCode::SUCCESS);
            }
            review
        }
    };
    println!("{}", serde_json::to_string_pretty(&answer)?);
    Ok(ExitCode::SUCCESS)
}

fn print_detail(detail: &Value) {
    println!("item\tkind\tlabel\tdecision\tallowed\tdays_used\tlast_used\trecommendations");
    let items = detail.pointer("/review/items").and_then(Value::as_array);
    let evidence = detail.get("evidence").and_then(Value::as_array);
    for (i, item) in items.into_iter().flatten().enumerate() {
        let e = evidence
            .and_then(|e| e.get(i))
            .cloned()
            .unwrap_or(Value::Null);
        let recs: Vec<String> = e
            .get("recommendations")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(|r| text(r, "/kind"))
            .collect();
        println!(
            "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
            text(item, "/id"),
            text(item, "/kind"),
            text(item, "/label"),
            text(item, "/decision"),
            text(&e, "/allowed"),
            text(&e, "/days_used"),
            text(&e, "/last_used"),
            if recs.is_empty() {
                "-".to_owned()
            } else {
                recs.join(",")
            }
        );
    }
}
