//! Every role x scope x action. Each row reads: a role granted on enterprise A, an action, and
//! whether it is allowed on A itself, on a branch below A, on the city above A, and on a sibling
//! enterprise B in the same city.

use super::*;

const CITY: &str = "/1/2/3/";
const A: &str = "/1/2/3/4/";
const A_BRANCH: &str = "/1/2/3/4/5/";
const B: &str = "/1/2/3/6/";

fn path(s: &str) -> OrgPath {
    OrgPath::from_stored(s.to_string())
}

fn actor_with(role: Role, at: &str) -> Actor {
    let org_path = path(at);
    let org_id = *org_path.ids().last().unwrap();
    Actor {
        user_id: UserId(100),
        username: "someone".into(),
        display_name: "Someone".into(),
        org_id,
        org_path: org_path.clone(),
        grants: vec![Grant {
            id: GrantId(1),
            role,
            org_id,
            org_path,
        }],
    }
}

fn expect(pattern: &str) -> [bool; 4] {
    let bits: Vec<bool> = pattern.chars().map(|c| c == 'T').collect();
    [bits[0], bits[1], bits[2], bits[3]]
}

use Role::*;

/// (role on A, action, allowed on [A, branch of A, city above, enterprise B])
const TABLE: &[(Role, Action, &str)] = &[
    // Browsing the tree is open to everyone signed in.
    (Employee, Action::ViewOrgTree, "TTTT"),
    (Expert, Action::ViewOrgTree, "TTTT"),
    // Structure is managed by the unions, below their own level for edits.
    (UnitAdmin, Action::CreateOrgUnder, "TTFF"),
    (FederationAdmin, Action::CreateOrgUnder, "TTFF"),
    (Employee, Action::CreateOrgUnder, "FFFF"),
    (Reviewer, Action::CreateOrgUnder, "FFFF"),
    (FinanceOfficer, Action::CreateOrgUnder, "FFFF"),
    (StudioLead, Action::CreateOrgUnder, "FFFF"),
    (Expert, Action::CreateOrgUnder, "FFFF"),
    (ProgrammeOfficer, Action::CreateOrgUnder, "FFFF"),
    (UnitAdmin, Action::EditOrg, "FTFF"),
    (FederationAdmin, Action::EditOrg, "FTFF"),
    (Reviewer, Action::EditOrg, "FFFF"),
    (UnitAdmin, Action::ImportOrgs, "TTFF"),
    (FederationAdmin, Action::ImportOrgs, "TTFF"),
    (Employee, Action::ImportOrgs, "FFFF"),
    // People and the audit log.
    (UnitAdmin, Action::ViewUser, "TTFF"),
    (FederationAdmin, Action::ViewUser, "TTFF"),
    (Employee, Action::ViewUser, "FFFF"),
    (Reviewer, Action::ViewUser, "FFFF"),
    (StudioLead, Action::ViewUser, "FFFF"),
    (UnitAdmin, Action::ManageUser, "TTFF"),
    (FederationAdmin, Action::ManageUser, "TTFF"),
    (FinanceOfficer, Action::ManageUser, "FFFF"),
    (ProgrammeOfficer, Action::ManageUser, "FFFF"),
    (UnitAdmin, Action::ViewAudit, "TTFF"),
    (FederationAdmin, Action::ViewAudit, "TTFF"),
    (Employee, Action::ViewAudit, "FFFF"),
    (Expert, Action::ViewAudit, "FFFF"),
    // Granting roles: a unit hands out unit roles; federation roles come from federations.
    (UnitAdmin, Action::GrantRole(Employee), "TTFF"),
    (UnitAdmin, Action::GrantRole(Reviewer), "TTFF"),
    (UnitAdmin, Action::GrantRole(FinanceOfficer), "TTFF"),
    (UnitAdmin, Action::GrantRole(StudioLead), "TTFF"),
    (UnitAdmin, Action::GrantRole(UnitAdmin), "TTFF"),
    (UnitAdmin, Action::GrantRole(FederationAdmin), "FFFF"),
    (UnitAdmin, Action::GrantRole(Expert), "FFFF"),
    (UnitAdmin, Action::GrantRole(ProgrammeOfficer), "FFFF"),
    (FederationAdmin, Action::GrantRole(Employee), "TTFF"),
    (FederationAdmin, Action::GrantRole(FederationAdmin), "TTFF"),
    (FederationAdmin, Action::GrantRole(Expert), "TTFF"),
    (FederationAdmin, Action::GrantRole(ProgrammeOfficer), "TTFF"),
    (Employee, Action::GrantRole(Employee), "FFFF"),
    (Reviewer, Action::GrantRole(Employee), "FFFF"),
    // Unpublished records: readers of the subtree only; never another enterprise's.
    (Employee, Action::ViewUnpublished, "FFFF"),
    (Reviewer, Action::ViewUnpublished, "TTFF"),
    (FinanceOfficer, Action::ViewUnpublished, "TTFF"),
    (StudioLead, Action::ViewUnpublished, "TTFF"),
    (UnitAdmin, Action::ViewUnpublished, "TTFF"),
    (FederationAdmin, Action::ViewUnpublished, "TTFF"),
    (ProgrammeOfficer, Action::ViewUnpublished, "TTFF"),
    (Expert, Action::ViewUnpublished, "FFFF"),
    // Proposals: the union configures; reviewers and the union judge; finance verifies money.
    (UnitAdmin, Action::ConfigureProposals, "TTFF"),
    (FederationAdmin, Action::ConfigureProposals, "TTFF"),
    (Reviewer, Action::ConfigureProposals, "FFFF"),
    (Reviewer, Action::MarkDuplicate, "TTFF"),
    (UnitAdmin, Action::MarkDuplicate, "TTFF"),
    (Employee, Action::MarkDuplicate, "FFFF"),
    (Reviewer, Action::ManageImplementation, "TTFF"),
    (UnitAdmin, Action::ManageImplementation, "TTFF"),
    (FinanceOfficer, Action::ManageImplementation, "FFFF"),
    (FinanceOfficer, Action::VerifyBenefit, "TTFF"),
    (Reviewer, Action::VerifyBenefit, "FFFF"),
    (UnitAdmin, Action::VerifyBenefit, "FFFF"),
    (UnitAdmin, Action::AwardReward, "TTFF"),
    (FinanceOfficer, Action::AwardReward, "FFFF"),
    (Reviewer, Action::AwardReward, "FFFF"),
    (FinanceOfficer, Action::ExportRewards, "TTFF"),
    (UnitAdmin, Action::ExportRewards, "TTFF"),
    (Employee, Action::ExportRewards, "FFFF"),
    // Studios: the unit's union and the federations above register and name; experts review.
    (UnitAdmin, Action::ManageStudio, "TTFF"),
    (FederationAdmin, Action::ManageStudio, "TTFF"),
    (UnitAdmin, Action::ManageNamings, "TTFF"),
    (FederationAdmin, Action::ManageNamings, "TTFF"),
    (FederationAdmin, Action::ReviewNaming, "TTFF"),
    (Expert, Action::ReviewNaming, "TTFF"),
    (Reviewer, Action::ViewStudios, "TTFF"),
    (FinanceOfficer, Action::ViewStudios, "TTFF"),
    (StudioLead, Action::ViewStudios, "TTFF"),
    (UnitAdmin, Action::ViewStudios, "TTFF"),
    (FederationAdmin, Action::ViewStudios, "TTFF"),
    (ProgrammeOfficer, Action::ViewStudios, "TTFF"),
    // Innovation records: everyone reads their own subtree's; union admins record them.
    // Programmes: the science department's officers run them, the federation above reads them.
    (ProgrammeOfficer, Action::ViewProgramme, "TTFF"),
    (FederationAdmin, Action::ViewProgramme, "TTFF"),
    (UnitAdmin, Action::ViewProgramme, "FFFF"),
    (Employee, Action::ViewProgramme, "FFFF"),
    (Expert, Action::ViewProgramme, "FFFF"),
    (ProgrammeOfficer, Action::ManageProgramme, "TTFF"),
    (FederationAdmin, Action::ManageProgramme, "FFFF"),
    (UnitAdmin, Action::ManageProgramme, "FFFF"),
    (Reviewer, Action::ManageProgramme, "FFFF"),
    (Employee, Action::ViewInnovationRecords, "TTFF"),
    (Expert, Action::ViewInnovationRecords, "TTFF"),
    (FederationAdmin, Action::ViewInnovationRecords, "TTFF"),
    (UnitAdmin, Action::ManageInnovationRecords, "TTFF"),
    (FederationAdmin, Action::ManageInnovationRecords, "TTFF"),
    (Employee, Action::ManageInnovationRecords, "FFFF"),
    (Reviewer, Action::ManageInnovationRecords, "FFFF"),
    (FinanceOfficer, Action::ManageInnovationRecords, "FFFF"),
    // Campaigns are run by federations; units (and federations for their rounds) declare.
    // Returns: the unions open them for the units below and submit their own upward.
    (FederationAdmin, Action::ManageReturns, "TTFF"),
    (UnitAdmin, Action::ManageReturns, "TTFF"),
    (Employee, Action::ManageReturns, "FFFF"),
    (FinanceOfficer, Action::ManageReturns, "FFFF"),
    (Expert, Action::ManageReturns, "FFFF"),
    (FederationAdmin, Action::SubmitReturn, "TTFF"),
    (UnitAdmin, Action::SubmitReturn, "TTFF"),
    (Reviewer, Action::SubmitReturn, "FFFF"),
    (StudioLead, Action::SubmitReturn, "FFFF"),
    (ProgrammeOfficer, Action::SubmitReturn, "FFFF"),
    (FederationAdmin, Action::ManageCampaigns, "TTFF"),
    (UnitAdmin, Action::ManageCampaigns, "FFFF"),
    (Expert, Action::ManageCampaigns, "FFFF"),
    (Employee, Action::ManageCampaigns, "FFFF"),
    (ProgrammeOfficer, Action::ManageCampaigns, "FFFF"),
    (UnitAdmin, Action::DeclareToCampaign, "TTFF"),
    (FederationAdmin, Action::DeclareToCampaign, "TTFF"),
    (Expert, Action::DeclareToCampaign, "FFFF"),
    (Employee, Action::DeclareToCampaign, "FFFF"),
    (StudioLead, Action::DeclareToCampaign, "FFFF"),
    // Webhooks carry a subtree's events out: its administrators set them up.
    (FederationAdmin, Action::ManageWebhooks, "TTFF"),
    (UnitAdmin, Action::ManageWebhooks, "TTFF"),
    (Employee, Action::ManageWebhooks, "FFFF"),
    (Reviewer, Action::ManageWebhooks, "FFFF"),
    (FinanceOfficer, Action::ManageWebhooks, "FFFF"),
    (StudioLead, Action::ManageWebhooks, "FFFF"),
    (Expert, Action::ManageWebhooks, "FFFF"),
    (ProgrammeOfficer, Action::ManageWebhooks, "FFFF"),
];

