//! A studio's outputs counted from the records: its members' achievements (and those put into
//! production), the patents linked to them by type and stage, their proposals and their skills
//! and methods, each within the member's time in the studio. The manual ledger adds only what
//! the records do not hold (people trained, benefit, outputs from before the records were kept).

use crate::Result;
use ingot_domain::StudioId;
use ingot_domain::studio::OutputTotals;
use ingot_store::Tx;
use ingot_store::studios::{
    self as store, Output, OutputAchievement, OutputPatent, OutputProposal, OutputSkill,
};

/// The records a studio's members produced while members, each linked from the studio's page.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct RecordOutputs {
    pub achievements: Vec<OutputAchievement>,
    pub patents: Vec<OutputPatent>,
    pub proposals: Vec<OutputProposal>,
    pub skills: Vec<OutputSkill>,
}

pub async fn record_outputs(
    tx: &mut Tx,
    id: StudioId,
    utc_offset_ms: i64,
) -> Result<RecordOutputs> {
    let (achievements, patents) = store::member_achievements_and_patents(tx, id).await?;
    Ok(RecordOutputs {
        achievements,
        patents,
        proposals: store::member_proposals(tx, id, utc_offset_ms).await?,
        skills: store::member_skills(tx, id).await?,
    })
}

/// The ledger's figures: the records counted, then the manual rows added to them.
pub fn totals_with(records: &RecordOutputs, manual: &[Output]) -> OutputTotals {
    let mut t = super::totals(manual);
    t.achievements += records.achievements.len() as i64;
    t.transformations += records
        .achievements
        .iter()
        .filter(|a| a.in_production_since.is_some())
        .count() as i64;
    for p in &records.patents {
        // Every patent counted was applied for; some were granted since.
        t.patents_applied += 1;
        if p.status == "granted" {
            t.patents_granted += 1;
        }
        match p.kind.as_str() {
            "invention" => t.invention_patents += 1,
            "utility_model" => t.utility_model_patents += 1,
            _ => t.design_patents += 1,
        }
    }
    t.proposals += records.proposals.len() as i64;
    t.skill_methods += records.skills.len() as i64;
    t
}

/// The studio's manual rows, the records counted, and the figures of both.
pub async fn studio_outputs(
    tx: &mut Tx,
    id: StudioId,
    utc_offset_ms: i64,
) -> Result<(Vec<Output>, RecordOutputs, OutputTotals)> {
    let manual = store::outputs(tx, id).await?;
    let records = record_outputs(tx, id, utc_offset_ms).await?;
    let totals = totals_with(&records, &manual);
    Ok((manual, records, totals))
}
