//! MinHash signatures and LSH band keys of proposals, for the duplicate check.

use crate::sql::{Sql, SqlBuilder};
use crate::{Result, Tx};
use ingot_domain::{OrgId, ProposalId};

/// Replaces a proposal's signature and band keys.
pub async fn put(
    tx: &mut Tx,
    proposal: ProposalId,
    enterprise: OrgId,
    signature_hex: &str,
    band_keys: &[u64],
) -> Result<()> {
    tx.execute(Sql::new("DELETE FROM proposal_bands WHERE proposal_id = $1").bind(proposal))
        .await?;
    tx.execute(
        Sql::new(
            "INSERT INTO proposal_signatures (proposal_id, enterprise_id, signature) VALUES ($1, $2, $3)
             ON CONFLICT (proposal_id) DO UPDATE SET enterprise_id = excluded.enterprise_id, signature = excluded.signature",
        )
        .bind(proposal)
        .bind(enterprise)
        .bind(signature_hex),
    )
    .await?;
    let mut keys: Vec<i64> = band_keys.iter().map(|k| *k as i64).collect();
    keys.sort_unstable();
    keys.dedup();
    let mut b = SqlBuilder::new(
        "INSERT INTO proposal_bands (enterprise_id, band_key, proposal_id) VALUES ",
    );
    for (i, key) in keys.iter().enumerate() {
        if i > 0 {
            b.push(", ");
        }
        b.push("(")
            .bind(enterprise)
            .push(", ")
            .bind(*key)
            .push(", ")
            .bind(proposal)
            .push(")");
    }
    tx.execute(b.build()).await?;
    Ok(())
}

/// A proposal's text as the duplicate check reads it, for `ingot reindex`.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SignedText {
    pub id: i64,
    pub enterprise_id: i64,
    pub title: String,
    pub problem: String,
    pub proposed_change: String,
}

/// Proposals after `after_id`, by id, at most `limit` of them.
pub async fn texts_after(tx: &mut Tx, after_id: i64, limit: i64) -> Result<Vec<SignedText>> {
    tx.fetch_all(
        Sql::new(
            "SELECT id, enterprise_id, title, problem, proposed_change FROM proposals
             WHERE id > $1 ORDER BY id LIMIT $2",
        )
        .bind(after_id)
        .bind(limit),
    )
    .await
}

/// A candidate: a proposal sharing at least one band, with its signature and text.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub id: ProposalId,
    pub signature_hex: String,
    pub shared_bands: i64,
}

/// Proposals of an enterprise (not drafts or withdrawn ones) sharing a band with `band_keys`,
/// most shared bands first.
pub async fn candidates(
    tx: &mut Tx,
    enterprise: OrgId,
    band_keys: &[u64],
    except: Option<ProposalId>,
    limit: i64,
) -> Result<Vec<Candidate>> {
    let mut b = SqlBuilder::new(
        "SELECT b.proposal_id, s.signature, CAST(COUNT(*) AS BIGINT) AS shared
         FROM proposal_bands b
         JOIN proposals p ON p.id = b.proposal_id
         JOIN proposal_signatures s ON s.proposal_id = b.proposal_id
         WHERE b.enterprise_id = ",
    );
    let keys: Vec<i64> = band_keys.iter().map(|k| *k as i64).collect();
    b.bind(enterprise)
        .push(" AND b.band_key IN ")
        .values(&keys)
        .push(" AND b.proposal_id <> ")
        .bind(except.map_or(0, |p| p.0))
        .push(
            " AND p.status NOT IN ('draft', 'withdrawn')
             GROUP BY b.proposal_id, s.signature ORDER BY shared DESC, b.proposal_id LIMIT ",
        )
        .bind(limit);
    let rows: Vec<(i64, String, i64)> = tx.fetch_all(b.build()).await?;
    Ok(rows
        .into_iter()
        .map(|(id, signature_hex, shared_bands)| Candidate {
            id: ProposalId(id),
            signature_hex,
            shared_bands,
        })
        .collect())
}
