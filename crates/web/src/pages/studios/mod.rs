//! Innovation studios: the public registry and each studio's public page with its history;
//! for those who run them, the forms on that page (members, honours, outputs, photos, funding,
//! assessment, status), naming calls, applications with the on-site review (made for a phone)
//! and the decision, statistics, and alliances.
//!
//! This module keeps what the concerns share: the studio's history in words, the studio's page that every form on it re-renders, and the
//! multipart and photo helpers; the handlers live in `registry`, `members`, `naming`,
//! `funding`, `assessment` and `alliances`, re-exported here for the route table.

use super::{done, render};
use crate::AppState;
use crate::ctx::PageCtx;
use crate::error::{Failure, status_of};
use crate::forms::{FormErrors, is_form_error};
use askama::Template;
use axum::extract::Multipart;
use axum::http::StatusCode;
use axum::response::Response;
use ingot_app::studios::{self as cases, StoredFile, StudioDetail};
use ingot_domain::org::Organisation;
use ingot_domain::policy::{self, Action, Principal};
use ingot_domain::studio::{
    Level, OutputKind, PatentStage, PatentType, SpendCategory, StudioEvent,
};
use ingot_domain::{AppError, StudioId};
use ingot_store::Page;
use ingot_store::studios::Call;

mod alliances;
mod assessment;
mod funding;
mod members;
mod naming;
mod notice;
mod registry;

pub use alliances::{alliance, create_alliance, new_alliance};
pub use assessment::{assess, set_standard, standard};
pub use funding::funding_entry;
pub use members::{add_honour, add_member, add_output, change_lead, change_unit, member_leaves};
pub use naming::{application, apply, call, calls, create_call, decide, record_naming, review};
pub use notice::{notice, notice_docx, notice_pdf};
pub use registry::{
    add_photo, create, edit_form, index, new_form, photo, set_status, show, stats, update,
};

/// One step of a studio's history, described in the reader's language.
pub struct EventView {
    pub date: String,
    pub kind: String,
    pub text: String,
    pub public: bool,
}

fn describe(ctx: &PageCtx, step: &StudioEvent) -> String {
    let text = ctx.code_name("sevent", step.kind());
    let level = |l: &Level| ctx.code_name("level", l.as_str());
    let extra = match step {
        StudioEvent::Founded { lead } => lead.clone(),
        StudioEvent::MemberJoined { name } | StudioEvent::MemberLeft { name } => name.clone(),
        StudioEvent::Applied { level: l, org, .. } | StudioEvent::Rejected { level: l, org } => {
            format!("{org} · {}", level(l))
        }
        StudioEvent::SiteReviewed {
            level: l,
            org,
            score,
        } => format!("{org} · {} · {score}", level(l)),
        StudioEvent::Named {
            level: l,
            org,
            notice,
        } => format!("{} · {org} · {notice}", level(l)),
        StudioEvent::FundingGranted { org, cents, .. } => {
            format!("{org} · ¥{}", ctx.money(cents))
        }
        StudioEvent::Assessed {
            level: l,
            org,
            period,
            total,
            result,
        } => format!(
            "{org} · {} · {period} · {} {total}",
            level(l),
            ctx.code_name("result", result.as_str())
        ),
        StudioEvent::TitleLost {
            level: l,
            org,
            notice,
        } => format!("{} · {org} · {notice}", level(l)),
        StudioEvent::Revoked { reason }
        | StudioEvent::Suspended { reason }
        | StudioEvent::Reactivated { reason } => reason.clone(),
        StudioEvent::LeadChanged { from, to, reason }
        | StudioEvent::UnitChanged { from, to, reason } => format!("{from} → {to} · {reason}"),
        StudioEvent::JoinedAlliance { alliance } => alliance.clone(),
    };
    if extra.is_empty() {
        text
    } else {
        format!("{text}: {extra}")
    }
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
        ingot_app::orgs::list(tx, filter, Page::new(Some(1), Some(500), 500))
            .await?
            .0,
    )
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
/// The organisations where the signed-in person runs namings (within their grants' subtrees).
async fn namer_orgs(
    tx: &mut ingot_store::Tx,
    ctx: &PageCtx,
) -> Result<Vec<Organisation>, AppError> {
    let mut candidates = Vec::new();
    if let Some(actor) = &ctx.actor {
        for g in &actor.grants {
            for o in subtree_orgs(tx, &g.org_path).await? {
                if !candidates.iter().any(|x: &Organisation| x.id == o.id) {
                    candidates.push(o);
                }
            }
        }
    }
    Ok(naming_orgs(ctx, candidates))
}

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
    let d = cases::detail(&mut tx, caller.as_ref(), id, ctx.origin.utc_offset_ms).await?;
    let today =
        ingot_domain::time::Date::of(ingot_domain::Timestamp::now(), ctx.origin.utc_offset_ms);
    let mut open_calls = Vec::new();
    if d.access.manage {
        for c in cases::calls(&mut tx).await? {
            let path = ingot_domain::OrgPath::from_stored(c.org_path.clone());
            if c.deadline >= today && d.studio.unit_path.is_within(&path) {
                open_calls.push(c);
            }
        }
    }
    let assess_form = match &caller {
        Some(c) if d.access.assess => cases::assessment_form(&mut tx, c, id, &d.totals)
            .await?
            .map(|(n, _, rows)| (n, rows)),
        _ => None,
    };
    let namer_orgs = if ctx.actor.is_some() {
        let chain = ingot_app::orgs::ancestors(&mut tx, &d.studio.unit_path).await?;
        naming_orgs(&ctx, chain)
    } else {
        Vec::new()
    };
    drop(tx);
    let events = d
        .events
        .iter()
        .map(|e| EventView {
            date: e.on_date.to_string(),
            text: describe(&ctx, &e.event),
            kind: e.event.kind().to_string(),
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

/// The text fields of a multipart form, decoded into its wire struct like a urlencoded form, and
/// its files.
async fn read_multipart<T: serde::de::DeserializeOwned>(
    mut mp: Multipart,
) -> Result<(T, Vec<(String, Vec<u8>)>), AppError> {
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
                .map_err(|_| crate::forms::file_too_large())?
            {
                if bytes.len() + chunk.len() > limit {
                    return Err(crate::forms::file_too_large());
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
    let encoded = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(&fields)
        .finish();
    Ok((crate::forms::decode_form(encoded.as_bytes())?, files))
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
