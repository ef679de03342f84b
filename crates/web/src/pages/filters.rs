//! Reading a list's filter from its query string: every bad value is named at once, as on forms.

use crate::AppState;
use ingot_domain::{AppError, FieldError, OrgId, OrgPath};

/// The field problems of a filter, gathered while it is read.
#[derive(Default)]
pub struct FilterProblems(Vec<FieldError>);

impl FilterProblems {
    /// The value, or `None` with its field problems kept; any other failure (the database)
    /// stops at once.
    pub fn keep<T>(&mut self, read: Result<T, AppError>) -> Result<Option<T>, AppError> {
        match read {
            Ok(value) => Ok(Some(value)),
            Err(AppError::Validation(problems)) => {
                self.0.extend(problems);
                Ok(None)
            }
            Err(other) => Err(other),
        }
    }

    /// Every problem kept, as one validation error.
    pub fn finish(self) -> Result<(), AppError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(AppError::Validation(self.0))
        }
    }
}

/// The subtree a list is narrowed to by its `unit` value (an organisation's id), if any.
pub async fn unit_path(state: &AppState, raw: &str) -> Result<Option<OrgPath>, AppError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    let id: i64 = raw
        .parse()
        .map_err(|_| AppError::field("unit", "unknown_org"))?;
    let mut tx = state.db.read().await?;
    let org = ingot_app::orgs::named_by(&mut tx, "unit", OrgId(id)).await?;
    Ok(Some(org.path))
}
