//! The review: a reviewer acting at the current step, and marking a proposal as a duplicate.

use super::detail_of;
use crate::api::api_command;
use crate::api::proposal_dto::ProposalDetailDto;
use crate::error::ErrorBody;
use ingot_app::proposals::{self as cases, DuplicateInput, ReviewInput};
use ingot_domain::ProposalId;

api_command!(
    /// A reviewer acts at the current step. Of two reviewers acting on the same version, the
    /// second gets 409 `proposal_changed`.
    #[utoipa::path(post, path = "/proposals/{id}/review", tag = "proposals", params(("id" = i64, Path)), request_body = ReviewInput,
        responses((status = 200, body = ProposalDetailDto), (status = 403, body = ErrorBody),
            (status = 409, body = ErrorBody, description = "`proposal_changed` or `review_out_of_order`"),
            (status = 422, body = ErrorBody, description = "`comment`: a reason is required to reject or return")),
        security(("bearer" = []), ("session" = [])))]
    review_proposal,
    ProposalId,
    ReviewInput,
    cases::review,
    detail_of -> ProposalDetailDto
);

api_command!(
    /// Marks the proposal as a duplicate of an earlier one of the same enterprise.
    #[utoipa::path(post, path = "/proposals/{id}/duplicate", tag = "proposals", params(("id" = i64, Path)), request_body = DuplicateInput,
        responses((status = 200, body = ProposalDetailDto), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody),
            (status = 422, body = ErrorBody)),
        security(("bearer" = []), ("session" = [])))]
    mark_duplicate,
    ProposalId,
    DuplicateInput,
    cases::mark_duplicate,
    detail_of -> ProposalDetailDto
);
