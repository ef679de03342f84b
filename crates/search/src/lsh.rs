//! An in-memory LSH index over MinHash signatures for large collections: per band, a sorted
//! array of (band key, document) pairs, 12 bytes an entry, searched by binary search. A bulk
//! build sorts once; documents added later go to a small unsorted tail until the next merge.

use crate::minhash::{BANDS, HASHES, Signature};

pub struct Lsh {
    /// `BANDS` arrays of (key, doc), sorted by key up to `sorted_len`.
    bands: Vec<Vec<(u64, u32)>>,
    sorted_len: usize,
    signatures: Vec<u32>,
}

/// A candidate with its estimated similarity.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Candidate {
    pub doc: u32,
    pub estimate: f64,
}

impl Default for Lsh {
    fn default() -> Self {
        Lsh {
            bands: (0..BANDS).map(|_| Vec::new()).collect(),
            sorted_len: 0,
            signatures: Vec::new(),
        }
    }
}

const MERGE_TAIL: usize = 4096;

impl Lsh {
    pub fn with_capacity(docs: usize) -> Lsh {
        Lsh {
            bands: (0..BANDS).map(|_| Vec::with_capacity(docs)).collect(),
            sorted_len: 0,
            signatures: Vec::with_capacity(docs * HASHES),
        }
    }

    pub fn len(&self) -> usize {
        self.signatures.len() / HASHES
    }

    pub fn is_empty(&self) -> bool {
        self.signatures.is_empty()
    }

    /// Adds the next document (numbered from 0 in the order added).
    pub fn push(&mut self, signature: &Signature) -> u32 {
        let doc = self.len() as u32;
        for (band, key) in signature.band_keys().iter().enumerate() {
            self.bands[band].push((*key, doc));
        }
        self.signatures.extend_from_slice(&signature.0);
        // The tail is scanned linearly by queries, so it stays short; merging only when it
        // reaches a fraction of the sorted part keeps a bulk load at O(n log n) sorts in all.
        if self.bands[0].len() - self.sorted_len > MERGE_TAIL.max(self.sorted_len / 2) {
            self.merge();
        }
        doc
    }

    /// Sorts everything added so far (after a bulk load, and now and then during inserts).
    pub fn merge(&mut self) {
        for band in &mut self.bands {
            band.sort_unstable();
        }
        self.sorted_len = self.bands[0].len();
    }

    pub fn signature(&self, doc: u32) -> &[u32] {
        let at = doc as usize * HASHES;
        &self.signatures[at..at + HASHES]
    }

    /// Documents sharing a band with `signature`, best estimate first, at most `limit`.
    pub fn candidates(&self, signature: &Signature, limit: usize) -> Vec<Candidate> {
        let mut docs: Vec<u32> = Vec::new();
        for (band, key) in signature.band_keys().iter().enumerate() {
            let list = &self.bands[band];
            let sorted = &list[..self.sorted_len];
            let start = sorted.partition_point(|(k, _)| k < key);
            docs.extend(
                sorted[start..]
                    .iter()
                    .take_while(|(k, _)| k == key)
                    .map(|(_, d)| *d),
            );
            docs.extend(
                list[self.sorted_len..]
                    .iter()
                    .filter(|(k, _)| k == key)
                    .map(|(_, d)| *d),
            );
        }
        docs.sort_unstable();
        docs.dedup();
        let mut out: Vec<Candidate> = docs
            .into_iter()
            .map(|doc| {
                let same = self
                    .signature(doc)
                    .iter()
                    .zip(&signature.0)
                    .filter(|(a, b)| a == b)
                    .count();
                Candidate {
                    doc,
                    estimate: same as f64 / HASHES as f64,
                }
            })
            .collect();
        out.sort_by(|a, b| b.estimate.total_cmp(&a.estimate).then(a.doc.cmp(&b.doc)));
        out.truncate(limit);
        out
    }

    /// Bytes held, for the benchmark's memory figure.
    pub fn bytes(&self) -> usize {
        self.bands.iter().map(|b| b.capacity() * 12).sum::<usize>() + self.signatures.capacity() * 4
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_near_copy_among_others() {
        let mut lsh = Lsh::default();
        let texts = [
            "隧道窑窑车密封砂槽改用耐火纤维毡密封，减少漏风，降低车下温度。",
            "除尘器布袋改用覆膜涤纶针刺毡并调整清灰周期，降低排放浓度。",
            "压砖机液压站油温冷却改造，夏季油温过高导致停机。",
        ];
        for t in texts {
            lsh.push(&Signature::of(t));
        }
        lsh.merge();
        // Added after the merge: found through the unsorted tail.
        lsh.push(&Signature::of("稀土萃取槽液位自动控制改造，减少人工巡检。"));
        let q = Signature::of("隧道窑窑车密封砂槽改为耐火纤维毡密封，减少漏风，降低车下的温度。");
        let c = lsh.candidates(&q, 5);
        assert_eq!(c[0].doc, 0);
        assert!(c[0].estimate > 0.4);
        let q = Signature::of("稀土萃取槽液位自动控制改造，减少人工巡检工作量。");
        assert_eq!(lsh.candidates(&q, 5)[0].doc, 3);
    }
}
