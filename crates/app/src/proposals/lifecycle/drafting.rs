//! A proposal's text and people: checking them, saving a new draft, changing a draft or a
//! returned proposal.

use super::{commit_change, open};
use crate::audit::{Change, record};
use crate::proposals::{category_exists, enterprise_of, index_text, text_of};
use crate::{Caller, Result};
use ingot_domain::org::Organisation;
use ingot_domain::proposal::{self as rules, Person, Proposal, event};
use ingot_domain::validate::{self, Validator};
use ingot_domain::{AppError, FieldError, OrgId, ProposalId, Timestamp, UserId};
use ingot_store::proposals::{self, NewProposal};
use ingot_store::{Tx, changes, users};

/// A co-proposer as typed: their username and share in percent.
// Serialize: the schema shows the defaults.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(default)]
#[schema(as = CoProposerBody)]
pub struct PersonInput {
    pub username: String,
    /// Percent, e.g. `"40"` or `"33.33"`.
    #[serde(deserialize_with = "validate::decimal_text")]
    #[schema(value_type = String)]
    pub share: String,
}

/// A proposal's text and people, as the form and the API send it. Every problem is reported at
/// once (422), each against its field: `title`, `problem`, `proposed_change`, `expected_effect`,
/// `category`, `unit_id`, `proposer_share`, `co_proposers[i].username`, `co_proposers[i].share`,
/// `shares`.
// Serialize: the schema shows the defaults.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(default)]
#[schema(as = ProposalBody)]
pub struct ProposalInput {
    /// At most 120 characters.
    pub title: String,
    /// At most 4000 characters.
    pub problem: String,
    pub proposed_change: String,
    pub expected_effect: String,
    /// One of the five built-in kinds (`small_invention`, `small_creation`,
    /// `small_innovation`, `small_design`, `small_suggestion`) or an enterprise's own.
    pub category: String,
    /// The unit the proposal concerns, inside the proposer's enterprise.
    #[schema(value_type = Option<i64>)]
    pub unit_id: Option<OrgId>,
    /// The proposer's own share in percent; empty means whatever the others leave.
    #[serde(deserialize_with = "validate::decimal_text")]
    #[schema(value_type = String)]
    pub proposer_share: String,
    /// Co-proposers with their shares; all shares must add up to 100.
    pub co_proposers: Vec<PersonInput>,
}

struct CheckedDraft {
    unit: Organisation,
    enterprise: Organisation,
    title: String,
    problem: String,
    proposed_change: String,
    expected_effect: String,
    category: String,
    people: Vec<Person>,
}

fn actor_id(caller: &Caller<'_>) -> Result<UserId> {
    caller.user_id().ok_or_else(AppError::forbidden)
}

