//! Files attached to proposals. The rows hold the metadata and content hash; the bytes live in
//! the file store, named by that hash.

use crate::sql::Sql;
use crate::{Result, Tx};
use ingot_domain::{AttachmentId, ProposalId, Timestamp, UserId};

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Attachment {
    pub id: AttachmentId,
    pub proposal_id: ProposalId,
    pub sha256: String,
    pub size: i64,
    pub content_type: String,
    pub filename: String,
    pub uploaded_by: UserId,
    pub uploaded_at: Timestamp,
}

type Row = (i64, i64, String, i64, String, String, i64, i64);

fn convert(r: Row) -> Attachment {
    Attachment {
        id: AttachmentId(r.0),
        proposal_id: ProposalId(r.1),
        sha256: r.2,
        size: r.3,
        content_type: r.4,
        filename: r.5,
        uploaded_by: UserId(r.6),
        uploaded_at: Timestamp(r.7),
    }
}

pub struct NewAttachment<'a> {
    pub proposal_id: ProposalId,
    pub sha256: &'a str,
    pub size: i64,
    pub content_type: &'a str,
    pub filename: &'a str,
    pub uploaded_by: UserId,
}

pub async fn insert(tx: &mut Tx, a: &NewAttachment<'_>, now: Timestamp) -> Result<AttachmentId> {
    let (id,): (i64,) = tx
        .fetch_one(
            Sql::new(
                "INSERT INTO attachments (proposal_id, sha256, size, content_type, filename, uploaded_by, uploaded_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            )
            .bind(a.proposal_id)
            .bind(a.sha256)
            .bind(a.size)
            .bind(a.content_type)
            .bind(a.filename)
            .bind(a.uploaded_by)
            .bind(now),
        )
        .await?;
    Ok(AttachmentId(id))
}

pub async fn list(tx: &mut Tx, proposal: ProposalId) -> Result<Vec<Attachment>> {
    let rows: Vec<Row> = tx
        .fetch_all(
            Sql::new(
                "SELECT id, proposal_id, sha256, size, content_type, filename, uploaded_by, uploaded_at
                 FROM attachments WHERE proposal_id = $1 ORDER BY id",
            )
            .bind(proposal),
        )
        .await?;
    Ok(rows.into_iter().map(convert).collect())
}

pub async fn get(tx: &mut Tx, id: AttachmentId) -> Result<Option<Attachment>> {
    let row: Option<Row> = tx
        .fetch_optional(
            Sql::new(
                "SELECT id, proposal_id, sha256, size, content_type, filename, uploaded_by, uploaded_at
                 FROM attachments WHERE id = $1",
            )
            .bind(id),
        )
        .await?;
    Ok(row.map(convert))
}

pub async fn delete(tx: &mut Tx, id: AttachmentId) -> Result<()> {
    tx.execute(Sql::new("DELETE FROM attachments WHERE id = $1").bind(id))
        .await?;
    Ok(())
}
