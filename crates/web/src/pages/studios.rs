//! Innovation studios: the public registry and each studio's public page with its history;
//! for those who run them, the forms on that page (members, honours, outputs, photos, funding,
//! assessment, status), naming calls, applications with the on-site review (made for a phone)
//! and the decision, statistics, and alliances.

use super::{Pager, done, ok, query_url, render};
use crate::AppState;
use crate::ctx::PageCtx;
use crate::error::{Failure, status_of};
use crate::forms::{FormErrors, is_form_error};
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use ingot_app::studios::{self as cases, ApplicationDetail, CallDetail, StoredFile, StudioDetail};
use ingot_domain::org::{OrgKind, Organisation};
use ingot_domain::policy::{self, Action, Principal};
use ingot_domain::studio::{
    ChecklistItem, FocusField, Level, OutputKind, PatentStage, PatentType, SpendCategory,
    StudioKind, StudioStatus,
};
use ingot_domain::{AppError, ApplicationId, CallId, OrgId, StudioId};
use ingot_store::Page;
use ingot_store::studios::{Call, Filter, Studio};

/// A submitted form as name/value pairs, repeated names kept (checkbox groups).
#[derive(Debug, Default, Clone)]
pub struct FormMap(Vec<(String, String)>);

impl FormMap {
    pub fn parse(body: &[u8]) -> Self {
        let text = String::from_utf8_lossy(body);
        FormMap(
            text.split('&')
                .filter(|p| !p.is_empty())
                .map(|pair| {
                    let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
                    (crate::forms::decode(k), crate::forms::decode(v))
                })
                .collect(),
        )
    }

    pub fn get(&self, key: &str) -> String {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    pub fn all(&self, key: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .collect()
    }

    pub fn id(&self, key: &str) -> Option<i64> {
        self.get(key).trim().parse().ok()
    }

    pub fn flag(&self, key: &str) -> bool {
        matches!(self.get(key).as_str(), "1" | "true" | "on" | "yes")
    }
}

/// One step of a studio's history, described in the reader's language.
pub struct EventView {
    pub date: String,
    pub kind: String,
    pub text: String,
    pub public: bool,
}

fn describe(ctx: &PageCtx, kind: &str, detail: &str) -> String {
    let d: serde_json::Value = serde_json::from_str(detail).unwrap_or_default();
    let s = |k: &str| d.get(k).and_then(|v| v.as_str()).unwrap_or("").to_string();
    let n = |k: &str| d.get(k).and_then(serde_json::Value::as_i64).unwrap_or(0);
    let level = ctx.code_name("level", &s("level"));
    let text = ctx.code_name("sevent", kind);
    let extra = match kind {
        "founded" => s("lead"),
        "member_joined" | "member_left" => s("name"),
        "applied" | "rejected" => format!("{} · {}", s("org"), level),
        "site_reviewed" => format!("{} · {} · {}", s("org"), level, n("score")),
        "named" => format!("{} · {} · {}", level, s("org"), s("notice")),
        "funding_granted" => format!("{} · ¥{}", s("org"), ctx.money(&n("cents"))),
        "assessed" => format!(
            "{} · {} · {} · {} {}",
            s("org"),
            level,
            s("period"),
            ctx.code_name("result", &s("result")),
            n("total")
        ),
        "title_lost" => format!("{} · {} · {}", level, s("org"), s("notice")),
        "revoked" | "suspended" | "reactivated" => s("reason"),
        "joined_alliance" => s("alliance"),
        _ => String::new(),
    };
    if extra.is_empty() {
        text
    } else {
        format!("{text}: {extra}")
    }
}

// --- The registry -------------------------------------------------------------------------------

#[derive(serde::Deserialize, Default, Clone)]
#[serde(default)]
pub struct ListQuery {
    pub level: String,
    pub field: String,
    pub unit: String,
    pub year: String,
    pub kind: String,
    pub status: String,
    pub q: String,
    pub page: Option<i64>,
}

impl ListQuery {
    async fn filter(&self, state: &AppState) -> Result<Filter, AppError> {
        let unit = match self.unit.trim() {
            "" => None,
            raw => {
                let id: i64 = raw
                    .parse()
                    .map_err(|_| AppError::field("unit", "unknown_org"))?;
                let mut tx = state.db.read().await?;
                let org = ingot_store::orgs::get(&mut tx, OrgId(id))
                    .await?
                    .ok_or_else(|| AppError::field("unit", "unknown_org"))?;
                Some(org.path)
            }
        };
        let year = match self.year.trim() {
            "" => None,
            raw => Some(
                raw.parse::<i64>()
                    .map_err(|_| AppError::field("year", "invalid_year"))?,
            ),
        };
        Ok(Filter {
            level: Level::parse(&self.level),
            unnamed: self.level == "none",
            field: FocusField::parse(&self.field).map(|f| f.as_str().to_string()),
            unit,
            named_year: year,
            kind: StudioKind::parse(&self.kind),
            status: StudioStatus::parse(&self.status),
            text: Some(self.q.trim().to_string()).filter(|t| !t.is_empty()),
            person: None,
        })
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
    total: i64,
    pager: Pager,
    may_create: bool,
    may_name: bool,
    signed_in: bool,
    errors: FormErrors,
}

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
    let pager = Pager::new(&ctx, &q.url(), page, total);
    Ok(ok(&IndexPage {
        may_create: may_anywhere(&ctx, Action::ManageStudio),
        may_name: may_anywhere(&ctx, Action::ManageNamings),
        signed_in: ctx.actor.is_some(),
        ctx,
        q,
        items,
        total,
        pager,
        errors,
    }))
}

#[derive(Template)]
#[template(path = "studios/new.html")]
struct NewPage {
    ctx: PageCtx,
    id: Option<i64>,
    version: Option<i64>,
    form: FormMap,
    units: Vec<Organisation>,
    errors: FormErrors,
}

/// The live organisations of a subtree (at most 500, in tree order), for choosing one.
async fn subtree_orgs(
    tx: &mut ingot_store::Tx,
    path: &ingot_domain::OrgPath,
) -> Result<Vec<Organisation>, AppError> {
    let filter = ingot_store::orgs::OrgFilter {
        within: Some(ingot_domain::OrgScope::of([path.clone()])),
        ..Default::default()
    };
    Ok(
        ingot_store::orgs::list(tx, &filter, Page::new(Some(1), Some(500), 500))
            .await?
            .0,
    )
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
        form: FormMap::default(),
        units,
        errors: FormErrors::none(),
    }))
}

