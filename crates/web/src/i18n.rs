//! Message catalogs (locales/*.toml), one per language, looked up per request: the language is
//! a value carried by the request, never a global.

use ingot_domain::{AppError, FieldError, Lang};
use std::collections::HashMap;

const EN: &str = include_str!("../locales/en.toml");
const ZH: &str = include_str!("../locales/zh.toml");

#[derive(Debug)]
pub struct Catalogs {
    en: HashMap<String, String>,
    zh: HashMap<String, String>,
}

fn flatten(prefix: &str, table: &toml::Table, out: &mut HashMap<String, String>) {
    for (key, value) in table {
        let full = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        match value {
            toml::Value::String(s) => {
                out.insert(full, s.clone());
            }
            toml::Value::Table(t) => flatten(&full, t, out),
            other => panic!("catalog entry {full} is not text: {other:?}"),
        }
    }
}

fn parse(source: &str, name: &str) -> HashMap<String, String> {
    let table: toml::Table = source
        .parse()
        .unwrap_or_else(|e| panic!("catalog {name} is malformed: {e}"));
    let mut out = HashMap::new();
    flatten("", &table, &mut out);
    out
}

impl Catalogs {
    /// Parses the embedded catalogs; a malformed catalog is a build defect caught by the tests.
    pub fn load() -> Catalogs {
        Catalogs {
            en: parse(EN, "en.toml"),
            zh: parse(ZH, "zh.toml"),
        }
    }

    fn map(&self, lang: Lang) -> &HashMap<String, String> {
        match lang {
            Lang::En => &self.en,
            Lang::Zh => &self.zh,
        }
    }

    pub fn keys(&self, lang: Lang) -> Vec<&str> {
        let mut keys: Vec<&str> = self.map(lang).keys().map(String::as_str).collect();
        keys.sort();
        keys
    }

    pub fn get(&self, lang: Lang, key: &str) -> Option<&str> {
        self.map(lang).get(key).map(String::as_str)
    }

    /// The text for `key`, falling back to English, then to the key itself (which a test
    /// guarantees never happens for keys used in the code).
    pub fn t<'a>(&'a self, lang: Lang, key: &'a str) -> &'a str {
        self.get(lang, key)
            .or_else(|| self.get(Lang::En, key))
            .unwrap_or(key)
    }

    /// Fills `{name}` placeholders. Parameters that name an organisation kind or a studio naming
    /// level are translated.
    pub fn t_with(&self, lang: Lang, key: &str, params: &[(&str, String)]) -> String {
        let mut text = self.t(lang, key).to_string();
        for (name, value) in params {
            let value = match *name {
                "kind" | "parent_kind" => self.get(lang, &format!("kind.{value}")).unwrap_or(value),
                "level" | "needed" => self.get(lang, &format!("level.{value}")).unwrap_or(value),
                // A campaign's tier by its name ("一等奖"), not its code ("first").
                "tier" => self.get(lang, &format!("tier.{value}")).unwrap_or(value),
                _ => value.as_str(),
            };
            text = text.replace(&format!("{{{name}}}"), value);
        }
        text
    }

    /// The label of a form field, e.g. `label.username`.
    pub fn label(&self, lang: Lang, field: &str) -> String {
        if let Some(text) = self.get(lang, &format!("label.{field}")) {
            return text.to_string();
        }
        // A field of a repeated row, "co_proposers[1].share": the row's label and its number.
        if let Some((head, rest)) = field.split_once('[')
            && let Some((index, tail)) = rest.split_once(']')
            && let Ok(i) = index.parse::<usize>()
            && let Some(text) = self.get(lang, &format!("label.{head}{tail}"))
        {
            return format!("{text} #{}", i + 1);
        }
        field.to_string()
    }

    /// What is wrong with a field, without naming it: "already taken". The `field.*` text is
    /// used when its placeholders can all be filled, else the general `error.*` one (a conflict
    /// found by a database constraint carries no parameters).
    pub fn field_message(&self, lang: Lang, e: &FieldError) -> String {
        let mut params: Vec<(&str, String)> = e
            .params
            .iter()
            .map(|(k, v)| (*k, self.param_value(lang, k, v)))
            .collect();
        params.push(("field", self.label(lang, &e.field)));
        let specific = format!("field.{}", e.code);
        let general = format!("error.{}", e.code);
        if self.get(Lang::En, &specific).is_some() {
            let text = self.t_with(lang, &specific, &params);
            if !text.contains('{') || self.get(Lang::En, &general).is_none() {
                return text;
            }
        }
        self.t_with(lang, &general, &params)
    }

    /// A message's parameter as the reader names it: a code with a catalog of names (a tier)
    /// by its name, anything else as it is.
    fn param_value(&self, lang: Lang, name: &str, value: &str) -> String {
        match name {
            "tier" => self
                .get(lang, &format!("tier.{value}"))
                .map_or_else(|| value.to_string(), str::to_string),
            _ => value.to_string(),
        }
    }

    /// A field problem as a sentence naming the field: "Username: already taken".
    pub fn field_error(&self, lang: Lang, e: &FieldError) -> String {
        let separator = if lang == Lang::Zh { "：" } else { ": " };
        format!(
            "{}{separator}{}",
            self.label(lang, &e.field),
            self.field_message(lang, e)
        )
    }

    /// The sentence shown for an error as a whole.
    pub fn error(&self, lang: Lang, e: &AppError) -> String {
        let summary = self.t(lang, &format!("error.{}", e.code())).to_string();
        match e {
            AppError::NotFound { what } => self.t_with(
                lang,
                "error.not_found",
                &[("what", self.t(lang, &format!("object.{what}")).to_string())],
            ),
            AppError::TooManyRequests { retry_after_secs } => self.t_with(
                lang,
                "error.too_many_requests",
                &[("retry_after", retry_after_secs.to_string())],
            ),
            AppError::Validation(errors) if !errors.is_empty() => {
                let parts: Vec<String> = errors.iter().map(|f| self.field_error(lang, f)).collect();
                format!(
                    "{summary} {}",
                    parts.join(if lang == Lang::Zh { "；" } else { "; " })
                )
            }
            _ => summary,
        }
    }
}

#[cfg(test)]
mod tests;
