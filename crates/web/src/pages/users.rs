//! People: list, create, show, edit, reset password, lock, roles.

use super::{Pager, done, ok, query_url, render};
use crate::AppState;
use crate::ctx::PageCtx;
use crate::error::Failure;
use crate::forms::{FormErrors, is_form_error};
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use ingot_app::users::{self as cases, GrantInput, NewUserInput, ProfileInput};
use ingot_domain::org::Organisation;
use ingot_domain::policy::Action;
use ingot_domain::user::User;
use ingot_domain::{AppError, FieldError, GrantId, OrgId, Role, Timestamp, UserId};
use ingot_store::grants::GrantView;
use ingot_store::users::{UserFilter, UserListItem};
use ingot_store::{Page, Tx};

pub struct UserRow {
    pub user: User,
    pub org_name: String,
    pub roles: Vec<Role>,
    pub locked: bool,
}

#[derive(Template)]
#[template(path = "users/index.html")]
struct IndexPage {
    ctx: PageCtx,
    org: Option<Organisation>,
    items: Vec<UserRow>,
    total: i64,
    pager: Pager,
    q: String,
    role: String,
    status: String,
    roles: Vec<Role>,
    /// The same people as a file in the layout the people import reads.
    export_csv: String,
    export_xlsx: String,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct ListQuery {
    q: String,
    role: String,
    status: String,
    org: Option<String>,
    page: Option<i64>,
}

pub async fn index(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(q): Query<ListQuery>,
) -> Result<Response, Failure> {
    let caller = ctx.caller()?;
    let page = Page::new(q.page, Some(50), 50);
    let org_id = q.org.as_deref().and_then(|s| s.parse().ok()).map(OrgId);
    let mut tx = state.db.read().await?;
    let org = match org_id {
        Some(id) => Some(ingot_app::orgs::get(&mut tx, id).await?),
        None => None,
    };
    let filter = UserFilter {
        role: Role::parse(&q.role),
        text: Some(q.q.clone()).filter(|t| !t.trim().is_empty()),
        active: match q.status.as_str() {
            "active" => Some(true),
            "inactive" => Some(false),
            _ => None,
        },
        ..Default::default()
    };
    let (items, total) = cases::list(&mut tx, &caller, org_id, filter, page).await?;
    drop(tx);
    let now = Timestamp::now();
    let items = items
        .into_iter()
        .map(
            |UserListItem {
                 user,
                 org_name,
                 roles,
             }| UserRow {
                locked: user.is_locked(now),
                user,
                org_name,
                roles,
            },
        )
        .collect();
    let org_param = org.as_ref().map(|o| o.id.to_string()).unwrap_or_default();
    let base = query_url(
        "/users",
        &[
            ("q", &q.q),
            ("role", &q.role),
            ("status", &q.status),
            ("org", &org_param),
        ],
    );
    let pager = Pager::new(&ctx, &base, page, total);
    let active = match q.status.as_str() {
        "active" => "true",
        "inactive" => "false",
        _ => "",
    };
    let export = |format: &str| {
        let params = [("q", q.q.as_str()), ("role", &q.role), ("active", active)];
        let params = [&params[..], &[("org", &org_param), ("format", format)]].concat();
        query_url("/api/v1/users/export", &params)
    };
    let view = IndexPage {
        export_csv: export("csv"),
        export_xlsx: export("xlsx"),
        ctx,
        org,
        items,
        total,
        pager,
        q: q.q,
        role: q.role,
        status: q.status,
        roles: Role::ALL.to_vec(),
    };
    Ok(super::list_page(
        &view.ctx,
        "user-results",
        &view,
        IndexResults,
    ))
}

super::results_block!(IndexResults, IndexPage, "users/index.html");

#[derive(Template)]
#[template(path = "users/new.html")]
struct NewPage {
    ctx: PageCtx,
    org_code: String,
    username: String,
    display_name: String,
    email: String,
    role: String,
    roles: Vec<Role>,
    errors: FormErrors,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct NewQuery {
    org: Option<String>,
}

pub async fn new_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(q): Query<NewQuery>,
) -> Result<Response, Failure> {
    ctx.caller()?;
    let org_code = match q.org.as_deref().and_then(|s| s.parse().ok()) {
        Some(id) => {
            let mut tx = state.db.read().await?;
            ingot_app::orgs::get(&mut tx, OrgId(id)).await?.code
        }
        None => String::new(),
    };
    Ok(ok(&NewPage {
        ctx,
        org_code,
        username: String::new(),
        display_name: String::new(),
        email: String::new(),
        role: "employee".into(),
        roles: Role::ALL.to_vec(),
        errors: FormErrors::none(),
    }))
}

#[derive(serde::Deserialize, Default, Clone)]
#[serde(default)]
pub struct CreateForm {
    org_code: String,
    username: String,
    display_name: String,
    email: String,
    role: String,
    password: String,
}

/// Resolves an organisation code typed into a form.
async fn org_by_code(
    tx: &mut Tx,
    field: &'static str,
    code: &str,
) -> Result<Organisation, AppError> {
    let code = code.trim();
    if code.is_empty() {
        return Err(AppError::field(field, "required"));
    }
    ingot_app::orgs::find_by_code(tx, code)
        .await?
        .ok_or_else(|| {
            AppError::Validation(vec![
                FieldError::new(field, "unknown_org_code").with("code", code),
            ])
        })
}

fn parse_role(raw: &str) -> Result<Option<Role>, AppError> {
    match raw.trim() {
        "" => Ok(None),
        r => Role::parse(r)
            .map(Some)
            .ok_or_else(|| AppError::field("role", "unknown_role")),
    }
}

pub async fn create(
    State(state): State<AppState>,
    ctx: PageCtx,
    Form(form): Form<CreateForm>,
) -> Result<Response, Failure> {
    let result = async {
        let caller = ctx.caller().map_err(|f| f.0)?;
        let org = {
            let mut tx = state.db.read().await?;
            org_by_code(&mut tx, "org_code", &form.org_code).await?
        };
        let input = NewUserInput {
            org_id: Some(org.id),
            username: form.username.clone(),
            display_name: form.display_name.clone(),
            email: Some(form.email.clone()),
            password: Some(form.password.clone()),
            role: parse_role(&form.role)?,
            lang: None,
        };
        cases::create(&state.db, &caller, &input).await
    }
    .await;
    match result {
        // The page shows a generated password once, so it is rendered here, not redirected to.
        Ok(created) => {
            show_page(
                &state,
                ctx,
                created.user.id,
                created.generated_password,
                FormErrors::none(),
                StatusCode::CREATED,
            )
            .await
        }
        Err(e) if is_form_error(&e) => {
            let errors = FormErrors::from_error(ctx.catalogs(), ctx.lang, &e);
            let page = NewPage {
                ctx,
                org_code: form.org_code,
                username: form.username,
                display_name: form.display_name,
                email: form.email,
                role: form.role,
                roles: Role::ALL.to_vec(),
                errors,
            };
            Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(e) => Err(Failure(e)),
    }
}

#[derive(Template)]
#[template(path = "users/show.html")]
struct ShowPage {
    ctx: PageCtx,
    user: User,
    org: Organisation,
    grants: Vec<GrantView>,
    can_manage: bool,
    can_audit: bool,
    locked: bool,
    roles: Vec<Role>,
    generated_password: Option<String>,
    errors: FormErrors,
}

async fn show_page(
    state: &AppState,
    ctx: PageCtx,
    id: UserId,
    generated_password: Option<String>,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response, Failure> {
    let (detail, can_audit) = {
        let caller = ctx.caller()?;
        let mut tx = state.db.read().await?;
        let detail = cases::detail(&mut tx, &caller, id).await?;
        let can_audit = caller.permits(Action::ViewAudit, &detail.org.path);
        (detail, can_audit)
    };
    let page = ShowPage {
        locked: detail.user.is_locked(Timestamp::now()),
        user: detail.user,
        org: detail.org,
        grants: detail.grants,
        can_manage: detail.can_manage,
        can_audit,
        roles: Role::ALL.to_vec(),
        generated_password,
        errors,
        ctx,
    };
    Ok(render(status, &page))
}

pub async fn show(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<UserId>,
) -> Result<Response, Failure> {
    show_page(&state, ctx, id, None, FormErrors::none(), StatusCode::OK).await
}

async fn after(
    state: &AppState,
    ctx: PageCtx,
    id: UserId,
    result: Result<(), AppError>,
    flash: &'static str,
) -> Result<Response, Failure> {
    match result {
        Ok(()) => Ok(done(&format!("/users/{id}"), flash)),
        Err(e) if is_form_error(&e) => {
            let errors = FormErrors::from_error(ctx.catalogs(), ctx.lang, &e);
            show_page(
                state,
                ctx,
                id,
                None,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(Failure(e)),
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct ProfileForm {
    display_name: String,
    email: String,
    org_code: String,
}

pub async fn update(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<UserId>,
    Form(form): Form<ProfileForm>,
) -> Result<Response, Failure> {
    let result = async {
        let caller = ctx.caller().map_err(|f| f.0)?;
        let mut tx = state.db.begin().await?;
        let org = org_by_code(&mut tx, "org_code", &form.org_code).await?;
        let input = ProfileInput {
            display_name: form.display_name,
            email: Some(form.email),
            org_id: Some(org.id),
        };
        cases::update(&mut tx, &caller, id, &input).await?;
        tx.commit().await
    }
    .await;
    after(&state, ctx, id, result, "saved").await
}

pub async fn reset_password(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<UserId>,
) -> Result<Response, Failure> {
    let generated = {
        let caller = ctx.caller()?;
        cases::reset_password(&state.db, &caller, id, &Default::default()).await?
    };
    show_page(
        &state,
        ctx,
        id,
        generated,
        FormErrors::none(),
        StatusCode::OK,
    )
    .await
}

async fn simple(
    state: &AppState,
    ctx: PageCtx,
    id: UserId,
    flash: &'static str,
    action: impl AsyncFnOnce(&mut Tx, &ingot_app::Caller<'_>) -> Result<(), AppError>,
) -> Result<Response, Failure> {
    let result = super::in_tx(state, &ctx, action).await;
    after(state, ctx, id, result, flash).await
}

pub async fn unlock(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<UserId>,
) -> Result<Response, Failure> {
    simple(&state, ctx, id, "user_unlocked", async |tx, caller| {
        cases::unlock(tx, caller, id).await.map(|_| ())
    })
    .await
}

pub async fn activate(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<UserId>,
) -> Result<Response, Failure> {
    simple(&state, ctx, id, "user_activated", async |tx, caller| {
        cases::set_active(tx, caller, id, true).await.map(|_| ())
    })
    .await
}

pub async fn deactivate(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<UserId>,
) -> Result<Response, Failure> {
    simple(&state, ctx, id, "user_deactivated", async |tx, caller| {
        cases::set_active(tx, caller, id, false).await.map(|_| ())
    })
    .await
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct GrantForm {
    role: String,
    org_code: String,
}

pub async fn grant(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<UserId>,
    Form(form): Form<GrantForm>,
) -> Result<Response, Failure> {
    simple(&state, ctx, id, "role_granted", async |tx, caller| {
        let role = parse_role(&form.role)?.ok_or_else(|| AppError::field("role", "required"))?;
        let org = org_by_code(tx, "role", &form.org_code).await?;
        cases::grant(
            tx,
            caller,
            id,
            &GrantInput {
                role,
                org_id: org.id,
            },
        )
        .await
        .map(|_| ())
    })
    .await
}

pub async fn revoke(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path((id, grant)): Path<(UserId, GrantId)>,
) -> Result<Response, Failure> {
    simple(&state, ctx, id, "role_revoked", async |tx, caller| {
        cases::revoke(tx, caller, grant).await
    })
    .await
}