#[test]
fn every_role_scope_and_action() {
    let targets = [path(A), path(A_BRANCH), path(CITY), path(B)];
    for &(role, action, pattern) in TABLE {
        let actor = actor_with(role, A);
        let expected = expect(pattern);
        for (target, want) in targets.iter().zip(expected) {
            assert_eq!(
                may(Principal::User(&actor), action, target),
                want,
                "{role:?} on A doing {action:?} at {}",
                target.as_str()
            );
        }
    }
}

#[test]
fn the_table_covers_every_role_for_every_action_family() {
    let families = [
        Action::CreateOrgUnder,
        Action::EditOrg,
        Action::ViewUser,
        Action::ManageUser,
        Action::ViewAudit,
        Action::ViewUnpublished,
        Action::GrantRole(Employee),
        Action::ConfigureProposals,
        Action::MarkDuplicate,
        Action::ManageImplementation,
        Action::VerifyBenefit,
        Action::AwardReward,
        Action::ExportRewards,
        Action::ManageStudio,
        Action::ManageNamings,
        Action::ReviewNaming,
        Action::ViewStudios,
        Action::ManageCampaigns,
        Action::DeclareToCampaign,
        Action::ViewProgramme,
        Action::ManageProgramme,
        Action::ManageReturns,
        Action::SubmitReturn,
        Action::ManageWebhooks,
    ];
    // Unlisted pairs must be denials; check them too, so the table is total.
    for action in families {
        for role in Role::ALL {
            let listed = TABLE.iter().any(|&(r, a, _)| r == role && a == action);
            if !listed {
                let actor = actor_with(role, A);
                for target in [A, A_BRANCH, CITY, B] {
                    assert!(
                        !may(Principal::User(&actor), action, &path(target)),
                        "{role:?} {action:?} {target}"
                    );
                }
            }
        }
    }
}

