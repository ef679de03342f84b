//! The demo proposals of ../demo/proposals.toml with their whole history: 22 put forward in
//! August-October 2021, all implemented; 35 in 2022, 30 implemented (85.7%); a few from another
//! enterprise. They are written as they would have happened, on their historical dates, through
//! the same rollup, timeline and numbering as live proposals.

use crate::{Caller, Result};
use ingot_domain::proposal::{
    self as rules, Benefit, ImplStatus, Person, Proposal, Status, StepConfig, event,
};
use ingot_domain::time::{CHINA_STANDARD_OFFSET_MS, Date};
use ingot_domain::{AppError, OrgId, Role, Timestamp, UserId};
use ingot_store::proposals::{self, NewProposal};
use ingot_store::{Db, Sql, Tx, orgs, proposal_config, proposal_stats, users};

const DATA: &str = include_str!("../../demo/proposals.toml");

#[derive(serde::Deserialize)]
struct File {
    proposal: Vec<Entry>,
}

#[derive(serde::Deserialize)]
struct Entry {
    title: String,
    problem: String,
    change: String,
    effect: String,
    category: String,
    unit: String,
    proposer: String,
    #[serde(default)]
    co: Vec<String>,
    submitted: String,
    status: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    method: String,
    #[serde(default)]
    old_cost: f64,
    #[serde(default)]
    new_cost: f64,
    #[serde(default)]
    volume: f64,
    #[serde(default)]
    hours: f64,
    #[serde(default)]
    rate: f64,
    #[serde(default)]
    amount: f64,
    #[serde(default)]
    note: String,
}

fn unit_code(short: &str) -> String {
    match short {
        "REF" => super::ZHAO_PENGDA_COMPANY.to_string(),
        "NRE-SMELT" => "CN-NM-BT-NRE-SMELT".to_string(),
        other => format!("{}-{other}", super::ZHAO_PENGDA_COMPANY),
    }
}

/// The company's three-step workflow: the department concerned, the technical centre (blind),
/// then the union.
async fn company_workflow(tx: &mut Tx, company: OrgId) -> Result<Vec<StepConfig>> {
    let tc = org_id(tx, &unit_code("TC")).await?;
    Ok(vec![
        StepConfig {
            name: "部门初审".into(),
            role: Role::Reviewer,
            org_id: None,
            due_days: 7,
            blind: false,
        },
        StepConfig {
            name: "技术中心评审".into(),
            role: Role::Reviewer,
            org_id: Some(tc),
            due_days: 10,
            blind: true,
        },
        StepConfig {
            name: "工会审批".into(),
            role: Role::UnitAdmin,
            org_id: Some(company),
            due_days: 7,
            blind: false,
        },
    ])
}

async fn org_id(tx: &mut Tx, code: &str) -> Result<OrgId> {
    orgs::get_by_code(tx, code)
        .await?
        .map(|o| o.id)
        .ok_or_else(|| AppError::internal(format!("demo org {code}")))
}

async fn user_id(tx: &mut Tx, username: &str) -> Result<UserId> {
    users::get_by_username(tx, username)
        .await?
        .map(|u| u.id)
        .ok_or_else(|| AppError::internal(format!("demo user {username}")))
}

/// When, who, what, at which step, with what comment.
type HistoryEntry = (
    Timestamp,
    Option<UserId>,
    &'static str,
    Option<i64>,
    Option<String>,
);

fn cents(yuan: f64) -> i64 {
    (yuan * 100.0).round() as i64
}

fn benefit_of(e: &Entry) -> Option<Benefit> {
    let b = match e.method.as_str() {
        "cost" => Benefit::Cost {
            old_cost_cents: cents(e.old_cost),
            new_cost_cents: cents(e.new_cost),
            volume: e.volume.round() as i64,
        },
        "time" => Benefit::Time {
            hours_x100: cents(e.hours),
            rate_cents: cents(e.rate),
        },
        "free" => Benefit::Free {
            amount_cents: cents(e.amount),
        },
        _ => return None,
    };
    b.amount_cents().ok().map(|_| b)
}

fn grade_for(benefit_cents: i64) -> &'static str {
    match benefit_cents {
        c if c >= 20_000_000 => "first",
        c if c >= 10_000_000 => "second",
        c if c >= 5_000_000 => "third",
        _ => "encouragement",
    }
}

