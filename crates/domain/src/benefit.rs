//! Economic benefit, claimed with its calculation and then verified (or corrected) by finance,
//! after which it locks. Shared by improvement proposals and innovation achievements, so both
//! read, check and lock a benefit the same way. Money is kept in fen, exact.

use crate::error::{AppError, FieldError};
use crate::time::Timestamp;
use crate::validate::Validator;
use serde::{Deserialize, Serialize};

/// Longest note on a claim or a verification.
pub const NOTE_MAX: usize = 1000;

/// Money is kept in fen (cents of a yuan), exact.
pub fn format_money(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let c = cents.unsigned_abs();
    let yuan = (c / 100).to_string();
    let mut grouped = String::new();
    for (i, ch) in yuan.chars().enumerate() {
        if i > 0 && (yuan.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    format!("{sign}{grouped}.{:02}", c % 100)
}

/// Parses a decimal with at most two places ("12", "12.5", "-3.25", "1,200.00") into hundredths.
pub fn parse_fixed2(raw: &str) -> Option<i64> {
    let raw: String = raw.trim().chars().filter(|c| *c != ',').collect();
    let (neg, digits) = match raw.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, raw.as_str()),
    };
    let (whole, frac) = digits.split_once('.').unwrap_or((digits, ""));
    if whole.is_empty() && frac.is_empty()
        || frac.len() > 2
        || !whole.chars().all(|c| c.is_ascii_digit())
        || !frac.chars().all(|c| c.is_ascii_digit())
        || whole.len() > 13
    {
        return None;
    }
    let whole: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let frac: i64 = format!("{frac:0<2}").parse().ok()?;
    let value = whole.checked_mul(100)?.checked_add(frac)?;
    Some(if neg { -value } else { value })
}

crate::studio::code_enum!(
    /// How a benefit is calculated: `cost` = (old_cost - new_cost) x volume; `time` = hours x
    /// rate; `free` = an amount explained in the note.
    BenefitMethod { Cost = "cost", Time = "time", Free = "free" }
);

/// How a benefit was calculated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "method", rename_all = "snake_case")]
pub enum Benefit {
    /// (old cost - new cost) x volume, costs in fen per unit.
    Cost {
        old_cost_cents: i64,
        new_cost_cents: i64,
        volume: i64,
    },
    /// Hours saved x rate, the rate in fen per hour; hours in hundredths.
    Time { hours_x100: i64, rate_cents: i64 },
    /// An amount with its explanation in the note.
    Free { amount_cents: i64 },
}

/// Ten billion yuan, in fen.
pub const MAX_BENEFIT_CENTS: i64 = 1_000_000_000_000;

impl Benefit {
    pub fn method(&self) -> &'static str {
        match self {
            Benefit::Cost { .. } => "cost",
            Benefit::Time { .. } => "time",
            Benefit::Free { .. } => "free",
        }
    }

    /// The benefit in fen, or a field error when it overflows or is out of range.
    pub fn amount_cents(&self) -> Result<i64, AppError> {
        let amount = match *self {
            Benefit::Cost {
                old_cost_cents,
                new_cost_cents,
                volume,
            } => old_cost_cents
                .checked_sub(new_cost_cents)
                .and_then(|d| d.checked_mul(volume)),
            Benefit::Time {
                hours_x100,
                rate_cents,
            } => hours_x100.checked_mul(rate_cents).map(|v| v / 100),
            Benefit::Free { amount_cents } => Some(amount_cents),
        };
        match amount {
            Some(a) if (0..=MAX_BENEFIT_CENTS).contains(&a) => Ok(a),
            _ => Err(AppError::field("benefit", "benefit_out_of_range")),
        }
    }

    /// Reads a claim typed into a form or API body. Every number is a decimal with up to two
    /// places; the volume is a whole number.
    pub fn from_inputs(
        method: &str,
        old_cost: &str,
        new_cost: &str,
        volume: &str,
        hours: &str,
        rate: &str,
        amount: &str,
    ) -> Result<Benefit, AppError> {
        let mut errors = Vec::new();
        let mut number = |field: &'static str, raw: &str| -> i64 {
            match parse_fixed2(raw) {
                Some(v) if v >= 0 => v,
                _ => {
                    errors.push(FieldError::new(field, "not_a_number"));
                    0
                }
            }
        };
        let benefit = match method.trim() {
            "cost" => {
                let old_cost_cents = number("old_cost", old_cost);
                let new_cost_cents = number("new_cost", new_cost);
                let volume = number("volume", volume);
                if volume % 100 != 0 {
                    errors.push(FieldError::new("volume", "not_a_whole_number"));
                }
                Benefit::Cost {
                    old_cost_cents,
                    new_cost_cents,
                    volume: volume / 100,
                }
            }
            "time" => Benefit::Time {
                hours_x100: number("hours", hours),
                rate_cents: number("rate", rate),
            },
            "free" => Benefit::Free {
                amount_cents: number("amount", amount),
            },
            _ => return Err(AppError::field("method", "unknown_method")),
        };
        if !errors.is_empty() {
            return Err(AppError::Validation(errors));
        }
        benefit.amount_cents()?;
        Ok(benefit)
    }
}

