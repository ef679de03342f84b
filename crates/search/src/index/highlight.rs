//! Marking the query's words in titles and snippets, as plain-text pieces the templates escape.

use super::is_han;
use crate::analyze::analyze;

/// Where the query's words occur in `text`: Chinese ones as they are written (so a phrase is
/// marked whole), others by their analysed (stemmed) term.
fn marked_ranges(text: &str, terms: &[String]) -> Vec<(usize, usize)> {
    let mut ranges: Vec<(usize, usize)> = Vec::new();
    let (han, other): (Vec<&String>, Vec<&String>) =
        terms.iter().partition(|t| t.chars().any(is_han));
    for needle in han {
        let needle = needle.trim();
        if needle.is_empty() {
            continue;
        }
        let mut from = 0;
        while let Some(at) = text[from..].find(needle) {
            ranges.push((from + at, from + at + needle.len()));
            from += at + needle.len();
        }
    }
    if !other.is_empty() {
        for t in analyze(text, false) {
            if other.iter().any(|o| o.as_str() == t.term) {
                ranges.push((t.start, t.end));
            }
        }
    }
    ranges.sort_unstable();
    ranges
}

/// Splits `text` into pieces, marking the query's words.
pub(crate) fn mark(text: &str, terms: &[String], limit: usize) -> Vec<(String, bool)> {
    let mut pieces = Vec::new();
    let mut at = 0;
    for (start, end) in marked_ranges(text, terms) {
        if start < at || start >= limit {
            continue;
        }
        if start > at {
            pieces.push((text[at..start].to_string(), false));
        }
        pieces.push((text[start..end].to_string(), true));
        at = end;
    }
    if at < text.len() {
        pieces.push((text[at..].to_string(), false));
    }
    pieces
}

const SNIPPET_CHARS: usize = 80;

/// About 80 characters of `body` around the first matching term, marked.
pub(crate) fn snippet(body: &str, terms: &[String]) -> Vec<(String, bool)> {
    let first = marked_ranges(body, terms).first().map_or(0, |r| r.0);
    let start = body[..first]
        .char_indices()
        .rev()
        .nth(20)
        .map_or(0, |(i, _)| i);
    let end = body[start..]
        .char_indices()
        .nth(SNIPPET_CHARS)
        .map_or(body.len(), |(i, _)| start + i);
    let mut pieces = mark(&body[start..end], terms, usize::MAX);
    if start > 0 {
        pieces.insert(0, ("…".into(), false));
    }
    if end < body.len() {
        pieces.push(("…".into(), false));
    }
    pieces
}
