//! The alliance page: an alliance (or a mentoring pair) of studios with its members; and the
//! form a federation forms one with, choosing among the active studios of its area.

use crate::AppState;
use crate::ctx::PageCtx;
use crate::error::{Failure, status_of};
use crate::forms::{FormErrors, decode_form, is_form_error};
use crate::pages::{done, ok, render};
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use ingot_app::studios as cases;
use ingot_domain::org::Organisation;
use ingot_domain::studio::{AllianceKind, StudioStatus};
use ingot_domain::{AllianceId, OrgId};
use ingot_store::Page;
use ingot_store::studios::{Filter, Studio};

#[derive(Template)]
#[template(path = "studios/alliance.html")]
struct AlliancePage {
    ctx: PageCtx,
    a: ingot_store::studios::Alliance,
    members: Vec<(i64, String, ingot_domain::time::Date)>,
}

pub async fn alliance(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<AllianceId>,
) -> Result<Response, Failure> {
    let mut tx = state.db.read().await?;
    let (a, members) = cases::alliance(&mut tx, id).await?;
    drop(tx);
    Ok(ok(&AlliancePage { ctx, a, members }))
}

/// Studios offered on the form at once; a search narrows a large area.
const OFFERED: i64 = 300;

#[derive(Template)]
#[template(path = "studios/alliance_new.html")]
struct NewAlliancePage {
    ctx: PageCtx,
    orgs: Vec<Organisation>,
    /// The area chosen, whose active studios are offered.
    org: Option<Organisation>,
    q: String,
    studios: Vec<Studio>,
    kinds: &'static [AllianceKind],
    form: cases::AllianceInput,
    errors: FormErrors,
}

impl NewAlliancePage {
    fn chosen(&self, id: &ingot_domain::StudioId) -> bool {
        self.form.studio_ids.contains(id)
    }
    fn is_lead(&self, id: &ingot_domain::StudioId) -> bool {
        self.form.lead_studio_id == Some(*id)
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct AreaQuery {
    org: Option<i64>,
    q: String,
}

async fn new_alliance_page(
    state: &AppState,
    ctx: PageCtx,
    (area, q): (Option<OrgId>, String),
    (form, errors): (cases::AllianceInput, FormErrors),
    status: StatusCode,
) -> Result<Response, Failure> {
    let mut tx = state.db.read().await?;
    let orgs = super::namer_orgs(&mut tx, &ctx).await?;
    let org = area
        .and_then(|id| orgs.iter().find(|o| o.id == id).cloned())
        .or_else(|| orgs.first().cloned());
    let studios = match &org {
        Some(o) => {
            let filter = Filter {
                unit: Some(o.path.clone()),
                status: Some(StudioStatus::Active),
                text: Some(q.trim().to_string()).filter(|t| !t.is_empty()),
                ..Default::default()
            };
            cases::list(&mut tx, &filter, Page::new(Some(1), Some(OFFERED), OFFERED))
                .await?
                .0
        }
        None => Vec::new(),
    };
    drop(tx);
    let page = NewAlliancePage {
        ctx,
        orgs,
        org,
        q,
        studios,
        kinds: AllianceKind::ALL,
        form,
        errors,
    };
    Ok(render(status, &page))
}

pub async fn new_alliance(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(q): Query<AreaQuery>,
) -> Result<Response, Failure> {
    let area = (q.org.map(OrgId), q.q);
    let empty = (cases::AllianceInput::default(), FormErrors::none());
    new_alliance_page(&state, ctx, area, empty, StatusCode::OK).await
}

pub async fn create_alliance(
    State(state): State<AppState>,
    ctx: PageCtx,
    body: Bytes,
) -> Result<Response, Failure> {
    let input = decode_form::<cases::AllianceInput>(&body);
    let r = crate::pages::in_tx(&state, &ctx, async |tx, c| {
        cases::create_alliance(tx, c, input.as_ref().map_err(Clone::clone)?).await
    })
    .await;
    match r {
        Ok(id) => Ok(done(
            &format!("/studios/alliances/{id}"),
            "alliance_created",
        )),
        Err(e) if is_form_error(&e) => {
            let errors = FormErrors::from_error(ctx.catalogs(), ctx.lang, &e);
            let form = input.unwrap_or_default();
            let area = (form.org_id, String::new());
            new_alliance_page(&state, ctx, area, (form, errors), status_of(&e)).await
        }
        Err(e) => Err(Failure(e)),
    }
}
