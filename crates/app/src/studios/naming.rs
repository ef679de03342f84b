//! Naming studios: calls, applications carrying a snapshot of the studio, the decision that names
//! the studio (publishing the notice and granting funding) or rejects it, and namings recorded
//! from notices published before the studio was in Ingot.

use super::registry::manageable;
use super::{
    commit, event, load, may_manage, money_field, refresh_level, require_manage, standing_levels,
    today,
};
use crate::audit::{Change, record};
use crate::{Caller, Result};
use ingot_domain::org::Organisation;
use ingot_domain::policy::Action;
use ingot_domain::studio::StudioEvent;
use ingot_domain::studio::{self as rules, ApplicationStatus, ChecklistItem, Level};
use ingot_domain::time::Date;
use ingot_domain::validate::{Checked, Validator, choice, date, problem};
use ingot_domain::{
    AppError, ApplicationId, CallId, FieldError, OrgId, OrgPath, StudioId, Timestamp,
};
use ingot_store::studios::{
    self as store, Application, Call, Naming, NewCall, Photo, SiteReview, Studio,
};
use ingot_store::{Tx, orgs};

/// Publishing a naming call, as the form and the API send it.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default)]
#[schema(as = CallBody)]
pub struct CallInput {
    #[schema(value_type = Option<i64>)]
    pub org_id: Option<OrgId>,
    pub title: String,
    pub rules: String,
    pub deadline: String,
    /// A level, `none`, or empty for the level's default (municipal or higher, none for enterprises).
    pub min_honour: String,
}

pub async fn create_call(tx: &mut Tx, caller: &Caller<'_>, input: &CallInput) -> Result<CallId> {
    let mut v = Validator::new();
    let title = v.required_text("title", &input.title, rules::NAME_MAX);
    let call_rules = v
        .optional_text("rules", Some(&input.rules), rules::TEXT_MAX)
        .unwrap_or_default();
    let deadline = date("deadline", &input.deadline);
    let naming_org = match input.org_id {
        None => problem(FieldError::new("org_id", "required")),
        Some(id) => naming_org(tx, id).await?,
    };
    let level = naming_org.as_ref().ok().map(|(_, level)| *level);
    let min_honour = match input.min_honour.trim() {
        "" => Ok(level.and_then(Level::default_min_honour)),
        "none" => Ok(None),
        raw => choice("min_honour", raw).map(Some),
    };
    let ((org, level), deadline, min_honour) = v.finish_with((naming_org, deadline, min_honour))?;
    caller.require(Action::ManageNamings, &org.path)?;
    let id = store::insert_call(
        tx,
        &NewCall {
            org_id: org.id,
            level,
            title: &title,
            rules: &call_rules,
            deadline,
            min_honour,
            created_by: caller.user_id(),
        },
        Timestamp::now(),
    )
    .await?;
    record(
        tx,
        caller,
        Change::new("studio.create_call", "naming_call", id.0)
            .label(&title)
            .org(org.id)
            .after(&serde_json::json!({ "level": level, "deadline": deadline.to_string(), "min_honour": min_honour })),
    )
    .await?;
    Ok(id)
}

/// Calls are public.
pub async fn calls(tx: &mut Tx) -> Result<Vec<Call>> {
    store::calls(tx, None).await
}

#[derive(Debug, Clone)]
pub struct CallDetail {
    pub call: Call,
    pub org: Organisation,
    /// All applications for the calling federation and its reviewers; one's own otherwise.
    pub applications: Vec<Application>,
    pub manage: bool,
    pub open: bool,
}

pub(super) fn call_path(call: &Call) -> OrgPath {
    OrgPath::from_stored(call.org_path.clone())
}

