//! What a console request answers when it cannot do what was asked: a
//! redirect to sign in, or an HTML page with a status and one sentence.
//! "Not yours" and "does not exist" are the same page, so nothing about
//! another tenant leaks; a 500 logs the detail and shows a generic page.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use portcullis_service::ServiceError;

use super::refusal::Refusal;

/// Why a console request failed.
#[derive(Debug)]
pub enum ConsoleError {
    /// No live session: go to the sign-in page.
    SignIn,
    /// Absent, or not the principal's to see (the same answer).
    NotFound,
    /// A form whose CSRF token is missing or wrong.
    Csrf,
    /// The service refused the change: the sentence says why.
    Refused(String),
    /// Something inside failed; the detail is logged, never shown.
    Internal(String),
}

#[derive(Template)]
#[template(path = "console/error.html")]
struct ErrorPage<'a> {
    title: &'a str,
    message: &'a str,
}

impl From<ServiceError> for ConsoleError {
    fn from(err: ServiceError) -> Self {
        match err {
            ServiceError::Unauthenticated => Self::SignIn,
            ServiceError::Forbidden(_) | ServiceError::NotFound(_) => Self::NotFound,
            ServiceError::Internal(detail) => Self::Internal(detail),
            other => Self::Refused(other.to_string()),
        }
    }
}

impl From<askama::Error> for ConsoleError {
    fn from(err: askama::Error) -> Self {
        Self::Internal(format!("template: {err}"))
    }
}

/// A rendered page, or a 500 when the template fails.
pub fn page(template: &impl Template) -> Result<Html<String>, ConsoleError> {
    Ok(Html(template.render()?))
}

impl IntoResponse for ConsoleError {
    fn into_response(self) -> Response {
        let (status, title, message) = match &self {
            Self::SignIn => return Redirect::to("/sign-in").into_response(),
            Self::NotFound => (
                StatusCode::NOT_FOUND,
                "Page not found",
                "There is nothing here you may see. Check the address, or go back to the overview.",
            ),
            Self::Csrf => (
                StatusCode::FORBIDDEN,
                "The form has expired",
                "The form was not sent from this console session. Open the page again and retry.",
            ),
            Self::Refused(reason) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "The change was refused",
                reason.as_str(),
            ),
            Self::Internal(detail) => {
                tracing::error!(%detail, "console internal error");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Something went wrong",
                    "The console could not answer. Try again in a moment.",
                )
            }
        };
        let body = ErrorPage { title, message }
            .render()
            .unwrap_or_else(|_| title.to_owned());
        let mut response = (status, Html(body)).into_response();
        // A refused form goes back to its page with the reason (`refusal`).
        if let Self::Refused(why) = self {
            response.extensions_mut().insert(Refusal(why));
        }
        response
    }
}