fn at(date: Date, plus_days: i64, hour: i64) -> Timestamp {
    Timestamp(date.plus_days(plus_days).start(CHINA_STANDARD_OFFSET_MS).0 + hour * 3_600_000)
}

/// Loads the demo proposals unless the company already has proposals. Returns how many.
pub async fn load(db: &Db, caller: &Caller<'_>) -> Result<usize> {
    let file: File =
        toml::from_str(DATA).map_err(|e| AppError::internal(format!("demo proposals: {e}")))?;
    let mut tx = db.begin().await?;
    let company = org_id(&mut tx, super::ZHAO_PENGDA_COMPANY).await?;
    let (existing,): (i64,) = tx
        .fetch_one(
            Sql::new("SELECT COUNT(*) FROM proposals WHERE enterprise_id = $1").bind(company),
        )
        .await?;
    if existing > 0 {
        tx.rollback().await?;
        return Ok(0);
    }
    let workflow = company_workflow(&mut tx, company).await?;
    proposal_config::replace_steps(&mut tx, company, &workflow).await?;
    let mut made = 0;
    for entry in &file.proposal {
        load_one(&mut tx, caller, entry).await?;
        made += 1;
    }
    crate::audit::record(
        &mut tx,
        caller,
        crate::audit::Change::new("demo.proposals", "proposal", None)
            .after(&serde_json::json!({ "proposals": made })),
    )
    .await?;
    tx.commit().await?;
    Ok(made)
}

