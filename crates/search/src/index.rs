//! An in-memory inverted index over analysed terms, with facet counts, a visibility filter
//! supplied by the caller, and highlighted snippets.
//!
//! Documents live in slots; postings are slot lists in increasing order, so an update is a new
//! slot (the old one is marked dead) and postings stay sorted without rewriting. Conjunctions are
//! answered by walking the rarest term's postings and probing the others by galloping search.

use crate::analyze::analyze;
use crate::fasthash::FastMap;
use crate::query::{Clause, Query};

/// What kind of record a document is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Proposal,
    Person,
    Achievement,
    Studio,
    Patent,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Proposal => "proposal",
            Kind::Person => "person",
            Kind::Achievement => "achievement",
            Kind::Studio => "studio",
            Kind::Patent => "patent",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        [
            Kind::Proposal,
            Kind::Person,
            Kind::Achievement,
            Kind::Studio,
            Kind::Patent,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

/// A record to index.
#[derive(Debug, Clone)]
pub struct Doc {
    pub kind: Kind,
    pub id: i64,
    pub title: String,
    pub body: String,
    /// The organisation it belongs to, its materialised path and name (for `unit:` and facets).
    pub org_id: i64,
    pub org_path: String,
    pub org_name: String,
    pub year: i32,
    pub status: String,
    /// People who may always see it (proposers), whatever their scope.
    pub owners: Vec<i64>,
    /// Visible to everyone signed in.
    pub published: bool,
}

struct Slot {
    doc: Doc,
    alive: bool,
    /// Terms in the title, for ranking.
    title_terms: Vec<u32>,
    len: u32,
}

/// One hit of a search, with its snippet as (text, highlighted) pieces for safe rendering.
#[derive(Debug, Clone)]
pub struct Hit {
    pub kind: Kind,
    pub id: i64,
    pub title: String,
    pub org_name: String,
    pub year: i32,
    pub status: String,
    pub score: f32,
    pub title_pieces: Vec<(String, bool)>,
    pub snippet: Vec<(String, bool)>,
}

#[derive(Debug, Clone, Default)]
pub struct Facets {
    pub kinds: Vec<(Kind, usize)>,
    pub orgs: Vec<(i64, String, usize)>,
    pub years: Vec<(i32, usize)>,
    pub statuses: Vec<(String, usize)>,
}

#[derive(Debug, Clone, Default)]
pub struct Results {
    pub total: usize,
    /// The total and facet counts were extrapolated from the newest matches examined: a very
    /// common query shows its first page at once rather than counting every match.
    pub estimated: bool,
    pub hits: Vec<Hit>,
    pub facets: Facets,
    /// English terms that were not found and were matched with a spelling tolerance.
    pub corrected: Vec<(String, String)>,
}

/// Narrowing chosen from the facets.
#[derive(Debug, Clone, Default)]
pub struct Narrow {
    pub kind: Option<Kind>,
    pub org_id: Option<i64>,
    pub year: Option<i32>,
    pub status: Option<String>,
}

#[derive(Default)]
pub struct Index {
    terms: FastMap<String, u32>,
    postings: Vec<Vec<u32>>,
    slots: Vec<Slot>,
    by_key: FastMap<(Kind, i64), u32>,
    live: usize,
}

const MAX_FACET_ORGS: usize = 20;
/// Candidates examined exactly before the counts are extrapolated.
pub const EXAMINED_LIMIT: usize = 10_000;

impl Index {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn len(&self) -> usize {
        self.live
    }

    pub fn is_empty(&self) -> bool {
        self.live == 0
    }

    fn term_id(&mut self, term: &str) -> u32 {
        if let Some(id) = self.terms.get(term) {
            return *id;
        }
        let id = self.postings.len() as u32;
        self.terms.insert(term.to_string(), id);
        self.postings.push(Vec::new());
        id
    }

    /// Adds or replaces a document.
    pub fn upsert(&mut self, doc: Doc) {
        self.remove(doc.kind, doc.id);
        let slot = self.slots.len() as u32;
        let title_tokens = analyze(&doc.title, true);
        let body_tokens = analyze(&doc.body, true);
        let extra = format!("{} {}", doc.org_name, doc.status);
        let extra_tokens = analyze(&extra, true);
        let bigrams: Vec<String> = han_bigrams(&doc.title)
            .into_iter()
            .chain(han_bigrams(&doc.body))
            .collect();
        let mut title_terms: Vec<u32> =
            title_tokens.iter().map(|t| self.term_id(&t.term)).collect();
        title_terms.sort_unstable();
        title_terms.dedup();
        let mut all: Vec<u32> = title_terms.clone();
        all.extend(body_tokens.iter().map(|t| self.term_id(&t.term)));
        all.extend(extra_tokens.iter().map(|t| self.term_id(&t.term)));
        all.extend(bigrams.iter().map(|b| self.term_id(b)));
        let len = all.len() as u32;
        all.sort_unstable();
        all.dedup();
        for t in &all {
            self.postings[*t as usize].push(slot);
        }
        self.by_key.insert((doc.kind, doc.id), slot);
        self.slots.push(Slot {
            doc,
            alive: true,
            title_terms,
            len,
        });
        self.live += 1;
    }

    pub fn remove(&mut self, kind: Kind, id: i64) {
        if let Some(slot) = self.by_key.remove(&(kind, id)) {
            self.slots[slot as usize].alive = false;
            self.live -= 1;
        }
    }

    fn postings_of(&self, term: &str) -> Option<&[u32]> {
        self.terms
            .get(term)
            .map(|id| self.postings[*id as usize].as_slice())
    }

    /// Terms of the dictionary within a small edit distance of an English word, for typos.
    fn near_terms(&self, word: &str) -> Vec<String> {
        let n = word.chars().count();
        if n < 4 || !word.chars().all(|c| c.is_ascii_alphabetic()) {
            return Vec::new();
        }
        let max = if n >= 8 { 2 } else { 1 };
        let mut found: Vec<(usize, usize, &String)> = self
            .terms
            .keys()
            .filter(|t| t.is_ascii() && t.len().abs_diff(word.len()) <= max)
            .filter_map(|t| {
                let d = edit_distance(word, t, max);
                (d <= max).then(|| {
                    (
                        d,
                        usize::MAX - self.postings[self.terms[t] as usize].len(),
                        t,
                    )
                })
            })
            .collect();
        found.sort();
        found
            .into_iter()
            .take(3)
            .map(|(_, _, t)| t.clone())
            .collect()
    }

    /// Answers a query for a viewer (`visible` says whether they may see a document).
    pub fn search(
        &self,
        query: &Query,
        narrow: &Narrow,
        visible: &dyn Fn(&Doc) -> bool,
        offset: usize,
        limit: usize,
    ) -> Results {
        let mut results = Results::default();
        // Each clause becomes a set of alternatives (a term, or its spelling neighbours); a
        // document must match one alternative of every clause.
        let mut groups: Vec<Vec<&[u32]>> = Vec::new();
        let mut highlight: Vec<String> = Vec::new();
        let mut phrases: Vec<String> = Vec::new();
        for clause in &query.clauses {
            match clause {
                Clause::Term(term) => match self.postings_of(term) {
                    Some(p) => {
                        groups.push(vec![p]);
                        highlight.push(term.clone());
                    }
                    None => {
                        let near = self.near_terms(term);
                        if near.is_empty() {
                            return results;
                        }
                        results.corrected.push((term.clone(), near[0].clone()));
                        groups.push(near.iter().filter_map(|t| self.postings_of(t)).collect());
                        highlight.extend(near);
                    }
                },
                Clause::Phrase(text, terms) => {
                    // Chinese as written: every adjacent pair of characters, then the whole
                    // phrase checked in the text. Other words by their terms.
                    let pairs = han_bigrams(text);
                    let mut lookups: Vec<&str> = pairs.iter().map(String::as_str).collect();
                    lookups.extend(
                        terms
                            .iter()
                            .filter(|t| !t.chars().any(is_han))
                            .map(String::as_str),
                    );
                    if lookups.is_empty() {
                        lookups.extend(terms.iter().map(String::as_str));
                    }
                    lookups.sort_unstable();
                    lookups.dedup();
                    for term in lookups {
                        match self.postings_of(term) {
                            Some(p) => groups.push(vec![p]),
                            None => return results,
                        }
                    }
                    highlight.push(text.clone());
                    // Two Chinese characters are answered by their pair's postings alone.
                    let exact = text.chars().count() == 2 && text.chars().all(is_han);
                    if !exact {
                        phrases.push(text.trim().to_string());
                    }
                }
            }
        }
        let filters = &query.filters;
        let matches = |slot: &Slot| -> bool {
            let d = &slot.doc;
            slot.alive
                && filters
                    .unit
                    .as_ref()
                    .is_none_or(|u| d.org_name.contains(u.as_str()))
                && filters.year.is_none_or(|y| d.year == y)
                && filters.status.as_ref().is_none_or(|s| &d.status == s)
                && filters.kind.is_none_or(|k| d.kind == k)
                && visible(d)
                && phrases
                    .iter()
                    .all(|p| d.body.contains(p.as_str()) || d.title.contains(p.as_str()))
        };
        // Newest first; beyond EXAMINED_LIMIT candidates the counts are extrapolated.
        let candidates: Vec<u32> = if groups.is_empty() {
            if filters.is_empty() {
                return results;
            }
            (0..self.slots.len() as u32).collect()
        } else {
            conjunction(&groups)
        };
        let candidate_count = candidates.len();
        let mut examined = 0usize;
        let idf: Vec<f32> = groups
            .iter()
            .map(|g| {
                let df: usize = g.iter().map(|p| p.len()).sum::<usize>().max(1);
                ((self.live as f32 + 1.0) / df as f32).ln().max(0.1)
            })
            .collect();
        let title_ids: Vec<Option<u32>> = highlight
            .iter()
            .map(|t| self.terms.get(t).copied())
            .collect();
        let mut kinds: FastMap<Kind, usize> = FastMap::default();
        let mut orgs: FastMap<i64, usize> = FastMap::default();
        let mut years: FastMap<i32, usize> = FastMap::default();
        let mut statuses: FastMap<&str, usize> = FastMap::default();
        let mut top: Vec<(f32, u32)> = Vec::new();
        let want = offset + limit;
        for slot_id in candidates.into_iter().rev() {
            if examined == EXAMINED_LIMIT {
                break;
            }
            examined += 1;
            let slot = &self.slots[slot_id as usize];
            if !matches(slot) {
                continue;
            }
            let d = &slot.doc;
            *kinds.entry(d.kind).or_default() += 1;
            *orgs.entry(d.org_id).or_default() += 1;
            *years.entry(d.year).or_default() += 1;
            *statuses.entry(d.status.as_str()).or_default() += 1;
            if narrow.kind.is_some_and(|k| k != d.kind)
                || narrow.org_id.is_some_and(|o| o != d.org_id)
                || narrow.year.is_some_and(|y| y != d.year)
                || narrow.status.as_ref().is_some_and(|s| s != &d.status)
            {
                continue;
            }
            results.total += 1;
            let in_title = title_ids
                .iter()
                .filter(|t| t.is_some_and(|t| slot.title_terms.binary_search(&t).is_ok()))
                .count() as f32;
            let score = idf.iter().sum::<f32>() * (1.0 + in_title) / (1.0 + (slot.len as f32).ln());
            // Newer documents first among equals.
            let entry = (score, slot_id);
            if top.len() < want {
                top.push(entry);
                if top.len() == want {
                    top.sort_by(|a, b| b.0.total_cmp(&a.0).then(b.1.cmp(&a.1)));
                }
            } else if want > 0 && better(entry, top[want - 1]) {
                top[want - 1] = entry;
                let mut i = want - 1;
                while i > 0 && better(top[i], top[i - 1]) {
                    top.swap(i, i - 1);
                    i -= 1;
                }
            }
        }
        top.sort_by(|a, b| b.0.total_cmp(&a.0).then(b.1.cmp(&a.1)));
        let scale = |n: usize| -> usize {
            if examined < candidate_count {
                (n as f64 * candidate_count as f64 / examined as f64).round() as usize
            } else {
                n
            }
        };
        results.estimated = examined < candidate_count;
        results.total = scale(results.total);
        results.hits = top
            .into_iter()
            .skip(offset)
            .take(limit)
            .map(|(score, slot_id)| {
                let d = &self.slots[slot_id as usize].doc;
                Hit {
                    kind: d.kind,
                    id: d.id,
                    title: d.title.clone(),
                    org_name: d.org_name.clone(),
                    year: d.year,
                    status: d.status.clone(),
                    score,
                    title_pieces: mark(&d.title, &highlight, usize::MAX),
                    snippet: snippet(&d.body, &highlight),
                }
            })
            .collect();
        let mut kinds: Vec<(Kind, usize)> = kinds.into_iter().map(|(k, n)| (k, scale(n))).collect();
        kinds.sort();
        let mut org_counts: Vec<(i64, usize)> =
            orgs.into_iter().map(|(o, n)| (o, scale(n))).collect();
        org_counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        org_counts.truncate(MAX_FACET_ORGS);
        let orgs = org_counts
            .into_iter()
            .map(|(id, n)| {
                let name = self
                    .slots
                    .iter()
                    .rev()
                    .find(|s| s.doc.org_id == id)
                    .map(|s| s.doc.org_name.clone())
                    .unwrap_or_default();
                (id, name, n)
            })
            .collect();
        let mut years: Vec<(i32, usize)> = years.into_iter().map(|(y, n)| (y, scale(n))).collect();
        years.sort_by_key(|y| std::cmp::Reverse(y.0));
        let mut statuses: Vec<(String, usize)> = statuses
            .into_iter()
            .map(|(s, n)| (s.to_string(), scale(n)))
            .collect();
        statuses.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        results.facets = Facets {
            kinds,
            orgs,
            years,
            statuses,
        };
        results
    }
}

fn better(a: (f32, u32), b: (f32, u32)) -> bool {
    a.0 > b.0 || (a.0 == b.0 && a.1 > b.1)
}

/// Slots in every group (each group a union of postings lists), ascending.
fn conjunction(groups: &[Vec<&[u32]>]) -> Vec<u32> {
    let mut sets: Vec<Vec<u32>> = groups
        .iter()
        .map(|g| {
            if g.len() == 1 {
                g[0].to_vec()
            } else {
                let mut u: Vec<u32> = g.iter().flat_map(|p| p.iter().copied()).collect();
                u.sort_unstable();
                u.dedup();
                u
            }
        })
        .collect();
    sets.sort_by_key(Vec::len);
    let Some((first, rest)) = sets.split_first() else {
        return Vec::new();
    };
    let mut cursors = vec![0usize; rest.len()];
    first
        .iter()
        .copied()
        .filter(|slot| {
            rest.iter().zip(cursors.iter_mut()).all(|(list, at)| {
                *at = gallop(list, *at, *slot);
                list.get(*at) == Some(slot)
            })
        })
        .collect()
}

/// The first position at or after `from` whose value is >= `target`, by doubling steps.
fn gallop(list: &[u32], from: usize, target: u32) -> usize {
    let mut lo = from;
    let mut step = 1;
    let mut hi = from;
    while hi < list.len() && list[hi] < target {
        lo = hi;
        hi += step;
        step *= 2;
    }
    let hi = hi.min(list.len());
    lo + list[lo..hi].partition_point(|v| *v < target)
}

fn edit_distance(a: &str, b: &str, max: usize) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut cur = vec![i; b.len() + 1];
        let mut best = cur[0];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            best = best.min(cur[j]);
        }
        if best > max {
            return max + 1;
        }
        prev = cur;
    }
    prev[b.len()]
}

