//! Typed identifiers, so that a user id can never be passed where an organisation id is meant.

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::num::ParseIntError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.parse().map($name)
            }
        }
    };
}

id_type!(
    /// An organisation in the tree (federation, enterprise, branch, department, external body).
    OrgId
);
id_type!(
    /// A person who can sign in.
    UserId
);
id_type!(
    /// One role granted to one user on one organisation's subtree.
    GrantId
);
id_type!(
    /// A signed-in browser session.
    SessionId
);
id_type!(
    /// An API token for scripts.
    TokenId
);
id_type!(
    /// An improvement proposal (合理化建议 or one of the "five small" kinds).
    ProposalId
);
id_type!(
    /// A file attached to a proposal.
    AttachmentId
);
id_type!(
    /// An in-app notification.
    NotificationId
);
id_type!(
    /// An innovation studio (劳模/职工/工匠创新工作室).
    StudioId
);
id_type!(
    /// A federation's (or enterprise union's) call for studio naming applications.
    CallId
);
id_type!(
    /// A studio's application to a naming call.
    ApplicationId
);
id_type!(
    /// An innovation achievement: technical work by a team at a unit.
    AchievementId
);
id_type!(
    /// A patent (invention, utility model or design).
    PatentId
);
id_type!(
    /// A skill or method named after its creator (绝招绝技, advanced operation method).
    SkillId
);
id_type!(
    /// A talent title or honour granted to a person.
    TitleId
);
id_type!(
    /// A regional science & technology programme (e.g. the Inner Mongolia "Breakthrough" project).
    ProgrammeId
);
id_type!(
    /// A critical task of a programme, led by an enterprise or platform.
    TaskId
);
id_type!(
    /// Studios working together: an alliance, or a pairing of two.
    AllianceId
);
id_type!(
    /// A photo on a studio's page or in its site review.
    PhotoId
);
id_type!(
    /// One grant of special funding to a named studio, with its payments and spending.
    FundingId
);
id_type!(
    /// One membership of a person in a studio, from joining to leaving.
    MemberId
);
id_type!(
    /// An award campaign: a federation's call, from declarations to the announcement.
    CampaignId
);
id_type!(
    /// A record declared to a campaign by a participating unit.
    DeclarationId
);
id_type!(
    /// An objection lodged against a listed award during publicity.
    ObjectionId
);
// records and programmes
id_type!(
    /// A file attached to an achievement (a certificate, a photo, a report).
    AchievementFileId
);
