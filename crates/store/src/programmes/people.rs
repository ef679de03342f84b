//! A programme's people and institutions: adding people, linking them to tasks, the people
//! list, a person's tasks and the institutions taking part.

use super::{ListFilter, insert_rows, paged, stored, task_filter, text_filter};
use crate::sql::{Arg, Page, Sql};
use crate::{Result, Tx};
use ingot_domain::{AppError, OrgId, OrgKind, ProgrammeId, TaskId, Timestamp};

pub const PERSON_INSERT: &str = "INSERT INTO programme_people (programme_id, name, academician, institution_id, created_at) VALUES ";

pub async fn insert_person(
    tx: &mut Tx,
    programme: ProgrammeId,
    name: &str,
    academician: bool,
    institution: OrgId,
    now: Timestamp,
) -> Result<i64> {
    let (id,): (i64,) = tx
        .fetch_one(
            Sql::new(
                "INSERT INTO programme_people (programme_id, name, academician, institution_id, created_at)
                 VALUES ($1, $2, $3, $4, $5) RETURNING id",
            )
            .bind(programme.0)
            .bind(name)
            .bind(academician)
            .bind(institution)
            .bind(now),
        )
        .await?;
    Ok(id)
}

/// The ids of a programme's people in the order they were added.
pub async fn person_ids(tx: &mut Tx, programme: ProgrammeId) -> Result<Vec<i64>> {
    let rows: Vec<(i64,)> = tx
        .fetch_all(
            Sql::new("SELECT id FROM programme_people WHERE programme_id = $1 ORDER BY id")
                .bind(programme.0),
        )
        .await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

pub async fn link_people(tx: &mut Tx, pairs: &[(TaskId, i64)]) -> Result<()> {
    let rows = pairs
        .iter()
        .map(|(t, p)| vec![Arg::from(t.0), Arg::from(*p)])
        .collect();
    insert_rows(
        tx,
        "INSERT INTO programme_task_people (task_id, person_id) VALUES ",
        rows,
    )
    .await
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, sqlx::FromRow)]
pub struct Person {
    pub id: i64,
    pub name: String,
    pub academician: bool,
    pub institution_id: i64,
    pub institution_name: String,
    pub tasks: i64,
}

pub async fn people(
    tx: &mut Tx,
    programme: ProgrammeId,
    f: &ListFilter,
    page: Page,
) -> Result<(Vec<Person>, i64)> {
    paged::<Person, Person>(
        tx,
        "SELECT p.id, p.name, p.academician, p.institution_id, o.name AS institution_name,
         (SELECT COUNT(*) FROM programme_task_people tp WHERE tp.person_id = p.id) AS tasks",
        |b| {
            b.push(
                "FROM programme_people p JOIN organisations o ON o.id = p.institution_id
                 WHERE p.programme_id = ",
            )
            .bind(programme.0);
            if let Some(a) = f.academician {
                b.push(" AND p.academician = ").bind(a);
            }
            if let Some(org) = f.org_id {
                b.push(" AND p.institution_id = ").bind(org);
            }
            if f.area_id.is_some() || f.task_id.is_some() {
                b.push(
                    " AND EXISTS (SELECT 1 FROM programme_task_people tp JOIN programme_tasks t
                     ON t.id = tp.task_id WHERE tp.person_id = p.id",
                );
                task_filter(b, f);
                b.push(")");
            }
            text_filter(b, f, "p.name");
        },
        " ORDER BY p.academician DESC, p.id",
        page,
        Ok,
    )
    .await
}

/// The tasks a person works on.
pub async fn tasks_of_person(tx: &mut Tx, person: i64) -> Result<Vec<TaskId>> {
    let rows: Vec<(i64,)> = tx
        .fetch_all(
            Sql::new(
                "SELECT task_id FROM programme_task_people WHERE person_id = $1 ORDER BY task_id",
            )
            .bind(person),
        )
        .await?;
    Ok(rows.into_iter().map(|(t,)| TaskId(t)).collect())
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Institution {
    pub id: OrgId,
    pub name: String,
    pub name_en: Option<String>,
    pub kind: OrgKind,
    pub people: i64,
    pub tasks: i64,
}

#[derive(sqlx::FromRow)]
struct InstitutionRow {
    id: i64,
    name: String,
    name_en: Option<String>,
    kind: String,
    people: i64,
    tasks: i64,
}

impl TryFrom<InstitutionRow> for Institution {
    type Error = AppError;
    fn try_from(r: InstitutionRow) -> Result<Institution> {
        Ok(Institution {
            id: OrgId(r.id),
            name: r.name,
            name_en: r.name_en,
            kind: stored("organisation kind", &r.kind, OrgKind::parse)?,
            people: r.people,
            tasks: r.tasks,
        })
    }
}

/// The organisations taking part: leading a task, named on one, or employing its people.
pub(super) const PARTICIPANTS: &str = "SELECT lead_org_id AS org_id FROM programme_tasks WHERE programme_id = $1
    UNION SELECT x.org_id FROM programme_task_orgs x JOIN programme_tasks t ON t.id = x.task_id WHERE t.programme_id = $1
    UNION SELECT institution_id FROM programme_people WHERE programme_id = $1";

pub async fn institutions(
    tx: &mut Tx,
    programme: ProgrammeId,
    f: &ListFilter,
    page: Page,
) -> Result<(Vec<Institution>, i64)> {
    paged::<InstitutionRow, Institution>(
        tx,
        "SELECT o.id, o.name, o.name_en, o.kind,
         (SELECT COUNT(*) FROM programme_people p WHERE p.programme_id = $1 AND p.institution_id = o.id) AS people,
         (SELECT COUNT(*) FROM programme_tasks t WHERE t.programme_id = $1 AND (t.lead_org_id = o.id
           OR EXISTS (SELECT 1 FROM programme_task_orgs x WHERE x.task_id = t.id AND x.org_id = o.id))) AS tasks",
        |b| {
            // $1 is the programme, bound first so the select list can use it too.
            // The first placeholder is the programme, which the select list uses too.
            b.push("FROM organisations o WHERE o.id IN (SELECT lead_org_id FROM programme_tasks WHERE programme_id = ")
                .bind(programme.0)
                .push(" UNION SELECT x.org_id FROM programme_task_orgs x JOIN programme_tasks t ON t.id = x.task_id WHERE t.programme_id = ")
                .bind(programme.0)
                .push(" UNION SELECT institution_id FROM programme_people WHERE programme_id = ")
                .bind(programme.0)
                .push(")");
            if let Some(kind) = f.kind.as_deref() {
                b.push(" AND o.kind = ").bind(kind);
            }
            text_filter(b, f, "o.name");
        },
        " ORDER BY o.kind, o.name",
        page,
        Institution::try_from,
    )
    .await
}
