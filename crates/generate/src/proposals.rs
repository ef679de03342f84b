//! Proposals, one part at a time: each with its people, review step, timeline, duplicate-check
//! signature and share of the rollup, written together so a finished part is whole. Statuses
//! follow a year's usual outcome (about two in three adopted, half of those rewarded), each
//! with the dates, benefit and reward that status implies; three in a hundred are put forward
//! again, a few characters changed, and half of those are marked duplicates of the first.

use crate::people::Staff;
use crate::texts::{self, Texts};
use ingot_domain::proposal::{
    self as rules, Benefit, Contribution, REWARD_GRADES, Status, event, joined_text,
};
use ingot_domain::time::{CHINA_STANDARD_OFFSET_MS, Date};
use ingot_domain::{OrgId, Timestamp};
use ingot_search::Signature;
use ingot_store::bulk::{self, Rows};
use ingot_store::{Arg, Result, Tx, generated, proposal_stats};
use rand::RngExt;
use rand_xorshift::XorShiftRng;
use std::collections::{BTreeMap, HashMap};

const DAY_MS: i64 = 86_400_000;

/// An enterprise as proposals need it.
#[derive(Debug, Clone)]
pub struct Enterprise {
    pub id: i64,
    pub code: String,
    /// Staff by their place: the first is the unit administrator, the second the reviewer and
    /// finance officer.
    pub staff: Vec<Staff>,
    pub branch_names: Vec<String>,
}

/// Status by weight, per thousand.
const STATUSES: [(Status, u32); 9] = [
    (Status::Draft, 30),
    (Status::InReview, 100),
    (Status::Returned, 20),
    (Status::Rejected, 150),
    (Status::Adopted, 150),
    (Status::Implemented, 200),
    (Status::Verified, 120),
    (Status::Rewarded, 200),
    (Status::Withdrawn, 30),
];

const CATEGORIES: [&str; 5] = rules::BUILTIN_CATEGORIES;
const NEAR_DUPLICATES_PER_THOUSAND: u32 = 30;

fn pick_status(rng: &mut XorShiftRng) -> Status {
    let mut roll = rng.random_range(0..1_000);
    for (status, weight) in STATUSES {
        if roll < weight {
            return status;
        }
        roll -= weight;
    }
    Status::Rewarded
}

const PROPOSAL_COLUMNS: &[&str] = &[
    "id",
    "enterprise_id",
    "unit_id",
    "proposer_id",
    "number",
    "title",
    "problem",
    "proposed_change",
    "expected_effect",
    "category",
    "status",
    "current_step",
    "step_due_at",
    "submitted_at",
    "period",
    "decided_at",
    "reject_reason",
    "duplicate_of",
    "impl_owner_id",
    "impl_due_at",
    "impl_status",
    "implemented_at",
    "benefit_method",
    "benefit_inputs",
    "benefit_note",
    "benefit_claimed_cents",
    "benefit_claimed_by",
    "benefit_claimed_at",
    "benefit_verified_cents",
    "benefit_verified_by",
    "benefit_verified_at",
    "benefit_verify_note",
    "reward_basis",
    "reward_grade",
    "reward_percent_bp",
    "reward_cents",
    "rewarded_at",
    "rewarded_by",
    "version",
    "created_at",
    "updated_at",
];
const PEOPLE_COLUMNS: &[&str] = &[
    "proposal_id",
    "position",
    "user_id",
    "share_bp",
    "reward_cents",
];
const STEP_COLUMNS: &[&str] = &[
    "proposal_id",
    "position",
    "name",
    "role",
    "org_id",
    "due_days",
    "blind",
];
const EVENT_COLUMNS: &[&str] = &["proposal_id", "at", "actor_id", "kind", "step", "comment"];
const SIGNATURE_COLUMNS: &[&str] = &["proposal_id", "enterprise_id", "signature"];
const BAND_COLUMNS: &[&str] = &["enterprise_id", "band_key", "proposal_id"];

