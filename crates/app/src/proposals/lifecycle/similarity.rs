//! The duplicate check: each proposal's text signature, and the earlier proposals of an
//! enterprise resembling a text.

use super::view;
use crate::{Caller, Result};
pub use ingot_domain::proposal::joined_text;
use ingot_domain::proposal::{Proposal, Status};
use ingot_domain::{OrgId, ProposalId, Timestamp};
use ingot_search::{Signature, jaccard, shingle_set, worth_reranking};
use ingot_store::{Tx, proposals, signatures};

/// An earlier proposal resembling a new one.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Similar {
    pub id: ProposalId,
    pub number: Option<String>,
    pub title: String,
    pub status: Status,
    pub submitted_at: Option<Timestamp>,
    /// 0 to 1.
    pub similarity: f64,
}

/// Shown from this character-3-gram Jaccard similarity up: a fifth of the distinct three-character
/// runs in common is already a clear overlap of wording in Chinese technical text.
pub const SIMILARITY_THRESHOLD: f64 = 0.2;
pub const SIMILAR_SHOWN: usize = 5;
/// Candidates sharing an LSH band, and how many of them (by estimated similarity) are compared
/// exactly: enough for recall, bounded for speed.
const CANDIDATES: i64 = 200;
const RERANKED: usize = 25;

/// Records a proposal's text for the duplicate check, in the transaction that wrote it.
pub async fn index_text(tx: &mut Tx, id: ProposalId, enterprise: OrgId, text: &str) -> Result<()> {
    let signature = Signature::of(text);
    signatures::put(
        tx,
        id,
        enterprise,
        &signature.to_hex(),
        &signature.band_keys(),
    )
    .await
}

/// The most similar earlier proposals of an enterprise to a text: candidates from the LSH
/// bands, ordered by their signatures' estimate, the best re-ranked by exact Jaccard.
pub async fn similar_in(
    tx: &mut Tx,
    enterprise: OrgId,
    text: &str,
    except: Option<ProposalId>,
    before: Option<Timestamp>,
) -> Result<Vec<Similar>> {
    let shingles = shingle_set(text);
    let signature = Signature::of_shingles(&shingles);
    let candidates =
        signatures::candidates(tx, enterprise, &signature.band_keys(), except, CANDIDATES).await?;
    let mut estimated: Vec<(ProposalId, f64)> = candidates
        .iter()
        .filter_map(|c| {
            Signature::from_hex(&c.signature_hex).map(|s| (c.id, s.estimate(&signature)))
        })
        .collect();
    estimated.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    // Far below the threshold by estimate (over 168 values its deviation is about 0.03):
    // not worth loading the text.
    estimated.retain(|(_, e)| *e >= SIMILARITY_THRESHOLD / 2.0);
    estimated.truncate(RERANKED);
    let estimates: Vec<f64> = estimated.iter().map(|(_, e)| *e).collect();
    estimated.truncate(worth_reranking(&estimates, SIMILAR_SHOWN));
    let ids: Vec<ProposalId> = estimated.iter().map(|(id, _)| *id).collect();
    let texts = proposals::texts_of(tx, &ids).await?;
    let mut found: Vec<Similar> = texts
        .into_iter()
        .filter(|c| before.is_none_or(|b| c.submitted_at.is_some_and(|s| s <= b)))
        .filter_map(|c| {
            let similarity = jaccard(&shingles, &shingle_set(&c.text));
            (similarity >= SIMILARITY_THRESHOLD).then(|| Similar {
                id: c.id,
                number: c.number,
                title: c.title,
                status: c.status,
                submitted_at: c.submitted_at,
                similarity: (similarity * 1000.0).round() / 1000.0,
            })
        })
        .collect();
    found.sort_by(|a, b| b.similarity.total_cmp(&a.similarity).then(a.id.cmp(&b.id)));
    found.truncate(SIMILAR_SHOWN);
    Ok(found)
}

pub fn text_of(p: &Proposal) -> String {
    joined_text(&p.title, &p.problem, &p.proposed_change)
}

/// Proposals resembling this one, among those submitted before it (or all, for a draft).
pub async fn similar(tx: &mut Tx, caller: &Caller<'_>, id: ProposalId) -> Result<Vec<Similar>> {
    let (l, _) = view(tx, caller, id, None).await?;
    let p = &l.proposal;
    similar_in(tx, p.enterprise_id, &text_of(p), Some(p.id), p.submitted_at).await
}
