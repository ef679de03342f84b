//! `/proposals`, `/attachments` and `/enterprises/{org_id}/…`: improvement proposals, their
//! review workflow, implementation, benefit, rewards, files, statistics and settings.

use super::dto::OrgDto;
use super::proposal_dto::*;
use super::{ApiCtx, JsonBody};
use crate::AppState;
use crate::error::{ErrorBody, Failure, error_body};
use crate::request::RequestState;
use axum::extract::multipart::{Multipart, MultipartError, MultipartRejection};
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use ingot_app::files::{self, MAX_FILE_BYTES};
use ingot_app::proposals::{
    self as cases, BenefitInput, ImplementationInput, RewardInput, Settings, Submitted, VerifyInput,
};
use ingot_domain::proposal::{StepConfig, format_percent};
use ingot_domain::time::Date;
use ingot_domain::{AppError, AttachmentId, FieldError, OrgId, ProposalId, Timestamp};
use ingot_store::attachments::NewAttachment;
use ingot_store::proposals::{Filter, ListItem, Sort, View};
use ingot_store::{Page, Tx};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The most rows a list export holds.
const EXPORT_MAX_ROWS: i64 = 10_000;

pub fn routes() -> OpenApiRouter<AppState> {
    // Files may be as large as the file store allows, whatever the general upload limit.
    let uploads = OpenApiRouter::new()
        .routes(routes!(upload_attachment))
        .layer(DefaultBodyLimit::max(MAX_FILE_BYTES + 64 * 1024));
    OpenApiRouter::new()
        .routes(routes!(list_proposals, create_proposal))
        .routes(routes!(proposal_stats))
        .routes(routes!(reward_list))
        .routes(routes!(export_proposals))
        .routes(routes!(get_proposal, update_proposal))
        .routes(routes!(submit_proposal))
        .routes(routes!(similar_proposals))
        .routes(routes!(withdraw_proposal))
        .routes(routes!(review_proposal))
        .routes(routes!(mark_duplicate))
        .routes(routes!(set_implementation))
        .routes(routes!(claim_benefit))
        .routes(routes!(verify_benefit))
        .routes(routes!(reward_proposal))
        .merge(uploads)
        .routes(routes!(download_attachment))
        .routes(routes!(get_settings, set_workflow))
        .routes(routes!(add_category))
        .routes(routes!(set_grades))
}

// ---------------------------------------------------------------------------------------------
// Parsing query parameters: every problem is reported, each against its parameter.
// ---------------------------------------------------------------------------------------------

#[derive(Default)]
pub(super) struct Problems(Vec<FieldError>);

impl Problems {
    fn add(&mut self, field: &str, code: &'static str) {
        self.0.push(FieldError::new(field, code));
    }

    /// A value that is not one of those allowed, which the message lists.
    fn unknown(&mut self, field: &str, allowed: &[&str]) {
        self.0
            .push(FieldError::new(field, "unknown_option").with("allowed", allowed.join(", ")));
    }

    pub(super) fn int(&mut self, field: &str, raw: Option<&str>) -> Option<i64> {
        let raw = raw.map(str::trim).filter(|r| !r.is_empty())?;
        match raw.parse() {
            Ok(n) => Some(n),
            Err(_) => {
                self.add(field, "invalid_number");
                None
            }
        }
    }

    pub(super) fn flag(&mut self, field: &str, raw: Option<&str>) -> bool {
        match raw.map(str::trim).unwrap_or("") {
            "" | "false" | "0" => false,
            "true" | "1" => true,
            _ => {
                self.unknown(field, &["true", "false"]);
                false
            }
        }
    }

    /// One of `choices`, or `None` when absent.
    fn choice<'c>(
        &mut self,
        field: &str,
        raw: Option<&str>,
        choices: &[&'c str],
    ) -> Option<&'c str> {
        let raw = raw.map(str::trim).filter(|r| !r.is_empty())?;
        let found = choices.iter().find(|c| **c == raw).copied();
        if found.is_none() {
            self.unknown(field, choices);
        }
        found
    }

    /// `YYYY-MM` as year * 100 + month.
    fn period(&mut self, field: &str, raw: Option<&str>) -> Option<i64> {
        let raw = raw.map(str::trim).filter(|r| !r.is_empty())?;
        let parsed = raw.split_once('-').and_then(|(y, m)| {
            let ok = y.len() == 4 && (1..=2).contains(&m.len());
            let (y, m): (i64, i64) = (y.parse().ok()?, m.parse().ok()?);
            (ok && (1000..=9999).contains(&y) && (1..=12).contains(&m)).then_some(y * 100 + m)
        });
        if parsed.is_none() {
            self.add(field, "not_a_month");
        }
        parsed
    }

    fn date(&mut self, field: &str, raw: Option<&str>) -> Option<Date> {
        let raw = raw.map(str::trim).filter(|r| !r.is_empty())?;
        let parsed = Date::parse(raw);
        if parsed.is_none() {
            self.add(field, "invalid_date");
        }
        parsed
    }

    pub(super) fn finish(self) -> Result<(), AppError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(AppError::Validation(self.0))
        }
    }
}