/// The rows of one part.
struct Part {
    proposals: Rows,
    people: Rows,
    steps: Rows,
    events: Rows,
    signatures: Rows,
    bands: Rows,
    rollup: BTreeMap<(i64, i64, &'static str), Contribution>,
    numbers: HashMap<i64, i64>,
}

/// What was put forward earlier in the part, for near-duplicates to copy.
struct Earlier {
    id: i64,
    enterprise: usize,
    texts: Texts,
    submitted_at: i64,
}

/// Where a part stands: which year, its seed, its size.
pub struct PartSpec {
    pub year: i32,
    pub seed: u64,
    pub count: usize,
}

/// Writes one part of proposals; returns how many.
pub async fn write_part(
    tx: &mut Tx,
    spec: &PartSpec,
    enterprises: &[Enterprise],
    cumulative_weight: &[u64],
    signatures: bool,
) -> Result<usize> {
    use rand::SeedableRng;
    let mut rng = XorShiftRng::seed_from_u64(spec.seed);
    let mut next_id = bulk::next_id(tx, "proposals").await?;
    let mut part = Part {
        proposals: Rows::new("proposals", PROPOSAL_COLUMNS),
        people: Rows::new("proposal_people", PEOPLE_COLUMNS),
        steps: Rows::new("proposal_steps", STEP_COLUMNS),
        events: Rows::new("proposal_events", EVENT_COLUMNS),
        signatures: Rows::new("proposal_signatures", SIGNATURE_COLUMNS),
        bands: Rows::new("proposal_bands", BAND_COLUMNS),
        rollup: BTreeMap::new(),
        numbers: generated::last_numbers(tx, i64::from(spec.year))
            .await?
            .into_iter()
            .collect(),
    };
    let mut earlier: Vec<Earlier> = Vec::new();
    let total_weight = *cumulative_weight.last().expect("at least one enterprise");
    let year_start = Date {
        year: spec.year,
        month: 1,
        day: 1,
    };
    let next_year = Date {
        year: spec.year + 1,
        ..year_start
    };
    let days_in_year = (next_year.start(0).0 - year_start.start(0).0) / DAY_MS;
    for _ in 0..spec.count {
        let id = next_id;
        next_id += 1;
        let copy = (!earlier.is_empty()
            && rng.random_range(0..1_000) < NEAR_DUPLICATES_PER_THOUSAND)
            .then(|| rng.random_range(0..earlier.len()));
        let e = match copy {
            Some(i) => earlier[i].enterprise,
            None => {
                let roll = rng.random_range(0..total_weight);
                cumulative_weight.partition_point(|w| *w <= roll)
            }
        };
        let enterprise = &enterprises[e];
        let proposer = enterprise.staff[rng.random_range(2..enterprise.staff.len())];
        let day = rng.random_range(0..days_in_year);
        let mut submitted = year_start.plus_days(day).start(CHINA_STANDARD_OFFSET_MS).0
            + rng.random_range(8 * 3_600_000..18 * 3_600_000);
        let (texts, status, duplicate_of) = match copy {
            Some(i) => {
                let original = &earlier[i];
                submitted = submitted.max(original.submitted_at + DAY_MS);
                let t = texts::near_duplicate(&mut rng, &original.texts);
                if rng.random_bool(0.5) {
                    (t, Status::Duplicate, Some(original.id))
                } else {
                    (t, pick_status(&mut rng), None)
                }
            }
            None => {
                let workshop = &enterprise.branch_names[rng.random_range(0..2)];
                (
                    texts::fresh(&mut rng, workshop),
                    pick_status(&mut rng),
                    None,
                )
            }
        };
        let category = CATEGORIES[rng.random_range(0..CATEGORIES.len())];
        let proposal = Generated {
            id,
            enterprise,
            proposer,
            texts: &texts,
            category,
            status,
            duplicate_of,
            created: submitted - rng.random_range(0..3 * DAY_MS),
            submitted,
            year: spec.year,
        };
        proposal.write(&mut rng, &mut part, signatures)?;
        // Only what is still standing is put forward again (and found by the duplicate check).
        if status.is_put_forward() && earlier.len() < 4_096 {
            earlier.push(Earlier {
                id,
                enterprise: e,
                texts,
                submitted_at: submitted,
            });
        }
    }
    bulk::write(tx, &part.proposals).await?;
    bulk::sync_identity(tx, "proposals").await?;
    bulk::write(tx, &part.people).await?;
    bulk::write(tx, &part.steps).await?;
    bulk::write(tx, &part.events).await?;
    bulk::write(tx, &part.signatures).await?;
    bulk::write(tx, &part.bands).await?;
    let rollup: Vec<Contribution> = part.rollup.into_values().collect();
    proposal_stats::add_many(tx, &rollup).await?;
    for (enterprise, last) in part.numbers {
        generated::raise_number(tx, enterprise, i64::from(spec.year), last).await?;
    }
    Ok(spec.count)
}

/// One proposal being made.
struct Generated<'a> {
    id: i64,
    enterprise: &'a Enterprise,
    proposer: Staff,
    texts: &'a Texts,
    category: &'static str,
    status: Status,
    duplicate_of: Option<i64>,
    created: i64,
    submitted: i64,
    year: i32,
}

