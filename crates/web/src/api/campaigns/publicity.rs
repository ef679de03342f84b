//! Publicity (公示) of the decided list: opening it, the public list, objections lodged by
//! anyone and their outcomes, and the numbered announcement that ends it.

use super::{CampaignDto, IdDto, MaybeApi};
use crate::AppState;
use crate::api::{ApiCtx, JsonBody, accept_language};
use crate::error::{ErrorBody, Failure};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use ingot_app::Caller;
use ingot_app::campaigns as cases;
use ingot_domain::audit::RequestOrigin;
use ingot_domain::campaign::{ObjectionStatus, RecordType, Tier};
use ingot_domain::{AppError, CampaignId, ObjectionId};
use ingot_store::campaigns::Declaration;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct PublicEntryDto {
    pub declaration_id: i64,
    pub number: i64,
    pub title: String,
    pub unit_name: String,
    pub participant_name: String,
    pub first_completer_name: Option<String>,
    pub tier: Tier,
    /// What won: an achievement, a skill or method, a proposal or a person (titles).
    pub record_type: RecordType,
    pub record_id: i64,
    /// A winning proposal's verified benefit in fen.
    pub benefit_verified_cents: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct PublicityDto {
    pub campaign: CampaignDto,
    pub publicity_end: Option<String>,
    /// Whether objections may be lodged today.
    pub open: bool,
    pub entries: Vec<PublicEntryDto>,
}

#[derive(Serialize, ToSchema)]
pub struct ObjectionDto {
    pub id: i64,
    pub declaration_id: i64,
    pub name: String,
    pub contact: String,
    pub text: String,
    pub status: ObjectionStatus,
    pub outcome: Option<String>,
}

/// Opens the publicity period (公示) of the decided list.
#[utoipa::path(post, path = "/campaigns/{id}/publicity", tag = "campaigns", params(("id" = i64, Path)),
    request_body = cases::PublicityInput,
    responses((status = 200, body = PublicityDto), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn open_publicity(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<CampaignId>,
    JsonBody(input): JsonBody<cases::PublicityInput>,
) -> Result<Json<PublicityDto>, Failure> {
    let mut tx = state.db.begin().await?;
    cases::open_publicity(&mut tx, &api.caller(), id, &input).await?;
    tx.commit().await?;
    Ok(Json(
        publicity_of(&state, Some(&api.caller()), &api.origin, id).await?,
    ))
}

/// The list as published; the campaign's staff also see it before its first day.
async fn publicity_of(
    state: &AppState,
    caller: Option<&Caller<'_>>,
    origin: &RequestOrigin,
    id: CampaignId,
) -> Result<PublicityDto, AppError> {
    let mut tx = state.db.read().await?;
    let today = origin.today();
    let d = cases::detail(&mut tx, caller, id, today).await?;
    if !d.results_public && !d.manage {
        return Err(AppError::not_found("publicity"));
    }
    let start = d
        .campaign
        .publicity_start
        .as_deref()
        .and_then(ingot_domain::time::Date::parse);
    let end = cases::publicity_end(&d.campaign);
    let open = d.stage == ingot_domain::campaign::Stage::Publicity
        && start.is_some_and(|s| today >= s)
        && end.is_some_and(|e| today < e);
    Ok(PublicityDto {
        campaign: CampaignDto::from(&d.campaign),
        publicity_end: d.publicity_end.clone(),
        open,
        entries: public_entries(&d.declarations),
    })
}

fn public_entries(ds: &[Declaration]) -> Vec<PublicEntryDto> {
    let mut out: Vec<PublicEntryDto> = ds
        .iter()
        .filter_map(|d| {
            Some(PublicEntryDto {
                declaration_id: d.id,
                number: d.number,
                title: d.title.clone(),
                unit_name: d.unit_name.clone(),
                participant_name: d.participant_name.clone(),
                first_completer_name: d.first_completer_name.clone(),
                tier: d.tier?,
                record_type: d.record_type,
                record_id: d.record_id,
                benefit_verified_cents: d.benefit_verified_cents,
            })
        })
        .collect();
    out.sort_by_key(|e| (e.tier, e.number));
    out
}

/// The public list (no credentials needed) once publicity has started.
#[utoipa::path(get, path = "/campaigns/{id}/publicity", tag = "campaigns", params(("id" = i64, Path)),
    responses((status = 200, body = PublicityDto), (status = 404, body = ErrorBody)),
    security((), ("bearer" = []), ("session" = [])))]
