//! What an announced campaign publishes: the announcement, printable certificates and the
//! ranking of participating units.

use super::{awarded, today, user_caller};
use crate::AppState;
use crate::ctx::PageCtx;
use crate::documents;
use crate::error::Failure;
use crate::pages::ok;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use ingot_app::campaigns::{self as cases, CampaignDetail, RankRow};
use ingot_domain::campaign::{Stage, Tier};
use ingot_domain::{AppError, CampaignId, DeclarationId};
use ingot_store::campaigns::{Campaign, Declaration};

#[derive(Template)]
#[template(path = "campaigns/announcement.html")]
struct AnnouncementPage {
    ctx: PageCtx,
    d: CampaignDetail,
    entries: Vec<Declaration>,
    tiers: &'static [Tier],
    /// Awarded records changed since, as (record type, id); each certificate says why.
    amended: Vec<(String, i64)>,
}

impl AnnouncementPage {
    fn of_tier(&self, t: &Tier) -> Vec<&Declaration> {
        self.entries.iter().filter(|d| d.tier == Some(*t)).collect()
    }

    fn is_amended(&self, d: &Declaration) -> bool {
        self.amended
            .iter()
            .any(|(kind, id)| kind == d.record_type.as_str() && *id == d.record_id)
    }
}

pub async fn announcement(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<CampaignId>,
) -> Result<Response, Failure> {
    let mut tx = state.db.read().await?;
    let d = cases::detail(&mut tx, None, id, today(&ctx)).await?;
    if d.stage != Stage::Announced {
        return Err(Failure(AppError::not_found("campaign")));
    }
    let amended = ingot_app::innovation::amended_in_campaign(&mut tx, id.0).await?;
    drop(tx);
    Ok(ok(&AnnouncementPage {
        entries: awarded(&d.declarations),
        ctx,
        d,
        tiers: Tier::ALL,
        amended,
    }))
}

/// The announcement with its list of winners, printed.
pub async fn announcement_pdf(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<CampaignId>,
) -> Result<Response, Failure> {
    let asked = (ctx.lang, "pdf");
    Ok(documents::announcement(&state, asked, id, today(&ctx)).await?)
}

/// The announcement with its list of winners as a Word document, to edit before stamping.
pub async fn announcement_docx(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<CampaignId>,
) -> Result<Response, Failure> {
    let asked = (ctx.lang, "docx");
    Ok(documents::announcement(&state, asked, id, today(&ctx)).await?)
}

#[derive(Template)]
#[template(path = "campaigns/certificate.html")]
struct CertificatePage {
    ctx: PageCtx,
    c: Campaign,
    d: Declaration,
    tier: Tier,
    /// Changes made to the awarded record since, with their reasons.
    amendments: Vec<(String, String)>,
}

pub async fn certificate(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<DeclarationId>,
) -> Result<Response, Failure> {
    let mut tx = state.db.read().await?;
    let (c, d, tier) = cases::certificate(&mut tx, id).await?;
    let record = (d.record_type.as_str(), d.record_id);
    let amended = ingot_app::innovation::amendments(&mut tx, record.0, record.1).await?;
    drop(tx);
    let amendments = amended
        .into_iter()
        .map(|a| (ctx.date(&ingot_domain::Timestamp(a.amended_at)), a.reason))
        .collect();
    Ok(ok(&CertificatePage {
        ctx,
        c,
        d,
        tier,
        amendments,
    }))
}

/// The certificate as a PDF, its QR code holding the award's public page (this one's sibling).
pub async fn certificate_pdf(
    State(state): State<AppState>,
    ctx: PageCtx,
    headers: HeaderMap,
    Path(id): Path<DeclarationId>,
) -> Result<Response, Failure> {
    let mut tx = state.db.read().await?;
    let award = cases::certificate(&mut tx, id).await?;
    drop(tx);
    let base = documents::public_base(state.config.public_url.as_deref(), &headers);
    let cert = documents::certificate(ctx.catalogs(), ctx.lang, &base, &award);
    let file = format!("certificate-{}.pdf", award.1.id);
    Ok(documents::pdf(&file, move |font| {
        ingot_documents::certificate_pdf(font, &cert)
    })
    .await?)
}

#[derive(Template)]
#[template(path = "campaigns/ranking.html")]
struct RankingPage {
    ctx: PageCtx,
    c: Campaign,
    rows: Vec<RankRow>,
}

pub async fn ranking(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<CampaignId>,
) -> Result<Response, Failure> {
    let mut tx = state.db.read().await?;
    let rows = cases::ranking(&mut tx, user_caller(&ctx).as_ref(), id).await?;
    let c = cases::load(&mut tx, id).await?;
    drop(tx);
    Ok(ok(&RankingPage { ctx, c, rows }))
}
