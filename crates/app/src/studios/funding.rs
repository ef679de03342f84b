//! A named studio's special funding: payments of the grant and spending from it, neither
//! exceeding the grant.

use super::{commit, load, may_manage, positive_money_field};
use crate::audit::Change;
use crate::{Caller, Result};
use ingot_domain::policy::Action;
use ingot_domain::studio::{self as rules, EntryKind, SpendCategory};
use ingot_domain::validate::Validator;
use ingot_domain::validate::date;
use ingot_domain::{AppError, FieldError, FundingId, OrgId, StudioId, Timestamp};
use ingot_store::studios::{self as store, NewEntry};
use ingot_store::{Tx, orgs};

/// A payment of special funding or spending from it, as the form and the API send it.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default)]
#[schema(as = EntryBody)]
pub struct EntryInput {
    /// `payment` (by the granting federation) or `spending` (by the studio).
    pub kind: String,
    /// For spending: `equipment`, `materials`, `training`, `research`, `other`.
    pub category: String,
    /// Yuan.
    #[serde(deserialize_with = "ingot_domain::validate::decimal_text")]
    pub amount: String,
    pub on_date: String,
    // The API calls it `note`; the studio page's form, where other fields sit beside it,
    // `entry_note`.
    #[serde(rename = "note", alias = "entry_note")]
    pub entry_note: String,
}

/// Records a payment of granted funding or spending from it; neither may exceed the grant. The
/// grant must be this studio's: another studio's grant is not found here.
pub async fn funding_entry(
    tx: &mut Tx,
    caller: &Caller<'_>,
    studio: StudioId,
    funding: FundingId,
    input: &EntryInput,
) -> Result<i64> {
    store::lock_funding(tx, funding.0).await?;
    let f = store::get_funding(tx, funding.0)
        .await?
        .filter(|f| f.studio_id == studio.0)
        .ok_or_else(|| AppError::not_found("funding"))?;
    let s = load(tx, studio).await?;
    let org = orgs::get(tx, OrgId(f.org_id))
        .await?
        .ok_or_else(|| AppError::not_found("funding"))?;
    let granter = caller.permits(Action::ManageNamings, &org.path);
    let mut v = Validator::new();
    let kind = match EntryKind::parse(&input.kind) {
        Some(EntryKind::Payment) => {
            if !granter {
                return Err(AppError::forbidden());
            }
            EntryKind::Payment
        }
        Some(EntryKind::Spending) => {
            if !(granter || may_manage(caller, &s)) {
                return Err(AppError::forbidden());
            }
            EntryKind::Spending
        }
        None => {
            return Err(AppError::Validation(vec![
                FieldError::new("kind", "unknown_option").with("allowed", "payment, spending"),
            ]));
        }
    };
    let category = if kind == EntryKind::Spending {
        let c = SpendCategory::parse(&input.category);
        if c.is_none() {
            v.add(
                FieldError::new("category", "unknown_option")
                    .with("allowed", SpendCategory::codes()),
            );
        }
        c
    } else {
        None
    };
    let amount = positive_money_field("amount", &input.amount);
    let on = date("on_date", &input.on_date);
    let note = v
        .optional_text("entry_note", Some(&input.entry_note), rules::SHORT_MAX)
        .unwrap_or_default();
    let (amount, on) = v.finish_with((amount, on))?;
    let used = if kind == EntryKind::Payment {
        f.paid_cents
    } else {
        f.spent_cents
    };
    if used + amount > f.granted_cents {
        let e = if kind == EntryKind::Payment {
            FieldError::new("amount", "payment_exceeds_grant")
        } else {
            FieldError::new("amount", "spending_exceeds_grant")
        };
        return Err(AppError::Validation(vec![
            e.with(
                "granted",
                ingot_domain::proposal::format_money(f.granted_cents),
            )
            .with(
                "remaining",
                ingot_domain::proposal::format_money(f.granted_cents - used),
            ),
        ]));
    }
    let entry = store::insert_entry(
        tx,
        &NewEntry {
            funding_id: funding.0,
            kind,
            category,
            amount_cents: amount,
            on_date: on,
            note: &note,
            by: caller.user_id(),
        },
        Timestamp::now(),
    )
    .await?;
    commit(
        tx,
        caller,
        s.id,
        Change::new("studio.funding_entry", "studio", s.id.0)
            .label(&s.name)
            .org(s.unit_id)
            .after(
                &serde_json::json!({ "funding_id": funding.0, "kind": kind, "category": category,
                "amount_cents": amount, "on": on.to_string(), "note": note }),
            ),
    )
    .await?;
    Ok(entry)
}
