//! Award campaigns: the call (timetable, rules, units and quotas, rubric, tier quotas),
//! declarations with their formal check and tier, the expert pool and each campaign's panel,
//! conflicts, the assignment, score sheets and objections. Codes are the domain's snake_case
//! strings, parsed by the use cases; dates 'YYYY-MM-DD'.
//!
//! Each concern has its own file below; this one keeps the not-found error and re-exports the
//! rest, so callers keep writing `campaigns::get`.

mod calls;
mod candidates;
mod declarations;
mod panels;
mod publicity;
mod scores;

pub use calls::{
    Campaign, CriterionRow, NewCampaign, TierRow, Unit, add_criterion, add_tier, add_unit,
    criteria, get, insert, list, set_stage, tiers, units,
};
pub use candidates::{
    Candidate, HeldRecord, held_records, held_records_of, implemented_proposals,
    people_with_records, proposal_people,
};
pub use declarations::{
    Declaration, NewDeclaration, count_of_participant, declarations, get_declaration,
    insert_declaration, lock, resubmit, set_check, set_tier,
};
pub use panels::{
    ConflictRow, Expert, NewConflict, add_to_panel, co_completers_of, conflicts, expert,
    insert_conflict, panel, pool, upsert_expert,
};
pub use publicity::{
    Objection, decide_objection, insert_objection, objections, set_announced, set_decision,
    set_publicity,
};
pub use scores::{
    AssignmentRow, NewSheet, Sheet, assignment, is_assigned, replace_assignment, save_sheet, sheets,
};

use ingot_domain::AppError;

pub fn not_found() -> AppError {
    AppError::not_found("campaign")
}
