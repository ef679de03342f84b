//! MinHash signatures over character 3-gram shingles, and banded locality-sensitive hashing.
//!
//! Why these numbers: with b bands of r rows, a pair of Jaccard similarity J becomes a candidate
//! with probability 1 - (1 - J^r)^b. For 56 bands of 3 rows that is 0.9995 at J = 0.5, 0.92 at
//! J = 0.35 and 0.78 at J = 0.3, against 0.84, 0.17 and 0.24 for the common 25 x 5 banding tuned
//! for a 0.5 threshold; candidates are re-ranked exactly, so the extra (false) candidates cost
//! time, not precision. One-permutation hashing makes the 168 values as cheap as one hash.

use crate::shingles::normalise;

pub const BANDS: usize = 56;
pub const ROWS: usize = 3;
pub const HASHES: usize = BANDS * ROWS;

/// A document's MinHash signature: the minimum of each of `HASHES` hash functions over its
/// shingles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature(pub [u32; HASHES]);

/// SplitMix64's finaliser: a fast, well-mixed 64-bit hash of a 64-bit value.
#[inline]
fn mix(mut x: u64) -> u64 {
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// The distinct character 3-gram shingles of a text, hashed, sorted. A text of one or two
/// characters is one shingle.
pub fn shingle_set(text: &str) -> Vec<u64> {
    let chars = normalise(text);
    let mut out: Vec<u64> = if chars.len() < 3 {
        if chars.is_empty() {
            Vec::new()
        } else {
            vec![mix(chars.iter().fold(0u64, |h, c| {
                h.wrapping_mul(0x100_0193) ^ u64::from(*c as u32)
            }))]
        }
    } else {
        chars
            .windows(3)
            .map(|w| {
                mix((u64::from(w[0] as u32) << 42)
                    ^ (u64::from(w[1] as u32) << 21)
                    ^ u64::from(w[2] as u32))
            })
            .collect()
    };
    out.sort_unstable();
    out.dedup();
    out
}

/// Exact Jaccard similarity of two sorted shingle sets.
pub fn jaccard(a: &[u64], b: &[u64]) -> f64 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let (mut i, mut j, mut shared) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                shared += 1;
                i += 1;
                j += 1;
            }
        }
    }
    shared as f64 / (a.len() + b.len() - shared) as f64
}

/// How many of the candidates, sorted by estimated similarity (best first), are worth an exact
/// re-rank for a top `k`: a candidate whose estimate trails the `k`-th best by more than
/// `RERANK_MARGIN` cannot reach the top `k` (the difference of two estimates over 168 values
/// has a standard deviation of at most 0.055, so the margin is over 3.5 of them).
pub fn worth_reranking(estimates: &[f64], k: usize) -> usize {
    if estimates.len() <= k || k == 0 {
        return estimates.len();
    }
    let kth = estimates[k - 1];
    k + estimates[k..]
        .iter()
        .take_while(|e| **e > kth - RERANK_MARGIN)
        .count()
}

pub const RERANK_MARGIN: f64 = 0.2;

/// Fixed so that signatures persist across restarts (they are stored).
const SEED: u64 = 0x1f60_7fd3_3b3e_7c15;

impl Signature {
    /// One-permutation hashing with optimal densification (Shrivastava, 2017): each shingle is
    /// hashed once and lands in one of `HASHES` bins, keeping the bin's minimum; an empty bin
    /// borrows the value of a non-empty bin chosen by a fixed probe sequence. As unbiased as
    /// `HASHES` independent hash functions at 1/`HASHES` of the cost.
    pub fn of_shingles(shingles: &[u64]) -> Signature {
        let mut mins = [u32::MAX; HASHES];
        for &s in shingles {
            let h = mix(s ^ SEED);
            let bin = (((h >> 32) * HASHES as u64) >> 32) as usize;
            let value = h as u32;
            if value < mins[bin] {
                mins[bin] = value;
            }
        }
        if shingles.is_empty() {
            return Signature(mins);
        }
        let filled = mins;
        for (i, m) in mins.iter_mut().enumerate() {
            if *m != u32::MAX || filled[i] != u32::MAX {
                continue;
            }
            let mut attempt = 0u64;
            loop {
                let probe = mix((i as u64) << 32 | attempt) % HASHES as u64;
                if filled[probe as usize] != u32::MAX {
                    *m = filled[probe as usize];
                    break;
                }
                attempt += 1;
            }
        }
        Signature(mins)
    }

    pub fn of(text: &str) -> Signature {
        Signature::of_shingles(&shingle_set(text))
    }

    /// The fraction of agreeing functions: an unbiased estimate of the Jaccard similarity.
    pub fn estimate(&self, other: &Signature) -> f64 {
        let same = self.0.iter().zip(&other.0).filter(|(a, b)| a == b).count();
        same as f64 / HASHES as f64
    }

    /// The key of each band: its rows hashed together with the band's number.
    pub fn band_keys(&self) -> [u64; BANDS] {
        let mut keys = [0u64; BANDS];
        for (band, key) in keys.iter_mut().enumerate() {
            let rows = &self.0[band * ROWS..(band + 1) * ROWS];
            let mut h = band as u64;
            for r in rows {
                h = mix(h ^ u64::from(*r)).rotate_left(17);
            }
            *key = h;
        }
        keys
    }

    /// Hex text, for storing in either database.
    pub fn to_hex(&self) -> String {
        self.0.iter().map(|v| format!("{v:08x}")).collect()
    }

