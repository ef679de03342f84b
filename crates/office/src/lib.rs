//! Spreadsheets in and out: CSV (UTF-8, with or without BOM, or GB18030 as saved by Chinese
//! Excel) and XLSX. Parsing is pure and synchronous; callers run it on a blocking thread.
//!
//! Reading is bounded before it allocates: an uploaded file is hostile until proven otherwise,
//! so every size the file declares (archive entries, sheet dimensions, cell references, shared
//! strings) is checked against [`Limits`] before anything proportional to it is allocated.

mod budget;
mod cell_ref;
mod csv_read;
mod error;
mod limits;
mod marked;
mod read;
mod write;
mod xlsx;

pub use error::OfficeError;
pub use limits::Limits;
pub use marked::{Mark, write_marked_xlsx};
pub use read::{SheetFormat, Table, TableRow, read_table, read_table_with};
pub use write::{write_csv, write_csv_rows, write_xlsx};
