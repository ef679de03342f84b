//! Records read from the database as documents to index, whichever index holds them.

use crate::Result;
use ingot_domain::Timestamp;
use ingot_domain::proposal::Status;
use ingot_domain::time::Date;
use ingot_search::index::{Doc, Kind};
use ingot_store::Tx;
use ingot_store::search_docs::{self, PersonDoc, ProposalDoc, RecordDoc, StudioDoc};

fn year_of(period: Option<i64>, created_at: i64, offset_ms: i64) -> i32 {
    match period {
        Some(p) => (p / 100) as i32,
        None => Date::of(Timestamp(created_at), offset_ms).year,
    }
}

fn proposal_doc(p: ProposalDoc, offset_ms: i64) -> Doc {
    let title = match &p.number {
        Some(n) => format!("{} {n}", p.title),
        None => p.title.clone(),
    };
    Doc {
        kind: Kind::Proposal,
        id: p.id,
        year: year_of(p.period, p.created_at, offset_ms),
        title,
        body: p.body,
        org_id: p.unit_id,
        org_path: p.unit_path,
        org_name: p.unit_name,
        private: p.status == Status::Draft.as_str(),
        status: p.status,
        owners: p.owners,
        published: false,
    }
}

fn studio_doc(s: StudioDoc) -> Doc {
    Doc {
        kind: Kind::Studio,
        id: s.id,
        title: s.name,
        body: s.body,
        org_id: s.unit_id,
        org_path: s.unit_path,
        org_name: s.unit_name,
        year: s.founded_on.year,
        status: s.status,
        owners: Vec::new(),
        // A studio's page is public.
        published: true,
        private: false,
    }
}

fn record_doc(kind: Kind, r: RecordDoc) -> Doc {
    Doc {
        kind,
        id: r.id,
        title: r.title,
        body: r.body,
        org_id: r.unit_id,
        org_path: r.unit_path,
        org_name: r.unit_name,
        year: r.year as i32,
        status: r.status,
        owners: Vec::new(),
        published: false,
        private: false,
    }
}

fn person_doc(u: PersonDoc, offset_ms: i64) -> Doc {
    Doc {
        kind: Kind::Person,
        id: u.id,
        title: u.display_name,
        body: format!("{} {}", u.username, u.org_name),
        org_id: u.org_id,
        org_path: u.org_path,
        org_name: u.org_name,
        year: Date::of(Timestamp(u.created_at), offset_ms).year,
        status: if u.active { "active" } else { "inactive" }.to_string(),
        owners: vec![u.id],
        published: false,
        private: false,
    }
}

const KINDS: [Kind; 5] = [
    Kind::Proposal,
    Kind::Person,
    Kind::Studio,
    Kind::Achievement,
    Kind::Patent,
];

/// Records to index, by kind: every record, or those with the ids given.
#[derive(Default)]
pub struct Wanted {
    pub proposals: Vec<i64>,
    pub people: Vec<i64>,
    pub studios: Vec<i64>,
    pub achievements: Vec<i64>,
    pub patents: Vec<i64>,
}

impl Wanted {
    /// Sorts the ids of changes `(object type, id)` by kind; other types are not indexed.
    pub fn of_changes<'a>(changes: impl Iterator<Item = (&'a str, i64)>) -> Wanted {
        let mut w = Wanted::default();
        for (kind, id) in changes {
            match kind {
                "proposal" => w.proposals.push(id),
                "user" => w.people.push(id),
                "studio" => w.studios.push(id),
                "achievement" => w.achievements.push(id),
                "patent" => w.patents.push(id),
                _ => {}
            }
        }
        for ids in [
            &mut w.proposals,
            &mut w.people,
            &mut w.studios,
            &mut w.achievements,
            &mut w.patents,
        ] {
            ids.sort_unstable();
            ids.dedup();
        }
        w
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn len(&self) -> usize {
        self.proposals.len()
            + self.people.len()
            + self.studios.len()
            + self.achievements.len()
            + self.patents.len()
    }

    /// Wanted records that `docs` lack: deleted since they were logged.
    pub fn missing_from(&self, docs: &[Doc]) -> Vec<(Kind, i64)> {
        let found: std::collections::HashSet<(Kind, i64)> =
            docs.iter().map(|d| (d.kind, d.id)).collect();
        KINDS
            .into_iter()
            .flat_map(|kind| self.ids(kind).iter().map(move |id| (kind, *id)))
            .filter(|key| !found.contains(key))
            .collect()
    }

    /// The wanted ids of a kind.
    pub fn ids(&self, kind: Kind) -> &[i64] {
        match kind {
            Kind::Proposal => &self.proposals,
            Kind::Person => &self.people,
            Kind::Studio => &self.studios,
            Kind::Achievement => &self.achievements,
            Kind::Patent => &self.patents,
        }
    }
}

/// Reads the documents of the wanted records (`None`: every record) that still exist, in the
/// order an index is built: proposals, people, studios, achievements, patents.
pub async fn read(tx: &mut Tx, wanted: Option<&Wanted>, offset_ms: i64) -> Result<Vec<Doc>> {
    let ids = |kind: Kind| wanted.map(|w| w.ids(kind));
    let mut docs = Vec::new();
    for p in search_docs::proposals(tx, ids(Kind::Proposal)).await? {
        docs.push(proposal_doc(p, offset_ms));
    }
    for u in search_docs::people(tx, ids(Kind::Person)).await? {
        docs.push(person_doc(u, offset_ms));
    }
    for s in search_docs::studios(tx, ids(Kind::Studio)).await? {
        docs.push(studio_doc(s));
    }
    for a in search_docs::achievements(tx, ids(Kind::Achievement)).await? {
        docs.push(record_doc(Kind::Achievement, a));
    }
    for p in search_docs::patents(tx, ids(Kind::Patent)).await? {
        docs.push(record_doc(Kind::Patent, p));
    }
    Ok(docs)
}
