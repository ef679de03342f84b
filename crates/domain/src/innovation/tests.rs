use super::*;

#[test]
fn real_application_numbers_pass_their_check() {
    // Granted Chinese patents as published, with their check characters.
    for n in [
        "ZL202010566088.9",
        "ZL2015 1 0958772.0",
        "ZL2005 10096239.4",
        "ZL202510942578.7",
        "ZL202322865413.3",
        "ZL201811564288.X",
        "CN201811564288x",
    ] {
        let parsed = ApplicationNumber::parse(n).unwrap_or_else(|e| panic!("{n}: {e}"));
        assert_eq!(parsed.digits.len(), 12, "{n}");
    }
    assert_eq!(
        ApplicationNumber::parse("ZL201811564288.X")
            .unwrap()
            .to_string(),
        "CN201811564288.X"
    );
    assert_eq!(
        ApplicationNumber::parse("202322865413.3").unwrap().kind(),
        PatentKind::UtilityModel
    );
    assert_eq!(
        ApplicationNumber::parse("202010566088.9").unwrap().kind(),
        PatentKind::Invention
    );
}

#[test]
fn a_wrong_check_character_type_or_length_is_refused() {
    assert_eq!(
        ApplicationNumber::parse("CN202010566088.8"),
        Err("patent_number_check")
    );
    assert_eq!(
        ApplicationNumber::parse("CN202310123456.7"),
        Err("patent_number_check")
    );
    assert_eq!(
        ApplicationNumber::parse("CN202050566088.9"),
        Err("patent_number_type")
    );
    assert_eq!(
        ApplicationNumber::parse("CN2020105660889.9"),
        Err("patent_number_format")
    );
    assert_eq!(ApplicationNumber::parse("abc"), Err("patent_number_format"));
    assert_eq!(ApplicationNumber::parse(""), Err("patent_number_format"));
    assert_eq!(
        ApplicationNumber::parse("CN199910566088.9"),
        Err("patent_number_format")
    );
}

#[test]
fn the_old_eight_digit_form_uses_weights_two_to_nine() {
    // 97 1 23456: 9*2+7*3+1*4+2*5+3*6+4*7+5*8+6*9 = 193, 193 mod 11 = 6.
    assert_eq!(check_char("97123456"), '6');
    assert!(ApplicationNumber::parse("ZL97123456.6").is_ok());
    assert_eq!(
        ApplicationNumber::parse("ZL97123456.7"),
        Err("patent_number_check")
    );
    assert_eq!(check_char("97223456"), 'X');
    assert!(ApplicationNumber::parse("ZL97223456.X").is_ok());
}

#[test]
fn grant_before_application_is_refused() {
    let a = Date::parse("2021-03-01").unwrap();
    let g = Date::parse("2021-02-01").unwrap();
    let errors = check_patent_dates(Some(a), Some(g), PatentStatus::Granted);
    assert_eq!(errors[0].code, "grant_before_application");
    assert!(check_patent_dates(Some(g), Some(a), PatentStatus::Granted).is_empty());
    assert_eq!(
        check_patent_dates(Some(a), None, PatentStatus::Granted)[0].code,
        "grant_date_required"
    );
}

#[test]
fn completers_are_ranked_from_one_without_repeats() {
    let ok = [
        Completer {
            user_id: UserId(1),
            rank: 1,
        },
        Completer {
            user_id: UserId(2),
            rank: 2,
        },
    ];
    assert!(validate_completers(&ok).is_ok());
    let twice = [
        Completer {
            user_id: UserId(1),
            rank: 1,
        },
        Completer {
            user_id: UserId(1),
            rank: 2,
        },
    ];
    assert!(validate_completers(&twice).is_err());
    let gap = [
        Completer {
            user_id: UserId(1),
            rank: 1,
        },
        Completer {
            user_id: UserId(2),
            rank: 3,
        },
    ];
    assert!(validate_completers(&gap).is_err());
    assert!(validate_completers(&[]).is_err());
}

#[test]
fn honour_levels_compare_upwards() {
    use HonourLevel::*;
    assert!(holds_level(&[Enterprise, National], Municipal));
    assert!(holds_level(&[Municipal], Municipal));
    assert!(!holds_level(&[Enterprise], Municipal));
    assert!(!holds_level(&[], Enterprise));
    assert_eq!(HonourLevel::parse("省级"), Some(Provincial));
    assert_eq!(
        PatentKind::parse("实用新型"),
        Some(PatentKind::UtilityModel)
    );
}