fn offset(api: &ApiCtx) -> i64 {
    api.origin.utc_offset_ms
}

/// The list filter from the query; the unit is looked up by id.
async fn filter_of(
    tx: &mut Tx,
    q: &ProposalListQuery,
    now: Timestamp,
) -> Result<(Filter, Option<i64>, Option<i64>), AppError> {
    let mut p = Problems::default();
    let view = match p.choice("view", q.view.as_deref(), &["mine", "to_review", "all"]) {
        Some("mine") => View::Mine,
        Some("to_review") => View::ToReview,
        _ => View::All,
    };
    let unit_id = p.int("unit", q.unit.as_deref());
    let period_from = p.period("from", q.from.as_deref());
    let period_to = p.period("to", q.to.as_deref());
    let status = match q.status.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(raw) => {
            let s = ingot_domain::proposal::Status::parse(raw);
            if s.is_none() {
                p.add("status", "unknown_status");
            }
            s
        }
    };
    let overdue = p.flag("overdue", q.overdue.as_deref());
    let sort = p
        .choice(
            "sort",
            q.sort.as_deref(),
            &["newest", "oldest", "title", "due"],
        )
        .map(Sort::parse)
        .unwrap_or_default();
    let page = p.int("page", q.page.as_deref());
    let per_page = p.int("per_page", q.per_page.as_deref());
    let unit = match unit_id {
        Some(id) => match ingot_store::orgs::get(tx, OrgId(id)).await? {
            Some(org) => Some(org.path),
            None => {
                p.add("unit", "unknown_org");
                None
            }
        },
        None => None,
    };
    p.finish()?;
    let text = |s: &Option<String>| {
        s.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    Ok((
        Filter {
            view,
            unit,
            period_from,
            period_to,
            category: text(&q.category),
            status,
            overdue_at: overdue.then_some(now),
            text: text(&q.q),
            sort,
        },
        page,
        per_page,
    ))
}

/// List items as the caller may see them: where they review at a blind step, the store has
/// already blanked the proposer and unit.
fn visible_items(items: Vec<ListItem>, now: Timestamp) -> Vec<ProposalListItemDto> {
    items
        .into_iter()
        .map(|item| {
            let blind = item.masked;
            ProposalListItemDto::new(item, blind, now)
        })
        .collect()
}

async fn detail_of(
    state: &AppState,
    api: &ApiCtx,
    id: ProposalId,
) -> Result<ProposalDetailDto, Failure> {
    let mut tx = state.db.read().await?;
    let d = cases::detail(&mut tx, &api.caller(), id).await?;
    Ok(ProposalDetailDto::new(d, Timestamp::now()))
}

// ---------------------------------------------------------------------------------------------
// Lists and the proposal itself
// ---------------------------------------------------------------------------------------------