/// Validates everything at once, so the form shows every problem together.
async fn check_input(
    tx: &mut Tx,
    caller: &Caller<'_>,
    proposer: UserId,
    input: &ProposalInput,
) -> Result<CheckedDraft> {
    let mut v = Validator::new();
    let title = v.required_text("title", &input.title, rules::TITLE_MAX);
    let problem = v.required_text("problem", &input.problem, rules::TEXT_MAX);
    let proposed_change =
        v.required_text("proposed_change", &input.proposed_change, rules::TEXT_MAX);
    let expected_effect = v
        .optional_text(
            "expected_effect",
            Some(&input.expected_effect),
            rules::TEXT_MAX,
        )
        .unwrap_or_default();
    let (_, proposer_path) = users::get_with_org_path(tx, proposer)
        .await?
        .ok_or_else(AppError::forbidden)?;
    let Some(enterprise) = enterprise_of(tx, &proposer_path).await? else {
        return Err(AppError::field("unit_id", "proposer_not_in_enterprise"));
    };
    let unit: validate::Checked<_> = match input.unit_id {
        None => Err(vec![FieldError::new("unit_id", "required")]),
        Some(id) => match ingot_store::orgs::get(tx, id).await? {
            Some(u) if u.path.is_within(&enterprise.path) && !u.is_archived() => Ok(u),
            Some(_) => Err(vec![FieldError::new("unit_id", "unit_outside_enterprise")]),
            None => Err(vec![FieldError::new("unit_id", "unknown_org")]),
        },
    };
    let category = input.category.trim().to_string();
    if category.is_empty() {
        v.add(FieldError::new("category", "required"));
    } else if !category_exists(tx, &enterprise, &category).await? {
        v.add(FieldError::new("category", "unknown_category"));
    }
    let mut people = vec![Person {
        user_id: proposer,
        share_bp: 0,
    }];
    let mut others = 0;
    // Shares are only added up when every person and share could be read.
    let mut people_readable = true;
    for (i, co) in input.co_proposers.iter().enumerate() {
        let username = co.username.trim();
        if username.is_empty() && co.share.trim().is_empty() {
            continue;
        }
        let field = format!("co_proposers[{i}]");
        let found = match users::get_by_username(tx, &username.to_lowercase()).await? {
            Some(u) => users::get_with_org_path(tx, u.id).await?,
            None => {
                people_readable = false;
                v.add(
                    FieldError::new(format!("{field}.username"), "unknown_user")
                        .with("username", username),
                );
                continue;
            }
        };
        let user = match found {
            Some((u, path)) if path.is_within(&enterprise.path) && u.active => u,
            _ => {
                people_readable = false;
                v.add(
                    FieldError::new(format!("{field}.username"), "person_outside_enterprise")
                        .with("username", username),
                );
                continue;
            }
        };
        let Some(share_bp) = rules::parse_share(&co.share) else {
            people_readable = false;
            v.add(FieldError::new(format!("{field}.share"), "share_invalid"));
            continue;
        };
        others += share_bp;
        people.push(Person {
            user_id: user.id,
            share_bp,
        });
    }
    people[0].share_bp = match input.proposer_share.trim() {
        "" => rules::WHOLE_SHARE - others,
        raw => match rules::parse_share(raw) {
            Some(bp) => bp,
            None => {
                people_readable = false;
                v.add(FieldError::new("proposer_share", "share_invalid"));
                rules::WHOLE_SHARE - others
            }
        },
    };
    if people_readable && let Err(AppError::Validation(errors)) = rules::validate_people(&people) {
        for e in errors {
            v.add(e);
        }
    }
    let unit = v.finish_with(unit)?;
    let _ = caller;
    Ok(CheckedDraft {
        unit,
        enterprise,
        title,
        problem,
        proposed_change,
        expected_effect,
        category,
        people,
    })
}

/// Saves a new draft. Only people inside an enterprise propose, for a unit of that enterprise.
pub async fn create(tx: &mut Tx, caller: &Caller<'_>, input: &ProposalInput) -> Result<ProposalId> {
    let me = actor_id(caller)?;
    let c = check_input(tx, caller, me, input).await?;
    let now = Timestamp::now();
    let id = proposals::insert(
        tx,
        &NewProposal {
            enterprise_id: c.enterprise.id,
            unit_id: c.unit.id,
            proposer_id: me,
            title: &c.title,
            problem: &c.problem,
            proposed_change: &c.proposed_change,
            expected_effect: &c.expected_effect,
            category: &c.category,
        },
        now,
    )
    .await?;
    proposals::set_people(tx, id, &c.people).await?;
    let text = format!("{}\n{}\n{}", c.title, c.problem, c.proposed_change);
    index_text(tx, id, c.enterprise.id, &text).await?;
    proposals::add_event(tx, id, now, Some(me), event::CREATED, None, None).await?;
    record(
        tx,
        caller,
        Change::new("proposal.create", "proposal", id.0)
            .label(&c.title)
            .org(c.unit.id),
    )
    .await?;
    changes::record(tx, "proposal", id.0, "upsert", now).await?;
    Ok(id)
}

/// Changes the text and people of a draft or returned proposal.
pub async fn update(
    tx: &mut Tx,
    caller: &Caller<'_>,
    id: ProposalId,
    version: Option<i64>,
    input: &ProposalInput,
) -> Result<Proposal> {
    let (l, access) = open(tx, caller, id, version).await?;
    if !access.is_proposer {
        return Err(AppError::forbidden());
    }
    if !access.edit {
        return Err(AppError::conflict("proposal_not_editable"));
    }
    let c = check_input(tx, caller, l.proposal.proposer_id, input).await?;
    if c.enterprise.id != l.proposal.enterprise_id {
        return Err(AppError::field("unit_id", "unit_outside_enterprise"));
    }
    let before = l.proposal.clone();
    let mut p = l.proposal;
    p.unit_id = c.unit.id;
    p.title = c.title;
    p.problem = c.problem;
    p.proposed_change = c.proposed_change;
    p.expected_effect = c.expected_effect;
    p.category = c.category;
    proposals::set_people(tx, id, &c.people).await?;
    index_text(tx, id, p.enterprise_id, &text_of(&p)).await?;
    let saved = commit_change(tx, caller, &before, p, "proposal.update", None).await?;
    Ok(saved)
}
