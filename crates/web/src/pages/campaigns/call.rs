//! The list of award campaigns and the call form that opens one.

use super::user_caller;
use crate::AppState;
use crate::ctx::PageCtx;
use crate::error::Failure;
use crate::forms::SentForm;
use crate::forms::{FormErrors, decode_form};
use crate::pages::{answer, in_tx, ok, render};
use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::response::Response;
use ingot_app::campaigns::{self as cases, RubricCriterion, UnitQuota};
use ingot_domain::campaign::{Cadence, CampaignKind, RequiredField};
use ingot_domain::org::Organisation;
use ingot_domain::policy::{self, Action, Principal};
use ingot_domain::validate::{Checked, Validator};
use ingot_domain::{AppError, FieldError};
use ingot_store::campaigns::Campaign;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "campaigns/index.html")]
struct IndexPage {
    ctx: PageCtx,
    items: Vec<Campaign>,
    may_create: bool,
}

fn federations_run(ctx: &PageCtx, orgs: Vec<Organisation>) -> Vec<Organisation> {
    let Some(actor) = &ctx.actor else {
        return Vec::new();
    };
    orgs.into_iter()
        .filter(|o| {
            matches!(
                o.kind,
                ingot_domain::OrgKind::National
                    | ingot_domain::OrgKind::Province
                    | ingot_domain::OrgKind::City
                    | ingot_domain::OrgKind::District
            )
        })
        .filter(|o| policy::may(Principal::User(actor), Action::ManageCampaigns, &o.path))
        .collect()
}

async fn my_federations(state: &AppState, ctx: &PageCtx) -> Result<Vec<Organisation>, AppError> {
    let Some(actor) = &ctx.actor else {
        return Ok(Vec::new());
    };
    let mut tx = state.db.read().await?;
    let mut out = Vec::new();
    for g in &actor.grants {
        if let Some(o) = ingot_app::orgs::find(&mut tx, g.org_id).await? {
            out.push(o);
        }
    }
    Ok(federations_run(ctx, out))
}

pub async fn index(State(state): State<AppState>, ctx: PageCtx) -> Result<Response, Failure> {
    let mut tx = state.db.read().await?;
    let today = ctx.origin.today();
    let items = cases::list(&mut tx, user_caller(&ctx).as_ref(), today).await?;
    drop(tx);
    let may_create = !my_federations(&state, &ctx).await?.is_empty();
    Ok(ok(&IndexPage {
        ctx,
        items,
        may_create,
    }))
}

#[derive(Template)]
#[template(path = "campaigns/new.html")]
struct NewPage {
    ctx: PageCtx,
    form: SentForm,
    orgs: Vec<Organisation>,
    errors: FormErrors,
    kinds: &'static [CampaignKind],
    cadences: &'static [Cadence],
    required: &'static [RequiredField],
    levels: &'static [ingot_domain::innovation::HonourLevel],
}

impl NewPage {
    fn checked(&self, field: &str) -> bool {
        self.form.all("required_fields").iter().any(|f| f == field)
    }
}

fn new_page(ctx: PageCtx, form: SentForm, orgs: Vec<Organisation>, errors: FormErrors) -> NewPage {
    NewPage {
        ctx,
        form,
        orgs,
        errors,
        kinds: CampaignKind::ALL,
        cadences: Cadence::ALL,
        required: RequiredField::ALL,
        levels: ingot_domain::innovation::HonourLevel::ALL,
    }
}

pub async fn new_form(State(state): State<AppState>, ctx: PageCtx) -> Result<Response, Failure> {
    ctx.actor()?;
    let orgs = my_federations(&state, &ctx).await?;
    let defaults = [
        ("reviewers_per_declaration", "3"),
        ("min_load", "0"),
        ("max_load", "10"),
        ("score_scale", "10"),
        ("divergence", "15"),
        ("publicity_days", "7"),
        ("rubric", "创新性: 40\n经济和社会效益: 35\n推广价值: 25"),
        ("required_fields", "summary"),
        ("edition", "1"),
    ];
    let form = SentForm::of(
        defaults
            .iter()
            .map(|(k, v)| format!("{k}={}", crate::forms::encode(v)))
            .collect::<Vec<_>>()
            .join("&")
            .as_bytes(),
    );
    Ok(ok(&new_page(ctx, form, orgs, FormErrors::none())))
}