/// Proposals the caller may see, filtered, a page at a time.
#[utoipa::path(get, path = "/proposals", tag = "proposals", params(ProposalListQuery),
    responses((status = 200, body = ProposalListDto), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn list_proposals(
    State(state): State<AppState>,
    api: ApiCtx,
    Query(q): Query<ProposalListQuery>,
) -> Result<Json<ProposalListDto>, Failure> {
    let caller = api.caller();
    let now = Timestamp::now();
    let mut tx = state.db.read().await?;
    let (filter, page, per_page) = filter_of(&mut tx, &q, now).await?;
    let page = Page::new(page, per_page.map(|n| n.min(100)), 20);
    let (items, total) = cases::list(&mut tx, &caller, &filter, page).await?;
    let items = visible_items(items, now);
    Ok(Json(ProposalListDto {
        items,
        total,
        page: page.number,
        per_page: page.size,
    }))
}

/// Saves a new draft for a unit of the caller's enterprise.
#[utoipa::path(post, path = "/proposals", tag = "proposals", request_body = ProposalBody,
    responses((status = 201, body = ProposalDetailDto), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn create_proposal(
    State(state): State<AppState>,
    api: ApiCtx,
    JsonBody(body): JsonBody<ProposalBody>,
) -> Result<Response, Failure> {
    let input = body.into_input();
    let mut tx = state.db.begin().await?;
    let id = cases::create(&mut tx, &api.caller(), &input).await?;
    tx.commit().await?;
    let detail = detail_of(&state, &api, id).await?;
    Ok((StatusCode::CREATED, Json(detail)).into_response())
}

/// A proposal with its people, steps, timeline, files and what the caller may do. For a
/// reviewer at a blind step, the people are left out and the unit is the enterprise.
#[utoipa::path(get, path = "/proposals/{id}", tag = "proposals", params(("id" = i64, Path)),
    responses((status = 200, body = ProposalDetailDto), (status = 404, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn get_proposal(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<i64>,
) -> Result<Json<ProposalDetailDto>, Failure> {
    Ok(Json(detail_of(&state, &api, ProposalId(id)).await?))
}

/// Changes the text and people of a draft or returned proposal (its proposer only).
#[utoipa::path(patch, path = "/proposals/{id}", tag = "proposals", params(("id" = i64, Path)), request_body = UpdateProposalBody,
    responses((status = 200, body = ProposalDetailDto), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "`proposal_changed` or `proposal_not_editable`"), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn update_proposal(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<i64>,
    JsonBody(body): JsonBody<UpdateProposalBody>,
) -> Result<Json<ProposalDetailDto>, Failure> {
    let input = body.proposal.into_input();
    let mut tx = state.db.begin().await?;
    cases::update(&mut tx, &api.caller(), ProposalId(id), body.version, &input).await?;
    tx.commit().await?;
    Ok(Json(detail_of(&state, &api, ProposalId(id)).await?))
}

/// Sends a draft (or returned proposal) into review. Unless `seen_similar`, it first looks for
/// similar proposals of the enterprise; if there are any, nothing changes and the answer is 409
/// `similar_proposals_found` with the list.
#[utoipa::path(post, path = "/proposals/{id}/submit", tag = "proposals", params(("id" = i64, Path)), request_body = SubmitBody,
    responses((status = 200, body = ProposalDetailDto),
        (status = 409, body = SimilarFoundBody, description = "`similar_proposals_found` (with `similar`), `proposal_changed` or `proposal_not_editable`"),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn submit_proposal(
    State(state): State<AppState>,
    Extension(rs): Extension<RequestState>,
    api: ApiCtx,
    Path(id): Path<i64>,
    JsonBody(body): JsonBody<SubmitBody>,
) -> Result<Response, Failure> {
    let mut tx = state.db.begin().await?;
    let outcome = cases::submit(
        &mut tx,
        &api.caller(),
        ProposalId(id),
        body.version,
        body.seen_similar,
    )
    .await?;
    match outcome {
        Submitted::Done(_) => {
            tx.commit().await?;
            Ok(Json(detail_of(&state, &api, ProposalId(id)).await?).into_response())
        }
        Submitted::SimilarFound(found) => {
            tx.rollback().await?;
            let error = AppError::conflict("similar_proposals_found");
            let body = SimilarFoundBody {
                error: error_body(&state, &rs, &error),
                similar: found.into_iter().map(Into::into).collect(),
            };
            Ok((StatusCode::CONFLICT, Json(body)).into_response())
        }
    }
}

/// Earlier proposals of the enterprise resembling this one, most similar first.
#[utoipa::path(get, path = "/proposals/{id}/similar", tag = "proposals", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<SimilarDto>), (status = 404, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn similar_proposals(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<i64>,
) -> Result<Json<Vec<SimilarDto>>, Failure> {
    let mut tx = state.db.read().await?;
    let found = cases::similar(&mut tx, &api.caller(), ProposalId(id)).await?;
    Ok(Json(found.into_iter().map(Into::into).collect()))
}

/// The proposer takes the proposal back (a draft, or one in review or returned).
#[utoipa::path(post, path = "/proposals/{id}/withdraw", tag = "proposals", params(("id" = i64, Path)), request_body = VersionBody,
    responses((status = 200, body = ProposalDetailDto), (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "`proposal_changed` or `proposal_not_withdrawable`")),
    security(("bearer" = []), ("session" = [])))]
async fn withdraw_proposal(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<i64>,
    JsonBody(body): JsonBody<VersionBody>,
) -> Result<Json<ProposalDetailDto>, Failure> {
    let mut tx = state.db.begin().await?;
    cases::withdraw(&mut tx, &api.caller(), ProposalId(id), body.version).await?;
    tx.commit().await?;
    Ok(Json(detail_of(&state, &api, ProposalId(id)).await?))
}

/// A reviewer acts at the current step. Of two reviewers acting on the same version, the
/// second gets 409 `proposal_changed`.
#[utoipa::path(post, path = "/proposals/{id}/review", tag = "proposals", params(("id" = i64, Path)), request_body = ReviewBody,
    responses((status = 200, body = ProposalDetailDto), (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "`proposal_changed` or `review_out_of_order`"),
        (status = 422, body = ErrorBody, description = "`comment`: a reason is required to reject or return")),
    security(("bearer" = []), ("session" = [])))]
