//! The form that changes an achievement: its particulars and team, the links it keeps, the
//! version read, and a reason required once it has won an award (the award's certificate then
//! shows it).

use crate::AppState;
use crate::ctx::PageCtx;
use crate::error::Failure;
use crate::forms::{FormErrors, SentForm, decode_form};
use crate::pages::{answer, in_tx, render};
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use ingot_app::innovation as cases;
use ingot_domain::org::Organisation;
use ingot_domain::{AchievementId, OrgId, PatentId, ProposalId};
use ingot_store::innovation::{Patent, ProposalRef};

#[derive(Template)]
#[template(path = "records/achievement_edit.html")]
struct EditPage {
    ctx: PageCtx,
    id: AchievementId,
    units: Vec<Organisation>,
    /// The links it has now, each kept while its box stays ticked.
    patents: Vec<Patent>,
    proposals: Vec<ProposalRef>,
    /// It has won an award: the reason is required.
    awarded: bool,
    form: SentForm,
    errors: FormErrors,
}

async fn edit_page(
    state: &AppState,
    ctx: PageCtx,
    id: AchievementId,
    (form, errors): (SentForm, FormErrors),
    status: StatusCode,
) -> Result<Response, Failure> {
    let caller = ctx.caller()?;
    let mut tx = state.db.read().await?;
    let units = cases::record_units(&mut tx, &caller).await?;
    let d = cases::achievement(&mut tx, &caller, id).await?;
    drop(tx);
    let page = EditPage {
        ctx,
        id,
        units,
        patents: d.patents,
        proposals: d.proposals,
        awarded: !d.awards.is_empty(),
        form,
        errors,
    };
    Ok(render(status, &page))
}

pub async fn edit_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<AchievementId>,
) -> Result<Response, Failure> {
    let caller = ctx.caller()?;
    let mut tx = state.db.read().await?;
    let d = cases::achievement(&mut tx, &caller, id).await?;
    drop(tx);
    let a = &d.achievement;
    let shown = |v: &Option<String>| v.clone().unwrap_or_default();
    let date = |v: Option<ingot_domain::time::Date>| v.map(|d| d.to_string()).unwrap_or_default();
    let mut pairs = vec![
        ("unit_id", a.unit_id.0.to_string()),
        ("title", a.title.clone()),
        ("summary", a.summary.clone()),
        ("field", a.field.clone()),
        ("kind", a.kind.as_str().to_string()),
        (
            "claimed_level",
            a.claimed_level
                .map(|l| l.as_str().to_string())
                .unwrap_or_default(),
        ),
        ("started_on", date(a.started_on)),
        ("finished_on", date(a.finished_on)),
        ("year", a.year.to_string()),
        ("award", shown(&a.award)),
        ("in_production_since", shown(&a.in_production_since)),
        ("production_site", shown(&a.production_site)),
        ("version", a.version.to_string()),
    ];
    pairs.extend(
        d.completers
            .iter()
            .map(|c| ("completers", c.username.clone())),
    );
    pairs.extend(d.patents.iter().map(|p| ("patent_ids", p.id.to_string())));
    pairs.extend(
        d.proposals
            .iter()
            .map(|p| ("proposal_ids", p.id.to_string())),
    );
    let form = SentForm::with(&pairs);
    edit_page(&state, ctx, id, (form, FormErrors::none()), StatusCode::OK).await
}

/// The change as the form sends it: the record form's particulars, the links kept, the version
/// and why.
#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct ChangeForm {
    version: Option<i64>,
    reason: String,
    unit_id: Option<OrgId>,
    title: String,
    summary: String,
    field: String,
    kind: String,
    claimed_level: String,
    started_on: String,
    finished_on: String,
    year: Option<i64>,
    award: String,
    in_production_since: String,
    production_site: String,
    completers: Vec<String>,
    patent_ids: Vec<PatentId>,
    proposal_ids: Vec<ProposalId>,
}

impl ChangeForm {
    fn change(self) -> cases::AchievementChange {
        cases::AchievementChange {
            version: self.version,
            reason: Some(self.reason).filter(|r| !r.trim().is_empty()),
            achievement: cases::AchievementInput {
                unit_id: self.unit_id,
                title: self.title,
                summary: self.summary,
                field: self.field,
                kind: self.kind,
                claimed_level: self.claimed_level,
                started_on: self.started_on,
                finished_on: self.finished_on,
                year: self.year,
                award: self.award,
                in_production_since: self.in_production_since,
                production_site: self.production_site,
                completers: self.completers,
                patent_ids: self.patent_ids,
                proposal_ids: self.proposal_ids,
            },
        }
    }
}

pub async fn update(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<AchievementId>,
    body: Bytes,
) -> Result<Response, Failure> {
    let change = decode_form::<ChangeForm>(&body).map(ChangeForm::change);
    let r = in_tx(&state, &ctx, async |tx, c| {
        cases::update_achievement(tx, c, id, change.as_ref().map_err(Clone::clone)?).await
    })
    .await;
    let again = async |ctx, errors, status| {
        edit_page(&state, ctx, id, (SentForm::of(&body), errors), status).await
    };
    answer(
        ctx,
        r,
        &format!("/achievements/{id}"),
        "achievement_updated",
        again,
    )
    .await
}
