//! Upward statistical returns: a federation opens a return for a year for the units directly
//! below it; each unit's figures are computed from its records (its whole subtree, through the
//! tallies), the unit adds the figures records do not hold, and submits; the submission is a
//! frozen snapshot. The level above accepts it or returns it for correction, and a correction
//! is a new version with its reason.

use crate::FieldError;
use crate::report::{Figure, LAYOUT};
use crate::studio::code_enum;
use crate::validate::{Checked, problem};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

code_enum!(
    /// Where one unit's row of a return stands.
    ReturnStatus { Pending = "pending", Submitted = "submitted", Returned = "returned", Accepted = "accepted" }
);

code_enum!(
    /// Figures of the usual return that records do not hold: the unit states them.
    AddedFigure { CooperationProjects = "cooperation_projects", Participants = "participants" }
);

/// A column of a return's layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    /// Computed from the unit's records.
    Computed(Figure),
    /// Stated by the unit.
    Added(AddedFigure),
}

impl Column {
    pub fn code(self) -> String {
        match self {
            Column::Computed(f) => f.code(),
            Column::Added(a) => a.as_str().to_string(),
        }
    }

    pub fn parse(code: &str) -> Option<Column> {
        let code = code.trim();
        if let Some(a) = AddedFigure::parse(code) {
            return Some(Column::Added(a));
        }
        LAYOUT
            .iter()
            .find(|f| f.code() == code)
            .map(|f| Column::Computed(*f))
    }

    pub fn is_money(self) -> bool {
        matches!(self, Column::Computed(f) if f.is_money())
    }
}

/// The layout of "mass technological innovation" returns when the federation chooses none:
/// proposals put forward, adopted, implemented; achievements; patents applied and granted;
/// skills and methods; people titled; studios named by level; benefit; then what units state.
pub fn default_columns() -> Vec<Column> {
    use crate::studio::Level;
    let mut columns: Vec<Column> = [
        Figure::ProposalsPutForward,
        Figure::ProposalsAdopted,
        Figure::ProposalsImplemented,
        Figure::Achievements,
        Figure::Patents,
        Figure::PatentsGranted,
        Figure::Skills,
        Figure::Titles,
        Figure::StudiosNamed(Level::National),
        Figure::StudiosNamed(Level::Provincial),
        Figure::StudiosNamed(Level::Municipal),
        Figure::Benefit,
        Figure::ProposalBenefit,
    ]
    .into_iter()
    .map(Column::Computed)
    .collect();
    columns.extend(AddedFigure::ALL.iter().map(|a| Column::Added(*a)));
    columns
}

/// The columns a federation chose (codes in order; none: the default layout), each known and
/// none twice.
pub fn columns(field: &str, codes: &[String]) -> Checked<Vec<Column>> {
    let codes: Vec<&str> = codes
        .iter()
        .map(|c| c.trim())
        .filter(|c| !c.is_empty())
        .collect();
    if codes.is_empty() {
        return Ok(default_columns());
    }
    let mut problems = Vec::new();
    let mut out: Vec<Column> = Vec::new();
    for (i, code) in codes.iter().enumerate() {
        match Column::parse(code) {
            Some(c) if out.contains(&c) => {
                problems.push(FieldError::new(format!("{field}[{i}]"), "listed_twice"))
            }
            Some(c) => out.push(c),
            None => problems.push(
                FieldError::new(format!("{field}[{i}]"), "unknown_option")
                    .with("allowed", all_codes()),
            ),
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

/// Every column code a layout may use, for messages.
pub fn all_codes() -> String {
    LAYOUT
        .iter()
        .map(|f| f.code())
        .chain(AddedFigure::ALL.iter().map(|a| a.as_str().to_string()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A unit's figures, by column code: as computed now, or as frozen in a submission.
pub type Figures = BTreeMap<String, i64>;

/// The figures a unit states for the added columns: each one given, a whole number, not
/// negative; `suggested` (what the units below reported) is not a default, it is only shown.
pub fn added_figures(columns: &[Column], given: &BTreeMap<String, i64>) -> Checked<Figures> {
    let mut problems = Vec::new();
    let mut out = Figures::new();
    for column in columns {
        let Column::Added(a) = column else { continue };
        let field = a.as_str().to_string();
        match given.get(a.as_str()) {
            None => problems.push(FieldError::new(field, "required")),
            Some(n) if *n < 0 => problems.push(
                FieldError::new(field, "number_out_of_range")
                    .with("min", 0)
                    .with("max", i64::MAX),
            ),
            Some(n) => {
                out.insert(a.as_str().to_string(), *n);
            }
        }
    }
    for code in given.keys() {
        if !columns
            .iter()
            .any(|c| matches!(c, Column::Added(a) if a.as_str() == code))
        {
            problems.push(FieldError::new(code.clone(), "unknown_field"));
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

/// The reason a correction (a submission after the first) must give.
pub fn correction_reason(version: i64, reason: &str) -> Checked<String> {
    let reason = reason.trim();
    if version > 1 && reason.is_empty() {
        return problem(FieldError::new("reason", "required"));
    }
    Ok(reason.to_string())
}

/// How the level above answers a submission.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Accept,
    /// Back to the unit for correction, with the reason.
    Return,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_layout_names_each_bad_column() {
        let codes = ["patents", "bogus", "patents", "participants"].map(String::from);
        let problems = columns("columns", &codes).unwrap_err();
        let named: Vec<(&str, &str)> = problems
            .iter()
            .map(|p| (p.field.as_str(), p.code))
            .collect();
        assert_eq!(
            named,
            [
                ("columns[1]", "unknown_option"),
                ("columns[2]", "listed_twice")
            ]
        );
        assert_eq!(columns("columns", &[]).unwrap(), default_columns());
    }

    #[test]
    fn added_figures_are_all_given_and_only_those() {
        let layout = default_columns();
        let given = BTreeMap::from([("participants".to_string(), -1), ("x".to_string(), 3)]);
        let problems = added_figures(&layout, &given).unwrap_err();
        let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["cooperation_projects", "participants", "x"]);
        let given = BTreeMap::from([
            ("participants".to_string(), 1200),
            ("cooperation_projects".to_string(), 4),
        ]);
        assert_eq!(added_figures(&layout, &given).unwrap().len(), 2);
    }

    #[test]
    fn a_correction_says_why() {
        assert!(correction_reason(1, "").is_ok());
        assert!(correction_reason(2, "  ").is_err());
        assert_eq!(correction_reason(2, " 漏报 ").unwrap(), "漏报");
    }
}
