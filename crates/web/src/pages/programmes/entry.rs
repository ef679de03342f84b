//! Programme data entry on pages: setting up a programme with its areas, adding a task, and on a
//! task's page its funding, milestones, outputs and people; the award tallies on the overview.
//! Officers type money in yuan and name organisations by their code, as their documents do:
//! each form converts to the wire struct the API takes (cents, ids) and runs the same use case
//! in one transaction, so a problem names the API's field and nothing is half-saved.

use super::name_in;
use crate::AppState;
use crate::ctx::PageCtx;
use crate::error::Failure;
use crate::forms::{FormErrors, SentForm, decode_form, is_form_error};
use crate::pages::{answer, in_tx, render};
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use ingot_app::programmes as cases;
use ingot_domain::benefit::parse_fixed2;
use ingot_domain::org::Organisation;
use ingot_domain::policy::{self, Action, Principal};
use ingot_domain::programme::TaskStatus;
use ingot_domain::{AppError, FieldError, OrgId, ProgrammeId, TaskId};
use ingot_store::Tx;

/// Rows of areas a new programme's form offers (the "7+1" layout fits); more appear as they
/// fill.
const AREA_ROWS: usize = 8;

/// Yuan as typed ("1,234.5") in cents, or the problem of the API's field (`budget_cents`);
/// empty is nothing.
pub(super) fn yuan(problems: &mut Vec<FieldError>, field: &str, raw: &str) -> i64 {
    let raw = raw.trim().replace([',', '，'], "");
    if raw.is_empty() {
        return 0;
    }
    match parse_fixed2(&raw) {
        Some(c) if c >= 0 => c,
        _ => {
            problems.push(FieldError::new(field, "invalid_amount"));
            0
        }
    }
}

/// A whole number as typed, or the field's problem; empty is `empty`.
pub(super) fn whole(
    problems: &mut Vec<FieldError>,
    field: &str,
    raw: &str,
    code: &'static str,
    empty: i64,
) -> i64 {
    let raw = raw.trim();
    if raw.is_empty() {
        return empty;
    }
    raw.parse().unwrap_or_else(|_| {
        problems.push(FieldError::new(field, code));
        empty
    })
}

/// An organisation named by its code, or the problem of the API's field; empty is left to the
/// use case, which says whether it is required.
pub(super) async fn org_by_code(
    tx: &mut Tx,
    problems: &mut Vec<FieldError>,
    field: &str,
    raw: &str,
) -> Result<Option<OrgId>, AppError> {
    let code = raw.trim();
    if code.is_empty() {
        return Ok(None);
    }
    Ok(match ingot_app::orgs::find_by_code(tx, code).await? {
        Some(o) => Some(o.id),
        None => {
            problems.push(FieldError::new(field, "unknown_unit"));
            None
        }
    })
}

/// The use case's answer with the form's own problems (a bad amount, an unknown code) added;
/// the use case's problem of a field the form already named is dropped, the form's says more.
/// A refusal that is not about the fields (not allowed, not found) stands as it is.
pub(super) fn merged<T>(problems: Vec<FieldError>, r: Result<T, AppError>) -> Result<T, AppError> {
    if problems.is_empty() {
        return r;
    }
    match r {
        Err(AppError::Validation(more)) => {
            let mut all = problems;
            let named: Vec<String> = all.iter().map(|p| p.field.clone()).collect();
            all.extend(more.into_iter().filter(|m| !named.contains(&m.field)));
            Err(AppError::Validation(all))
        }
        Err(e) if !is_form_error(&e) => Err(e),
        _ => Err(AppError::Validation(problems)),
    }
}

/// The departments where the signed-in person may set up a programme.
async fn owner_orgs(tx: &mut Tx, ctx: &PageCtx) -> Result<Vec<Organisation>, AppError> {
    let Some(actor) = &ctx.actor else {
        return Ok(Vec::new());
    };
    let mut ids: Vec<OrgId> = actor
        .grants
        .iter()
        .filter(|g| policy::may(Principal::User(actor), Action::ManageProgramme, &g.org_path))
        .map(|g| g.org_id)
        .collect();
    ids.sort();
    ids.dedup();
    ingot_app::orgs::get_many(tx, &ids).await
}

// ---------------------------------------------------------------------------------------------
// A new programme

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct ProgrammeForm {
    owner_org_id: Option<OrgId>,
    code: String,
    name: String,
    name_en: String,
    start_year: String,
    plan_name: String,
    plan_url: String,
    summary: String,
    area_code: Vec<String>,
    area_name: Vec<String>,
    area_name_en: Vec<String>,
    /// The rows (by index) whose area is infrastructure rather than an industry.
    area_infrastructure: Vec<usize>,
}

