//! CSV files built to exhaust a reader: refused at the row, column or cell that breaks the
//! budget, before the rest is parsed or stored.

use crate::support::*;
use ingot_office::{Limits, OfficeError, read_table, read_table_with};

#[test]
fn a_million_rows_beyond_the_budget_are_not_read() {
    let mut csv = String::from("code,name\n");
    for i in 0..1_020_000 {
        csv.push_str(&format!("C{i},x\n"));
    }
    assert_eq!(
        assert_refused(csv.as_bytes(), 20_000, "file_too_many_rows"),
        OfficeError::TooManyRows { max: 20_000 }
    );
}

#[test]
fn a_ten_megabyte_cell_is_refused_without_being_stored() {
    let csv = format!("code,name\nC1,{}\n", "x".repeat(10 << 20));
    assert_eq!(
        assert_refused(csv.as_bytes(), 100, "cell_too_long"),
        OfficeError::CellTooLong {
            cell: "B2".into(),
            max_chars: 32_767
        }
    );
    // An unclosed quote would otherwise make the rest of the file one cell.
    let unclosed = format!("code,name\nC1,\"{}", "y,\n".repeat(1 << 20));
    assert_refused(unclosed.as_bytes(), 100, "cell_too_long");
}

#[test]
fn rows_wider_than_the_column_budget_are_refused_by_cell() {
    let wide = format!("code\nC1{}\n", ",x".repeat(300));
    assert_eq!(
        assert_refused(wide.as_bytes(), 100, "sheet_too_large"),
        OfficeError::SheetTooLarge {
            cell: "IW2".into(),
            max_rows: 101,
            max_columns: 256
        }
    );
    let widest = format!("code\nC1{}\n", ",x".repeat(255));
    assert_eq!(
        read_table(widest.as_bytes(), 100).unwrap().rows[0]
            .cells
            .len(),
        256
    );
}

#[test]
fn many_empty_cells_exhaust_the_table_budget() {
    // 5 MB of commas: five million empty cells, 123 MB once each is a String.
    let row = format!("x{}\n", ",".repeat(255));
    let csv = row.repeat(20_001);
    assert!(csv.len() < 6 << 20);
    // Refused after parsing some 2.8 million cells: quick in release, slower in debug builds.
    let (result, took) = timed_read(csv.as_bytes(), 20_000);
    assert_eq!(result, Err(OfficeError::TableTooLarge { max_mb: 64 }));
    assert!(took < std::time::Duration::from_secs(10), "took {took:?}");
}

#[test]
fn the_file_itself_is_bounded() {
    let limits = Limits {
        max_file_bytes: 1 << 20,
        ..Limits::default()
    };
    let csv = format!("code\n{}", format!("{}\n", "x".repeat(999)).repeat(1100));
    assert_eq!(
        read_table_with(csv.as_bytes(), &limits),
        Err(OfficeError::FileTooLarge { max_mb: 1 })
    );
    assert!(read_table_with(&csv.as_bytes()[..1 << 20], &limits).is_ok());
}
