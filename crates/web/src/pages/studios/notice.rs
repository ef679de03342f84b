//! A naming notice as published: who issued it, its number and day, the studios it named (and
//! whether each naming still stands), printable as PDF and editable as Word. Open to everyone,
//! as the notice itself is.

use crate::AppState;
use crate::ctx::PageCtx;
use crate::documents;
use crate::error::Failure;
use crate::pages::ok;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use ingot_app::studios::{self as cases, NoticeDetail};

#[derive(Template)]
#[template(path = "studios/notice.html")]
struct NoticePage {
    ctx: PageCtx,
    d: NoticeDetail,
}

pub async fn notice(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<i64>,
) -> Result<Response, Failure> {
    let mut tx = state.db.read().await?;
    let d = cases::notice_detail(&mut tx, id).await?;
    drop(tx);
    Ok(ok(&NoticePage { ctx, d }))
}

/// The notice with the studios it named, printed.
pub async fn notice_pdf(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<i64>,
) -> Result<Response, Failure> {
    Ok(documents::naming_notice(&state, (ctx.lang, "pdf"), id).await?)
}

/// The notice as a Word document, for the clerks to edit before it is stamped.
pub async fn notice_docx(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<i64>,
) -> Result<Response, Failure> {
    Ok(documents::naming_notice(&state, (ctx.lang, "docx"), id).await?)
}
