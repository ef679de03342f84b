//! Search over documents held by a database (PostgreSQL's GIN index over a `tsvector`): the
//! lexemes a document is stored with, the `tsquery` a query becomes, and the answer assembled
//! from the candidates the database returns, filtered, ranked and faceted as the in-memory
//! index does, so that both answer the same query the same way.
//!
//! Lexemes are the in-memory index's terms: jieba words and their parts, stemmed English and
//! digits, plus the words of the record's organisation and status. Three kinds of lexeme are
//! not words and start with `~`, which no analysed term does: a pair of adjacent Chinese
//! characters (`~密封`, for phrases), an organisation above the record (`~o42`, so a reader's
//! scope narrows the index scan), the owners (`~u7`), `~pub` for published records, and the
//! stretch of indexing order the record was indexed in (`~t12`), so that the newest matches of
//! a common word are read without reading all of them.

use crate::analyze::analyze;
use crate::index::{
    Facets, Hit, Kind, MAX_FACET_ORGS, Narrow, Results, Viewer, is_han, mark, snippet,
};
use crate::query::{Clause, Query};
use std::collections::HashMap;

const PUBLISHED: &str = "~pub";

/// Matches read per query, newest first; past it the counts are extrapolated. Smaller than the
/// in-memory index's limit: each is a row the database reads from its heap.
pub const EXAMINED_LIMIT: usize = 1_000;

/// Documents of one stretch of indexing order (`seq`): the unit in which the newest matches
/// are read.
pub const STRETCH: i64 = 16_384;

fn stretch_lexeme(stretch: i64) -> String {
    format!("~t{stretch}")
}

/// Rounds narrowed by stretch before the last, which reads everything older: each round reads
/// every match of its stretches, so they double (1, 2, 4 ... 32 stretches, about a million
/// documents in all) to read at most about twice what is needed.
const STRETCHED_ROUNDS: u32 = 6;

/// The stretches to read in each round, newest first, for documents indexed from `first` to
/// `last`: one stretch, then two more, then four more, and so on; the last round is `None`,
/// everything older (no narrowing by stretch).
pub fn rounds(first: i64, last: i64) -> Vec<Option<std::ops::Range<i64>>> {
    let (oldest, newest) = (first / STRETCH, last / STRETCH);
    let mut out = Vec::new();
    let mut below = newest + 1;
    for round in 0..STRETCHED_ROUNDS {
        let span = 1 << round;
        if below - span <= oldest {
            break;
        }
        out.push(Some(below - span..below));
        below -= span;
    }
    out.push(None);
    out
}

/// A `tsquery` matching the documents of the stretches `range`.
pub fn in_stretches(range: &std::ops::Range<i64>) -> String {
    let lexemes: Vec<String> = range.clone().rev().map(stretch_lexeme).collect();
    any_of(&lexemes)
}

fn pair_lexeme(a: char, b: char) -> String {
    format!("~{a}{b}")
}

fn org_lexeme(org_id: i64) -> String {
    format!("~o{org_id}")
}

fn owner_lexeme(user_id: i64) -> String {
    format!("~u{user_id}")
}

/// What a record is stored with besides its own fields.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Analysed {
    /// Distinct lexemes, for the `tsvector`.
    pub lexemes: Vec<String>,
    /// Distinct words of the title, for ranking.
    pub title_words: Vec<String>,
    /// Terms of the title and body (the in-memory index's document length).
    pub length: i32,
    /// English words, for the spelling dictionary.
    pub english: Vec<String>,
}

/// The lexemes of a record held by the organisations `ancestors` (its own included), indexed
/// at `seq`.
pub fn analyse(doc: &crate::index::Doc, ancestors: &[i64], seq: i64) -> Analysed {
    let words = |text: &str| -> Vec<String> {
        analyze(text, true)
            .into_iter()
            .map(|t| t.term.into_owned())
            .collect()
    };
    let pairs = |text: &str, out: &mut Vec<String>| {
        let mut prev: Option<char> = None;
        for c in text.chars() {
            let han = is_han(c);
            if let Some(p) = prev
                && han
            {
                out.push(pair_lexeme(p, c));
            }
            prev = han.then_some(c);
        }
    };
    let mut title_words = words(&doc.title);
    let mut lexemes = title_words.clone();
    title_words.sort_unstable();
    title_words.dedup();
    lexemes.extend(words(&doc.body));
    pairs(&doc.title, &mut lexemes);
    pairs(&doc.body, &mut lexemes);
    let length = lexemes.len().min(usize::from(u16::MAX)) as i32;
    lexemes.extend(words(&doc.org_name));
    lexemes.extend(words(&doc.status));
    let mut english: Vec<String> = lexemes
        .iter()
        .filter(|w| !w.is_empty() && w.chars().all(|c| c.is_ascii_alphabetic()))
        .cloned()
        .collect();
    english.sort_unstable();
    english.dedup();
    lexemes.extend(ancestors.iter().map(|id| org_lexeme(*id)));
    lexemes.extend(doc.owners.iter().map(|id| owner_lexeme(*id)));
    if doc.published {
        lexemes.push(PUBLISHED.to_string());
    }
    lexemes.push(stretch_lexeme(seq / STRETCH));
    lexemes.retain(|l| !l.is_empty());
    lexemes.sort_unstable();
    lexemes.dedup();
    Analysed {
        lexemes,
        title_words,
        length,
        english,
    }
}

