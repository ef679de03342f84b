//! Innovation records pages: achievements, patents (with the import), skills and methods, titles,
//! and the record pages of a person and a unit. Thin handlers over `ingot_app::innovation`.

use super::{Pager, done, in_tx, ok, query_url, render};
use crate::AppState;
use crate::ctx::PageCtx;
use crate::error::Failure;
use crate::forms::{FormErrors, is_form_error};
use askama::Template;
use axum::Form;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use ingot_app::innovation::{self as cases, import::PatentImportReport};
use ingot_domain::benefit::ClaimFields;
use ingot_domain::{AppError, OrgId, OrgScope, UserId};
use ingot_store::innovation::{AchievementItem, Patent, RecordFilter, Skill, Title};
use ingot_store::{Page, Tx, orgs};

#[derive(serde::Deserialize, Default, Clone)]
#[serde(default)]
pub struct ListQuery {
    pub q: String,
    pub year: String,
    pub kind: String,
    pub page: Option<i64>,
}

impl ListQuery {
    fn filter(&self) -> RecordFilter {
        RecordFilter {
            year: self.year.trim().parse().ok(),
            kind: Some(self.kind.trim().to_string()).filter(|k| !k.is_empty()),
            text: Some(self.q.trim().to_string()).filter(|t| !t.is_empty()),
            ..Default::default()
        }
    }

    fn url(&self, path: &str) -> String {
        query_url(
            path,
            &[("q", &self.q), ("year", &self.year), ("kind", &self.kind)],
        )
    }

    fn export(&self, path: &str, format: &str) -> String {
        query_url(
            path,
            &[
                ("q", &self.q),
                ("year", &self.year),
                ("kind", &self.kind),
                ("format", format),
            ],
        )
    }
}

/// An organisation typed by its code, as shown in the tree.
async fn org_by_code(tx: &mut Tx, code: &str) -> Result<Option<OrgId>, AppError> {
    let code = code.trim();
    if code.is_empty() {
        return Ok(None);
    }
    Ok(orgs::get_by_code(tx, code).await?.map(|o| o.id))
}

async fn own_org_code(state: &AppState, ctx: &PageCtx) -> Result<String, Failure> {
    let Some(actor) = &ctx.actor else {
        return Ok(String::new());
    };
    let mut tx = state.db.read().await?;
    Ok(orgs::get(&mut tx, actor.org_id)
        .await?
        .map(|o| o.code)
        .unwrap_or_default())
}

