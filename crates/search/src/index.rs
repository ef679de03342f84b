//! An in-memory inverted index over analysed terms, with facet counts, a visibility filter
//! supplied by the caller, and highlighted snippets.
//!
//! Documents live in slots; postings are compressed slot lists in increasing order, so an update
//! is a new slot (the old one is marked dead) and postings stay sorted without rewriting.
//! Conjunctions walk the rarest list and probe the others through their block skips. What a
//! query touches per candidate (organisation, year, status, kind, flags) sits in a compact
//! array; organisations and statuses are interned, so a million documents do not carry a
//! million copies of their unit's name.

mod highlight;

use crate::analyze::analyze;
use crate::fasthash::FastMap;
use crate::postings::Postings;
use crate::query::{Clause, Query};
use highlight::{mark, snippet};

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
    /// Visible to its owners only (a draft), whatever the viewer's scope.
    pub private: bool,
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

/// Who is searching, for the visibility filter.
pub struct Viewer<'a> {
    /// The signed-in person: they always see the records they own.
    pub user: Option<i64>,
    /// Whether the viewer's scope covers records of a kind held by the organisation at a
    /// materialised path. Asked once per organisation and kind per query, not per document.
    pub covers: &'a dyn Fn(Kind, &str) -> bool,
    /// Documents withheld from this viewer whatever their scope (an expert's blind reviews).
    pub hidden: &'a [(Kind, i64)],
}

impl Viewer<'_> {
    /// A viewer who may see everything (the benchmark, tests, administrators).
    pub fn everything() -> Viewer<'static> {
        Viewer {
            user: None,
            covers: &|_, _| true,
            hidden: &[],
        }
    }
}

struct Org {
    id: i64,
    path: Box<str>,
    name: Box<str>,
    /// Terms of the name, so `窑炉` also finds what the kiln workshop holds.
    terms: Box<[u32]>,
}

const ALIVE: u8 = 1;
const PUBLISHED: u8 = 2;
const PRIVATE: u8 = 4;
const HAS_TITLE: u8 = 8;

/// What a query reads of every candidate, 12 bytes.
#[derive(Clone, Copy)]
struct Meta {
    org: u32,
    year: i16,
    status: u16,
    len: u16,
    kind: Kind,
    flags: u8,
}

struct Stored {
    id: i64,
    title: Box<str>,
    body: Box<str>,
    owners: Box<[i64]>,
    /// Terms in the title, sorted, for ranking.
    title_terms: Box<[u32]>,
}

/// Heap bytes held, by part.
#[derive(Debug, Clone, Copy, Default)]
pub struct Footprint {
    pub postings: usize,
    pub dictionary: usize,
    pub documents: usize,
    pub texts: usize,
    pub terms: usize,
    pub entries: usize,
}

#[derive(Default)]
pub struct Index {
    /// Words (jieba words and their parts, stemmed English, digits).
    words: FastMap<Box<str>, u32>,
    /// Pairs of adjacent Chinese characters, for phrases and words the dictionary lacks.
    pairs: FastMap<u64, u32>,
    postings: Vec<Postings>,
    meta: Vec<Meta>,
    stored: Vec<Stored>,
    orgs: Vec<Org>,
    org_ids: FastMap<i64, Vec<u32>>,
    statuses: Vec<(Box<str>, Box<[u32]>)>,
    by_key: FastMap<(Kind, i64), u32>,
    live: usize,
    scratch: Vec<u32>,
}

const MAX_FACET_ORGS: usize = 20;
/// Candidates examined exactly before the counts are extrapolated.
pub const EXAMINED_LIMIT: usize = 10_000;

