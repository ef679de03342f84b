//! Regional science & technology programmes: strategic areas, critical tasks, fiscal and
//! leveraged social funding, milestones, outputs and talent. Pure rules: leverage ratios and
//! shares computed exactly from integer fen, the checks on funding, milestones and outputs.

use crate::error::FieldError;
use crate::innovation::codes;
use crate::time::Date;
use serde::{Deserialize, Serialize};

pub const TITLE_MAX: usize = 200;
pub const TEXT_MAX: usize = 4000;

codes!(
    /// Where a critical task stands.
    TaskStatus {
        Planned = "planned" | "计划",
        InProgress = "in_progress" | "实施中" | "在研",
        Completed = "completed" | "已完成" | "完成",
        Suspended = "suspended" | "暂停",
    }
);

codes!(
    /// Where a task's money comes from: the regional budget, or the enterprises and investors it
    /// draws in (leveraged social funding).
    FundingSource {
        Fiscal = "fiscal" | "财政",
        Social = "social" | "社会",
    }
);

codes!(
    /// What a task produced. Pilot lines, new products and adopting companies are counted;
    /// added output value is money; achievements and patents link to their records.
    OutputKind {
        PilotLine = "pilot_line" | "中试线" | "示范线",
        NewProduct = "new_product" | "新产品",
        AddedValue = "added_value" | "新增产值",
        AdoptingCompany = "adopting_company" | "应用企业",
        Achievement = "achievement" | "成果",
        Patent = "patent" | "专利",
    }
);

/// Social funding per yuan of fiscal funding, in hundredths rounded half up (670 million to
/// 2.8 billion is 418, printed 4.18). `None` without fiscal funding.
pub fn leverage_hundredths(fiscal_cents: i64, social_cents: i64) -> Option<i64> {
    if fiscal_cents <= 0 {
        return None;
    }
    let scaled = i128::from(social_cents) * 100;
    let fiscal = i128::from(fiscal_cents);
    i64::try_from((scaled * 2 + fiscal) / (fiscal * 2)).ok()
}

/// `4.18` from 418.
pub fn format_hundredths(value: i64) -> String {
    format!("{}.{:02}", value / 100, value % 100)
}

/// A part of a whole in basis points rounded half up (19 of 125 awards is 1520, 15.2%).
pub fn share_bp(part: i64, whole: i64) -> Option<i64> {
    if whole <= 0 {
        return None;
    }
    let scaled = i128::from(part) * 10_000;
    let whole = i128::from(whole);
    i64::try_from((scaled * 2 + whole) / (whole * 2)).ok()
}

/// `15.2%` from 1520 basis points (trailing zeros dropped).
pub fn format_share(bp: i64) -> String {
    let whole = bp / 100;
    let frac = bp % 100;
    match frac {
        0 => format!("{whole}%"),
        f if f % 10 == 0 => format!("{whole}.{}%", f / 10),
        f => format!("{whole}.{f:02}%"),
    }
}

