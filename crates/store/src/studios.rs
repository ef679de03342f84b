//! Innovation studios: the registry, members, honours, naming calls, applications, on-site
//! reviews, notices and namings, funding, assessments, the outputs ledger, photos, the timeline
//! and alliances. Dates are `Date`s ('YYYY-MM-DD' text); codes are the domain's snake_case strings.
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
mod record_outputs;
pub(crate) mod registry;
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
    Application, Call, Naming, NewCall, Notice, NoticeEntry, applications_of_call,
    applications_of_studio, calls, find_notice, get_application, get_call, insert_application,
    insert_call, insert_naming, insert_notice, lock_application, lose_naming, namings, notice,
    notice_entries, set_application_status,
};
pub use outputs::{
    NewOutput, NewPhoto, Output, Photo, get_photo, insert_output, insert_photo, outputs, photos,
};
pub use record_outputs::{
    OutputAchievement, OutputPatent, OutputProposal, OutputSkill, member_achievements_and_patents,
    member_proposals, member_skills,
};
pub use registry::{
    Filter, NewStudio, Studio, counts_by_federation, counts_by_field, counts_by_level, fields, get,
    insert, led_or_within, list, namings_by_year, others_led, set_fields, set_level, set_status,
    set_unit, update,
};
pub use review::{NewReview, SiteReview, insert_review, review_of};

use crate::sql::{Sql, SqlBuilder};
use crate::{Result, Tx};
use ingot_domain::studio::StudioEvent;
use ingot_domain::time::Date;
use ingot_domain::{AppError, StudioId, Timestamp, UserId};
use serde::Serialize;

pub fn not_found() -> AppError {
    AppError::not_found("studio")
}

/// A step of a studio's history as read back: the event itself is typed.
#[derive(Debug, Clone, Serialize)]
pub struct Event {
    pub id: i64,
    pub studio_id: i64,
    pub at: i64,
    pub on_date: Date,
    pub event: StudioEvent,
    pub actor_id: Option<i64>,
    pub public: bool,
}

#[derive(sqlx::FromRow)]
struct EventRow {
    id: i64,
    studio_id: i64,
    at: i64,
    on_date: Date,
    kind: String,
    actor_id: Option<i64>,
    detail: String,
    public: bool,
}

/// An event as it is stored and sent: its kind code, and its other fields as a JSON object.
pub fn event_parts(event: &StudioEvent) -> (&'static str, serde_json::Value) {
    let mut value = serde_json::to_value(event).unwrap_or_default();
    if let Some(fields) = value.as_object_mut() {
        fields.remove("kind");
    }
    (event.kind(), value)
}

impl TryFrom<EventRow> for Event {
    type Error = AppError;
    fn try_from(row: EventRow) -> Result<Event> {
        let mut value: serde_json::Value = serde_json::from_str(&row.detail)
            .map_err(|e| AppError::internal(format!("studio event {}: {e}", row.id)))?;
        if let Some(fields) = value.as_object_mut() {
            fields.insert("kind".into(), serde_json::Value::String(row.kind));
        }
        let event = serde_json::from_value(value)
            .map_err(|e| AppError::internal(format!("studio event {}: {e}", row.id)))?;
        Ok(Event {
            id: row.id,
            studio_id: row.studio_id,
            at: row.at,
            on_date: row.on_date,
            event,
            actor_id: row.actor_id,
            public: row.public,
        })
    }
}

#[allow(clippy::too_many_arguments)]
pub async fn add_event(
    tx: &mut Tx,
    studio: StudioId,
    on_date: Date,
    event: &StudioEvent,
    actor: Option<UserId>,
    public: bool,
    now: Timestamp,
) -> Result<()> {
    let (kind, detail) = event_parts(event);
    let detail = detail.to_string();
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
    let rows: Vec<EventRow> = tx.fetch_all(b.build()).await?;
    rows.into_iter().map(Event::try_from).collect()
}

#[cfg(test)]
mod event_tests {
    use super::*;
    use ingot_domain::studio::Level;

    fn row(kind: &str, detail: &str) -> EventRow {
        EventRow {
            id: 7,
            studio_id: 1,
            at: 0,
            on_date: Date::parse("2024-05-01").unwrap(),
            kind: kind.into(),
            actor_id: None,
            detail: detail.into(),
            public: true,
        }
    }

    #[test]
    fn every_kind_code_is_the_tag_serde_writes() {
        use ingot_domain::studio::AssessmentResult;
        let (level, org) = (Level::Municipal, String::from("org"));
        let text = || String::from("t");
        let events = [
            StudioEvent::Founded { lead: text() },
            StudioEvent::MemberJoined { name: text() },
            StudioEvent::MemberLeft { name: text() },
            StudioEvent::Applied {
                level,
                org: org.clone(),
                application: 1,
            },
            StudioEvent::Rejected {
                level,
                org: org.clone(),
            },
            StudioEvent::SiteReviewed {
                level,
                org: org.clone(),
                score: 80,
            },
            StudioEvent::Named {
                level,
                org: org.clone(),
                notice: text(),
            },
            StudioEvent::FundingGranted {
                level,
                org: org.clone(),
                cents: 5,
            },
            StudioEvent::Assessed {
                level,
                org: org.clone(),
                period: text(),
                total: 90,
                result: AssessmentResult::Pass,
            },
            StudioEvent::TitleLost {
                level,
                org,
                notice: text(),
            },
            StudioEvent::Revoked { reason: text() },
            StudioEvent::Suspended { reason: text() },
            StudioEvent::Reactivated { reason: text() },
            StudioEvent::JoinedAlliance { alliance: text() },
        ];
        for event in events {
            let tag = serde_json::to_value(&event).unwrap()["kind"].clone();
            assert_eq!(tag, event.kind(), "{event:?}");
        }
    }

    #[test]
    fn an_event_is_stored_as_its_kind_and_fields_and_read_back_whole() {
        let named = StudioEvent::Named {
            level: Level::Provincial,
            org: "内蒙古自治区总工会".into(),
            notice: "内工发〔2024〕12号".into(),
        };
        let (kind, detail) = event_parts(&named);
        assert_eq!(kind, "named");
        assert_eq!(detail["level"], "provincial");
        assert!(detail.get("kind").is_none(), "the kind has its own column");
        let back = Event::try_from(row(kind, &detail.to_string())).unwrap();
        assert_eq!(back.event, named);
    }

    #[test]
    fn rows_written_before_the_typed_events_are_read() {
        // Alliance steps used to carry the alliance's kind in their detail.
        let old = row(
            "joined_alliance",
            r#"{"alliance":"稀土联盟","kind":"alliance"}"#,
        );
        assert_eq!(
            Event::try_from(old).unwrap().event,
            StudioEvent::JoinedAlliance {
                alliance: "稀土联盟".into()
            }
        );
    }

    #[test]
    fn a_damaged_row_is_an_error_naming_it_not_a_panic() {
        let e = Event::try_from(row("named", r#"{"level":"galactic"}"#)).unwrap_err();
        assert!(format!("{e:?}").contains("studio event 7"), "{e:?}");
    }
}