fn list_words(raw: &str) -> Vec<String> {
    raw.split([',', '，', ';', '；', '\n', ' '])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Achievements

#[derive(serde::Deserialize, Default, Clone)]
#[serde(default)]
pub struct AchievementForm {
    pub unit: String,
    pub title: String,
    pub summary: String,
    pub field: String,
    pub kind: String,
    pub claimed_level: String,
    pub started_on: String,
    pub finished_on: String,
    pub year: String,
    pub award: String,
    pub in_production_since: String,
    pub production_site: String,
    /// Usernames, first completer first, separated by commas or spaces.
    pub completers: String,
}

#[derive(Template)]
#[template(path = "records/achievements.html")]
struct AchievementsPage {
    ctx: PageCtx,
    q: ListQuery,
    items: Vec<AchievementItem>,
    total: i64,
    pager: Pager,
    export_csv: String,
    export_xlsx: String,
    form: AchievementForm,
    errors: FormErrors,
}

async fn achievements_page(
    state: &AppState,
    ctx: PageCtx,
    q: ListQuery,
    form: AchievementForm,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response, Failure> {
    let caller = ctx.caller()?;
    let page = Page::new(q.page, Some(30), 30);
    let mut tx = state.db.read().await?;
    let (items, total) = cases::achievements(&mut tx, &caller, q.filter(), page).await?;
    drop(tx);
    let pager = Pager::new(&ctx, &q.url("/achievements"), page, total);
    Ok(render(
        status,
        &AchievementsPage {
            export_csv: q.export("/api/v1/achievements/export", "csv"),
            export_xlsx: q.export("/api/v1/achievements/export", "xlsx"),
            ctx,
            q,
            items,
            total,
            pager,
            form,
            errors,
        },
    ))
}

pub async fn achievements(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(q): Query<ListQuery>,
) -> Result<Response, Failure> {
    let form = AchievementForm {
        unit: own_org_code(&state, &ctx).await?,
        kind: "process".into(),
        ..Default::default()
    };
    achievements_page(&state, ctx, q, form, FormErrors::none(), StatusCode::OK).await
}

pub async fn create_achievement(
    State(state): State<AppState>,
    ctx: PageCtx,
    Form(form): Form<AchievementForm>,
) -> Result<Response, Failure> {
    let f = form.clone();
    let result = in_tx(&state, &ctx, async |tx, caller| {
        let input = cases::AchievementInput {
            unit_id: org_by_code(tx, &f.unit).await?,
            title: f.title,
            summary: f.summary,
            field: f.field,
            kind: f.kind,
            claimed_level: f.claimed_level,
            started_on: f.started_on,
            finished_on: f.finished_on,
            year: f.year,
            award: f.award,
            in_production_since: f.in_production_since,
            production_site: f.production_site,
            completers: list_words(&f.completers),
            ..Default::default()
        };
        cases::create_achievement(tx, caller, &input).await
    })
    .await;
    let to = result
        .as_ref()
        .map_or(String::new(), |a| format!("/achievements/{}", a.id));
    super::answer(ctx, result, &to, "saved", async |ctx, errors, status| {
        achievements_page(&state, ctx, ListQuery::default(), form, errors, status).await
    })
    .await
}

#[derive(Template)]
#[template(path = "records/achievement.html")]
struct AchievementPage {
    ctx: PageCtx,
    d: cases::AchievementDetail,
    errors: FormErrors,
    kind: String,
    level: String,
}

async fn achievement_page(
    state: &AppState,
    ctx: PageCtx,
    id: i64,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response, Failure> {
    let caller = ctx.caller()?;
    let mut tx = state.db.read().await?;
    let d = cases::achievement(&mut tx, &caller, id).await?;
    drop(tx);
    let a = &d.achievement;
    let kind = ctx
        .t(&format!("records.kind.{}", a.kind.as_str()))
        .to_string();
    let level = match a.claimed_level {
        Some(l) => ctx.t(&format!("records.level.{}", l.as_str())).to_string(),
        None => "—".to_string(),
    };
    Ok(render(
        status,
        &AchievementPage {
            ctx,
            d,
            errors,
            kind,
            level,
        },
    ))
}

pub async fn achievement(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<i64>,
) -> Result<Response, Failure> {
    achievement_page(&state, ctx, id, FormErrors::none(), StatusCode::OK).await
}

/// After a change on the achievement page: back to it, or the page again with the problems.
async fn after_change<T>(
    state: &AppState,
    ctx: PageCtx,
    id: i64,
    result: Result<T, AppError>,
) -> Result<Response, Failure> {
    match result {
        Ok(_) => Ok(done(&format!("/achievements/{id}"), "saved")),
        Err(e) if is_form_error(&e) || matches!(e, AppError::Conflict { .. }) => {
            let errors = FormErrors::from_error(ctx.catalogs(), ctx.lang, &e);
            achievement_page(state, ctx, id, errors, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(Failure(e)),
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct LinkForm {
    /// A patent's application number, or a proposal's number or id.
    pub patent_number: String,
    pub proposal_id: String,
}

pub async fn link(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<i64>,
    Form(form): Form<LinkForm>,
) -> Result<Response, Failure> {
    let result = in_tx(&state, &ctx, async |tx, caller| {
        if !form.patent_number.trim().is_empty() {
            let number = ingot_domain::innovation::ApplicationNumber::parse(&form.patent_number)
                .map(|n| n.to_string())
                .unwrap_or_default();
            let found: Option<(i64,)> = tx
                .fetch_optional(
                    ingot_store::Sql::new("SELECT id FROM patents WHERE number = $1").bind(number),
                )
                .await?;
            let Some((patent,)) = found else {
                return Err(AppError::field("patent_id", "unknown_patent"));
            };
            cases::link_patent(tx, caller, id, patent).await?;
        }
        if !form.proposal_id.trim().is_empty() {
            let Ok(proposal) = form.proposal_id.trim().parse::<i64>() else {
                return Err(AppError::field("proposal_id", "unknown_proposal"));
            };
            cases::link_proposal(tx, caller, id, proposal).await?;
        }
        Ok(())
    })
    .await;
    after_change(&state, ctx, id, result).await
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct ClaimForm {
    pub method: String,
    pub old_cost: String,
    pub new_cost: String,
    pub volume: String,
    pub hours: String,
    pub rate: String,
    pub amount: String,
    pub note: String,
    pub version: Option<i64>,
}

pub async fn claim(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<i64>,
    Form(form): Form<ClaimForm>,
) -> Result<Response, Failure> {
    let fields = ClaimFields {
        method: form.method,
        old_cost: form.old_cost,
        new_cost: form.new_cost,
        volume: form.volume,
        hours: form.hours,
        rate: form.rate,
        amount: form.amount,
        note: form.note,
    };
    let result = in_tx(&state, &ctx, async |tx, caller| {
        cases::claim_benefit(tx, caller, id, &fields, form.version).await
    })
    .await;
    after_change(&state, ctx, id, result).await
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct VerifyForm {
    pub corrected_amount: String,
    pub note: String,
    pub version: Option<i64>,
}

pub async fn verify(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<i64>,
    Form(form): Form<VerifyForm>,
) -> Result<Response, Failure> {
    let result = in_tx(&state, &ctx, async |tx, caller| {
        cases::verify_benefit(
            tx,
            caller,
            id,
            &form.corrected_amount,
            &form.note,
            form.version,
        )
        .await
    })
    .await;
    after_change(&state, ctx, id, result).await
}

/// A file for the achievement, checked by its contents, stored by hash.
pub async fn attach(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<i64>,
    multipart: Multipart,
) -> Result<Response, Failure> {
    let result = async {
        let (name, bytes) = super::proposals::actions::read_file_field(multipart).await?;
        let (filename, content_type) = ingot_app::files::check(&name, &bytes)?;
        let caller = ctx.caller().map_err(|f| f.0)?;
        let mut tx = state.db.begin().await?;
        cases::attach(&mut tx, &caller, id, &filename, content_type, &bytes).await?;
        // Stored before the row is committed, so that a row never names a missing file.
        state.files.put(bytes).await?;
        tx.commit().await?;
        Ok::<_, AppError>(())
    }
    .await;
    after_change(&state, ctx, id, result).await
}

pub async fn download(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<i64>,
) -> Result<Response, Failure> {
    let caller = ctx.caller()?;
    let a = {
        let mut tx = state.db.read().await?;
        cases::attachment(&mut tx, &caller, id).await?
    };
    let bytes = state.files.get(&a.sha256).await?;
    Ok(file_response(&a.filename, &a.content_type, bytes))
}

/// The bytes as a download with their checked type, never sniffed, and a safe UTF-8 name.
pub fn file_response(filename: &str, content_type: &str, bytes: Vec<u8>) -> Response {
    use axum::http::header;
    use axum::response::IntoResponse;
    let disposition = format!(
        "attachment; filename*=UTF-8''{}",
        crate::forms::encode(filename)
    );
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
        ],
        bytes,
    )
        .into_response()
}

// ---------------------------------------------------------------------------------------------
// Patents

#[derive(serde::Deserialize, Default, Clone)]
#[serde(default)]
pub struct PatentForm {
    pub unit: String,
    pub kind: String,
    pub number: String,
    pub title: String,
    pub inventors: String,
    pub applied_on: String,
    pub granted_on: String,
    pub status: String,
}

#[derive(Template)]
#[template(path = "records/patents.html")]
struct PatentsPage {
    ctx: PageCtx,
    q: ListQuery,
    items: Vec<Patent>,
    total: i64,
    pager: Pager,
    export_csv: String,
    export_xlsx: String,
    form: PatentForm,
    errors: FormErrors,
    report: Option<PatentImportReport>,
    /// The report's problems as (row, column, message in the reader's language).
    report_messages: Vec<(usize, String, String)>,
}

#[allow(clippy::too_many_arguments)] // the page's parts, as the handlers have them
async fn patents_page(
    state: &AppState,
    ctx: PageCtx,
    q: ListQuery,
    form: PatentForm,
    errors: FormErrors,
    report: Option<PatentImportReport>,
    status: StatusCode,
) -> Result<Response, Failure> {
    let caller = ctx.caller()?;
    let page = Page::new(q.page, Some(30), 30);
    let mut tx = state.db.read().await?;
    let (items, total) = cases::patents(&mut tx, &caller, q.filter(), page).await?;
    drop(tx);
    let pager = Pager::new(&ctx, &q.url("/patents"), page, total);
    let report_messages = report
        .iter()
        .flat_map(|r| r.errors.iter())
        .map(|e| {
            (
                e.row,
                e.column.clone(),
                ctx.catalogs().field_error(ctx.lang, &e.error),
            )
        })
        .collect();
    Ok(render(
        status,
        &PatentsPage {
            export_csv: q.export("/api/v1/patents/export", "csv"),
            export_xlsx: q.export("/api/v1/patents/export", "xlsx"),
            ctx,
            q,
            items,
            total,
            pager,
            form,
            errors,
            report,
            report_messages,
        },
    ))
}

pub async fn patents(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(q): Query<ListQuery>,
) -> Result<Response, Failure> {
    let form = PatentForm {
        unit: own_org_code(&state, &ctx).await?,
        ..Default::default()
    };
    patents_page(
        &state,
        ctx,
        q,
        form,
        FormErrors::none(),
        None,
        StatusCode::OK,
    )
    .await
}

pub async fn create_patent(
    State(state): State<AppState>,
    ctx: PageCtx,
    Form(form): Form<PatentForm>,
) -> Result<Response, Failure> {
    let f = form.clone();
    let result = in_tx(&state, &ctx, async |tx, caller| {
        let input = cases::PatentInput {
            unit_id: org_by_code(tx, &f.unit).await?,
            kind: f.kind,
            number: f.number,
            title: f.title,
            inventors: f.inventors,
            applied_on: f.applied_on,
            granted_on: f.granted_on,
            status: f.status,
        };
        cases::create_patent(tx, caller, &input).await
    })
    .await;
    match result {
        Ok(_) => Ok(done("/patents", "saved")),
        Err(e) if is_form_error(&e) || matches!(e, AppError::Conflict { .. }) => {
            let errors = FormErrors::from_error(ctx.catalogs(), ctx.lang, &e);
            patents_page(
                &state,
                ctx,
                ListQuery::default(),
                form,
                errors,
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(Failure(e)),
    }
}

pub async fn import_patents(
    State(state): State<AppState>,
    ctx: PageCtx,
    multipart: Multipart,
) -> Result<Response, Failure> {
    let caller = ctx.caller()?;
    let attempt = async {
        let upload =
            super::orgs::read_import_upload(multipart, state.config.max_upload_bytes).await?;
        let Some((name, bytes)) = upload.file else {
            return Err(AppError::field("file", "file_empty"));
        };
        super::orgs::check_upload_type(name.as_deref(), &bytes)?;
        let table = ingot_app::org_import::read_file(bytes).await?;
        import::import_patents(
            &state.db,
            &caller,
            &table,
            // Rows without a unit code belong to the reader's own unit.
            upload.under.or(ctx.actor.as_ref().map(|a| a.org_id)),
            upload.dry_run,
        )
        .await
    };
    let result = attempt.await;
    let form = PatentForm::default();
    match result {
        Ok(report) if report.is_ok() && !report.dry_run => Ok(done("/patents", "saved")),
        Ok(report) => {
            let status = if report.is_ok() {
                StatusCode::OK
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            patents_page(
                &state,
                ctx,
                ListQuery::default(),
                form,
                FormErrors::none(),
                Some(report),
                status,
            )
            .await
        }
        Err(e) if is_form_error(&e) => {
            let errors = FormErrors::from_error(ctx.catalogs(), ctx.lang, &e);
            patents_page(
                &state,
                ctx,
                ListQuery::default(),
                form,
                errors,
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(Failure(e)),
    }
}

use ingot_app::innovation::import;

// ---------------------------------------------------------------------------------------------
// Skills

#[derive(serde::Deserialize, Default, Clone)]
#[serde(default)]
pub struct SkillForm {
    pub unit: String,
    pub kind: String,
    pub name: String,
    pub creator: String,
    pub creator_name: String,
    pub description: String,
    pub used_where: String,
    pub trained_count: String,
    pub trainees: String,
    pub year: String,
}

#[derive(Template)]
#[template(path = "records/skills.html")]
struct SkillsPage {
    ctx: PageCtx,
    q: ListQuery,
    items: Vec<Skill>,
    total: i64,
    pager: Pager,
    export_csv: String,
    export_xlsx: String,
    form: SkillForm,
    errors: FormErrors,
}

async fn skills_page(
    state: &AppState,
    ctx: PageCtx,
    q: ListQuery,
    form: SkillForm,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response, Failure> {
    let caller = ctx.caller()?;
    let page = Page::new(q.page, Some(30), 30);
    let mut tx = state.db.read().await?;
    let (items, total) = cases::skills(&mut tx, &caller, q.filter(), page).await?;
    drop(tx);
    let pager = Pager::new(&ctx, &q.url("/skills"), page, total);
    Ok(render(
        status,
        &SkillsPage {
            export_csv: q.export("/api/v1/skills/export", "csv"),
            export_xlsx: q.export("/api/v1/skills/export", "xlsx"),
            ctx,
            q,
            items,
            total,
            pager,
            form,
            errors,
        },
    ))
}

pub async fn skills(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(q): Query<ListQuery>,
) -> Result<Response, Failure> {
    let form = SkillForm {
        unit: own_org_code(&state, &ctx).await?,
        kind: "unique_skill".into(),
        ..Default::default()
    };
    skills_page(&state, ctx, q, form, FormErrors::none(), StatusCode::OK).await
}

pub async fn create_skill(
    State(state): State<AppState>,
    ctx: PageCtx,
    Form(form): Form<SkillForm>,
) -> Result<Response, Failure> {
    let f = form.clone();
    let result = in_tx(&state, &ctx, async |tx, caller| {
        let input = cases::SkillInput {
            unit_id: org_by_code(tx, &f.unit).await?,
            kind: f.kind,
            name: f.name,
            creator: f.creator,
            creator_name: f.creator_name,
            description: f.description,
            used_where: f.used_where,
            trained_count: f.trained_count,
            trainees: list_words(&f.trainees),
            year: f.year,
        };
        cases::create_skill(tx, caller, &input).await
    })
    .await;
    super::answer(
        ctx,
        result,
        "/skills",
        "saved",
        async |ctx, errors, status| {
            skills_page(&state, ctx, ListQuery::default(), form, errors, status).await
        },
    )
    .await
}

// ---------------------------------------------------------------------------------------------
// Titles

#[derive(serde::Deserialize, Default, Clone)]
#[serde(default)]
pub struct TitleForm {
    pub holder: String,
    pub name: String,
    pub granted_by: String,
    pub year: String,
    pub level: String,
}

#[derive(Template)]
#[template(path = "records/titles.html")]
struct TitlesPage {
    ctx: PageCtx,
    q: ListQuery,
    items: Vec<Title>,
    total: i64,
    pager: Pager,
    export_csv: String,
    export_xlsx: String,
    form: TitleForm,
    errors: FormErrors,
}

async fn titles_page(
    state: &AppState,
    ctx: PageCtx,
    q: ListQuery,
    form: TitleForm,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response, Failure> {
    let caller = ctx.caller()?;
    let page = Page::new(q.page, Some(30), 30);
    let mut tx = state.db.read().await?;
    let (items, total) = cases::titles(&mut tx, &caller, q.filter(), page).await?;
    drop(tx);
    let pager = Pager::new(&ctx, &q.url("/titles"), page, total);
    Ok(render(
        status,
        &TitlesPage {
            export_csv: q.export("/api/v1/titles/export", "csv"),
            export_xlsx: q.export("/api/v1/titles/export", "xlsx"),
            ctx,
            q,
            items,
            total,
            pager,
            form,
            errors,
        },
    ))
}

pub async fn titles(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(q): Query<ListQuery>,
) -> Result<Response, Failure> {
    let form = TitleForm {
        granted_by: own_org_code(&state, &ctx).await?,
        level: "enterprise".into(),
        ..Default::default()
    };
    titles_page(&state, ctx, q, form, FormErrors::none(), StatusCode::OK).await
}

pub async fn create_title(
    State(state): State<AppState>,
    ctx: PageCtx,
    Form(form): Form<TitleForm>,
) -> Result<Response, Failure> {
    let f = form.clone();
    let result = in_tx(&state, &ctx, async |tx, caller| {
        let input = cases::TitleInput {
            holder: f.holder,
            name: f.name,
            granted_by: org_by_code(tx, &f.granted_by).await?,
            year: f.year,
            level: f.level,
        };
        cases::create_title(tx, caller, &input).await
    })
    .await;
    match result {
        Ok(_) => Ok(done("/titles", "saved")),
        Err(e) if is_form_error(&e) || matches!(e, AppError::Conflict { .. }) => {
            let errors = FormErrors::from_error(ctx.catalogs(), ctx.lang, &e);
            titles_page(
                &state,
                ctx,
                ListQuery::default(),
                form,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(Failure(e)),
    }
}

// ---------------------------------------------------------------------------------------------
// Record pages

#[derive(Template)]
#[template(path = "records/holdings.html")]
struct HoldingsPage {
    ctx: PageCtx,
    heading: String,
    h: cases::Holdings,
}

pub async fn person(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<i64>,
) -> Result<Response, Failure> {
    let caller = ctx.caller()?;
    let mut tx = state.db.read().await?;
    let (user, h) = cases::person_holdings(&mut tx, &caller, UserId(id)).await?;
    drop(tx);
    Ok(ok(&HoldingsPage {
        ctx,
        heading: user.display_name,
        h,
    }))
}

pub async fn unit(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<i64>,
) -> Result<Response, Failure> {
    let caller = ctx.caller()?;
    let mut tx = state.db.read().await?;
    let org = orgs::get(&mut tx, OrgId(id))
        .await?
        .ok_or(AppError::not_found("organisation"))?;
    let heading = ctx.org_name(&org).to_string();
    let h = cases::holdings(
        &mut tx,
        &caller,
        RecordFilter {
            within: Some(OrgScope::of([org.path])),
            ..Default::default()
        },
    )
    .await?;
    drop(tx);
    Ok(ok(&HoldingsPage { ctx, heading, h }))
}
