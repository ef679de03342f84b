/// How much a file may make the reader allocate. Every figure is checked before the
/// allocation it bounds, so a small hostile file cannot make the reader ask for much memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Data rows, the header row not counted.
    pub max_rows: usize,
    /// Columns of the sheet (256 = A..IV, Excel 2003's width; imports use a dozen).
    pub max_columns: usize,
    /// Characters in one cell: Excel's own limit, so whatever Excel can save fits.
    pub max_cell_chars: usize,
    /// Memory for the cells returned: each cell's text plus its `String`, padding cells included.
    pub max_table_bytes: usize,
    /// The file as uploaded (the web layer's upload limit is lower; this is defence in depth).
    pub max_file_bytes: usize,
    /// Uncompressed size of any one archive entry, declared and actually inflated.
    pub max_part_bytes: u64,
    /// Uncompressed size of all archive entries together, as declared.
    pub max_archive_bytes: u64,
    /// Uncompressed to compressed size, for entries larger than `ratio_checked_above`.
    pub max_compression_ratio: u64,
    pub ratio_checked_above: u64,
    /// Entries of the shared strings table, and their text in bytes.
    pub max_shared_strings: usize,
    pub max_shared_string_bytes: usize,
}

const MIB: usize = 1024 * 1024;

impl Limits {
    /// The defaults with another row budget.
    pub fn for_rows(max_rows: usize) -> Limits {
        Limits {
            max_rows,
            ..Limits::default()
        }
    }

    /// Rows a cell reference may name: the data rows and the header.
    pub(crate) fn sheet_rows(&self) -> usize {
        self.max_rows.saturating_add(1)
    }

    /// UTF-8 takes at most four bytes a character.
    pub(crate) fn max_cell_bytes(&self) -> usize {
        self.max_cell_chars.saturating_mul(4)
    }
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_rows: 20_000,
            max_columns: 256,
            max_cell_chars: 32_767,
            max_table_bytes: 64 * MIB,
            max_file_bytes: 32 * MIB,
            max_part_bytes: 64 * MIB as u64,
            max_archive_bytes: 256 * MIB as u64,
            // Sheet XML compresses 5-20 to 1; deflate's ceiling is about 1032 to 1.
            max_compression_ratio: 100,
            ratio_checked_above: MIB as u64,
            max_shared_strings: 1_000_000,
            max_shared_string_bytes: 32 * MIB,
        }
    }
}

pub(crate) fn megabytes(bytes: usize) -> usize {
    bytes / MIB
}
