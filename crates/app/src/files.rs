//! Uploaded files: checked by their contents (not just their names), stored outside the
//! database under their SHA-256, so the same file uploaded twice is stored once. Several servers
//! share the directory (a network mount) the way they share the database.

use crate::Result;
use ingot_domain::{AppError, FieldError};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

pub mod gc;

pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;
pub const MAX_FILES_PER_PROPOSAL: usize = 10;
pub const FILENAME_MAX: usize = 200;

#[derive(Debug, Clone)]
pub struct FileStore {
    root: PathBuf,
}

/// The kinds of file a proposal may carry: images, PDF and office documents.
const KINDS: &[(&[&str], &str)] = &[
    (&["png"], "image/png"),
    (&["jpg", "jpeg"], "image/jpeg"),
    (&["gif"], "image/gif"),
    (&["webp"], "image/webp"),
    (&["pdf"], "application/pdf"),
    (
        &["docx"],
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    (
        &["xlsx"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    (
        &["pptx"],
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
    (&["doc"], "application/msword"),
    (&["xls"], "application/vnd.ms-excel"),
    (&["ppt"], "application/vnd.ms-powerpoint"),
];

/// What the first bytes say the file is, by family.
fn magic_family(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("png")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("jpeg")
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some("gif")
    } else if bytes.len() > 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("webp")
    } else if bytes.starts_with(b"%PDF-") {
        Some("pdf")
    } else if bytes.starts_with(b"PK\x03\x04") {
        Some("zip")
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        Some("ole")
    } else {
        None
    }
}

fn family_of_extension(ext: &str) -> &'static str {
    match ext {
        "png" => "png",
        "jpg" | "jpeg" => "jpeg",
        "gif" => "gif",
        "webp" => "webp",
        "pdf" => "pdf",
        "docx" | "xlsx" | "pptx" => "zip",
        _ => "ole",
    }
}

/// Checks an upload's name, size and contents; returns its cleaned name and content type.
pub fn check(filename: &str, bytes: &[u8]) -> Result<(String, &'static str)> {
    let name: String = filename
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or("")
        .chars()
        .filter(|c| !c.is_control() && *c != '"')
        .take(FILENAME_MAX)
        .collect();
    let name = name.trim().to_string();
    if name.is_empty() {
        return Err(AppError::field("file", "file_missing"));
    }
    if bytes.is_empty() {
        return Err(AppError::field("file", "file_empty"));
    }
    if bytes.len() > MAX_FILE_BYTES {
        return Err(AppError::Validation(vec![
            FieldError::new("file", "file_too_large").with("max_mb", MAX_FILE_BYTES / 1024 / 1024),
        ]));
    }
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let Some((_, content_type)) = KINDS.iter().find(|(exts, _)| exts.contains(&ext.as_str()))
    else {
        return Err(AppError::Validation(vec![
            FieldError::new("file", "file_type_not_allowed").with("name", &name),
        ]));
    };
    // The contents must be what the name says: a renamed executable is refused.
    if magic_family(bytes) != Some(family_of_extension(&ext)) {
        return Err(AppError::Validation(vec![
            FieldError::new("file", "file_content_mismatch").with("name", &name),
        ]));
    }
    Ok((name, content_type))
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

impl FileStore {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        FileStore { root: root.into() }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    fn path_of(&self, sha256: &str) -> Result<PathBuf> {
        if sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(AppError::internal(format!("bad content hash {sha256:?}")));
        }
        Ok(self.root.join(&sha256[..2]).join(sha256))
    }

    /// Stores the bytes under their hash (atomically: written aside, then renamed) and returns
    /// the hash. Storing the same contents again changes nothing.
    pub async fn put(&self, bytes: Vec<u8>) -> Result<String> {
        let sha = sha256_hex(&bytes);
        let path = self.path_of(&sha)?;
        if tokio::fs::try_exists(&path).await.unwrap_or(false) {
            // Stored before, perhaps long ago and unreferenced since: its time is made now, so
            // the collector's grace period protects it until the row about to name it commits.
            match touch(path.clone()).await {
                Ok(()) => return Ok(sha),
                // Collected meanwhile: stored again below.
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(AppError::internal(format!("file store touch: {e}"))),
            }
        }
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        tokio::fs::create_dir_all(&dir)
            .await
            .map_err(|e| AppError::internal(format!("file store {}: {e}", dir.display())))?;
        let tmp = dir.join(format!(".{sha}.{}", crate::secrets::random_token("up")));
        tokio::fs::write(&tmp, &bytes)
            .await
            .map_err(|e| AppError::internal(format!("file store write: {e}")))?;
        tokio::fs::rename(&tmp, &path)
            .await
            .map_err(|e| AppError::internal(format!("file store rename: {e}")))?;
        Ok(sha)
    }

    /// Whether the file of `sha256` is in the store (for checks and tests).
    pub async fn contains(&self, sha256: &str) -> Result<bool> {
        Ok(tokio::fs::try_exists(self.path_of(sha256)?)
            .await
            .unwrap_or(false))
    }

    pub async fn get(&self, sha256: &str) -> Result<Vec<u8>> {
        let path = self.path_of(sha256)?;
        let bytes = tokio::fs::read(&path)
            .await
            .map_err(|e| AppError::internal(format!("file store read {}: {e}", path.display())))?;
        // A file changed on disk is not served as if it were the one uploaded.
        if sha256_hex(&bytes) != sha256 {
            return Err(AppError::internal(format!("file {sha256} fails its hash")));
        }
        Ok(bytes)
    }
}

/// Sets a file's modification time to now.
async fn touch(path: PathBuf) -> std::io::Result<()> {
    tokio::task::spawn_blocking(move || {
        std::fs::File::open(&path)?.set_modified(std::time::SystemTime::now())
    })
    .await
    .map_err(std::io::Error::other)?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contents_must_match_the_name() {
        let png = b"\x89PNG\r\n\x1a\n rest";
        assert_eq!(check("photo.PNG", png).unwrap().1, "image/png");
        assert_eq!(check("C:\\dir\\photo.png", png).unwrap().0, "photo.png");
        let code = |r: Result<(String, &str)>| r.unwrap_err().field_errors()[0].code;
        assert_eq!(code(check("photo.pdf", png)), "file_content_mismatch");
        assert_eq!(code(check("run.exe", b"MZ...")), "file_type_not_allowed");
        assert_eq!(code(check("a.png", b"")), "file_empty");
        assert_eq!(code(check("", png)), "file_missing");
        let big = vec![0u8; MAX_FILE_BYTES + 1];
        assert_eq!(code(check("a.png", &big)), "file_too_large");
        assert!(
            check("plan.docx", b"PK\x03\x04 zip")
                .unwrap()
                .1
                .contains("wordprocessingml")
        );
    }
}
