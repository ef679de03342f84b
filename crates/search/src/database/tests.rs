use super::*;
use crate::index::Doc;
use crate::query::parse;

fn doc(title: &str, body: &str, published: bool, owners: &[i64]) -> Doc {
    Doc {
        kind: Kind::Proposal,
        id: 1,
        title: title.into(),
        body: body.into(),
        org_id: 5,
        org_path: "/1/4/5/".into(),
        org_name: "窑炉车间".into(),
        year: 2021,
        status: "adopted".into(),
        owners: owners.to_vec(),
        published,
        private: false,
    }
}

#[test]
fn a_record_is_stored_with_its_words_pairs_organisations_and_owners() {
    let a = analyse(
        &doc("窑车密封改进", "Burners tuned", false, &[7]),
        &[1, 4, 5],
        3 * STRETCH + 5,
    );
    for expected in [
        "密封", "~密封", "~窑车", "burner", "tune", "~o1", "~o4", "~o5", "~u7", "~t3",
    ] {
        assert!(
            a.lexemes.contains(&expected.to_string()),
            "{expected}: {a:?}"
        );
    }
    // The unit's name is searchable but not part of the record's length.
    assert!(a.lexemes.iter().any(|l| l == "窑炉"), "{a:?}");
    assert!(!a.lexemes.contains(&"~pub".to_string()));
    assert!(a.title_words.contains(&"密封".to_string()));
    assert!(!a.title_words.contains(&"burner".to_string()));
    // English words of the record and its status, for spelling.
    assert_eq!(a.english, vec!["adopt", "burner", "tune"]);
    let words_and_pairs = analyze("窑车密封改进", true).len()
        + analyze("Burners tuned", true).len()
        + "窑车密封改进".chars().count()
        - 1;
    assert_eq!(a.length as usize, words_and_pairs);
    assert!(
        analyse(&doc("t", "b", true, &[]), &[1], 0)
            .lexemes
            .contains(&"~pub".to_string())
    );
}

#[test]
fn a_query_becomes_quoted_lexemes_that_cannot_be_operators() {
    let q = parse("密封 \"耐火纤维毡\"").unwrap();
    let p = plan(&q, &HashMap::new()).unwrap();
    assert_eq!(
        p.tsquery, "'密封' & '~耐火' & '~火纤' & '~纤维' & '~维毡'",
        "{p:?}"
    );
    assert_eq!(p.phrases, vec!["耐火纤维毡".to_string()]);
    // Two Chinese characters in quotes are answered by their pair alone.
    let p = plan(&parse("\"窑车\"").unwrap(), &HashMap::new()).unwrap();
    assert!(p.phrases.is_empty(), "{p:?}");
    assert_eq!(p.tsquery, "'~窑车'");
    assert_eq!(quoted("a'b\\c | !d"), "'a''b\\\\c | !d'");
}

#[test]
fn a_misspelt_word_is_searched_as_its_near_spellings_or_finds_nothing() {
    let q = parse("burnr kiln").unwrap();
    assert_eq!(
        spellable_terms(&q),
        vec!["burnr".to_string(), "kiln".to_string()]
    );
    let near = HashMap::from([("burnr".to_string(), vec!["burner".into(), "burn".into()])]);
    let p = plan(&q, &near).unwrap();
    assert_eq!(p.tsquery, "('burner' | 'burn') & 'kiln'");
    assert_eq!(
        p.corrected,
        vec![("burnr".to_string(), "burner".to_string())]
    );
    let none = HashMap::from([("burnr".to_string(), Vec::new())]);
    assert_eq!(plan(&q, &none), None);
    assert_eq!(
        plan(&parse("year:2021").unwrap(), &HashMap::new())
            .unwrap()
            .tsquery,
        ""
    );
}

#[test]
fn the_scope_narrows_the_scan_and_is_combined_with_the_words() {
    assert_eq!(visible_to(None, Some(3)), None);
    let scope = visible_to(Some(&[4, 9]), Some(3)).unwrap();
    assert_eq!(scope, "('~o4' | '~o9' | '~pub' | '~u3')");
    assert_eq!(
        all_of(&[Some("'a' & 'b'"), Some(&scope), None]),
        format!("('a' & 'b') & ({scope})")
    );
    assert_eq!(all_of(&[Some(""), Some(&scope)]), scope);
    assert_eq!(all_of(&[Some("'a'"), None]), "'a'");
    assert_eq!(all_of(&[None, Some("")]), "");
}

