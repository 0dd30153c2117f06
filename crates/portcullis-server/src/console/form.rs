//! A submitted console form (`application/x-www-form-urlencoded`); one that
//! cannot be read is refused with a page, not axum's plain text.

use axum::extract::{FromRequest, Request};
use serde::de::DeserializeOwned;

use super::error::ConsoleError;

/// A form body.
#[derive(Debug, Clone)]
pub struct ConsoleForm<T>(pub T);

impl<T, S> FromRequest<S> for ConsoleForm<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ConsoleError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        axum::Form::<T>::from_request(req, state)
            .await
            .map(|axum::Form(value)| Self(value))
            .map_err(|_| ConsoleError::Refused("the form could not be read".to_owned()))
    }
}

/// The text of a reason field: trimmed, 1 to 1000 characters.
pub fn reason(text: &str) -> Result<&str, ConsoleError> {
    let text = text.trim();
    match text.chars().count() {
        0 => Err(ConsoleError::Refused("a reason is required".to_owned())),
        1..=1000 => Ok(text),
        _ => Err(ConsoleError::Refused(
            "the reason is longer than 1000 characters".to_owned(),
        )),
    }
}
