//! The region's awards of each kind and how many went to programme teams.

use super::{log, manageable};
use crate::{Caller, Result};
use ingot_domain::programme as rules;
use ingot_domain::validate::Validator;
use ingot_domain::{FieldError, ProgrammeId};
use ingot_store::Tx;
use ingot_store::programmes::{self as store, AwardTally};

#[derive(Debug, Clone, serde::Serialize)]
pub struct AwardShare {
    pub tally: AwardTally,
    pub share_bp: Option<i64>,
}

/// Recording the region's awards of a kind and how many went to programme teams, as the API
/// sends it.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
#[schema(as = AwardBody)]
pub struct AwardInput {
    pub award: String,
    pub region_total: i64,
    pub programme_won: i64,
}

/// Records how many of the region's awards of a kind there were and how many went to
/// programme teams; the share is computed from these.
pub async fn record_award(
    tx: &mut Tx,
    caller: &Caller<'_>,
    id: ProgrammeId,
    input: &AwardInput,
) -> Result<AwardShare> {
    let p = manageable(tx, caller, id).await?;
    let mut v = Validator::new();
    let award = v.required_text("award", &input.award, rules::TITLE_MAX);
    if input.region_total <= 0 {
        v.add(FieldError::new("region_total", "required"));
    }
    for e in rules::check_amounts(&[("programme_won", input.programme_won)]) {
        v.add(e);
    }
    if input.programme_won > input.region_total && input.region_total > 0 {
        v.add(FieldError::new("programme_won", "won_more_than_total"));
    }
    v.finish()?;
    let tally = AwardTally {
        award,
        region_total: input.region_total,
        programme_won: input.programme_won,
    };
    store::upsert_award(tx, id, &tally).await?;
    log(
        tx,
        caller,
        "programme.award.record",
        "programme",
        id.0,
        &tally.award,
        &p,
        serde_json::json!(tally),
    )
    .await?;
    Ok(AwardShare {
        share_bp: rules::share_bp(tally.programme_won, tally.region_total),
        tally,
    })
}
