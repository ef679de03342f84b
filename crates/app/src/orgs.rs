//! The organisation tree: browse, create, rename, move, archive, restore, delete.

use crate::audit::{Change, record};
use crate::{Caller, Result};
use ingot_domain::org::{NewOrg, OrgInput, Organisation, validate_name};
use ingot_domain::policy::Action;
use ingot_domain::{AppError, FieldError, OrgId, OrgPath, OrgScope, Timestamp};
use ingot_store::orgs::{self, OrgFilter, OrgNode};
use ingot_store::{Page, Tx, changes};

/// What the caller may do to one organisation, for showing only the buttons that work.
#[derive(Debug, Clone, Copy, Default, serde::Serialize)]
pub struct OrgPermissions {
    pub create_child: bool,
    pub edit: bool,
    pub import: bool,
    pub view_users: bool,
    pub view_audit: bool,
}

#[derive(Debug, Clone)]
pub struct OrgDetail {
    pub org: Organisation,
    /// From the root down to the parent.
    pub ancestors: Vec<Organisation>,
    pub children: Vec<OrgNode>,
    pub can: OrgPermissions,
}

pub async fn get(tx: &mut Tx, id: OrgId) -> Result<Organisation> {
    orgs::get(tx, id)
        .await?
        .ok_or_else(|| AppError::not_found("organisation"))
}

/// The organisation a filter or form field names, or that field's `unknown_org` problem.
pub async fn named_by(tx: &mut Tx, field: &str, id: OrgId) -> Result<Organisation> {
    orgs::get(tx, id)
        .await?
        .ok_or_else(|| AppError::field(field, "unknown_org"))
}

/// The organisation with this id, if there is one (for callers that report a missing one their
/// own way).
pub async fn find(tx: &mut Tx, id: OrgId) -> Result<Option<Organisation>> {
    orgs::get(tx, id).await
}

/// The organisation with this code, if there is one.
pub async fn find_by_code(tx: &mut Tx, code: &str) -> Result<Option<Organisation>> {
    orgs::get_by_code(tx, code).await
}

/// Several organisations at once (missing ids are left out).
pub async fn get_many(tx: &mut Tx, ids: &[OrgId]) -> Result<Vec<Organisation>> {
    orgs::get_many(tx, ids).await
}

/// The chain above a place in the tree, from the root down.
pub async fn ancestors(tx: &mut Tx, path: &OrgPath) -> Result<Vec<Organisation>> {
    orgs::ancestors(tx, path).await
}

/// Browsing needs no check beyond having a `Caller`: the tree's structure is open to everyone
/// signed in (`Action::ViewOrgTree`), and the public never gets a `Caller`.
pub async fn detail(
    tx: &mut Tx,
    caller: &Caller<'_>,
    id: OrgId,
    include_archived: bool,
) -> Result<OrgDetail> {
    let org = get(tx, id).await?;
    let mut ancestors = orgs::ancestors(tx, &org.path).await?;
    ancestors.retain(|a| a.id != org.id);
    let children = orgs::children(tx, Some(id), include_archived).await?;
    let can = permissions(caller, &org);
    Ok(OrgDetail {
        org,
        ancestors,
        children,
        can,
    })
}

pub fn permissions(caller: &Caller<'_>, org: &Organisation) -> OrgPermissions {
    let live = !org.is_archived();
    OrgPermissions {
        create_child: live && caller.permits(Action::CreateOrgUnder, &org.path),
        edit: caller.permits(Action::EditOrg, &org.path),
        import: live && caller.permits(Action::ImportOrgs, &org.path),
        view_users: caller.permits(Action::ViewUser, &org.path),
        view_audit: caller.permits(Action::ViewAudit, &org.path),
    }
}

/// The top of the tree (organisations without a parent).
pub async fn roots(tx: &mut Tx, include_archived: bool) -> Result<Vec<OrgNode>> {
    orgs::children(tx, None, include_archived).await
}

pub async fn children(tx: &mut Tx, id: OrgId, include_archived: bool) -> Result<Vec<OrgNode>> {
    get(tx, id).await?;
    orgs::children(tx, Some(id), include_archived).await
}

pub async fn list(tx: &mut Tx, filter: OrgFilter, page: Page) -> Result<(Vec<Organisation>, i64)> {
    orgs::list(tx, &filter, page).await
}

