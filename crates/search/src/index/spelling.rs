//! Spelling tolerance: English words missing from the dictionary are matched with their
//! nearest terms.

use super::Index;

impl Index {
    /// Terms of the dictionary within a small edit distance of an English word, for typos.
    pub(super) fn near_terms(&self, word: &str) -> Vec<String> {
        nearest(
            word,
            self.words
                .iter()
                .map(|(t, id)| (&**t, self.postings[*id as usize].len())),
        )
    }
}

/// Whether a word missing from the dictionary is looked for among its near spellings: English
/// words of four letters or more.
pub fn is_spellable(word: &str) -> bool {
    word.chars().count() >= 4 && word.chars().all(|c| c.is_ascii_alphabetic())
}

/// The largest edit distance tolerated for a word: two from eight letters, otherwise one.
pub fn tolerance(word: &str) -> usize {
    if word.chars().count() >= 8 { 2 } else { 1 }
}

/// The (at most three) terms nearest to `word` among `dictionary` (term, how often it is used):
/// the closest first, then the most used, then alphabetical.
pub fn nearest<'a>(word: &str, dictionary: impl Iterator<Item = (&'a str, usize)>) -> Vec<String> {
    if !is_spellable(word) {
        return Vec::new();
    }
    let max = tolerance(word);
    let mut found: Vec<(usize, usize, &str)> = dictionary
        .filter(|(t, _)| t.is_ascii() && t.len().abs_diff(word.len()) <= max)
        .filter_map(|(t, uses)| {
            let d = edit_distance(word, t, max);
            (d <= max).then_some((d, usize::MAX - uses, t))
        })
        .collect();
    found.sort();
    found
        .into_iter()
        .take(3)
        .map(|(_, _, t)| t.to_string())
        .collect()
}

fn edit_distance(a: &str, b: &str, max: usize) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut cur = vec![i; b.len() + 1];
        let mut best = cur[0];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            best = best.min(cur[j]);
        }
        if best > max {
            return max + 1;
        }
        prev = cur;
    }
    prev[b.len()]
}
