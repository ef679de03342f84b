//! The record each kind of campaign attaches, as a campaign sees it: an achievement, a skill or
//! method, an implemented proposal (best proposals) or a person (titles); the candidates a
//! declarer may choose from; and what reviewers read of a declared person.

use crate::{Caller, Result};
use ingot_domain::campaign::{CampaignKind, RecordFacts, RecordType, Stage};
use ingot_domain::policy::Action;
use ingot_domain::time::Date;
use ingot_domain::{AppError, OrgId, OrgPath, ProposalId, UserId};
use ingot_store::campaigns::{self as store, Campaign, Candidate, HeldRecord};
use ingot_store::{Tx, innovation, orgs, proposals, users};

/// The record as a campaign sees it.
pub(super) struct RecordView {
    pub unit_id: OrgId,
    pub unit_path: OrgPath,
    pub title: String,
    pub summary: String,
    pub field: String,
    pub first_completer: Option<UserId>,
    pub facts: RecordFacts,
}

/// Reads the declared record; `Ok(None)` if there is no such record, or it is of a kind this
/// campaign does not take (a proposal not implemented yet, a person no longer active).
pub(super) async fn record_view(
    tx: &mut Tx,
    c: &Campaign,
    kind: RecordType,
    id: i64,
) -> Result<Option<RecordView>> {
    Ok(match kind {
        RecordType::Achievement => {
            let Some(a) = innovation::get_achievement(tx, id).await? else {
                return Ok(None);
            };
            let completers = innovation::completers(tx, id).await?;
            let documents = innovation::attachments(tx, id).await?.len();
            Some(RecordView {
                unit_id: a.unit_id,
                unit_path: OrgPath::from_stored(a.unit_path.clone()),
                facts: RecordFacts {
                    year: a.year,
                    has_summary: !a.summary.trim().is_empty(),
                    completers: completers.len(),
                    has_claimed_level: a.claimed_level.is_some(),
                    has_benefit: a.benefit_claimed_cents.is_some(),
                    documents,
                    ..Default::default()
                },
                first_completer: completers.first().map(|p| UserId(p.user_id)),
                title: a.title,
                summary: a.summary,
                field: a.field,
            })
        }
        RecordType::Skill => {
            let Some(s) = innovation::get_skill(tx, id).await? else {
                return Ok(None);
            };
            Some(RecordView {
                unit_id: s.unit_id,
                unit_path: OrgPath::from_stored(s.unit_path.clone()),
                facts: RecordFacts {
                    year: s.year,
                    has_summary: !s.description.trim().is_empty(),
                    completers: usize::from(s.creator_id.is_some()),
                    ..Default::default()
                },
                first_completer: s.creator_id,
                title: s.name,
                summary: s.description,
                field: s.used_where,
            })
        }
        RecordType::Proposal => proposal_view(tx, id).await?,
        RecordType::Person => person_view(tx, c, id).await?,
    })
}

/// An implemented proposal: its proposer is its first completer, the people named on it its
/// completers, its verified benefit its benefit; it counts in the year it was put forward.
async fn proposal_view(tx: &mut Tx, id: i64) -> Result<Option<RecordView>> {
    let Some(p) = proposals::get(tx, ProposalId(id)).await? else {
        return Ok(None);
    };
    if !p.status.is_implemented() {
        return Err(AppError::field("record_id", "proposal_not_implemented"));
    }
    let Some(unit) = orgs::get(tx, p.unit_id).await? else {
        return Ok(None);
    };
    let people = proposals::people(tx, p.id).await?;
    let documents = ingot_store::attachments::list(tx, p.id).await?.len();
    let summary = [p.problem.trim(), p.proposed_change.trim()]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("\n");
    Ok(Some(RecordView {
        unit_id: p.unit_id,
        unit_path: unit.path,
        facts: RecordFacts {
            year: p.period.map_or_else(
                || i64::from(Date::of(p.created_at, 0).year),
                |period| period / 100,
            ),
            has_summary: !summary.is_empty(),
            completers: people.len().max(1),
            has_benefit: p.benefit_verified_cents.is_some(),
            documents,
            ..Default::default()
        },
        first_completer: Some(p.proposer_id),
        title: p.title,
        summary,
        field: p.category,
    }))
}

