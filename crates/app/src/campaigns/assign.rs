//! The assignment: conflicts of interest and affinities of every panel expert with every
//! accepted declaration, the instance for `ingot_assign`, the solver's answer or its reason
//! for infeasibility named by declaration and expert, and manual overrides checked against
//! the same rules.

use super::{declaration_label, load, require_manage, require_stage};
use crate::audit::{Change, record};
use crate::{Caller, Result};
use ingot_assign::{Infeasible, Instance, Load, Pair};
use ingot_domain::campaign::{
    self as rules, ConflictReason, DeclarationStatus, Placement, RecordType, Stage,
};
use ingot_domain::org::Organisation;
use ingot_domain::{
    AppError, CampaignId, DeclarationId, FieldError, OrgId, OrgKind, OrgPath, UserId,
};
use ingot_search::minhash::{jaccard, shingle_set};
use ingot_store::campaigns::{self as store, AssignmentRow, Campaign, Declaration, Expert};
use ingot_store::{Tx, innovation, orgs, users};
use std::collections::HashMap;

/// The topmost enterprise at or above an organisation: its enterprise group.
fn group_of(orgs: &HashMap<OrgId, Organisation>, path: &OrgPath) -> Option<OrgPath> {
    path.ids()
        .iter()
        .filter_map(|id| orgs.get(id))
        .find(|o| o.kind == OrgKind::Enterprise)
        .map(|o| o.path.clone())
}

/// One expert and one declaration: why they conflict (empty if they do not) and their fit.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PairInfo {
    pub conflicts: Vec<ConflictReason>,
    pub affinity: i64,
}

/// Every panel expert against every accepted declaration.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Matrix {
    pub experts: Vec<Expert>,
    pub declarations: Vec<Declaration>,
    /// `pairs[d][e]` for declaration index d and expert index e.
    pub pairs: Vec<Vec<PairInfo>>,
}

impl Matrix {
    pub fn pair(&self, declaration: i64, expert: i64) -> Option<&PairInfo> {
        let d = self.declarations.iter().position(|x| x.id == declaration)?;
        let e = self.experts.iter().position(|x| x.user_id == expert)?;
        Some(&self.pairs[d][e])
    }
}

struct ExpertFacts {
    placement_unit: OrgPath,
    group: Option<OrgPath>,
    co_workers: Vec<i64>,
    fields: Vec<String>,
    shingles: Vec<u64>,
}

fn expert_facts(
    orgs: &HashMap<OrgId, Organisation>,
    co_completers: &[(i64, i64)],
    e: &Expert,
) -> ExpertFacts {
    let unit = OrgPath::from_stored(e.org_path.clone());
    ExpertFacts {
        group: group_of(orgs, &unit),
        placement_unit: unit,
        co_workers: co_completers
            .iter()
            .filter(|(user, _)| *user == e.user_id)
            .map(|(_, co)| *co)
            .collect(),
        fields: e
            .fields
            .split(',')
            .map(|f| f.trim().to_lowercase())
            .filter(|f| !f.is_empty())
            .collect(),
        shingles: shingle_set(&format!("{} {}", e.fields, e.profile)),
    }
}

/// What the pairing needs to know of a declaration, computed once.
struct DeclFacts {
    unit: OrgPath,
    group: Option<OrgPath>,
    completers: Vec<i64>,
    field: String,
    shingles: Vec<u64>,
}

/// `(record, person)` pairs of the people named on declared achievements and proposals.
struct Named<'a> {
    achievements: &'a [(i64, i64)],
    proposals: &'a [(i64, i64)],
}

fn decl_facts(
    orgs: &HashMap<OrgId, Organisation>,
    named: &Named<'_>,
    d: &Declaration,
) -> DeclFacts {
    let unit = OrgPath::from_stored(d.unit_path.clone());
    let of = |pairs: &[(i64, i64)]| -> Vec<i64> {
        pairs
            .iter()
            .filter(|(record, _)| *record == d.record_id)
            .map(|(_, user)| *user)
            .collect()
    };
    // A proposal's co-proposers, like an achievement's completers, may not review it; a declared
    // person (titles) is their own first completer and may not review themselves.
    let completers = match d.record_type {
        RecordType::Achievement => of(named.achievements),
        RecordType::Proposal => of(named.proposals)
            .into_iter()
            .chain(d.first_completer_id)
            .collect(),
        RecordType::Skill | RecordType::Person => d.first_completer_id.into_iter().collect(),
    };
    DeclFacts {
        group: group_of(orgs, &unit),
        unit,
        completers,
        field: d.field.trim().to_lowercase(),
        shingles: shingle_set(&format!("{} {}", d.title, d.summary)),
    }
}