pub(super) async fn publicity(
    State(state): State<AppState>,
    who: MaybeApi,
    Path(id): Path<CampaignId>,
) -> Result<Json<PublicityDto>, Failure> {
    Ok(Json(
        publicity_of(&state, who.user().as_ref(), &who.origin, id).await?,
    ))
}

/// Lodges an objection to a listed award (anyone, during the publicity period only).
#[utoipa::path(post, path = "/campaigns/{id}/objections", tag = "campaigns", params(("id" = i64, Path)),
    request_body = cases::ObjectionInput,
    responses((status = 201, body = IdDto), (status = 409, body = ErrorBody, description = "`publicity_closed`"), (status = 422, body = ErrorBody),
        (status = 429, body = ErrorBody, description = "too many objections from this address: wait for `Retry-After` seconds")),
    security((), ("bearer" = []), ("session" = [])))]
pub(super) async fn object(
    State(state): State<AppState>,
    who: MaybeApi,
    Path(id): Path<CampaignId>,
    JsonBody(input): JsonBody<cases::ObjectionInput>,
) -> Result<Response, Failure> {
    crate::request::throttle_objections(&state, &who.origin).await?;
    let mut tx = state.db.begin().await?;
    let o = cases::object(&mut tx, &who.caller(), id, &input).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(IdDto { id: o.0 })).into_response())
}

/// The objections lodged, for the campaign's staff.
#[utoipa::path(get, path = "/campaigns/{id}/objections", tag = "campaigns", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<ObjectionDto>), (status = 403, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn objections(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<CampaignId>,
) -> Result<Json<Vec<ObjectionDto>>, Failure> {
    let mut tx = state.db.read().await?;
    let list = cases::objections(&mut tx, &api.caller(), id).await?;
    Ok(Json(
        list.into_iter()
            .map(|o| ObjectionDto {
                id: o.id,
                declaration_id: o.declaration_id,
                name: o.name,
                contact: o.contact,
                text: o.text,
                status: o.status,
                outcome: o.outcome,
            })
            .collect(),
    ))
}

/// Records the outcome of the staff's investigation of an objection.
#[utoipa::path(post, path = "/objections/{id}/outcome", tag = "campaigns", params(("id" = i64, Path)),
    request_body = cases::OutcomeInput,
    responses((status = 204), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn decide_objection(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<ObjectionId>,
    JsonBody(input): JsonBody<cases::OutcomeInput>,
) -> Result<StatusCode, Failure> {
    let mut tx = state.db.begin().await?;
    cases::decide_objection(&mut tx, &api.caller(), id, &input).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, ToSchema)]
pub struct DismissedDto {
    pub dismissed: i64,
}

/// Dismisses many open objections at once (a flood must not hold up the announcement).
#[utoipa::path(post, path = "/campaigns/{id}/objections/dismiss", tag = "campaigns", params(("id" = i64, Path)),
    request_body = cases::DismissInput,
    responses((status = 200, body = DismissedDto), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn dismiss_objections(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<CampaignId>,
    JsonBody(input): JsonBody<cases::DismissInput>,
) -> Result<Json<DismissedDto>, Failure> {
    let mut tx = state.db.begin().await?;
    let n = cases::dismiss_objections(&mut tx, &api.caller(), id, &input).await?;
    tx.commit().await?;
    Ok(Json(DismissedDto {
        dismissed: n as i64,
    }))
}

/// Publishes the results with a notice number after the publicity period.
#[utoipa::path(post, path = "/campaigns/{id}/announcement", tag = "campaigns", params(("id" = i64, Path)),
    request_body = cases::AnnounceInput,
    responses((status = 200, body = PublicityDto), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub(super) async fn announce(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<CampaignId>,
    JsonBody(input): JsonBody<cases::AnnounceInput>,
) -> Result<Json<PublicityDto>, Failure> {
    let mut tx = state.db.begin().await?;
    cases::announce(&mut tx, &api.caller(), id, &input).await?;
    tx.commit().await?;
    Ok(Json(
        publicity_of(&state, Some(&api.caller()), &api.origin, id).await?,
    ))
}

/// An award as its public verification page states it: who, what, which tier, which notice, and
/// whether it stands.
#[derive(Serialize, ToSchema)]
pub struct CertificateDto {
    pub declaration_id: i64,
    pub title: String,
    pub unit_name: String,
    pub first_completer_name: Option<String>,
    pub tier: Tier,
    pub campaign_id: i64,
    pub campaign_title: String,
    pub organiser: String,
    pub notice_number: Option<String>,
    pub announced_on: Option<String>,
    /// The award stands as announced (an award not announced, or not awarded, is a 404).
    pub stands: bool,
}

/// The award behind a certificate (no credentials needed): what its QR code's page says.
#[utoipa::path(get, path = "/certificates/{id}", tag = "campaigns", params(("id" = i64, Path)),
    responses((status = 200, body = CertificateDto), (status = 404, body = ErrorBody)),
    security((), ("bearer" = []), ("session" = [])))]
