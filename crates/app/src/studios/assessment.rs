//! Periodic assessment of named studios against a federation's standard, and setting that
//! standard; a fail takes the title away.

use super::{commit, event, load, refresh_level};
use crate::audit::{Change, record};
use crate::{Caller, Result};
use ingot_domain::policy::Action;
use ingot_domain::studio::StudioEvent;
use ingot_domain::studio::{self as rules, AssessmentResult, NamingStatus, Standard};
use ingot_domain::validate::Validator;
use ingot_domain::validate::date;
use ingot_domain::{AppError, FieldError, OrgId, OrgPath, StudioId, Timestamp};
use ingot_store::studios::{self as store, Naming};
use ingot_store::{Tx, orgs};
use std::collections::BTreeMap;

/// Assessing a named studio for a period, as the API sends it (`POST /studios/{id}/assessments`);
/// the page's form rows become this struct in the web layer.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default)]
#[schema(as = AssessBody)]
pub struct AssessInput {
    /// The naming assessed; empty: the highest standing naming the caller's federation gave.
    pub naming_id: Option<i64>,
    pub period: String,
    pub assessed_on: String,
    /// Criterion code to score (0-100), e.g. `{"achievements": 80}`.
    pub scores: BTreeMap<String, i64>,
    /// `note` is the name this field had before; it is still accepted.
    #[serde(alias = "note")]
    pub assessment_note: String,
}

/// A criterion of the assessment form: its code, weight and the score the ledger suggests.
pub type ScoreRow = (String, i64, Option<i64>);

/// The naming a caller would assess, its standard and suggested scores from the studio's
/// totals (`detail` has them).
pub async fn assessment_form(
    tx: &mut Tx,
    caller: &Caller<'_>,
    id: StudioId,
    t: &ingot_domain::studio::OutputTotals,
) -> Result<Option<(Naming, Standard, Vec<ScoreRow>)>> {
    let namings = store::namings(tx, id).await?;
    let Some(naming) = assessable(caller, &namings, None) else {
        return Ok(None);
    };
    let standard = store::standard(tx, OrgId(naming.org_id)).await?;
    let rows = standard
        .criteria
        .iter()
        .map(|c| (c.code.clone(), c.weight, t.suggested_score(&c.code)))
        .collect();
    Ok(Some((naming, standard, rows)))
}

fn assessable(caller: &Caller<'_>, namings: &[Naming], wanted: Option<i64>) -> Option<Naming> {
    namings
        .iter()
        .filter(|n| n.status == NamingStatus::Active)
        .filter(|n| wanted.is_none_or(|w| w == n.id))
        .filter(|n| {
            caller.permits(
                Action::ManageNamings,
                &OrgPath::from_stored(n.org_path.clone()),
            )
        })
        .max_by_key(|n| n.level.rank())
        .cloned()
}

/// Assesses a named studio for a period. A fail takes the title away.
pub async fn assess(
    tx: &mut Tx,
    caller: &Caller<'_>,
    id: StudioId,
    input: &AssessInput,
) -> Result<(i64, AssessmentResult)> {
    let s = load(tx, id).await?;
    let namings = store::namings(tx, id).await?;
    let Some(naming) = assessable(caller, &namings, input.naming_id) else {
        if namings.iter().any(|n| {
            caller.permits(
                Action::ManageNamings,
                &OrgPath::from_stored(n.org_path.clone()),
            )
        }) {
            return Err(AppError::conflict("no_standing_naming"));
        }
        return Err(AppError::forbidden());
    };
    let standard = store::standard(tx, OrgId(naming.org_id)).await?;
    let mut v = Validator::new();
    let period = v.required_text("period", &input.period, 20);
    let on = date("assessed_on", &input.assessed_on);
    let note = v
        .optional_text(
            "assessment_note",
            Some(&input.assessment_note),
            rules::TEXT_MAX,
        )
        .unwrap_or_default();
    let mut scores = Vec::new();
    for c in &standard.criteria {
        match input.scores.get(&c.code) {
            Some(&n) if (0..=100).contains(&n) => scores.push((c.code.clone(), n)),
            _ => v.add(FieldError::new(
                format!("score_{}", c.code),
                "score_invalid",
            )),
        }
    }
    if !period.is_empty() && store::assessment_exists(tx, naming.id, &period).await? {
        v.add(FieldError::new("period", "already_assessed").with("period", &period));
    }
    let on = v.finish_with(on)?;
    let (total, result) = standard.assess(&scores)?;
    let scores_json = serde_json::json!({ "standard": standard, "scores": scores });
    store::insert_assessment(
        tx,
        &store::NewAssessment {
            studio_id: id,
            naming_id: naming.id,
            org_id: OrgId(naming.org_id),
            period: &period,
            assessed_on: on,
            scores: &scores_json.to_string(),
            total,
            result: result.as_str(),
            note: &note,
            by: caller.user_id(),
        },
        Timestamp::now(),
    )
    .await?;
    event(
        tx,
        caller,
        id,
        on,
        StudioEvent::Assessed {
            level: naming.level,
            org: naming.org_name.clone(),
            period: period.clone(),
            total,
            result,
        },
        true,
    )
    .await?;
    if result == AssessmentResult::Fail {
        store::lose_naming(tx, naming.id, on, "assessment_failed").await?;
        refresh_level(tx, id).await?;
        event(
            tx,
            caller,
            id,
            on,
            StudioEvent::TitleLost {
                level: naming.level,
                org: naming.org_name.clone(),
                notice: naming.notice_number.clone(),
            },
            true,
        )
        .await?;
    }
    commit(
        tx,
        caller,
        id,
        Change::new("studio.assess", "studio", id.0)
            .label(&s.name)
            .org(s.unit_id)
            .after(&serde_json::json!({ "naming_id": naming.id, "period": period, "scores": scores, "total": total, "result": result })),
    )
    .await?;
    Ok((total, result))
}

/// Sets a federation's assessment standard.
pub async fn set_standard(
    tx: &mut Tx,
    caller: &Caller<'_>,
    org: OrgId,
    standard: &Standard,
) -> Result<()> {
    let o = orgs::get(tx, org)
        .await?
        .ok_or_else(|| AppError::not_found("organisation"))?;
    caller.require(Action::ManageNamings, &o.path)?;
    standard.validate()?;
    let before = store::standard(tx, org).await?;
    store::set_standard(tx, org, standard, Timestamp::now()).await?;
    record(
        tx,
        caller,
        Change::new("studio.set_standard", "org", org.0)
            .label(&o.name)
            .org(org)
            .before(&before)
            .after(standard),
    )
    .await?;
    Ok(())
}

pub async fn standard_of(tx: &mut Tx, org: OrgId) -> Result<Standard> {
    store::standard(tx, org).await
}
