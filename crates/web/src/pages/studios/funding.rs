//! The funding form on a studio's page: a payment of special funding or spending from it.

use super::finish;
use crate::AppState;
use crate::ctx::PageCtx;
use crate::error::Failure;
use crate::forms::decode_form;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;
use ingot_app::studios as cases;
use ingot_domain::{FundingId, StudioId};

pub async fn funding_entry(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path((id, funding)): Path<(StudioId, FundingId)>,
    body: Bytes,
) -> Result<Response, Failure> {
    let r = crate::pages::in_tx(&state, &ctx, async |tx, c| {
        let input: cases::EntryInput = decode_form(&body)?;
        cases::funding_entry(tx, c, id, funding, &input).await
    })
    .await;
    finish(&state, ctx, id, r, "funding_recorded").await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_note_is_entry_note_on_the_form_and_note_in_json() {
        let form: cases::EntryInput =
            decode_form(b"_csrf=t&kind=spending&amount=12.5&entry_note=lathe").unwrap();
        let json: cases::EntryInput =
            serde_json::from_str(r#"{"kind":"spending","amount":"12.5","note":"lathe"}"#).unwrap();
        assert_eq!(
            (form.entry_note.as_str(), form.amount.as_str()),
            ("lathe", "12.5")
        );
        assert_eq!(json.entry_note, "lathe");
    }
}
