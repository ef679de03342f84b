//! The studio registry's pages: the public list with its filters, registering a studio and editing
//! its particulars, the studio's public page, its status, its photos (uploaded and served), and the
//! statistics by level, field and year.

use super::{finish, read_multipart, show_page, store_photos, subtree_orgs};
use crate::AppState;
use crate::ctx::PageCtx;
use crate::error::{Failure, status_of};
use crate::forms::{FormErrors, decode_form, is_form_error};
use crate::pages::filters::unit_path;
use crate::pages::{Pager, done, form_command, list_page, ok, query_url, render};
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use ingot_app::studios as cases;
use ingot_domain::PhotoId;
use ingot_domain::org::{OrgKind, Organisation};
use ingot_domain::policy::{self, Action, Principal};
use ingot_domain::studio::{FocusField, Level, StudioKind, StudioStatus};
use ingot_domain::validate::Validator;
use ingot_domain::{AppError, StudioId};
use ingot_store::studios::{Filter, Studio};
use ingot_store::{Page, Total};

#[derive(serde::Deserialize, Default, Clone)]
#[serde(default)]
pub struct ListQuery {
    pub level: String,
    pub field: String,
    pub unit: String,
    pub year: String,
    pub kind: String,
    pub status: String,
    /// Only studios named at this level (in `year`, when given).
    pub named: String,
    pub q: String,
    pub page: Option<i64>,
}

impl ListQuery {
    async fn filter(&self, state: &AppState) -> Result<Filter, AppError> {
        let mut problems = Validator::new();
        let unit = problems
            .keep_answer(unit_path(state, &self.unit).await)?
            .flatten();
        let year = match self.year.trim() {
            "" => None,
            raw => problems.keep_answer(
                raw.parse::<i64>()
                    .map_err(|_| AppError::field("year", "invalid_year")),
            )?,
        };
        problems.finish()?;
        Ok(Filter {
            level: Level::parse(&self.level),
            unnamed: self.level == "none",
            field: FocusField::parse(&self.field).map(|f| f.as_str().to_string()),
            unit,
            named_year: year,
            named_level: Level::parse(&self.named),
            kind: StudioKind::parse(&self.kind),
            status: StudioStatus::parse(&self.status),
            text: Some(self.q.trim().to_string()).filter(|t| !t.is_empty()),
            person: None,
        })
    }

    /// The same studios as a file in the layout the studios import reads.
    fn export(&self, format: &str) -> String {
        query_url(
            "/api/v1/studios/export",
            &[
                ("level", &self.level),
                ("field", &self.field),
                ("year", &self.year),
                ("kind", &self.kind),
                ("status", &self.status),
                ("named_level", &self.named),
                ("q", &self.q),
                ("format", format),
            ],
        )
    }

    fn url(&self) -> String {
        query_url(
            "/studios",
            &[
                ("level", &self.level),
                ("field", &self.field),
                ("unit", &self.unit),
                ("year", &self.year),
                ("kind", &self.kind),
                ("status", &self.status),
                ("named", &self.named),
                ("q", &self.q),
            ],
        )
    }
}

#[derive(Template)]
#[template(path = "studios/index.html")]
struct IndexPage {
    ctx: PageCtx,
    q: ListQuery,
    items: Vec<Studio>,
    total: Total,
    pager: Pager,
    may_create: bool,
    may_name: bool,
    signed_in: bool,
    errors: FormErrors,
}

crate::pages::results_block!(IndexResults, IndexPage, "studios/index.html");

fn may_anywhere(ctx: &PageCtx, action: Action) -> bool {
    ctx.actor.as_ref().is_some_and(|a| {
        a.grants
            .iter()
            .any(|g| policy::may(Principal::User(a), action, &g.org_path))
    })
}

pub async fn index(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(q): Query<ListQuery>,
) -> Result<Response, Failure> {
    let page = Page::new(q.page, Some(25), 25);
    let (filter, errors) = match q.filter(&state).await {
        Ok(f) => (f, FormErrors::none()),
        Err(e) if is_form_error(&e) => (
            Filter::default(),
            FormErrors::from_error(ctx.catalogs(), ctx.lang, &e),
        ),
        Err(e) => return Err(Failure(e)),
    };
    let mut tx = state.db.read().await?;
    let (items, total) = cases::list(&mut tx, &filter, page).await?;
    drop(tx);
    let pager = Pager::of(&ctx, &q.url(), page, total);
    let view = IndexPage {
        may_create: may_anywhere(&ctx, Action::ManageStudio),
        may_name: may_anywhere(&ctx, Action::ManageNamings),
        signed_in: ctx.actor.is_some(),
        ctx,
        q,
        items,
        total,
        pager,
        errors,
    };
    Ok(list_page(&view.ctx, "studio-results", &view, IndexResults))
}

#[derive(Template)]
#[template(path = "studios/new.html")]
struct NewPage {
    ctx: PageCtx,
    id: Option<StudioId>,
    version: Option<i64>,
    /// The values shown: empty, the studio's, or what was sent with its problems.
    form: cases::StudioInput,
    units: Vec<Organisation>,
    errors: FormErrors,
}

/// Units where the caller may register studios: enterprises and their branches and departments.
async fn studio_units(state: &AppState, ctx: &PageCtx) -> Result<Vec<Organisation>, AppError> {
    let Some(actor) = &ctx.actor else {
        return Ok(Vec::new());
    };
    let mut tx = state.db.read().await?;
    let mut out: Vec<Organisation> = Vec::new();
    for g in &actor.grants {
        if !policy::may(Principal::User(actor), Action::ManageStudio, &g.org_path) {
            continue;
        }
        for o in subtree_orgs(&mut tx, &g.org_path).await? {
            let fits = matches!(
                o.kind,
                OrgKind::Enterprise | OrgKind::Branch | OrgKind::Department
            );
            if fits && !o.is_archived() && !out.iter().any(|x| x.id == o.id) {
                out.push(o);
            }
        }
    }
    Ok(out)
}