fn pair_key(a: char, b: char) -> u64 {
    (u64::from(a as u32) << 32) | u64::from(b as u32)
}

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

    fn word_id(&mut self, word: &str) -> u32 {
        if let Some(id) = self.words.get(word) {
            return *id;
        }
        let id = self.postings.len() as u32;
        self.words.insert(word.into(), id);
        self.postings.push(Postings::default());
        id
    }

    fn pair_id(&mut self, key: u64) -> u32 {
        let next = self.postings.len() as u32;
        let id = *self.pairs.entry(key).or_insert(next);
        if id == next {
            self.postings.push(Postings::default());
        }
        id
    }

    fn words_of(&mut self, text: &str, out: &mut Vec<u32>) {
        for t in analyze(text, true) {
            out.push(self.word_id(&t.term));
        }
    }

    fn pairs_of(&mut self, text: &str, out: &mut Vec<u32>) {
        let mut prev: Option<char> = None;
        for c in text.chars() {
            let han = is_han(c);
            if let Some(p) = prev
                && han
            {
                out.push(self.pair_id(pair_key(p, c)));
            }
            prev = han.then_some(c);
        }
    }

    fn intern_org(&mut self, doc: &Doc) -> u32 {
        if let Some(found) = self.org_ids.get(&doc.org_id).and_then(|list| {
            list.iter().copied().find(|o| {
                let org = &self.orgs[*o as usize];
                *org.path == *doc.org_path && *org.name == *doc.org_name
            })
        }) {
            return found;
        }
        let mut terms = Vec::new();
        self.words_of(&doc.org_name, &mut terms);
        terms.sort_unstable();
        terms.dedup();
        let id = self.orgs.len() as u32;
        self.orgs.push(Org {
            id: doc.org_id,
            path: doc.org_path.as_str().into(),
            name: doc.org_name.as_str().into(),
            terms: terms.into(),
        });
        self.org_ids.entry(doc.org_id).or_default().push(id);
        id
    }

    fn intern_status(&mut self, status: &str) -> u16 {
        if let Some(at) = self.statuses.iter().position(|(s, _)| **s == *status) {
            return at as u16;
        }
        let mut terms = Vec::new();
        self.words_of(status, &mut terms);
        self.statuses.push((status.into(), terms.into()));
        (self.statuses.len() - 1) as u16
    }

    fn status_id(&self, status: &str) -> Option<u16> {
        self.statuses
            .iter()
            .position(|(s, _)| **s == *status)
            .map(|at| at as u16)
    }

    /// Adds or replaces a document.
    pub fn upsert(&mut self, doc: Doc) {
        self.remove(doc.kind, doc.id);
        let slot = self.meta.len() as u32;
        let org = self.intern_org(&doc);
        let status = self.intern_status(&doc.status);
        let mut terms = std::mem::take(&mut self.scratch);
        terms.clear();
        self.words_of(&doc.title, &mut terms);
        let mut title_terms = terms.clone();
        title_terms.sort_unstable();
        title_terms.dedup();
        self.words_of(&doc.body, &mut terms);
        self.pairs_of(&doc.title, &mut terms);
        self.pairs_of(&doc.body, &mut terms);
        let len = terms.len();
        terms.extend_from_slice(&self.orgs[org as usize].terms);
        terms.extend_from_slice(&self.statuses[status as usize].1);
        terms.sort_unstable();
        terms.dedup();
        for t in &terms {
            self.postings[*t as usize].push(slot);
        }
        self.scratch = terms;
        let mut flags = ALIVE;
        if doc.published {
            flags |= PUBLISHED;
        }
        if doc.private {
            flags |= PRIVATE;
        }
        if !title_terms.is_empty() {
            flags |= HAS_TITLE;
        }
        self.meta.push(Meta {
            org,
            year: doc.year.clamp(i32::from(i16::MIN), i32::from(i16::MAX)) as i16,
            status,
            len: len.min(usize::from(u16::MAX)) as u16,
            kind: doc.kind,
            flags,
        });
        self.stored.push(Stored {
            id: doc.id,
            title: doc.title.into(),
            body: doc.body.into(),
            owners: doc.owners.into(),
            title_terms: title_terms.into(),
        });
        self.by_key.insert((doc.kind, doc.id), slot);
        self.live += 1;
    }

    pub fn remove(&mut self, kind: Kind, id: i64) {
        if let Some(slot) = self.by_key.remove(&(kind, id)) {
            self.meta[slot as usize].flags &= !ALIVE;
            let stored = &mut self.stored[slot as usize];
            stored.title = Box::default();
            stored.body = Box::default();
            self.live -= 1;
        }
    }

    /// Gives back the spare capacity a bulk load leaves behind.
    pub fn compact(&mut self) {
        for p in &mut self.postings {
            p.shrink();
        }
        self.postings.shrink_to_fit();
        self.meta.shrink_to_fit();
        self.stored.shrink_to_fit();
        self.scratch = Vec::new();
    }

    /// Heap bytes held by the index (estimated for the hash tables).
    pub fn footprint(&self) -> Footprint {
        let texts: usize = self
            .stored
            .iter()
            .map(|s| s.title.len() + s.body.len())
            .sum();
        let entries: usize = self.postings.iter().map(Postings::len).sum();
        let word_bytes: usize = self.words.keys().map(|w| w.len()).sum();
        Footprint {
            postings: self.postings.iter().map(Postings::bytes).sum::<usize>()
                + self.postings.capacity() * std::mem::size_of::<Postings>(),
            dictionary: word_bytes
                + self.words.capacity() * (std::mem::size_of::<(Box<str>, u32)>() + 1)
                + self.pairs.capacity() * (std::mem::size_of::<(u64, u32)>() + 1),
            documents: self.meta.capacity() * std::mem::size_of::<Meta>()
                + self.stored.capacity() * std::mem::size_of::<Stored>()
                + self
                    .stored
                    .iter()
                    .map(|s| s.owners.len() * 8 + s.title_terms.len() * 4)
                    .sum::<usize>()
                + self.by_key.capacity() * (std::mem::size_of::<((Kind, i64), u32)>() + 1),
            texts,
            terms: self.postings.len(),
            entries,
        }
    }

    fn postings_of(&self, term: &str) -> Option<&Postings> {
        self.words.get(term).map(|id| &self.postings[*id as usize])
    }

    fn pair_postings(&self, a: char, b: char) -> Option<&Postings> {
        self.pairs
            .get(&pair_key(a, b))
            .map(|id| &self.postings[*id as usize])
    }

    /// Terms of the dictionary within a small edit distance of an English word, for typos.
    fn near_terms(&self, word: &str) -> Vec<String> {
        let n = word.chars().count();
        if n < 4 || !word.chars().all(|c| c.is_ascii_alphabetic()) {
            return Vec::new();
        }
        let max = if n >= 8 { 2 } else { 1 };
        let mut found: Vec<(usize, usize, &str)> = self
            .words
            .iter()
            .filter(|(t, _)| t.is_ascii() && t.len().abs_diff(word.len()) <= max)
            .filter_map(|(t, id)| {
                let d = edit_distance(word, t, max);
                (d <= max).then(|| (d, usize::MAX - self.postings[*id as usize].len(), &**t))
            })
            .collect();
        found.sort();
        found
            .into_iter()
            .take(3)
            .map(|(_, _, t)| t.to_string())
            .collect()
    }

    /// Answers a query for a viewer.
    pub fn search(
        &self,
        query: &Query,
        narrow: &Narrow,
        viewer: &Viewer,
        offset: usize,
        limit: usize,
    ) -> Results {
        let mut results = Results::default();
        // Each clause becomes a set of alternatives (a term, or its spelling neighbours); a
        // document must match one alternative of every clause.
        let mut groups: Vec<Vec<&Postings>> = Vec::new();
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
                    let chars: Vec<char> = text.chars().collect();
                    let mut lists: Vec<&Postings> = Vec::new();
                    for w in chars.windows(2).filter(|w| is_han(w[0]) && is_han(w[1])) {
                        match self.pair_postings(w[0], w[1]) {
                            Some(p) => lists.push(p),
                            None => return results,
                        }
                    }
                    let others: Vec<&String> = if lists.is_empty() {
                        terms.iter().collect()
                    } else {
                        terms.iter().filter(|t| !t.chars().any(is_han)).collect()
                    };
                    for term in others {
                        match self.postings_of(term) {
                            Some(p) => lists.push(p),
                            None => return results,
                        }
                    }
                    groups.extend(lists.into_iter().map(|p| vec![p]));
                    highlight.push(text.clone());
                    // Two Chinese characters are answered by their pair's postings alone.
                    let exact = chars.len() == 2 && chars.iter().all(|c| is_han(*c));
                    if !exact {
                        phrases.push(text.trim().to_string());
                    }
                }
            }
        }
        let filters = &query.filters;
        let wanted_status = match &filters.status {
            Some(s) => match self.status_id(s) {
                Some(id) => Some(id),
                None => return results,
            },
            None => None,
        };
        let narrow_status = narrow.status.as_ref().map(|s| self.status_id(s));
        // Phrases are checked in the text of every candidate: a prepared SIMD searcher each.
        let phrases: Vec<memchr::memmem::Finder> = phrases
            .iter()
            .map(|p| memchr::memmem::Finder::new(p.as_bytes()))
            .collect();
        // Per organisation and kind: within the unit filter, and covered by the viewer's scope.
        let mut org_memo: FastMap<(u32, Kind), (bool, bool)> = FastMap::default();
        let mut matches = |slot: u32, m: &Meta| -> bool {
            if m.flags & ALIVE == 0
                || filters.year.is_some_and(|y| i32::from(m.year) != y)
                || wanted_status.is_some_and(|s| m.status != s)
                || filters.kind.is_some_and(|k| m.kind != k)
            {
                return false;
            }
            let (in_unit, covered) = *org_memo.entry((m.org, m.kind)).or_insert_with(|| {
                let org = &self.orgs[m.org as usize];
                (
                    filters
                        .unit
                        .as_ref()
                        .is_none_or(|u| org.name.contains(u.as_str())),
                    (viewer.covers)(m.kind, &org.path),
                )
            });
            if !in_unit {
                return false;
            }
            let stored = || &self.stored[slot as usize];
            if !viewer.hidden.is_empty() && viewer.hidden.contains(&(m.kind, stored().id)) {
                return false;
            }
            let visible = m.flags & PUBLISHED != 0
                || (covered && m.flags & PRIVATE == 0)
                || viewer.user.is_some_and(|u| stored().owners.contains(&u));
            visible
                && phrases.iter().all(|p| {
                    p.find(stored().body.as_bytes()).is_some()
                        || p.find(stored().title.as_bytes()).is_some()
                })
        };
        // Newest first (descending slots); beyond EXAMINED_LIMIT the counts are extrapolated.
        let (candidates, candidate_count): (Vec<u32>, usize) = if groups.is_empty() {
            if filters.is_empty() {
                return results;
            }
            let n = self.meta.len();
            (
                (n.saturating_sub(EXAMINED_LIMIT) as u32..n as u32)
                    .rev()
                    .collect(),
                n,
            )
        } else if groups.len() == 1 && groups[0].len() == 1 {
            let mut tail = groups[0][0].tail(EXAMINED_LIMIT);
            tail.reverse();
            (tail, groups[0][0].len())
        } else {
            newest_conjunction(&groups, EXAMINED_LIMIT)
        };
        let mut examined = 0usize;
        let idf_sum: f32 = groups
            .iter()
            .map(|g| {
                let df: usize = g.iter().map(|p| p.len()).sum::<usize>().max(1);
                ((self.live as f32 + 1.0) / df as f32).ln().max(0.1)
            })
            .sum();
        let title_ids: Vec<u32> = highlight
            .iter()
            .filter_map(|t| self.words.get(t.as_str()).copied())
            .collect();
        let mut kinds = [0usize; 5];
        let mut orgs: FastMap<u32, usize> = FastMap::default();
        let mut years: Vec<(i16, usize)> = Vec::new();
        let mut statuses = vec![0usize; self.statuses.len()];
        let mut top: Vec<(f32, u32)> = Vec::new();
        let want = offset + limit;
        for slot_id in candidates {
            if examined == EXAMINED_LIMIT {
                break;
            }
            examined += 1;
            let m = &self.meta[slot_id as usize];
            if !matches(slot_id, m) {
                continue;
            }
            kinds[m.kind as usize] += 1;
            *orgs.entry(m.org).or_default() += 1;
            match years.iter_mut().find(|(y, _)| *y == m.year) {
                Some((_, n)) => *n += 1,
                None => years.push((m.year, 1)),
            }
            statuses[m.status as usize] += 1;
            if narrow.kind.is_some_and(|k| k != m.kind)
                || narrow
                    .org_id
                    .is_some_and(|o| o != self.orgs[m.org as usize].id)
                || narrow.year.is_some_and(|y| y != i32::from(m.year))
                || narrow_status.is_some_and(|s| s != Some(m.status))
            {
                continue;
            }
            results.total += 1;
            let in_title = if m.flags & HAS_TITLE != 0 && !title_ids.is_empty() {
                let title_terms = &self.stored[slot_id as usize].title_terms;
                title_ids
                    .iter()
                    .filter(|t| title_terms.binary_search(t).is_ok())
                    .count() as f32
            } else {
                0.0
            };
            let score = idf_sum * (1.0 + in_title) / (1.0 + f32::from(m.len).ln());
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
                let m = &self.meta[slot_id as usize];
                let d = &self.stored[slot_id as usize];
                Hit {
                    kind: m.kind,
                    id: d.id,
                    title: d.title.to_string(),
                    org_name: self.orgs[m.org as usize].name.to_string(),
                    year: i32::from(m.year),
                    status: self.statuses[m.status as usize].0.to_string(),
                    score,
                    title_pieces: mark(&d.title, &highlight, usize::MAX),
                    snippet: snippet(&d.body, &highlight),
                }
            })
            .collect();
        results.facets = self.facets(kinds, orgs, years, statuses, scale);
        results
    }

    fn facets(
        &self,
        kinds: [usize; 5],
        orgs: FastMap<u32, usize>,
        years: Vec<(i16, usize)>,
        statuses: Vec<usize>,
        scale: impl Fn(usize) -> usize,
    ) -> Facets {
        let kinds = [
            Kind::Proposal,
            Kind::Person,
            Kind::Achievement,
            Kind::Studio,
            Kind::Patent,
        ]
        .into_iter()
        .filter(|k| kinds[*k as usize] > 0)
        .map(|k| (k, scale(kinds[k as usize])))
        .collect();
        // An organisation renamed or moved has several interned entries: counted together,
        // shown by its newest name.
        let mut by_id: FastMap<i64, (usize, u32)> = FastMap::default();
        for (org, n) in orgs {
            let e = by_id.entry(self.orgs[org as usize].id).or_insert((0, org));
            e.0 += n;
            e.1 = e.1.max(org);
        }
        let mut org_counts: Vec<(i64, usize, u32)> = by_id
            .into_iter()
            .map(|(id, (n, org))| (id, scale(n), org))
            .collect();
        org_counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        org_counts.truncate(MAX_FACET_ORGS);
        let orgs = org_counts
            .into_iter()
            .map(|(id, n, org)| (id, self.orgs[org as usize].name.to_string(), n))
            .collect();
        let mut years: Vec<(i32, usize)> = years
            .into_iter()
            .map(|(y, n)| (i32::from(y), scale(n)))
            .collect();
        years.sort_by_key(|y| std::cmp::Reverse(y.0));
        let mut statuses: Vec<(String, usize)> = statuses
            .into_iter()
            .enumerate()
            .filter(|(_, n)| *n > 0)
            .map(|(s, n)| (self.statuses[s].0.to_string(), scale(n)))
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

fn better(a: (f32, u32), b: (f32, u32)) -> bool {
    a.0 > b.0 || (a.0 == b.0 && a.1 > b.1)
}

/// The newest slots (at most `limit`, descending) in every group, each group a union of
/// postings lists, and how many there are in all: exact when the rarest group was read to its
/// start, otherwise extrapolated from the part read. The rarest group drives, newest first; the
/// other lists are probed block by block, so a query of very common words stops early.
fn newest_conjunction(groups: &[Vec<&Postings>], limit: usize) -> (Vec<u32>, usize) {
    let size = |g: &Vec<&Postings>| g.iter().map(|p| p.len()).sum::<usize>();
    let mut order: Vec<&Vec<&Postings>> = groups.iter().collect();
    order.sort_by_key(|g| size(g));
    let Some((first, rest)) = order.split_first() else {
        return (Vec::new(), 0);
    };
    let mut probes: Vec<Vec<_>> = rest
        .iter()
        .map(|g| g.iter().map(|p| p.back_cursor()).collect())
        .collect();
    let mut keep = |slot: u32| {
        probes
            .iter_mut()
            .all(|alternatives| alternatives.iter_mut().any(|c| c.contains(slot)))
    };
    let mut found = Vec::new();
    let driver_len = size(first);
    if first.len() == 1 {
        let list = first[0];
        let mut block = Vec::with_capacity(crate::postings::BLOCK);
        let mut read = 0usize;
        for b in (0..list.block_count()).rev() {
            list.decode_block(b, &mut block);
            for slot in block.iter().rev() {
                read += 1;
                if keep(*slot) {
                    found.push(*slot);
                }
            }
            if found.len() >= limit {
                let total = (found.len() as f64 * driver_len as f64 / read as f64).round();
                return (found, total as usize);
            }
        }
    } else {
        // Spelling alternatives: short lists, merged whole.
        let mut driver: Vec<u32> = first.iter().flat_map(|p| p.decode()).collect();
        driver.sort_unstable_by(|a, b| b.cmp(a));
        driver.dedup();
        found = driver.into_iter().filter(|s| keep(*s)).collect();
    }
    let total = found.len();
    (found, total)
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

pub(crate) fn is_han(c: char) -> bool {
    ('\u{3400}'..='\u{9fff}').contains(&c) || ('\u{20000}'..='\u{2ffff}').contains(&c)
}

#[cfg(test)]
mod tests;
