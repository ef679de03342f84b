//! A title or honour's page: who holds it, from whom, the certificate of the campaign it was won
//! in and its history; and the form that changes it with the version read, a reason required
//! for a title won in a campaign.

use crate::AppState;
use crate::ctx::PageCtx;
use crate::error::Failure;
use crate::forms::{FormErrors, SentForm, decode_form};
use crate::pages::history::{self, HistoryRow};
use crate::pages::{answer, in_tx, render};
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use ingot_app::innovation as cases;
use ingot_domain::org::Organisation;
use ingot_domain::{OrgId, TitleId};
use ingot_store::innovation::Title;

/// Code fields of a title, named from these catalogs in its history.
const CODES: &[(&str, &str)] = &[("level", "records.honour")];

#[derive(Template)]
#[template(path = "records/title.html")]
struct TitlePage {
    ctx: PageCtx,
    t: Title,
    history: Vec<HistoryRow>,
    can_change: bool,
}

pub async fn title(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<TitleId>,
) -> Result<Response, Failure> {
    let caller = ctx.caller()?;
    let mut tx = state.db.read().await?;
    let (t, entries) = cases::title(&mut tx, &caller, id).await?;
    drop(tx);
    let can_change = cases::may_change_title(&caller, &t);
    let history = entries
        .iter()
        .map(|e| history::row(&ctx, e, CODES))
        .collect();
    let page = TitlePage {
        ctx,
        t,
        history,
        can_change,
    };
    Ok(render(StatusCode::OK, &page))
}

#[derive(Template)]
#[template(path = "records/title_edit.html")]
struct EditPage {
    ctx: PageCtx,
    id: TitleId,
    bodies: Vec<Organisation>,
    /// Won in a campaign: the reason is required.
    won: bool,
    form: SentForm,
    errors: FormErrors,
}

async fn edit_page(
    state: &AppState,
    ctx: PageCtx,
    id: TitleId,
    (form, errors): (SentForm, FormErrors),
    status: StatusCode,
) -> Result<Response, Failure> {
    let caller = ctx.caller()?;
    let mut tx = state.db.read().await?;
    let bodies = cases::granting_bodies(&mut tx, &caller).await?;
    let (t, _) = cases::title(&mut tx, &caller, id).await?;
    drop(tx);
    let page = EditPage {
        ctx,
        id,
        bodies,
        won: t.declaration_id.is_some(),
        form,
        errors,
    };
    Ok(render(status, &page))
}

pub async fn edit_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<TitleId>,
) -> Result<Response, Failure> {
    let caller = ctx.caller()?;
    let mut tx = state.db.read().await?;
    let (t, _) = cases::title(&mut tx, &caller, id).await?;
    let holder = ingot_store::users::get(&mut tx, t.user_id)
        .await?
        .map(|u| u.username)
        .unwrap_or_default();
    drop(tx);
    let form = SentForm::with(&[
        ("holder", holder),
        ("name", t.name.clone()),
        ("granted_by", t.granted_by.0.to_string()),
        ("year", t.year.to_string()),
        ("level", t.level.as_str().to_string()),
        ("version", t.version.to_string()),
    ]);
    edit_page(&state, ctx, id, (form, FormErrors::none()), StatusCode::OK).await
}

/// The change as the form sends it: the record form's particulars, the version and why.
#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct ChangeForm {
    version: Option<i64>,
    reason: String,
    holder: String,
    name: String,
    granted_by: Option<OrgId>,
    year: Option<i64>,
    level: String,
}

impl ChangeForm {
    fn change(self) -> cases::TitleChange {
        cases::TitleChange {
            version: self.version,
            reason: Some(self.reason).filter(|r| !r.trim().is_empty()),
            title: cases::TitleInput {
                holder: self.holder,
                name: self.name,
                granted_by: self.granted_by,
                year: self.year,
                level: self.level,
            },
        }
    }
}

pub async fn update(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<TitleId>,
    body: Bytes,
) -> Result<Response, Failure> {
    let change = decode_form::<ChangeForm>(&body).map(ChangeForm::change);
    let r = in_tx(&state, &ctx, async |tx, c| {
        cases::update_title(tx, c, id, change.as_ref().map_err(Clone::clone)?).await
    })
    .await;
    let again = async |ctx, errors, status| {
        edit_page(&state, ctx, id, (SentForm::of(&body), errors), status).await
    };
    answer(ctx, r, &format!("/titles/{id}"), "title_updated", again).await
}
