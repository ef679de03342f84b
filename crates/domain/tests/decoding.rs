//! Properties of decoding what people type into forms and API bodies into domain values: for
//! any input, decoding never panics, and a refusal lists at least one problem, each naming a
//! field of the input (or a row of it, `criteria[2].weight`), so that the form can show it
//! beside that field.

use ingot_domain::benefit::{ClaimFields, MAX_BENEFIT_CENTS, Verification};
use ingot_domain::org::OrgInput;
use ingot_domain::studio::{Criterion, Standard};
use ingot_domain::{AppError, FieldError};
use proptest::collection::vec;
use proptest::prelude::*;

/// Numbers as typed, mistyped and forged: decimals with separators, signs, exponents,
/// full-width digits, huge and tiny values, and any text.
fn typed_number() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => "-?[0-9]{0,16}(\\.[0-9]{0,3})?",
        1 => "[0-9]{1,3}(,[0-9]{3}){0,6}(\\.[0-9]{1,2})?",
        1 => prop::sample::select(vec![
            "", " ", "-", ".", "-.", "1e9", "NaN", "inf", "１２", "0x10", "+5", "9223372036854775807",
            "-9223372036854775808", "99999999999999.99", "0.001", " 7 ",
        ])
        .prop_map(str::to_string),
        1 => any::<String>(),
    ]
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9 ._-]{0,12}",
        "[窑炉车间大连总工会]{0,8}",
        any::<String>(),
        Just(" ".repeat(3)),
        Just("x".repeat(1001)),
    ]
}

/// Every problem names one of `fields` (or a row of one, `name[i].part`).
fn names_fields(errors: &[FieldError], fields: &[&str]) -> Result<(), TestCaseError> {
    prop_assert!(!errors.is_empty(), "a refusal without a problem");
    for e in errors {
        let head = e.field.split('[').next().unwrap_or("");
        prop_assert!(fields.contains(&head), "{e:?} names no field of {fields:?}");
        prop_assert!(!e.code.is_empty());
    }
    Ok(())
}

fn field_errors(e: &AppError) -> Vec<FieldError> {
    e.field_errors()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn an_organisation_decodes_or_names_its_fields(
        code in text(), name in text(), name_en in prop::option::of(text()),
        kind in prop_oneof![Just("enterprise".to_string()), Just("department".to_string()), text()],
    ) {
        let input = OrgInput { parent_id: None, code, name, name_en, kind };
        match input.validate(None) {
            Ok(org) => {
                prop_assert_eq!(org.code.as_str(), input.code.trim());
                prop_assert!(!org.name.trim().is_empty());
            }
            Err(errors) => names_fields(&errors, &["code", "name", "name_en", "kind"])?,
        }
    }

    #[test]
    fn a_benefit_claim_decodes_or_names_its_fields(
        method in prop_oneof![
            Just("cost".to_string()), Just("time".to_string()), Just("free".to_string()), text(),
        ],
        old_cost in typed_number(), new_cost in typed_number(), volume in typed_number(),
        hours in typed_number(), rate in typed_number(), amount in typed_number(), note in text(),
    ) {
        let claim = ClaimFields { method, old_cost, new_cost, volume, hours, rate, amount, note };
        match claim.check() {
            Ok(checked) => {
                prop_assert!((0..=MAX_BENEFIT_CENTS).contains(&checked.amount_cents));
                prop_assert_eq!(checked.benefit.method(), claim.method.trim());
            }
            // "benefit" is the calculation as a whole (its result out of range).
            Err(e) => names_fields(
                &field_errors(&e),
                &["method", "old_cost", "new_cost", "volume", "hours", "rate", "amount", "note", "benefit"],
            )?,
        }
    }

    #[test]
    fn a_verification_decodes_or_names_its_fields(corrected in typed_number(), note in text()) {
        match Verification::parse(&corrected, &note) {
            Ok(v) => {
                prop_assert!(v.corrected_cents.is_none_or(|c| (0..=MAX_BENEFIT_CENTS).contains(&c)));
                prop_assert!(v.corrected_cents.is_none() || v.note.is_some());
            }
            Err(e) => names_fields(&field_errors(&e), &["corrected_amount", "note"])?,
        }
    }

    #[test]
    fn an_assessment_standard_decodes_or_names_its_fields(
        criteria in vec(("[a-z_]{0,8}|.{0,4}", prop_oneof![0i64..=100, any::<i64>()]), 0..8),
        excellent_min in prop_oneof![0i64..=100, any::<i64>()],
        pass_min in prop_oneof![0i64..=100, any::<i64>()],
    ) {
        let standard = Standard {
            criteria: criteria
                .into_iter()
                .map(|(code, weight)| Criterion { code, weight })
                .collect(),
            excellent_min,
            pass_min,
        };
        match standard.validate() {
            Ok(()) => {
                prop_assert_eq!(standard.criteria.iter().map(|c| c.weight).sum::<i64>(), 100);
                prop_assert!(standard.pass_min <= standard.excellent_min);
            }
            Err(e) => names_fields(&field_errors(&e), &["criteria", "pass_min", "excellent_min"])?,
        }
    }
}
