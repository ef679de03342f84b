//! Writing the index: adding, replacing and removing documents, interning their terms,
//! organisations and statuses, and measuring what it holds.

use super::{
    ALIVE, Doc, HAS_TITLE, Index, Kind, Meta, Org, PRIVATE, PUBLISHED, Stored, is_han, pair_key,
};
use crate::analyze::analyze;
use crate::postings::Postings;

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

impl Index {
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
}
