//! Scoring: an expert's score sheet for a declaration assigned to them, and the list of
//! declarations an expert has to review (blind campaigns hiding the unit and the people).

use super::assign;
use super::{load, load_declaration, require_stage};
use crate::audit::{Change, record};
use crate::{Caller, Result};
use ingot_domain::campaign::{self as rules, Stage};
use ingot_domain::validate::Validator;
use ingot_domain::{AppError, CampaignId, DeclarationId, OrgId, Timestamp};
use ingot_store::Tx;
use ingot_store::campaigns as store;

/// A score sheet, as the form and the API send it.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default)]
#[schema(as = ScoreBody)]
pub struct ScoreInput {
    /// One mark per criterion, in rubric order, within 0 and the campaign's scale.
    pub marks: Vec<i64>,
    pub comment: String,
}

/// An expert's score sheet for a declaration assigned to them and not in conflict with them.
pub async fn score(
    tx: &mut Tx,
    caller: &Caller<'_>,
    declaration: DeclarationId,
    input: &ScoreInput,
) -> Result<i64> {
    let d = load_declaration(tx, declaration).await?;
    let c = load(tx, CampaignId(d.campaign_id)).await?;
    let me = caller.user_id().ok_or_else(AppError::forbidden)?;
    if !store::is_assigned(tx, d.id, me).await? {
        return Err(AppError::Forbidden {
            code: "not_assigned",
        });
    }
    let conflicts = assign::conflicts_of(tx, &c, &d, me).await?;
    if let Some(reason) = conflicts.first() {
        return Err(AppError::Conflict {
            code: "expert_conflicted",
            field: None,
        })
        .inspect_err(|_| {
            tracing::info!(
                declaration = declaration.0,
                reason = reason.as_str(),
                "conflicted score refused"
            )
        });
    }
    require_stage(&c, &[Stage::Review])?;
    if c.decided_at.is_some() {
        return Err(AppError::conflict("results_decided"));
    }
    let rubric: Vec<rules::Criterion> = store::criteria(tx, c.id)
        .await?
        .into_iter()
        .map(|r| rules::Criterion {
            name: r.name,
            weight: r.weight,
        })
        .collect();
    let mut v = Validator::new();
    let marks = &input.marks;
    let comment = v
        .optional_text("comment", Some(&input.comment), rules::TEXT_MAX)
        .unwrap_or_default();
    v.finish()?;
    let total =
        rules::total(&rubric, marks, c.score_scale).map_err(|e| AppError::Validation(vec![e]))?;
    let marks_json = serde_json::to_string(marks).map_err(AppError::internal)?;
    store::save_sheet(
        tx,
        &store::NewSheet {
            campaign_id: c.id,
            declaration_id: d.id,
            user_id: me,
            marks: &marks_json,
            total_hundredths: total,
            comment: &comment,
        },
        Timestamp::now(),
    )
    .await?;
    record(
        tx,
        caller,
        Change::new("campaign.score", "declaration", d.id)
            .label(&d.title)
            .org(OrgId(c.org_id))
            .after(&serde_json::json!({ "marks": marks, "total_hundredths": total })),
    )
    .await?;
    Ok(total)
}

/// A declaration as an expert reviews it: blind campaigns hide the unit and the people.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ReviewItem {
    pub campaign_id: i64,
    pub campaign_title: String,
    pub declaration_id: i64,
    pub number: i64,
    pub title: String,
    pub summary: String,
    pub field: String,
    /// Hidden (None) when the campaign is blind.
    pub unit_name: Option<String>,
    pub first_completer_name: Option<String>,
    pub record_type: ingot_domain::campaign::RecordType,
    pub record_id: i64,
    /// A declared proposal's verified benefit in fen (best proposals).
    pub benefit_verified_cents: Option<i64>,
    /// A declared person's records (titles): achievements, patents, skills, titles held.
    pub held: Vec<ingot_store::campaigns::HeldRecord>,
    pub marks: Option<Vec<i64>>,
    pub total_hundredths: Option<i64>,
    pub comment: Option<String>,
    pub open: bool,
}

/// The declarations assigned to the caller, in campaigns under review or later.
pub async fn my_reviews(
    tx: &mut Tx,
    caller: &Caller<'_>,
    campaign: CampaignId,
) -> Result<Vec<ReviewItem>> {
    let me = caller.user_id().ok_or_else(AppError::forbidden)?;
    let c = load(tx, campaign).await?;
    let mine: Vec<i64> = store::assignment(tx, c.id)
        .await?
        .iter()
        .filter(|a| a.user_id == me.0)
        .map(|a| a.declaration_id)
        .collect();
    let sheets = store::sheets(tx, c.id).await?;
    let open = c.stage == Stage::Review && c.decided_at.is_none();
    let assigned: Vec<_> = store::declarations(tx, c.id)
        .await?
        .into_iter()
        .filter(|d| mine.contains(&d.id))
        .collect();
    // Conflicts and dossiers for every assigned declaration at once: no statement per row.
    let conflicted = assign::conflicted(tx, &c, &assigned, me).await?;
    let mut dossiers = super::records::dossiers(tx, &assigned).await?;
    let mut out = Vec::new();
    for (d, conflicted) in assigned.into_iter().zip(conflicted) {
        // A conflict found after assignment (or after scoring) ends the expert's access.
        if conflicted {
            continue;
        }
        let sheet = sheets
            .iter()
            .find(|s| s.declaration_id == d.id && s.user_id == me.0);
        let held = dossiers.remove(&d.id).unwrap_or_default();
        out.push(ReviewItem {
            campaign_id: c.id,
            campaign_title: c.title.clone(),
            declaration_id: d.id,
            number: d.number,
            title: d.title.clone(),
            summary: d.summary.clone(),
            field: d.field.clone(),
            unit_name: (!c.blind).then(|| d.unit_name.clone()),
            first_completer_name: if c.blind {
                None
            } else {
                d.first_completer_name.clone()
            },
            record_type: d.record_type,
            record_id: d.record_id,
            benefit_verified_cents: d.benefit_verified_cents,
            held,
            marks: sheet.and_then(|s| serde_json::from_str(&s.marks).ok()),
            total_hundredths: sheet.map(|s| s.total_hundredths),
            comment: sheet.map(|s| s.comment.clone()),
            open,
        });
    }
    Ok(out)
}
