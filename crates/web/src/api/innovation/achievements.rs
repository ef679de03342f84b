//! Achievements: the list with its export, recording one with its ranked completers and the
//! patents and proposals it came from, the benefit claimed and verified, and attached files.

use super::patents::PatentDto;
use super::{PersonRefDto, RecordQuery, created, in_tx};
use crate::AppState;
use crate::api::proposal_dto::{FileBytes, SpreadsheetQuery};
use crate::api::{ApiCtx, JsonBody};
use crate::error::{ErrorBody, Failure};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use ingot_app::Caller;
use ingot_app::innovation as cases;
use ingot_app::innovation::transfer::RecordKind;
use ingot_domain::innovation::{AchievementKind, ClaimedLevel};
use ingot_domain::{AchievementFileId, AchievementId, AppError};
use ingot_store::Tx;
use ingot_store::innovation::{Achievement, AchievementItem, ProposalRef};
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct AchievementItemDto {
    pub id: i64,
    pub title: String,
    pub unit_id: i64,
    pub unit_name: String,
    pub field: String,
    pub kind: AchievementKind,
    pub claimed_level: Option<ClaimedLevel>,
    pub year: i64,
    pub award: Option<String>,
    pub first_completer: Option<String>,
    pub benefit_claimed_cents: Option<i64>,
    pub benefit_verified_cents: Option<i64>,
}

impl From<AchievementItem> for AchievementItemDto {
    fn from(a: AchievementItem) -> Self {
        AchievementItemDto {
            id: a.id,
            title: a.title,
            unit_id: a.unit_id,
            unit_name: a.unit_name,
            field: a.field,
            kind: a.kind,
            claimed_level: a.claimed_level,
            year: a.year,
            award: a.award,
            first_completer: a.first_completer,
            benefit_claimed_cents: a.benefit_claimed_cents,
            benefit_verified_cents: a.benefit_verified_cents,
        }
    }
}

list_endpoints! {
    /// Achievements the caller may see, filtered.
    list_achievements("/achievements") -> AchievementListDto of AchievementItemDto;
    /// The filtered achievements as a CSV or XLSX file.
    export_achievements("/achievements/export") as RecordKind::Achievements;
    cases::achievements
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = RecordProposalRefDto)]
pub struct ProposalRefDto {
    pub id: i64,
    pub number: Option<String>,
    pub title: String,
}

