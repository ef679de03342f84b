//! Character shingles: overlapping runs of characters of normalised text. Chinese has no spaces
//! between words, so characters (not words) are the unit; Latin letters and digits are folded to
//! lower case, full-width forms to ASCII, and punctuation and spaces dropped.

/// Folds a character for comparison, or drops it (`None`) when it carries no meaning.
#[inline]
fn fold(c: char) -> Option<char> {
    // Most characters are Chinese or ASCII: answered without the Unicode tables.
    if ('\u{4e00}'..='\u{9fff}').contains(&c) {
        return Some(c);
    }
    if c.is_ascii() {
        return c.is_ascii_alphanumeric().then(|| c.to_ascii_lowercase());
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::minhash::{jaccard, shingle_set};

    fn similarity(a: &str, b: &str) -> f64 {
        jaccard(&shingle_set(a), &shingle_set(b))
    }

    #[test]
    fn chinese_needs_no_spaces() {
        let a = "隧道窑窑车密封砂槽改用耐火纤维毡密封";
        let b = "隧道窑窑车砂封槽改为耐火纤维毡密封结构";
        let c = "除尘器布袋改用覆膜涤纶针刺毡";
        assert!(similarity(a, b) > 0.2, "{}", similarity(a, b));
        assert!(similarity(a, c) < 0.1, "{}", similarity(a, c));
        assert_eq!(similarity(a, a), 1.0);
    }

    #[test]
    fn case_width_and_punctuation_are_ignored() {
        assert_eq!(normalise("ＰＬＣ控制，改造！"), normalise("plc控制改造"));
        assert_eq!(similarity("ＰＬＣ控制，改造！", "plc控制改造"), 1.0);
        assert_eq!(similarity("", "abc"), 0.0);
        assert_eq!(similarity("!!!", "!!!"), 0.0);
        assert!(similarity("😀 emoji 𠀀", "emoji 𠀀") > 0.5);
    }
}
