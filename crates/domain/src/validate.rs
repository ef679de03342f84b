//! Collects every field problem of one input before failing, so a form shows them all at once.

use crate::error::{AppError, FieldError};
use crate::time::Date;

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

    /// Finishes with the checked values of a tuple: all of them when neither the validator nor
    /// any value holds a problem, otherwise every problem at once. A value can only be had
    /// whole, so no caller needs an "already checked" branch that cannot happen.
    pub fn finish_with<T: AllChecked>(mut self, checked: T) -> Result<T::Output, AppError> {
        match checked.all() {
            Ok(values) if self.errors.is_empty() => Ok(values),
            Ok(_) => Err(AppError::Validation(self.errors)),
            Err(more) => {
                self.errors.extend(more);
                Err(AppError::Validation(self.errors))
            }
        }
    }

    /// Keeps the field problems of a use case's answer and returns its value if there was one;
    /// any other failure (the database) is returned at once. For gathering the problems of
    /// several reads that each check one field (a list's filter).
    pub fn keep_answer<T>(&mut self, answer: Result<T, AppError>) -> Result<Option<T>, AppError> {
        match answer {
            Ok(value) => Ok(Some(value)),
            Err(AppError::Validation(problems)) => {
                self.errors.extend(problems);
                Ok(None)
            }
            Err(other) => Err(other),
        }
    }

    /// Keeps a checked value's problems, if any, and returns the value if there was one: for a
    /// value that later checks depend on but that is not itself needed afterwards.
    pub fn keep<T>(&mut self, checked: Checked<T>) -> Option<T> {
        match checked {
            Ok(value) => Some(value),
            Err(problems) => {
                self.errors.extend(problems);
                None
            }
        }
    }
}

/// One field's value, or its problems. `?` turns the problems into a validation error.
pub type Checked<T> = Result<T, Vec<FieldError>>;

impl From<Vec<FieldError>> for AppError {
    fn from(problems: Vec<FieldError>) -> Self {
        AppError::Validation(problems)
    }
}

/// A closed set of codes (an enum stored and sent as snake_case codes).
pub trait Coded: Sized {
    fn from_code(raw: &str) -> Option<Self>;
    /// The codes, comma-separated, for messages listing what is allowed.
    fn allowed() -> String;
}

/// One of a closed set of codes; the problem lists the codes allowed.
pub fn choice<T: Coded>(field: &str, raw: &str) -> Checked<T> {
    T::from_code(raw)
        .ok_or_else(|| vec![FieldError::new(field, "unknown_option").with("allowed", T::allowed())])
}

/// A required date, `YYYY-MM-DD`.
pub fn date(field: &str, raw: &str) -> Checked<Date> {
    let raw = raw.trim();
    if raw.is_empty() {
        return problem(FieldError::new(field, "required"));
    }
    Date::parse(raw).ok_or_else(|| vec![FieldError::new(field, "invalid_date")])
}

/// A whole number in `min..=max`, as typed.
pub fn int_in(field: &str, raw: &str, min: i64, max: i64) -> Checked<i64> {
    match raw.trim().parse::<i64>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        _ => problem(
            FieldError::new(field, "number_out_of_range")
                .with("min", min)
                .with("max", max),
        ),
    }
}

/// A problem of one field, as a [`Checked`] value.
pub fn problem<T>(error: FieldError) -> Checked<T> {
    Err(vec![error])
}

/// Tuples of [`Checked`] values that become one tuple of values or every problem.
pub trait AllChecked {
    type Output;
    fn all(self) -> Result<Self::Output, Vec<FieldError>>;
}

impl<A> AllChecked for Checked<A> {
    type Output = A;
    fn all(self) -> Result<A, Vec<FieldError>> {
        self
    }
}

macro_rules! all_checked {
    ($($t:ident $v:ident),+) => {
        impl<$($t),+> AllChecked for ($(Checked<$t>,)+) {
            type Output = ($($t,)+);
            fn all(self) -> Result<Self::Output, Vec<FieldError>> {
                let ($($v,)+) = self;
                match ($($v,)+) {
                    ($(Ok($v),)+) => Ok(($($v,)+)),
                    ($($v,)+) => {
                        let mut problems = Vec::new();
                        $(if let Err(p) = $v { problems.extend(p); })+
                        Err(problems)
                    }
                }
            }
        }
    };
}
all_checked!(A a, B b);
all_checked!(A a, B b, C c);
all_checked!(A a, B b, C c, D d);
all_checked!(A a, B b, C c, D d, E e);
all_checked!(A a, B b, C c, D d, E e, F f);
all_checked!(A a, B b, C c, D d, E e, F f, G g);
all_checked!(A a, B b, C c, D d, E e, F f, G g, H h);

/// The items of a text listing several (usernames, codes), however the list is separated: by
/// commas, enumeration commas, semicolons, spaces or lines, in either script.
pub fn list_items(raw: &str) -> impl Iterator<Item = &str> {
    raw.split([',', '，', '、', ';', '；', '\n', '\r', ' ', '\u{3000}'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// Reads a decimal sent as a JSON string or number (or null, as empty) into the text the checks
/// parse, so that `"33.33"` and `33.33` mean the same and a wrong value is reported by field.
pub fn decimal_text<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    use serde::Deserialize;
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Text(String),
        Int(i64),
        Float(f64),
    }
    Ok(match Option::<Raw>::deserialize(d)? {
        None => String::new(),
        Some(Raw::Text(s)) => s,
        Some(Raw::Int(i)) => i.to_string(),
        Some(Raw::Float(f)) => f.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finish_with_gives_every_value_or_every_problem() {
        let v = Validator::new();
        let values = v.finish_with((Ok::<_, Vec<FieldError>>(1), Ok::<_, Vec<FieldError>>("a")));
        assert_eq!(values.unwrap(), (1, "a"));

        let mut v = Validator::new();
        v.required_text("name", "", 10);
        let checked: (Checked<i32>, Checked<&str>, Checked<u8>) = (
            problem(FieldError::new("year", "not_a_number")),
            Ok("a"),
            Err(vec![
                FieldError::new("lines", "quota_invalid"),
                FieldError::new("lines", "unknown_org"),
            ]),
        );
        let Err(AppError::Validation(errors)) = v.finish_with(checked) else {
            panic!("expected every problem")
        };
        let codes: Vec<_> = errors.iter().map(|e| (e.field.as_str(), e.code)).collect();
        assert_eq!(
            codes,
            [
                ("name", "required"),
                ("year", "not_a_number"),
                ("lines", "quota_invalid"),
                ("lines", "unknown_org")
            ]
        );

        // A problem added earlier fails the finish even when every value is there.
        let mut v = Validator::new();
        v.add(FieldError::new("unit", "unknown_org"));
        assert!(v.finish_with(Ok::<_, Vec<FieldError>>(5)).is_err());
    }

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