pub async fn call_detail(
    tx: &mut Tx,
    caller: Option<&Caller<'_>>,
    id: CallId,
) -> Result<CallDetail> {
    let call = store::get_call(tx, id)
        .await?
        .ok_or_else(|| AppError::not_found("naming_call"))?;
    let org = orgs::get(tx, OrgId(call.org_id))
        .await?
        .ok_or_else(|| AppError::not_found("naming_call"))?;
    let path = call_path(&call);
    let (manage, reviews) = match caller {
        Some(c) => (
            c.permits(Action::ManageNamings, &path),
            c.permits(Action::ReviewNaming, &path),
        ),
        None => (false, false),
    };
    let mut applications = store::applications_of_call(tx, id).await?;
    if !(manage || reviews) {
        let mine = match caller {
            Some(c) => manageable(tx, c)
                .await?
                .into_iter()
                .map(|s| s.id.0)
                .collect(),
            None => Vec::new(),
        };
        applications.retain(|a| mine.contains(&a.studio_id));
    }
    // The public sees the deadline in the deployment's default calendar (China Standard Time).
    let day = caller.map_or_else(
        || {
            Date::of(
                Timestamp::now(),
                ingot_domain::time::CHINA_STANDARD_OFFSET_MS,
            )
        },
        today,
    );
    let open = day <= call.deadline;
    Ok(CallDetail {
        call,
        org,
        applications,
        manage,
        open,
    })
}

/// Applying for a naming call, as the form and the API send it.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default)]
#[schema(as = ApplyBody)]
pub struct ApplyInput {
    #[schema(value_type = Option<i64>)]
    pub studio_id: Option<StudioId>,
    pub statement: String,
}

/// The studio's record as the application carries it.
async fn snapshot(tx: &mut Tx, s: &Studio, utc_offset_ms: i64) -> Result<serde_json::Value> {
    let members = store::members(tx, s.id).await?;
    let current: Vec<&String> = members
        .iter()
        .filter(|m| m.left_on.is_none())
        .map(|m| &m.display_name)
        .collect();
    let (_, _, outputs) = super::studio_outputs(tx, s.id, utc_offset_ms).await?;
    let namings = store::namings(tx, s.id).await?;
    Ok(serde_json::json!({
        "name": s.name,
        "kind": s.kind,
        "unit": s.unit_name,
        "lead": s.lead_name,
        "lead_honours": store::honours(tx, s.lead_id).await?,
        "founded_on": s.founded_on,
        "address": s.address,
        "fields": store::fields(tx, s.id).await?,
        "members": current,
        "member_count": current.len(),
        "namings": namings.iter().map(|n| serde_json::json!({
            "level": n.level, "by": n.org_name, "notice": n.notice_number, "status": n.status,
            "named_on": n.named_on })).collect::<Vec<_>>(),
        "outputs": outputs,
    }))
}

pub async fn apply(
    tx: &mut Tx,
    caller: &Caller<'_>,
    call_id: CallId,
    input: &ApplyInput,
) -> Result<ApplicationId> {
    apply_at(tx, caller, call_id, input, today(caller)).await
}

/// Applies as on `on` (the demo loader writes applications on their historical dates).
pub(crate) async fn apply_at(
    tx: &mut Tx,
    caller: &Caller<'_>,
    call_id: CallId,
    input: &ApplyInput,
    on: Date,
) -> Result<ApplicationId> {
    let call = store::get_call(tx, call_id)
        .await?
        .ok_or_else(|| AppError::not_found("naming_call"))?;
    let mut v = Validator::new();
    let statement = v
        .optional_text("statement", Some(&input.statement), rules::TEXT_MAX)
        .unwrap_or_default();
    let Some(studio_id) = input.studio_id else {
        return Err(AppError::field("studio_id", "required"));
    };
    let s = load(tx, studio_id).await?;
    require_manage(caller, &s)?;
    if on > call.deadline {
        return Err(AppError::conflict("call_closed"));
    }
    if !s.unit_path.is_within(&call_path(&call)) {
        v.add(FieldError::new("studio_id", "studio_outside_call"));
    }
    let level = call.level;
    let min = call.min_honour;
    let honours: Vec<Level> = store::honours(tx, s.lead_id)
        .await?
        .iter()
        .map(|h| h.level)
        .collect();
    let held = standing_levels(&store::namings(tx, s.id).await?);
    for problem in rules::eligibility(level, min, &honours, &held, s.status) {
        v.add(problem);
    }
    if store::applications_of_studio(tx, s.id)
        .await?
        .iter()
        .any(|a| a.call_id == call.id)
    {
        v.add(FieldError::new("studio_id", "already_applied"));
    }
    v.finish()?;
    let snap = snapshot(tx, &s, caller.origin.utc_offset_ms).await?;
    let id = store::insert_application(
        tx,
        call_id,
        s.id,
        &statement,
        &snap.to_string(),
        caller.user_id(),
        Timestamp::now(),
    )
    .await?;
    event(
        tx,
        caller,
        s.id,
        on,
        StudioEvent::Applied {
            level,
            org: call.org_name.clone(),
            application: id.0,
        },
        false,
    )
    .await?;
    record(
        tx,
        caller,
        Change::new("studio.apply", "naming_application", id.0)
            .label(&s.name)
            .org(s.unit_id)
            .after(&serde_json::json!({ "call_id": call.id, "level": level })),
    )
    .await?;
    Ok(id)
}

