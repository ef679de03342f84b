use crate::csv_read::read_csv;
use crate::limits::megabytes;
use crate::xlsx::read_xlsx;
use crate::{Limits, OfficeError};

/// An OLE compound file: old binary Office, or (holding an `EncryptedPackage` stream) an
/// XLSX that Excel encrypted with a password.
const OLE_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Binary formats whose first bytes may not include a NUL: PDF, PNG, JPEG, GIF, RTF.
const OTHER_MAGIC: [&[u8]; 5] = [b"%PDF", b"\x89PNG", b"\xFF\xD8\xFF", b"GIF8", b"{\\rtf"];

/// The stream names of an OLE directory are UTF-16; a search suffices to tell an encrypted
/// workbook from an old .xls, and a wrong answer still refuses the file.
fn is_encrypted_package(bytes: &[u8]) -> bool {
    let name: Vec<u8> = "EncryptedPackage"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    bytes.windows(name.len()).any(|w| w == name)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SheetFormat {
    Csv,
    Xlsx,
}

impl SheetFormat {
    /// Decides by content, not by name: an XLSX file is a ZIP archive; a CSV file is text.
    pub fn detect(bytes: &[u8]) -> Result<SheetFormat, OfficeError> {
        if bytes.is_empty() {
            return Err(OfficeError::Empty);
        }
        if bytes.starts_with(b"PK\x03\x04") {
            return Ok(SheetFormat::Xlsx);
        }
        if bytes.starts_with(&OLE_MAGIC) {
            return Err(if is_encrypted_package(bytes) {
                OfficeError::WorkbookEncrypted
            } else {
                // Old binary Excel (.xls) and Word files are OLE containers too.
                OfficeError::UnsupportedFormat
            });
        }
        // PDF, images and other binaries are refused outright.
        let sample = &bytes[..bytes.len().min(4096)];
        if sample.contains(&0) || OTHER_MAGIC.iter().any(|m| bytes.starts_with(m)) {
            return Err(OfficeError::UnsupportedFormat);
        }
        Ok(SheetFormat::Csv)
    }
}

/// One data row with its row number as the spreadsheet shows it (the header is row 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableRow {
    pub number: usize,
    pub cells: Vec<String>,
}

impl TableRow {
    pub fn get(&self, column: usize) -> &str {
        self.cells.get(column).map_or("", |c| c.trim())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<TableRow>,
}

impl Table {
    /// The index of the first column whose header matches one of `names` (case- and
    /// space-insensitive), so that files with Chinese or English headers both work.
    pub fn column(&self, names: &[&str]) -> Option<usize> {
        let norm = |s: &str| s.trim().to_lowercase().replace([' ', '_', '-'], "");
        self.headers
            .iter()
            .position(|h| names.iter().any(|n| norm(h) == norm(n)))
    }
}

/// Reads the first sheet of an XLSX file or a CSV file into a table, skipping blank rows,
/// with at most `max_rows` data rows and the other limits at their defaults.
pub fn read_table(bytes: &[u8], max_rows: usize) -> Result<Table, OfficeError> {
    read_table_with(bytes, &Limits::for_rows(max_rows))
}

pub fn read_table_with(bytes: &[u8], limits: &Limits) -> Result<Table, OfficeError> {
    if bytes.len() > limits.max_file_bytes {
        return Err(OfficeError::FileTooLarge {
            max_mb: megabytes(limits.max_file_bytes),
        });
    }
    let rows = match SheetFormat::detect(bytes)? {
        SheetFormat::Csv => read_csv(bytes, limits)?,
        SheetFormat::Xlsx => read_xlsx(bytes, limits)?,
    };
    let mut rows = rows
        .into_iter()
        .filter(|r| r.cells.iter().any(|c| !c.trim().is_empty()));
    let header = rows.next().ok_or(OfficeError::NoHeader)?;
    let headers: Vec<String> = header
        .cells
        .iter()
        // Spaces, and byte-order marks that editors repeat, are not part of a column's name.
        .map(|h| h.trim_matches(is_space_or_bom).to_string())
        .collect();
    if headers.iter().all(|h| h.is_empty()) {
        return Err(OfficeError::NoHeader);
    }
    Ok(Table {
        headers,
        rows: rows.collect(),
    })
}

fn is_space_or_bom(c: char) -> bool {
    c.is_whitespace() || c == '\u{feff}'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_lose_spaces_and_repeated_byte_order_marks() {
        // Found by the round-trip property: a header starting with a mark kept a space.
        let csv = "\u{feff}\u{feff} code ,\u{a0}名称\u{feff}\nA,甲\n";
        let table = read_table(csv.as_bytes(), 10).unwrap();
        assert_eq!(table.headers, vec!["code", "名称"]);
        assert_eq!(table.rows[0].cells, vec!["A", "甲"]);
    }
}