pub async fn create(
    State(state): State<AppState>,
    ctx: PageCtx,
    body: Bytes,
) -> Result<Response, Failure> {
    let form = FormMap::parse(&body);
    let input = cases::StudioInput {
        unit_id: form.id("unit_id").map(OrgId),
        lead: form.get("lead"),
        kind: form.get("kind"),
        name: form.get("name"),
        founded_on: form.get("founded_on"),
        address: form.get("address"),
        description: form.get("description"),
        fields: form.all("fields"),
    };
    let result = super::in_tx(&state, &ctx, async |tx, caller| {
        cases::create(tx, caller, &input).await
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
                    form,
                    units,
                    errors,
                },
            ))
        }
        Err(e) => Err(Failure(e)),
    }
}

fn studio_input(form: &FormMap) -> cases::StudioInput {
    cases::StudioInput {
        unit_id: form.id("unit_id").map(OrgId),
        lead: form.get("lead"),
        kind: form.get("kind"),
        name: form.get("name"),
        founded_on: form.get("founded_on"),
        address: form.get("address"),
        description: form.get("description"),
        fields: form.all("fields"),
    }
}

pub async fn edit_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<i64>,
) -> Result<Response, Failure> {
    let caller = ctx.caller()?;
    let mut tx = state.db.read().await?;
    let d = cases::detail(&mut tx, Some(&caller), StudioId(id)).await?;
    drop(tx);
    if !d.access.manage {
        return Err(Failure(AppError::forbidden()));
    }
    let s = &d.studio;
    let mut pairs = vec![
        ("name".to_string(), s.name.clone()),
        ("kind".to_string(), s.kind.as_str().to_string()),
        ("founded_on".to_string(), ctx.day(&s.founded_on)),
        ("address".to_string(), s.address.clone()),
        ("description".to_string(), s.description.clone()),
    ];
    pairs.extend(d.fields.iter().map(|f| ("fields".to_string(), f.clone())));
    let version = Some(s.version);
    Ok(ok(&NewPage {
        ctx,
        id: Some(id),
        version,
        form: FormMap(pairs),
        units: Vec::new(),
        errors: FormErrors::none(),
    }))
}