pub async fn new_form(State(state): State<AppState>, ctx: PageCtx) -> Result<Response, Failure> {
    ctx.actor()?;
    let units = studio_units(&state, &ctx).await?;
    Ok(ok(&NewPage {
        ctx,
        id: None,
        version: None,
        form: cases::StudioInput::default(),
        units,
        errors: FormErrors::none(),
    }))
}

pub async fn create(
    State(state): State<AppState>,
    ctx: PageCtx,
    body: Bytes,
) -> Result<Response, Failure> {
    let input = decode_form::<cases::StudioInput>(&body);
    let result = crate::pages::in_tx(&state, &ctx, async |tx, caller| {
        cases::create(tx, caller, input.as_ref().map_err(Clone::clone)?).await
    })
    .await;
    match result {
        Ok(id) => Ok(done(&format!("/studios/{id}"), "studio_created")),
        Err(e) if is_form_error(&e) => {
            let errors = FormErrors::from_error(ctx.catalogs(), ctx.lang, &e);
            let units = studio_units(&state, &ctx).await?;
            Ok(render(
                status_of(&e),
                &NewPage {
                    ctx,
                    id: None,
                    version: None,
                    form: input.unwrap_or_default(),
                    units,
                    errors,
                },
            ))
        }
        Err(e) => Err(Failure(e)),
    }
}

pub async fn edit_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<StudioId>,
) -> Result<Response, Failure> {
    let caller = ctx.caller()?;
    let mut tx = state.db.read().await?;
    let d = cases::detail(&mut tx, Some(&caller), id, ctx.origin.utc_offset_ms).await?;
    drop(tx);
    if !d.access.manage {
        return Err(Failure(AppError::forbidden()));
    }
    let s = &d.studio;
    let form = cases::StudioInput {
        name: s.name.clone(),
        kind: s.kind.as_str().to_string(),
        founded_on: s.founded_on.to_string(),
        address: s.address.clone(),
        description: s.description.clone(),
        fields: d.fields.clone(),
        ..Default::default()
    };
    let version = Some(s.version);
    Ok(ok(&NewPage {
        ctx,
        id: Some(id),
        version,
        form,
        units: Vec::new(),
        errors: FormErrors::none(),
    }))
}

pub async fn update(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<StudioId>,
    body: Bytes,
) -> Result<Response, Failure> {
    let input = decode_form::<cases::StudioChange>(&body);
    let r = crate::pages::in_tx(&state, &ctx, async |tx, c| {
        cases::update(tx, c, id, input.as_ref().map_err(Clone::clone)?).await
    })
    .await;
    match r {
        Ok(()) => Ok(done(&format!("/studios/{id}"), "studio_updated")),
        Err(e) if is_form_error(&e) => {
            let errors = FormErrors::from_error(ctx.catalogs(), ctx.lang, &e);
            Ok(render(
                status_of(&e),
                &NewPage {
                    ctx,
                    id: Some(id),
                    version: input.as_ref().ok().and_then(|c| c.version),
                    form: input.map(cases::StudioInput::from).unwrap_or_default(),
                    units: Vec::new(),
                    errors,
                },
            ))
        }
        Err(e) => Err(Failure(e)),
    }
}

pub async fn show(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<StudioId>,
) -> Result<Response, Failure> {
    show_page(&state, ctx, id, FormErrors::none(), StatusCode::OK).await
}

form_command!(
    set_status,
    StudioId,
    cases::StatusInput,
    cases::set_status,
    "studio_status_changed"
);

pub async fn add_photo(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<StudioId>,
    mp: Multipart,
) -> Result<Response, Failure> {
    let r = async {
        let caller = ctx.caller().map_err(|f| f.0)?;
        {
            let mut tx = state.db.read().await?;
            let d = cases::detail(&mut tx, Some(&caller), id, ctx.origin.utc_offset_ms).await?;
            if !d.access.manage {
                return Err(AppError::forbidden());
            }
        }
        let (serde::de::IgnoredAny, files) = read_multipart(mp).await?;
        if files.is_empty() {
            return Err(AppError::field("file", "file_missing"));
        }
        let stored = store_photos(&state, files).await?;
        let mut tx = state.db.begin().await?;
        for f in &stored {
            cases::add_photo(&mut tx, &caller, id, f).await?;
        }
        tx.commit().await?;
        Ok(())
    }
    .await;
    finish(&state, ctx, id, r, "photo_added").await
}

/// A studio photo, public like the studio's page; served with its checked type, never sniffed.
pub async fn photo(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<PhotoId>,
) -> Result<Response, Failure> {
    let caller = ctx
        .actor
        .as_ref()
        .map(|a| ingot_app::Caller::user(a, &ctx.origin));
    let p = {
        let mut tx = state.db.read().await?;
        cases::photo(&mut tx, caller.as_ref(), id).await?
    };
    let bytes = state.files.get(&p.sha256).await?;
    Ok((
        [
            (header::CONTENT_TYPE, p.content_type.clone()),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
            (header::CACHE_CONTROL, "public, max-age=86400".to_string()),
        ],
        bytes,
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "studios/stats.html")]
struct StatsPage {
    ctx: PageCtx,
    s: cases::Stats,
}

pub async fn stats(State(state): State<AppState>, ctx: PageCtx) -> Result<Response, Failure> {
    let caller = ctx.caller()?;
    let mut tx = state.db.read().await?;
    let s = cases::stats(&mut tx, &caller).await?;
    drop(tx);
    Ok(ok(&StatsPage { ctx, s }))
}
