use crate::OfficeError;
use crate::limits::{Limits, megabytes};

/// Memory the returned table will take, charged cell by cell before the cell is stored: a cell
/// costs its `String` and its text, and a cell far to the right also costs the empty cells
/// that pad its row (or a shared string repeated a million times would cost nothing to send).
pub(crate) struct TableBudget {
    left: usize,
    max: usize,
}

impl TableBudget {
    pub fn new(limits: &Limits) -> TableBudget {
        TableBudget {
            left: limits.max_table_bytes,
            max: limits.max_table_bytes,
        }
    }

    /// Charges `cells` new cells (a value and the padding before it) holding `text_bytes`.
    pub fn charge(&mut self, cells: usize, text_bytes: usize) -> Result<(), OfficeError> {
        let cost = cells
            .saturating_mul(size_of::<String>())
            .saturating_add(text_bytes);
        self.left = self
            .left
            .checked_sub(cost)
            .ok_or(OfficeError::TableTooLarge {
                max_mb: megabytes(self.max),
            })?;
        Ok(())
    }

    /// Charges one more row of the table.
    pub fn charge_row(&mut self) -> Result<(), OfficeError> {
        self.charge(0, size_of::<crate::TableRow>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_once_the_cells_would_exceed_the_budget() {
        let limits = Limits {
            max_table_bytes: 1000,
            ..Limits::default()
        };
        let mut budget = TableBudget::new(&limits);
        budget.charge(10, 500).unwrap();
        assert_eq!(
            budget.charge(100, 0),
            Err(OfficeError::TableTooLarge { max_mb: 0 })
        );
        assert!(budget.charge(usize::MAX, usize::MAX).is_err());
    }
}
