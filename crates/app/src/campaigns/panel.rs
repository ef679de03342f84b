//! The panel: adding experts from the pool to a campaign and recording conflicts of interest,
//! declared by an expert or recorded by staff.

use super::{load, may_manage, require_manage, require_stage};
use crate::audit::{Change, record};
use crate::{Caller, Result};
use ingot_domain::campaign::{self as rules, ConflictSource, Stage};
use ingot_domain::validate::{Validator, problem};
use ingot_domain::{
    AppError, CampaignId, DeclarationId, FieldError, OrgId, Role, Timestamp, UserId,
};
use ingot_store::campaigns::{self as store, Expert};
use ingot_store::{Tx, users};

/// Adding an expert to the panel, as the form and the API send it.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default)]
#[schema(as = ExpertBody)]
pub struct ExpertInput {
    pub username: String,
    /// The fields as the records name them (`["冶金", "稀土"]`); an entry may itself list
    /// several separated by commas, as the form's one input sends them.
    pub fields: Vec<String>,
    pub profile: String,
}

/// Adds a person holding the expert role to the pool (or updates their fields and profile)
/// and to this campaign's panel.
pub async fn add_expert(
    tx: &mut Tx,
    caller: &Caller<'_>,
    campaign: CampaignId,
    input: &ExpertInput,
) -> Result<()> {
    let c = load(tx, campaign).await?;
    require_manage(caller, &c)?;
    require_stage(&c, &[Stage::Declaration, Stage::FormalCheck, Stage::Review])?;
    let mut v = Validator::new();
    let fields = v.required_text("fields", &input.fields.join(","), rules::TEXT_MAX);
    let profile = v
        .optional_text("profile", Some(&input.profile), rules::TEXT_MAX)
        .unwrap_or_default();
    let user = users::get_by_username(tx, &input.username.trim().to_lowercase()).await?;
    let user = match user {
        Some(u) if u.active => {
            let grants = ingot_store::grants::of_user(tx, u.id).await?;
            if grants.iter().any(|g| g.role == Role::Expert) {
                Ok(u)
            } else {
                problem(FieldError::new("username", "not_an_expert"))
            }
        }
        _ => problem(
            FieldError::new("username", "unknown_user").with("username", input.username.trim()),
        ),
    };
    let user = v.finish_with(user)?;
    let fields = fields
        .split([',', '，', '、'])
        .map(str::trim)
        .filter(|f| !f.is_empty())
        .collect::<Vec<_>>()
        .join(",");
    store::upsert_expert(tx, user.id, &fields, &profile, Timestamp::now()).await?;
    store::add_to_panel(tx, campaign.0, user.id).await?;
    record(
        tx,
        caller,
        Change::new("campaign.add_expert", "campaign", campaign.0)
            .label(&user.username)
            .org(OrgId(c.org_id))
            .after(&serde_json::json!({ "fields": fields })),
    )
    .await
}

/// A conflict of interest, as the form and the API send it.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default)]
#[schema(as = ConflictBody)]
pub struct ConflictInput {
    #[schema(value_type = Option<i64>)]
    pub declaration_id: Option<DeclarationId>,
    /// The expert (staff only); an expert declaring their own conflict leaves it empty.
    pub username: String,
    pub reason: String,
}

/// Records a conflict of interest: an expert declaring their own, or staff recording one.
pub async fn add_conflict(
    tx: &mut Tx,
    caller: &Caller<'_>,
    campaign: CampaignId,
    input: &ConflictInput,
) -> Result<()> {
    let c = load(tx, campaign).await?;
    require_stage(&c, &[Stage::Declaration, Stage::FormalCheck, Stage::Review])?;
    let mut v = Validator::new();
    let reason = v.required_text("reason", &input.reason, rules::TEXT_MAX);
    let d = match input.declaration_id {
        Some(id) => store::get_declaration(tx, id.0)
            .await?
            .filter(|d| d.campaign_id == campaign.0),
        None => None,
    }
    .ok_or_else(|| vec![FieldError::new("declaration_id", "unknown_declaration")]);
    let panel = store::panel(tx, campaign.0).await?;
    let manage = may_manage(caller, &c);
    let (expert, source) = if manage && !input.username.trim().is_empty() {
        let name = input.username.trim().to_lowercase();
        match panel.iter().find(|e| e.username == name) {
            Some(e) => (Ok(UserId(e.user_id)), ConflictSource::Manual),
            None => (
                problem(FieldError::new("username", "not_on_panel")),
                ConflictSource::Manual,
            ),
        }
    } else {
        match caller
            .user_id()
            .filter(|u| panel.iter().any(|e| e.user_id == u.0))
        {
            Some(u) => (Ok(u), ConflictSource::Declared),
            None => return Err(AppError::forbidden()),
        }
    };
    let (d, expert) = v.finish_with((d, expert))?;
    store::insert_conflict(
        tx,
        &store::NewConflict {
            campaign_id: campaign.0,
            user_id: expert,
            declaration_id: d.id,
            source: source.as_str(),
            reason: &reason,
            created_by: caller.user_id(),
        },
        Timestamp::now(),
    )
    .await?;
    record(
        tx,
        caller,
        Change::new("campaign.conflict", "declaration", d.id)
            .label(&d.title)
            .org(OrgId(c.org_id))
            .after(&serde_json::json!({ "expert": expert, "source": source, "reason": reason })),
    )
    .await
}

pub async fn panel(tx: &mut Tx, campaign: CampaignId) -> Result<Vec<Expert>> {
    store::panel(tx, campaign.0).await
}