#[test]
fn the_public_may_do_nothing_but_read_published_records() {
    for (_, action, _) in TABLE {
        for target in [A, A_BRANCH, CITY, B] {
            assert!(!may(Principal::Public, *action, &path(target)));
        }
    }
    let org = path(B);
    assert!(may_view_record(
        Principal::Public,
        RecordRef {
            org: &org,
            owner: None,
            published: true
        }
    ));
    assert!(!may_view_record(
        Principal::Public,
        RecordRef {
            org: &org,
            owner: None,
            published: false
        }
    ));
}

#[test]
fn nobody_on_enterprise_a_sees_enterprise_b_unpublished_records() {
    let b = path(B);
    let b_branch = path("/1/2/3/6/8/");
    for role in Role::ALL {
        let actor = actor_with(role, A);
        for org in [&b, &b_branch] {
            let record = RecordRef {
                org,
                owner: Some(UserId(999)),
                published: false,
            };
            assert!(
                !may_view_record(Principal::User(&actor), record),
                "{role:?} saw B's unpublished record"
            );
            let published = RecordRef {
                published: true,
                ..record
            };
            assert!(may_view_record(Principal::User(&actor), published));
        }
    }
}

#[test]
fn owners_see_their_own_unpublished_records_wherever_they_are() {
    let actor = actor_with(Employee, A);
    let own = RecordRef {
        org: &path(A_BRANCH),
        owner: Some(actor.user_id),
        published: false,
    };
    assert!(may_view_record(Principal::User(&actor), own));
    let colleague = RecordRef {
        owner: Some(UserId(7)),
        ..own
    };
    assert!(!may_view_record(Principal::User(&actor), colleague));
}

