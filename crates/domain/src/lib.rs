//! Ingot's domain: identifiers, models, validation and the access policy. No I/O lives here.

pub mod audit;
pub mod benefit;
pub mod campaign;
pub mod error;
pub mod ids;
pub mod innovation;
pub mod lang;
pub mod org;
pub mod policy;
pub mod programme;
pub mod proposal;
pub mod report;
pub mod role;
pub mod stat_return;
#[cfg(feature = "sqlx")]
mod stored_code;
pub mod studio;
pub mod time;
pub mod user;
pub mod validate;

pub use error::{AppError, FieldError};
pub use ids::{
    AllianceId, ApplicationId, AttachmentId, CallId, FundingId, GrantId, MemberId, NotificationId,
    OrgId, PhotoId, ProgrammeId, ProposalId, SessionId, StudioId, TaskId, TokenId, UserId,
};
pub use ids::{CampaignId, DeclarationId, ObjectionId};
pub use lang::Lang;
pub use org::{OrgKind, OrgPath, OrgScope};
pub use policy::{Action, Actor, Grant, Principal};
pub use role::Role;
pub use time::Timestamp;

// records and programmes
pub use ids::{AchievementFileId, AchievementId, PatentId, SkillId, TitleId};