impl From<ProposalRef> for ProposalRefDto {
    fn from(p: ProposalRef) -> Self {
        ProposalRefDto {
            id: p.id,
            number: p.number,
            title: p.title,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AchievementDto {
    pub id: i64,
    pub unit_id: i64,
    pub unit_name: String,
    pub title: String,
    pub summary: String,
    pub field: String,
    /// process, equipment, material, method, software.
    pub kind: String,
    /// international_leading, international_advanced, domestic_first, domestic_leading,
    /// domestic_advanced, industry_leading.
    pub claimed_level: Option<String>,
    pub started_on: Option<String>,
    pub finished_on: Option<String>,
    pub year: i64,
    pub award: Option<String>,
    pub in_production_since: Option<String>,
    pub production_site: Option<String>,
    /// The calculation method of the claim: cost, time or free.
    pub benefit_method: Option<String>,
    pub benefit_note: Option<String>,
    pub benefit_claimed_cents: Option<i64>,
    pub benefit_verified_cents: Option<i64>,
    pub benefit_verify_note: Option<String>,
    /// Verified figures are locked.
    pub benefit_locked: bool,
    pub version: i64,
}

impl From<Achievement> for AchievementDto {
    fn from(a: Achievement) -> Self {
        AchievementDto {
            id: a.id,
            unit_id: a.unit_id.0,
            unit_name: a.unit_name,
            title: a.title,
            summary: a.summary,
            field: a.field,
            kind: a.kind.as_str().into(),
            claimed_level: a.claimed_level.map(|l| l.as_str().into()),
            started_on: a.started_on.map(|d| d.to_string()),
            finished_on: a.finished_on.map(|d| d.to_string()),
            year: a.year,
            award: a.award,
            in_production_since: a.in_production_since,
            production_site: a.production_site,
            benefit_method: a.benefit.as_ref().map(|b| b.method().into()),
            benefit_note: a.benefit_note,
            benefit_claimed_cents: a.benefit_claimed_cents,
            benefit_verified_cents: a.benefit_verified_cents,
            benefit_verify_note: a.benefit_verify_note,
            benefit_locked: a.benefit_verified_at.is_some(),
            version: a.version,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AchievementDetailDto {
    pub achievement: AchievementDto,
    pub attachments: Vec<AchievementFileDto>,
    /// By rank, the first completer first.
    pub completers: Vec<PersonRefDto>,
    pub patents: Vec<PatentDto>,
    pub proposals: Vec<ProposalRefDto>,
    /// The awards it won in announced campaigns; a change then needs its reason.
    pub awards: Vec<super::skills::AwardRefDto>,
    /// What was recorded about it, newest first: edits with before, after and why.
    pub history: Vec<crate::api::dto::AuditEntryDto>,
    pub can_manage: bool,
    pub can_verify: bool,
}

/// A file attached to an achievement; download it from `/achievement-files/{id}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct AchievementFileDto {
    pub id: i64,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
}

impl From<ingot_store::innovation::AchievementAttachment> for AchievementFileDto {
    fn from(a: ingot_store::innovation::AchievementAttachment) -> Self {
        AchievementFileDto {
            id: a.id,
            filename: a.filename,
            content_type: a.content_type,
            size: a.size,
            sha256: a.sha256,
        }
    }
}

/// Records an achievement with its ranked completers and the patents and proposals it came from.
#[utoipa::path(post, path = "/achievements", tag = "innovation", request_body = cases::AchievementInput,
    responses((status = 201, body = AchievementDetailDto), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn create_achievement(
    State(state): State<AppState>,
    api: ApiCtx,
    JsonBody(input): JsonBody<cases::AchievementInput>,
) -> Result<Response, Failure> {
    let detail = in_tx(&state, &api, async |tx, caller| {
        let a = cases::create_achievement(tx, caller, &input).await?;
        cases::achievement(tx, caller, AchievementId(a.id)).await
    })
    .await?;
    Ok(created(detail_dto(detail)))
}

fn detail_dto(d: cases::AchievementDetail) -> AchievementDetailDto {
    AchievementDetailDto {
        attachments: d.attachments.into_iter().map(Into::into).collect(),
        achievement: d.achievement.into(),
        completers: d.completers.into_iter().map(Into::into).collect(),
        patents: d.patents.into_iter().map(Into::into).collect(),
        proposals: d.proposals.into_iter().map(Into::into).collect(),
        awards: d.awards.into_iter().map(Into::into).collect(),
        history: d.history.into_iter().map(Into::into).collect(),
        can_manage: d.can_manage,
        can_verify: d.can_verify,
    }
}

/// Runs `change` to the achievement and answers with the achievement as it then is.
async fn changed(
    state: &AppState,
    api: &ApiCtx,
    id: AchievementId,
    change: impl AsyncFnOnce(&mut Tx, &Caller<'_>) -> Result<(), AppError>,
) -> Result<Json<AchievementDetailDto>, Failure> {
    let d = in_tx(state, api, async |tx, caller| {
        change(tx, caller).await?;
        cases::achievement(tx, caller, id).await
    })
    .await?;
    Ok(Json(detail_dto(d)))
}

/// One achievement with its team, patents and proposals.
#[utoipa::path(get, path = "/achievements/{id}", tag = "innovation", params(("id" = i64, Path)),
    responses((status = 200, body = AchievementDetailDto), (status = 404, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn get_achievement(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<AchievementId>,
) -> Result<Json<AchievementDetailDto>, Failure> {
    let mut tx = state.db.read().await?;
    let d = cases::achievement(&mut tx, &api.caller(), id).await?;
    Ok(Json(detail_dto(d)))
}

/// Changes an achievement: every particular again (the team by rank; the patents and proposals
/// given replace its links), with the version read and why (required once it has won an award;
/// its certificate then shows the reason). The benefit keeps its own claim and verification.
#[utoipa::path(patch, path = "/achievements/{id}", tag = "innovation", params(("id" = i64, Path)),
    request_body = cases::AchievementChange,
    responses((status = 200, body = AchievementDetailDto), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn update_achievement(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<AchievementId>,
    JsonBody(change): JsonBody<cases::AchievementChange>,
) -> Result<Json<AchievementDetailDto>, Failure> {
    changed(&state, &api, id, async |tx, caller| {
        cases::update_achievement(tx, caller, id, &change).await?;
        Ok(())
    })
    .await
}

/// Links a patent to the achievement.
#[utoipa::path(post, path = "/achievements/{id}/patents", tag = "innovation", params(("id" = i64, Path)),
    request_body = cases::LinkPatentInput,
    responses((status = 200, body = AchievementDetailDto), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn link_patent(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<AchievementId>,
    JsonBody(b): JsonBody<cases::LinkPatentInput>,
) -> Result<Json<AchievementDetailDto>, Failure> {
    changed(&state, &api, id, async |tx, caller| {
        cases::link_patent(tx, caller, id, b.patent_id).await
    })
    .await
}

/// Links an improvement proposal the achievement grew out of.
#[utoipa::path(post, path = "/achievements/{id}/proposals", tag = "innovation", params(("id" = i64, Path)),
    request_body = cases::LinkProposalInput,
    responses((status = 200, body = AchievementDetailDto), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn link_proposal(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<AchievementId>,
    JsonBody(b): JsonBody<cases::LinkProposalInput>,
) -> Result<Json<AchievementDetailDto>, Failure> {
    changed(&state, &api, id, async |tx, caller| {
        cases::link_proposal(tx, caller, id, b.proposal_id).await
    })
    .await
}

/// Claims the achievement's economic benefit (the same calculation as a proposal's).
#[utoipa::path(post, path = "/achievements/{id}/benefit", tag = "innovation", params(("id" = i64, Path)),
    request_body = cases::ClaimInput,
    responses((status = 200, body = AchievementDto), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn claim_benefit(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<AchievementId>,
    JsonBody(input): JsonBody<cases::ClaimInput>,
) -> Result<Json<AchievementDto>, Failure> {
    let a = in_tx(&state, &api, async |tx, caller| {
        cases::claim_benefit(tx, caller, id, &input).await
    })
    .await?;
    Ok(Json(a.into()))
}

/// Finance verifies or corrects the claimed benefit, which then locks.
#[utoipa::path(post, path = "/achievements/{id}/benefit/verify", tag = "innovation", params(("id" = i64, Path)),
    request_body = cases::VerifyInput,
    responses((status = 200, body = AchievementDto), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn verify_benefit(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<AchievementId>,
    JsonBody(input): JsonBody<cases::VerifyInput>,
) -> Result<Json<AchievementDto>, Failure> {
    let a = in_tx(&state, &api, async |tx, caller| {
        cases::verify_benefit(tx, caller, id, &input).await
    })
    .await?;
    Ok(Json(a.into()))
}

/// Attaches a file (multipart field `file`): images, PDF or office documents up to 10 MB whose
/// contents match their name, stored by SHA-256 like proposals' files.
#[utoipa::path(post, path = "/achievements/{id}/attachments", tag = "innovation", params(("id" = i64, Path)),
    request_body(content = inline(crate::api::proposal_dto::UploadForm), content_type = "multipart/form-data"),
    responses((status = 201, body = AchievementFileDto), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn upload_attachment(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<AchievementId>,
    multipart: axum::extract::Multipart,
) -> Result<Response, Failure> {
    let (name, bytes) = crate::pages::proposals::actions::read_file_field(multipart).await?;
    let (filename, content_type) = ingot_app::files::check(&name, &bytes)?;
    let mut tx = state.db.begin().await?;
    let a = cases::attach(&mut tx, &api.caller(), id, &filename, content_type, &bytes).await?;
    // Stored before the row is committed, so that a row never names a missing file.
    state.files.put(bytes).await?;
    tx.commit().await?;
    Ok(created(AchievementFileDto::from(a)))
}

/// Downloads a file attached to an achievement, as it was uploaded.
#[utoipa::path(get, path = "/achievement-files/{id}", tag = "innovation", params(("id" = i64, Path)),
    responses((status = 200, body = FileBytes, content_type = "application/octet-stream",
            description = "The file, with its own Content-Type and `Content-Disposition: attachment`"),
        (status = 404, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn download_attachment(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<AchievementFileId>,
) -> Result<Response, Failure> {
    let a = {
        let mut tx = state.db.read().await?;
        cases::attachment(&mut tx, &api.caller(), id).await?
    };
    let bytes = state.files.get(&a.sha256).await?;
    Ok(crate::pages::records::file_response(
        &a.filename,
        &a.content_type,
        bytes,
    ))
}