#[derive(Debug, Clone)]
pub struct ApplicationDetail {
    pub application: Application,
    pub call: Call,
    pub studio: Studio,
    pub snapshot: serde_json::Value,
    pub review: Option<SiteReview>,
    pub review_photos: Vec<Photo>,
    pub naming: Option<Naming>,
    pub may_review: bool,
    pub may_decide: bool,
    pub checklist: Vec<ChecklistItem>,
}

pub async fn application_detail(
    tx: &mut Tx,
    caller: &Caller<'_>,
    id: ApplicationId,
) -> Result<ApplicationDetail> {
    let application = store::get_application(tx, id)
        .await?
        .ok_or_else(|| AppError::not_found("naming_application"))?;
    let call = store::get_call(tx, CallId(application.call_id))
        .await?
        .ok_or_else(|| AppError::internal("application without call"))?;
    let studio = load(tx, StudioId(application.studio_id)).await?;
    let path = call_path(&call);
    let decide = caller.permits(Action::ManageNamings, &path);
    let review = caller.permits(Action::ReviewNaming, &path);
    if !(decide || review || may_manage(caller, &studio)) {
        return Err(AppError::not_found("naming_application"));
    }
    let site = store::review_of(tx, id).await?;
    let review_photos = match &site {
        Some(r) => store::photos(tx, studio.id)
            .await?
            .into_iter()
            .filter(|p| p.review_id == Some(r.id))
            .collect(),
        None => Vec::new(),
    };
    let naming = store::namings(tx, studio.id)
        .await?
        .into_iter()
        .find(|n| n.application_id == Some(id.0));
    let status = Some(application.status);
    Ok(ApplicationDetail {
        snapshot: serde_json::from_str(&application.snapshot).unwrap_or_default(),
        may_review: review && status == Some(ApplicationStatus::Submitted),
        may_decide: decide
            && matches!(
                status,
                Some(ApplicationStatus::Submitted | ApplicationStatus::Reviewed)
            ),
        application,
        call,
        studio,
        review: site,
        review_photos,
        naming,
        checklist: ChecklistItem::ALL.to_vec(),
    })
}

/// Approving or rejecting an application, as the form and the API send it.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default)]
#[schema(as = NamingDecisionBody)]
pub struct DecisionInput {
    /// `approve` or `reject`.
    pub outcome: String,
    pub notice_number: String,
    pub notice_date: String,
    pub notice_title: String,
    /// Yuan; empty for none.
    // Granted with the naming as special funding; 0 is none too.
    #[serde(deserialize_with = "ingot_domain::validate::decimal_text")]
    pub funding: String,
    // The API calls it `note`; the application page's form, beside the review's fields,
    // `decision_note`.
    #[serde(rename = "note", alias = "decision_note")]
    pub decision_note: String,
    pub version: Option<i64>,
}

struct NoticeInput {
    number: String,
    date: Date,
    title: String,
}

fn check_notice(
    v: &mut Validator,
    input: &DecisionInput,
    default_title: String,
) -> Checked<NoticeInput> {
    let number = v.required_text("notice_number", &input.notice_number, 100);
    let title = v
        .optional_text("notice_title", Some(&input.notice_title), rules::NAME_MAX)
        .unwrap_or(default_title);
    Ok(NoticeInput {
        number,
        date: date("notice_date", &input.notice_date)?,
        title,
    })
}

/// The organisation that names studios, with the level its namings carry.
async fn naming_org(tx: &mut Tx, id: OrgId) -> Result<Checked<(Organisation, Level)>> {
    Ok(match orgs::get(tx, id).await? {
        Some(org) => match Level::of_org(org.kind) {
            Some(level) => Ok((org, level)),
            None => problem(FieldError::new("org_id", "org_cannot_name")),
        },
        None => problem(FieldError::new("org_id", "org_cannot_name")),
    })
}

