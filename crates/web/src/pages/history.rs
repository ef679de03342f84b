//! A record's history as its page shows it, from the audit rows kept with each change: when,
//! who, what, and for an edit each particular that changed (before and after); for a removal
//! what the row held and why it went.

use crate::ctx::PageCtx;
use ingot_domain::audit::AuditEntry;
use serde_json::Value;

pub struct HistoryRow {
    pub at: String,
    pub who: String,
    pub what: String,
    /// (label, before, after); after is empty for what a removed row held.
    pub changes: Vec<(String, String, String)>,
}

/// A particular as the history shows it: money in yuan, codes by their names (`codes` maps a
/// field to its catalog prefix), lists joined, nothing as a dash.
fn shown(ctx: &PageCtx, codes: &[(&str, &str)], field: &str, v: &Value) -> String {
    let prefix = codes.iter().find(|(f, _)| *f == field).map(|(_, p)| *p);
    match (v, prefix) {
        (Value::Null, _) => "–".to_string(),
        (Value::Number(n), _) if field.ends_with("_cents") => ctx.money(&n.as_i64().unwrap_or(0)),
        (Value::String(s), Some(prefix)) => ctx.code_name(prefix, s),
        (Value::String(s), None) => s.clone(),
        (Value::Array(items), _) => items
            .iter()
            .map(|i| shown(ctx, codes, field, i))
            .collect::<Vec<_>>()
            .join(", "),
        (other, _) => other.to_string(),
    }
}

pub fn row(ctx: &PageCtx, e: &AuditEntry, codes: &[(&str, &str)]) -> HistoryRow {
    let parse = |s: &Option<String>| {
        s.as_deref()
            .and_then(|s| serde_json::from_str::<Value>(s).ok())
    };
    let show = |field: &str, v: &Value| shown(ctx, codes, field, v);
    let mut changes = Vec::new();
    match (parse(&e.before), parse(&e.after)) {
        // An edit: each particular that changed (and why, when a reason came with it).
        (Some(Value::Object(before)), Some(Value::Object(after))) => {
            for (field, now) in &after {
                let then = before.get(field).unwrap_or(&Value::Null);
                if field == "reason" && !now.is_null() {
                    changes.push((ctx.label(field), show(field, now), String::new()));
                } else if then != now {
                    changes.push((ctx.label(field), show(field, then), show(field, now)));
                }
            }
        }
        // A removal: what the row held, and why it went.
        (Some(Value::Object(before)), None) => {
            for (field, then) in &before {
                changes.push((ctx.label(field), show(field, then), String::new()));
            }
        }
        _ => {}
    }
    HistoryRow {
        at: ctx.datetime(&e.at),
        who: e.actor_label.clone(),
        what: ctx.t(&super::home::action_key(&e.action)).to_string(),
        changes,
    }
}
