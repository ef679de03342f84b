//! `/returns`: statistical returns in pages. The list with the form that opens one; a return's
//! page with every unit's row (frozen and live figures), the submission form of the reader's
//! own unit and the level above's accept and return buttons. Thin over
//! `ingot_app::reports::returns`.

use super::{answer, in_tx, render};
use crate::AppState;
use crate::ctx::PageCtx;
use crate::error::Failure;
use crate::forms::{FormErrors, SentForm, decode_form};
use crate::reports::{column_label, column_value};
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use ingot_app::reports::returns::{
    self as cases, ReturnInput, ReturnView, ReviewInput, RowView, SubmissionInput,
};
use ingot_domain::org::Organisation;
use ingot_domain::policy::Action;
use ingot_domain::stat_return::{Column, ReturnStatus, default_columns};
use ingot_domain::{OrgId, report::LAYOUT};
use ingot_store::stat_returns::StatReturn;

/// A column offered by the form that opens a return.
pub struct ColumnChoice {
    pub code: String,
    pub label: String,
    pub checked: bool,
}

#[derive(Template)]
#[template(path = "returns/index.html")]
struct IndexPage {
    ctx: PageCtx,
    returns: Vec<StatReturn>,
    /// Where the reader may open a return (empty: they may not).
    openers: Vec<Organisation>,
    choices: Vec<ColumnChoice>,
    sent: SentForm,
    errors: FormErrors,
}