#[test]
fn a_city_federation_sees_its_whole_city_and_nothing_beyond() {
    let actor = actor_with(FederationAdmin, CITY);
    for inside in [CITY, A, A_BRANCH, B] {
        assert!(may(
            Principal::User(&actor),
            Action::ViewAudit,
            &path(inside)
        ));
    }
    for outside in ["/1/2/", "/1/2/30/", "/1/9/3/"] {
        assert!(!may(
            Principal::User(&actor),
            Action::ViewAudit,
            &path(outside)
        ));
    }
}

#[test]
fn scope_lists_the_roots_of_permitting_grants() {
    let mut actor = actor_with(Reviewer, A);
    actor.grants.push(Grant {
        id: GrantId(2),
        role: UnitAdmin,
        org_id: OrgId(6),
        org_path: path(B),
    });
    actor.grants.push(Grant {
        id: GrantId(3),
        role: UnitAdmin,
        org_id: OrgId(5),
        org_path: path(A_BRANCH),
    });
    assert_eq!(
        scope(&actor, Action::ViewAudit).roots(),
        &[path(A_BRANCH), path(B)]
    );
    assert_eq!(
        scope(&actor, Action::ViewUnpublished).roots(),
        &[path(A), path(B)]
    );
    assert!(scope(&actor, Action::GrantRole(Expert)).is_empty());
}

#[test]
fn a_unit_admin_cannot_take_over_a_more_powerful_account() {
    let admin = actor_with(UnitAdmin, A);
    let plain = [Grant {
        id: GrantId(5),
        role: Employee,
        org_id: OrgId(5),
        org_path: path(A_BRANCH),
    }];
    assert!(may_manage_user(&admin, &path(A_BRANCH), &plain));
    let powerful = [Grant {
        id: GrantId(6),
        role: FederationAdmin,
        org_id: OrgId(3),
        org_path: path(CITY),
    }];
    assert!(!may_manage_user(&admin, &path(A_BRANCH), &powerful));
    let elsewhere = [Grant {
        id: GrantId(7),
        role: Reviewer,
        org_id: OrgId(6),
        org_path: path(B),
    }];
    assert!(!may_manage_user(&admin, &path(A_BRANCH), &elsewhere));
}