pub(super) async fn certificate(
    State(state): State<AppState>,
    _who: MaybeApi,
    Path(id): Path<ingot_domain::DeclarationId>,
) -> Result<Json<CertificateDto>, Failure> {
    let mut tx = state.db.read().await?;
    let (c, d, tier) = cases::certificate(&mut tx, id).await?;
    Ok(Json(CertificateDto {
        declaration_id: d.id,
        title: d.title,
        unit_name: d.unit_name,
        first_completer_name: d.first_completer_name,
        tier,
        campaign_id: c.id,
        campaign_title: c.title,
        organiser: c.org_name,
        notice_number: c.notice_number,
        announced_on: c.announced_on.map(|d| d.to_string()),
        stands: true,
    }))
}

/// The award's certificate as a PDF in the caller's language (`Accept-Language`), a Chinese font
/// embedded, with the QR code of its public verification page.
#[utoipa::path(get, path = "/certificates/{id}/pdf", tag = "campaigns", params(("id" = i64, Path)),
    responses(
        (status = 200, description = "The PDF", content((crate::api::proposal_dto::FileBytes = "application/pdf"))),
        (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "`pdf_font_missing`: the server has no Chinese font")),
    security((), ("bearer" = []), ("session" = [])))]
pub(super) async fn certificate_pdf(
    State(state): State<AppState>,
    _who: MaybeApi,
    headers: axum::http::HeaderMap,
    Path(id): Path<ingot_domain::DeclarationId>,
) -> Result<Response, Failure> {
    let mut tx = state.db.read().await?;
    let award = cases::certificate(&mut tx, id).await?;
    drop(tx);
    let lang = accept_language(&headers);
    let base = crate::documents::public_base(state.config.public_url.as_deref(), &headers);
    let cert = crate::documents::certificate(&state.catalogs, lang, &base, &award);
    let file = format!("certificate-{}.pdf", award.1.id);
    Ok(crate::documents::pdf(&file, move |font| {
        ingot_documents::certificate_pdf(font, &cert)
    })
    .await?)
}

/// The announcement with its list of winners by tier, printed as a PDF in the caller's language
/// (`Accept-Language`), a Chinese font embedded (no credentials needed).
#[utoipa::path(get, path = "/campaigns/{id}/announcement/pdf", tag = "campaigns", params(("id" = i64, Path)),
    responses(
        (status = 200, description = "The PDF", content((crate::api::proposal_dto::FileBytes = "application/pdf"))),
        (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "`pdf_font_missing`: the server has no Chinese font")),
    security((), ("bearer" = []), ("session" = [])))]
pub(super) async fn announcement_pdf(
    State(state): State<AppState>,
    who: MaybeApi,
    headers: axum::http::HeaderMap,
    Path(id): Path<CampaignId>,
) -> Result<Response, Failure> {
    let asked = (accept_language(&headers), "pdf");
    Ok(crate::documents::announcement(&state, asked, id, who.origin.today()).await?)
}

/// The announcement with its list of winners as a Word document (.docx) in the caller's
/// language, for the clerks who edit it before it is stamped (no credentials needed).
#[utoipa::path(get, path = "/campaigns/{id}/announcement/docx", tag = "campaigns", params(("id" = i64, Path)),
    responses(
        (status = 200, description = "The document", content((crate::api::proposal_dto::FileBytes = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"))),
        (status = 404, body = ErrorBody)),
    security((), ("bearer" = []), ("session" = [])))]
pub(super) async fn announcement_docx(
    State(state): State<AppState>,
    who: MaybeApi,
    headers: axum::http::HeaderMap,
    Path(id): Path<CampaignId>,
) -> Result<Response, Failure> {
    let asked = (accept_language(&headers), "docx");
    Ok(crate::documents::announcement(&state, asked, id, who.origin.today()).await?)
}
