/// Why a file could not be read as a table. Each maps to a stable code, a translation key,
/// whose message parameters [`OfficeError::params`] gives.
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
    #[error("the file is larger than {max_mb} MB")]
    FileTooLarge { max_mb: usize },
    /// Excel saves a password-protected workbook as an encrypted OLE container.
    #[error("the workbook is protected by a password")]
    WorkbookEncrypted,
    #[error("the workbook contains macros")]
    WorkbookMacroEnabled,
    /// An archive entry declares or inflates to more than the budget, or compresses too well.
    #[error("the workbook's part {entry} unpacks to more than allowed")]
    ArchiveBomb { entry: String },
    /// A cell (or the sheet's declared dimension) lies outside the row and column budget.
    #[error("cell {cell} lies beyond the first {max_rows} rows and {max_columns} columns")]
    SheetTooLarge {
        cell: String,
        max_rows: usize,
        max_columns: usize,
    },
    #[error("cell {cell} holds more than {max_chars} characters")]
    CellTooLong { cell: String, max_chars: usize },
    #[error("the workbook's shared text exceeds {max_strings} strings or {max_mb} MB")]
    SharedStringsTooLarge { max_strings: usize, max_mb: usize },
    #[error("the table's cells exceed {max_mb} MB")]
    TableTooLarge { max_mb: usize },
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
            OfficeError::FileTooLarge { .. } => "file_too_large",
            OfficeError::WorkbookEncrypted => "workbook_encrypted",
            OfficeError::WorkbookMacroEnabled => "workbook_macro_enabled",
            OfficeError::ArchiveBomb { .. } => "archive_bomb",
            OfficeError::SheetTooLarge { .. } => "sheet_too_large",
            OfficeError::CellTooLong { .. } => "cell_too_long",
            OfficeError::SharedStringsTooLarge { .. } => "shared_strings_too_large",
            OfficeError::TableTooLarge { .. } => "table_too_large",
        }
    }

    /// Every code [`OfficeError::code`] can return, for catalogues and tests.
    pub const CODES: [&'static str; 13] = [
        "file_empty",
        "file_type_unsupported",
        "file_unreadable",
        "file_too_many_rows",
        "file_no_header",
        "file_too_large",
        "workbook_encrypted",
        "workbook_macro_enabled",
        "archive_bomb",
        "sheet_too_large",
        "cell_too_long",
        "shared_strings_too_large",
        "table_too_large",
    ];

    /// The values a translated message names, as `{name}` parameters.
    pub fn params(&self) -> Vec<(&'static str, String)> {
        match self {
            OfficeError::TooManyRows { max } => vec![("max", max.to_string())],
            OfficeError::FileTooLarge { max_mb } | OfficeError::TableTooLarge { max_mb } => {
                vec![("max_mb", max_mb.to_string())]
            }
            OfficeError::ArchiveBomb { entry } => vec![("entry", entry.clone())],
            OfficeError::SheetTooLarge {
                cell,
                max_rows,
                max_columns,
            } => vec![
                ("cell", cell.clone()),
                ("max_rows", max_rows.to_string()),
                ("max_columns", max_columns.to_string()),
            ],
            OfficeError::CellTooLong { cell, max_chars } => {
                vec![("cell", cell.clone()), ("max_chars", max_chars.to_string())]
            }
            OfficeError::SharedStringsTooLarge {
                max_strings,
                max_mb,
            } => vec![
                ("max_strings", max_strings.to_string()),
                ("max_mb", max_mb.to_string()),
            ],
            OfficeError::Empty
            | OfficeError::UnsupportedFormat
            | OfficeError::Unreadable(_)
            | OfficeError::NoHeader
            | OfficeError::WorkbookEncrypted
            | OfficeError::WorkbookMacroEnabled => Vec::new(),
        }
    }
}

/// Names taken from the file (entry names, references) are shown to people: keep them short.
pub(crate) fn shown(name: &str) -> String {
    const MAX_CHARS: usize = 60;
    if name.chars().count() <= MAX_CHARS {
        name.to_string()
    } else {
        name.chars().take(MAX_CHARS).chain(['…']).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_listed_once_and_params_name_the_limits() {
        let mut codes = OfficeError::CODES.to_vec();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), OfficeError::CODES.len());
        let e = OfficeError::SheetTooLarge {
            cell: "XFD1048576".into(),
            max_rows: 101,
            max_columns: 256,
        };
        assert!(OfficeError::CODES.contains(&e.code()));
        assert_eq!(e.params()[0], ("cell", "XFD1048576".to_string()));
        assert_eq!(shown(&"x".repeat(500)).chars().count(), 61);
    }
}
