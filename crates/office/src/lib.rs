//! Spreadsheets in and out: CSV (UTF-8, with or without BOM, or GB18030 as saved by Chinese
//! Excel) and XLSX. Parsing is pure and synchronous; callers run it on a blocking thread.

mod read;
mod write;

pub use read::{SheetFormat, Table, TableRow, read_table};
pub use write::{write_csv, write_xlsx};

/// Why a file could not be read as a table. Each maps to a message naming the problem.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OfficeError {
    #[error("the file is empty")]
    Empty,
    #[error("not a CSV or XLSX file")]
    UnsupportedFormat,
    #[error("the spreadsheet is damaged or unreadable: {0}")]
    Unreadable(String),
    #[error("the table has more than {max} rows")]
    TooManyRows { max: usize },
    #[error("the first row must name the columns")]
    NoHeader,
}

impl OfficeError {
    /// Stable code for translation and API clients.
    pub fn code(&self) -> &'static str {
        match self {
            OfficeError::Empty => "file_empty",
            OfficeError::UnsupportedFormat => "file_type_unsupported",
            OfficeError::Unreadable(_) => "file_unreadable",
            OfficeError::TooManyRows { .. } => "file_too_many_rows",
            OfficeError::NoHeader => "file_no_header",
        }
    }
}