pub(super) fn optional(s: &str) -> Option<String> {
    Some(s.trim().to_string()).filter(|s| !s.is_empty())
}

impl ProgrammeForm {
    /// The wire struct, with the rows left blank dropped.
    fn input(&self, problems: &mut Vec<FieldError>) -> cases::ProgrammeInput {
        let rows = self
            .area_code
            .len()
            .max(self.area_name.len())
            .max(self.area_name_en.len());
        let at =
            |v: &Vec<String>, i: usize| v.get(i).map(|s| s.trim().to_string()).unwrap_or_default();
        let areas = (0..rows)
            .map(|i| cases::AreaInput {
                code: at(&self.area_code, i),
                name: at(&self.area_name, i),
                name_en: optional(&at(&self.area_name_en, i)),
                infrastructure: self.area_infrastructure.contains(&i),
            })
            .filter(|a| !a.code.is_empty() || !a.name.is_empty() || a.name_en.is_some())
            .collect();
        cases::ProgrammeInput {
            owner_org_id: self.owner_org_id,
            code: self.code.clone(),
            name: self.name.clone(),
            name_en: optional(&self.name_en),
            start_year: whole(problems, "start_year", &self.start_year, "invalid_year", 0),
            plan_name: optional(&self.plan_name),
            plan_url: optional(&self.plan_url),
            summary: self.summary.clone(),
            areas,
        }
    }
}

/// One row of areas on the form, with what was typed and its problems.
struct AreaRow {
    index: usize,
    code: String,
    name: String,
    name_en: String,
    infrastructure: bool,
    problems: Vec<String>,
}

#[derive(Template)]
#[template(path = "programmes/new.html")]
struct NewProgrammePage {
    ctx: PageCtx,
    owners: Vec<Organisation>,
    sent: SentForm,
    rows: Vec<AreaRow>,
    errors: FormErrors,
}

impl NewProgrammePage {
    /// The rows past the first four open when any holds something or a problem.
    fn more_open(&self) -> bool {
        self.rows.iter().skip(4).any(|r| {
            !r.code.is_empty()
                || !r.name.is_empty()
                || !r.name_en.is_empty()
                || !r.problems.is_empty()
        })
    }
}

