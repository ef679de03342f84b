//! A1-style cell references: parsed without allocating and without overflow, whatever their
//! length, so that `XFD1048576` or a thousand-letter column is judged before it is used.

/// A cell position, zero-based. Coordinates beyond `u32` saturate: they are refused anyway.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct CellPos {
    pub row: u32,
    pub col: u32,
}

impl CellPos {
    /// Parses `B7` (letters, then a row number from 1); `None` if it is not such a reference.
    pub fn parse(reference: &str) -> Option<CellPos> {
        let bytes = reference.as_bytes();
        let letters = bytes.iter().take_while(|b| b.is_ascii_alphabetic()).count();
        let digits = &bytes[letters..];
        if letters == 0 || digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
            return None;
        }
        let col = bytes[..letters].iter().fold(0u32, |n, b| {
            n.saturating_mul(26)
                .saturating_add(u32::from(b.to_ascii_uppercase() - b'A' + 1))
        });
        let row = digits.iter().fold(0u32, |n, b| {
            n.saturating_mul(10).saturating_add(u32::from(b - b'0'))
        });
        (row > 0).then(|| CellPos {
            row: row - 1,
            col: col - 1,
        })
    }

    pub fn within(self, rows: usize, columns: usize) -> bool {
        (self.row as usize) < rows && (self.col as usize) < columns
    }

    /// The reference as a spreadsheet shows it.
    pub fn name(self) -> String {
        format!("{}{}", column_name(self.col), u64::from(self.row) + 1)
    }
}

/// `A`, `Z`, `AA`, ... for a zero-based column.
pub(crate) fn column_name(col: u32) -> String {
    let mut n = u64::from(col) + 1;
    let mut letters = Vec::new();
    while n > 0 {
        let rem = ((n - 1) % 26) as u8;
        letters.push(char::from(b'A' + rem));
        n = (n - 1) / 26;
    }
    letters.iter().rev().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_parse_and_print_as_excel_shows_them() {
        let pos = CellPos::parse("XFD1048576").unwrap();
        assert_eq!((pos.row, pos.col), (1_048_575, 16_383));
        assert_eq!(pos.name(), "XFD1048576");
        assert_eq!(CellPos::parse("a1"), Some(CellPos { row: 0, col: 0 }));
        assert_eq!(CellPos::parse("AA10").unwrap().col, 26);
        assert_eq!(column_name(701), "ZZ");
        assert_eq!(column_name(702), "AAA");
        for bad in ["", "A", "1", "A0", "1A", "A1B", "A-1", "Ä1", "A 1"] {
            assert_eq!(CellPos::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn absurd_references_saturate_instead_of_overflowing() {
        let pos = CellPos::parse(&format!("{}99999999999999999999", "Z".repeat(1000))).unwrap();
        assert_eq!((pos.row, pos.col), (u32::MAX - 1, u32::MAX - 1));
        assert!(!pos.within(20_001, 256));
        assert!(CellPos::parse("IV20001").unwrap().within(20_001, 256));
        assert!(!CellPos::parse("IW1").unwrap().within(20_001, 256));
        assert!(!CellPos::parse("A20002").unwrap().within(20_001, 256));
    }
}
