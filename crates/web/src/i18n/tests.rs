//! The catalogs are complete: both languages have the same keys, and every key the code and
//! templates use (directly, or built from error codes, actions, kinds and roles) exists.

use super::*;
use std::collections::BTreeSet;
use std::path::Path;

fn sources(dir: &Path, out: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs" || e == "html") {
            out.push(std::fs::read_to_string(&path).unwrap());
        }
    }
}

fn workspace_sources() -> String {
    let crates = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut texts = Vec::new();
    for name in [
        "domain/src",
        "store/src",
        "app/src",
        "web/src",
        "web/templates",
    ] {
        sources(&crates.join(name), &mut texts);
    }
    texts.join("\n")
}

/// Every string literal that follows one of `prefixes` (e.g. `FieldError::new(field, "`).
fn literals_after(text: &str, prefix: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for (i, _) in text.match_indices(prefix) {
        let rest = &text[i + prefix.len()..];
        // The literal is the next quoted string on the same call.
        let call: String = rest
            .chars()
            .take_while(|c| *c != ')' && *c != ';')
            .collect();
        if let Some(start) = call
            .rfind('"')
            .and_then(|end| call[..end].rfind('"').map(|s| (s, end)))
        {
            let literal = &call[start.0 + 1..start.1];
            if !literal.is_empty()
                && literal
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '_' || c == '.' || c.is_ascii_digit())
            {
                found.insert(literal.to_string());
            }
        }
    }
    found
}

