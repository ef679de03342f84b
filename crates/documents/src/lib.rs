//! Printable documents as PDF, drawn offline with a Chinese font embedded (only the characters a
//! document uses): award certificates with the QR code of their public verification page, and
//! tables (an annual summary, a return in the layout of the official form, an announcement),
//! and notices as Word documents for the clerks to edit. Pure: bytes in, bytes out; callers
//! run it on a blocking thread.

mod certificate;
mod draw;
mod table;
mod word;

pub use certificate::{Certificate, certificate_pdf};
pub use table::{TableDocument, table_pdf};
pub use word::table_docx;

use std::sync::Arc;

/// Fonts with Chinese, where Debian's packages put them, the first found is used.
pub const FONT_CANDIDATES: &[&str] = &[
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
];

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DocumentError {
    #[error("no font with Chinese characters was found (install fonts-wqy-microhei)")]
    NoFont,
    #[error("the font file could not be read as a font")]
    BadFont,
    #[error("the PDF could not be written: {0}")]
    Write(String),
}

/// The font documents are drawn in.
#[derive(Clone)]
pub struct DocumentFont(krilla::text::Font);

impl std::fmt::Debug for DocumentFont {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DocumentFont")
    }
}

impl DocumentFont {
    /// A font (the first of a collection) from its file's bytes.
    pub fn from_bytes(bytes: Vec<u8>) -> Result<DocumentFont, DocumentError> {
        krilla::text::Font::new(Arc::new(bytes).into(), 0)
            .map(DocumentFont)
            .ok_or(DocumentError::BadFont)
    }

    /// The font at `path`, or else the first of [`FONT_CANDIDATES`] on this machine.
    pub fn find(path: Option<&std::path::Path>) -> Result<DocumentFont, DocumentError> {
        let paths: Vec<std::path::PathBuf> = match path {
            Some(p) => vec![p.to_path_buf()],
            None => FONT_CANDIDATES.iter().map(Into::into).collect(),
        };
        for p in paths {
            if let Ok(bytes) = std::fs::read(&p) {
                return DocumentFont::from_bytes(bytes);
            }
        }
        Err(DocumentError::NoFont)
    }
}
