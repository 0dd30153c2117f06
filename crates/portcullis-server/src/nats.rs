//! The activity stream from NATS JetStream: a durable pull consumer whose
//! messages (each one or more OCSF NDJSON lines) are stored like an HTTP
//! batch and acknowledged only once stored. A message the store could not
//! take is negatively acknowledged and comes back; bad lines are logged and
//! acknowledged (they would fail the same way every time).

use std::time::Duration;

use async_nats::jetstream::{self, AckKind, consumer::PullConsumer};
use futures_util::StreamExt as _;
use portcullis_domain::{Principal, PrincipalKind};
use portcullis_service::{Caller, Portcullis};

/// Where to consume from.
#[derive(Debug, Clone)]
pub struct NatsConfig {
    /// e.g. `nats://127.0.0.1:4222`.
    pub url: String,
    /// The stream, created when missing (default `PORTCULLIS_EVENTS`).
    pub stream: String,
    /// Subjects the stream captures (default `portcullis.events.>`).
    pub subjects: Vec<String>,
    /// The durable consumer shared by every node (default `portcullis-ingest`).
    pub durable: String,
    /// How long a delivered message may go unacknowledged before it is
    /// delivered again (default 30 s).
    pub ack_wait: Duration,
}

impl NatsConfig {
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            stream: "PORTCULLIS_EVENTS".into(),
            subjects: vec!["portcullis.events.>".into()],
            durable: "portcullis-ingest".into(),
            ack_wait: Duration::from_secs(30),
        }
    }
}

/// Why consuming could not start.
#[derive(Debug, thiserror::Error)]
#[error("nats: {0}")]
pub struct NatsError(String);

impl NatsError {
    pub(crate) fn new(message: String) -> Self {
        Self(message)
    }
}

fn err(e: impl std::fmt::Display) -> NatsError {
    NatsError(e.to_string())
}

/// Connects and binds the durable consumer (creating stream and consumer
/// when missing).
pub async fn consumer(config: &NatsConfig) -> Result<PullConsumer, NatsError> {
    let client = async_nats::connect(&config.url).await.map_err(err)?;
    let js = jetstream::new(client);
    let stream = js
        .get_or_create_stream(jetstream::stream::Config {
            name: config.stream.clone(),
            subjects: config.subjects.clone(),
            ..Default::default()
        })
        .await
        .map_err(err)?;
    stream
        .get_or_create_consumer(
            &config.durable,
            jetstream::consumer::pull::Config {
                durable_name: Some(config.durable.clone()),
                ack_policy: jetstream::consumer::AckPolicy::Explicit,
                ack_wait: config.ack_wait,
                ..Default::default()
            },
        )
        .await
        .map_err(err)
}

/// Consumes until `shutdown` completes.
pub async fn consume(
    portcullis: Portcullis,
    consumer: PullConsumer,
    shutdown: impl std::future::Future<Output = ()> + Send,
) -> Result<(), NatsError> {
    let caller = Caller::new(Principal::new(PrincipalKind::Service, None, None).map_err(err)?);
    let mut messages = consumer.messages().await.map_err(err)?;
    tokio::pin!(shutdown);
    loop {
        let next = tokio::select! {
            () = &mut shutdown => return Ok(()),
            next = messages.next() => next,
        };
        let Some(message) = next else {
            return Err(NatsError("the consumer's message stream ended".into()));
        };
        let message = match message {
            Ok(message) => message,
            Err(e) => {
                tracing::warn!(error = %e, "nats delivery failed");
                continue;
            }
        };
        let text = String::from_utf8_lossy(&message.payload);
        match portcullis.ingest_events(&caller, &text).await {
            Ok(report) => {
                for bad in &report.rejected {
                    tracing::warn!(subject = %message.subject, line = bad.line, reason = %bad.reason,
                        "nats event rejected");
                }
                if let Err(e) = message.ack().await {
                    tracing::warn!(error = %e, "nats ack failed; the message will come again");
                }
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot store nats events; asking for redelivery");
                if let Err(e) = message
                    .ack_with(AckKind::Nak(Some(Duration::from_secs(1))))
                    .await
                {
                    tracing::warn!(error = %e, "nats nak failed");
                }
            }
        }
    }
}
