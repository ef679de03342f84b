//! The JSON API under `/api/v1`. Every handler is annotated for the OpenAPI document, which is
//! built from them at start and served at `/api/v1/openapi.json`.

mod audit;
pub mod campaigns;
pub mod dto;
pub mod gates;
pub mod innovation;
mod me;
mod notifications;
mod orgs;
mod outbound;
mod programmes;
pub mod proposal_dto;
mod proposals;
mod reports;
mod returns;
mod search;
mod studios;
mod users;

use crate::AppState;
use crate::error::{ErrorBody, Failure};
use crate::request::RequestState;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use ingot_app::Caller;
use ingot_domain::audit::RequestOrigin;
use ingot_domain::{Actor, AppError, FieldError, Lang};
use std::sync::OnceLock;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Ingot API",
        description = "Workplace technological-innovation programmes. Authenticate with `Authorization: Bearer <token>` \
                       (create tokens with `ingot token create USER` or on the account page). Calls made with a session \
                       cookie must send the page's CSRF token as `X-CSRF-Token`. Errors are `{error, message, fields}` \
                       with a stable `error` code and a message in the caller's language (Accept-Language).",
        license(name = "Apache-2.0")
    ),
    modifiers(&Security),
    components(schemas(ErrorBody)),
    tags(
        (name = "account", description = "The caller's own account, language, password and API tokens"),
        (name = "organisations", description = "The organisation tree"),
        (name = "people", description = "People, their roles and access"),
        (name = "audit", description = "The append-only audit log"),
        (name = "proposals", description = "Improvement proposals: drafting, the review workflow, implementation, benefit, rewards, files, statistics and per-enterprise settings. Money is integer fen (`_cents`), shares and rates basis points (`_bp`)"),
        (name = "notifications", description = "What happened to the proposals the caller is involved in, the daily digest and e-mail"),
        (name = "webhooks", description = "The events of an organisation's subtree posted to other systems and group bots, signed, retried with back-off"),
        (name = "search", description = "Full-text search over what the caller may see"),
        (name = "studios", description = "Innovation studios: the registry, members, honours, outputs and photos; naming calls, applications with a snapshot, on-site reviews, decisions with numbered notices, special funding; assessments and revocation; alliances; statistics"),
        (name = "campaigns", description = "Award campaigns: the call with units, quotas, timetable, rubric and tier quotas; declarations attaching records, forwarding of lower rounds' winners, the formal check; the expert panel, conflicts of interest and the optimal assignment with overrides; score sheets; raw and calibrated results with tiers, ties and the panel decision; publicity with objections; the numbered announcement, certificates and the ranking of participating units"),
        (name = "innovation", description = "Innovation records: achievements with their ranked completers and verified benefit, patents (application numbers checked, CSV/XLSX import), skills and methods, talent titles and honours, and the record pages of people and units"),
        (name = "reports", description = "Reports read from the tallies kept with every record: a unit's annual summary beside the year before, each figure with the list of its records, and its workbook; upward statistical returns (opened for the units below, each unit's figures computed from its records and frozen on submission, accepted or returned for correction by the level above, exported in the layout of the official form). Money is integer fen"),
        (name = "programmes", description = "Regional science & technology programmes: strategic areas, critical tasks led by organisations of the tree (external bodies included), funding per task, year and source (planned and actual; spending beyond budget needs a reason), milestones, outputs linked to their records, people counted once, award shares; the overview figures and the lists and exports behind each. Money is integer fen (`_cents`), ratios hundredths (`_x100`), shares basis points (`_bp`)"),
    )
)]
struct ApiDoc;

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                "ingot_session",
                "Named __Host-ingot_session when Ingot is served over TLS",
            ))),
        );
    }
}

fn parts() -> &'static (Router<AppState>, utoipa::openapi::OpenApi) {
    static PARTS: OnceLock<(Router<AppState>, utoipa::openapi::OpenApi)> = OnceLock::new();
    PARTS.get_or_init(|| {
        let (router, mut doc) = OpenApiRouter::with_openapi(ApiDoc::openapi())
            .merge(me::routes())
            .merge(orgs::routes())
            .merge(users::routes())
            .merge(audit::routes())
            .merge(search::routes())
            .merge(proposals::routes())
            .merge(notifications::routes())
            .merge(outbound::routes())
            .merge(studios::routes())
            .merge(innovation::routes())
            .merge(campaigns::routes())
            .merge(programmes::routes())
            .merge(reports::routes())
            .merge(returns::routes())
            .split_for_parts();
        doc.servers = Some(vec![utoipa::openapi::Server::new("/api/v1")]);
        document_throttling(&mut doc);
        document_changes(&mut doc);
        (router, doc)
    })
}

