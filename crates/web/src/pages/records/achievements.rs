//! Innovation achievements: the list with the form for a new one, and an achievement's page with
//! its links to patents and proposals, its claimed and verified benefit, and its files.

use super::{ListQuery, RecordList, create_from_form, file_response, list_page};
use crate::AppState;
use crate::ctx::PageCtx;
use crate::error::Failure;
use crate::forms::SentForm;
use crate::forms::{FormErrors, decode_form, is_form_error};
use crate::pages::history::{self, HistoryRow};
use crate::pages::{done, in_tx, render};
use askama::Template;
use axum::Form;
use axum::body::Bytes;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use ingot_app::Caller;
use ingot_app::innovation as cases;
use ingot_domain::org::Organisation;
use ingot_domain::{AchievementFileId, AchievementId, AppError, ProposalId};
use ingot_store::Tx;
use ingot_store::innovation::AchievementItem;
use serde::de::DeserializeOwned;

#[derive(Template)]
#[template(path = "records/achievements.html")]
struct AchievementsPage {
    ctx: PageCtx,
    list: RecordList<AchievementItem>,
    units: Vec<Organisation>,
    form: SentForm,
    errors: FormErrors,
}

async fn achievements_page(
    state: &AppState,
    ctx: PageCtx,
    q: ListQuery,
    form: SentForm,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response, Failure> {
    let (list, units) = (cases::achievements, cases::record_units);
    let path = (q, "/achievements");
    list_page(state, ctx, path, list, units, status, |ctx, list, units| {
        AchievementsPage {
            ctx,
            list,
            units,
            form,
            errors,
        }
    })
    .await
}

pub async fn achievements(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(q): Query<ListQuery>,
) -> Result<Response, Failure> {
    let form = SentForm::with(&[
        ("unit_id", super::own_unit(&ctx)),
        ("kind", "process".into()),
    ]);
    achievements_page(&state, ctx, q, form, FormErrors::none(), StatusCode::OK).await
}

pub async fn create_achievement(
    State(state): State<AppState>,
    ctx: PageCtx,
    body: Bytes,
) -> Result<Response, Failure> {
    let again = async |ctx, form, errors, status| {
        achievements_page(&state, ctx, ListQuery::default(), form, errors, status).await
    };
    create_from_form(
        &state,
        ctx,
        &body,
        cases::create_achievement,
        |a| format!("/achievements/{}", a.id),
        again,
    )
    .await
}

#[derive(Template)]
#[template(path = "records/achievement.html")]
struct AchievementPage {
    ctx: PageCtx,
    d: cases::AchievementDetail,
    errors: FormErrors,
    kind: String,
    level: String,
    history: Vec<HistoryRow>,
}

/// Code fields of an achievement, named from these catalogs in its history.
const CODES: &[(&str, &str)] = &[("kind", "records.kind"), ("claimed_level", "records.level")];

async fn achievement_page(
    state: &AppState,
    ctx: PageCtx,
    id: AchievementId,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response, Failure> {
    let caller = ctx.caller()?;
    let mut tx = state.db.read().await?;
    let d = cases::achievement(&mut tx, &caller, id).await?;
    drop(tx);
    let a = &d.achievement;
    let kind = ctx
        .t(&format!("records.kind.{}", a.kind.as_str()))
        .to_string();
    let level = match a.claimed_level {
        Some(l) => ctx.t(&format!("records.level.{}", l.as_str())).to_string(),
        None => "—".to_string(),
    };
    let history = d
        .history
        .iter()
        .map(|e| history::row(&ctx, e, CODES))
        .collect();
    Ok(render(
        status,
        &AchievementPage {
            ctx,
            d,
            errors,
            kind,
            level,
            history,
        },
    ))
}

pub async fn achievement(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<AchievementId>,
) -> Result<Response, Failure> {
    achievement_page(&state, ctx, id, FormErrors::none(), StatusCode::OK).await
}

/// After a change on the achievement page: back to it, or the page again with the problems.
async fn after_change<T>(
    state: &AppState,
    ctx: PageCtx,
    id: AchievementId,
    result: Result<T, AppError>,
) -> Result<Response, Failure> {
    match result {
        Ok(_) => Ok(done(&format!("/achievements/{id}"), "saved")),
        Err(e) if is_form_error(&e) => {
            let errors = FormErrors::from_error(ctx.catalogs(), ctx.lang, &e);
            achievement_page(state, ctx, id, errors, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(Failure(e)),
    }
}

/// A change to the achievement from a form decoded into the command `I`, made by `change`.
async fn change_from_form<I: DeserializeOwned, T>(
    state: &AppState,
    ctx: PageCtx,
    id: AchievementId,
    body: &[u8],
    change: impl AsyncFnOnce(&mut Tx, &Caller<'_>, AchievementId, &I) -> Result<T, AppError>,
) -> Result<Response, Failure> {
    let result = in_tx(state, &ctx, async |tx, caller| {
        let input: I = decode_form(body)?;
        change(tx, caller, id, &input).await
    })
    .await;
    after_change(state, ctx, id, result).await
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct LinkForm {
    /// A patent's application number, or a proposal's number or id.
    pub patent_number: String,
    pub proposal_id: String,
}

pub async fn link(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<AchievementId>,
    Form(form): Form<LinkForm>,
) -> Result<Response, Failure> {
    let result = in_tx(&state, &ctx, async |tx, caller| {
        if !form.patent_number.trim().is_empty() {
            cases::link_patent_by_number(tx, caller, id, &form.patent_number).await?;
        }
        if !form.proposal_id.trim().is_empty() {
            let Ok(proposal) = form.proposal_id.trim().parse::<ProposalId>() else {
                return Err(AppError::field("proposal_id", "unknown_proposal"));
            };
            cases::link_proposal(tx, caller, id, proposal).await?;
        }
        Ok(())
    })
    .await;
    after_change(&state, ctx, id, result).await
}

pub async fn claim(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<AchievementId>,
    body: Bytes,
) -> Result<Response, Failure> {
    change_from_form(&state, ctx, id, &body, cases::claim_benefit).await
}

pub async fn verify(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<AchievementId>,
    body: Bytes,
) -> Result<Response, Failure> {
    change_from_form(&state, ctx, id, &body, cases::verify_benefit).await
}

/// A file for the achievement, checked by its contents, stored by hash.
pub async fn attach(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<AchievementId>,
    multipart: Multipart,
) -> Result<Response, Failure> {
    let result = async {
        let (name, bytes) = crate::pages::proposals::actions::read_file_field(multipart).await?;
        let (filename, content_type) = ingot_app::files::check(&name, &bytes)?;
        let caller = ctx.caller().map_err(|f| f.0)?;
        let mut tx = state.db.begin().await?;
        cases::attach(&mut tx, &caller, id, &filename, content_type, &bytes).await?;
        // Stored before the row is committed, so that a row never names a missing file.
        state.files.put(bytes).await?;
        tx.commit().await?;
        Ok::<_, AppError>(())
    }
    .await;
    after_change(&state, ctx, id, result).await
}

pub async fn download(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<AchievementFileId>,
) -> Result<Response, Failure> {
    let caller = ctx.caller()?;
    let a = {
        let mut tx = state.db.read().await?;
        cases::attachment(&mut tx, &caller, id).await?
    };
    let bytes = state.files.get(&a.sha256).await?;
    Ok(file_response(&a.filename, &a.content_type, bytes))
}