/// The later dates of a proposal, each `None` where its status has not reached it.
#[derive(Default)]
struct Dates {
    decided: Option<i64>,
    implemented: Option<i64>,
    verified: Option<i64>,
    rewarded: Option<i64>,
}

impl Generated<'_> {
    fn write(&self, rng: &mut XorShiftRng, part: &mut Part, signatures: bool) -> Result<()> {
        let s = self.status;
        let put = s != Status::Draft;
        let admin = self.enterprise.staff[0].user_id;
        let finance = self.enterprise.staff[1].user_id;
        let mut d = Dates::default();
        if s.is_adopted() || matches!(s, Status::Rejected | Status::Duplicate) {
            d.decided = Some(self.submitted + rng.random_range(1..20) * DAY_MS);
        }
        if s.is_implemented() {
            d.implemented = d.decided.map(|t| t + rng.random_range(10..60) * DAY_MS);
        }
        if matches!(s, Status::Verified | Status::Rewarded) {
            d.verified = d.implemented.map(|t| t + rng.random_range(5..30) * DAY_MS);
        }
        if s == Status::Rewarded {
            d.rewarded = d.verified.map(|t| t + rng.random_range(3..20) * DAY_MS);
        }
        // Benefits from a thousand yuan to about half a million, most of them small.
        let benefit_cents = d.verified.map(|_| {
            let yuan = 10f64.powf(rng.random_range(3.0..5.7));
            (yuan as i64) * 100
        });
        let grade = d
            .rewarded
            .map(|_| REWARD_GRADES[rng.random_range(1..REWARD_GRADES.len())]);
        let number = put.then(|| {
            let n = part.numbers.entry(self.enterprise.id).or_insert(0);
            *n += 1;
            rules::number(&self.enterprise.code, self.year, *n)
        });
        let period =
            put.then(|| Date::of(Timestamp(self.submitted), CHINA_STANDARD_OFFSET_MS).period());
        let benefit = benefit_cents
            .map(|amount_cents| serde_json::to_string(&Benefit::Free { amount_cents }))
            .transpose()
            .map_err(ingot_domain::AppError::internal)?;
        let events = self.events(&d, admin, finance);
        let updated = events
            .iter()
            .map(|(at, _, _)| *at)
            .max()
            .unwrap_or(self.created);
        let t = self.texts;
        part.proposals.push([
            self.id.into(),
            self.enterprise.id.into(),
            self.proposer.unit_id.into(),
            self.proposer.user_id.into(),
            number.into(),
            t.title.as_str().into(),
            t.problem.as_str().into(),
            t.change.as_str().into(),
            t.effect.as_str().into(),
            self.category.into(),
            s.into(),
            (s == Status::InReview).then_some(1i64).into(),
            (s == Status::InReview)
                .then_some(self.submitted + 14 * DAY_MS)
                .into(),
            put.then_some(self.submitted).into(),
            period.into(),
            d.decided.into(),
            (s == Status::Rejected)
                .then_some("经评审，暂不采纳。")
                .into(),
            self.duplicate_of.into(),
            s.is_adopted().then_some(admin).into(),
            d.decided
                .filter(|_| s.is_adopted())
                .map(|t| t + 60 * DAY_MS)
                .into(),
            s.is_adopted()
                .then_some(if s.is_implemented() {
                    "done"
                } else {
                    "planned"
                })
                .into(),
            d.implemented.into(),
            benefit.as_ref().map(|_| "free").into(),
            benefit.into(),
            benefit_cents.map(|_| "按实施后一年的节约额核定").into(),
            benefit_cents.into(),
            benefit_cents.map(|_| self.proposer.user_id).into(),
            d.verified.map(|t| t - 3 * DAY_MS).into(),
            benefit_cents.into(),
            d.verified.map(|_| finance).into(),
            d.verified.into(),
            Arg::Text(None),
            grade.map(|_| "grade").into(),
            grade.map(|(g, _)| g).into(),
            Arg::Int(None),
            grade.map(|(_, amount)| amount).into(),
            d.rewarded.into(),
            d.rewarded.map(|_| admin).into(),
            (events.len() as i64).into(),
            self.created.into(),
            updated.into(),
        ]);
        part.people.push([
            self.id.into(),
            1i64.into(),
            self.proposer.user_id.into(),
            10_000i64.into(),
            grade.map(|(_, amount)| amount).into(),
        ]);
        for (at, actor, kind) in events {
            part.events.push([
                self.id.into(),
                at.into(),
                actor.into(),
                kind.into(),
                Arg::Int(None),
                Arg::Text(None),
            ]);
        }
        if put {
            for (i, step) in rules::default_steps(OrgId(self.enterprise.id))
                .iter()
                .enumerate()
            {
                part.steps.push([
                    self.id.into(),
                    (i as i64 + 1).into(),
                    step.name.as_str().into(),
                    step.role.into(),
                    step.org_id.map_or(self.proposer.unit_id, |o| o.0).into(),
                    step.due_days.into(),
                    step.blind.into(),
                ]);
            }
        }
        if let Some(c) = Contribution::of(
            OrgId(self.proposer.unit_id),
            period,
            self.category,
            s,
            benefit_cents,
        ) {
            let key = (self.proposer.unit_id, c.period, self.category);
            match part.rollup.get_mut(&key) {
                Some(sum) => {
                    sum.put_forward += c.put_forward;
                    sum.adopted += c.adopted;
                    sum.implemented += c.implemented;
                    sum.benefit_cents += c.benefit_cents;
                }
                None => {
                    part.rollup.insert(key, c);
                }
            }
        }
        if signatures {
            let signature = Signature::of(&joined_text(&t.title, &t.problem, &t.change));
            part.signatures.push([
                self.id.into(),
                self.enterprise.id.into(),
                signature.to_hex().into(),
            ]);
            let mut keys: Vec<i64> = signature.band_keys().iter().map(|k| *k as i64).collect();
            keys.sort_unstable();
            keys.dedup();
            for key in keys {
                part.bands
                    .push([self.enterprise.id.into(), key.into(), self.id.into()]);
            }
        }
        Ok(())
    }

    /// The timeline: made, put forward, and each decision after.
    fn events(&self, d: &Dates, admin: i64, finance: i64) -> Vec<(i64, i64, &'static str)> {
        let proposer = self.proposer.user_id;
        let mut out = vec![(self.created, proposer, event::CREATED)];
        if self.status == Status::Draft {
            return out;
        }
        out.push((self.submitted, proposer, event::SUBMITTED));
        let later = self.submitted + DAY_MS;
        match self.status {
            Status::Returned => out.push((later, admin, event::RETURNED)),
            Status::Withdrawn => out.push((later, proposer, event::WITHDRAWN)),
            Status::Rejected => out.extend(d.decided.map(|t| (t, admin, event::REJECTED))),
            Status::Duplicate => out.extend(d.decided.map(|t| (t, admin, event::DUPLICATE))),
            _ => {}
        }
        if self.status.is_adopted() {
            out.extend(d.decided.map(|t| (t, admin, event::ADOPTED)));
        }
        out.extend(d.implemented.map(|t| (t, admin, event::IMPLEMENTED)));
        out.extend(d.verified.map(|t| (t, finance, event::BENEFIT_VERIFIED)));
        out.extend(d.rewarded.map(|t| (t, admin, event::REWARDED)));
        out
    }
}