async fn index_page(
    state: &AppState,
    ctx: PageCtx,
    sent: SentForm,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response, Failure> {
    let caller = ctx.caller()?;
    let mut tx = state.db.read().await?;
    let returns = cases::list(&mut tx, &caller).await?;
    let openers = if caller
        .scope(Action::ManageReturns)
        .is_some_and(|s| s.is_empty())
    {
        Vec::new()
    } else {
        ingot_app::orgs::administered_roots(&mut tx, &caller, Action::ManageReturns).await?
    };
    drop(tx);
    let chosen = sent.all("columns");
    let defaults: Vec<String> = default_columns().iter().map(|c| c.code()).collect();
    let all = LAYOUT.iter().map(|f| Column::Computed(*f)).chain(
        ingot_domain::stat_return::AddedFigure::ALL
            .iter()
            .map(|a| Column::Added(*a)),
    );
    let choices = all
        .map(|c| {
            let code = c.code();
            ColumnChoice {
                checked: if chosen.is_empty() {
                    defaults.contains(&code)
                } else {
                    chosen.contains(&code)
                },
                label: column_label(ctx.catalogs(), ctx.lang, c),
                code,
            }
        })
        .collect();
    Ok(render(
        status,
        &IndexPage {
            ctx,
            returns,
            openers,
            choices,
            sent,
            errors,
        },
    ))
}

pub async fn index(State(state): State<AppState>, ctx: PageCtx) -> Result<Response, Failure> {
    index_page(
        &state,
        ctx,
        SentForm::default(),
        FormErrors::none(),
        StatusCode::OK,
    )
    .await
}

pub async fn open(
    State(state): State<AppState>,
    ctx: PageCtx,
    body: Bytes,
) -> Result<Response, Failure> {
    let result = in_tx(&state, &ctx, async |tx, caller| {
        let input: ReturnInput = decode_form(&body)?;
        cases::open(tx, caller, &input).await
    })
    .await;
    let to = result
        .as_ref()
        .map_or(String::new(), |id| format!("/returns/{id}"));
    answer(
        ctx,
        result,
        &to,
        "return_opened",
        async |ctx, errors, status| {
            index_page(&state, ctx, SentForm::of(&body), errors, status).await
        },
    )
    .await
}

/// One cell of a row: the figure as frozen (or live, before the first submission), and the
/// live one when it has changed since.
pub struct Cell {
    pub value: String,
    pub changed: Option<String>,
}

pub struct RowPage {
    pub view: RowView,
    /// Sent back for correction: its review note is what to correct.
    pub returned: bool,
    pub status_key: String,
    pub cells: Vec<Cell>,
    /// The added figures' inputs: (code, label, value to show).
    pub inputs: Vec<(String, String, String)>,
}

#[derive(Template)]
#[template(path = "returns/show.html")]
struct ShowPage {
    ctx: PageCtx,
    ret: StatReturn,
    manages: bool,
    missing: usize,
    headers: Vec<String>,
    /// The column labels beside each unit's own figures, for readers of their own rows.
    rows: Vec<RowPage>,
    totals: Vec<String>,
    /// The row whose form was sent back with problems, its values and problems.
    failed: Option<i64>,
    sent: SentForm,
    errors: FormErrors,
}

impl ShowPage {
    fn export(&self, format: &str) -> String {
        format!("/api/v1/returns/{}/export?format={format}", self.ret.id)
    }

    fn is_failed(&self, org: &i64) -> bool {
        self.failed == Some(*org)
    }
}

fn row_page(ctx: &PageCtx, v: &ReturnView, r: &RowView, sent: Option<&SentForm>) -> RowPage {
    let cells = v
        .columns
        .iter()
        .map(|c| {
            let code = c.code();
            let shown = r.frozen.as_ref().unwrap_or(&r.live);
            Cell {
                value: shown
                    .get(&code)
                    .map(|n| column_value(*c, *n))
                    .unwrap_or_else(|| "—".into()),
                changed: r
                    .changed_since(c)
                    .and_then(|_| r.live.get(&code))
                    .map(|n| column_value(*c, *n)),
            }
        })
        .collect();
    let inputs = v
        .columns
        .iter()
        .filter_map(|c| match c {
            Column::Added(a) => {
                let code = a.as_str().to_string();
                let value = match sent {
                    Some(s) => s.get(&code).to_string(),
                    None => r
                        .from_below
                        .as_ref()
                        .and_then(|f| f.get(&code))
                        .map(|n| n.to_string())
                        .unwrap_or_default(),
                };
                Some((code, column_label(ctx.catalogs(), ctx.lang, *c), value))
            }
            Column::Computed(_) => None,
        })
        .collect();
    RowPage {
        returned: r.row.status == ReturnStatus::Returned,
        status_key: format!("report.returns.state.{}", r.row.status.as_str()),
        cells,
        inputs,
        view: r.clone(),
    }
}

async fn show_page(
    state: &AppState,
    ctx: PageCtx,
    id: i64,
    failed: Option<(i64, SentForm, FormErrors)>,
    status: StatusCode,
) -> Result<Response, Failure> {
    let caller = ctx.caller()?;
    let mut tx = state.db.read().await?;
    let v = cases::show(&mut tx, &caller, id).await?;
    drop(tx);
    let headers = v
        .columns
        .iter()
        .map(|c| column_label(ctx.catalogs(), ctx.lang, *c))
        .collect();
    let rows = v
        .rows
        .iter()
        .map(|r| {
            let sent = failed
                .as_ref()
                .filter(|(org, _, _)| *org == r.row.org_id)
                .map(|(_, s, _)| s);
            row_page(&ctx, &v, r, sent)
        })
        .collect();
    let totals = v
        .columns
        .iter()
        .map(|c| {
            v.accepted_totals
                .get(&c.code())
                .map(|n| column_value(*c, *n))
                .unwrap_or_default()
        })
        .collect();
    let (failed, sent, errors) = match failed {
        Some((org, sent, errors)) => (Some(org), sent, errors),
        None => (None, SentForm::default(), FormErrors::none()),
    };
    Ok(render(
        status,
        &ShowPage {
            ctx,
            manages: v.manages,
            missing: v.missing,
            ret: v.ret,
            headers,
            rows,
            totals,
            failed,
            sent,
            errors,
        },
    ))
}

pub async fn show(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<i64>,
) -> Result<Response, Failure> {
    show_page(&state, ctx, id, None, StatusCode::OK).await
}

/// A command on one unit's row from its form: decoded into `I` and run by `run`, then back to
/// the return with `flash` (chosen from the answer), or the return again with the row's form as
/// sent and its problems.
async fn row_command<I: serde::de::DeserializeOwned, T>(
    state: &AppState,
    ctx: PageCtx,
    (id, org): (i64, OrgId),
    body: &[u8],
    run: impl AsyncFnOnce(
        &mut ingot_store::Tx,
        &ingot_app::Caller<'_>,
        &I,
    ) -> Result<T, ingot_domain::AppError>,
    flash: impl FnOnce(&Result<T, ingot_domain::AppError>) -> &'static str,
) -> Result<Response, Failure> {
    let result = in_tx(state, &ctx, async |tx, caller| {
        let input: I = decode_form(body)?;
        run(tx, caller, &input).await
    })
    .await;
    let flash = flash(&result);
    let to = format!("/returns/{id}");
    answer(ctx, result, &to, flash, async |ctx, errors, status| {
        let sent = Some((org.0, SentForm::of(body), errors));
        show_page(state, ctx, id, sent, status).await
    })
    .await
}

pub async fn submit(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path((id, org)): Path<(i64, OrgId)>,
    body: Bytes,
) -> Result<Response, Failure> {
    let run = async |tx: &mut ingot_store::Tx,
                     caller: &ingot_app::Caller<'_>,
                     input: &SubmissionInput| {
        cases::submit(tx, caller, (id, org), input).await
    };
    row_command(&state, ctx, (id, org), &body, run, |_| "return_submitted").await
}

pub async fn review(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path((id, org)): Path<(i64, OrgId)>,
    body: Bytes,
) -> Result<Response, Failure> {
    let run =
        async |tx: &mut ingot_store::Tx, caller: &ingot_app::Caller<'_>, input: &ReviewInput| {
            cases::review(tx, caller, (id, org), input).await
        };
    let flash = |result: &Result<ReturnStatus, ingot_domain::AppError>| match result {
        Ok(ReturnStatus::Returned) => "return_sent_back",
        _ => "return_accepted",
    };
    row_command(&state, ctx, (id, org), &body, run, flash).await
}
