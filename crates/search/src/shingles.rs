//! Character shingles: overlapping runs of characters of normalised text. Chinese has no spaces
//! between words, so characters (not words) are the unit; Latin letters and digits are folded to
//! lower case, full-width forms to ASCII, and punctuation and spaces dropped.

use std::collections::HashSet;

/// Folds a character for comparison, or drops it (`None`) when it carries no meaning.
fn fold(c: char) -> Option<char> {
    // Full-width ASCII forms (ＡＢＣ１２３) as typed by Chinese input methods.
    let c = match c as u32 {
        0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    };
    if c.is_alphanumeric() {
        Some(c.to_lowercase().next().unwrap_or(c))
    } else {
        None
    }
}

pub fn normalise(text: &str) -> Vec<char> {
    text.chars().filter_map(fold).collect()
}

/// The set of character bigrams of a text, hashed.
#[derive(Debug, Clone, Default)]
pub struct Shingles(HashSet<u64>);

impl Shingles {
    pub fn of(text: &str) -> Shingles {
        let chars = normalise(text);
        let mut set = HashSet::with_capacity(chars.len());
        if chars.len() == 1 {
            set.insert(chars[0] as u64);
        }
        for pair in chars.windows(2) {
            set.insert(((pair[0] as u64) << 32) | pair[1] as u64);
        }
        Shingles(set)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Jaccard similarity: shared shingles over all shingles, 0 to 1.
    pub fn jaccard(&self, other: &Shingles) -> f64 {
        if self.0.is_empty() || other.0.is_empty() {
            return 0.0;
        }
        let (small, large) = if self.0.len() <= other.0.len() {
            (&self.0, &other.0)
        } else {
            (&other.0, &self.0)
        };
        let shared = small.iter().filter(|s| large.contains(s)).count();
        shared as f64 / (self.0.len() + other.0.len() - shared) as f64
    }
}

/// Similarity of two texts, 0 to 1.
pub fn similarity(a: &str, b: &str) -> f64 {
    Shingles::of(a).jaccard(&Shingles::of(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_needs_no_spaces() {
        let a = "隧道窑窑车密封砂槽改用耐火纤维毡密封";
        let b = "隧道窑窑车砂封槽改为耐火纤维毡密封结构";
        let c = "除尘器布袋改用覆膜涤纶针刺毡";
        assert!(similarity(a, b) > 0.35, "{}", similarity(a, b));
        assert!(similarity(a, c) < 0.1, "{}", similarity(a, c));
        assert_eq!(similarity(a, a), 1.0);
    }

    #[test]
    fn case_width_and_punctuation_are_ignored() {
        assert_eq!(similarity("ＰＬＣ控制，改造！", "plc控制改造"), 1.0);
        assert_eq!(similarity("", "abc"), 0.0);
        assert_eq!(similarity("!!!", "!!!"), 0.0);
        assert!(similarity("😀 emoji 𠀀", "emoji 𠀀") > 0.5);
    }
}