pub async fn update(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Response, Failure> {
    let form = FormMap::parse(&body);
    let input = studio_input(&form);
    let version = form.id("version");
    let r = super::in_tx(&state, &ctx, async |tx, c| {
        cases::update(tx, c, StudioId(id), version, &input).await
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
                    version,
                    form,
                    units: Vec::new(),
                    errors,
                },
            ))
        }
        Err(e) => Err(Failure(e)),
    }
}

// --- A studio's page ----------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "studios/show.html")]
struct ShowPage {
    ctx: PageCtx,
    d: StudioDetail,
    events: Vec<EventView>,
    open_calls: Vec<Call>,
    assess_form: Option<(ingot_store::studios::Naming, Vec<cases::ScoreRow>)>,
    namer_orgs: Vec<Organisation>,
    today: String,
    errors: FormErrors,
    output_kinds: &'static [OutputKind],
    patent_types: &'static [PatentType],
    patent_stages: &'static [PatentStage],
    spend_categories: &'static [SpendCategory],
    levels: &'static [Level],
}

impl ShowPage {
    fn current_members(&self) -> usize {
        self.d
            .members
            .iter()
            .filter(|m| m.left_on.is_none())
            .count()
    }
}

/// Organisations (federations and enterprise unions) where the caller runs namings.
fn naming_orgs(ctx: &PageCtx, orgs: Vec<Organisation>) -> Vec<Organisation> {
    let Some(actor) = &ctx.actor else {
        return Vec::new();
    };
    orgs.into_iter()
        .filter(|o| Level::of_org(o.kind).is_some())
        .filter(|o| policy::may(Principal::User(actor), Action::ManageNamings, &o.path))
        .collect()
}