/// Terms for each pair of adjacent Chinese characters, marked so they never equal a word.
fn han_bigrams(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut out: Vec<String> = chars
        .windows(2)
        .filter(|w| is_han(w[0]) && is_han(w[1]))
        .map(|w| {
            let mut s = String::with_capacity(8);
            s.push('\u{1}');
            s.push(w[0]);
            s.push(w[1]);
            s
        })
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

fn is_han(c: char) -> bool {
    ('\u{3400}'..='\u{9fff}').contains(&c) || ('\u{20000}'..='\u{2ffff}').contains(&c)
}

/// Where the query's words occur in `text`: Chinese ones as they are written (so a phrase is
/// marked whole), others by their analysed (stemmed) term.
fn marked_ranges(text: &str, terms: &[String]) -> Vec<(usize, usize)> {
    let mut ranges: Vec<(usize, usize)> = Vec::new();
    let (han, other): (Vec<&String>, Vec<&String>) =
        terms.iter().partition(|t| t.chars().any(is_han));
    for needle in han {
        let needle = needle.trim();
        if needle.is_empty() {
            continue;
        }
        let mut from = 0;
        while let Some(at) = text[from..].find(needle) {
            ranges.push((from + at, from + at + needle.len()));
            from += at + needle.len();
        }
    }
    if !other.is_empty() {
        for t in analyze(text, false) {
            if other.iter().any(|o| **o == t.term) {
                ranges.push((t.start, t.end));
            }
        }
    }
    ranges.sort_unstable();
    ranges
}

/// Splits `text` into pieces, marking the query's words.
fn mark(text: &str, terms: &[String], limit: usize) -> Vec<(String, bool)> {
    let mut pieces = Vec::new();
    let mut at = 0;
    for (start, end) in marked_ranges(text, terms) {
        if start < at || start >= limit {
            continue;
        }
        if start > at {
            pieces.push((text[at..start].to_string(), false));
        }
        pieces.push((text[start..end].to_string(), true));
        at = end;
    }
    if at < text.len() {
        pieces.push((text[at..].to_string(), false));
    }
    pieces
}

const SNIPPET_CHARS: usize = 80;

/// About 80 characters of `body` around the first matching term, marked.
fn snippet(body: &str, terms: &[String]) -> Vec<(String, bool)> {
    let first = marked_ranges(body, terms).first().map_or(0, |r| r.0);
    let start = body[..first]
        .char_indices()
        .rev()
        .nth(20)
        .map_or(0, |(i, _)| i);
    let end = body[start..]
        .char_indices()
        .nth(SNIPPET_CHARS)
        .map_or(body.len(), |(i, _)| start + i);
    let mut pieces = mark(&body[start..end], terms, usize::MAX);
    if start > 0 {
        pieces.insert(0, ("…".into(), false));
    }
    if end < body.len() {
        pieces.push(("…".into(), false));
    }
    pieces
}

#[cfg(test)]
mod tests;
