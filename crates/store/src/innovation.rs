//! Innovation records: achievements (with completers, linked proposals and patents), patents,
//! skills and methods, and talent titles. Listings are scoped to the organisations a reader may see.
//!
//! Each kind of record has its own file below; this one keeps what they share (the listing
//! filter, the hiding of blind-reviewed records, the person reference) and re-exports the rest,
//! so callers keep writing `innovation::get_achievement`.

mod achievements;
mod amendments;
mod attachments;
mod export;
mod patents;
mod skills;
mod titles;

pub use achievements::{
    Achievement, AchievementItem, AchievementRef, AchievementText, ProposalRef,
    achievements_of_patent, completer_ids, completers, get_achievement, insert_achievement,
    link_patent, link_proposal, linked_proposals, list_achievements, save_benefit, set_completers,
    set_links, set_verified_benefit, update_achievement,
};
pub use amendments::{
    Amendment, AwardRef, amended_in_campaign, amendments_of, awards_of_record, insert_amendment,
};
pub use attachments::{AchievementAttachment, attachments, get_attachment, insert_attachment};
pub use export::{
    AchievementExport, SkillExport, TitleExport, export_achievements, export_skills, export_titles,
};
pub use patents::{
    NewPatent, Patent, get_patent, insert_patent, linked_patents, list_patents, patent_by_number,
    patent_numbers_taken, update_patent,
};
pub use skills::{NewSkill, Skill, get_skill, insert_skill, list_skills, trainees, update_skill};
pub use titles::{
    NewTitle, Title, get_title, honour_levels, insert_title, insert_title_won, list_titles,
    person_counts, title_held, update_title,
};

use crate::db::BothRows;
use crate::sql::{Page, Sql, SqlBuilder};
use crate::{Result, Tx};
use ingot_domain::{AppError, OrgScope, UserId};

fn stored<T>(what: &str, raw: &str, parse: fn(&str) -> Option<T>) -> Result<T> {
    parse(raw).ok_or_else(|| AppError::internal(format!("stored {what} {raw:?}")))
}

/// What a listing shows: only `scope` (None: everything), optionally one unit's subtree, a year,
/// a kind or level code, words in the title, a person named on the record.
#[derive(Debug, Clone, Default)]
pub struct RecordFilter {
    pub scope: Option<OrgScope>,
    pub within: Option<OrgScope>,
    pub year: Option<i64>,
    pub kind: Option<String>,
    pub text: Option<String>,
    pub person: Option<UserId>,
    /// Achievements: only those claiming this level (`domestic_first`, ...).
    pub level: Option<String>,
    /// Patents: only those with this status (`granted`, ...).
    pub status: Option<String>,
    /// Leave out the records behind declarations assigned to this expert in blind campaigns not
    /// yet announced, so that the lists do not re-identify what they review.
    pub blind_to: Option<UserId>,
}

/// The records (achievements and skills) behind declarations assigned to `user` in blind
/// campaigns that are not announced yet; `record_type` and `id` name the outer query's record.
const BLIND_ASSIGNED: &str = " AND NOT EXISTS (SELECT 1 FROM assignments x \
    JOIN declarations xd ON xd.id = x.declaration_id JOIN campaigns xc ON xc.id = x.campaign_id \
    WHERE xc.blind = TRUE AND xc.stage <> 'announced' AND x.user_id = ";

fn blind_filter(b: &mut SqlBuilder, f: &RecordFilter, record_type: &'static str, id: &'static str) {
    if let Some(user) = f.blind_to {
        b.push(BLIND_ASSIGNED)
            .bind(user)
            .push(" AND xd.record_type = '")
            .push(record_type)
            .push("' AND xd.record_id = ")
            .push(id)
            .push(")");
    }
}

