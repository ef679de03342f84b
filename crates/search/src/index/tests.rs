use super::*;
use crate::query::parse;

fn doc(id: i64, title: &str, body: &str, org: (i64, &str, &str), year: i32, owners: &[i64]) -> Doc {
    Doc {
        kind: Kind::Proposal,
        id,
        title: title.into(),
        body: body.into(),
        org_id: org.0,
        org_path: org.1.into(),
        org_name: org.2.into(),
        year,
        status: "adopted".into(),
        owners: owners.to_vec(),
        published: false,
        private: false,
    }
}

const KILN: (i64, &str, &str) = (5, "/1/4/5/", "窑炉车间");
const LAB: (i64, &str, &str) = (6, "/1/4/6/", "技术中心");
const OTHER: (i64, &str, &str) = (9, "/1/8/9/", "冶炼分公司");

fn sample() -> Index {
    let mut ix = Index::new();
    ix.upsert(doc(
        1,
        "隧道窑窑车密封改用耐火纤维毡",
        "窑车两侧砂封槽漏风，加装耐火纤维毡密封条。",
        KILN,
        2021,
        &[100],
    ));
    ix.upsert(doc(
        2,
        "除尘器布袋更换周期优化",
        "布袋除尘器清灰周期调整，降低排放浓度。",
        LAB,
        2022,
        &[101],
    ));
    ix.upsert(doc(
        3,
        "Kiln burner tuning for refractories",
        "Tuning the burners of the tunnel kiln saves gas.",
        LAB,
        2022,
        &[101],
    ));
    ix.upsert(doc(
        4,
        "稀土萃取槽液位自动控制",
        "萃取槽液位波动大，改为自动控制。",
        OTHER,
        2022,
        &[200],
    ));
    ix
}

fn ids(ix: &Index, q: &str, viewer: &Viewer) -> Vec<i64> {
    let r = ix.search(&parse(q).unwrap(), &Narrow::default(), viewer, 0, 10);
    r.hits.iter().map(|h| h.id).collect()
}

#[test]
fn chinese_words_match_without_spaces() {
    let ix = sample();
    let all = Viewer::everything();
    assert_eq!(ids(&ix, "密封", &all), vec![1]);
    assert_eq!(ids(&ix, "窑车", &all), vec![1]);
    // Characters of an unknown word must stand together: 车窑 is not in document 1.
    assert!(ids(&ix, "车窑", &all).is_empty());
    assert_eq!(ids(&ix, "除尘", &all), vec![2]);
    assert!(
        ids(&ix, "密封 除尘器", &all).is_empty(),
        "all words must match"
    );
}

#[test]
fn english_is_stemmed_and_tolerates_typos() {
    let ix = sample();
    let all = Viewer::everything();
    assert_eq!(ids(&ix, "burner", &all), vec![3]);
    assert_eq!(ids(&ix, "refractory", &all), vec![3]);
    let r = ix.search(
        &parse("refractorise").unwrap(),
        &Narrow::default(),
        &all,
        0,
        10,
    );
    assert_eq!(r.hits.len(), 1, "a typo still finds it");
    assert!(!r.corrected.is_empty());
}

#[test]
fn phrases_fields_and_facets() {
    let ix = sample();
    let all = Viewer::everything();
    assert_eq!(ids(&ix, "\"耐火纤维毡\"", &all), vec![1]);
    assert!(ids(&ix, "\"纤维耐火\"", &all).is_empty());
    assert_eq!(ids(&ix, "unit:技术中心 year:2022", &all), vec![3, 2]);
    let r = ix.search(
        &parse("year:2022").unwrap(),
        &Narrow::default(),
        &all,
        0,
        10,
    );
    assert_eq!(r.total, 3);
    assert_eq!(r.facets.years, vec![(2022, 3)]);
    assert!(
        r.facets
            .orgs
            .iter()
            .any(|(id, name, n)| *id == 6 && name == "技术中心" && *n == 2)
    );
    let narrowed = ix.search(
        &parse("year:2022").unwrap(),
        &Narrow {
            org_id: Some(9),
            ..Default::default()
        },
        &all,
        0,
        10,
    );
    assert_eq!(narrowed.total, 1);
    assert_eq!(
        narrowed.facets.orgs.len(),
        2,
        "facets count the whole match, not the narrowed part"
    );
}

