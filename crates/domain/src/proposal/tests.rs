use super::*;

#[test]
fn shares_parse_as_basis_points() {
    assert_eq!(parse_share("40"), Some(4000));
    assert_eq!(parse_share("33.33%"), Some(3333));
    assert_eq!(parse_share("12.5"), Some(1250));
    assert_eq!(parse_share("0"), None);
    assert_eq!(parse_share("100.01"), None);
    assert_eq!(parse_share("1.234"), None);
    assert_eq!(parse_share("abc"), None);
}

#[test]
fn people_must_share_exactly_the_whole() {
    let p = |id, share_bp| Person {
        user_id: UserId(id),
        share_bp,
    };
    assert!(validate_people(&[p(1, 6000), p(2, 4000)]).is_ok());
    let err = validate_people(&[p(1, 6000), p(2, 3000)]).unwrap_err();
    let fields = err.field_errors();
    assert_eq!(fields[0].field, "shares");
    assert_eq!(fields[0].code, "shares_not_whole");
    let err = validate_people(&[p(1, 5000), p(1, 5000)]).unwrap_err();
    assert_eq!(err.field_errors()[0].code, "person_twice");
    assert!(validate_people(&[]).is_err());
}

#[test]
fn money_round_trips_in_fen() {
    assert_eq!(parse_fixed2("1,200.5"), Some(120_050));
    assert_eq!(parse_fixed2("-3.25"), Some(-325));
    assert_eq!(parse_fixed2(".5"), Some(50));
    assert_eq!(parse_fixed2(""), None);
    assert_eq!(parse_fixed2("1.234"), None);
    assert_eq!(parse_fixed2("1e5"), None);
    assert_eq!(format_money(123_456_789), "1,234,567.89");
    assert_eq!(format_money(5), "0.05");
    assert_eq!(format_percent(8571), "85.71%");
}

#[test]
fn benefit_templates_compute_exactly() {
    let cost = Benefit::from_inputs("cost", "38.50", "31.20", "12000", "", "", "").unwrap();
    assert_eq!(cost.amount_cents().unwrap(), 8_760_000);
    let time = Benefit::from_inputs("time", "", "", "", "120.5", "80", "").unwrap();
    assert_eq!(time.amount_cents().unwrap(), 964_000);
    let free = Benefit::from_inputs("free", "", "", "", "", "", "5000").unwrap();
    assert_eq!(free.amount_cents().unwrap(), 500_000);
    let err = Benefit::from_inputs("cost", "x", "1", "2.5", "", "", "").unwrap_err();
    let codes: Vec<_> = err
        .field_errors()
        .into_iter()
        .map(|e| (e.field, e.code))
        .collect();
    assert!(codes.contains(&("old_cost".into(), "not_a_number")));
    assert!(codes.contains(&("volume".into(), "not_a_whole_number")));
    // A cost that went up is not a benefit.
    let err = Benefit::from_inputs("cost", "1", "2", "10", "", "", "").unwrap_err();
    assert_eq!(err.field_errors()[0].code, "benefit_out_of_range");
    assert!(Benefit::from_inputs("guess", "", "", "", "", "", "").is_err());
}

#[test]
fn rewards_split_to_the_fen() {
    assert_eq!(
        split_reward(100_000, &[5000, 3000, 2000]),
        vec![50_000, 30_000, 20_000]
    );
    let parts = split_reward(100, &[3333, 3333, 3334]);
    assert_eq!(parts.iter().sum::<i64>(), 100);
    assert_eq!(parts, vec![33, 33, 34]);
    let parts = split_reward(1, &[5000, 5000]);
    assert_eq!(parts, vec![1, 0]);
}

#[test]
fn review_actions_follow_the_steps() {
    assert_eq!(
        ReviewAction::Forward.outcome(1, 3).unwrap(),
        Status::InReview
    );
    assert_eq!(
        ReviewAction::Forward.outcome(3, 3).unwrap_err().code(),
        "review_out_of_order"
    );
    assert_eq!(
        ReviewAction::Adopt.outcome(2, 3).unwrap_err().code(),
        "review_out_of_order"
    );
    assert_eq!(ReviewAction::Adopt.outcome(3, 3).unwrap(), Status::Adopted);
    assert_eq!(
        ReviewAction::Return.outcome(1, 3).unwrap(),
        Status::Returned
    );
    assert_eq!(
        ReviewAction::Reject.outcome(2, 3).unwrap(),
        Status::Rejected
    );
}

#[test]
fn contributions_count_what_a_proposal_reached() {
    let c = Contribution::of(
        OrgId(1),
        Some(202208),
        "small_innovation",
        Status::Rewarded,
        Some(500),
    )
    .unwrap();
    assert_eq!(
        (c.put_forward, c.adopted, c.implemented, c.benefit_cents),
        (1, 1, 1, 500)
    );
    let c = Contribution::of(OrgId(1), Some(202208), "x", Status::Rejected, None).unwrap();
    assert_eq!((c.put_forward, c.adopted, c.implemented), (1, 0, 0));
    assert!(Contribution::of(OrgId(1), Some(202208), "x", Status::Duplicate, None).is_none());
    assert!(Contribution::of(OrgId(1), None, "x", Status::Draft, None).is_none());
    assert_eq!(c.negated().put_forward, -1);
}
