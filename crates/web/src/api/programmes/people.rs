//! The people of a programme, each counted once however many tasks they join, and the
//! institutions taking part.

use super::ListQuery;
use crate::api::api_create;
use crate::error::ErrorBody;
use ingot_app::programmes as cases;
use ingot_domain::ProgrammeId;
use ingot_store::programmes::{Institution, Person};
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct PersonDto {
    pub id: i64,
    pub name: String,
    pub academician: bool,
    pub institution_id: i64,
    pub institution_name: String,
    /// How many tasks the person works on (they count once in the totals).
    pub tasks: i64,
}

impl From<Person> for PersonDto {
    fn from(p: Person) -> Self {
        PersonDto {
            id: p.id,
            name: p.name,
            academician: p.academician,
            institution_id: p.institution_id,
            institution_name: p.institution_name,
            tasks: p.tasks,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InstitutionDto {
    pub id: i64,
    pub name: String,
    pub name_en: Option<String>,
    /// The organisation kind; `external` for bodies outside the union tree.
    pub kind: String,
    pub people: i64,
    pub tasks: i64,
}

impl From<Institution> for InstitutionDto {
    fn from(i: Institution) -> Self {
        InstitutionDto {
            id: i.id.0,
            name: i.name,
            name_en: i.name_en,
            kind: i.kind.as_str().to_string(),
            people: i.people,
            tasks: i.tasks,
        }
    }
}

crate::api::list_dto!(PersonListDto, PersonDto);

crate::api::list_dto!(InstitutionListDto, InstitutionDto);

programme_list!(
    /// The people of the programme, each once, filtered (academician, institution, area, task).
    #[utoipa::path(get, path = "/programmes/{id}/people", tag = "programmes", params(("id" = i64, Path), ListQuery),
        responses((status = 200, body = PersonListDto), (status = 404, body = ErrorBody)),
        security(("bearer" = []), ("session" = [])))]
    list_people,
    cases::people,
    PersonListDto
);

api_create!(
    /// Adds a researcher (or academician) working on one or more tasks of the programme.
    #[utoipa::path(post, path = "/programmes/{id}/people", tag = "programmes", params(("id" = i64, Path)), request_body = cases::PersonInput,
        responses((status = 201, body = PersonDto), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
        security(("bearer" = []), ("session" = [])))]
    add_person,
    ProgrammeId,
    cases::PersonInput,
    cases::add_person,
    PersonDto
);

programme_list!(
    /// The participating institutions, each once (`kind`: an organisation kind).
    #[utoipa::path(get, path = "/programmes/{id}/institutions", tag = "programmes", params(("id" = i64, Path), ListQuery),
        responses((status = 200, body = InstitutionListDto), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
        security(("bearer" = []), ("session" = [])))]
    list_institutions,
    cases::institutions,
    InstitutionListDto
);
