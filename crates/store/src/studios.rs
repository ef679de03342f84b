//! Innovation studios: the registry, members, honours, naming calls, applications, on-site
//! reviews, notices and namings, funding, assessments, the outputs ledger, photos, the timeline
//! and alliances. Dates are yyyymmdd numbers; codes are the domain's snake_case strings.
//!
//! Each concern has its own file below; this one keeps what they share (the not-found error and
//! the studio's timeline steps) and re-exports the rest, so callers keep writing
//! `studios::insert`.

mod alliances;
mod assessment;
mod funding;
mod members;
mod naming;
mod outputs;
mod registry;
mod review;

pub use alliances::{
    Alliance, add_alliance_member, alliance_members, alliances, get_alliance, insert_alliance,
};
pub use assessment::{
    Assessment, NewAssessment, assessment_exists, assessments, insert_assessment, set_standard,
    standard,
};
pub use funding::{
    Funding, FundingEntry, NewEntry, entries_of_studio, funding_of, get_funding, insert_entry,
    insert_funding, lock_funding,
};
pub use members::{Honour, Member, add_honour, add_member, honours, members, set_member_left};
pub use naming::{
    Application, Call, Naming, NewCall, applications_of_call, applications_of_studio, calls,
    get_application, get_call, insert_application, insert_call, insert_naming, insert_notice,
    lock_application, lose_naming, namings, notice_number_taken, set_application_status,
};
pub use outputs::{
    NewOutput, NewPhoto, Output, Photo, get_photo, insert_output, insert_photo, outputs, photos,
};
pub use registry::{
    Filter, NewStudio, Studio, counts_by_federation, counts_by_field, counts_by_level, fields, get,
    insert, list, namings_by_year, set_fields, set_level, set_status, update,
};
pub use review::{NewReview, SiteReview, insert_review, review_of};

use crate::sql::{Sql, SqlBuilder};
use crate::{Result, Tx};
use ingot_domain::{AppError, StudioId, Timestamp, UserId};
use serde::Serialize;

pub fn not_found() -> AppError {
    AppError::not_found("studio")
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Event {
    pub id: i64,
    pub studio_id: i64,
    pub at: i64,
    pub on_date: i64,
    pub kind: String,
    pub actor_id: Option<i64>,
    pub detail: String,
    pub public: bool,
}

#[allow(clippy::too_many_arguments)]
pub async fn add_event(
    tx: &mut Tx,
    studio: StudioId,
    on_date: i64,
    kind: &str,
    actor: Option<UserId>,
    detail: &str,
    public: bool,
    now: Timestamp,
) -> Result<()> {
    tx.execute(
        Sql::new(
            "INSERT INTO studio_events (studio_id, at, on_date, kind, actor_id, detail, public) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(studio.0)
        .bind(now)
        .bind(on_date)
        .bind(kind)
        .bind(actor)
        .bind(detail)
        .bind(public),
    )
    .await?;
    Ok(())
}

/// The timeline by date; only public steps unless `all`.
pub async fn events(tx: &mut Tx, studio: StudioId, all: bool) -> Result<Vec<Event>> {
    let mut b = SqlBuilder::new(
        "SELECT id, studio_id, at, on_date, kind, actor_id, detail, public FROM studio_events WHERE studio_id = ",
    );
    b.bind(studio.0);
    if !all {
        b.push(" AND public = ").bind(true);
    }
    b.push(" ORDER BY on_date, id");
    tx.fetch_all(b.build()).await
}