#[test]
fn results_are_filtered_by_what_the_viewer_may_see() {
    let ix = sample();
    // A viewer of the company (path /1/4/) who is also named on proposal 4 of another company.
    let company = |_: Kind, path: &str| path.starts_with("/1/4/");
    let named = Viewer {
        user: Some(200),
        covers: &company,
        hidden: &[],
    };
    assert_eq!(ids(&ix, "year:2022", &named), vec![4, 3, 2]);
    let company_only = Viewer {
        user: Some(100),
        covers: &company,
        hidden: &[],
    };
    assert!(ids(&ix, "萃取", &company_only).is_empty());
    // A draft is seen by its owners only, even within scope.
    let mut draft = doc(8, "窑车密封草稿", "草稿", KILN, 2022, &[100]);
    draft.private = true;
    let mut ix = ix;
    ix.upsert(draft);
    assert_eq!(ids(&ix, "草稿", &company_only), vec![8]);
    let colleague = Viewer {
        user: Some(101),
        covers: &company,
        hidden: &[],
    };
    assert!(ids(&ix, "草稿", &colleague).is_empty());
}

#[test]
fn updates_and_removals_take_effect() {
    let mut ix = sample();
    ix.upsert(doc(
        2,
        "除尘器滤袋改覆膜滤料",
        "覆膜滤料寿命更长。",
        LAB,
        2022,
        &[101],
    ));
    let all = Viewer::everything();
    assert!(ids(&ix, "周期", &all).is_empty(), "the old text is gone");
    assert_eq!(ids(&ix, "覆膜", &all), vec![2]);
    ix.remove(Kind::Proposal, 2);
    assert!(ids(&ix, "覆膜", &all).is_empty());
    assert_eq!(ix.len(), 3);
}

#[test]
fn snippets_mark_the_matches_and_stay_text() {
    let mut ix = sample();
    ix.upsert(doc(
        7,
        "<b>窑车</b>",
        "<script>alert(1)</script> 窑车漏风",
        KILN,
        2023,
        &[],
    ));
    let r = ix.search(
        &parse("漏风").unwrap(),
        &Narrow::default(),
        &Viewer::everything(),
        0,
        10,
    );
    let hit = r.hits.iter().find(|h| h.id == 7).unwrap();
    assert!(hit.snippet.iter().any(|(t, marked)| *marked && t == "漏风"));
    // Pieces are plain text; the template escapes them.
    assert!(hit.snippet.iter().any(|(t, _)| t.contains("script>")));
    // An unknown word is marked whole, not character by character.
    let r = ix.search(
        &parse("窑车").unwrap(),
        &Narrow::default(),
        &Viewer::everything(),
        0,
        10,
    );
    let hit = r.hits.iter().find(|h| h.id == 1).unwrap();
    assert!(
        hit.title_pieces
            .iter()
            .any(|(t, marked)| *marked && t == "窑车"),
        "{:?}",
        hit.title_pieces
    );
}

#[test]
fn very_common_queries_extrapolate_their_counts() {
    let mut ix = Index::new();
    let n = EXAMINED_LIMIT * 2;
    for i in 0..n {
        let org = if i % 2 == 0 { KILN } else { LAB };
        ix.upsert(doc(
            i as i64,
            "窑车密封",
            "窑车密封改造",
            org,
            2020 + (i % 3) as i32,
            &[],
        ));
    }
    let r = ix.search(
        &parse("密封").unwrap(),
        &Narrow::default(),
        &Viewer::everything(),
        0,
        10,
    );
    assert!(r.estimated);
    assert_eq!(r.total, n);
    assert_eq!(r.hits.len(), 10);
    // The newest come first among equals.
    assert_eq!(r.hits[0].id, n as i64 - 1);
    let kiln = r.facets.orgs.iter().find(|o| o.0 == 5).unwrap().2;
    assert!(
        (kiln as f64 - n as f64 / 2.0).abs() < n as f64 * 0.01,
        "{kiln}"
    );
    // Several very common lists: read newest first until enough are found, then extrapolated.
    let r = ix.search(
        &parse("\"密封改造\"").unwrap(),
        &Narrow::default(),
        &Viewer::everything(),
        0,
        10,
    );
    assert!(r.estimated);
    assert_eq!(r.total, n);
    assert_eq!(r.hits[0].id, n as i64 - 1);
    let small = ix.search(
        &parse("密封 year:2021").unwrap(),
        &Narrow::default(),
        &Viewer::everything(),
        0,
        10,
    );
    assert!(small.total > 0);
}