/// Amounts are never negative; each problem names its field.
pub fn check_amounts(amounts: &[(&'static str, i64)]) -> Vec<FieldError> {
    amounts
        .iter()
        .filter(|(_, v)| *v < 0)
        .map(|(field, _)| FieldError::new(*field, "negative_amount"))
        .collect()
}

/// Spending beyond a task's budget is allowed, but only with a reason on record.
pub fn check_overrun(
    budget_cents: i64,
    spent_cents: i64,
    reason: Option<&str>,
) -> Option<FieldError> {
    let over = spent_cents - budget_cents;
    (budget_cents > 0 && over > 0 && reason.is_none_or(|r| r.trim().is_empty())).then(|| {
        FieldError::new("overrun_reason", "over_budget_reason_required")
            .with("budget", crate::proposal::format_money(budget_cents))
            .with("spent", crate::proposal::format_money(spent_cents))
    })
}

/// A milestone cannot fall due before its task starts.
pub fn check_milestone_due(task_starts: Date, due: Date) -> Option<FieldError> {
    (due < task_starts)
        .then(|| FieldError::new("due_on", "due_before_task_start").with("start", task_starts))
}

/// A task's dates: the end, if known, not before the start.
pub fn check_task_dates(starts: Date, ends: Option<Date>) -> Option<FieldError> {
    ends.filter(|e| *e < starts)
        .map(|_| FieldError::new("ends_on", "end_before_start"))
}

/// Money kinds carry a value and no count; counted kinds a positive quantity.
pub fn check_output(kind: OutputKind, quantity: i64, value_cents: i64) -> Vec<FieldError> {
    let mut errors = check_amounts(&[("quantity", quantity), ("value_cents", value_cents)]);
    if kind == OutputKind::AddedValue && value_cents <= 0 && errors.is_empty() {
        errors.push(FieldError::new("value_cents", "required"));
    }
    if kind != OutputKind::AddedValue && quantity <= 0 && errors.is_empty() {
        errors.push(FieldError::new("quantity", "required"));
    }
    errors
}

/// The figures a science department shows for a programme (or for one area).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Figures {
    pub tasks: i64,
    pub fiscal_planned_cents: i64,
    pub fiscal_actual_cents: i64,
    pub social_planned_cents: i64,
    pub social_actual_cents: i64,
    pub pilot_lines: i64,
    pub new_products: i64,
    pub adopting_companies: i64,
    pub added_value_cents: i64,
    pub achievements: i64,
    pub patents: i64,
    pub milestones: i64,
    pub milestones_done: i64,
    pub tasks_completed: i64,
}

impl Figures {
    /// Adds another part's figures (an area's to the programme's).
    pub fn add(&mut self, o: &Figures) {
        self.tasks += o.tasks;
        self.fiscal_planned_cents += o.fiscal_planned_cents;
        self.fiscal_actual_cents += o.fiscal_actual_cents;
        self.social_planned_cents += o.social_planned_cents;
        self.social_actual_cents += o.social_actual_cents;
        self.pilot_lines += o.pilot_lines;
        self.new_products += o.new_products;
        self.adopting_companies += o.adopting_companies;
        self.added_value_cents += o.added_value_cents;
        self.achievements += o.achievements;
        self.patents += o.patents;
        self.milestones += o.milestones;
        self.milestones_done += o.milestones_done;
        self.tasks_completed += o.tasks_completed;
    }

    pub fn leverage_hundredths(&self) -> Option<i64> {
        leverage_hundredths(self.fiscal_actual_cents, self.social_actual_cents)
    }

    /// Milestones reached as a share of all, in basis points.
    pub fn progress_bp(&self) -> Option<i64> {
        share_bp(self.milestones_done, self.milestones)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    #[test]
    fn leverage_of_the_breakthrough_project_prints_four_point_one_eight() {
        let fiscal = 670_000_000 * 100;
        let social = 2_800_000_000 * 100;
        assert_eq!(leverage_hundredths(fiscal, social), Some(418));
        assert_eq!(format_hundredths(418), "4.18");
        assert_eq!(format_hundredths(5), "0.05");
        // Half rounds up: 1 to 0.125 of ... 8 fiscal, 1 social = 0.125 -> 0.13.
        assert_eq!(leverage_hundredths(800, 100), Some(13));
        assert_eq!(leverage_hundredths(0, 100), None);
    }

    #[test]
    fn shares_round_half_up_and_print_without_trailing_zeros() {
        assert_eq!(share_bp(19, 125), Some(1520));
        assert_eq!(format_share(1520), "15.2%");
        assert_eq!(share_bp(10, 50), Some(2000));
        assert_eq!(format_share(2000), "20%");
        assert_eq!(share_bp(1, 3), Some(3333));
        assert_eq!(format_share(3333), "33.33%");
        assert_eq!(share_bp(1, 0), None);
    }

    #[test]
    fn overruns_need_a_reason_and_amounts_are_never_negative() {
        assert!(check_overrun(100, 100, None).is_none());
        assert_eq!(
            check_overrun(100, 101, None).map(|e| e.code),
            Some("over_budget_reason_required")
        );
        assert!(check_overrun(100, 101, Some("  ")).is_some());
        assert!(check_overrun(100, 101, Some("steel prices rose")).is_none());
        let errors = check_amounts(&[("planned_cents", -1), ("actual_cents", 0)]);
        assert_eq!(errors.len(), 1);
        assert_eq!(
            (errors[0].field.as_str(), errors[0].code),
            ("planned_cents", "negative_amount")
        );
    }

    #[test]
    fn milestones_and_dates_follow_the_task() {
        assert!(check_milestone_due(d("2023-03-01"), d("2023-03-01")).is_none());
        assert_eq!(
            check_milestone_due(d("2023-03-01"), d("2023-02-28")).map(|e| e.code),
            Some("due_before_task_start")
        );
        assert!(check_task_dates(d("2023-03-01"), Some(d("2023-01-01"))).is_some());
        assert!(check_task_dates(d("2023-03-01"), None).is_none());
    }

    #[test]
    fn outputs_carry_a_count_or_a_value() {
        assert!(check_output(OutputKind::PilotLine, 1, 0).is_empty());
        assert_eq!(
            check_output(OutputKind::PilotLine, 0, 0)[0].code,
            "required"
        );
        assert_eq!(
            check_output(OutputKind::AddedValue, 0, 0)[0].field,
            "value_cents"
        );
        assert_eq!(
            check_output(OutputKind::AddedValue, 0, -5)[0].code,
            "negative_amount"
        );
        assert_eq!(OutputKind::parse("中试线"), Some(OutputKind::PilotLine));
    }
}
