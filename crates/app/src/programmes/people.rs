//! The people working on a programme's tasks and the institutions they come from.

use super::{check_kind, log, manageable, not_found, org, readable, task_of};
use crate::{Caller, Result};
use ingot_domain::validate::Validator;
use ingot_domain::{FieldError, OrgId, OrgKind, ProgrammeId, TaskId, Timestamp};
use ingot_store::programmes::{self as store, Institution, ListFilter, Person};
use ingot_store::{Page, Tx};

pub async fn people(
    tx: &mut Tx,
    caller: &Caller<'_>,
    id: ProgrammeId,
    filter: &ListFilter,
    page: Page,
) -> Result<(Vec<Person>, i64)> {
    readable(tx, caller, id).await?;
    store::people(tx, id, filter, page).await
}

pub async fn institutions(
    tx: &mut Tx,
    caller: &Caller<'_>,
    id: ProgrammeId,
    filter: &ListFilter,
    page: Page,
) -> Result<(Vec<Institution>, i64)> {
    readable(tx, caller, id).await?;
    let codes: Vec<&str> = OrgKind::ALL.iter().map(|s| s.as_str()).collect();
    check_kind(filter, &codes)?;
    store::institutions(tx, id, filter, page).await
}

/// Adding a researcher to tasks of a programme, as the API sends it.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
#[schema(as = PersonBody)]
pub struct PersonInput {
    pub name: String,
    pub academician: bool,
    #[schema(value_type = Option<i64>)]
    pub institution_id: Option<OrgId>,
    /// The tasks of this programme the person works on (at least one).
    #[schema(value_type = Vec<i64>)]
    pub task_ids: Vec<TaskId>,
}

pub async fn add_person(
    tx: &mut Tx,
    caller: &Caller<'_>,
    id: ProgrammeId,
    input: &PersonInput,
) -> Result<Person> {
    let p = manageable(tx, caller, id).await?;
    let mut v = Validator::new();
    let name = v.required_text("name", &input.name, 100);
    let institution = org(tx, "institution_id", input.institution_id).await?;
    if input.task_ids.is_empty() {
        v.add(FieldError::new("task_ids", "required"));
    }
    let mut tasks: Vec<TaskId> = Vec::new();
    for (i, t) in input.task_ids.iter().enumerate() {
        let task = task_of(tx, &format!("task_ids[{i}]"), &p, Some(*t)).await?;
        if let Some(task) = v.keep(task)
            && !tasks.contains(&task.id)
        {
            tasks.push(task.id);
        }
    }
    let institution = v.finish_with(institution)?;
    let person = store::insert_person(
        tx,
        id,
        &name,
        input.academician,
        institution,
        Timestamp::now(),
    )
    .await?;
    let pairs: Vec<(TaskId, i64)> = tasks.iter().map(|t| (*t, person)).collect();
    store::link_people(tx, &pairs).await?;
    log(
        tx,
        caller,
        "programme.person.add",
        "programme",
        id.0,
        &name,
        &p,
        serde_json::json!({"person_id": person, "academician": input.academician, "tasks": tasks}),
    )
    .await?;
    let filter = ListFilter {
        text: Some(name.clone()),
        ..Default::default()
    };
    let all = Page::new(Some(1), Some(Page::MAX_SIZE), Page::MAX_SIZE);
    store::people(tx, id, &filter, all)
        .await?
        .0
        .into_iter()
        .find(|x| x.id == person)
        .ok_or_else(not_found)
}