/// What pairing needs of these experts and declarations, read in a fixed number of statements
/// however many there are: the organisations on their paths, the experts' co-completers and
/// the declared achievements' completers.
async fn facts(
    tx: &mut Tx,
    experts: &[Expert],
    declarations: &[Declaration],
) -> Result<(Vec<ExpertFacts>, Vec<DeclFacts>)> {
    let mut ids: Vec<OrgId> = experts
        .iter()
        .map(|e| OrgPath::from_stored(e.org_path.clone()))
        .chain(
            declarations
                .iter()
                .map(|d| OrgPath::from_stored(d.unit_path.clone())),
        )
        .flat_map(|p| p.ids())
        .collect();
    ids.sort_unstable_by_key(|id| id.0);
    ids.dedup();
    let orgs: HashMap<OrgId, Organisation> = orgs::get_many(tx, &ids)
        .await?
        .into_iter()
        .map(|o| (o.id, o))
        .collect();
    let users: Vec<i64> = experts.iter().map(|e| e.user_id).collect();
    let co = store::co_completers_of(tx, &users).await?;
    let achievements: Vec<i64> = declarations
        .iter()
        .filter(|d| d.record_type == RecordType::Achievement)
        .map(|d| d.record_id)
        .collect();
    let completers = innovation::completer_ids(tx, &achievements).await?;
    let proposals: Vec<i64> = declarations
        .iter()
        .filter(|d| d.record_type == RecordType::Proposal)
        .map(|d| d.record_id)
        .collect();
    let proposal_people = store::proposal_people(tx, &proposals).await?;
    let named = Named {
        achievements: &completers,
        proposals: &proposal_people,
    };
    Ok((
        experts
            .iter()
            .map(|e| expert_facts(&orgs, &co, e))
            .collect(),
        declarations
            .iter()
            .map(|d| decl_facts(&orgs, &named, d))
            .collect(),
    ))
}

fn pair_info(
    ef: &ExpertFacts,
    expert: i64,
    d: &Declaration,
    df: &DeclFacts,
    declared: &[store::ConflictRow],
) -> PairInfo {
    let mut conflicts = Vec::new();
    if let Some(c) = rules::tree_conflict(
        &Placement {
            unit: &ef.placement_unit,
            group: ef.group.as_ref(),
        },
        &Placement {
            unit: &df.unit,
            group: df.group.as_ref(),
        },
    ) {
        conflicts.push(c);
    }
    if df.completers.contains(&expert) {
        conflicts.push(ConflictReason::Completer);
    }
    if d.first_completer_id
        .is_some_and(|fc| ef.co_workers.contains(&fc))
    {
        conflicts.push(ConflictReason::PastCoWork);
    }
    for c in declared
        .iter()
        .filter(|c| c.user_id == expert && c.declaration_id == d.id)
    {
        conflicts.push(if c.source == "declared" {
            ConflictReason::Declared
        } else {
            ConflictReason::Manual
        });
    }
    let field_match = ef.fields.contains(&df.field);
    PairInfo {
        conflicts,
        affinity: rules::affinity(field_match, jaccard(&ef.shingles, &df.shingles)),
    }
}

/// Why this expert may not review this declaration (empty if they may).
pub(super) async fn conflicts_of(
    tx: &mut Tx,
    c: &Campaign,
    d: &Declaration,
    expert: UserId,
) -> Result<Vec<ConflictReason>> {
    let Some(e) = store::expert(tx, expert).await? else {
        return Ok(Vec::new());
    };
    let (ef, df) = facts(tx, std::slice::from_ref(&e), std::slice::from_ref(d)).await?;
    let declared = store::conflicts(tx, c.id).await?;
    Ok(pair_info(&ef[0], e.user_id, d, &df[0], &declared).conflicts)
}

/// Which of `declarations` the expert has a conflict with, read in a fixed number of statements
/// whatever their number (an expert's review list).
pub(super) async fn conflicted(
    tx: &mut Tx,
    c: &Campaign,
    declarations: &[Declaration],
    expert: UserId,
) -> Result<Vec<bool>> {
    let Some(e) = store::expert(tx, expert).await? else {
        return Ok(vec![false; declarations.len()]);
    };
    let (ef, df) = facts(tx, std::slice::from_ref(&e), declarations).await?;
    let declared = store::conflicts(tx, c.id).await?;
    Ok(declarations
        .iter()
        .zip(&df)
        .map(|(d, f)| {
            !pair_info(&ef[0], e.user_id, d, f, &declared)
                .conflicts
                .is_empty()
        })
        .collect())
}