/// Whether the caller may create top-level organisations: only administrators of a whole tree.
fn may_create_root(caller: &Caller<'_>) -> bool {
    caller.is_root_admin()
}

/// Checks everything about placing `kind` under `parent` that does not need the database.
pub(crate) fn check_placement(new: &NewOrg, parent: Option<&Organisation>) -> Result<()> {
    if let Some(p) = parent
        && p.is_archived()
    {
        return Err(AppError::Validation(vec![
            FieldError::new("parent", "org_parent_archived").with("code", &p.code),
        ]));
    }
    if !new.kind.may_sit_under(parent.map(|p| p.kind)) {
        let error = match parent {
            Some(p) => FieldError::new("kind", "org_kind_misplaced")
                .with("kind", new.kind.as_str())
                .with("parent_kind", p.kind.as_str()),
            None => {
                FieldError::new("kind", "org_kind_needs_parent").with("kind", new.kind.as_str())
            }
        };
        return Err(AppError::Validation(vec![error]));
    }
    Ok(())
}

pub async fn create(tx: &mut Tx, caller: &Caller<'_>, input: &OrgInput) -> Result<Organisation> {
    let parent_id = input.parent_id;
    let parent = match parent_id {
        Some(id) => Some(
            orgs::get(tx, id)
                .await?
                .ok_or_else(|| AppError::field("parent", "unknown_org"))?,
        ),
        None => None,
    };
    match &parent {
        Some(p) => caller.require(Action::CreateOrgUnder, &p.path)?,
        None if !may_create_root(caller) => return Err(AppError::forbidden()),
        None => {}
    }
    let new = input.validate(parent_id).map_err(AppError::Validation)?;
    check_placement(&new, parent.as_ref())?;
    insert_checked(tx, caller, &new, parent.as_ref()).await
}

/// Inserts an organisation whose placement and permission were already checked.
pub(crate) async fn insert_checked(
    tx: &mut Tx,
    caller: &Caller<'_>,
    new: &NewOrg,
    parent: Option<&Organisation>,
) -> Result<Organisation> {
    let now = Timestamp::now();
    let org = orgs::insert(tx, new, parent, now).await?;
    record(
        tx,
        caller,
        Change::new("org.create", "organisation", org.id.0)
            .label(&org.name)
            .org(org.id)
            .after(&org),
    )
    .await?;
    changes::record(tx, "organisation", org.id.0, "upsert", now).await?;
    Ok(org)
}

/// Records a change to an organisation: the audit row (before and after, labelled with the
/// name it has now) and the change-log row.
async fn record_change(
    tx: &mut Tx,
    caller: &Caller<'_>,
    action: &str,
    before: &Organisation,
    (after, name): (&impl serde::Serialize, &str),
    now: Timestamp,
) -> Result<()> {
    let change = Change::new(action, "organisation", before.id.0)
        .label(name)
        .org(before.id)
        .before(before)
        .after(after);
    record(tx, caller, change).await?;
    changes::record(tx, "organisation", before.id.0, "upsert", now).await
}

/// An organisation's new name.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = RenameOrgBody)]
pub struct RenameInput {
    pub name: String,
    #[serde(default)]
    pub name_en: Option<String>,
}

/// Where an organisation moves, with everything below it.
#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = MoveOrgBody)]
pub struct MoveInput {
    #[schema(value_type = i64)]
    pub parent_id: OrgId,
}

pub async fn rename(
    tx: &mut Tx,
    caller: &Caller<'_>,
    id: OrgId,
    input: &RenameInput,
) -> Result<Organisation> {
    let before = get(tx, id).await?;
    caller.require(Action::EditOrg, &before.path)?;
    let (name, name_en) = validate_name(&input.name, input.name_en.as_deref())?;
    let now = Timestamp::now();
    orgs::rename(tx, id, &name, name_en.as_deref(), now).await?;
    let after = get(tx, id).await?;
    record_change(
        tx,
        caller,
        "org.rename",
        &before,
        (&after, &after.name),
        now,
    )
    .await?;
    Ok(after)
}

