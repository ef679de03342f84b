//! Properties of the search box's parsers over arbitrary text: they never panic, fail only
//! with known codes, and what a query searches for is what the indexer would store.

use ingot_search::analyze::analyze;
use ingot_search::query::{Clause, MAX_QUERY_CHARS, QueryError, parse};
use proptest::collection::vec;
use proptest::prelude::*;
use std::borrow::Cow;

const QUERY_CODES: [&str; 2] = ["query_empty", "query_too_long"];

/// Text as typed into the search box: field prefixes (English and Chinese, with ASCII or
/// full-width colons), all three kinds of quotes, Chinese words, full-width letters and
/// digits, and any other character.
fn typed() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        3 => prop::sample::select(vec![
            "unit:", "单位:", "year:", "年份：", "年:", "status:", "状态：", "type:", "类型:",
            "\"", "“", "”", ":", "：", " ", "\u{3000}", "\t", "\n", "窑车", "耐火材料", "隧道窑",
            "Kiln", "heating", "ＰＬＣ", "２０２２", "2022", "person", "adopted", "-", "𠀀",
            "😀", "é", "ß", "İ", "ﬁ", "Ω", "\u{301}", "\u{200d}", "\u{fffd}",
        ])
        .prop_map(str::to_string),
        2 => "[a-zA-Z0-9]{1,6}",
        1 => "[\u{4e00}-\u{9fff}]{1,6}",
        2 => any::<char>().prop_map(String::from),
    ];
    vec(piece, 0..40).prop_map(|p| p.concat())
}

fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![typed(), any::<String>()]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn tokens_lie_on_char_boundaries_inside_the_text(text in any_text(), for_index in any::<bool>()) {
        for token in analyze(&text, for_index) {
            prop_assert!(token.start < token.end && token.end <= text.len(), "{token:?}");
            prop_assert!(text.is_char_boundary(token.start) && text.is_char_boundary(token.end));
            prop_assert!(!token.term.is_empty());
            // Chinese words are borrowed from the text: exactly the bytes the offsets mark.
            if let Cow::Borrowed(term) = token.term {
                prop_assert_eq!(term, &text[token.start..token.end]);
            }
        }
    }

    #[test]
    fn every_query_term_is_among_the_index_terms(text in any_text()) {
        // Index mode only adds the parts of long words: whole words come out the same.
        let index: Vec<_> = analyze(&text, true);
        let query: Vec<_> = analyze(&text, false);
        let mut rest = index.iter();
        for token in &query {
            prop_assert!(rest.any(|t| t == token), "{token:?} not indexed in order");
        }
    }

    #[test]
    fn queries_parse_or_fail_with_a_known_code(text in any_text()) {
        match parse(&text) {
            Err(e) => {
                prop_assert!(QUERY_CODES.contains(&e.code()));
                prop_assert_eq!(
                    e == QueryError::TooLong,
                    text.chars().count() > MAX_QUERY_CHARS
                );
            }
            Ok(q) => {
                prop_assert!(text.chars().count() <= MAX_QUERY_CHARS);
                prop_assert!(!q.clauses.is_empty() || !q.filters.is_empty());
                prop_assert!(q.clauses.len() <= 16);
                // What the query looks for is what indexing the same text stores.
                let indexed: Vec<String> =
                    analyze(&text, true).into_iter().map(|t| t.term.into_owned()).collect();
                for clause in &q.clauses {
                    let terms = match clause {
                        Clause::Term(t) => std::slice::from_ref(t),
                        Clause::Phrase(_, terms) => {
                            prop_assert!(terms.len() > 1);
                            terms.as_slice()
                        }
                    };
                    for term in terms {
                        prop_assert!(!term.is_empty());
                        prop_assert!(indexed.contains(term), "{term} not indexed from {text:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn long_queries_are_refused_by_characters_not_bytes(c in any::<char>(), extra in 0usize..3) {
        let text: String = std::iter::repeat_n(c, MAX_QUERY_CHARS - 1 + extra).collect();
        let result = parse(&text);
        prop_assert_eq!(result.is_err_and(|e| e == QueryError::TooLong), extra == 2);
    }
}