pub async fn matrix(tx: &mut Tx, campaign: CampaignId) -> Result<Matrix> {
    let experts = store::panel(tx, campaign.0).await?;
    let declarations: Vec<Declaration> = store::declarations(tx, campaign.0)
        .await?
        .into_iter()
        .filter(|d| d.status == DeclarationStatus::Accepted)
        .collect();
    let declared = store::conflicts(tx, campaign.0).await?;
    let (expert_facts, declaration_facts) = facts(tx, &experts, &declarations).await?;
    let pairs = declarations
        .iter()
        .zip(&declaration_facts)
        .map(|(d, df)| {
            experts
                .iter()
                .zip(&expert_facts)
                .map(|(e, ef)| pair_info(ef, e.user_id, d, df, &declared))
                .collect()
        })
        .collect();
    Ok(Matrix {
        experts,
        declarations,
        pairs,
    })
}

fn instance(c: &Campaign, m: &Matrix) -> Instance {
    let load = Load {
        min: c.min_load as u32,
        max: c.max_load as u32,
    };
    Instance {
        loads: vec![load; m.experts.len()],
        reviews: vec![c.reviewers_per_declaration as u32; m.declarations.len()],
        pairs: m
            .pairs
            .iter()
            .enumerate()
            .flat_map(|(d, row)| {
                row.iter()
                    .enumerate()
                    .filter(|(_, p)| p.conflicts.is_empty())
                    .map(move |(e, p)| Pair {
                        submission: d as u32,
                        reviewer: e as u32,
                        affinity: p.affinity,
                    })
            })
            .collect(),
    }
}

/// The solver's reason, with the declarations and experts named, for both catalogs.
fn explain(m: &Matrix, why: Infeasible) -> AppError {
    let decl = |s: u32| declaration_label(&m.declarations[s as usize]);
    let names = |ids: &[u32], f: &dyn Fn(u32) -> String| {
        ids.iter().map(|&i| f(i)).collect::<Vec<_>>().join("; ")
    };
    let expert = |r: u32| m.experts[r as usize].display_name.clone();
    let e = match why {
        Infeasible::TooFewReviewers {
            submission,
            needed,
            allowed,
        } => FieldError::new("assignment", "too_few_reviewers")
            .with("declaration", decl(submission))
            .with("needed", needed)
            .with("allowed", allowed),
        Infeasible::Capacity {
            needed,
            min_total,
            max_total,
        } => FieldError::new("assignment", "reviewer_capacity")
            .with("needed", needed)
            .with("min", min_total)
            .with("max", max_total),
        Infeasible::Uncovered {
            submissions,
            needed,
            available,
            ..
        } => FieldError::new("assignment", "declarations_uncovered")
            .with("declarations", names(&submissions, &decl))
            .with("needed", needed)
            .with("available", available),
        Infeasible::Underloaded { reviewers } => {
            FieldError::new("assignment", "experts_underloaded")
                .with("experts", names(&reviewers, &expert))
        }
        other => return AppError::internal(format!("assignment instance: {other}")),
    };
    AppError::Validation(vec![e])
}

/// Solves the assignment optimally and saves it, replacing any earlier one. Refused once any
/// score sheet exists: the reviews would lose their reviewers.
pub async fn run_assignment(tx: &mut Tx, caller: &Caller<'_>, campaign: CampaignId) -> Result<i64> {
    let c = load(tx, campaign).await?;
    require_manage(caller, &c)?;
    require_stage(&c, &[Stage::Review])?;
    if !store::sheets(tx, campaign.0).await?.is_empty() {
        return Err(AppError::conflict("scores_exist"));
    }
    let m = matrix(tx, campaign).await?;
    if m.experts.is_empty() {
        return Err(AppError::field("assignment", "no_experts"));
    }
    let inst = instance(&c, &m);
    let solved = ingot_assign::solve(&inst).map_err(|why| explain(&m, why))?;
    let rows: Vec<AssignmentRow> = solved
        .pairs
        .iter()
        .map(|&(s, r)| AssignmentRow {
            declaration_id: m.declarations[s as usize].id,
            user_id: m.experts[r as usize].user_id,
            affinity: m.pairs[s as usize][r as usize].affinity,
            manual: false,
        })
        .collect();
    store::replace_assignment(tx, campaign.0, &rows).await?;
    record(
        tx,
        caller,
        Change::new("campaign.assign", "campaign", campaign.0)
            .label(&c.title)
            .org(OrgId(c.org_id))
            .after(&serde_json::json!({ "pairs": rows.len(), "objective": solved.objective })),
    )
    .await?;
    Ok(solved.objective)
}

/// Swapping one reviewer of a declaration by hand, as the form and the API send it.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default)]
#[schema(as = OverrideBody)]
pub struct OverrideInput {
    #[schema(value_type = Option<i64>)]
    pub declaration_id: Option<DeclarationId>,
    /// Username of the assigned expert to take off.
    pub remove: String,
    /// Username of the panel expert to put on.
    pub add: String,
}

