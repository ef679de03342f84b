//! One error type for every layer. Codes are stable snake_case strings that double as
//! translation keys (`error.<code>` and `field.<code>` in the message catalogs).

use std::fmt;

/// A problem with one input field: which field, what is wrong, and values for the message.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FieldError {
    pub field: String,
    pub code: &'static str,
    pub params: Vec<(&'static str, String)>,
}

impl FieldError {
    pub fn new(field: impl Into<String>, code: &'static str) -> Self {
        FieldError {
            field: field.into(),
            code,
            params: Vec::new(),
        }
    }

    pub fn with(mut self, name: &'static str, value: impl fmt::Display) -> Self {
        self.params.push((name, value.to_string()));
        self
    }
}

#[derive(Debug, Clone)]
pub enum AppError {
    /// The object does not exist, or the actor may not know that it exists.
    NotFound { what: &'static str },
    /// The actor is known but the policy does not allow the action.
    Forbidden { code: &'static str },
    /// No valid credentials: not signed in, session expired, bad password, locked, revoked token.
    Unauthenticated { code: &'static str },
    /// The input is invalid; every problem is listed against its field.
    Validation(Vec<FieldError>),
    /// The change contradicts the current state (a duplicate, an order rule, a record in use).
    Conflict {
        code: &'static str,
        field: Option<&'static str>,
    },
    /// Too many requests from one client address or for one account; try again after the
    /// given number of seconds (sent as `Retry-After`).
    TooManyRequests { retry_after_secs: u64 },
    /// A service Ingot depends on (the directory for sign-in) does not answer; the request
    /// may succeed later. The code names the service for the message.
    Unavailable { code: &'static str },
    /// Anything else. The text is logged, never shown to users.
    Internal(String),
}

impl AppError {
    pub fn not_found(what: &'static str) -> Self {
        AppError::NotFound { what }
    }

    pub fn forbidden() -> Self {
        AppError::Forbidden { code: "forbidden" }
    }

    pub fn conflict(code: &'static str) -> Self {
        AppError::Conflict { code, field: None }
    }

    pub fn conflict_on(field: &'static str, code: &'static str) -> Self {
        AppError::Conflict {
            code,
            field: Some(field),
        }
    }

    pub fn field(field: impl Into<String>, code: &'static str) -> Self {
        AppError::Validation(vec![FieldError::new(field, code)])
    }

    pub fn internal(message: impl fmt::Display) -> Self {
        AppError::Internal(message.to_string())
    }

    /// The stable code sent to API clients and used as the translation key.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::NotFound { .. } => "not_found",
            AppError::Forbidden { code } => code,
            AppError::Unauthenticated { code } => code,
            AppError::Validation(_) => "validation_failed",
            AppError::Conflict { code, .. } => code,
            AppError::TooManyRequests { .. } => "too_many_requests",
            AppError::Unavailable { code } => code,
            AppError::Internal(_) => "internal",
        }
    }

    /// Field errors, including a conflict tied to one field (such as a taken username).
    pub fn field_errors(&self) -> Vec<FieldError> {
        match self {
            AppError::Validation(errors) => errors.clone(),
            AppError::Conflict {
                code,
                field: Some(field),
            } => vec![FieldError::new(*field, code)],
            _ => Vec::new(),
        }
    }
}

impl fmt::Display for AppError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AppError::NotFound { what } => write!(f, "{what} not found"),
            AppError::Validation(errors) => {
                write!(f, "validation failed:")?;
                for e in errors {
                    write!(f, " {}={}", e.field, e.code)?;
                }
                Ok(())
            }
            AppError::Internal(message) => write!(f, "internal error: {message}"),
            other => f.write_str(other.code()),
        }
    }
}

impl std::error::Error for AppError {}
