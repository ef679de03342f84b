//! Answering a query: candidates newest first, the visibility filter, ranking, facets and
//! highlighted hits.

use super::highlight::{mark, snippet};
use super::{ALIVE, HAS_TITLE, Index, Kind, Meta, PRIVATE, PUBLISHED, Viewer, is_han, pair_key};
use crate::fasthash::FastMap;
use crate::postings::Postings;
use crate::query::{Clause, Query};

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

/// Organisations listed in the facets, the most frequent first.
pub const MAX_FACET_ORGS: usize = 20;
/// Candidates examined exactly before the counts are extrapolated.
pub const EXAMINED_LIMIT: usize = 10_000;

impl Index {
    fn status_id(&self, status: &str) -> Option<u16> {
        self.statuses
            .iter()
            .position(|(s, _)| **s == *status)
            .map(|at| at as u16)
    }

    fn postings_of(&self, term: &str) -> Option<&Postings> {
        self.words.get(term).map(|id| &self.postings[*id as usize])
    }

    fn pair_postings(&self, a: char, b: char) -> Option<&Postings> {
        self.pairs
            .get(&pair_key(a, b))
            .map(|id| &self.postings[*id as usize])
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