async fn new_programme_page(
    state: &AppState,
    ctx: PageCtx,
    (sent, areas): (SentForm, Vec<cases::AreaInput>),
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response, Failure> {
    let mut tx = state.db.read().await?;
    let owners = owner_orgs(&mut tx, &ctx).await?;
    drop(tx);
    let total = AREA_ROWS.max(areas.len() + 1);
    let rows = (0..total)
        .map(|i| {
            let a = areas.get(i).cloned().unwrap_or_default();
            AreaRow {
                index: i,
                problems: errors
                    .under(&format!("areas[{i}]."))
                    .into_iter()
                    .map(str::to_string)
                    .collect(),
                code: a.code,
                name: a.name,
                name_en: a.name_en.unwrap_or_default(),
                infrastructure: a.infrastructure,
            }
        })
        .collect();
    let page = NewProgrammePage {
        ctx,
        owners,
        sent,
        rows,
        errors,
    };
    Ok(render(status, &page))
}

pub async fn new_programme(
    State(state): State<AppState>,
    ctx: PageCtx,
) -> Result<Response, Failure> {
    let blank = (SentForm::default(), Vec::new());
    new_programme_page(&state, ctx, blank, FormErrors::none(), StatusCode::OK).await
}

pub async fn create_programme(
    State(state): State<AppState>,
    ctx: PageCtx,
    body: Bytes,
) -> Result<Response, Failure> {
    let form = decode_form::<ProgrammeForm>(&body);
    let mut problems = Vec::new();
    let input = form.map(|f| f.input(&mut problems));
    let r = in_tx(&state, &ctx, async |tx, c| {
        let input = input.as_ref().map_err(Clone::clone)?;
        merged(problems, cases::create(tx, c, input).await)
    })
    .await;
    let to = r
        .as_ref()
        .map(|p| format!("/programmes/{}", p.id))
        .unwrap_or_default();
    let again = async |ctx, errors, status| {
        let areas = input.map(|i| i.areas).unwrap_or_default();
        new_programme_page(&state, ctx, (SentForm::of(&body), areas), errors, status).await
    };
    answer(ctx, r, &to, "programme_created", again).await
}

// ---------------------------------------------------------------------------------------------
// A new task

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct TaskForm {
    area_id: Option<i64>,
    code: String,
    title: String,
    lead_org: String,
    /// Codes of the participating organisations, separated by spaces, commas or lines.
    participants: String,
    leader_name: String,
    starts_on: String,
    ends_on: String,
    status: String,
    budget: String,
    /// The version of the task read, when changing one.
    version: Option<i64>,
}

/// The codes of a list typed by hand: separated by spaces, commas (either width), enumeration
/// commas or lines.
fn codes(raw: &str) -> Vec<&str> {
    raw.split(|c: char| c.is_whitespace() || matches!(c, ',' | '，' | '、' | ';' | '；'))
        .filter(|s| !s.is_empty())
        .collect()
}

impl TaskForm {
    async fn input(
        &self,
        tx: &mut Tx,
        problems: &mut Vec<FieldError>,
    ) -> Result<cases::TaskInput, AppError> {
        let mut participant_org_ids = Vec::new();
        for (i, code) in codes(&self.participants).into_iter().enumerate() {
            let field = format!("participant_org_ids[{i}]");
            if let Some(o) = org_by_code(tx, problems, &field, code).await? {
                participant_org_ids.push(o);
            }
        }
        Ok(cases::TaskInput {
            area_id: self.area_id,
            code: self.code.clone(),
            title: self.title.clone(),
            lead_org_id: org_by_code(tx, problems, "lead_org_id", &self.lead_org).await?,
            participant_org_ids,
            leader_name: self.leader_name.clone(),
            starts_on: self.starts_on.clone(),
            ends_on: self.ends_on.clone(),
            status: self.status.clone(),
            budget_cents: yuan(problems, "budget_cents", &self.budget),
        })
    }
}

#[derive(Template)]
#[template(path = "programmes/task_new.html")]
struct NewTaskPage {
    ctx: PageCtx,
    base: String,
    name: String,
    areas: Vec<(i64, String)>,
    /// The organisations already in the programme, offered as codes to type.
    known: Vec<(String, String)>,
    statuses: &'static [TaskStatus],
    sent: SentForm,
    errors: FormErrors,
    /// The task being changed; none when adding one.
    editing: Option<TaskId>,
}

async fn new_task_page(
    state: &AppState,
    ctx: PageCtx,
    (id, editing): (ProgrammeId, Option<TaskId>),
    (sent, errors): (SentForm, FormErrors),
    status: StatusCode,
) -> Result<Response, Failure> {
    let caller = ctx.caller()?;
    let mut tx = state.db.read().await?;
    let p = cases::readable(&mut tx, &caller, id).await?;
    if !cases::may_manage(&caller, &p) {
        return Err(Failure(AppError::forbidden()));
    }
    let lang = ctx.lang;
    let areas = cases::areas(&mut tx, &caller, id)
        .await?
        .into_iter()
        .map(|a| (a.id, name_in(lang, &a.name, a.name_en.as_deref())))
        .collect();
    let known = known_orgs(&mut tx, &caller, id).await?;
    drop(tx);
    let page = NewTaskPage {
        base: format!("/programmes/{id}"),
        name: name_in(lang, &p.name, p.name_en.as_deref()),
        ctx,
        areas,
        known,
        statuses: TaskStatus::ALL,
        sent,
        errors,
        editing,
    };
    Ok(render(status, &page))
}

/// The institutions of a programme by code and name, for a form's suggestions.
pub(super) async fn known_orgs(
    tx: &mut Tx,
    caller: &ingot_app::Caller<'_>,
    id: ProgrammeId,
) -> Result<Vec<(String, String)>, AppError> {
    let filter = ingot_store::programmes::ListFilter::default();
    let page = ingot_store::Page::new(Some(1), Some(500), 500);
    let institutions = cases::institutions(tx, caller, id, &filter, page).await?.0;
    let ids: Vec<OrgId> = institutions.iter().map(|i| i.id).collect();
    Ok(ingot_app::orgs::get_many(tx, &ids)
        .await?
        .into_iter()
        .map(|o| (o.code, o.name))
        .collect())
}

pub async fn new_task(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<ProgrammeId>,
) -> Result<Response, Failure> {
    let blank = (SentForm::default(), FormErrors::none());
    new_task_page(&state, ctx, (id, None), blank, StatusCode::OK).await
}

pub async fn create_task(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<ProgrammeId>,
    body: Bytes,
) -> Result<Response, Failure> {
    let form = decode_form::<TaskForm>(&body);
    let r = in_tx(&state, &ctx, async |tx, c| {
        let form = form.as_ref().map_err(Clone::clone)?;
        let mut problems = Vec::new();
        let input = form.input(tx, &mut problems).await?;
        merged(problems, cases::create_task(tx, c, id, &input).await)
    })
    .await;
    let to = r
        .as_ref()
        .map(|t| format!("/programmes/{id}/tasks/{}", t.id))
        .unwrap_or_default();
    let again = async |ctx, errors, status| {
        new_task_page(
            &state,
            ctx,
            (id, None),
            (SentForm::of(&body), errors),
            status,
        )
        .await
    };
    answer(ctx, r, &to, "task_created", again).await
}

/// The form to change a task, filled in with what it holds now (organisations by code).
pub async fn edit_task(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path((id, task)): Path<(ProgrammeId, TaskId)>,
) -> Result<Response, Failure> {
    let caller = ctx.caller()?;
    let mut tx = state.db.read().await?;
    let d = cases::task(&mut tx, &caller, id, task).await?;
    let mut ids: Vec<OrgId> = d.participants.iter().map(|(o, _)| *o).collect();
    ids.push(d.task.lead_org_id);
    let orgs = ingot_app::orgs::get_many(&mut tx, &ids).await?;
    drop(tx);
    let code_of = |o: OrgId| {
        orgs.iter()
            .find(|x| x.id == o)
            .map(|x| x.code.clone())
            .unwrap_or_default()
    };
    let t = &d.task;
    let participants: Vec<String> = d.participants.iter().map(|(o, _)| code_of(*o)).collect();
    let sent = SentForm::with(&[
        ("area_id", t.area_id.to_string()),
        ("code", t.code.clone()),
        ("title", t.title.clone()),
        ("lead_org", code_of(t.lead_org_id)),
        ("participants", participants.join(" ")),
        ("leader_name", t.leader_name.clone()),
        ("starts_on", t.starts_on.to_string()),
        (
            "ends_on",
            t.ends_on.map(|e| e.to_string()).unwrap_or_default(),
        ),
        ("status", t.status.as_str().to_string()),
        (
            "budget",
            ingot_domain::proposal::format_money(t.budget_cents),
        ),
        ("version", t.version.to_string()),
    ]);
    let form = (sent, FormErrors::none());
    new_task_page(&state, ctx, (id, Some(task)), form, StatusCode::OK).await
}

pub async fn update_task(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path((id, task)): Path<(ProgrammeId, TaskId)>,
    body: Bytes,
) -> Result<Response, Failure> {
    let form = decode_form::<TaskForm>(&body);
    let r = in_tx(&state, &ctx, async |tx, c| {
        let form = form.as_ref().map_err(Clone::clone)?;
        let mut problems = Vec::new();
        let change = cases::TaskChange {
            version: form.version,
            task: form.input(tx, &mut problems).await?,
        };
        merged(
            problems,
            cases::update_task(tx, c, (id, task), &change).await,
        )
    })
    .await;
    let again = async |ctx, errors, status| {
        let sent = (SentForm::of(&body), errors);
        new_task_page(&state, ctx, (id, Some(task)), sent, status).await
    };
    let to = format!("/programmes/{id}/tasks/{task}");
    answer(ctx, r, &to, "task_updated", again).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_is_typed_in_yuan_and_a_list_of_codes_as_people_write_it() {
        let mut problems = Vec::new();
        assert_eq!(yuan(&mut problems, "budget_cents", "1,234.5"), 123_450);
        assert_eq!(yuan(&mut problems, "budget_cents", " "), 0);
        assert!(problems.is_empty());
        assert_eq!(yuan(&mut problems, "budget_cents", "12万"), 0);
        assert_eq!(yuan(&mut problems, "actual_cents", "-3"), 0);
        let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["budget_cents", "actual_cents"]);
        assert_eq!(
            codes("NM-A, NM-B，NM-C、NM-D\nNM-E;NM-F"),
            ["NM-A", "NM-B", "NM-C", "NM-D", "NM-E", "NM-F"]
        );
    }

    #[test]
    fn the_forms_problems_come_first_and_replace_the_use_cases_own_for_the_field() {
        let form = vec![FieldError::new("lead_org_id", "unknown_unit")];
        let case: Result<(), AppError> = Err(AppError::Validation(vec![
            FieldError::new("lead_org_id", "required"),
            FieldError::new("title", "required"),
        ]));
        let Err(AppError::Validation(all)) = merged(form.clone(), case) else {
            panic!("a validation error");
        };
        let seen: Vec<(&str, &str)> = all.iter().map(|p| (p.field.as_str(), p.code)).collect();
        assert_eq!(
            seen,
            [("lead_org_id", "unknown_unit"), ("title", "required")]
        );
        // The use case succeeding does not save what the form found wrong.
        assert!(matches!(
            merged(form.clone(), Ok(())),
            Err(AppError::Validation(_))
        ));
        // A refusal stays a refusal.
        assert!(matches!(
            merged(form, Err::<(), _>(AppError::forbidden())),
            Err(AppError::Forbidden { .. })
        ));
        assert!(merged(Vec::new(), Ok(7)).is_ok());
    }
}