async fn load_one(tx: &mut Tx, caller: &Caller<'_>, e: &Entry) -> Result<()> {
    let unit_code = unit_code(&e.unit);
    let unit = orgs::get_by_code(tx, &unit_code)
        .await?
        .ok_or_else(|| AppError::internal(format!("demo unit {unit_code}")))?;
    let enterprise = crate::proposals::enterprise_of(tx, &unit.path)
        .await?
        .ok_or_else(|| AppError::internal("demo unit outside an enterprise"))?;
    let proposer = user_id(tx, &e.proposer).await?;
    let mut people = vec![Person {
        user_id: proposer,
        share_bp: rules::WHOLE_SHARE,
    }];
    for co in &e.co {
        let (name, share) = co
            .split_once(':')
            .ok_or_else(|| AppError::internal(format!("demo co-proposer {co}")))?;
        let share_bp = rules::parse_share(share)
            .ok_or_else(|| AppError::internal(format!("demo share {co}")))?;
        people[0].share_bp -= share_bp;
        people.push(Person {
            user_id: user_id(tx, name).await?,
            share_bp,
        });
    }
    rules::validate_people(&people)?;
    let day = Date::parse(&e.submitted)
        .ok_or_else(|| AppError::internal(format!("demo date {}", e.submitted)))?;
    let created = at(day, 0, 9);
    let id = proposals::insert(
        tx,
        &NewProposal {
            enterprise_id: enterprise.id,
            unit_id: unit.id,
            proposer_id: proposer,
            title: &e.title,
            problem: &e.problem,
            proposed_change: &e.change,
            expected_effect: &e.effect,
            category: &e.category,
        },
        created,
    )
    .await?;
    proposals::set_people(tx, id, &people).await?;
    let text = format!("{}\n{}\n{}", e.title, e.problem, e.change);
    crate::proposals::index_text(tx, id, enterprise.id, &text).await?;
    let configured = proposal_config::steps(tx, enterprise.id).await?;
    let steps = if configured.is_empty() {
        rules::default_steps(enterprise.id)
    } else {
        configured
    };
    proposals::set_steps(tx, id, &steps, unit.id).await?;
    let mut p: Proposal = proposals::get(tx, id)
        .await?
        .ok_or_else(|| AppError::internal("demo proposal vanished"))?;
    let n = proposals::next_number(tx, enterprise.id, i64::from(day.year)).await?;
    p.number = Some(rules::number(&enterprise.code, day.year, n));
    p.submitted_at = Some(created);
    p.period = Some(day.period());
    let status = Status::parse(&e.status)
        .ok_or_else(|| AppError::internal(format!("demo status {}", e.status)))?;
    let mut history: Vec<HistoryEntry> = vec![
        (created, Some(proposer), event::CREATED, None, None),
        (created, Some(proposer), event::SUBMITTED, Some(1), None),
    ];
    // Reviewers act on successive days; the last step decides.
    let union = if enterprise.code == super::ZHAO_PENGDA_COMPANY {
        user_id(tx, "ref.union").await?
    } else {
        user_id(tx, "nre.union").await?
    };
    let first_reviewer = match e.unit.as_str() {
        "KILN" => user_id(tx, "kiln.head").await?,
        "TC" => user_id(tx, "ref.reviewer").await?,
        "REF" => user_id(tx, "ref.office").await?,
        _ => union,
    };
    let tc_reviewer = user_id(tx, "ref.reviewer").await?;
    let step_count = steps.len() as i64;
    for position in 1..step_count {
        let actor = if position == 1 {
            first_reviewer
        } else {
            tc_reviewer
        };
        history.push((
            at(day, 2 * position, 15),
            Some(actor),
            event::FORWARDED,
            Some(position),
            None,
        ));
    }
    let decided = at(day, 2 * step_count + 1, 10);
    match status {
        Status::Rejected => {
            p.reject_reason = Some(e.reason.clone());
            history.push((
                decided,
                Some(union),
                event::REJECTED,
                Some(step_count),
                Some(e.reason.clone()),
            ));
        }
        _ => history.push((decided, Some(union), event::ADOPTED, Some(step_count), None)),
    }
    p.decided_at = Some(decided);
    p.status = status;
    if status.is_implemented() {
        let implemented = at(day, 40, 16);
        p.impl_owner_id = Some(proposer);
        p.impl_due_at = Some(at(day, 45, 0));
        p.impl_status = Some(ImplStatus::Done);
        p.implemented_at = Some(implemented);
        history.push((implemented, Some(union), event::IMPLEMENTED, None, None));
        if let Some(benefit) = benefit_of(e) {
            let amount = benefit.amount_cents()?;
            p.benefit = Some(benefit);
            p.benefit_note = Some(e.note.clone()).filter(|n| !n.is_empty());
            p.benefit_claimed_cents = Some(amount);
            p.benefit_claimed_at = Some(at(day, 70, 10));
            history.push((
                at(day, 70, 10),
                Some(proposer),
                event::BENEFIT_CLAIMED,
                None,
                Some(rules::format_money(amount)),
            ));
            if matches!(status, Status::Verified | Status::Rewarded) {
                let finance = user_id(
                    tx,
                    if enterprise.code == super::ZHAO_PENGDA_COMPANY {
                        "ref.finance"
                    } else {
                        "nre.union"
                    },
                )
                .await?;
                p.benefit_verified_cents = Some(amount);
                p.benefit_verified_by = Some(finance);
                p.benefit_verified_at = Some(at(day, 77, 11));
                history.push((
                    at(day, 77, 11),
                    Some(finance),
                    event::BENEFIT_VERIFIED,
                    None,
                    Some(rules::format_money(amount)),
                ));
            }
            if status == Status::Rewarded {
                let grade = grade_for(amount);
                let reward = crate::proposals::grade_amount(tx, enterprise.id, grade)
                    .await?
                    .unwrap_or(0);
                let shares: Vec<i64> = people.iter().map(|p| p.share_bp).collect();
                let parts: Vec<(i64, i64)> = rules::split_reward(reward, &shares)
                    .into_iter()
                    .enumerate()
                    .map(|(i, c)| (i as i64 + 1, c))
                    .collect();
                proposals::set_reward_parts(tx, id, &parts).await?;
                p.reward_basis = Some(ingot_domain::proposal::RewardBasis::Grade);
                p.reward_grade = Some(grade.into());
                p.reward_cents = Some(reward);
                p.rewarded_at = Some(at(day, 90, 10));
                history.push((
                    at(day, 90, 10),
                    Some(union),
                    event::REWARDED,
                    None,
                    Some(rules::format_money(reward)),
                ));
            }
        }
    } else if status == Status::Adopted {
        p.impl_owner_id = Some(proposer);
        p.impl_due_at = Some(at(day, 60, 0));
        p.impl_status = Some(ImplStatus::InProgress);
    }
    let last = history.iter().map(|h| h.0).max().unwrap_or(created);
    proposals::save(tx, &p, last).await?;
    for (when, actor, kind, step, comment) in history {
        proposals::add_event(tx, id, when, actor, kind, step, comment.as_deref()).await?;
    }
    if let Some(c) = p.contribution() {
        proposal_stats::add(tx, &c).await?;
    }
    ingot_store::changes::record(tx, "proposal", id.0, "upsert", Timestamp::now()).await?;
    let _ = caller;
    Ok(())
}