pub async fn move_to(
    tx: &mut Tx,
    caller: &Caller<'_>,
    id: OrgId,
    input: &MoveInput,
) -> Result<Organisation> {
    let new_parent_id = input.parent_id;
    let org = get(tx, id).await?;
    let new_parent = orgs::get(tx, new_parent_id)
        .await?
        .ok_or_else(|| AppError::field("parent", "unknown_org"))?;
    caller.require(Action::EditOrg, &org.path)?;
    caller.require(Action::CreateOrgUnder, &new_parent.path)?;
    if new_parent.path.is_within(&org.path) {
        return Err(AppError::conflict_on("parent", "org_move_into_itself"));
    }
    if org.parent_id == Some(new_parent.id) {
        return Ok(org);
    }
    let placed = NewOrg {
        parent_id: Some(new_parent.id),
        code: org.code.clone(),
        name: org.name.clone(),
        name_en: None,
        kind: org.kind,
    };
    check_placement(&placed, Some(&new_parent))?;
    let now = Timestamp::now();
    orgs::move_subtree(tx, &org, &new_parent, now).await?;
    let after = get(tx, id).await?;
    record_change(tx, caller, "org.move", &org, (&after, &after.name), now).await?;
    Ok(after)
}

pub async fn archive(tx: &mut Tx, caller: &Caller<'_>, id: OrgId) -> Result<Organisation> {
    let before = get(tx, id).await?;
    caller.require(Action::EditOrg, &before.path)?;
    if before.is_archived() {
        return Err(AppError::conflict("org_already_archived"));
    }
    let now = Timestamp::now();
    let count = orgs::archive_subtree(tx, &before, now).await?;
    let after = get(tx, id).await?;
    let summary = serde_json::json!({ "organisation": after, "archived_with_descendants": count });
    record_change(
        tx,
        caller,
        "org.archive",
        &before,
        (&summary, &before.name),
        now,
    )
    .await?;
    Ok(after)
}

pub async fn restore(tx: &mut Tx, caller: &Caller<'_>, id: OrgId) -> Result<Organisation> {
    let before = get(tx, id).await?;
    caller.require(Action::EditOrg, &before.path)?;
    if !before.is_archived() {
        return Err(AppError::conflict("org_not_archived"));
    }
    if let Some(parent_id) = before.parent_id
        && get(tx, parent_id).await?.is_archived()
    {
        return Err(AppError::conflict("org_parent_archived"));
    }
    let now = Timestamp::now();
    orgs::restore_subtree(tx, &before, now).await?;
    let after = get(tx, id).await?;
    record_change(
        tx,
        caller,
        "org.restore",
        &before,
        (&after, &after.name),
        now,
    )
    .await?;
    Ok(after)
}

/// Deletes an organisation created by mistake. Anything with children, people or grants is
/// kept: archive it instead.
pub async fn delete(tx: &mut Tx, caller: &Caller<'_>, id: OrgId) -> Result<()> {
    let before = get(tx, id).await?;
    caller.require(Action::EditOrg, &before.path)?;
    if !orgs::delete_if_unused(tx, &before).await? {
        return Err(AppError::conflict("org_in_use"));
    }
    record(
        tx,
        caller,
        Change::new("org.delete", "organisation", id.0)
            .label(&before.name)
            .org(id)
            .before(&before),
    )
    .await?;
    changes::record(tx, "organisation", id.0, "delete", Timestamp::now()).await?;
    Ok(())
}

/// The organisations the caller administers (their grant roots), for the dashboard and filters.
pub async fn administered_roots(
    tx: &mut Tx,
    caller: &Caller<'_>,
    action: Action,
) -> Result<Vec<Organisation>> {
    let Some(scope) = caller.scope(action) else {
        return Ok(orgs::children(tx, None, false)
            .await?
            .into_iter()
            .map(|n| n.org)
            .collect());
    };
    let ids = scope.root_ids();
    let mut roots = orgs::get_many(tx, &ids).await?;
    roots.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(roots)
}

/// A scope for listing: the caller's scope for `action`, or, for the system, everything under
/// the roots.
pub async fn scope_for(tx: &mut Tx, caller: &Caller<'_>, action: Action) -> Result<OrgScope> {
    match caller.scope(action) {
        Some(scope) => Ok(scope),
        None => Ok(OrgScope::of(
            orgs::children(tx, None, true)
                .await?
                .into_iter()
                .map(|n| n.org.path),
        )),
    }
}