async fn review_proposal(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<i64>,
    JsonBody(body): JsonBody<ReviewBody>,
) -> Result<Json<ProposalDetailDto>, Failure> {
    let input = cases::ReviewInput {
        action: body.action.into(),
        comment: body.comment,
        version: body.version,
    };
    let mut tx = state.db.begin().await?;
    cases::review(&mut tx, &api.caller(), ProposalId(id), &input).await?;
    tx.commit().await?;
    Ok(Json(detail_of(&state, &api, ProposalId(id)).await?))
}

/// Marks the proposal as a duplicate of an earlier one of the same enterprise.
#[utoipa::path(post, path = "/proposals/{id}/duplicate", tag = "proposals", params(("id" = i64, Path)), request_body = DuplicateBody,
    responses((status = 200, body = ProposalDetailDto), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn mark_duplicate(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<i64>,
    JsonBody(body): JsonBody<DuplicateBody>,
) -> Result<Json<ProposalDetailDto>, Failure> {
    let mut tx = state.db.begin().await?;
    cases::mark_duplicate(
        &mut tx,
        &api.caller(),
        ProposalId(id),
        ProposalId(body.of),
        body.version,
    )
    .await?;
    tx.commit().await?;
    Ok(Json(detail_of(&state, &api, ProposalId(id)).await?))
}

/// Sets who implements an adopted proposal, by when, and how far it is; `done` makes it
/// implemented.
#[utoipa::path(post, path = "/proposals/{id}/implementation", tag = "proposals", params(("id" = i64, Path)), request_body = ImplementationBody,
    responses((status = 200, body = ProposalDetailDto), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn set_implementation(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<i64>,
    JsonBody(body): JsonBody<ImplementationBody>,
) -> Result<Json<ProposalDetailDto>, Failure> {
    let status: ingot_domain::proposal::ImplStatus = body.status.into();
    let input = ImplementationInput {
        owner: body.owner,
        due: body.due,
        status: status.as_str().to_string(),
        version: body.version,
    };
    let mut tx = state.db.begin().await?;
    cases::set_implementation(&mut tx, &api.caller(), ProposalId(id), &input).await?;
    tx.commit().await?;
    Ok(Json(detail_of(&state, &api, ProposalId(id)).await?))
}

/// Claims the benefit of an implemented proposal, with its calculation. A claim may be
/// replaced until finance verifies it (then 409 `benefit_locked`).
#[utoipa::path(post, path = "/proposals/{id}/benefit", tag = "proposals", params(("id" = i64, Path)), request_body = BenefitBody,
    responses((status = 200, body = ProposalDetailDto), (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "`benefit_locked`, `proposal_not_implemented` or `proposal_changed`"),
        (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn claim_benefit(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<i64>,
    JsonBody(body): JsonBody<BenefitBody>,
) -> Result<Json<ProposalDetailDto>, Failure> {
    let input = BenefitInput {
        method: body.method.as_str().to_string(),
        old_cost: body.old_cost,
        new_cost: body.new_cost,
        volume: body.volume,
        hours: body.hours,
        rate: body.rate,
        amount: body.amount,
        note: body.note,
        version: body.version,
    };
    let mut tx = state.db.begin().await?;
    cases::claim_benefit(&mut tx, &api.caller(), ProposalId(id), &input).await?;
    tx.commit().await?;
    Ok(Json(detail_of(&state, &api, ProposalId(id)).await?))
}

/// Finance confirms or corrects the claimed benefit; the figure is then locked.
#[utoipa::path(post, path = "/proposals/{id}/benefit/verify", tag = "proposals", params(("id" = i64, Path)), request_body = VerifyBody,
    responses((status = 200, body = ProposalDetailDto), (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "`benefit_locked`, `benefit_not_claimed` or `proposal_changed`"),
        (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn verify_benefit(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<i64>,
    JsonBody(body): JsonBody<VerifyBody>,
) -> Result<Json<ProposalDetailDto>, Failure> {
    let input = VerifyInput {
        corrected_amount: body.corrected_amount,
        note: body.note,
        version: body.version,
    };
    let mut tx = state.db.begin().await?;
    cases::verify_benefit(&mut tx, &api.caller(), ProposalId(id), &input).await?;
    tx.commit().await?;
    Ok(Json(detail_of(&state, &api, ProposalId(id)).await?))
}

/// Decides the reward, by grade or as a percentage of the verified benefit, split among the
/// people by their shares (the parts add up to the reward exactly).
#[utoipa::path(post, path = "/proposals/{id}/reward", tag = "proposals", params(("id" = i64, Path)), request_body = RewardBody,
    responses((status = 200, body = ProposalDetailDto), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn reward_proposal(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<i64>,
    JsonBody(body): JsonBody<RewardBody>,
) -> Result<Json<ProposalDetailDto>, Failure> {
    let input = RewardInput {
        basis: body.basis.as_str().to_string(),
        grade: body.grade,
        percent: body.percent,
        version: body.version,
    };
    let mut tx = state.db.begin().await?;
    cases::reward(&mut tx, &api.caller(), ProposalId(id), &input).await?;
    tx.commit().await?;
    Ok(Json(detail_of(&state, &api, ProposalId(id)).await?))
}

// ---------------------------------------------------------------------------------------------
// Files
// ---------------------------------------------------------------------------------------------

fn upload_error(e: &MultipartError) -> AppError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        AppError::Validation(vec![
            FieldError::new("file", "file_too_large").with("max_mb", MAX_FILE_BYTES / 1024 / 1024),
        ])
    } else {
        AppError::Validation(vec![FieldError::new("file", "upload_malformed")])
    }
}

/// Reads the `file` field, keeping at most one byte more than a file may have (enough for the
/// check to refuse it) and reading the rest of the body so that the client gets the answer.
pub(super) async fn read_upload(multipart: &mut Multipart) -> Result<(String, Vec<u8>), AppError> {
    let mut file: Option<(String, Vec<u8>)> = None;
    while let Some(mut field) = multipart.next_field().await.map_err(|e| upload_error(&e))? {
        let wanted = file.is_none() && field.name() == Some("file");
        let name = field.file_name().unwrap_or_default().to_string();
        let mut bytes = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(|e| upload_error(&e))? {
            if wanted && bytes.len() <= MAX_FILE_BYTES {
                let room = MAX_FILE_BYTES + 1 - bytes.len();
                bytes.extend_from_slice(&chunk[..chunk.len().min(room)]);
            }
        }
        if wanted {
            file = Some((name, bytes));
        }
    }
    Ok(file.unwrap_or_default())
}

/// Attaches a file (multipart field `file`): images, PDF or office documents up to 10 MB whose
/// contents match their name. While a draft or returned, the proposer attaches; once adopted,
/// those implementing it.
#[utoipa::path(post, path = "/proposals/{id}/attachments", tag = "proposals", params(("id" = i64, Path)),
    request_body(content = inline(UploadForm), content_type = "multipart/form-data"),
    responses((status = 201, body = AttachmentDto), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody, description = "`file`: `file_too_large`, `file_type_not_allowed`, `file_content_mismatch`, `file_empty`, `file_missing`, `too_many_files`")),
    security(("bearer" = []), ("session" = [])))]
async fn upload_attachment(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<i64>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, Failure> {
    let mut multipart = multipart.map_err(|_| AppError::field("file", "upload_malformed"))?;
    let (name, bytes) = read_upload(&mut multipart).await?;
    let (filename, content_type) = files::check(&name, &bytes)?;
    let sha256 = files::sha256_hex(&bytes);
    let caller = api.caller();
    let mut tx = state.db.begin().await?;
    let attachment = cases::attach(
        &mut tx,
        &caller,
        ProposalId(id),
        &NewAttachment {
            proposal_id: ProposalId(id),
            sha256: &sha256,
            size: bytes.len() as i64,
            content_type,
            filename: &filename,
            uploaded_by: api.actor.user_id,
        },
    )
    .await?;
    // Stored before the row is committed, so that a row never names a missing file.
    state.files.put(bytes).await?;
    tx.commit().await?;
    let mut tx = state.db.read().await?;
    let a = cases::attachment(&mut tx, &caller, attachment).await?;
    Ok((StatusCode::CREATED, Json(AttachmentDto::from(a))).into_response())
}

/// Downloads an attached file, as it was uploaded.
#[utoipa::path(get, path = "/attachments/{id}", tag = "proposals", params(("id" = i64, Path)),
    responses((status = 200, body = FileBytes, content_type = "application/octet-stream",
            description = "The file, with its own Content-Type and `Content-Disposition: attachment`"),
        (status = 404, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn download_attachment(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(id): Path<i64>,
) -> Result<Response, Failure> {
    let a = {
        let mut tx = state.db.read().await?;
        cases::attachment(&mut tx, &api.caller(), AttachmentId(id)).await?
    };
    let bytes = state.files.get(&a.sha256).await?;
    Ok(crate::pages::proposals::actions::attachment_response(
        &a, bytes,
    ))
}

// ---------------------------------------------------------------------------------------------
// Statistics, rewards and exports
// ---------------------------------------------------------------------------------------------

/// Counts of an organisation's subtree for a range of months: totals, per child unit and per
/// month. For readers of the organisation's records (its union, reviewers, finance, the
/// federations above).
#[utoipa::path(get, path = "/proposals/stats", tag = "proposals", params(StatsQuery),
    responses((status = 200, body = StatsDto), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn proposal_stats(
    State(state): State<AppState>,
    api: ApiCtx,
    Query(q): Query<StatsQuery>,
) -> Result<Json<StatsDto>, Failure> {
    let caller = api.caller();
    let mut p = Problems::default();
    let org = p.int("org", q.org.as_deref());
    let from = p.period("from", q.from.as_deref());
    let to = p.period("to", q.to.as_deref());
    p.finish()?;
    let to = to.unwrap_or_else(|| Date::of(Timestamp::now(), offset(&api)).period());
    let from = from.unwrap_or(to / 100 * 100 + 1);
    let category = q
        .category
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty());
    let mut tx = state.db.read().await?;
    let org = match org {
        Some(id) => OrgId(id),
        None => cases::stats_roots(&mut tx, &caller)
            .await?
            .first()
            .map(|o| o.id)
            .ok_or_else(AppError::forbidden)?,
    };
    let s = cases::stats(&mut tx, &caller, org, from, to, category).await?;
    Ok(Json(StatsDto {
        org: s.org.into(),
        from: period_text(s.from),
        to: period_text(s.to),
        totals: s.totals.into(),
        units: s.units.into_iter().map(Into::into).collect(),
        months: s
            .months
            .into_iter()
            .map(|(period, counts)| MonthCountsDto {
                month: period_text(period),
                counts: counts.into(),
            })
            .collect(),
    }))
}

fn yuan(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let c = cents.unsigned_abs();
    format!("{sign}{}.{:02}", c / 100, c % 100)
}

fn local_date(at: Option<Timestamp>, offset_ms: i64) -> String {
    at.map(|t| Date::of(t, offset_ms).to_string())
        .unwrap_or_default()
}

const REWARD_HEADERS: [&str; 9] = [
    "number",
    "title",
    "unit",
    "username",
    "display_name",
    "person_unit",
    "share_percent",
    "amount_yuan",
    "rewarded_on",
];

/// Rewards decided in a range of days within an organisation's subtree, one line per person:
/// the list payroll needs. For finance officers and unions.
#[utoipa::path(get, path = "/proposals/rewards", tag = "proposals", params(RewardsQuery),
    responses(
        (status = 200, description = "The lines as JSON, or a CSV or XLSX file with `format`", content(
            (RewardListDto = "application/json"),
            (FileBytes = "text/csv"),
            (FileBytes = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn reward_list(
    State(state): State<AppState>,
    api: ApiCtx,
    Query(q): Query<RewardsQuery>,
) -> Result<Response, Failure> {
    let offset = offset(&api);
    let mut p = Problems::default();
    let org = p.int("org", q.org.as_deref());
    if q.org.as_deref().map(str::trim).unwrap_or("").is_empty() {
        p.add("org", "required");
    }
    let from = p.date("from", q.from.as_deref());
    let to = p.date("to", q.to.as_deref());
    let format = p
        .choice("format", q.format.as_deref(), &["json", "csv", "xlsx"])
        .unwrap_or("json");
    p.finish()?;
    let today = Date::of(Timestamp::now(), offset);
    let to = to.unwrap_or(today);
    let from = from.unwrap_or(Date { day: 1, ..to });
    let lines = {
        let mut tx = state.db.read().await?;
        cases::reward_lines(
            &mut tx,
            &api.caller(),
            OrgId(org.unwrap_or_default()),
            from.start(offset),
            to.plus_days(1).start(offset),
        )
        .await?
    };
    if format == "json" {
        let total_cents = lines.iter().map(|l| l.amount_cents).sum();
        return Ok(Json(RewardListDto {
            items: lines.into_iter().map(Into::into).collect(),
            total_cents,
        })
        .into_response());
    }
    let rows = lines
        .into_iter()
        .map(|l| {
            vec![
                l.number,
                l.title,
                l.unit,
                l.username,
                l.display_name,
                l.person_unit,
                format_percent(l.share_bp).trim_end_matches('%').to_string(),
                yuan(l.amount_cents),
                local_date(Some(l.rewarded_at), offset),
            ]
        })
        .collect();
    let stem = format!("rewards-{from}-{to}");
    Ok(
        crate::pages::orgs::spreadsheet_response(format, &stem, "rewards", &REWARD_HEADERS, rows)
            .await?,
    )
}

const LIST_HEADERS: [&str; 11] = [
    "number",
    "title",
    "category",
    "status",
    "unit",
    "proposer",
    "submitted_on",
    "step_due_on",
    "overdue",
    "benefit_verified_yuan",
    "reward_yuan",
];

/// The filtered list as a CSV or XLSX file (at most 10,000 rows).
#[utoipa::path(get, path = "/proposals/export", tag = "proposals", params(ProposalListQuery, SpreadsheetQuery),
    responses(
        (status = 200, description = "The file", content(
            (FileBytes = "text/csv"),
            (FileBytes = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn export_proposals(
    State(state): State<AppState>,
    api: ApiCtx,
    Query(q): Query<ProposalListQuery>,
    Query(f): Query<SpreadsheetQuery>,
) -> Result<Response, Failure> {
    let caller = api.caller();
    let offset = offset(&api);
    let now = Timestamp::now();
    let mut p = Problems::default();
    let format = p
        .choice("format", f.format.as_deref(), &["csv", "xlsx"])
        .unwrap_or("xlsx");
    p.finish()?;
    let items = {
        let mut tx = state.db.read().await?;
        let (filter, _, _) = filter_of(&mut tx, &q, now).await?;
        let page = Page {
            number: 1,
            size: EXPORT_MAX_ROWS,
        };
        let (items, _) = cases::list(&mut tx, &caller, &filter, page).await?;
        visible_items(items, now)
    };
    let rows = items
        .into_iter()
        .map(|i| {
            let status: ingot_domain::proposal::Status = i.status.into();
            vec![
                i.number.unwrap_or_default(),
                i.title,
                i.category,
                status.as_str().to_string(),
                i.unit_name.unwrap_or_default(),
                i.proposer_name.unwrap_or_default(),
                local_date(i.submitted_at.map(Timestamp), offset),
                local_date(i.step_due_at.map(Timestamp), offset),
                if i.overdue { "yes" } else { "" }.to_string(),
                i.benefit_verified_cents.map(yuan).unwrap_or_default(),
                i.reward_cents.map(yuan).unwrap_or_default(),
            ]
        })
        .collect();
    Ok(crate::pages::orgs::spreadsheet_response(
        format,
        "proposals",
        "proposals",
        &LIST_HEADERS,
        rows,
    )
    .await?)
}

// ---------------------------------------------------------------------------------------------
// Per-enterprise settings
// ---------------------------------------------------------------------------------------------

fn settings_dto(s: Settings) -> ProposalSettingsDto {
    ProposalSettingsDto {
        enterprise: OrgDto::from(s.enterprise),
        steps: s
            .steps
            .into_iter()
            .map(|c| StepConfigDto {
                name: c.name,
                role: c.role.into(),
                org_id: c.org_id.map(|o| o.0),
                due_days: c.due_days,
                blind: c.blind,
            })
            .collect(),
        configured: s.configured,
        categories: s
            .categories
            .into_iter()
            .map(|c| CategoryDto {
                code: c.code,
                name: c.name,
                name_en: c.name_en,
            })
            .collect(),
        grades: s
            .grades
            .into_iter()
            .map(|(grade, amount_cents)| GradeDto {
                grade,
                amount_cents,
            })
            .collect(),
        can_configure: s.can_configure,
    }
}

async fn settings_of(
    state: &AppState,
    api: &ApiCtx,
    org: OrgId,
) -> Result<ProposalSettingsDto, Failure> {
    let mut tx = state.db.read().await?;
    Ok(settings_dto(
        cases::settings(&mut tx, &api.caller(), org).await?,
    ))
}

/// How proposals are reviewed and rewarded at the enterprise `org_id` belongs to. Readable by
/// its people and by readers of its records.
#[utoipa::path(get, path = "/enterprises/{org_id}/proposal-settings", tag = "proposals", params(("org_id" = i64, Path)),
    responses((status = 200, body = ProposalSettingsDto), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn get_settings(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(org_id): Path<i64>,
) -> Result<Json<ProposalSettingsDto>, Failure> {
    Ok(Json(settings_of(&state, &api, OrgId(org_id)).await?))
}

/// Replaces the enterprise's review workflow (its union). Proposals already in review keep the
/// steps they were submitted with.
#[utoipa::path(put, path = "/enterprises/{org_id}/proposal-settings", tag = "proposals", params(("org_id" = i64, Path)),
    request_body = WorkflowBody,
    responses((status = 200, body = ProposalSettingsDto), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn set_workflow(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(org_id): Path<i64>,
    JsonBody(body): JsonBody<WorkflowBody>,
) -> Result<Json<ProposalSettingsDto>, Failure> {
    let steps: Vec<StepConfig> = body
        .steps
        .into_iter()
        .map(|s| StepConfig {
            name: s.name,
            role: s.role.into(),
            org_id: s.org_id.map(OrgId),
            due_days: s.due_days,
            blind: s.blind,
        })
        .collect();
    let mut tx = state.db.begin().await?;
    cases::set_workflow(&mut tx, &api.caller(), OrgId(org_id), &steps).await?;
    tx.commit().await?;
    Ok(Json(settings_of(&state, &api, OrgId(org_id)).await?))
}

/// Adds a category of the enterprise's own, besides the five built in.
#[utoipa::path(post, path = "/enterprises/{org_id}/proposal-categories", tag = "proposals", params(("org_id" = i64, Path)),
    request_body = CategoryDto,
    responses((status = 201, body = ProposalSettingsDto), (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "`category_exists`"), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn add_category(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(org_id): Path<i64>,
    JsonBody(body): JsonBody<CategoryDto>,
) -> Result<Response, Failure> {
    let mut tx = state.db.begin().await?;
    cases::add_category(
        &mut tx,
        &api.caller(),
        OrgId(org_id),
        &body.code,
        &body.name,
        body.name_en.as_deref().unwrap_or_default(),
    )
    .await?;
    tx.commit().await?;
    let settings = settings_of(&state, &api, OrgId(org_id)).await?;
    Ok((StatusCode::CREATED, Json(settings)).into_response())
}

/// Sets the enterprise's reward amounts per grade (in yuan); grades left out keep theirs.
#[utoipa::path(put, path = "/enterprises/{org_id}/reward-grades", tag = "proposals", params(("org_id" = i64, Path)),
    request_body = GradesBody,
    responses((status = 200, body = ProposalSettingsDto), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
async fn set_grades(
    State(state): State<AppState>,
    api: ApiCtx,
    Path(org_id): Path<i64>,
    JsonBody(body): JsonBody<GradesBody>,
) -> Result<Json<ProposalSettingsDto>, Failure> {
    let grades: Vec<(String, String)> = body
        .grades
        .into_iter()
        .map(|(grade, amount)| {
            let amount = match amount {
                serde_json::Value::String(s) => s,
                serde_json::Value::Null => String::new(),
                other => other.to_string(),
            };
            (grade, amount)
        })
        .collect();
    let mut tx = state.db.begin().await?;
    cases::set_grades(&mut tx, &api.caller(), OrgId(org_id), &grades).await?;
    tx.commit().await?;
    Ok(Json(settings_of(&state, &api, OrgId(org_id)).await?))
}