/// Swaps one reviewer of a declaration for another by hand. The result must still satisfy
/// every rule: no conflict, loads within bounds, k distinct reviewers.
pub async fn override_pair(
    tx: &mut Tx,
    caller: &Caller<'_>,
    campaign: CampaignId,
    input: &OverrideInput,
) -> Result<()> {
    let c = load(tx, campaign).await?;
    require_manage(caller, &c)?;
    require_stage(&c, &[Stage::Review])?;
    let m = matrix(tx, campaign).await?;
    let current = store::assignment(tx, campaign.0).await?;
    if current.is_empty() {
        return Err(AppError::conflict("no_assignment"));
    }
    let d_index = input
        .declaration_id
        .and_then(|id| m.declarations.iter().position(|d| d.id == id.0))
        .ok_or_else(|| AppError::field("declaration_id", "unknown_declaration"))?;
    let d = &m.declarations[d_index];
    let find = |name: &str| {
        m.experts
            .iter()
            .position(|e| e.username == name.trim().to_lowercase())
    };
    let mut errors = Vec::new();
    let remove = find(&input.remove);
    let add = find(&input.add);
    if remove.is_none_or(|r| {
        !current
            .iter()
            .any(|a| a.declaration_id == d.id && a.user_id == m.experts[r].user_id)
    }) {
        errors.push(FieldError::new("remove", "expert_not_assigned"));
    }
    match add {
        None => errors.push(FieldError::new("add", "not_on_panel")),
        Some(a) => {
            if let Some(reason) = m.pairs[d_index][a].conflicts.first() {
                errors.push(
                    FieldError::new("add", "expert_conflicted_with")
                        .with("reason", reason.as_str()),
                );
            }
            if current
                .iter()
                .any(|x| x.declaration_id == d.id && x.user_id == m.experts[a].user_id)
            {
                errors.push(FieldError::new("add", "expert_already_assigned"));
            }
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let (remove, add) = (remove.unwrap_or(0), add.unwrap_or(0));
    let removed_user = m.experts[remove].user_id;
    if store::sheets(tx, campaign.0)
        .await?
        .iter()
        .any(|s| s.declaration_id == d.id && s.user_id == removed_user)
    {
        return Err(AppError::conflict_on("remove", "expert_already_scored"));
    }
    // The whole assignment after the swap, checked against the instance's every rule.
    let index_of_decl: HashMap<i64, u32> = m
        .declarations
        .iter()
        .enumerate()
        .map(|(i, d)| (d.id, i as u32))
        .collect();
    let index_of_expert: HashMap<i64, u32> = m
        .experts
        .iter()
        .enumerate()
        .map(|(i, e)| (e.user_id, i as u32))
        .collect();
    let mut pairs: Vec<(u32, u32)> = current
        .iter()
        .filter(|a| !(a.declaration_id == d.id && a.user_id == removed_user))
        .filter_map(|a| {
            Some((
                *index_of_decl.get(&a.declaration_id)?,
                *index_of_expert.get(&a.user_id)?,
            ))
        })
        .collect();
    pairs.push((d_index as u32, add as u32));
    let inst = instance(&c, &m);
    let loads = |e: usize| pairs.iter().filter(|p| p.1 == e as u32).count() as i64;
    if loads(add) > c.max_load {
        return Err(AppError::Validation(vec![
            FieldError::new("add", "load_above_max").with("max", c.max_load),
        ]));
    }
    if loads(remove) < c.min_load {
        return Err(AppError::Validation(vec![
            FieldError::new("remove", "load_below_min").with("min", c.min_load),
        ]));
    }
    ingot_assign::check(&inst, &pairs).map_err(|why| {
        AppError::Validation(vec![
            FieldError::new("assignment", "assignment_breaks_rules").with("detail", why),
        ])
    })?;
    let mut rows: Vec<AssignmentRow> = current
        .into_iter()
        .filter(|a| !(a.declaration_id == d.id && a.user_id == removed_user))
        .collect();
    rows.push(AssignmentRow {
        declaration_id: d.id,
        user_id: m.experts[add].user_id,
        affinity: m.pairs[d_index][add].affinity,
        manual: true,
    });
    store::replace_assignment(tx, campaign.0, &rows).await?;
    let added = users::get(tx, UserId(m.experts[add].user_id))
        .await?
        .map(|u| u.username);
    record(
        tx,
        caller,
        Change::new("campaign.override", "declaration", d.id)
            .label(&d.title)
            .org(OrgId(c.org_id))
            .after(&serde_json::json!({ "removed": input.remove.trim(), "added": added })),
    )
    .await
}
