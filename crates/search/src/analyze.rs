//! Text analysis: Chinese is segmented into words by jieba (a dictionary segmenter, not spaces),
//! long words also yield their two-character parts so a search for 窑车 finds 窑车轨道; Latin
//! words are lower-cased and stemmed (English Snowball); digits stay whole. Mixed text works
//! because each run of one script is analysed by its own rule.

use jieba_rs::Jieba;
use rust_stemmers::{Algorithm, Stemmer};
use std::borrow::Cow;
use std::sync::OnceLock;

/// A term and where its text lies in the analysed string (byte offsets), for highlighting.
/// Chinese words are borrowed from the text: indexing allocates only for folded Latin words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token<'a> {
    pub term: Cow<'a, str>,
    pub start: usize,
    pub end: usize,
}

fn jieba() -> &'static Jieba {
    static JIEBA: OnceLock<Jieba> = OnceLock::new();
    JIEBA.get_or_init(Jieba::new)
}

fn stemmer() -> &'static Stemmer {
    static STEMMER: OnceLock<Stemmer> = OnceLock::new();
    STEMMER.get_or_init(|| Stemmer::create(Algorithm::English))
}

/// Loads the dictionary now (about half a second) rather than on the first search.
pub fn warm_up() {
    let _ = jieba();
    let _ = stemmer();
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Script {
    Han,
    Latin,
    Digit,
    Other,
}

fn script(c: char) -> Script {
    if ('\u{4e00}'..='\u{9fff}').contains(&c)
        || ('\u{3400}'..='\u{4dbf}').contains(&c)
        || ('\u{20000}'..='\u{2ffff}').contains(&c)
        || ('\u{f900}'..='\u{faff}').contains(&c)
    {
        Script::Han
    } else if c.is_ascii_digit() {
        Script::Digit
    } else if c.is_alphabetic() {
        Script::Latin
    } else {
        Script::Other
    }
}

/// Full-width letters and digits (ＡＢＣ１２３) as ASCII.
fn fold_width(c: char) -> char {
    match c as u32 {
        0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

pub fn stem(word: &str) -> String {
    stemmer().stem(&word.to_lowercase()).into_owned()
}

/// The terms of a text, in order. `for_index` also yields the two-character parts of longer
/// Chinese words (search-engine mode); queries use whole words.
pub fn analyze(text: &str, for_index: bool) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    let mut run_start = 0;
    let mut run_script = Script::Other;
    let mut folded = String::new();
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut i = 0;
    while i <= chars.len() {
        let (pos, c) = chars.get(i).copied().unwrap_or((text.len(), ' '));
        let s = if i < chars.len() {
            script(fold_width(c))
        } else {
            Script::Other
        };
        if s != run_script || i == chars.len() {
            if run_script != Script::Other && pos > run_start {
                emit(
                    &text[run_start..pos],
                    run_start,
                    run_script,
                    for_index,
                    &mut folded,
                    &mut out,
                );
            }
            run_start = pos;
            run_script = s;
        }
        i += 1;
    }
    out
}

fn emit<'a>(
    run: &'a str,
    offset: usize,
    script: Script,
    for_index: bool,
    scratch: &mut String,
    out: &mut Vec<Token<'a>>,
) {
    match script {
        Script::Han => {
            for token in jieba().cut(run, false) {
                let word = token.word;
                let start = offset + token.byte_start;
                out.push(Token {
                    term: Cow::Borrowed(word),
                    start,
                    end: offset + token.byte_end,
                });
                // Han characters of the BMP are 3 bytes: a word longer than two is > 6 bytes.
                if for_index && word.len() > 6 {
                    let chars: Vec<(usize, char)> = word.char_indices().collect();
                    for w in 0..chars.len() - 1 {
                        let a = chars[w].0;
                        let b = chars.get(w + 2).map_or(word.len(), |c| c.0);
                        out.push(Token {
                            term: Cow::Borrowed(&word[a..b]),
                            start: start + a,
                            end: start + b,
                        });
                    }
                }
            }
        }
        Script::Latin | Script::Digit => {
            let term = if script == Script::Digit && run.is_ascii() {
                Cow::Borrowed(run)
            } else {
                scratch.clear();
                scratch.extend(run.chars().map(fold_width));
                if script == Script::Latin {
                    Cow::Owned(stem(scratch))
                } else {
                    Cow::Owned(scratch.clone())
                }
            };
            out.push(Token {
                term,
                start: offset,
                end: offset + run.len(),
            });
        }
        Script::Other => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(text: &str, for_index: bool) -> Vec<String> {
        analyze(text, for_index)
            .into_iter()
            .map(|t| t.term.into_owned())
            .collect()
    }

    #[test]
    fn chinese_is_segmented_into_words() {
        let t = terms("隧道窑窑车密封改造", false);
        assert!(
            t.contains(&"隧道窑".to_string()) || t.contains(&"隧道".to_string()),
            "{t:?}"
        );
        assert!(t.iter().any(|w| w == "密封"), "{t:?}");
        // Index mode also yields the two-character parts of longer words.
        let t = terms("耐火材料", true);
        assert!(
            t.contains(&"耐火".to_string()) && t.contains(&"材料".to_string()),
            "{t:?}"
        );
    }

    #[test]
    fn english_is_stemmed_and_mixed_text_works() {
        assert_eq!(
            terms("Refractories heating", false),
            vec!["refractori", "heat"]
        );
        let t = terms("PLC控制的kiln改造2022年", false);
        assert!(
            t.contains(&"plc".to_string()) && t.contains(&"kiln".to_string()),
            "{t:?}"
        );
        assert!(t.contains(&"2022".to_string()), "{t:?}");
        assert_eq!(terms("ＰＬＣ", false), vec!["plc"]);
    }

    #[test]
    fn offsets_point_into_the_text() {
        let text = "新型Kiln窑车";
        for t in analyze(text, true) {
            assert!(text.get(t.start..t.end).is_some(), "{t:?}");
        }
        assert!(
            analyze("😀 <script> '; DROP", false)
                .iter()
                .all(|t| !t.term.is_empty())
        );
    }
}
