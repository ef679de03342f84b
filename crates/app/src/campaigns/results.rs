//! Results: raw and calibrated scores side by side, divergence flags, the proposed tiers by
//! quota with ties, the panel's final tiers; and the ranking of participating units.

use super::{load, may_manage, quota_counts};
use crate::{Caller, Result};
use ingot_domain::campaign::{self as rules, DeclarationStatus, RawScore, Stage, Tier};
use ingot_domain::{AppError, CampaignId};
use ingot_store::Tx;
use ingot_store::campaigns::{self as store, Campaign, Declaration};

#[derive(Debug, Clone, serde::Serialize)]
pub struct SheetView {
    pub expert_id: i64,
    pub expert_name: String,
    /// The raw total and, beside it, the total less the reviewer's offset.
    pub raw: f64,
    pub calibrated: f64,
    pub comment: String,
    /// Why this sheet is left out of the results: a conflict of interest found after the
    /// expert scored (its code, e.g. `declared`). Excluded sheets count for nothing.
    pub excluded: Option<&'static str>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct ResultRow {
    pub declaration: Declaration,
    pub sheets: Vec<SheetView>,
    /// Sheets assigned but not yet in.
    pub missing: usize,
    pub raw_mean: Option<f64>,
    /// The declaration's quality in the reviewer-offset model.
    pub calibrated: Option<f64>,
    pub spread: f64,
    pub divergent: bool,
    pub rank: Option<usize>,
    pub proposed: Option<Tier>,
    pub tied: bool,
    /// The panel's final tier, once decided.
    pub decided: Option<Tier>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Results {
    pub campaign: Campaign,
    pub rows: Vec<ResultRow>,
    /// (expert id, name, offset in points): positive is lenient, negative harsh.
    pub offsets: Vec<(i64, String, f64)>,
    pub quotas: Vec<(Tier, usize, String)>,
    pub iterations: usize,
    pub decided: bool,
}

/// Staff see the results while under review and after; everyone else never (the public list
/// shows the tiers, not the scores).
pub async fn results(
    tx: &mut Tx,
    caller: Option<&Caller<'_>>,
    campaign: CampaignId,
) -> Result<Results> {
    let c = load(tx, campaign).await?;
    if !caller.is_some_and(|cl| may_manage(cl, &c)) {
        return Err(AppError::forbidden());
    }
    let declarations: Vec<Declaration> = store::declarations(tx, campaign.0)
        .await?
        .into_iter()
        .filter(|d| d.status == DeclarationStatus::Accepted)
        .collect();
    let sheets = store::sheets(tx, campaign.0).await?;
    let assignment = store::assignment(tx, campaign.0).await?;
    // A conflict recorded (or come to light) after scoring voids the score: the pairs in
    // conflict now, whatever they were when the expert scored.
    let conflicted = conflicted_pairs(tx, campaign).await?;
    let conflict_of = |declaration: i64, expert: i64| -> Option<&'static str> {
        conflicted
            .iter()
            .find(|(d, e, _)| *d == declaration && *e == expert)
            .map(|(_, _, why)| *why)
    };
    let raw: Vec<RawScore> = sheets
        .iter()
        .filter(|s| conflict_of(s.declaration_id, s.user_id).is_none())
        .map(|s| RawScore {
            declaration: s.declaration_id,
            reviewer: s.user_id,
            total: s.total_hundredths as f64 / 100.0,
        })
        .collect();
    let cal = rules::calibrate(&raw);
    let quotas = quota_counts(&store::tiers(tx, campaign.0).await?, declarations.len());
    let scored: Vec<(i64, f64)> = declarations
        .iter()
        .filter_map(|d| Some((d.id, cal.quality_of(d.id)?)))
        .collect();
    let placed = rules::allocate(
        &scored,
        &quotas.iter().map(|(t, n, _)| (*t, *n)).collect::<Vec<_>>(),
    );
    let threshold = c.divergence_hundredths as f64 / 100.0;
    let mut rows = Vec::new();
    for d in declarations {
        let mine: Vec<SheetView> = sheets
            .iter()
            .filter(|s| s.declaration_id == d.id)
            .map(|s| {
                let raw = s.total_hundredths as f64 / 100.0;
                SheetView {
                    expert_id: s.user_id,
                    expert_name: s.display_name.clone(),
                    raw,
                    calibrated: raw - cal.offset_of(s.user_id),
                    comment: s.comment.clone(),
                    excluded: conflict_of(s.declaration_id, s.user_id),
                }
            })
            .collect();
        let assigned = assignment
            .iter()
            .filter(|a| a.declaration_id == d.id && conflict_of(d.id, a.user_id).is_none())
            .count();
        let counted: Vec<&SheetView> = mine.iter().filter(|s| s.excluded.is_none()).collect();
        let totals: Vec<f64> = counted.iter().map(|s| s.raw).collect();
        let spread = rules::spread(&totals);
        let p = placed.iter().find(|p| p.declaration == d.id);
        rows.push(ResultRow {
            // A voided sheet leaves its declaration short of the reviewers it needs until staff
            // assign another expert.
            missing: assigned
                .max(c.reviewers_per_declaration as usize)
                .saturating_sub(counted.len()),
            raw_mean: (!totals.is_empty())
                .then(|| totals.iter().sum::<f64>() / totals.len() as f64),
            calibrated: cal.quality_of(d.id),
            divergent: spread > threshold,
            spread,
            rank: p.map(|p| p.rank),
            proposed: p.and_then(|p| p.tier),
            tied: p.is_some_and(|p| p.tied),
            decided: c.decided_at.and(d.tier),
            sheets: mine,
            declaration: d,
        });
    }
    rows.sort_by_key(|r| (r.rank.unwrap_or(usize::MAX), r.declaration.number));
    let mut offsets: Vec<(i64, String, f64)> = Vec::new();
    for (id, o) in &cal.offset {
        let name = sheets
            .iter()
            .find(|s| s.user_id == *id)
            .map(|s| s.display_name.clone())
            .unwrap_or_default();
        offsets.push((*id, name, *o));
    }
    Ok(Results {
        decided: c.decided_at.is_some(),
        campaign: c,
        rows,
        offsets,
        quotas,
        iterations: cal.iterations,
    })
}