/// Every operation a token may call can be refused for too many requests (per client address
/// or per account): one shared `TooManyRequests` response, with `Retry-After`.
fn document_throttling(doc: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::schema::{Ref, Type};
    use utoipa::openapi::{ContentBuilder, HeaderBuilder, ObjectBuilder, RefOr, ResponseBuilder};
    let response = ResponseBuilder::new()
        .description("Too many requests from this client address or for this account")
        .header(
            "Retry-After",
            HeaderBuilder::new()
                .schema(Some(ObjectBuilder::new().schema_type(Type::Integer)))
                .description(Some("Seconds to wait before trying again"))
                .build(),
        )
        .content(
            "application/json",
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("ErrorBody")))
                .build(),
        )
        .build();
    doc.components
        .get_or_insert_with(Default::default)
        .responses
        .insert("TooManyRequests".into(), RefOr::T(response));
    for item in doc.paths.paths.values_mut() {
        let operations = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ];
        for op in operations.into_iter().flatten() {
            if op.security.is_some() {
                op.responses.responses.insert(
                    "429".into(),
                    RefOr::Ref(Ref::from_response_name("TooManyRequests")),
                );
            }
        }
    }
}

/// A change body is its record's body plus the version read (and a reason), which serde reads
/// flattened; the document says so as one closed object, since an `allOf` with the record
/// body's closed object would forbid sending the version beside the particulars.
fn document_changes(doc: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::RefOr;
    use utoipa::openapi::schema::Schema;
    let Some(components) = doc.components.as_mut() else {
        return;
    };
    for (change, body) in [
        ("TaskChangeBody", "TaskBody"),
        ("PatentChangeBody", "PatentBody"),
    ] {
        let Some(RefOr::T(Schema::Object(mut merged))) = components.schemas.get(body).cloned()
        else {
            continue;
        };
        let Some(RefOr::T(Schema::AllOf(all))) = components.schemas.get(change) else {
            continue;
        };
        merged.description = all.description.clone();
        for item in &all.items {
            if let RefOr::T(Schema::Object(extra)) = item {
                merged.properties.extend(extra.properties.clone());
            }
        }
        components
            .schemas
            .insert(change.to_string(), RefOr::T(Schema::Object(merged)));
    }
}

/// The OpenAPI document, as served.
pub fn openapi() -> utoipa::openapi::OpenApi {
    parts().1.clone()
}

async fn openapi_json() -> Response {
    Json(openapi()).into_response()
}

pub fn router() -> Router<AppState> {
    parts()
        .0
        .clone()
        .route("/openapi.json", get(openapi_json))
        .fallback(|| async { Failure(AppError::not_found("endpoint")) })
}

/// The signed-in caller of an API request (by token or session).
pub struct ApiCtx {
    pub actor: Actor,
    pub origin: RequestOrigin,
    pub lang: Lang,
}

impl ApiCtx {
    pub fn caller(&self) -> Caller<'_> {
        Caller::user(&self.actor, &self.origin)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for ApiCtx {
    type Rejection = Failure;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let rs = parts
            .extensions
            .get::<RequestState>()
            .ok_or_else(|| Failure(AppError::internal("request state missing")))?;
        let code = if matches!(rs.auth, crate::request::Auth::Expired) {
            "session_expired"
        } else {
            "unauthenticated"
        };
        let actor = rs
            .actor()
            .cloned()
            .ok_or(Failure(AppError::Unauthenticated { code }))?;
        Ok(ApiCtx {
            actor,
            origin: rs.origin.clone(),
            lang: rs.lang,
        })
    }
}

