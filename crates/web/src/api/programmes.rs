//! `/programmes`: regional science & technology programmes, their areas, critical tasks,
//! funding (planned and actual, per task, year and source), milestones, outputs, people and
//! award tallies; the overview figures and the lists (with CSV/XLSX exports) behind each.
//! Money is integer fen (`_cents`), ratios hundredths (`_x100`), shares basis points (`_bp`).
//!
//! This module keeps what the concerns share: the route list (in the order that fixes the
//! OpenAPI document), the filter every list takes (`ListQuery`) and the shape of a page of a
//! list (`api::list_dto!`); the handlers live in `registry`, `overview`, `tasks`, `funding`,
//! `milestones`, `outputs`, `people` and `export`.

use crate::AppState;
use ingot_domain::{OrgId, TaskId};
use ingot_store::Page;
use ingot_store::programmes::ListFilter;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(
            registry::list_programmes,
            registry::create_programme
        ))
        .routes(routes!(overview::get_overview))
        .routes(routes!(tasks::list_tasks, tasks::create_task))
        .routes(routes!(tasks::get_task, tasks::update_task))
        .routes(routes!(funding::list_funding, funding::record_funding))
        .routes(routes!(
            milestones::list_milestones,
            milestones::add_milestone
        ))
        .routes(routes!(milestones::update_milestone))
        .routes(routes!(milestones::remove_entry))
        .routes(routes!(outputs::list_outputs, outputs::add_output))
        .routes(routes!(people::list_people, people::add_person))
        .routes(routes!(people::list_institutions))
        .routes(routes!(overview::record_award))
        .routes(routes!(export::export_list))
}

/// Declares `$name`, an endpoint listing a page of the programme's `$case` records, filtered by
/// the `ListQuery`, as `$list`.
macro_rules! programme_list {
    ($(#[$meta:meta])* $name:ident, $case:path, $list:ty) => {
        $(#[$meta])*
        pub(super) async fn $name(
            axum::extract::State(state): axum::extract::State<$crate::AppState>,
            api: $crate::api::ApiCtx,
            axum::extract::Path(id): axum::extract::Path<ingot_domain::ProgrammeId>,
            axum::extract::Query(q): axum::extract::Query<super::ListQuery>,
        ) -> Result<axum::Json<$list>, $crate::error::Failure> {
            let page = q.page();
            let mut tx = state.db.read().await?;
            let (items, total) = $case(&mut tx, &api.caller(), id, &q.filter(), page).await?;
            Ok(axum::Json(<$list>::of(items, total, page)))
        }
    };
}

#[derive(Debug, Deserialize, IntoParams, Default, Clone)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    pub area_id: Option<i64>,
    pub task_id: Option<i64>,
    /// By list: a task status, funding source, output kind, milestone state (done, open) or
    /// organisation kind.
    pub kind: Option<String>,
    pub year: Option<i64>,
    /// People: only academicians (true) or only the others (false).
    pub academician: Option<bool>,
    /// Tasks led by or naming this organisation; people of this institution.
    pub org_id: Option<i64>,
    /// Words in the title or name.
    pub q: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

impl ListQuery {
    pub fn filter(&self) -> ListFilter {
        ListFilter {
            area_id: self.area_id,
            task_id: self.task_id.map(TaskId),
            kind: self.kind.clone().filter(|k| !k.trim().is_empty()),
            year: self.year,
            academician: self.academician,
            org_id: self.org_id.map(OrgId),
            text: self.q.clone().filter(|t| !t.trim().is_empty()),
        }
    }

    fn page(&self) -> Page {
        Page::new(self.page, self.per_page, 50)
    }
}

// Below `programme_list!`, which they use: a macro is in scope only after its definition.
mod export;
mod funding;
mod milestones;
mod outputs;
mod overview;
mod people;
mod registry;
mod tasks;
