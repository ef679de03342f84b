//! A patent's page: its particulars, the achievements it is linked to and its history; and the
//! form that changes it (granted at last, a number mistyped, an inventor missing) with the
//! version read, so a change made meanwhile is refused, and an optional reason kept in the
//! history.

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
use ingot_domain::{OrgId, PatentId};
use ingot_store::innovation::{AchievementRef, Patent};

/// Code fields of a patent, named from these catalogs in its history.
const CODES: &[(&str, &str)] = &[
    ("kind", "records.patent"),
    ("status", "records.patent_status"),
];

#[derive(Template)]
#[template(path = "records/patent.html")]
struct PatentPage {
    ctx: PageCtx,
    p: Patent,
    linked: Vec<AchievementRef>,
    history: Vec<HistoryRow>,
    can_change: bool,
}

pub async fn patent(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<PatentId>,
) -> Result<Response, Failure> {
    let caller = ctx.caller()?;
    let mut tx = state.db.read().await?;
    let (p, linked) = cases::patent(&mut tx, &caller, id).await?;
    let entries = cases::patent_history(&mut tx, &caller, id).await?;
    drop(tx);
    let can_change = cases::may_change_patent(&caller, &p);
    let history = entries
        .iter()
        .map(|e| history::row(&ctx, e, CODES))
        .collect();
    let page = PatentPage {
        ctx,
        p,
        linked,
        history,
        can_change,
    };
    Ok(render(StatusCode::OK, &page))
}

#[derive(Template)]
#[template(path = "records/patent_edit.html")]
struct EditPage {
    ctx: PageCtx,
    id: PatentId,
    units: Vec<Organisation>,
    sent: SentForm,
    errors: FormErrors,
}

async fn edit_page(
    state: &AppState,
    ctx: PageCtx,
    id: PatentId,
    (sent, errors): (SentForm, FormErrors),
    status: StatusCode,
) -> Result<Response, Failure> {
    let caller = ctx.caller()?;
    let mut tx = state.db.read().await?;
    let units = cases::record_units(&mut tx, &caller).await?;
    drop(tx);
    let page = EditPage {
        ctx,
        id,
        units,
        sent,
        errors,
    };
    Ok(render(status, &page))
}

pub async fn edit_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<PatentId>,
) -> Result<Response, Failure> {
    let caller = ctx.caller()?;
    let mut tx = state.db.read().await?;
    let (p, _) = cases::patent(&mut tx, &caller, id).await?;
    drop(tx);
    let sent = SentForm::with(&[
        ("unit_id", p.unit_id.0.to_string()),
        ("kind", p.kind.as_str().to_string()),
        ("number", p.number.clone()),
        ("title", p.title.clone()),
        ("inventors", p.inventors.clone()),
        ("applied_on", p.applied_on.to_string()),
        (
            "granted_on",
            p.granted_on.map(|d| d.to_string()).unwrap_or_default(),
        ),
        ("status", p.status.as_str().to_string()),
        ("version", p.version.to_string()),
    ]);
    edit_page(&state, ctx, id, (sent, FormErrors::none()), StatusCode::OK).await
}

/// The change as the form sends it: the particulars of the record form, the version and why.
#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct ChangeForm {
    version: Option<i64>,
    reason: String,
    unit_id: Option<OrgId>,
    kind: String,
    number: String,
    title: String,
    inventors: String,
    applied_on: String,
    granted_on: String,
    status: String,
}

impl ChangeForm {
    fn change(self) -> cases::PatentChange {
        cases::PatentChange {
            version: self.version,
            reason: Some(self.reason).filter(|r| !r.trim().is_empty()),
            patent: cases::PatentInput {
                unit_id: self.unit_id,
                kind: self.kind,
                number: self.number,
                title: self.title,
                inventors: self.inventors,
                applied_on: self.applied_on,
                granted_on: self.granted_on,
                status: self.status,
            },
        }
    }
}

pub async fn update(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<PatentId>,
    body: Bytes,
) -> Result<Response, Failure> {
    let change = decode_form::<ChangeForm>(&body).map(ChangeForm::change);
    let r = in_tx(&state, &ctx, async |tx, c| {
        cases::update_patent(tx, c, id, change.as_ref().map_err(Clone::clone)?).await
    })
    .await;
    let again = async |ctx, errors, status| {
        edit_page(&state, ctx, id, (SentForm::of(&body), errors), status).await
    };
    answer(ctx, r, &format!("/patents/{id}"), "patent_updated", again).await
}