/// Is the record behind a declaration assigned to `user` in a blind campaign not yet announced?
/// Patents count through the achievements they are linked to.
pub async fn blind_to(tx: &mut Tx, user: UserId, record_type: &str, id: i64) -> Result<bool> {
    let mut b = SqlBuilder::new(
        "SELECT COUNT(*) FROM assignments x JOIN declarations xd ON xd.id = x.declaration_id JOIN campaigns xc ON xc.id = x.campaign_id WHERE xc.blind = TRUE AND xc.stage <> 'announced' AND x.user_id = ",
    );
    b.bind(user);
    if record_type == "patent" {
        b.push(" AND xd.record_type = 'achievement' AND xd.record_id IN (SELECT achievement_id FROM achievement_patents WHERE patent_id = ")
            .bind(id)
            .push(")");
    } else {
        b.push(" AND xd.record_type = ")
            .bind(record_type.to_string())
            .push(" AND xd.record_id = ")
            .bind(id);
    }
    let (n,): (i64,) = tx.fetch_one(b.build()).await?;
    Ok(n > 0)
}

/// (record type, id) of every record hidden from `user` by [`blind_to`], patents included.
pub async fn blind_records(tx: &mut Tx, user: UserId) -> Result<Vec<(String, i64)>> {
    tx.fetch_all(
        Sql::new(
            "SELECT xd.record_type, xd.record_id FROM assignments x \
             JOIN declarations xd ON xd.id = x.declaration_id JOIN campaigns xc ON xc.id = x.campaign_id \
             WHERE xc.blind = TRUE AND xc.stage <> 'announced' AND x.user_id = $1 \
             UNION SELECT 'patent', ap.patent_id FROM assignments x \
             JOIN declarations xd ON xd.id = x.declaration_id JOIN campaigns xc ON xc.id = x.campaign_id \
             JOIN achievement_patents ap ON ap.achievement_id = xd.record_id AND xd.record_type = 'achievement' \
             WHERE xc.blind = TRUE AND xc.stage <> 'announced' AND x.user_id = $1",
        )
        .bind(user),
    )
    .await
}

fn common(
    b: &mut SqlBuilder,
    f: &RecordFilter,
    alias_year: &'static str,
    alias_kind: &'static str,
) {
    b.push(" WHERE 1 = 1");
    if let Some(scope) = &f.scope {
        b.push(" AND ");
        b.scope("u.path", scope);
    }
    if let Some(within) = &f.within {
        b.push(" AND ");
        b.scope("u.path", within);
    }
    if let Some(year) = f.year {
        b.push(" AND ").push(alias_year).push(" = ").bind(year);
    }
    if let Some(kind) = f.kind.as_deref().filter(|k| !k.is_empty()) {
        b.push(" AND ").push(alias_kind).push(" = ").bind(kind);
    }
}

fn text_filter(b: &mut SqlBuilder, f: &RecordFilter, column: &'static str) {
    if let Some(text) = f.text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        b.push(" AND LOWER(")
            .push(column)
            .push(") LIKE LOWER(")
            .bind(format!("%{}%", text.replace(['%', '_'], "")))
            .push(")");
    }
}

/// The record `select` finds where `id_column` is `id`, read from its row by `read`.
async fn get_by_id<R: BothRows, T>(
    tx: &mut Tx,
    (select, id_column): (&'static str, &'static str),
    id: i64,
    read: impl Fn(R) -> Result<T>,
) -> Result<Option<T>> {
    let mut b = SqlBuilder::new(select);
    b.push(" WHERE ").push(id_column).push(" = ").bind(id);
    let row: Option<R> = tx.fetch_optional(b.build()).await?;
    row.map(read).transpose()
}

/// A page of a listing and the total its filters find. `count` and `select` start the two
/// queries (with the same joins); `filters` adds the same conditions to both, `order` sorts
/// the page, and `read` makes a record of each row.
async fn list_page<R: BothRows, T>(
    tx: &mut Tx,
    (count, select, order): (&'static str, &'static str, &'static str),
    filters: impl Fn(&mut SqlBuilder),
    page: Page,
    read: impl Fn(R) -> Result<T>,
) -> Result<(Vec<T>, i64)> {
    let mut b = SqlBuilder::new(count);
    filters(&mut b);
    let (total,): (i64,) = tx.fetch_one(b.build()).await?;
    let mut b = SqlBuilder::new(select);
    filters(&mut b);
    b.push(order);
    page.apply(&mut b);
    let rows: Vec<R> = tx.fetch_all(b.build()).await?;
    Ok((rows.into_iter().map(read).collect::<Result<_>>()?, total))
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, sqlx::FromRow)]
pub struct PersonRef {
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    pub org_id: i64,
    pub rank: i64,
}
