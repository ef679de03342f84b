//! The overview a science department shows: the programme's figures, per area, its talent and
//! its share of the region's awards.

use super::{AwardShare, may_manage, readable};
use crate::{Caller, Result};
use ingot_domain::ProgrammeId;
use ingot_domain::programme::{self as rules, Figures};
use ingot_store::Tx;
use ingot_store::programmes::{self as store, Area, Programme, Talent};

/// An area's figures, for the overview and its chart.
#[derive(Debug, Clone, serde::Serialize)]
pub struct AreaFigures {
    pub area: Area,
    pub figures: Figures,
}

/// What the overview page and `GET /programmes/{id}` show.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Overview {
    pub programme: Programme,
    pub figures: Figures,
    pub areas: Vec<AreaFigures>,
    pub talent: Talent,
    pub awards: Vec<AwardShare>,
    pub can_manage: bool,
}

pub async fn overview(tx: &mut Tx, caller: &Caller<'_>, id: ProgrammeId) -> Result<Overview> {
    let programme = readable(tx, caller, id).await?;
    let by_area = store::figures_by_area(tx, id).await?;
    let mut figures = Figures::default();
    for part in by_area.values() {
        figures.add(part);
    }
    let areas = store::areas(tx, id)
        .await?
        .into_iter()
        .map(|area| AreaFigures {
            figures: by_area.get(&Some(area.id)).cloned().unwrap_or_default(),
            area,
        })
        .collect();
    let talent = store::talent(tx, id).await?;
    let awards = store::awards(tx, id)
        .await?
        .into_iter()
        .map(|tally| AwardShare {
            share_bp: rules::share_bp(tally.programme_won, tally.region_total),
            tally,
        })
        .collect();
    Ok(Overview {
        can_manage: may_manage(caller, &programme),
        programme,
        figures,
        areas,
        talent,
        awards,
    })
}
