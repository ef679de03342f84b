//! The search box's little language: words (all must match), "quoted phrases", and field
//! prefixes `unit:` (单位:), `year:` (年份:), `status:` (状态:), `type:` (类型:). Anything that
//! does not parse as syntax is searched as text, so a stray quote or colon never fails.

use crate::analyze::analyze;
use crate::index::Kind;

pub const MAX_QUERY_CHARS: usize = 500;
const MAX_CLAUSES: usize = 16;

#[derive(Debug, Clone, PartialEq)]
pub enum Clause {
    Term(String),
    /// The phrase as typed, and its terms.
    Phrase(String, Vec<String>),
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filters {
    pub unit: Option<String>,
    pub year: Option<i32>,
    pub status: Option<String>,
    pub kind: Option<Kind>,
}

impl Filters {
    pub fn is_empty(&self) -> bool {
        self.unit.is_none() && self.year.is_none() && self.status.is_none() && self.kind.is_none()
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Query {
    pub clauses: Vec<Clause>,
    pub filters: Filters,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryError {
    Empty,
    TooLong,
}

impl QueryError {
    pub fn code(self) -> &'static str {
        match self {
            QueryError::Empty => "query_empty",
            QueryError::TooLong => "query_too_long",
        }
    }
}

/// Splits on whitespace, keeping "quoted parts" together; an unclosed quote runs to the end.
fn parts(text: &str) -> Vec<(bool, String)> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for c in text.chars() {
        match c {
            '"' | '“' | '”' => {
                if !current.trim().is_empty() {
                    out.push((quoted, current.trim().to_string()));
                }
                current.clear();
                quoted = !quoted;
            }
            c if c.is_whitespace() && !quoted => {
                if !current.is_empty() {
                    out.push((false, std::mem::take(&mut current)));
                }
            }
            c => current.push(c),
        }
    }
    if !current.trim().is_empty() {
        out.push((quoted, current.trim().to_string()));
    }
    out
}

pub fn parse(text: &str) -> Result<Query, QueryError> {
    if text.chars().count() > MAX_QUERY_CHARS {
        return Err(QueryError::TooLong);
    }
    let mut q = Query::default();
    for (quoted, part) in parts(text) {
        if !quoted
            && let Some((field, value)) = part.split_once([':', '：'])
            && !value.is_empty()
        {
            let value = value.to_string();
            match field.to_lowercase().as_str() {
                "unit" | "单位" => {
                    q.filters.unit = Some(value);
                    continue;
                }
                "year" | "年份" | "年" => {
                    if let Ok(y) = value.parse() {
                        q.filters.year = Some(y);
                        continue;
                    }
                }
                "status" | "状态" => {
                    q.filters.status = Some(value.to_lowercase());
                    continue;
                }
                "type" | "类型" => {
                    if let Some(k) = Kind::parse(&value.to_lowercase()) {
                        q.filters.kind = Some(k);
                        continue;
                    }
                }
                _ => {}
            }
        }
        let terms: Vec<String> = analyze(&part, false)
            .into_iter()
            .map(|t| t.term.into_owned())
            .collect();
        if terms.is_empty() {
            continue;
        }
        // A Chinese word the dictionary does not know comes out as single characters: those
        // must stand together, as typed, or 窑车 would match any text with 窑 and 车 in it.
        let split_word = terms.len() > 1
            && terms
                .iter()
                .any(|t| t.chars().count() == 1 && t.chars().all(|c| !c.is_ascii()));
        if (quoted || split_word) && terms.len() > 1 {
            q.clauses.push(Clause::Phrase(part, terms));
        } else {
            for t in terms {
                let clause = Clause::Term(t);
                if !q.clauses.contains(&clause) {
                    q.clauses.push(clause);
                }
            }
        }
    }
    q.clauses.truncate(MAX_CLAUSES);
    if q.clauses.is_empty() && q.filters.is_empty() {
        return Err(QueryError::Empty);
    }
    Ok(q)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_phrases_and_fields() {
        let q = parse("窑车 \"耐火纤维毡\" unit:窑炉 year:2022 status:adopted").unwrap();
        assert!(
            q.clauses
                .iter()
                .any(|c| matches!(c, Clause::Phrase(p, _) if p == "耐火纤维毡"))
        );
        assert_eq!(q.filters.unit.as_deref(), Some("窑炉"));
        assert_eq!(q.filters.year, Some(2022));
        assert_eq!(q.filters.status.as_deref(), Some("adopted"));
        let q = parse("类型：person 李明").unwrap();
        assert_eq!(q.filters.kind, Some(Kind::Person));
    }

    #[test]
    fn bad_syntax_is_text_and_nonsense_is_a_clear_error() {
        assert_eq!(parse("").unwrap_err(), QueryError::Empty);
        assert_eq!(parse("  \"\" :: ").unwrap_err(), QueryError::Empty);
        assert_eq!(
            parse(&"窑".repeat(100_000)).unwrap_err(),
            QueryError::TooLong
        );
        // An unclosed quote and an unknown field are searched as words.
        let q = parse("\"kiln car").unwrap();
        assert_eq!(q.clauses.len(), 1);
        let q = parse("foo:bar").unwrap();
        assert!(!q.clauses.is_empty());
        // An unknown word stays whole.
        let q = parse("窑车").unwrap();
        assert!(
            matches!(&q.clauses[0], Clause::Phrase(p, _) if p == "窑车"),
            "{q:?}"
        );
        assert!(parse("😀").is_err());
        assert!(parse("'; DROP TABLE proposals; --").is_ok());
    }
}
