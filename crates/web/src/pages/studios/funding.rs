//! The funding form on a studio's page: a payment of special funding or spending from it.

use super::finish;
use crate::pages::form_command;
use ingot_app::studios as cases;
use ingot_domain::{FundingId, StudioId};

form_command!(
    funding_entry,
    (StudioId, FundingId),
    cases::EntryInput,
    cases::funding_entry,
    "funding_recorded"
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forms::decode_form;

    #[test]
    fn the_note_is_entry_note_on_the_form_and_note_in_json() {
        let form: cases::EntryInput =
            decode_form(b"_csrf=t&kind=spending&amount=12.5&entry_note=lathe").unwrap();
        let json: cases::EntryInput =
            serde_json::from_str(r#"{"kind":"spending","amount":"12.5","note":"lathe"}"#).unwrap();
        assert_eq!(
            (form.entry_note.as_str(), form.amount.as_str()),
            ("lathe", "12.5")
        );
        assert_eq!(json.entry_note, "lathe");
    }
}