/// The call form's own fields: the textareas, typing one unit (`ORG-CODE: quota`) or one
/// criterion (`name: weight`) a line. Every other field is the wire struct's.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct CallForm {
    units: String,
    rubric: String,
}

/// The call as the API takes it. Lines of a textarea that are not `name: number` are problems
/// of that textarea, each naming its line, all at once; the use case checks the rest.
fn call_of_form(body: &[u8]) -> Result<cases::CampaignInput, AppError> {
    let form: CallForm = decode_form(body)?;
    let mut input: cases::CampaignInput = decode_form(&without(body, &["units", "rubric"]))?;
    let (units, rubric) = Validator::new().finish_with((
        lines("units", "unit_line_invalid", &form.units),
        lines("rubric", "rubric_line_invalid", &form.rubric),
    ))?;
    input.units = units
        .into_iter()
        .map(|(org_code, quota)| UnitQuota { org_code, quota })
        .collect();
    input.rubric = rubric
        .into_iter()
        .map(|(name, weight)| RubricCriterion { name, weight })
        .collect();
    Ok(input)
}

/// The form without the fields it names.
fn without(body: &[u8], names: &[&str]) -> Vec<u8> {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(form_urlencoded::parse(body).filter(|(k, _)| !names.contains(&k.as_ref())))
        .finish()
        .into_bytes()
}

/// The non-empty lines of a textarea as `text: number` pairs (the colon may be full-width),
/// or a problem for every line that is not one.
fn lines(field: &str, code: &'static str, text: &str) -> Checked<Vec<(String, i64)>> {
    let mut pairs = Vec::new();
    let mut problems = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let pair = line.rsplit_once([':', '：']).and_then(|(name, number)| {
            Some((name.trim().to_string(), number.trim().parse::<i64>().ok()?))
        });
        match pair {
            Some(pair) => pairs.push(pair),
            None => problems.push(FieldError::new(field, code).with("line", line)),
        }
    }
    if problems.is_empty() {
        Ok(pairs)
    } else {
        Err(problems)
    }
}

pub async fn create(
    State(state): State<AppState>,
    ctx: PageCtx,
    body: Bytes,
) -> Result<Response, Failure> {
    let form = SentForm::of(&body);
    let r = in_tx(&state, &ctx, async |tx, c| {
        let input = call_of_form(&body)?;
        cases::create(tx, c, &input).await
    })
    .await;
    let to = r
        .as_ref()
        .map_or(String::new(), |id| format!("/campaigns/{id}"));
    answer(
        ctx,
        r,
        &to,
        "campaign_created",
        async |ctx, errors, status| {
            let orgs = my_federations(&state, &ctx).await?;
            Ok(render(status, &new_page(ctx, form, orgs, errors)))
        },
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_call_form_reads_its_textareas_into_the_wire_lists() {
        let body = "_csrf=t&org_id=4&title=x&edition=2&min_record_year=&blind=true\
                    &required_fields=summary&units=CN-NM%3A+3%0D%0ACN-LN%EF%BC%9A1%0D%0A\
                    &rubric=%E5%88%9B%E6%96%B0%E6%80%A7%3A+60%0D%0Ab%3A+40";
        let input = call_of_form(body.as_bytes()).unwrap();
        assert_eq!(
            (input.edition, input.min_record_year, input.blind),
            (Some(2), None, true)
        );
        assert_eq!(input.required_fields, ["summary"]);
        assert_eq!(
            input.units,
            [
                UnitQuota {
                    org_code: "CN-NM".into(),
                    quota: 3
                },
                UnitQuota {
                    org_code: "CN-LN".into(),
                    quota: 1
                }
            ]
        );
        assert_eq!(
            input
                .rubric
                .iter()
                .map(|c| (c.name.as_str(), c.weight))
                .collect::<Vec<_>>(),
            [("创新性", 60), ("b", 40)]
        );

        let Err(AppError::Validation(errors)) =
            call_of_form(b"units=CN-NM+3%0ACN-LN%3A+x&rubric=a%3A+100")
        else {
            panic!("lines that are not `code: quota`")
        };
        let named: Vec<_> = errors
            .iter()
            .map(|e| (e.field.as_str(), e.code, e.params[0].1.as_str()))
            .collect();
        assert_eq!(
            named,
            [
                ("units", "unit_line_invalid", "CN-NM 3"),
                ("units", "unit_line_invalid", "CN-LN: x")
            ]
        );
    }
}
