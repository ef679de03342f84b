//! Alliances and mentoring pairs of studios under a federation.

use super::event;
use crate::audit::{Change, record};
use crate::{Caller, Result};
use ingot_domain::AllianceId;
use ingot_domain::policy::Action;
use ingot_domain::studio as rules;
use ingot_domain::studio::{AllianceKind, StudioEvent};
use ingot_domain::time::Date;
use ingot_domain::validate::Validator;
use ingot_domain::validate::date;
use ingot_domain::{AppError, FieldError, OrgId, StudioId, Timestamp};
use ingot_store::studios as store;
use ingot_store::{Tx, orgs};

/// An alliance (or mentoring pair) of studios, as the API sends it.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
#[schema(as = AllianceBody)]
pub struct AllianceInput {
    /// The organisation whose area the studios lie in; the caller runs namings there.
    #[schema(value_type = Option<i64>)]
    pub org_id: Option<OrgId>,
    /// `alliance` or `pairing` (mentoring: the lead studio mentors the other).
    pub kind: String,
    pub name: String,
    #[schema(value_type = Option<i64>)]
    pub lead_studio_id: Option<StudioId>,
    #[schema(value_type = Vec<i64>)]
    pub studio_ids: Vec<StudioId>,
    pub founded_on: String,
    pub description: String,
}

/// Forms an alliance (or a mentoring pair) of studios under the caller's federation: every
/// studio must lie within the subtree of an organisation where the caller runs namings.
pub async fn create_alliance(
    tx: &mut Tx,
    caller: &Caller<'_>,
    input: &AllianceInput,
) -> Result<AllianceId> {
    let org = input
        .org_id
        .ok_or_else(|| AppError::field("org_id", "required"))?;
    let o = orgs::get(tx, org)
        .await?
        .ok_or_else(|| AppError::not_found("organisation"))?;
    caller.require(Action::ManageNamings, &o.path)?;
    let mut v = Validator::new();
    let name = v.required_text("name", &input.name, rules::NAME_MAX);
    let description = v
        .optional_text("description", Some(&input.description), rules::TEXT_MAX)
        .unwrap_or_default();
    let kind = AllianceKind::parse(&input.kind).unwrap_or_else(|| {
        v.add(FieldError::new("kind", "unknown_option").with("allowed", AllianceKind::codes()));
        AllianceKind::Alliance
    });
    let founded = date("founded_on", &input.founded_on);
    let mut ids: Vec<StudioId> = Vec::new();
    if let Some(l) = input.lead_studio_id {
        ids.push(l);
    } else {
        v.add(FieldError::new("lead_studio_id", "required"));
    }
    for s in &input.studio_ids {
        if !ids.contains(s) {
            ids.push(*s);
        }
    }
    if ids.len() < 2 {
        v.add(FieldError::new("studio_ids", "alliance_too_small"));
    }
    if kind == AllianceKind::Pairing && ids.len() != 2 {
        v.add(FieldError::new("studio_ids", "pairing_needs_two"));
    }
    let mut studios = Vec::new();
    for id in &ids {
        match store::get(tx, *id).await? {
            Some(s) if s.unit_path.is_within(&o.path) => studios.push(s),
            _ => v.add(FieldError::new("studio_ids", "studio_outside_call").with("id", id)),
        }
    }
    let founded = v.finish_with(founded)?;
    let lead = ids[0];
    let id = store::insert_alliance(
        tx,
        org,
        kind,
        &name,
        lead,
        founded,
        &description,
        Timestamp::now(),
    )
    .await?;
    for s in &studios {
        store::add_alliance_member(tx, id, s.id, founded).await?;
        event(
            tx,
            caller,
            s.id,
            founded,
            StudioEvent::JoinedAlliance {
                alliance: name.clone(),
            },
            true,
        )
        .await?;
    }
    record(
        tx,
        caller,
        Change::new("studio.create_alliance", "alliance", id)
            .label(&name)
            .org(org)
            .after(&serde_json::json!({ "kind": kind, "lead": lead, "studios": ids })),
    )
    .await?;
    Ok(AllianceId(id))
}

pub async fn alliance(
    tx: &mut Tx,
    id: AllianceId,
) -> Result<(store::Alliance, Vec<(i64, String, Date)>)> {
    let a = store::get_alliance(tx, id.0)
        .await?
        .ok_or_else(|| AppError::not_found("alliance"))?;
    let members = store::alliance_members(tx, id.0).await?;
    Ok((a, members))
}

pub async fn alliances(tx: &mut Tx) -> Result<Vec<store::Alliance>> {
    store::alliances(tx, None).await
}
