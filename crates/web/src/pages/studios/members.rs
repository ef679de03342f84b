//! The forms on a studio's page for its people and their record: adding a member, a member leaving,
//! handing the studio to a new lead or another unit,
//! honours of the lead or a member, and the outputs ledger.

use super::finish;
use crate::pages::form_command;
use ingot_app::studios as cases;
use ingot_domain::MemberId;
use ingot_domain::StudioId;

form_command!(
    add_member,
    StudioId,
    cases::MemberInput,
    cases::add_member,
    "studio_member_added"
);
form_command!(
    member_leaves,
    (StudioId, MemberId),
    cases::LeaveInput,
    cases::member_leaves,
    "studio_member_left"
);
form_command!(
    change_lead,
    StudioId,
    cases::LeadChangeInput,
    cases::change_lead,
    "studio_lead_changed"
);
form_command!(
    change_unit,
    StudioId,
    cases::UnitChangeInput,
    cases::change_unit,
    "studio_unit_changed"
);
form_command!(
    add_honour,
    StudioId,
    cases::HonourInput,
    cases::add_honour,
    "honour_added"
);
form_command!(
    add_output,
    StudioId,
    cases::OutputInput,
    cases::add_output,
    "output_added"
);
