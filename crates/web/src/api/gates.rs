//! The gate of every API operation (see `crate::access`): who may send it a request at all,
//! decided before its body is read. The unit test in `access` checks that this table and the
//! OpenAPI document name the same operations.

use crate::access::{Gate, RouteSpec};
use axum::http::Method;
use ingot_app::reach::Target;
use ingot_domain::policy::Action;
use std::sync::OnceLock;

const GET: &str = "GET";
const POST: &str = "POST";
const PUT: &str = "PUT";
const PATCH: &str = "PATCH";
const DELETE: &str = "DELETE";

use Gate::{Public, Record, Role, SignedIn};

const RECORDS: &[Action] = &[Action::ManageInnovationRecords];

/// (method, path under /api/v1, gate)
const GATES: &[(&str, &str, Gate)] = &[
    (GET, "/openapi.json", Public),
    // The caller's own account.
    (GET, "/me", SignedIn),
    (PUT, "/me/lang", SignedIn),
    (POST, "/me/password", SignedIn),
    (GET, "/me/tokens", SignedIn),
    (POST, "/me/tokens", SignedIn),
    (DELETE, "/me/tokens/{id}", SignedIn),
    // The organisation tree.
    (GET, "/orgs", SignedIn),
    (POST, "/orgs", Role(&[Action::CreateOrgUnder])),
    (POST, "/orgs/import", Role(&[Action::ImportOrgs])),
    (GET, "/orgs/{id}", SignedIn),
    (PATCH, "/orgs/{id}", Record(Target::Org(Action::EditOrg))),
    (DELETE, "/orgs/{id}", Record(Target::Org(Action::EditOrg))),
    (
        POST,
        "/orgs/{id}/move",
        Record(Target::Org(Action::EditOrg)),
    ),
    (
        POST,
        "/orgs/{id}/archive",
        Record(Target::Org(Action::EditOrg)),
    ),
    (
        POST,
        "/orgs/{id}/restore",
        Record(Target::Org(Action::EditOrg)),
    ),
    (GET, "/orgs/{id}/records", SignedIn),
    (GET, "/orgs/{id}/assessment-standard", SignedIn),
    (
        PUT,
        "/orgs/{id}/assessment-standard",
        Record(Target::Org(Action::ManageNamings)),
    ),
    // People and roles.
    (GET, "/users", SignedIn),
    (GET, "/users/export", SignedIn),
    (POST, "/users", Role(&[Action::ManageUser])),
    (GET, "/users/{id}", SignedIn),
    (PATCH, "/users/{id}", Record(Target::User)),
    (POST, "/users/{id}/activate", Record(Target::User)),
    (POST, "/users/{id}/deactivate", Record(Target::User)),
    (POST, "/users/{id}/grants", Record(Target::User)),
    (POST, "/users/{id}/password", Record(Target::User)),
    (POST, "/users/{id}/unlock", Record(Target::User)),
    (DELETE, "/grants/{id}", Record(Target::Grant)),
    (GET, "/people/{id}/honours", SignedIn),
    (GET, "/people/{id}/records", SignedIn),
    (GET, "/audit", SignedIn),
    (GET, "/search", SignedIn),
    (GET, "/notifications", SignedIn),
    (POST, "/notifications/read", SignedIn),
    (GET, "/notifications/digest", SignedIn),
    (PUT, "/notifications/digest", SignedIn),
    (GET, "/notifications/digests", SignedIn),
    (GET, "/notifications/mail", SignedIn),
    (PUT, "/notifications/mail", SignedIn),
    (GET, "/webhooks", Role(&[Action::ManageWebhooks])),
    (POST, "/webhooks", Role(&[Action::ManageWebhooks])),
    (GET, "/webhooks/{id}", Record(Target::Webhook)),
    (POST, "/webhooks/{id}/active", Record(Target::Webhook)),
    (POST, "/webhooks/{id}/ping", Record(Target::Webhook)),
    // Proposals.
    (GET, "/proposals", SignedIn),
    (POST, "/proposals", SignedIn),
    (GET, "/proposals/export", SignedIn),
    (GET, "/proposals/rewards", SignedIn),
    (GET, "/proposals/stats", SignedIn),
    (GET, "/proposals/{id}", SignedIn),
    (PATCH, "/proposals/{id}", Record(Target::Proposal)),
    (
        POST,
        "/proposals/{id}/attachments",
        Record(Target::Proposal),
    ),
    (POST, "/proposals/{id}/benefit", Record(Target::Proposal)),
    (
        POST,
        "/proposals/{id}/benefit/verify",
        Record(Target::Proposal),
    ),
    (POST, "/proposals/{id}/duplicate", Record(Target::Proposal)),
    (
        POST,
        "/proposals/{id}/implementation",
        Record(Target::Proposal),
    ),
    (POST, "/proposals/{id}/review", Record(Target::Proposal)),
    (POST, "/proposals/{id}/reward", Record(Target::Proposal)),
    (GET, "/proposals/{id}/similar", SignedIn),
    (POST, "/proposals/{id}/submit", Record(Target::Proposal)),
    (POST, "/proposals/{id}/withdraw", Record(Target::Proposal)),
    (GET, "/attachments/{id}", SignedIn),
    (GET, "/enterprises/{org_id}/proposal-settings", SignedIn),
    (
        PUT,
        "/enterprises/{org_id}/proposal-settings",
        Record(Target::Org(Action::ConfigureProposals)),
    ),
    (
        POST,
        "/enterprises/{org_id}/proposal-categories",
        Record(Target::Org(Action::ConfigureProposals)),
    ),
    (
        PUT,
        "/enterprises/{org_id}/reward-grades",
        Record(Target::Org(Action::ConfigureProposals)),
    ),
    // Studios and namings.
    // The registry and a studio's page are public, as on the web.
    (GET, "/studios", Public),
    (POST, "/studios", Role(&[Action::ManageStudio])),
    (GET, "/studios/stats", SignedIn),
    (GET, "/studios/export", SignedIn),
    (GET, "/studios/{id}", Public),
    (PATCH, "/studios/{id}", Record(Target::Studio)),
    (POST, "/studios/{id}/assessments", Record(Target::Studio)),
    (
        POST,
        "/studios/{id}/funding/{funding}/entries",
        Record(Target::Studio),
    ),
    (POST, "/studios/{id}/honours", Record(Target::Studio)),
    (POST, "/studios/{id}/members", Record(Target::Studio)),
    (POST, "/studios/{id}/lead", Record(Target::Studio)),
    (POST, "/studios/{id}/unit", Record(Target::Studio)),
    (
        POST,
        "/studios/{id}/members/{member}/leave",
        Record(Target::Studio),
    ),
    (POST, "/studios/{id}/namings", Record(Target::Studio)),
    (POST, "/studios/{id}/outputs", Record(Target::Studio)),
    (POST, "/studios/{id}/photos", Record(Target::Studio)),
    (POST, "/studios/{id}/status", Record(Target::Studio)),
    (GET, "/naming-calls", SignedIn),
    (GET, "/naming-notices/{id}", SignedIn),
    (GET, "/naming-notices/{id}/pdf", Public),
    (GET, "/naming-notices/{id}/docx", Public),
    (POST, "/naming-calls", Role(&[Action::ManageNamings])),
    (GET, "/naming-calls/{id}", SignedIn),
    // Applying is for a studio's managers: its unit's union or its lead (a person, not a role).
    (POST, "/naming-calls/{id}/applications", SignedIn),
    (GET, "/naming-applications/{id}", SignedIn),
    (
        POST,
        "/naming-applications/{id}/decision",
        Record(Target::NamingDecision),
    ),
    (
        POST,
        "/naming-applications/{id}/review",
        Record(Target::NamingReview),
    ),
    (POST, "/alliances", Role(&[Action::ManageNamings])),
    (GET, "/alliances/{id}", SignedIn),
    // Innovation records.
    (GET, "/achievements", SignedIn),
    (POST, "/achievements", Role(RECORDS)),
    (GET, "/achievements/export", SignedIn),
    (GET, "/achievements/{id}", SignedIn),
    (PATCH, "/achievements/{id}", Record(Target::Achievement)),
    (
        POST,
        "/achievements/{id}/attachments",
        Record(Target::Achievement),
    ),
    (
        POST,
        "/achievements/{id}/benefit",
        Record(Target::Achievement),
    ),
    (
        POST,
        "/achievements/{id}/benefit/verify",
        Record(Target::Achievement),
    ),
    (
        POST,
        "/achievements/{id}/patents",
        Record(Target::Achievement),
    ),
    (
        POST,
        "/achievements/{id}/proposals",
        Record(Target::Achievement),
    ),
    (GET, "/achievement-files/{id}", SignedIn),
    (GET, "/patents", SignedIn),
    (POST, "/patents", Role(RECORDS)),
    (GET, "/patents/export", SignedIn),
    (POST, "/patents/import", Role(RECORDS)),
    (GET, "/records/import/template", SignedIn),
    (POST, "/records/import", Role(RECORDS)),
    (GET, "/patents/{id}", SignedIn),
    (PATCH, "/patents/{id}", Record(Target::Patent)),
    (GET, "/skills", SignedIn),
    (POST, "/skills", Role(RECORDS)),
    (GET, "/skills/export", SignedIn),
    (GET, "/skills/{id}", SignedIn),
    (PATCH, "/skills/{id}", Record(Target::Skill)),
    (GET, "/titles", SignedIn),
    (POST, "/titles", Role(RECORDS)),
    (GET, "/titles/export", SignedIn),
    (GET, "/titles/{id}", SignedIn),
    (PATCH, "/titles/{id}", Record(Target::Title)),
    (GET, "/innovation/figures", SignedIn),
    // Reports.
    (GET, "/reports/annual-summary", SignedIn),
    (GET, "/reports/annual-summary/export", SignedIn),
    (GET, "/reports/rankings", SignedIn),
    (GET, "/returns", SignedIn),
    (POST, "/returns", Role(&[Action::ManageReturns])),
    (GET, "/returns/{id}", SignedIn),
    (GET, "/returns/{id}/export", SignedIn),
    (
        POST,
        "/returns/{id}/units/{org}/submission",
        Role(&[Action::SubmitReturn]),
    ),
    (
        POST,
        "/returns/{id}/units/{org}/review",
        Role(&[Action::ManageReturns]),
    ),
    (GET, "/returns/{id}/units/{org}/versions", SignedIn),
    // Campaigns: the call, the announcement, the publicity list and the ranking are public.
    (GET, "/campaigns", SignedIn),
    (POST, "/campaigns", Role(&[Action::ManageCampaigns])),
    (GET, "/campaigns/{id}", Public),
    (
        POST,
        "/campaigns/{id}/advance",
        Record(Target::CampaignStaff),
    ),
    (
        POST,
        "/campaigns/{id}/announcement",
        Record(Target::CampaignStaff),
    ),
    (GET, "/campaigns/{id}/assignment", SignedIn),
    (
        POST,
        "/campaigns/{id}/assignment",
        Record(Target::CampaignStaff),
    ),
    (
        POST,
        "/campaigns/{id}/assignment/override",
        Record(Target::CampaignStaff),
    ),
    (
        POST,
        "/campaigns/{id}/conflicts",
        Record(Target::CampaignPanel),
    ),
    (
        POST,
        "/campaigns/{id}/decision",
        Record(Target::CampaignStaff),
    ),
    (GET, "/campaigns/{id}/declarable", SignedIn),
    (
        POST,
        "/campaigns/{id}/declarations",
        Role(&[Action::DeclareToCampaign]),
    ),
    (GET, "/campaigns/{id}/experts", SignedIn),
    (
        POST,
        "/campaigns/{id}/experts",
        Record(Target::CampaignStaff),
    ),
    (GET, "/campaigns/{id}/objections", SignedIn),
    (POST, "/campaigns/{id}/objections", Public),
    (
        POST,
        "/campaigns/{id}/objections/dismiss",
        Record(Target::CampaignStaff),
    ),
    (GET, "/campaigns/{id}/publicity", Public),
    (
        POST,
        "/campaigns/{id}/publicity",
        Record(Target::CampaignStaff),
    ),
    (GET, "/campaigns/{id}/ranking", Public),
    (GET, "/campaigns/{id}/announcement/pdf", Public),
    (GET, "/campaigns/{id}/announcement/docx", Public),
    (GET, "/certificates/{id}", Public),
    (GET, "/certificates/{id}/pdf", Public),
    (GET, "/campaigns/{id}/results", SignedIn),
    (GET, "/campaigns/{id}/reviews", SignedIn),
    (
        POST,
        "/declarations/{id}/check",
        Record(Target::Declaration),
    ),
    (
        POST,
        "/declarations/{id}/forward",
        Record(Target::Declaration),
    ),
    (
        POST,
        "/declarations/{id}/resubmit",
        Record(Target::Declaration),
    ),
    (
        POST,
        "/declarations/{id}/score",
        Record(Target::Declaration),
    ),
    (POST, "/objections/{id}/outcome", Record(Target::Objection)),
    // Programmes.
    (GET, "/programmes", SignedIn),
    (POST, "/programmes", Role(&[Action::ManageProgramme])),
    (GET, "/programmes/{id}", SignedIn),
    (POST, "/programmes/{id}/awards", Record(Target::Programme)),
    (GET, "/programmes/{id}/export/{list}", SignedIn),
    (GET, "/programmes/{id}/funding", SignedIn),
    (POST, "/programmes/{id}/funding", Record(Target::Programme)),
    (GET, "/programmes/{id}/institutions", SignedIn),
    (GET, "/programmes/{id}/milestones", SignedIn),
    (
        POST,
        "/programmes/{id}/milestones",
        Record(Target::Programme),
    ),
    (
        PATCH,
        "/programmes/{id}/milestones/{milestone}",
        Record(Target::Programme),
    ),
    (POST, "/programmes/{id}/removals", Record(Target::Programme)),
    (GET, "/programmes/{id}/outputs", SignedIn),
    (POST, "/programmes/{id}/outputs", Record(Target::Programme)),
    (GET, "/programmes/{id}/people", SignedIn),
    (POST, "/programmes/{id}/people", Record(Target::Programme)),
    (GET, "/programmes/{id}/tasks", SignedIn),
    (POST, "/programmes/{id}/tasks", Record(Target::Programme)),
    (GET, "/programmes/{id}/tasks/{task}", SignedIn),
    (
        PATCH,
        "/programmes/{id}/tasks/{task}",
        Record(Target::Programme),
    ),
];

/// The API's routes with their gates, under their full paths.
pub fn specs() -> &'static [RouteSpec] {
    static SPECS: OnceLock<Vec<RouteSpec>> = OnceLock::new();
    SPECS.get_or_init(|| {
        GATES
            .iter()
            .map(|(method, path, gate)| RouteSpec {
                method: Method::from_bytes(method.as_bytes()).expect("a method name"),
                // Built once per process: route paths live as long as it does.
                path: Box::leak(format!("/api/v1{path}").into_boxed_str()),
                gate: *gate,
            })
            .collect()
    })
}

/// The methods a path of the OpenAPI document has operations for.
pub fn methods_of(item: &utoipa::openapi::PathItem) -> Vec<Method> {
    [
        (Method::GET, item.get.is_some()),
        (Method::PUT, item.put.is_some()),
        (Method::POST, item.post.is_some()),
        (Method::DELETE, item.delete.is_some()),
        (Method::PATCH, item.patch.is_some()),
    ]
    .into_iter()
    .filter_map(|(m, present)| present.then_some(m))
    .collect()
}
