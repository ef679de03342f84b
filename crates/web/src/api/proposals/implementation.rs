//! After adoption: who implements the proposal and by when, the benefit claimed and verified,
//! and the reward split among its people.

use super::detail_of;
use crate::api::api_command;
use crate::api::proposal_dto::ProposalDetailDto;
use crate::error::ErrorBody;
use ingot_app::proposals::{
    self as cases, BenefitInput, ImplementationInput, RewardInput, VerifyInput,
};
use ingot_domain::ProposalId;

api_command!(
    /// Sets who implements an adopted proposal, by when, and how far it is; `done` makes it
    /// implemented.
    #[utoipa::path(post, path = "/proposals/{id}/implementation", tag = "proposals", params(("id" = i64, Path)), request_body = ImplementationInput,
        responses((status = 200, body = ProposalDetailDto), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody),
            (status = 422, body = ErrorBody)),
        security(("bearer" = []), ("session" = [])))]
    set_implementation,
    ProposalId,
    ImplementationInput,
    cases::set_implementation,
    detail_of -> ProposalDetailDto
);

api_command!(
    /// Claims the benefit of an implemented proposal, with its calculation. A claim may be
    /// replaced until finance verifies it (then 409 `benefit_locked`).
    #[utoipa::path(post, path = "/proposals/{id}/benefit", tag = "proposals", params(("id" = i64, Path)), request_body = BenefitInput,
        responses((status = 200, body = ProposalDetailDto), (status = 403, body = ErrorBody),
            (status = 409, body = ErrorBody, description = "`benefit_locked`, `proposal_not_implemented` or `proposal_changed`"),
            (status = 422, body = ErrorBody)),
        security(("bearer" = []), ("session" = [])))]
    claim_benefit,
    ProposalId,
    BenefitInput,
    cases::claim_benefit,
    detail_of -> ProposalDetailDto
);

api_command!(
    /// Finance confirms or corrects the claimed benefit; the figure is then locked.
    #[utoipa::path(post, path = "/proposals/{id}/benefit/verify", tag = "proposals", params(("id" = i64, Path)), request_body = VerifyInput,
        responses((status = 200, body = ProposalDetailDto), (status = 403, body = ErrorBody),
            (status = 409, body = ErrorBody, description = "`benefit_locked`, `benefit_not_claimed` or `proposal_changed`"),
            (status = 422, body = ErrorBody)),
        security(("bearer" = []), ("session" = [])))]
    verify_benefit,
    ProposalId,
    VerifyInput,
    cases::verify_benefit,
    detail_of -> ProposalDetailDto
);

api_command!(
    /// Decides the reward, by grade or as a percentage of the verified benefit, split among the
    /// people by their shares (the parts add up to the reward exactly).
    #[utoipa::path(post, path = "/proposals/{id}/reward", tag = "proposals", params(("id" = i64, Path)), request_body = RewardInput,
        responses((status = 200, body = ProposalDetailDto), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody),
            (status = 422, body = ErrorBody)),
        security(("bearer" = []), ("session" = [])))]
    reward_proposal,
    ProposalId,
    RewardInput,
    cases::reward,
    detail_of -> ProposalDetailDto
);