/// Publishes a notice and a naming, keeps the studio's level, grants funding.
#[allow(clippy::too_many_arguments)]
async fn name_studio(
    tx: &mut Tx,
    caller: &Caller<'_>,
    s: &Studio,
    org: OrgId,
    org_name: &str,
    level: Level,
    application: Option<ApplicationId>,
    notice: &NoticeInput,
    funding_cents: Option<i64>,
) -> Result<i64> {
    let now = Timestamp::now();
    let notice_id = match store::find_notice(tx, org, &notice.number).await? {
        // One notice names a whole batch of studios: its number on its day is that notice.
        Some((id, issued_on)) if issued_on == notice.date => id,
        Some(_) => {
            return Err(AppError::Validation(vec![
                FieldError::new("notice_number", "notice_number_taken")
                    .with("number", &notice.number),
            ]));
        }
        None => {
            store::insert_notice(tx, org, &notice.number, notice.date, &notice.title, now).await?
        }
    };
    let naming =
        store::insert_naming(tx, s.id, level, org, application, notice_id, notice.date).await?;
    refresh_level(tx, s.id).await?;
    event(
        tx,
        caller,
        s.id,
        notice.date,
        StudioEvent::Named {
            level,
            org: org_name.to_string(),
            notice: notice.number.clone(),
        },
        true,
    )
    .await?;
    if let Some(cents) = funding_cents.filter(|c| *c > 0) {
        store::insert_funding(tx, s.id, naming, org, cents, now).await?;
        event(
            tx,
            caller,
            s.id,
            notice.date,
            StudioEvent::FundingGranted {
                level,
                org: org_name.to_string(),
                cents,
            },
            true,
        )
        .await?;
    }
    Ok(naming)
}

/// Approves (naming the studio, publishing the notice, granting funding) or rejects.
pub async fn decide(
    tx: &mut Tx,
    caller: &Caller<'_>,
    id: ApplicationId,
    input: &DecisionInput,
) -> Result<()> {
    store::lock_application(tx, id).await?;
    let a = store::get_application(tx, id)
        .await?
        .ok_or_else(|| AppError::not_found("naming_application"))?;
    let call = store::get_call(tx, CallId(a.call_id))
        .await?
        .ok_or_else(|| AppError::internal("application without call"))?;
    caller.require(Action::ManageNamings, &call_path(&call))?;
    if input.version.is_some_and(|ver| ver != a.version) {
        return Err(AppError::conflict("application_changed"));
    }
    let s = load(tx, StudioId(a.studio_id)).await?;
    let level = call.level;
    let status = Some(a.status);
    let mut v = Validator::new();
    let note = v.optional_text("decision_note", Some(&input.decision_note), rules::TEXT_MAX);
    match input.outcome.trim() {
        "approve" => {
            if matches!(
                status,
                Some(ApplicationStatus::Approved | ApplicationStatus::Rejected)
            ) {
                return Err(AppError::conflict("application_decided"));
            }
            if status != Some(ApplicationStatus::Reviewed) {
                return Err(AppError::conflict("site_review_required"));
            }
            let notice = check_notice(&mut v, input, format!("{} {}", call.title, s.name));
            let funding = money_field("funding", &input.funding);
            // Eligibility is checked again: a title may have been lost since the application.
            let honours: Vec<Level> = store::honours(tx, s.lead_id)
                .await?
                .iter()
                .map(|h| h.level)
                .collect();
            let held = standing_levels(&store::namings(tx, s.id).await?);
            let min = call.min_honour;
            for problem in rules::eligibility(level, min, &honours, &held, s.status) {
                v.add(problem);
            }
            let (notice, funding) = v.finish_with((notice, funding))?;
            name_studio(
                tx,
                caller,
                &s,
                OrgId(call.org_id),
                &call.org_name,
                level,
                Some(id),
                &notice,
                funding,
            )
            .await?;
            store::set_application_status(
                tx,
                id,
                a.version,
                "approved",
                Some(Timestamp::now()),
                note.as_deref(),
            )
            .await?;
            commit(
                tx,
                caller,
                s.id,
                Change::new("studio.approve", "naming_application", id.0)
                    .label(&s.name)
                    .org(s.unit_id)
                    .after(
                        &serde_json::json!({ "level": level, "notice_number": notice.number,
                        "notice_date": notice.date.to_string(), "funding_cents": funding }),
                    ),
            )
            .await?;
        }
        "reject" => {
            if note.is_none() {
                v.add(FieldError::new("decision_note", "required"));
            }
            v.finish()?;
            if !matches!(
                status,
                Some(ApplicationStatus::Submitted | ApplicationStatus::Reviewed)
            ) {
                return Err(AppError::conflict("application_decided"));
            }
            store::set_application_status(
                tx,
                id,
                a.version,
                "rejected",
                Some(Timestamp::now()),
                note.as_deref(),
            )
            .await?;
            event(
                tx,
                caller,
                s.id,
                today(caller),
                StudioEvent::Rejected {
                    level,
                    org: call.org_name.clone(),
                },
                false,
            )
            .await?;
            record(
                tx,
                caller,
                Change::new("studio.reject", "naming_application", id.0)
                    .label(&s.name)
                    .org(s.unit_id)
                    .after(&serde_json::json!({ "note": note })),
            )
            .await?;
        }
        _ => {
            return Err(AppError::Validation(vec![
                FieldError::new("outcome", "unknown_option").with("allowed", "approve, reject"),
            ]));
        }
    }
    Ok(())
}

