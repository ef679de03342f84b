//! A skill or method's page: its particulars, who was trained in it, the awards it won and its
//! history; and the form that changes it with the version read, a reason required once it has
//! won an award (the award's certificate then shows it).

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
use ingot_domain::{OrgId, SkillId};
use ingot_store::innovation::{AwardRef, PersonRef, Skill};

/// Code fields of a skill, named from these catalogs in its history.
const CODES: &[(&str, &str)] = &[("kind", "records.skill")];

#[derive(Template)]
#[template(path = "records/skill.html")]
struct SkillPage {
    ctx: PageCtx,
    s: Skill,
    trainees: Vec<PersonRef>,
    awards: Vec<AwardRef>,
    history: Vec<HistoryRow>,
    can_change: bool,
}

pub async fn skill(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<SkillId>,
) -> Result<Response, Failure> {
    let caller = ctx.caller()?;
    let mut tx = state.db.read().await?;
    let (s, trainees) = cases::skill(&mut tx, &caller, id).await?;
    let (entries, awards) = cases::skill_history(&mut tx, &caller, id).await?;
    drop(tx);
    let can_change = cases::may_change_skill(&caller, &s);
    let history = entries
        .iter()
        .map(|e| history::row(&ctx, e, CODES))
        .collect();
    let page = SkillPage {
        ctx,
        s,
        trainees,
        awards,
        history,
        can_change,
    };
    Ok(render(StatusCode::OK, &page))
}

#[derive(Template)]
#[template(path = "records/skill_edit.html")]
struct EditPage {
    ctx: PageCtx,
    id: SkillId,
    units: Vec<Organisation>,
    /// It has won an award: the reason is required.
    awarded: bool,
    sent: SentForm,
    errors: FormErrors,
}

async fn edit_page(
    state: &AppState,
    ctx: PageCtx,
    id: SkillId,
    (sent, errors): (SentForm, FormErrors),
    status: StatusCode,
) -> Result<Response, Failure> {
    let caller = ctx.caller()?;
    let mut tx = state.db.read().await?;
    let units = cases::record_units(&mut tx, &caller).await?;
    let (_, awards) = cases::skill_history(&mut tx, &caller, id).await?;
    drop(tx);
    let page = EditPage {
        ctx,
        id,
        units,
        awarded: !awards.is_empty(),
        sent,
        errors,
    };
    Ok(render(status, &page))
}

pub async fn edit_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<SkillId>,
) -> Result<Response, Failure> {
    let caller = ctx.caller()?;
    let mut tx = state.db.read().await?;
    let (s, trainees) = cases::skill(&mut tx, &caller, id).await?;
    drop(tx);
    let mut pairs = vec![
        ("unit_id", s.unit_id.0.to_string()),
        ("kind", s.kind.as_str().to_string()),
        ("name", s.name.clone()),
        ("creator_name", s.creator_name.clone()),
        ("description", s.description.clone()),
        ("used_where", s.used_where.clone()),
        ("trained_count", s.trained_count.to_string()),
        ("year", s.year.to_string()),
        ("version", s.version.to_string()),
    ];
    pairs.extend(trainees.iter().map(|t| ("trainees", t.username.clone())));
    let sent = SentForm::with(&pairs);
    edit_page(&state, ctx, id, (sent, FormErrors::none()), StatusCode::OK).await
}

/// The change as the form sends it: the record form's particulars, the version and why.
#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct ChangeForm {
    version: Option<i64>,
    reason: String,
    unit_id: Option<OrgId>,
    kind: String,
    name: String,
    creator: String,
    creator_name: String,
    description: String,
    used_where: String,
    trained_count: Option<i64>,
    trainees: Vec<String>,
    year: Option<i64>,
}

impl ChangeForm {
    fn change(self) -> cases::SkillChange {
        cases::SkillChange {
            version: self.version,
            reason: Some(self.reason).filter(|r| !r.trim().is_empty()),
            skill: cases::SkillInput {
                unit_id: self.unit_id,
                kind: self.kind,
                name: self.name,
                creator: self.creator,
                creator_name: self.creator_name,
                description: self.description,
                used_where: self.used_where,
                trained_count: self.trained_count,
                trainees: self.trainees,
                year: self.year,
            },
        }
    }
}

pub async fn update(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<SkillId>,
    body: Bytes,
) -> Result<Response, Failure> {
    let change = decode_form::<ChangeForm>(&body).map(ChangeForm::change);
    let r = in_tx(&state, &ctx, async |tx, c| {
        cases::update_skill(tx, c, id, change.as_ref().map_err(Clone::clone)?).await
    })
    .await;
    let again = async |ctx, errors, status| {
        edit_page(&state, ctx, id, (SentForm::of(&body), errors), status).await
    };
    answer(ctx, r, &format!("/skills/{id}"), "skill_updated", again).await
}
