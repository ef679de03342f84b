//! A titling campaign's announcement confers its title: every person whose declaration keeps a
//! tier gets a title record, in the announcement's transaction, so the record pages, the
//! record tally (and so the annual summary) and studio naming eligibility count it at once.

use crate::audit::{Change, record};
use crate::{Caller, Result};
use ingot_domain::campaign::{CampaignKind, RecordType};
use ingot_domain::innovation::HonourLevel;
use ingot_domain::{AppError, OrgId, Timestamp, UserId};
use ingot_store::campaigns::{self as store, Campaign};
use ingot_store::innovation::{self, NewTitle};
use ingot_store::{Tx, users};

/// Creates the title records of an announced titling campaign's winners; returns their ids.
/// A declaration withdrawn (an upheld objection) or not awarded has no tier and gets none. A
/// winner already recorded with this title for this year (entered by hand) keeps that record.
pub(super) async fn confer_titles(
    tx: &mut Tx,
    caller: &Caller<'_>,
    c: &Campaign,
    now: Timestamp,
) -> Result<Vec<i64>> {
    if c.kind != CampaignKind::Titles {
        return Ok(Vec::new());
    }
    let name = c
        .title_name
        .clone()
        .ok_or_else(|| AppError::internal("titling campaign without its title"))?;
    let level = c
        .title_level
        .as_deref()
        .and_then(HonourLevel::parse)
        .ok_or_else(|| AppError::internal("titling campaign without its title's level"))?;
    let mut created = Vec::new();
    for d in store::declarations(tx, c.id).await? {
        if d.tier.is_none() || d.record_type != RecordType::Person {
            continue;
        }
        let person = UserId(d.record_id);
        if innovation::title_held(tx, person, &name, c.year).await? {
            continue;
        }
        let Some(holder) = users::get(tx, person).await? else {
            return Err(AppError::internal("declared person"));
        };
        let title = NewTitle {
            user_id: person,
            unit_id: holder.org_id,
            name: name.clone(),
            granted_by: OrgId(c.org_id),
            year: c.year,
            level,
        };
        let id =
            innovation::insert_title_won(tx, &title, Some(d.id), caller.user_id(), now).await?;
        record(
            tx,
            caller,
            Change::new("title.create", "title", id)
                .label(&name)
                .org(holder.org_id)
                .after(
                    &serde_json::json!({ "holder": holder.username, "name": name,
                    "year": c.year, "level": level, "campaign": c.id, "declaration": d.id }),
                ),
        )
        .await?;
        created.push(id);
    }
    Ok(created)
}