/// (declaration, expert, first reason) of every panel pair in conflict now.
async fn conflicted_pairs(
    tx: &mut Tx,
    campaign: CampaignId,
) -> Result<Vec<(i64, i64, &'static str)>> {
    let m = super::matrix(tx, campaign).await?;
    let mut out = Vec::new();
    for (d, row) in m.declarations.iter().zip(&m.pairs) {
        for (e, pair) in m.experts.iter().zip(row) {
            if let Some(reason) = pair.conflicts.first() {
                out.push((d.id, e.user_id, reason.as_str()));
            }
        }
    }
    Ok(out)
}

/// A participating unit's awards, weighted by tier (first 10, second 6, third 3, excellent 1).
#[derive(Debug, Clone, serde::Serialize)]
pub struct RankRow {
    pub rank: usize,
    pub org_id: i64,
    pub name: String,
    pub name_en: Option<String>,
    pub first: i64,
    pub second: i64,
    pub third: i64,
    pub excellent: i64,
    /// Third class or above.
    pub prizes: i64,
    pub points: i64,
}

/// The ranking of the participating units of an announced campaign (public), by points, then
/// prizes; equal units share a rank.
pub async fn ranking(
    tx: &mut Tx,
    caller: Option<&Caller<'_>>,
    campaign: CampaignId,
) -> Result<Vec<RankRow>> {
    let c = load(tx, campaign).await?;
    let announced = c.stage == Stage::Announced;
    if !announced && !caller.is_some_and(|cl| may_manage(cl, &c)) {
        return Err(AppError::not_found("ranking"));
    }
    let declarations = store::declarations(tx, campaign.0).await?;
    let mut rows: Vec<RankRow> = store::units(tx, campaign.0)
        .await?
        .into_iter()
        .map(|u| {
            let mut row = RankRow {
                rank: 0,
                org_id: u.org_id,
                name: u.name,
                name_en: u.name_en,
                first: 0,
                second: 0,
                third: 0,
                excellent: 0,
                prizes: 0,
                points: 0,
            };
            for d in declarations.iter().filter(|d| d.participant_id == u.org_id) {
                let Some(t) = d.tier else {
                    continue;
                };
                match t {
                    Tier::First => row.first += 1,
                    Tier::Second => row.second += 1,
                    Tier::Third => row.third += 1,
                    Tier::Excellent => row.excellent += 1,
                }
                row.prizes += i64::from(t.is_prize());
                row.points += t.weight();
            }
            row
        })
        .collect();
    rows.sort_by(|a, b| {
        b.points
            .cmp(&a.points)
            .then(b.prizes.cmp(&a.prizes))
            .then(a.name.cmp(&b.name))
    });
    for i in 0..rows.len() {
        rows[i].rank = if i > 0
            && rows[i].points == rows[i - 1].points
            && rows[i].prizes == rows[i - 1].prizes
        {
            rows[i - 1].rank
        } else {
            i + 1
        };
    }
    Ok(rows)
}
