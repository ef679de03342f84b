//! What callers send to write a proposal and move it through its life, and the files they
//! attach.

use serde::Deserialize;
use utoipa::ToSchema;

#[derive(Debug, Deserialize, ToSchema, Default)]
pub struct UpdateProposalBody {
    #[serde(flatten)]
    pub proposal: ingot_app::proposals::ProposalInput,
    /// The version last read; if the proposal changed since, 409 `proposal_changed`.
    #[serde(default)]
    pub version: Option<i64>,
}

/// A file for a proposal: images, PDF or office documents, at most 10 MB; the contents must
/// match the name's extension.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct UploadForm {
    #[schema(value_type = FileBytes)]
    pub file: Vec<u8>,
}

/// A file's bytes.
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary)]
#[allow(dead_code)]
pub struct FileBytes(Vec<u8>);
