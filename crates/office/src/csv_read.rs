//! CSV read field by field into a buffer of fixed size (csv-core), so that a cell, a row or
//! the row count is refused when it exceeds its budget rather than after it has been stored.

use crate::budget::TableBudget;
use crate::cell_ref::CellPos;
use crate::{Limits, OfficeError, TableRow};
use csv_core::{ReadFieldResult, Reader};

fn decode_text(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_string(),
        // Excel on Chinese Windows saves CSV in the ANSI code page, GBK, which GB18030 contains.
        Err(_) => encoding_rs::GB18030.decode(bytes).0.into_owned(),
    }
}

pub(crate) fn read_csv(bytes: &[u8], limits: &Limits) -> Result<Vec<TableRow>, OfficeError> {
    let text = decode_text(bytes);
    let input = text.as_bytes();
    let mut reader = Reader::new();
    // One cell at a time: a longer cell fills the buffer and is refused.
    let mut field = vec![0u8; limits.max_cell_bytes()];
    let mut budget = TableBudget::new(limits);
    let mut rows = Vec::new();
    let mut cells: Vec<String> = Vec::new();
    let mut pos = 0;
    let mut record_start = None;
    // Line numbers as an editor shows them, counted from byte offsets (blank lines are skipped).
    let (mut line, mut counted_to) = (1usize, 0usize);
    loop {
        let start = *record_start.get_or_insert(pos);
        let (result, read, written) = reader.read_field(&input[pos..], &mut field);
        pos += read;
        let cell = || CellPos {
            row: u32::try_from(rows.len()).unwrap_or(u32::MAX),
            col: u32::try_from(cells.len()).unwrap_or(u32::MAX),
        };
        match result {
            // All the input was given at once: the next call, with none left, ends the file.
            ReadFieldResult::InputEmpty => {}
            ReadFieldResult::OutputFull => {
                return Err(OfficeError::CellTooLong {
                    cell: cell().name(),
                    max_chars: limits.max_cell_chars,
                });
            }
            ReadFieldResult::Field { record_end } => {
                if rows.len() > limits.max_rows {
                    return Err(OfficeError::TooManyRows {
                        max: limits.max_rows,
                    });
                }
                if cells.len() >= limits.max_columns {
                    return Err(OfficeError::SheetTooLarge {
                        cell: cell().name(),
                        max_rows: limits.sheet_rows(),
                        max_columns: limits.max_columns,
                    });
                }
                // Fields end on ASCII delimiters of valid UTF-8, so this never replaces anything.
                let value = String::from_utf8_lossy(&field[..written]);
                if value.chars().count() > limits.max_cell_chars {
                    return Err(OfficeError::CellTooLong {
                        cell: cell().name(),
                        max_chars: limits.max_cell_chars,
                    });
                }
                budget.charge(1, value.len())?;
                cells.push(value.into_owned());
                if record_end {
                    budget.charge_row()?;
                    let mut start = start;
                    // The record's start may fall on the blank lines before it.
                    while matches!(input.get(start), Some(b'\n' | b'\r')) {
                        start += 1;
                    }
                    let start = start.max(counted_to);
                    line += input[counted_to..start]
                        .iter()
                        .filter(|&&b| b == b'\n')
                        .count();
                    counted_to = start;
                    rows.push(TableRow {
                        number: line,
                        cells: std::mem::take(&mut cells),
                    });
                    record_start = None;
                }
            }
            ReadFieldResult::End => return Ok(rows),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numbers(text: &str) -> Vec<usize> {
        read_csv(text.as_bytes(), &Limits::default())
            .unwrap()
            .iter()
            .map(|r| r.number)
            .collect()
    }

    #[test]
    fn rows_keep_the_line_numbers_an_editor_shows() {
        assert_eq!(numbers("a,b\n\n\nc,d\r\n\r\ne,f"), vec![1, 4, 6]);
        // A quoted cell spanning lines: the next record starts two lines further on.
        assert_eq!(numbers("a,\"x\ny\"\nb,c\n"), vec![1, 3]);
    }

    #[test]
    fn a_row_beyond_the_column_budget_is_named() {
        let limits = Limits {
            max_columns: 3,
            ..Limits::default()
        };
        assert_eq!(
            read_csv(b"a,b,c\nd,e,f,g\n", &limits),
            Err(OfficeError::SheetTooLarge {
                cell: "D2".into(),
                max_rows: limits.sheet_rows(),
                max_columns: 3
            })
        );
    }

    #[test]
    fn a_cell_over_the_character_limit_is_refused_even_when_its_bytes_fit() {
        let limits = Limits {
            max_cell_chars: 4,
            ..Limits::default()
        };
        assert_eq!(
            read_csv("abcd,中文\n".as_bytes(), &limits).unwrap().len(),
            1
        );
        assert_eq!(
            read_csv(b"x\nabcde\n", &limits),
            Err(OfficeError::CellTooLong {
                cell: "A2".into(),
                max_chars: 4
            })
        );
    }
}
