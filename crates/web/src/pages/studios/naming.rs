//! Naming pages: recording an earlier naming on a studio's page, naming calls (list, publish, read,
//! apply), and an application with its on-site review (made for a phone) and the decision.

use super::{finish, read_multipart, store_photos};
use crate::AppState;
use crate::ctx::PageCtx;
use crate::error::{Failure, status_of};
use crate::forms::{FormErrors, decode_form, is_form_error};
use crate::pages::{done, form_command, render};
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use ingot_app::studios::{self as cases, ApplicationDetail, CallDetail};
use ingot_domain::org::Organisation;
use ingot_domain::studio::{ChecklistItem, Level};
use ingot_domain::{ApplicationId, CallId, StudioId};
use ingot_store::studios::{Call, Studio};

form_command!(
    record_naming,
    StudioId,
    cases::RecordNamingInput,
    cases::record_naming,
    "studio_named"
);

#[derive(Template)]
#[template(path = "studios/calls.html")]
struct CallsPage {
    ctx: PageCtx,
    calls: Vec<Call>,
    orgs: Vec<Organisation>,
    /// The call shown: empty, or what was sent with its problems.
    form: cases::CallInput,
    errors: FormErrors,
    levels: &'static [Level],
}

async fn calls_page(
    state: &AppState,
    ctx: PageCtx,
    form: cases::CallInput,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response, Failure> {
    let mut tx = state.db.read().await?;
    let calls = cases::calls(&mut tx).await?;
    let orgs = super::namer_orgs(&mut tx, &ctx).await?;
    drop(tx);
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
        cases::CallInput::default(),
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
    let input = decode_form::<cases::CallInput>(&body);
    let r = crate::pages::in_tx(&state, &ctx, async |tx, c| {
        cases::create_call(tx, c, input.as_ref().map_err(Clone::clone)?).await
    })
    .await;
    match r {
        Ok(id) => Ok(done(&format!("/studios/calls/{id}"), "call_created")),
        Err(e) if is_form_error(&e) => {
            let errors = FormErrors::from_error(ctx.catalogs(), ctx.lang, &e);
            calls_page(
                &state,
                ctx,
                input.unwrap_or_default(),
                errors,
                status_of(&e),
            )
            .await
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
    Path(id): Path<CallId>,
) -> Result<Response, Failure> {
    call_page(&state, ctx, id, FormErrors::none(), StatusCode::OK).await
}

pub async fn apply(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<CallId>,
    body: Bytes,
) -> Result<Response, Failure> {
    let call_id = id;
    let r = crate::pages::in_tx(&state, &ctx, async |tx, c| {
        let input: cases::ApplyInput = decode_form(&body)?;
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
    /// The review and the decision shown: empty, or what was sent with its problems.
    review_form: cases::ReviewInput,
    decision_form: cases::DecisionInput,
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
                            self.ctx.code_name("level", s("level")),
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
                .review_form
                .checklist
                .iter()
                .any(|c| c == item.as_str()),
        }
    }
}

/// What the application page's forms show again after a refusal.
#[derive(Default)]
struct Sent {
    review: cases::ReviewInput,
    decision: cases::DecisionInput,
}

async fn application_page(
    state: &AppState,
    ctx: PageCtx,
    id: ApplicationId,
    sent: Sent,
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
            review_form: sent.review,
            decision_form: sent.decision,
            today,
            errors,
        },
    ))
}

pub async fn application(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<ApplicationId>,
) -> Result<Response, Failure> {
    application_page(
        &state,
        ctx,
        id,
        Sent::default(),
        FormErrors::none(),
        StatusCode::OK,
    )
    .await
}

pub async fn review(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<ApplicationId>,
    mp: Multipart,
) -> Result<Response, Failure> {
    let (input, files) = match read_multipart::<cases::ReviewInput>(mp).await {
        Ok(x) => x,
        Err(e) => {
            let errors = FormErrors::from_error(ctx.catalogs(), ctx.lang, &e);
            return application_page(&state, ctx, id, Sent::default(), errors, status_of(&e)).await;
        }
    };
    let r = async {
        let stored = store_photos(&state, files).await?;
        crate::pages::in_tx(&state, &ctx, async |tx, c| {
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
            let sent = Sent {
                review: input,
                ..Sent::default()
            };
            application_page(&state, ctx, id, sent, errors, status_of(&e)).await
        }
        Err(e) => Err(Failure(e)),
    }
}

pub async fn decide(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<ApplicationId>,
    body: Bytes,
) -> Result<Response, Failure> {
    let input = decode_form::<cases::DecisionInput>(&body);
    let r = crate::pages::in_tx(&state, &ctx, async |tx, c| {
        cases::decide(tx, c, id, input.as_ref().map_err(Clone::clone)?).await
    })
    .await;
    match r {
        Ok(()) => Ok(done(
            &format!("/studios/applications/{id}"),
            "application_decided",
        )),
        Err(e) if is_form_error(&e) => {
            let errors = FormErrors::from_error(ctx.catalogs(), ctx.lang, &e);
            let sent = Sent {
                decision: input.unwrap_or_default(),
                ..Sent::default()
            };
            application_page(&state, ctx, id, sent, errors, status_of(&e)).await
        }
        Err(e) => Err(Failure(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_decision_decodes_from_the_form_and_from_json() {
        let form: cases::DecisionInput =
            decode_form(b"_csrf=t&version=3&decision_note=thin&outcome=reject").unwrap();
        assert_eq!(
            (
                form.outcome.as_str(),
                form.decision_note.as_str(),
                form.version
            ),
            ("reject", "thin", Some(3))
        );
        let json: cases::DecisionInput =
            serde_json::from_str(r#"{"outcome":"reject","note":"thin"}"#).unwrap();
        assert_eq!((json.decision_note.as_str(), json.version), ("thin", None));
    }

    #[test]
    fn an_empty_choice_of_organisation_or_studio_is_none() {
        let call: cases::CallInput = decode_form(b"org_id=&title=x").unwrap();
        assert_eq!(call.org_id, None);
        let apply: cases::ApplyInput = decode_form(b"studio_id=7&statement=s").unwrap();
        assert_eq!(apply.studio_id, Some(StudioId(7)));
    }
}
