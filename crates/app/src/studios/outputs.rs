//! What a studio produces and shows: its outputs (patents, papers, awards and the like) and its
//! photos, with who may see a photo taken during an on-site review.

use super::{commit, insider, load, money_field, require_manage};
use crate::audit::Change;
use crate::{Caller, Result};
use ingot_domain::PhotoId;
use ingot_domain::studio::{self as rules, OutputKind, PatentStage, PatentType};
use ingot_domain::validate::Validator;
use ingot_domain::validate::{choice, date};
use ingot_domain::{AppError, FieldError, ProposalId, StudioId, Timestamp, UserId};
use ingot_store::Tx;
use ingot_store::studios::{self as store, NewOutput, NewPhoto, Photo};

/// A row of the outputs ledger, as the form and the API send it.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default)]
#[schema(as = StudioOutputBody)]
pub struct OutputInput {
    /// `proposal`, `achievement`, `transformation`, `patent`, `skill_method`, `people_trained`, `economic_benefit`.
    pub kind: String,
    pub title: String,
    pub on_date: String,
    /// How many the row stands for; absent: one.
    pub count: Option<i64>,
    /// Yuan (for economic benefit), as a number or decimal text.
    #[serde(deserialize_with = "ingot_domain::validate::decimal_text")]
    pub amount: String,
    /// For patents: `invention`, `utility_model` or `design`.
    pub patent_type: String,
    /// For patents: `applied` or `granted`.
    pub patent_stage: String,
    /// A proposal this row stands for, by id.
    #[schema(value_type = Option<i64>)]
    pub proposal_id: Option<ProposalId>,
}

pub async fn add_output(
    tx: &mut Tx,
    caller: &Caller<'_>,
    id: StudioId,
    input: &OutputInput,
) -> Result<i64> {
    let s = load(tx, id).await?;
    require_manage(caller, &s)?;
    let mut v = Validator::new();
    let kind = choice::<OutputKind>("kind", &input.kind);
    let title = v.required_text("title", &input.title, rules::SHORT_MAX);
    let on = date("on_date", &input.on_date);
    let count = match input.count {
        None => 1,
        Some(n) if (0..=1_000_000).contains(&n) => n,
        Some(_) => {
            v.add(FieldError::new("count", "invalid_number"));
            1
        }
    };
    let amount = money_field("amount", &input.amount);
    let (mut patent_type, mut patent_stage) = (None, None);
    if kind == Ok(OutputKind::Patent) {
        patent_type = PatentType::parse(&input.patent_type);
        patent_stage = PatentStage::parse(&input.patent_stage);
        if patent_type.is_none() {
            v.add(
                FieldError::new("patent_type", "unknown_option")
                    .with("allowed", PatentType::codes()),
            );
        }
        if patent_stage.is_none() {
            v.add(
                FieldError::new("patent_stage", "unknown_option")
                    .with("allowed", PatentStage::codes()),
            );
        }
    }
    if kind == Ok(OutputKind::EconomicBenefit) && amount == Ok(None) {
        v.add(FieldError::new("amount", "required"));
    }
    let proposal = match input.proposal_id {
        None => None,
        Some(p) if ingot_store::proposals::get(tx, p).await?.is_some() => Some(p.0),
        Some(_) => {
            v.add(FieldError::new("proposal_id", "unknown_proposal"));
            None
        }
    };
    let (kind, on, amount) = v.finish_with((kind, on, amount))?;
    let out = store::insert_output(
        tx,
        &NewOutput {
            studio_id: id,
            kind: kind.as_str(),
            title: &title,
            on_date: on,
            count,
            amount_cents: amount,
            patent_type: patent_type.map(PatentType::as_str),
            patent_stage: patent_stage.map(PatentStage::as_str),
            proposal_id: proposal,
            by: caller.user_id(),
        },
        Timestamp::now(),
    )
    .await?;
    commit(
        tx,
        caller,
        id,
        Change::new("studio.add_output", "studio", id.0)
            .label(&s.name)
            .org(s.unit_id)
            .after(&serde_json::json!({ "kind": kind, "title": title, "count": count, "amount_cents": amount,
                "patent_type": patent_type, "patent_stage": patent_stage, "proposal_id": proposal })),
    )
    .await?;
    Ok(out)
}

/// A file already checked and put in the file store, to be recorded as a photo.
#[derive(Debug, Clone)]
pub struct StoredFile {
    pub sha256: String,
    pub size: i64,
    pub content_type: &'static str,
    pub filename: String,
}

/// Only images may be studio photos.
pub fn check_photo(filename: &str, bytes: &[u8]) -> Result<(String, &'static str)> {
    let (name, content_type) = crate::files::check(filename, bytes)?;
    if !content_type.starts_with("image/") {
        return Err(AppError::Validation(vec![
            FieldError::new("file", "photo_not_image").with("name", &name),
        ]));
    }
    Ok((name, content_type))
}

pub const MAX_PHOTOS: usize = 30;

pub async fn add_photo(
    tx: &mut Tx,
    caller: &Caller<'_>,
    id: StudioId,
    file: &StoredFile,
) -> Result<i64> {
    let s = load(tx, id).await?;
    require_manage(caller, &s)?;
    let me = caller.user_id().ok_or_else(AppError::forbidden)?;
    if store::photos(tx, id).await?.len() >= MAX_PHOTOS {
        return Err(AppError::Validation(vec![
            FieldError::new("file", "too_many_photos").with("max", MAX_PHOTOS),
        ]));
    }
    let photo = insert_photo(tx, id, None, file, me).await?;
    commit(
        tx,
        caller,
        id,
        Change::new("studio.add_photo", "studio", id.0)
            .label(&s.name)
            .org(s.unit_id)
            .after(&serde_json::json!({ "photo_id": photo, "filename": file.filename, "sha256": file.sha256 })),
    )
    .await?;
    Ok(photo)
}

pub(super) async fn insert_photo(
    tx: &mut Tx,
    id: StudioId,
    review: Option<i64>,
    file: &StoredFile,
    by: UserId,
) -> Result<i64> {
    store::insert_photo(
        tx,
        &NewPhoto {
            studio_id: id,
            review_id: review,
            sha256: &file.sha256,
            size: file.size,
            content_type: file.content_type,
            filename: &file.filename,
            by,
        },
        Timestamp::now(),
    )
    .await
}

/// A photo: studio photos are public like the studio's page; those taken during an on-site
/// review only for insiders.
pub async fn photo(tx: &mut Tx, caller: Option<&Caller<'_>>, id: PhotoId) -> Result<Photo> {
    let p = store::get_photo(tx, id.0)
        .await?
        .ok_or_else(|| AppError::not_found("photo"))?;
    if p.review_id.is_some() {
        let s = load(tx, StudioId(p.studio_id)).await?;
        if !insider(caller, &s) {
            return Err(AppError::not_found("photo"));
        }
    }
    Ok(p)
}
