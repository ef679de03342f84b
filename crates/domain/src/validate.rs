//! Collects every field problem of one input before failing, so a form shows them all at once.

use crate::error::{AppError, FieldError};

#[derive(Default)]
pub struct Validator {
    errors: Vec<FieldError>,
}

impl Validator {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, error: FieldError) {
        self.errors.push(error);
    }

    pub fn check(&mut self, ok: bool, field: &str, code: &'static str) {
        if !ok {
            self.errors.push(FieldError::new(field, code));
        }
    }

    /// Trims and checks a required text's length in characters.
    pub fn required_text(&mut self, field: &str, value: &str, max_chars: usize) -> String {
        let value = value.trim();
        if value.is_empty() {
            self.errors.push(FieldError::new(field, "required"));
        } else {
            self.max_chars(field, value, max_chars);
        }
        value.to_string()
    }

    /// Trims an optional text; empty becomes `None`.
    pub fn optional_text(
        &mut self,
        field: &str,
        value: Option<&str>,
        max_chars: usize,
    ) -> Option<String> {
        let value = value.map(str::trim).filter(|v| !v.is_empty())?;
        self.max_chars(field, value, max_chars);
        Some(value.to_string())
    }

    fn max_chars(&mut self, field: &str, value: &str, max_chars: usize) {
        let count = value.chars().count();
        if count > max_chars {
            self.errors.push(
                FieldError::new(field, "too_long")
                    .with("max", max_chars)
                    .with("actual", count),
            );
        }
        if value
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
        {
            self.errors
                .push(FieldError::new(field, "control_characters"));
        }
    }

    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    pub fn finish(self) -> Result<(), AppError> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(AppError::Validation(self.errors))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_every_field_problem() {
        let mut v = Validator::new();
        assert_eq!(v.required_text("name", "  ", 10), "");
        v.required_text("title", "一二三四五六七八九十一", 10);
        assert_eq!(v.optional_text("note", Some("  "), 5), None);
        let Err(AppError::Validation(errors)) = v.finish() else {
            panic!("expected validation error")
        };
        assert_eq!(errors.len(), 2);
        assert_eq!(
            (errors[0].field.as_str(), errors[0].code),
            ("name", "required")
        );
        assert_eq!(
            (errors[1].field.as_str(), errors[1].code),
            ("title", "too_long")
        );
        assert_eq!(
            errors[1].params,
            vec![("max", "10".to_string()), ("actual", "11".to_string())]
        );
    }
}