async fn show_page(
    state: &AppState,
    ctx: PageCtx,
    id: StudioId,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response, Failure> {
    let caller = ctx
        .actor
        .as_ref()
        .map(|a| ingot_app::Caller::user(a, &ctx.origin));
    let mut tx = state.db.read().await?;
    let d = cases::detail(&mut tx, caller.as_ref(), id).await?;
    let today =
        ingot_domain::time::Date::of(ingot_domain::Timestamp::now(), ctx.origin.utc_offset_ms);
    let mut open_calls = Vec::new();
    if d.access.manage {
        for c in cases::calls(&mut tx).await? {
            let path = ingot_domain::OrgPath::from_stored(c.org_path.clone());
            if c.deadline >= today.number() && d.studio.unit_path.is_within(&path) {
                open_calls.push(c);
            }
        }
    }
    let assess_form = match &caller {
        Some(c) if d.access.assess => cases::assessment_form(&mut tx, c, id)
            .await?
            .map(|(n, _, rows)| (n, rows)),
        _ => None,
    };
    let namer_orgs = if ctx.actor.is_some() {
        let chain = ingot_store::orgs::ancestors(&mut tx, &d.studio.unit_path).await?;
        naming_orgs(&ctx, chain)
    } else {
        Vec::new()
    };
    drop(tx);
    let events = d
        .events
        .iter()
        .map(|e| EventView {
            date: ctx.day(&e.on_date),
            kind: e.kind.clone(),
            text: describe(&ctx, &e.kind, &e.detail),
            public: e.public,
        })
        .collect();
    let _ = caller;
    Ok(render(
        status,
        &ShowPage {
            ctx,
            d,
            events,
            open_calls,
            assess_form,
            namer_orgs,
            today: today.to_string(),
            errors,
            output_kinds: OutputKind::ALL,
            patent_types: PatentType::ALL,
            patent_stages: PatentStage::ALL,
            spend_categories: SpendCategory::ALL,
            levels: Level::ALL,
        },
    ))
}

pub async fn show(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<i64>,
) -> Result<Response, Failure> {
    show_page(
        &state,
        ctx,
        StudioId(id),
        FormErrors::none(),
        StatusCode::OK,
    )
    .await
}

/// Redirects to the studio on success; shows its page again with the problem otherwise.
async fn finish<T>(
    state: &AppState,
    ctx: PageCtx,
    id: StudioId,
    result: Result<T, AppError>,
    flash: &'static str,
) -> Result<Response, Failure> {
    match result {
        Ok(_) => Ok(done(&format!("/studios/{id}"), flash)),
        Err(e) if is_form_error(&e) => {
            let errors = FormErrors::from_error(ctx.catalogs(), ctx.lang, &e);
            show_page(state, ctx, id, errors, status_of(&e)).await
        }
        Err(e) => Err(Failure(e)),
    }
}

pub async fn add_member(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Response, Failure> {
    let f = FormMap::parse(&body);
    let input = cases::MemberInput {
        username: f.get("username"),
        joined_on: f.get("joined_on"),
    };
    let id = StudioId(id);
    let r = super::in_tx(&state, &ctx, async |tx, c| {
        cases::add_member(tx, c, id, &input).await
    })
    .await;
    finish(&state, ctx, id, r, "studio_member_added").await
}

pub async fn member_leaves(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path((id, member)): Path<(i64, i64)>,
    body: Bytes,
) -> Result<Response, Failure> {
    let f = FormMap::parse(&body);
    let id = StudioId(id);
    let left = f.get("left_on");
    let r = super::in_tx(&state, &ctx, async |tx, c| {
        cases::member_leaves(tx, c, id, member, &left).await
    })
    .await;
    finish(&state, ctx, id, r, "studio_member_left").await
}

pub async fn add_honour(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Response, Failure> {
    let f = FormMap::parse(&body);
    let input = cases::HonourInput {
        username: f.get("username"),
        title: f.get("title"),
        awarded_by: f.get("awarded_by"),
        level: f.get("level"),
        year: f.get("year"),
    };
    let id = StudioId(id);
    let r = super::in_tx(&state, &ctx, async |tx, c| {
        cases::add_honour(tx, c, id, &input).await
    })
    .await;
    finish(&state, ctx, id, r, "honour_added").await
}

fn output_input(f: &FormMap) -> cases::OutputInput {
    cases::OutputInput {
        kind: f.get("kind"),
        title: f.get("title"),
        on_date: f.get("on_date"),
        count: f.get("count"),
        amount: f.get("amount"),
        patent_type: f.get("patent_type"),
        patent_stage: f.get("patent_stage"),
        proposal_id: f.get("proposal_id"),
    }
}

pub async fn add_output(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Response, Failure> {
    let input = output_input(&FormMap::parse(&body));
    let id = StudioId(id);
    let r = super::in_tx(&state, &ctx, async |tx, c| {
        cases::add_output(tx, c, id, &input).await
    })
    .await;
    finish(&state, ctx, id, r, "output_added").await
}

pub async fn set_status(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Response, Failure> {
    let f = FormMap::parse(&body);
    let input = cases::StatusInput {
        status: f.get("status"),
        reason: f.get("reason"),
        on_date: f.get("on_date"),
    };
    let id = StudioId(id);
    let r = super::in_tx(&state, &ctx, async |tx, c| {
        cases::set_status(tx, c, id, &input).await
    })
    .await;
    finish(&state, ctx, id, r, "studio_status_changed").await
}

pub async fn record_naming(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Response, Failure> {
    let f = FormMap::parse(&body);
    let input = cases::RecordNamingInput {
        org_id: f.id("org_id").map(OrgId),
        notice_number: f.get("notice_number"),
        notice_date: f.get("notice_date"),
        notice_title: f.get("notice_title"),
        funding: f.get("funding"),
    };
    let id = StudioId(id);
    let r = super::in_tx(&state, &ctx, async |tx, c| {
        cases::record_naming(tx, c, id, &input).await
    })
    .await;
    finish(&state, ctx, id, r, "studio_named").await
}

pub async fn assess(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Response, Failure> {
    let f = FormMap::parse(&body);
    let scores =
        f.0.iter()
            .filter_map(|(k, v)| k.strip_prefix("score_").map(|c| (c.to_string(), v.clone())))
            .collect();
    let input = cases::AssessInput {
        naming_id: f.id("naming_id"),
        period: f.get("period"),
        assessed_on: f.get("assessed_on"),
        scores,
        assessment_note: f.get("assessment_note"),
    };
    let id = StudioId(id);
    let r = super::in_tx(&state, &ctx, async |tx, c| {
        cases::assess(tx, c, id, &input).await
    })
    .await;
    finish(&state, ctx, id, r, "studio_assessed").await
}

pub async fn funding_entry(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path((id, funding)): Path<(i64, i64)>,
    body: Bytes,
) -> Result<Response, Failure> {
    let f = FormMap::parse(&body);
    let input = cases::EntryInput {
        kind: f.get("kind"),
        category: f.get("category"),
        amount: f.get("amount"),
        on_date: f.get("on_date"),
        entry_note: f.get("entry_note"),
    };
    let id = StudioId(id);
    let r = super::in_tx(&state, &ctx, async |tx, c| {
        let funding_row = ingot_store::studios::get_funding(tx, funding)
            .await?
            .filter(|x| x.studio_id == id.0)
            .ok_or_else(|| AppError::not_found("funding"))?;
        cases::funding_entry(tx, c, funding_row.id, &input).await
    })
    .await;
    finish(&state, ctx, id, r, "funding_recorded").await
}

/// Text fields and image files of a multipart form.
async fn read_multipart(mut mp: Multipart) -> Result<(FormMap, Vec<(String, Vec<u8>)>), AppError> {
    let limit = ingot_app::files::MAX_FILE_BYTES;
    let mut fields = Vec::new();
    let mut files = Vec::new();
    while let Some(mut field) = mp
        .next_field()
        .await
        .map_err(|_| AppError::field("file", "upload_malformed"))?
    {
        let name = field.name().unwrap_or("").to_string();
        if let Some(file_name) = field.file_name().map(str::to_string) {
            let mut bytes = Vec::new();
            while let Some(chunk) = field
                .chunk()
                .await
                .map_err(|_| AppError::field("file", "file_too_large"))?
            {
                if bytes.len() + chunk.len() > limit {
                    return Err(AppError::field("file", "file_too_large"));
                }
                bytes.extend_from_slice(&chunk);
            }
            if !bytes.is_empty() || !file_name.is_empty() {
                files.push((file_name, bytes));
            }
        } else {
            let text = field
                .text()
                .await
                .map_err(|_| AppError::field("file", "upload_malformed"))?;
            fields.push((name, text));
        }
    }
    Ok((FormMap(fields), files))
}

/// Checks every file is an image and puts it in the file store (by hash, so retries are free).
async fn store_photos(
    state: &AppState,
    files: Vec<(String, Vec<u8>)>,
) -> Result<Vec<StoredFile>, AppError> {
    let mut out = Vec::new();
    for (name, bytes) in files {
        let (filename, content_type) = cases::check_photo(&name, &bytes)?;
        let size = bytes.len() as i64;
        let sha256 = state.files.put(bytes).await?;
        out.push(StoredFile {
            sha256,
            size,
            content_type,
            filename,
        });
    }
    Ok(out)
}

pub async fn add_photo(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<i64>,
    mp: Multipart,
) -> Result<Response, Failure> {
    let id = StudioId(id);
    let r = async {
        let caller = ctx.caller().map_err(|f| f.0)?;
        {
            let mut tx = state.db.read().await?;
            let d = cases::detail(&mut tx, Some(&caller), id).await?;
            if !d.access.manage {
                return Err(AppError::forbidden());
            }
        }
        let (_, files) = read_multipart(mp).await?;
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
    Path(id): Path<i64>,
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

// --- Calls and applications ---------------------------------------------------------------------

#[derive(Template)]
#[template(path = "studios/calls.html")]
struct CallsPage {
    ctx: PageCtx,
    calls: Vec<Call>,
    orgs: Vec<Organisation>,
    form: FormMap,
    errors: FormErrors,
    levels: &'static [Level],
}

async fn calls_page(
    state: &AppState,
    ctx: PageCtx,
    form: FormMap,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response, Failure> {
    let mut tx = state.db.read().await?;
    let calls = cases::calls(&mut tx).await?;
    let mut candidates = Vec::new();
    if let Some(actor) = &ctx.actor {
        for g in &actor.grants {
            for o in subtree_orgs(&mut tx, &g.org_path).await? {
                if !candidates.iter().any(|x: &Organisation| x.id == o.id) {
                    candidates.push(o);
                }
            }
        }
    }
    drop(tx);
    let orgs = naming_orgs(&ctx, candidates);
    Ok(render(
        status,
        &CallsPage {
            ctx,
            calls,
            orgs,
            form,
            errors,
            levels: Level::ALL,
        },
    ))
}

pub async fn calls(State(state): State<AppState>, ctx: PageCtx) -> Result<Response, Failure> {
    calls_page(
        &state,
        ctx,
        FormMap::default(),
        FormErrors::none(),
        StatusCode::OK,
    )
    .await
}

pub async fn create_call(
    State(state): State<AppState>,
    ctx: PageCtx,
    body: Bytes,
) -> Result<Response, Failure> {
    let form = FormMap::parse(&body);
    let input = cases::CallInput {
        org_id: form.id("org_id").map(OrgId),
        title: form.get("title"),
        rules: form.get("rules"),
        deadline: form.get("deadline"),
        min_honour: form.get("min_honour"),
    };
    let r = super::in_tx(&state, &ctx, async |tx, c| {
        cases::create_call(tx, c, &input).await
    })
    .await;
    match r {
        Ok(id) => Ok(done(&format!("/studios/calls/{id}"), "call_created")),
        Err(e) if is_form_error(&e) => {
            let errors = FormErrors::from_error(ctx.catalogs(), ctx.lang, &e);
            calls_page(&state, ctx, form, errors, status_of(&e)).await
        }
        Err(e) => Err(Failure(e)),
    }
}

#[derive(Template)]
#[template(path = "studios/call.html")]
struct CallPage {
    ctx: PageCtx,
    d: CallDetail,
    mine: Vec<Studio>,
    errors: FormErrors,
}

async fn call_page(
    state: &AppState,
    ctx: PageCtx,
    id: CallId,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response, Failure> {
    let caller = ctx
        .actor
        .as_ref()
        .map(|a| ingot_app::Caller::user(a, &ctx.origin));
    let mut tx = state.db.read().await?;
    let d = cases::call_detail(&mut tx, caller.as_ref(), id).await?;
    let mine = match &caller {
        Some(c) => cases::manageable(&mut tx, c)
            .await?
            .into_iter()
            .filter(|s| s.unit_path.is_within(&d.org.path))
            .collect(),
        None => Vec::new(),
    };
    drop(tx);
    let _ = caller;
    Ok(render(
        status,
        &CallPage {
            ctx,
            d,
            mine,
            errors,
        },
    ))
}

pub async fn call(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<i64>,
) -> Result<Response, Failure> {
    call_page(&state, ctx, CallId(id), FormErrors::none(), StatusCode::OK).await
}

pub async fn apply(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Response, Failure> {
    let f = FormMap::parse(&body);
    let input = cases::ApplyInput {
        studio_id: f.id("studio_id").map(StudioId),
        statement: f.get("statement"),
    };
    let call_id = CallId(id);
    let r = super::in_tx(&state, &ctx, async |tx, c| {
        cases::apply(tx, c, call_id, &input).await
    })
    .await;
    match r {
        Ok(app) => Ok(done(
            &format!("/studios/applications/{app}"),
            "application_submitted",
        )),
        Err(e) if is_form_error(&e) => {
            let errors = FormErrors::from_error(ctx.catalogs(), ctx.lang, &e);
            call_page(&state, ctx, call_id, errors, status_of(&e)).await
        }
        Err(e) => Err(Failure(e)),
    }
}

#[derive(Template)]
#[template(path = "studios/application.html")]
struct ApplicationPage {
    ctx: PageCtx,
    d: ApplicationDetail,
    form: FormMap,
    today: String,
    errors: FormErrors,
}

impl ApplicationPage {
    fn snap(&self, key: &str) -> String {
        match self.d.snapshot.get(key) {
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(serde_json::Value::Null) | None => String::new(),
            Some(v) => v.to_string(),
        }
    }

    fn snap_list(&self, key: &str) -> Vec<String> {
        self.d
            .snapshot
            .get(key)
            .and_then(|v| v.as_array())
            .map(|a| {
                a.iter()
                    .map(|x| match x {
                        serde_json::Value::String(s) => s.clone(),
                        other => other.to_string(),
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    fn honours(&self) -> Vec<String> {
        self.d
            .snapshot
            .get("lead_honours")
            .and_then(|v| v.as_array())
            .map(|a| {
                a.iter()
                    .map(|h| {
                        let s = |k: &str| {
                            h.get(k)
                                .filter(|v| !v.is_null())
                                .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string))
                                .unwrap_or_default()
                        };
                        let parts: Vec<String> = [
                            s("body"),
                            s("year"),
                            self.ctx.code_name("level", &s("level")),
                        ]
                        .into_iter()
                        .filter(|p| !p.is_empty())
                        .collect();
                        format!("{} ({})", s("title"), parts.join(", "))
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    fn signed_at(&self, at: &i64) -> String {
        self.ctx.datetime(&ingot_domain::Timestamp(*at))
    }

    fn output(&self, key: &str) -> i64 {
        self.d
            .snapshot
            .get("outputs")
            .and_then(|o| o.get(key))
            .and_then(serde_json::Value::as_i64)
            .unwrap_or(0)
    }

    fn checked(&self, item: &ChecklistItem) -> bool {
        match &self.d.review {
            Some(r) => r.checklist.contains(&format!("\"{}\"", item.as_str())),
            None => self
                .form
                .all("checklist")
                .iter()
                .any(|c| c == item.as_str()),
        }
    }
}

async fn application_page(
    state: &AppState,
    ctx: PageCtx,
    id: ApplicationId,
    form: FormMap,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response, Failure> {
    let caller = ctx.caller()?;
    let mut tx = state.db.read().await?;
    let d = cases::application_detail(&mut tx, &caller, id).await?;
    drop(tx);
    let today =
        ingot_domain::time::Date::of(ingot_domain::Timestamp::now(), ctx.origin.utc_offset_ms)
            .to_string();
    Ok(render(
        status,
        &ApplicationPage {
            ctx,
            d,
            form,
            today,
            errors,
        },
    ))
}

pub async fn application(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<i64>,
) -> Result<Response, Failure> {
    application_page(
        &state,
        ctx,
        ApplicationId(id),
        FormMap::default(),
        FormErrors::none(),
        StatusCode::OK,
    )
    .await
}

pub async fn review(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<i64>,
    mp: Multipart,
) -> Result<Response, Failure> {
    let id = ApplicationId(id);
    let (form, files) = match read_multipart(mp).await {
        Ok(x) => x,
        Err(e) => {
            let errors = FormErrors::from_error(ctx.catalogs(), ctx.lang, &e);
            return application_page(&state, ctx, id, FormMap::default(), errors, status_of(&e))
                .await;
        }
    };
    let input = cases::ReviewInput {
        visited_on: form.get("visited_on"),
        checklist: form.all("checklist"),
        score: form.get("score"),
        comments: form.get("comments"),
        signature: form.get("signature"),
        confirm: form.flag("confirm"),
        version: form.id("version"),
    };
    let r = async {
        let stored = store_photos(&state, files).await?;
        super::in_tx(&state, &ctx, async |tx, c| {
            cases::review(tx, c, id, &input, &stored).await
        })
        .await
    }
    .await;
    match r {
        Ok(_) => Ok(done(
            &format!("/studios/applications/{id}"),
            "site_review_recorded",
        )),
        Err(e) if is_form_error(&e) => {
            let errors = FormErrors::from_error(ctx.catalogs(), ctx.lang, &e);
            application_page(&state, ctx, id, form, errors, status_of(&e)).await
        }
        Err(e) => Err(Failure(e)),
    }
}

pub async fn decide(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Response, Failure> {
    let form = FormMap::parse(&body);
    let id = ApplicationId(id);
    let input = cases::DecisionInput {
        outcome: form.get("outcome"),
        notice_number: form.get("notice_number"),
        notice_date: form.get("notice_date"),
        notice_title: form.get("notice_title"),
        funding: form.get("funding"),
        decision_note: form.get("decision_note"),
        version: form.id("version"),
    };
    let r = super::in_tx(&state, &ctx, async |tx, c| {
        cases::decide(tx, c, id, &input).await
    })
    .await;
    match r {
        Ok(()) => Ok(done(
            &format!("/studios/applications/{id}"),
            "application_decided",
        )),
        Err(e) if is_form_error(&e) => {
            let errors = FormErrors::from_error(ctx.catalogs(), ctx.lang, &e);
            application_page(&state, ctx, id, form, errors, status_of(&e)).await
        }
        Err(e) => Err(Failure(e)),
    }
}

// --- Statistics and alliances -------------------------------------------------------------------

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

#[derive(Template)]
#[template(path = "studios/alliance.html")]
struct AlliancePage {
    ctx: PageCtx,
    a: ingot_store::studios::Alliance,
    members: Vec<(i64, String, i64)>,
}

pub async fn alliance(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<i64>,
) -> Result<Response, Failure> {
    let mut tx = state.db.read().await?;
    let (a, members) = cases::alliance(&mut tx, id).await?;
    drop(tx);
    Ok(ok(&AlliancePage { ctx, a, members }))
}

// --- Assessment standards -----------------------------------------------------------------------

#[derive(Template)]
#[template(path = "studios/standard.html")]
struct StandardPage {
    ctx: PageCtx,
    orgs: Vec<Organisation>,
    org: Option<Organisation>,
    standard: ingot_domain::studio::Standard,
    errors: FormErrors,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct StandardQuery {
    pub org: Option<i64>,
}

async fn standard_page(
    state: &AppState,
    ctx: PageCtx,
    org: Option<i64>,
    shown: Option<ingot_domain::studio::Standard>,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response, Failure> {
    let actor = ctx.actor()?.clone();
    let mut tx = state.db.read().await?;
    let mut candidates = Vec::new();
    for g in &actor.grants {
        for o in subtree_orgs(&mut tx, &g.org_path).await? {
            if !candidates.iter().any(|x: &Organisation| x.id == o.id) {
                candidates.push(o);
            }
        }
    }
    let orgs = naming_orgs(&ctx, candidates);
    let org = match org {
        Some(id) => orgs.iter().find(|o| o.id.0 == id).cloned(),
        None => orgs.first().cloned(),
    };
    let standard = match (&shown, &org) {
        (Some(s), _) => s.clone(),
        (None, Some(o)) => cases::standard_of(&mut tx, o.id).await?,
        (None, None) => ingot_domain::studio::Standard::default(),
    };
    drop(tx);
    Ok(render(
        status,
        &StandardPage {
            ctx,
            orgs,
            org,
            standard,
            errors,
        },
    ))
}

pub async fn standard(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(q): Query<StandardQuery>,
) -> Result<Response, Failure> {
    standard_page(&state, ctx, q.org, None, FormErrors::none(), StatusCode::OK).await
}

pub async fn set_standard(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(org): Path<i64>,
    body: Bytes,
) -> Result<Response, Failure> {
    let f = FormMap::parse(&body);
    let mut errors = Vec::new();
    let mut criteria = Vec::new();
    for (i, (code, weight)) in f.all("code").iter().zip(f.all("weight")).enumerate() {
        let code = code.trim();
        if code.is_empty() && weight.trim().is_empty() {
            continue;
        }
        match weight.trim().parse::<i64>() {
            Ok(w) => criteria.push(ingot_domain::studio::Criterion {
                code: code.to_string(),
                weight: w,
            }),
            Err(_) => errors.push(ingot_domain::FieldError::new(
                format!("criteria[{i}].weight"),
                "weight_invalid",
            )),
        }
    }
    let number = |k: &str| f.get(k).trim().parse::<i64>().unwrap_or(-1);
    let standard = ingot_domain::studio::Standard {
        criteria,
        excellent_min: number("excellent_min"),
        pass_min: number("pass_min"),
    };
    let r = if errors.is_empty() {
        super::in_tx(&state, &ctx, async |tx, c| {
            cases::set_standard(tx, c, OrgId(org), &standard).await
        })
        .await
    } else {
        Err(AppError::Validation(errors))
    };
    match r {
        Ok(()) => Ok(done(
            &format!("/studios/standards?org={org}"),
            "standard_saved",
        )),
        Err(e) if is_form_error(&e) => {
            let errors = FormErrors::from_error(ctx.catalogs(), ctx.lang, &e);
            standard_page(
                &state,
                ctx,
                Some(org),
                Some(standard),
                errors,
                status_of(&e),
            )
            .await
        }
        Err(e) => Err(Failure(e)),
    }
}