/// Declares `$name`, an endpoint that runs one command on the record in its path: the JSON body
/// decoded into the command's wire struct, the use case run in one transaction, then the
/// record as `$answer(&state, &api, id)` reads it afterwards. The attributes (doc comment,
/// `#[utoipa::path]`) go on the handler as written.
macro_rules! api_command {
    ($(#[$meta:meta])* $name:ident, $id:ty, $input:ty, $case:path, $answer:ident -> $out:ty) => {
        $(#[$meta])*
        pub(super) async fn $name(
            axum::extract::State(state): axum::extract::State<$crate::AppState>,
            api: $crate::api::ApiCtx,
            axum::extract::Path(id): axum::extract::Path<$id>,
            $crate::api::JsonBody(input): $crate::api::JsonBody<$input>,
        ) -> Result<axum::Json<$out>, $crate::error::Failure> {
            let mut tx = state.db.begin().await?;
            $case(&mut tx, &api.caller(), id, &input).await?;
            tx.commit().await?;
            Ok(axum::Json($answer(&state, &api, id).await?))
        }
    };
}
pub(crate) use api_command;

/// Declares `$name`, one page of a list of `$item` as the API answers it, built with `of` from
/// the use case's items, their total and the page asked for.
macro_rules! list_dto {
    ($name:ident, $item:ident) => {
        #[derive(Debug, serde::Serialize, utoipa::ToSchema)]
        pub struct $name {
            pub items: Vec<$item>,
            pub total: i64,
            pub page: i64,
            pub per_page: i64,
        }

        impl $name {
            fn of<T>(items: Vec<T>, total: i64, page: ingot_store::Page) -> Self
            where
                $item: From<T>,
            {
                $name {
                    items: items.into_iter().map(Into::into).collect(),
                    total,
                    page: page.number,
                    per_page: page.size,
                }
            }
        }
    };
}
pub(crate) use list_dto;

/// Declares `$name`, an endpoint that makes a new record under the one in its path: the JSON body
/// decoded into the command's wire struct, the use case run in one transaction, and 201 with the
/// new record as `$dto`.
macro_rules! api_create {
    ($(#[$meta:meta])* $name:ident, $id:ty, $input:ty, $case:path, $dto:ty) => {
        $(#[$meta])*
        pub(super) async fn $name(
            axum::extract::State(state): axum::extract::State<$crate::AppState>,
            api: $crate::api::ApiCtx,
            axum::extract::Path(id): axum::extract::Path<$id>,
            $crate::api::JsonBody(input): $crate::api::JsonBody<$input>,
        ) -> Result<axum::response::Response, $crate::error::Failure> {
            use axum::response::IntoResponse;
            let mut tx = state.db.begin().await?;
            let made = $case(&mut tx, &api.caller(), id, &input).await?;
            tx.commit().await?;
            Ok((axum::http::StatusCode::CREATED, axum::Json(<$dto>::from(made))).into_response())
        }
    };
}
pub(crate) use api_create;

/// A JSON body whose problems (malformed JSON, wrong types, missing fields) come back as
/// ordinary validation errors naming the problem.
pub struct JsonBody<T>(pub T);

impl<T: serde::de::DeserializeOwned, S: Send + Sync> FromRequest<S> for JsonBody<T> {
    type Rejection = Failure;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        // Read as a JSON value first (content type and syntax), refuse a NUL anywhere in it
        // (see `nul`), then decode into the body's type, naming the field that does not fit.
        match Json::<serde_json::Value>::from_request(req, state).await {
            Ok(Json(value)) => {
                if let Some(field) = crate::nul::json_field_with_nul(&value) {
                    let field = if field.is_empty() {
                        "body".into()
                    } else {
                        field
                    };
                    return Err(Failure(AppError::Validation(vec![FieldError::new(
                        field,
                        "invalid_characters",
                    )])));
                }
                decode_command(value).map(JsonBody).map_err(Failure)
            }
            Err(rejection) => {
                let code = match rejection {
                    axum::extract::rejection::JsonRejection::MissingJsonContentType(_) => {
                        "json_content_type_required"
                    }
                    axum::extract::rejection::JsonRejection::JsonSyntaxError(_) => "json_malformed",
                    _ => "json_invalid",
                };
                Err(Failure(AppError::Validation(vec![
                    FieldError::new("body", code).with("detail", rejection.body_text()),
                ])))
            }
        }
    }
}

/// Decodes a command's JSON body: a value of the wrong type is a problem of its own field (by
/// its path, `lines[2].quota`), and a field the command does not have is refused, so that a
/// misspelt field is not silently dropped.
fn decode_command<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> Result<T, AppError> {
    let mut unknown = Vec::new();
    let mut track = serde_path_to_error::Track::new();
    let tracked = serde_path_to_error::Deserializer::new(value, &mut track);
    let decoded: Result<T, _> =
        serde_ignored::deserialize(tracked, |path| unknown.push(field_name(&path)));
    match decoded {
        Ok(_) if !unknown.is_empty() => Err(AppError::Validation(
            unknown
                .into_iter()
                .map(|field| FieldError::new(field, "unknown_field"))
                .collect(),
        )),
        Ok(command) => Ok(command),
        Err(e) => Err(AppError::Validation(vec![crate::forms::decoding_problem(
            track,
            "json_invalid",
            &e,
        )])),
    }
}

/// A field's path written as serde_path_to_error writes it: `lines[0].extra`.
fn field_name(path: &serde_ignored::Path<'_>) -> String {
    use serde_ignored::Path;
    match path {
        Path::Root => String::new(),
        Path::Seq { parent, index } => format!("{}[{index}]", field_name(parent)),
        Path::Map { parent, key } => match field_name(parent) {
            outer if outer.is_empty() => key.clone(),
            outer => format!("{outer}.{key}"),
        },
        Path::Some { parent }
        | Path::NewtypeStruct { parent }
        | Path::NewtypeVariant { parent } => field_name(parent),
    }
}

/// The language `Accept-Language` asks for (Chinese when it names neither), for what answers
/// without credentials.
pub(crate) fn accept_language(headers: &axum::http::HeaderMap) -> ingot_domain::Lang {
    headers
        .get(axum::http::header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(ingot_domain::Lang::from_accept_language)
        .unwrap_or_default()
}

#[cfg(test)]
mod decoding {
    use super::decode_command;
    use ingot_domain::AppError;
    use serde_json::json;

    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Quota {
        unit: String,
        quota: i64,
    }

    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Command {
        year: i64,
        #[serde(default)]
        lines: Vec<Quota>,
    }

    fn problems(value: serde_json::Value) -> Vec<(String, &'static str)> {
        match decode_command::<Command>(value) {
            Err(AppError::Validation(errors)) => {
                errors.into_iter().map(|e| (e.field, e.code)).collect()
            }
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn a_string_for_a_number_names_its_field() {
        assert_eq!(
            problems(json!({ "year": "2024" })),
            [("year".to_string(), "wrong_type")]
        );
        assert_eq!(
            problems(
                json!({ "year": 2024, "lines": [{ "unit": "A", "quota": 1 }, { "unit": "B", "quota": "x" }] })
            ),
            [("lines[1].quota".to_string(), "wrong_type")]
        );
    }

    #[test]
    fn unknown_fields_are_refused_by_name() {
        assert_eq!(
            problems(
                json!({ "year": 2024, "yeer": 2025, "lines": [{ "unit": "A", "quota": 1, "extra": 0 }] })
            ),
            [
                ("lines[0].extra".to_string(), "unknown_field"),
                ("yeer".to_string(), "unknown_field")
            ]
        );
        assert!(decode_command::<Command>(json!({ "year": 2024 })).is_ok());
    }

    #[test]
    fn a_missing_field_is_required_by_name() {
        assert_eq!(problems(json!({})), [("year".to_string(), "required")]);
        assert_eq!(
            problems(json!({ "year": 2024, "lines": [{ "unit": "A" }] })),
            [("lines[0].quota".to_string(), "required")]
        );
    }

    #[test]
    fn a_body_that_is_not_an_object_is_a_problem_of_the_body() {
        assert_eq!(
            problems(json!("year")),
            [("body".to_string(), "json_invalid")]
        );
    }
}

#[cfg(test)]
mod schema_names {
    use std::collections::BTreeMap;

    /// utoipa names a schema after its type alone: two types of one name in different modules
    /// become one component, and every operation of the other then documents the wrong body
    /// (schemathesis found `/studios/stats` described by the proposals' statistics). Every
    /// type deriving `ToSchema` here needs a name of its own, or `#[schema(as = ...)]`.
    #[test]
    fn every_schema_has_a_name_of_its_own() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = Vec::new();
        let mut stack = vec![dir];
        while let Some(d) = stack.pop() {
            for entry in std::fs::read_dir(d).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    files.push(path);
                }
            }
        }
        let mut seen: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            let lines: Vec<&str> = text.lines().map(str::trim).collect();
            for (i, line) in lines.iter().enumerate() {
                if !(line.starts_with("#[derive(") && line.contains("ToSchema")) {
                    continue;
                }
                let mut renamed = None;
                for next in &lines[i + 1..] {
                    if let Some(rest) = next.strip_prefix("#[schema(as = ") {
                        renamed = Some(rest.trim_end_matches(")]").to_string());
                    } else if next.starts_with("#[") || next.starts_with("///") {
                        continue;
                    } else {
                        let name = next
                            .trim_start_matches("pub ")
                            .trim_start_matches("struct ")
                            .trim_start_matches("enum ")
                            .split(|c: char| !c.is_alphanumeric() && c != '_')
                            .next()
                            .unwrap()
                            .to_string();
                        seen.entry(renamed.unwrap_or(name))
                            .or_default()
                            .push(file.display().to_string());
                        break;
                    }
                }
            }
        }
        let twice: Vec<_> = seen.iter().filter(|(_, f)| f.len() > 1).collect();
        assert!(
            seen.len() > 50,
            "the scan found the schemas: {}",
            seen.len()
        );
        assert!(twice.is_empty(), "schema names used twice: {twice:?}");
    }
}