/// A claim as checked: its calculation, the explanation and the amount it comes to.
#[derive(Debug, Clone, PartialEq)]
pub struct Claim {
    pub benefit: Benefit,
    pub note: Option<String>,
    pub amount_cents: i64,
}

/// The fields of a claim as typed into a form or API body.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ClaimFields {
    /// cost, time or free.
    pub method: String,
    pub old_cost: String,
    pub new_cost: String,
    pub volume: String,
    pub hours: String,
    pub rate: String,
    pub amount: String,
    pub note: String,
}

impl ClaimFields {
    pub fn benefit(&self) -> Result<Benefit, AppError> {
        Benefit::from_inputs(
            &self.method,
            &self.old_cost,
            &self.new_cost,
            &self.volume,
            &self.hours,
            &self.rate,
            &self.amount,
        )
    }

    /// Checks the calculation and the note: an amount stated freely needs its explanation.
    pub fn check(&self) -> Result<Claim, AppError> {
        let benefit = self.benefit()?;
        let mut v = Validator::new();
        let note = v.optional_text("note", Some(&self.note), NOTE_MAX);
        if benefit.method() == "free" && note.is_none() {
            v.add(FieldError::new("note", "explanation_required"));
        }
        v.finish()?;
        let amount_cents = benefit.amount_cents()?;
        Ok(Claim {
            benefit,
            note,
            amount_cents,
        })
    }
}

/// Finance's verification as checked: a corrected amount (`None` confirms the claim) and the
/// note, required when the figure is corrected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    pub corrected_cents: Option<i64>,
    pub note: Option<String>,
}

impl Verification {
    pub fn parse(corrected_amount: &str, note: &str) -> Result<Verification, AppError> {
        let mut v = Validator::new();
        let note = v.optional_text("note", Some(note), NOTE_MAX);
        let corrected = match corrected_amount.trim() {
            "" => None,
            raw => match parse_fixed2(raw) {
                Some(c) if (0..=MAX_BENEFIT_CENTS).contains(&c) => Some(c),
                _ => {
                    v.add(FieldError::new("corrected_amount", "not_a_number"));
                    None
                }
            },
        };
        if corrected.is_some() && note.is_none() {
            v.add(FieldError::new("note", "explanation_required"));
        }
        v.finish()?;
        Ok(Verification {
            corrected_cents: corrected,
            note,
        })
    }

    /// The verified figure: the correction, or else the claim.
    pub fn amount(&self, claimed_cents: i64) -> i64 {
        self.corrected_cents.unwrap_or(claimed_cents)
    }
}

/// A verified benefit is locked: neither a new claim nor a second verification may change it.
pub fn ensure_unlocked(verified_at: Option<Timestamp>) -> Result<(), AppError> {
    if verified_at.is_some() {
        Err(AppError::conflict("benefit_locked"))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_free_claim_needs_its_explanation() {
        let fields = ClaimFields {
            method: "free".into(),
            amount: "1200.50".into(),
            ..Default::default()
        };
        let err = fields.check().unwrap_err();
        let codes: Vec<_> = err
            .field_errors()
            .into_iter()
            .map(|e| (e.field, e.code))
            .collect();
        assert_eq!(codes, vec![("note".to_string(), "explanation_required")]);
        let ok = ClaimFields {
            note: "saved steam".into(),
            ..fields
        }
        .check()
        .unwrap();
        assert_eq!(ok.amount_cents, 120_050);
    }

    #[test]
    fn negative_or_non_numeric_figures_are_refused() {
        for raw in ["-5", "abc", "1.234"] {
            let fields = ClaimFields {
                method: "free".into(),
                amount: raw.into(),
                note: "n".into(),
                ..Default::default()
            };
            assert!(fields.check().is_err(), "{raw}");
        }
        assert!(Verification::parse("-1", "n").is_err());
        assert!(Verification::parse("12", "").is_err());
        assert_eq!(Verification::parse("", "").unwrap().amount(500), 500);
        assert_eq!(Verification::parse("3", "less").unwrap().amount(500), 300);
    }

    #[test]
    fn a_verified_benefit_is_locked() {
        assert!(ensure_unlocked(None).is_ok());
        assert!(ensure_unlocked(Some(Timestamp(1))).is_err());
    }
}
