//! An in-memory inverted index over analysed terms, with facet counts, a visibility filter
//! supplied by the caller, and highlighted snippets.
//!
//! Documents live in slots; postings are compressed slot lists in increasing order, so an update
//! is a new slot (the old one is marked dead) and postings stay sorted without rewriting.
//! Conjunctions walk the rarest list and probe the others through their block skips. What a
//! query touches per candidate (organisation, year, status, kind, flags) sits in a compact
//! array; organisations and statuses are interned, so a million documents do not carry a
//! million copies of their unit's name.
//!
//! Writing lives in `build`, answering queries in `search`, typo tolerance in `spelling`; this
//! file keeps the documents, the viewer and the index's layout, which they share.

mod build;
mod highlight;
mod search;
mod spelling;

pub use build::Footprint;
pub(crate) use highlight::{mark, snippet};
pub use search::{EXAMINED_LIMIT, Facets, Hit, MAX_FACET_ORGS, Narrow, Results};
pub use spelling::{is_spellable, nearest, tolerance};

use crate::fasthash::FastMap;
use crate::postings::Postings;

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

/// Who is searching, for the visibility filter.
pub struct Viewer<'a> {
    /// The signed-in person: they always see the records they own.
    pub user: Option<i64>,
    /// Whether the viewer's scope covers records of a kind held by the organisation at a
    /// materialised path. Asked once per organisation and kind per query, not per document.
    pub covers: &'a (dyn Fn(Kind, &str) -> bool + Sync),
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
}

pub(crate) fn is_han(c: char) -> bool {
    ('\u{3400}'..='\u{9fff}').contains(&c) || ('\u{20000}'..='\u{2ffff}').contains(&c)
}

#[cfg(test)]
mod tests;
