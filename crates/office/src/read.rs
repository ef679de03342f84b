use crate::OfficeError;
use calamine::{Data, Reader, Xlsx};
use std::io::Cursor;

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
        // Old binary Excel, PDF, images and other binaries are refused outright.
        let sample = &bytes[..bytes.len().min(4096)];
        if sample.contains(&0) || bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
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

/// Reads the first sheet of an XLSX file or a CSV file into a table, skipping blank rows.
pub fn read_table(bytes: &[u8], max_rows: usize) -> Result<Table, OfficeError> {
    let rows = match SheetFormat::detect(bytes)? {
        SheetFormat::Csv => read_csv(bytes, max_rows)?,
        SheetFormat::Xlsx => read_xlsx(bytes, max_rows)?,
    };
    let mut rows = rows
        .into_iter()
        .filter(|r| r.cells.iter().any(|c| !c.trim().is_empty()));
    let header = rows.next().ok_or(OfficeError::NoHeader)?;
    let headers: Vec<String> = header
        .cells
        .iter()
        .map(|h| h.trim().trim_start_matches('\u{feff}').to_string())
        .collect();
    if headers.iter().all(|h| h.is_empty()) {
        return Err(OfficeError::NoHeader);
    }
    Ok(Table {
        headers,
        rows: rows.collect(),
    })
}

fn decode_text(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_string(),
        // Excel on Chinese Windows saves CSV in the ANSI code page, GBK, which GB18030 contains.
        Err(_) => encoding_rs::GB18030.decode(bytes).0.into_owned(),
    }
}

fn read_csv(bytes: &[u8], max_rows: usize) -> Result<Vec<TableRow>, OfficeError> {
    let text = decode_text(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    // Line numbers as an editor shows them, counted from byte offsets (the reader skips blank lines).
    let (mut line, mut counted_to) = (1usize, 0usize);
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| OfficeError::Unreadable(e.to_string()))?;
        if i > max_rows {
            return Err(OfficeError::TooManyRows { max: max_rows });
        }
        let mut start = record.position().map_or(counted_to, |p| p.byte() as usize);
        // The reported start may fall on the blank lines before the record.
        while matches!(text.as_bytes().get(start), Some(b'\n' | b'\r')) {
            start += 1;
        }
        line += text.as_bytes()[counted_to..start]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        counted_to = start;
        rows.push(TableRow {
            number: line,
            cells: record.iter().map(str::to_string).collect(),
        });
    }
    Ok(rows)
}

fn read_xlsx(bytes: &[u8], max_rows: usize) -> Result<Vec<TableRow>, OfficeError> {
    let mut book: Xlsx<_> =
        Xlsx::new(Cursor::new(bytes)).map_err(|e| OfficeError::Unreadable(e.to_string()))?;
    let range = book
        .worksheet_range_at(0)
        .ok_or_else(|| OfficeError::Unreadable("the workbook has no sheet".into()))?
        .map_err(|e| OfficeError::Unreadable(e.to_string()))?;
    let first_row = range.start().map_or(0, |(r, _)| r as usize);
    let mut rows = Vec::new();
    for (i, row) in range.rows().enumerate() {
        if i > max_rows {
            return Err(OfficeError::TooManyRows { max: max_rows });
        }
        let cells = row.iter().map(cell_text).collect();
        rows.push(TableRow {
            number: first_row + i + 1,
            cells,
        });
    }
    Ok(rows)
}

fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        // Whole numbers typed into Excel come back as floats; codes like 1001 must not become "1001.0".
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) => d
            .as_datetime()
            .map_or_else(|| d.to_string(), |dt| dt.date().to_string()),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e:?}"),
    }
}