#[test]
fn the_newest_stretches_are_read_first_then_twice_as_many_then_the_rest() {
    let s = STRETCH;
    // Indexed within one stretch: one round, everything.
    assert_eq!(rounds(5, s - 1), vec![None]);
    // Stretches 0 to 100: 100, then 98..100, 94..98, 86..94, 70..86, 38..70, then the rest.
    assert_eq!(
        rounds(0, 100 * s + 7),
        vec![
            Some(100..101),
            Some(98..100),
            Some(94..98),
            Some(86..94),
            Some(70..86),
            Some(38..70),
            None
        ]
    );
    // Stretches 3 to 5: 5, then 3..5 would reach the oldest: the rest.
    assert_eq!(rounds(3 * s, 5 * s + 1), vec![Some(5..6), None]);
    assert_eq!(in_stretches(&(92..95)), "('~t94' | '~t93' | '~t92')");
}

fn candidate(
    id: i64,
    org: (i64, &str),
    year: i32,
    private: bool,
    owners: &[i64],
    in_title: i32,
) -> Candidate {
    Candidate {
        kind: Kind::Proposal,
        id,
        org_id: org.0,
        org_path: org.1.into(),
        org_name: format!("unit {}", org.0),
        year,
        status: "adopted".into(),
        owners: owners.to_vec(),
        published: false,
        private,
        length: 10,
        in_title,
    }
}

#[test]
fn candidates_are_filtered_for_the_viewer_counted_narrowed_and_ranked() {
    let kiln = (5, "/1/4/5/");
    let other = (9, "/1/8/9/");
    let rows = vec![
        candidate(10, kiln, 2022, false, &[], 0),
        candidate(11, other, 2022, false, &[], 1),
        candidate(12, kiln, 2021, true, &[3], 0),
        candidate(13, kiln, 2021, true, &[8], 0),
        candidate(14, kiln, 2021, false, &[], 1),
    ];
    let covers = |_: Kind, path: &str| path.starts_with("/1/4/");
    let hidden = [(Kind::Proposal, 10)];
    let viewer = Viewer {
        user: Some(3),
        covers: &covers,
        hidden: &hidden,
    };
    let r = assemble(rows.clone(), 1.0, true, &Narrow::default(), &viewer, 0, 10);
    // 10 is hidden, 11 outside the scope, 13 someone else's draft; 12 is the viewer's own.
    let ids: Vec<i64> = r.hits.iter().map(|h| h.id).collect();
    assert_eq!(
        ids,
        vec![14, 12],
        "a word in the title ranks first, then the newest"
    );
    assert_eq!(r.total, 2);
    assert!(!r.estimated);
    assert_eq!(r.facets.years, vec![(2021, 2)]);
    assert_eq!(r.facets.orgs, vec![(5, "unit 5".to_string(), 2)]);
    let narrowed = assemble(
        rows,
        1.0,
        false,
        &Narrow {
            year: Some(2022),
            ..Narrow::default()
        },
        &Viewer::everything(),
        0,
        10,
    );
    // Filters alone rank nothing: the newest first, whatever the titles hold.
    assert_eq!(
        narrowed.hits.iter().map(|h| h.id).collect::<Vec<_>>(),
        vec![10, 11]
    );
    // Drafts are nobody's but their owners', whoever reads.
    assert_eq!(narrowed.facets.years, vec![(2022, 2), (2021, 1)]);
    assert_eq!(narrowed.total, 2);
}

#[test]
fn past_the_examined_limit_the_counts_are_extrapolated_from_the_share_read() {
    let rows: Vec<Candidate> = (0..EXAMINED_LIMIT as i64)
        .map(|id| candidate(id, (5, "/1/4/5/"), 2022, false, &[], 0))
        .collect();
    let r = assemble(
        rows.clone(),
        0.25,
        true,
        &Narrow::default(),
        &Viewer::everything(),
        0,
        3,
    );
    assert!(r.estimated);
    assert_eq!(r.total, 4 * EXAMINED_LIMIT);
    assert_eq!(r.facets.years, vec![(2022, 4 * EXAMINED_LIMIT)]);
    assert_eq!(r.hits.len(), 3);
    // The whole index read: exact, whatever the number.
    let r = assemble(
        rows,
        1.0,
        true,
        &Narrow::default(),
        &Viewer::everything(),
        0,
        3,
    );
    assert!(!r.estimated);
    assert_eq!(r.total, EXAMINED_LIMIT);
}