/// A person declared for a title: their unit, their records as the summary (what the panel
/// weighs) and the field of their latest achievement. They count in the campaign's year.
async fn person_view(tx: &mut Tx, c: &Campaign, id: i64) -> Result<Option<RecordView>> {
    let Some(u) = users::get(tx, UserId(id)).await?.filter(|u| u.active) else {
        return Ok(None);
    };
    let Some(unit) = orgs::get(tx, u.org_id).await? else {
        return Ok(None);
    };
    let held = store::held_records(tx, u.id).await?;
    let summary = held
        .iter()
        .map(|r| r.name.as_str())
        .collect::<Vec<_>>()
        .join("; ");
    let field = match held.iter().find(|r| r.kind == "achievement") {
        Some(r) => innovation::get_achievement(tx, r.id)
            .await?
            .map(|a| a.field)
            .unwrap_or_default(),
        None => String::new(),
    };
    Ok(Some(RecordView {
        unit_id: u.org_id,
        unit_path: unit.path,
        facts: RecordFacts {
            year: c.year,
            has_summary: !summary.is_empty(),
            completers: 1,
            ..Default::default()
        },
        first_completer: Some(u.id),
        title: u.display_name,
        summary,
        field,
    }))
}

/// Records the caller may declare to the campaign now: of the kind it takes, within their
/// declaring scope and the campaign's record years, not yet declared (at most 200).
pub async fn declarable(
    tx: &mut Tx,
    caller: &Caller<'_>,
    d: &super::CampaignDetail,
) -> Result<Vec<Candidate>> {
    let Some(actor) = caller.actor() else {
        return Ok(Vec::new());
    };
    if !d.may_declare || d.stage != Stage::Declaration {
        return Ok(Vec::new());
    }
    let scope = ingot_domain::policy::scope(actor, Action::DeclareToCampaign);
    let filter = innovation::RecordFilter {
        scope: Some(scope.clone()),
        ..Default::default()
    };
    let page = ingot_store::Page::new(Some(1), Some(200), 200);
    let items: Vec<Candidate> = match d.campaign.kind {
        CampaignKind::AchievementAward => innovation::list_achievements(tx, &filter, page)
            .await?
            .0
            .into_iter()
            .map(|a| Candidate {
                id: a.id,
                title: a.title,
                unit_name: a.unit_name,
                year: Some(a.year),
                benefit_verified_cents: a.benefit_verified_cents,
            })
            .collect(),
        CampaignKind::SkillsMethods => innovation::list_skills(tx, &filter, page)
            .await?
            .0
            .into_iter()
            .map(|s| Candidate {
                id: s.id,
                title: s.name,
                unit_name: s.unit_name,
                year: Some(s.year),
                benefit_verified_cents: None,
            })
            .collect(),
        CampaignKind::Proposals => store::implemented_proposals(tx, &scope).await?,
        CampaignKind::Titles => store::people_with_records(tx, &scope).await?,
    };
    let kind = d.campaign.kind.record_type();
    let taken: Vec<i64> = d
        .declarations
        .iter()
        .filter(|x| x.record_type == kind)
        .map(|x| x.record_id)
        .collect();
    Ok(items
        .into_iter()
        .filter(|a| !taken.contains(&a.id))
        .filter(|a| {
            a.year.is_none_or(|year| {
                d.campaign.min_record_year.is_none_or(|y| year >= y)
                    && d.campaign.max_record_year.is_none_or(|y| year <= y)
            })
        })
        .collect())
}

/// What reviewers read of each declared person, by declaration: their records, in one statement
/// for all of them. Other declarations have none.
pub(super) async fn dossiers(
    tx: &mut Tx,
    declarations: &[ingot_store::campaigns::Declaration],
) -> Result<std::collections::HashMap<i64, Vec<HeldRecord>>> {
    let people: Vec<i64> = declarations
        .iter()
        .filter(|d| d.record_type == RecordType::Person)
        .map(|d| d.record_id)
        .collect();
    let mut by_person: std::collections::HashMap<i64, Vec<HeldRecord>> =
        std::collections::HashMap::new();
    for (person, record) in store::held_records_of(tx, &people).await? {
        by_person.entry(person).or_default().push(record);
    }
    Ok(declarations
        .iter()
        .filter(|d| d.record_type == RecordType::Person)
        .map(|d| {
            (
                d.id,
                by_person.get(&d.record_id).cloned().unwrap_or_default(),
            )
        })
        .collect())
}
