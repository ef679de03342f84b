//! Reading a list's filter from its query string. Its values are checked into one
//! `Validator` (`keep_answer`), so every bad value is named at once, as on forms.

use crate::AppState;
use ingot_domain::{AppError, OrgId, OrgPath};

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
