//! The ZIP container, judged by its central directory before anything is inflated, and read
//! through a counter that stops at the size each entry declared, because declarations can lie.

use crate::error::shown;
use crate::{Limits, OfficeError};
use std::collections::HashMap;
use std::io::{self, BufReader, Cursor, Read};
use zip::{CompressionMethod, ZipArchive};

pub(super) struct Archive<'a> {
    zip: ZipArchive<Cursor<&'a [u8]>>,
    /// Entry index and declared size by lower-cased name: part names are case-insensitive.
    index: HashMap<String, (usize, u64)>,
}

/// What the inflating reader returns past an entry's declared size.
#[derive(Debug)]
struct DeclaredSizeExceeded;

impl std::fmt::Display for DeclaredSizeExceeded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the entry inflates beyond its declared size")
    }
}

impl std::error::Error for DeclaredSizeExceeded {}

/// Whether an I/O error came from an entry inflating beyond its declared size.
pub(super) fn is_overrun(e: &io::Error) -> bool {
    e.get_ref()
        .is_some_and(|inner| inner.is::<DeclaredSizeExceeded>())
}

/// Reads at most `left` bytes from the inflater; one byte more is an error, not a truncation.
/// The zip crate (9.x) enforces the declared size too, reporting an overrun as invalid data
/// like a damaged entry; this counter does not depend on it and names the overrun.
struct Counted<R> {
    inner: R,
    left: u64,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.left == 0 {
            let mut probe = [0u8; 1];
            return match self.inner.read(&mut probe) {
                Ok(0) => Ok(0),
                Ok(_) => Err(io::Error::other(DeclaredSizeExceeded)),
                // The zip crate refusing to read past the declared size.
                Err(e) if e.to_string().contains("declared uncompressed size") => {
                    Err(io::Error::other(DeclaredSizeExceeded))
                }
                Err(e) => Err(e),
            };
        }
        let want = buf
            .len()
            .min(usize::try_from(self.left).unwrap_or(usize::MAX));
        let n = self.inner.read(&mut buf[..want])?;
        self.left -= n as u64;
        Ok(n)
    }
}

impl<'a> Archive<'a> {
    /// Opens the archive and checks every entry's declared size, the total and the ratio.
    pub fn open(bytes: &'a [u8], limits: &Limits) -> Result<Archive<'a>, OfficeError> {
        let mut zip = ZipArchive::new(Cursor::new(bytes)).map_err(unreadable)?;
        let mut index = HashMap::with_capacity(zip.len());
        let mut total = 0u64;
        for i in 0..zip.len() {
            let entry = zip.by_index_raw(i).map_err(unreadable)?;
            let name = entry.name().map_err(unreadable)?.into_owned();
            let bomb = || OfficeError::ArchiveBomb {
                entry: shown(&name),
            };
            let size = entry.size();
            total = total.saturating_add(size);
            let ratio_exceeded = size > limits.ratio_checked_above
                && size / entry.compressed_size().max(1) > limits.max_compression_ratio;
            if size > limits.max_part_bytes || total > limits.max_archive_bytes || ratio_exceeded {
                return Err(bomb());
            }
            if entry.encrypted() {
                return Err(OfficeError::WorkbookEncrypted);
            }
            if !matches!(
                entry.compression(),
                CompressionMethod::Stored | CompressionMethod::Deflated
            ) {
                return Err(OfficeError::Unreadable(format!(
                    "{}: unsupported compression",
                    shown(&name)
                )));
            }
            index.insert(name.to_lowercase(), (i, size));
        }
        Ok(Archive { zip, index })
    }

    pub fn contains(&self, name: &str) -> bool {
        self.index.contains_key(&name.to_lowercase())
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.index.keys().map(String::as_str)
    }

    /// The entry's inflated bytes, as a buffered stream no longer than it declared.
    pub fn open_part(&mut self, name: &str) -> Result<Option<impl io::BufRead + '_>, OfficeError> {
        let Some(&(i, left)) = self.index.get(&name.to_lowercase()) else {
            return Ok(None);
        };
        let entry = self.zip.by_index(i).map_err(unreadable)?;
        Ok(Some(BufReader::new(Counted { inner: entry, left })))
    }
}

fn unreadable(e: zip::result::ZipError) -> OfficeError {
    OfficeError::Unreadable(e.to_string())
}

/// An entry that inflates past its declaration is a bomb; other I/O errors mean damage.
pub(super) fn io_error(part: &str, e: &io::Error) -> OfficeError {
    if is_overrun(e) {
        OfficeError::ArchiveBomb { entry: shown(part) }
    } else {
        OfficeError::Unreadable(format!("{}: {e}", shown(part)))
    }
}