/// The literal right after `prefix`, which ends with the opening quote (e.g. `code: "`).
fn literals_at(text: &str, prefix: &str) -> BTreeSet<String> {
    text.match_indices(prefix)
        .map(|(i, _)| {
            text[i + prefix.len()..]
                .chars()
                .take_while(|c| *c != '"')
                .collect::<String>()
        })
        .filter(|s| !s.is_empty() && s.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
        .collect()
}

#[test]
fn both_languages_have_the_same_keys() {
    let c = Catalogs::load();
    let en: BTreeSet<&str> = c.keys(Lang::En).into_iter().collect();
    let zh: BTreeSet<&str> = c.keys(Lang::Zh).into_iter().collect();
    let only_en: Vec<_> = en.difference(&zh).collect();
    let only_zh: Vec<_> = zh.difference(&en).collect();
    assert!(
        only_en.is_empty() && only_zh.is_empty(),
        "only in en: {only_en:?}; only in zh: {only_zh:?}"
    );
}

#[test]
fn every_key_used_exists() {
    let c = Catalogs::load();
    let text = workspace_sources();
    let mut missing = Vec::new();
    let mut need = |key: String| {
        if c.get(Lang::En, &key).is_none() {
            missing.push(key);
        }
    };
    for prefix in ["ctx.t(\"", "ctx.t1(\"", ".t(lang, \""] {
        for (i, _) in text.match_indices(prefix) {
            let key: String = text[i + prefix.len()..]
                .chars()
                .take_while(|c| *c != '"')
                .collect();
            need(key);
        }
    }
    for code in literals_after(&text, "FieldError::new(") {
        let field_or_error = c
            .get(Lang::En, &format!("field.{code}"))
            .or_else(|| c.get(Lang::En, &format!("error.{code}")));
        // Where the code is computed (`e.code()`), the last literal is the field name itself.
        if field_or_error.is_none()
            && ![
                "kind",
                "code",
                "name",
                "file",
                "role",
                "parent",
                "parent_code",
                "actor",
                "body",
                "org_id",
                "lang",
                "number",
            ]
            .contains(&code.as_str())
        {
            need(format!("field.{code}"));
        }
    }
    let mut codes = literals_after(&text, "conflict_on(");
    codes.extend(literals_at(&text, "conflict(\""));
    codes.extend(literals_at(&text, "code: \""));
    for code in codes {
        need(format!("error.{code}"));
    }
    for prefix in ["Change::new(", "failure_change(", "grant_change("] {
        for action in literals_after(&text, prefix) {
            if action.contains('.') {
                need(format!("action.{action}"));
            }
        }
    }
    for what in literals_at(&text, "not_found(\"") {
        need(format!("object.{what}"));
    }
    for kind in ingot_domain::OrgKind::ALL {
        need(format!("kind.{}", kind.as_str()));
    }
    for role in ingot_domain::Role::ALL {
        need(format!("role.{}", role.as_str()));
    }
    for status in [401, 403, 404, 409, 422, 429, 500] {
        need(format!("status.{status}"));
    }
    for code in [
        "file_empty",
        "file_type_unsupported",
        "file_unreadable",
        "file_too_many_rows",
        "file_no_header",
    ] {
        need(format!("field.{code}"));
    }
    for code in [
        "sign_in_failed",
        "too_many_requests",
        "session_expired",
        "token_invalid",
        "validation_failed",
        "not_found",
        "internal",
    ] {
        need(format!("error.{code}"));
    }
    missing.sort();
    missing.dedup();
    assert!(missing.is_empty(), "missing catalog keys: {missing:?}");
}

#[test]
fn every_flash_message_exists() {
    let c = Catalogs::load();
    let text = workspace_sources();
    // Flash keys are the last literal argument of `done(...)`, `finish(...)`, `simple(...)`, `after(...)`.
    let mut keys = BTreeSet::new();
    for prefix in [
        "done(",
        "finish(&state, ctx, id, result, ",
        "simple(&state, ctx, id, ",
    ] {
        keys.extend(literals_after(&text, prefix));
    }
    keys.retain(|k| !k.contains('.') && !k.starts_with('/'));
    assert!(keys.len() >= 10, "found too few flash keys: {keys:?}");
    let missing: Vec<_> = keys
        .iter()
        .filter(|k| c.get(Lang::En, &format!("flash.{k}")).is_none())
        .collect();
    assert!(missing.is_empty(), "missing flash messages: {missing:?}");
}

#[test]
fn messages_name_the_field_in_each_language() {
    let c = Catalogs::load();
    let e = FieldError::new("username", "too_long")
        .with("max", 64)
        .with("actual", 70);
    assert_eq!(
        c.field_error(Lang::En, &e),
        "Username: is too long (70 characters; at most 64)."
    );
    assert_eq!(
        c.field_error(Lang::Zh, &e),
        "用户名：过长（70 个字符，最多 64 个）。"
    );
    let kinds = FieldError::new("kind", "org_kind_misplaced")
        .with("kind", "province")
        .with("parent_kind", "city");
    assert!(
        c.field_error(Lang::Zh, &kinds)
            .contains("“省（自治区）”不能直接隶属于“市”")
    );
    // A tier is named, not coded (the accessibility and forms issue found "tier first").
    let over = FieldError::new("tiers", "tier_over_quota")
        .with("tier", "first")
        .with("actual", 4)
        .with("quota", 3);
    let zh = c.field_message(Lang::Zh, &over);
    assert!(
        zh.contains(c.t(Lang::Zh, "tier.first")) && !zh.contains("first"),
        "{zh}"
    );
    assert!(c.field_message(Lang::En, &over).contains("First prize"));
    let not_found = AppError::not_found("organisation");
    assert_eq!(
        c.error(Lang::Zh, &not_found),
        "该组织机构不存在，或您无权查看。"
    );
}

#[test]
fn a_tier_inside_a_message_is_named_not_coded() {
    let catalogs = Catalogs::load();
    let e = ingot_domain::FieldError::new("tiers", "tier_over_quota")
        .with("tier", "first")
        .with("actual", "3")
        .with("quota", "2");
    let zh = catalogs.field_message(Lang::Zh, &e);
    let en = catalogs.field_message(Lang::En, &e);
    assert!(zh.contains("一等奖") && !zh.contains("first"), "{zh}");
    assert!(en.contains("First prize") && !en.contains("first,"), "{en}");
}