/// A lexeme quoted for `tsquery` input: taken as it is, never parsed as an operator.
fn quoted(lexeme: &str) -> String {
    format!("'{}'", lexeme.replace('\\', "\\\\").replace('\'', "''"))
}

fn any_of(lexemes: &[String]) -> String {
    let quoted: Vec<String> = lexemes.iter().map(|l| quoted(l)).collect();
    if quoted.len() == 1 {
        quoted[0].clone()
    } else {
        format!("({})", quoted.join(" | "))
    }
}

/// What the database is asked for one query.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Plan {
    /// The `tsquery` the lexemes must match; empty when only filters were given.
    pub tsquery: String,
    /// Texts that must occur as written in the title or body.
    pub phrases: Vec<String>,
    /// The query's words as shown marked in titles and snippets (also counted in titles).
    pub highlight: Vec<String>,
    /// English words that were not found, and the word searched instead.
    pub corrected: Vec<(String, String)>,
}

/// Words of a query that are looked up in the spelling dictionary before planning it.
pub fn spellable_terms(query: &Query) -> Vec<String> {
    query
        .clauses
        .iter()
        .filter_map(|c| match c {
            Clause::Term(t) if crate::index::is_spellable(t) => Some(t.clone()),
            _ => None,
        })
        .collect()
}

/// Plans a query; `near` gives, for each spellable word missing from the dictionary, its near
/// spellings (empty if none). `None` when the query cannot match anything or has neither
/// words nor filters.
pub fn plan(query: &Query, near: &HashMap<String, Vec<String>>) -> Option<Plan> {
    let mut plan = Plan::default();
    let mut groups: Vec<String> = Vec::new();
    for clause in &query.clauses {
        match clause {
            Clause::Term(term) => match near.get(term) {
                None => {
                    groups.push(quoted(term));
                    plan.highlight.push(term.clone());
                }
                Some(near) => {
                    let first = near.first()?;
                    plan.corrected.push((term.clone(), first.clone()));
                    groups.push(any_of(near));
                    plan.highlight.extend(near.iter().cloned());
                }
            },
            Clause::Phrase(text, terms) => {
                let chars: Vec<char> = text.chars().collect();
                let pairs: Vec<String> = chars
                    .windows(2)
                    .filter(|w| is_han(w[0]) && is_han(w[1]))
                    .map(|w| pair_lexeme(w[0], w[1]))
                    .collect();
                let others = terms
                    .iter()
                    .filter(|t| pairs.is_empty() || !t.chars().any(is_han));
                groups.extend(pairs.iter().map(|p| quoted(p)));
                groups.extend(others.map(|t| quoted(t)));
                plan.highlight.push(text.clone());
                let exact = chars.len() == 2 && chars.iter().all(|c| is_han(*c));
                if !exact {
                    plan.phrases.push(text.trim().to_string());
                }
            }
        }
    }
    if groups.is_empty() && query.filters.is_empty() {
        return None;
    }
    plan.tsquery = groups.join(" & ");
    Some(plan)
}

/// A `tsquery` that every record a viewer may see matches: held under one of `roots`,
/// published, or owned by `user`. `None` when the viewer's scope is not limited.
pub fn visible_to(roots: Option<&[i64]>, user: Option<i64>) -> Option<String> {
    let roots = roots?;
    let mut lexemes: Vec<String> = roots.iter().map(|id| org_lexeme(*id)).collect();
    lexemes.push(PUBLISHED.to_string());
    lexemes.extend(user.map(owner_lexeme));
    Some(any_of(&lexemes))
}

/// All of the conditions given; empty if none.
pub fn all_of(conditions: &[Option<&str>]) -> String {
    let given: Vec<&str> = conditions
        .iter()
        .flatten()
        .copied()
        .filter(|c| !c.is_empty())
        .collect();
    match given.as_slice() {
        [] => String::new(),
        [one] => one.to_string(),
        many => many
            .iter()
            .map(|c| format!("({c})"))
            .collect::<Vec<_>>()
            .join(" & "),
    }
}

/// A stored record that matched, newest first, as the database returns it.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub kind: Kind,
    pub id: i64,
    pub org_id: i64,
    pub org_path: String,
    pub org_name: String,
    pub year: i32,
    pub status: String,
    pub owners: Vec<i64>,
    pub published: bool,
    pub private: bool,
    pub length: i32,
    /// How many of the query's words the title holds.
    pub in_title: i32,
}

