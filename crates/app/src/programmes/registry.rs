//! Setting up a programme with its strategic areas, and the list of programmes a caller may read.

use super::{log, not_found, org, readable, year};
use crate::{Caller, Result};
use ingot_domain::policy::Action;
use ingot_domain::programme as rules;
use ingot_domain::validate::Validator;
use ingot_domain::{FieldError, OrgId, ProgrammeId, Timestamp};
use ingot_store::programmes::{self as store, Area, NewProgramme, Programme};
use ingot_store::{Tx, orgs};

/// The programmes the caller may read.
pub async fn list(tx: &mut Tx, caller: &Caller<'_>) -> Result<Vec<Programme>> {
    let scope = caller.scope(Action::ViewProgramme);
    store::list_programmes(tx, scope.as_ref()).await
}

/// A strategic area of a new programme.
// Serialize: the programme's schema shows its (empty) default list of areas.
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
#[schema(as = AreaBody)]
pub struct AreaInput {
    pub code: String,
    pub name: String,
    pub name_en: Option<String>,
    pub infrastructure: bool,
}

/// Setting up a programme with its strategic areas, as the API sends it.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
#[schema(as = ProgrammeBody)]
pub struct ProgrammeInput {
    /// The science department that runs it.
    #[schema(value_type = Option<i64>)]
    pub owner_org_id: Option<OrgId>,
    pub code: String,
    pub name: String,
    pub name_en: Option<String>,
    pub start_year: i64,
    /// The plan it aligns with, and a link to it.
    pub plan_name: Option<String>,
    pub plan_url: Option<String>,
    pub summary: String,
    /// Its strategic areas, in order (e.g. seven industries plus infrastructure).
    pub areas: Vec<AreaInput>,
}

/// Sets up a programme with its strategic areas, owned by a department the caller manages.
pub async fn create(tx: &mut Tx, caller: &Caller<'_>, input: &ProgrammeInput) -> Result<Programme> {
    let mut v = Validator::new();
    let owner = org(tx, "owner_org_id", input.owner_org_id).await?;
    let code = v.required_text("code", &input.code, 40);
    let name = v.required_text("name", &input.name, rules::TITLE_MAX);
    let name_en = v.optional_text("name_en", input.name_en.as_deref(), rules::TITLE_MAX);
    year(&mut v, "start_year", input.start_year);
    let plan_name = v.optional_text("plan_name", input.plan_name.as_deref(), rules::TITLE_MAX);
    let plan_url = v.optional_text("plan_url", input.plan_url.as_deref(), 500);
    if let Some(url) = &plan_url
        && !(url.starts_with("https://") || url.starts_with("http://") || url.starts_with('/'))
    {
        v.add(FieldError::new("plan_url", "invalid_url"));
    }
    let summary = v.required_text("summary", &input.summary, rules::TEXT_MAX);
    if input.areas.is_empty() {
        v.add(FieldError::new("areas", "required"));
    }
    let mut areas = Vec::new();
    for (i, a) in input.areas.iter().enumerate() {
        let code = v.required_text(&format!("areas[{i}].code"), &a.code, 40);
        if input.areas[..i].iter().any(|b| b.code.trim() == code) {
            v.add(FieldError::new(
                format!("areas[{i}].code"),
                "area_code_taken",
            ));
        }
        areas.push(Area {
            id: 0,
            code,
            name: v.required_text(&format!("areas[{i}].name"), &a.name, rules::TITLE_MAX),
            name_en: v.optional_text(
                &format!("areas[{i}].name_en"),
                a.name_en.as_deref(),
                rules::TITLE_MAX,
            ),
            position: i as i64 + 1,
            infrastructure: a.infrastructure,
        });
    }
    let owner = v.finish_with(owner)?;
    let owner_org = orgs::get(tx, owner).await?.ok_or_else(not_found)?;
    caller.require(Action::ManageProgramme, &owner_org.path)?;
    let new = NewProgramme {
        owner_org_id: owner,
        code,
        name,
        name_en,
        start_year: input.start_year,
        plan_name,
        plan_url,
        summary,
    };
    let id = store::insert_programme(tx, &new, caller.user_id(), Timestamp::now()).await?;
    for a in &areas {
        store::insert_area(tx, id, a).await?;
    }
    let p = store::get_programme(tx, id).await?.ok_or_else(not_found)?;
    log(
        tx,
        caller,
        "programme.create",
        "programme",
        id.0,
        &p.name,
        &p,
        serde_json::json!({"code": p.code, "areas": areas.len()}),
    )
    .await?;
    Ok(p)
}

pub async fn areas(tx: &mut Tx, caller: &Caller<'_>, id: ProgrammeId) -> Result<Vec<Area>> {
    readable(tx, caller, id).await?;
    store::areas(tx, id).await
}