/// Recording a naming from a notice published earlier, as the form and the API send it.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default)]
#[schema(as = RecordNamingBody)]
pub struct RecordNamingInput {
    /// The naming organisation: an enterprise union, or a city, provincial or national federation.
    #[schema(value_type = Option<i64>)]
    pub org_id: Option<OrgId>,
    pub notice_number: String,
    pub notice_date: String,
    pub notice_title: String,
    /// Special funding in yuan; empty for none.
    #[serde(deserialize_with = "ingot_domain::validate::decimal_text")]
    pub funding: String,
}

/// Records a naming published before the studio was in Ingot (from the notice), keeping the
/// same order rule as an application.
pub async fn record_naming(
    tx: &mut Tx,
    caller: &Caller<'_>,
    id: StudioId,
    input: &RecordNamingInput,
) -> Result<i64> {
    let s = load(tx, id).await?;
    let mut v = Validator::new();
    let naming_org = match input.org_id {
        Some(o) => naming_org(tx, o).await?,
        None => problem(FieldError::new("org_id", "org_cannot_name")),
    };
    let d = DecisionInput {
        notice_number: input.notice_number.clone(),
        notice_date: input.notice_date.clone(),
        notice_title: input.notice_title.clone(),
        ..Default::default()
    };
    let notice = check_notice(&mut v, &d, s.name.clone());
    let funding = money_field("funding", &input.funding);
    let ((org, level), notice, funding) = v.finish_with((naming_org, notice, funding))?;
    caller.require(Action::ManageNamings, &org.path)?;
    if !s.unit_path.is_within(&org.path) {
        return Err(AppError::field("org_id", "studio_outside_call"));
    }
    let held = standing_levels(&store::namings(tx, s.id).await?);
    let problems = rules::eligibility(level, None, &[], &held, s.status);
    if !problems.is_empty() {
        return Err(AppError::Validation(problems));
    }
    let naming = name_studio(
        tx, caller, &s, org.id, &org.name, level, None, &notice, funding,
    )
    .await?;
    commit(
        tx,
        caller,
        id,
        Change::new("studio.record_naming", "studio", id.0)
            .label(&s.name)
            .org(s.unit_id)
            .after(&serde_json::json!({ "level": level, "org": org.code, "notice_number": notice.number,
                "notice_date": notice.date.to_string(), "funding_cents": funding })),
    )
    .await?;
    Ok(naming)
}

/// A naming notice and the studios it named.
#[derive(Debug, Clone)]
pub struct NoticeDetail {
    pub notice: store::Notice,
    pub entries: Vec<store::NoticeEntry>,
}

/// A published naming notice, open to everyone (as the notice itself is).
pub async fn notice_detail(tx: &mut Tx, id: i64) -> Result<NoticeDetail> {
    let notice = store::notice(tx, id)
        .await?
        .ok_or_else(|| AppError::not_found("naming_notice"))?;
    let entries = store::notice_entries(tx, id).await?;
    Ok(NoticeDetail { notice, entries })
}