/// Filters the candidates (newest first, at most `EXAMINED_LIMIT`) for the viewer, counts the
/// facets, narrows, and ranks (when the query had words; filters alone list the newest first):
/// the hits come without their title and body, which `fill` adds. `examined` is the share of
/// the index (by indexing order) the candidates came from: below 1, the counts are
/// extrapolated from it, as the in-memory index extrapolates from the matches it read.
pub fn assemble(
    candidates: Vec<Candidate>,
    examined: f64,
    by_words: bool,
    narrow: &Narrow,
    viewer: &Viewer,
    offset: usize,
    limit: usize,
) -> Results {
    let estimated = candidates.len() >= EXAMINED_LIMIT && examined < 1.0;
    let scale = |n: usize| -> usize {
        if estimated {
            (n as f64 / examined.max(f64::MIN_POSITIVE)).round() as usize
        } else {
            n
        }
    };
    let mut covered: HashMap<(Kind, String), bool> = HashMap::new();
    let mut facets = FacetCounts::default();
    let mut ranked: Vec<(f32, usize, Candidate)> = Vec::new();
    for (newest, c) in candidates.into_iter().enumerate() {
        if viewer.hidden.contains(&(c.kind, c.id)) {
            continue;
        }
        let in_scope = *covered
            .entry((c.kind, c.org_path.clone()))
            .or_insert_with(|| (viewer.covers)(c.kind, &c.org_path));
        let visible = c.published
            || (in_scope && !c.private)
            || viewer.user.is_some_and(|u| c.owners.contains(&u));
        if !visible {
            continue;
        }
        facets.count(&c);
        if narrow.kind.is_some_and(|k| k != c.kind)
            || narrow.org_id.is_some_and(|o| o != c.org_id)
            || narrow.year.is_some_and(|y| y != c.year)
            || narrow.status.as_ref().is_some_and(|s| *s != c.status)
        {
            continue;
        }
        let score: f32 = if by_words {
            (1.0 + c.in_title as f32) / (1.0 + (c.length.max(0) as f32).ln())
        } else {
            0.0
        };
        ranked.push((score, newest, c));
    }
    // Stable: newer records first among equal scores.
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    Results {
        total: scale(ranked.len()),
        estimated,
        hits: ranked
            .into_iter()
            .skip(offset)
            .take(limit)
            .map(|(score, _, c)| Hit {
                kind: c.kind,
                id: c.id,
                title: String::new(),
                org_name: c.org_name,
                year: c.year,
                status: c.status,
                score,
                title_pieces: Vec::new(),
                snippet: Vec::new(),
            })
            .collect(),
        facets: facets.into_facets(scale),
        corrected: Vec::new(),
    }
}

/// Adds a hit's title and its marked pieces and snippet.
pub fn fill(hit: &mut Hit, title: String, body: &str, highlight: &[String]) {
    hit.title_pieces = mark(&title, highlight, usize::MAX);
    hit.snippet = snippet(body, highlight);
    hit.title = title;
}

#[derive(Default)]
struct FacetCounts {
    kinds: HashMap<Kind, usize>,
    /// Per organisation: how many, and its newest name (the first seen).
    orgs: HashMap<i64, (usize, String)>,
    years: HashMap<i32, usize>,
    statuses: HashMap<String, usize>,
}

impl FacetCounts {
    fn count(&mut self, c: &Candidate) {
        *self.kinds.entry(c.kind).or_default() += 1;
        self.orgs
            .entry(c.org_id)
            .or_insert_with(|| (0, c.org_name.clone()))
            .0 += 1;
        *self.years.entry(c.year).or_default() += 1;
        *self.statuses.entry(c.status.clone()).or_default() += 1;
    }

    fn into_facets(self, scale: impl Fn(usize) -> usize) -> Facets {
        let mut kinds: Vec<(Kind, usize)> =
            self.kinds.into_iter().map(|(k, n)| (k, scale(n))).collect();
        kinds.sort_by_key(|k| k.0);
        let mut orgs: Vec<(i64, String, usize)> = self
            .orgs
            .into_iter()
            .map(|(id, (n, name))| (id, name, scale(n)))
            .collect();
        orgs.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(&b.0)));
        orgs.truncate(MAX_FACET_ORGS);
        let mut years: Vec<(i32, usize)> =
            self.years.into_iter().map(|(y, n)| (y, scale(n))).collect();
        years.sort_by_key(|y| std::cmp::Reverse(y.0));
        let mut statuses: Vec<(String, usize)> = self
            .statuses
            .into_iter()
            .map(|(s, n)| (s, scale(n)))
            .collect();
        statuses.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        Facets {
            kinds,
            orgs,
            years,
            statuses,
        }
    }
}

#[cfg(test)]
mod tests;
