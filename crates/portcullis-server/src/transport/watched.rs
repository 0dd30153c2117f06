//! The IO of a connection: reports its traffic to the connection's
//! [`Phase`], and puts hyper's own rejections (a request line or headers
//! it cannot parse: 400, 414, 431, written with an empty body) into the
//! API's JSON error shape.

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use axum::http::StatusCode;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use super::connection::Phase;
use crate::error::{ErrorBody, ErrorDetail};

/// An answer written in place of hyper's, and how many of hyper's bytes
/// it stands for.
#[derive(Debug)]
struct Replacement {
    bytes: Vec<u8>,
    written: usize,
    stands_for: usize,
}

#[derive(Debug)]
pub(crate) struct Watched<IO> {
    io: IO,
    phase: Arc<Phase>,
    replacement: Option<Replacement>,
}

impl<IO> Watched<IO> {
    pub(crate) fn new(io: IO, phase: Arc<Phase>) -> Self {
        Self {
            io,
            phase,
            replacement: None,
        }
    }
}

impl<IO: AsyncRead + Unpin> AsyncRead for Watched<IO> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let polled = Pin::new(&mut this.io).poll_read(cx, buf);
        if matches!(polled, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            this.phase.read_bytes();
        }
        polled
    }
}

impl<IO: AsyncWrite + Unpin> AsyncWrite for Watched<IO> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if this.replacement.is_none()
            && this.phase.is_waiting()
            && let Some(status) = hyper_rejection(buf)
        {
            this.replacement = Some(Replacement {
                bytes: json_rejection(status),
                written: 0,
                stands_for: buf.len(),
            });
        }
        if let Some(replacement) = &mut this.replacement {
            while let Some(rest) = replacement.bytes.get(replacement.written..)
                && !rest.is_empty()
            {
                match Pin::new(&mut this.io).poll_write(cx, rest) {
                    Poll::Ready(Ok(0)) => return Poll::Ready(Err(io::ErrorKind::WriteZero.into())),
                    Poll::Ready(Ok(n)) => replacement.written += n,
                    other => return other,
                }
            }
            let stands_for = replacement.stands_for;
            this.replacement = None;
            return Poll::Ready(Ok(stands_for));
        }
        let polled = Pin::new(&mut this.io).poll_write(cx, buf);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            this.phase.wrote_bytes();
        }
        polled
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_shutdown(cx)
    }
}

/// The status of a bodiless 4xx response head, the only kind hyper writes
/// on its own (no handler is running when it does).
fn hyper_rejection(buf: &[u8]) -> Option<StatusCode> {
    let head = std::str::from_utf8(buf).ok()?;
    let rest = head.strip_prefix("HTTP/1.1 ")?;
    if !head.ends_with("\r\n\r\n") {
        return None;
    }
    let lower = head.to_ascii_lowercase();
    if !lower.contains("\r\ncontent-length: 0\r\n") || lower.contains("\r\ncontent-type:") {
        return None;
    }
    let status = StatusCode::from_bytes(rest.get(..3)?.as_bytes()).ok()?;
    status.is_client_error().then_some(status)
}

/// A complete HTTP/1.1 response in the API's error shape; the connection closes after it.
fn json_rejection(status: StatusCode) -> Vec<u8> {
    let (code, message) = match status {
        StatusCode::URI_TOO_LONG => (
            "uri_too_long",
            "the request URI is longer than the server accepts",
        ),
        StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE => (
            "headers_too_large",
            "the request headers are larger than the server accepts",
        ),
        _ => (
            "malformed_request",
            "the request line or headers are not valid HTTP/1.1",
        ),
    };
    let body = serde_json::to_string(&ErrorBody {
        error: ErrorDetail {
            code,
            message: message.to_owned(),
        },
    })
    .unwrap_or_default();
    format!(
        "HTTP/1.1 {} {}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        status.as_u16(),
        status.canonical_reason().unwrap_or("Bad Request"),
        body.len()
    )
    .into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_bodiless_client_error_heads_are_replaced() {
        let hyper_414 = b"HTTP/1.1 414 URI Too Long\r\ncontent-length: 0\r\ndate: x\r\n\r\n";
        assert_eq!(hyper_rejection(hyper_414), Some(StatusCode::URI_TOO_LONG));
        let ours = b"HTTP/1.1 404 Not Found\r\ncontent-type: application/json\r\ncontent-length: 0\r\n\r\n";
        assert_eq!(hyper_rejection(ours), None);
        assert_eq!(
            hyper_rejection(b"HTTP/1.1 204 No Content\r\ncontent-length: 0\r\n\r\n"),
            None
        );
        assert_eq!(hyper_rejection(b"{\"HTTP/1.1 400 \"}"), None);
        let replaced = String::from_utf8(json_rejection(StatusCode::URI_TOO_LONG)).unwrap();
        assert!(
            replaced.starts_with("HTTP/1.1 414 URI Too Long\r\n"),
            "{replaced}"
        );
        assert!(replaced.ends_with(r#"{"error":{"code":"uri_too_long","message":"the request URI is longer than the server accepts"}}"#));
    }
}