    pub fn from_hex(hex: &str) -> Option<Signature> {
        if hex.len() != HASHES * 8 {
            return None;
        }
        let mut out = [0u32; HASHES];
        for (i, v) in out.iter_mut().enumerate() {
            *v = u32::from_str_radix(hex.get(i * 8..i * 8 + 8)?, 16).ok()?;
        }
        Some(Signature(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reranks_only_candidates_that_could_reach_the_top() {
        assert_eq!(worth_reranking(&[0.9, 0.8], 5), 2);
        let e = [0.9, 0.9, 0.85, 0.8, 0.75, 0.6, 0.56, 0.5, 0.3];
        // The fifth best is 0.75: 0.6 and 0.56 are within 0.2 of it, 0.5 and 0.3 are not.
        assert_eq!(worth_reranking(&e, 5), 7);
        assert_eq!(worth_reranking(&e, 0), e.len());
    }

    #[test]
    fn signatures_estimate_jaccard() {
        let a = "隧道窑窑车两侧砂封槽依靠石英砂密封，砂子随窑车运行不断流失，每班需人工补砂约0.3吨；砂封不严时车下漏风。";
        let b = "隧道窑窑车两侧砂封槽依靠石英砂密封，砂子随窑车运行不断流失，每班要人工补砂0.3吨；砂封不严车下就漏风。";
        let exact = jaccard(&shingle_set(a), &shingle_set(b));
        let estimate = Signature::of(a).estimate(&Signature::of(b));
        assert!(exact > 0.5, "{exact}");
        assert!((exact - estimate).abs() < 0.15, "{exact} vs {estimate}");
        let c = "除尘器布袋改用覆膜涤纶针刺毡并调整清灰周期，降低排放浓度。";
        assert!(Signature::of(a).estimate(&Signature::of(c)) < 0.1);
    }

    #[test]
    fn signatures_round_trip_as_hex_and_are_stable() {
        let s = Signature::of("窑车密封");
        assert_eq!(Signature::from_hex(&s.to_hex()), Some(s.clone()));
        assert_eq!(Signature::of("窑车密封"), s);
        assert_eq!(Signature::from_hex("zz"), None);
        // Identical texts share every band; the keys differ between bands.
        let keys = s.band_keys();
        assert_eq!(keys, Signature::of("窑车 密封").band_keys());
        assert_ne!(keys[0], keys[1]);
    }

    #[test]
    fn tiny_and_empty_texts_have_defined_shingles() {
        assert!(shingle_set("").is_empty());
        assert_eq!(shingle_set("窑").len(), 1);
        assert_eq!(jaccard(&shingle_set(""), &shingle_set("abc")), 0.0);
        assert_eq!(jaccard(&shingle_set("abcd"), &shingle_set("ABCD")), 1.0);
    }
}

#[cfg(test)]
mod recall {
    use super::*;

    /// A deterministic generator of Chinese-like text with a skewed character distribution.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 = mix(self.0.wrapping_add(0x9e37_79b9_7f4a_7c15));
            self.0
        }
        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }
        fn char(&mut self) -> char {
            // Squaring skews towards common characters, as in real text.
            let u = (self.next() % 10_000) as f64 / 10_000.0;
            char::from_u32(0x4e00 + (u * u * 2500.0) as u32).unwrap()
        }
    }

    fn banded_together(a: &Signature, b: &Signature) -> bool {
        a.band_keys()
            .iter()
            .zip(b.band_keys())
            .any(|(x, y)| *x == y)
    }

    #[test]
    fn planted_duplicates_share_a_band() {
        let mut rng = Rng(7);
        let (mut high, mut high_found, mut mid, mut mid_found) = (0, 0, 0, 0);
        for _ in 0..600 {
            let len = 120 + rng.below(300) as usize;
            let original: Vec<char> = (0..len).map(|_| rng.char()).collect();
            let rate = 0.02 + rng.below(30) as f64 / 100.0;
            let copy: Vec<char> = original
                .iter()
                .map(|c| {
                    if (rng.below(1000) as f64) < rate * 1000.0 {
                        rng.char()
                    } else {
                        *c
                    }
                })
                .collect();
            let (a, b): (String, String) = (original.iter().collect(), copy.iter().collect());
            let j = jaccard(&shingle_set(&a), &shingle_set(&b));
            let together = banded_together(&Signature::of(&a), &Signature::of(&b));
            if j >= 0.5 {
                high += 1;
                high_found += usize::from(together);
            } else if j >= 0.3 {
                mid += 1;
                mid_found += usize::from(together);
            }
        }
        assert!(high > 100 && mid > 50, "{high} {mid}");
        let high_recall = high_found as f64 / high as f64;
        let mid_recall = mid_found as f64 / mid as f64;
        assert!(high_recall >= 0.99, "recall at J >= 0.5: {high_recall}");
        assert!(mid_recall >= 0.8, "recall at 0.3 <= J < 0.5: {mid_recall}");
        // Unrelated texts almost never share a band.
        let mut false_pairs = 0;
        for _ in 0..500 {
            let a: String = (0..200).map(|_| rng.char()).collect();
            let b: String = (0..200).map(|_| rng.char()).collect();
            false_pairs += usize::from(banded_together(&Signature::of(&a), &Signature::of(&b)));
        }
        eprintln!(
            "recall at J >= 0.5: {high_recall:.3} of {high}; 0.3-0.5: {mid_recall:.3} of {mid}; unrelated pairs banded: {false_pairs}/500"
        );
        assert!(
            false_pairs <= 5,
            "{false_pairs} unrelated pairs banded together"
        );
    }
}
