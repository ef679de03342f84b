//! An in-memory LSH index over MinHash signatures for large collections: per band, a sorted
//! array of (band key, document) pairs, 12 bytes an entry, with a directory on the keys' top
//! bits so a lookup touches one short range. A bulk build sorts once; documents added later go
//! to a small unsorted tail until the next merge.

use crate::minhash::{BANDS, HASHES, Signature};

pub struct Lsh {
    /// `BANDS` arrays of (key, doc), sorted by key up to `sorted_len`.
    bands: Vec<Vec<(u64, u32)>>,
    /// Per band: where the sorted entries whose key starts with each `dir_bits` prefix begin.
    dirs: Vec<Vec<u32>>,
    dir_bits: u32,
    sorted_len: usize,
    signatures: Vec<u32>,
    /// Per document, one byte of each of the signature's last `SKETCH` values, in one cache
    /// line: most candidates are ruled out here without touching their signatures.
    sketches: Vec<Sketch>,
}

const SKETCH: usize = 32;

/// Aligned so that a sketch never straddles two cache lines.
#[derive(Clone, Copy)]
#[repr(C, align(32))]
struct Sketch([u8; SKETCH]);

impl Sketch {
    fn of(signature: &[u32]) -> Sketch {
        let mut bytes = [0u8; SKETCH];
        for (b, v) in bytes.iter_mut().zip(&signature[HASHES - SKETCH..]) {
            *b = *v as u8;
        }
        Sketch(bytes)
    }

    fn agreements(&self, other: &Sketch) -> usize {
        self.0.iter().zip(&other.0).filter(|(a, b)| a == b).count()
    }
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
            dirs: Vec::new(),
            dir_bits: 0,
            sorted_len: 0,
            signatures: Vec::new(),
            sketches: Vec::new(),
        }
    }
}

const MERGE_TAIL: usize = 4096;

impl Lsh {
    pub fn with_capacity(docs: usize) -> Lsh {
        Lsh {
            bands: (0..BANDS).map(|_| Vec::with_capacity(docs)).collect(),
            dirs: Vec::new(),
            dir_bits: 0,
            sorted_len: 0,
            signatures: Vec::with_capacity(docs * HASHES),
            sketches: Vec::with_capacity(docs),
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
        self.sketches.push(Sketch::of(&signature.0));
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
        // About four entries per directory slot.
        self.dir_bits = (usize::BITS - (self.sorted_len / 4).leading_zeros()).clamp(4, 22);
        let shift = 64 - self.dir_bits;
        self.dirs = self
            .bands
            .iter()
            .map(|band| {
                let mut dir = Vec::with_capacity((1 << self.dir_bits) + 1);
                let mut at = 0usize;
                for prefix in 0..=(1u64 << self.dir_bits) {
                    while at < band.len() && (band[at].0 >> shift) < prefix {
                        at += 1;
                    }
                    dir.push(at as u32);
                }
                dir
            })
            .collect();
    }

    /// Where the sorted entries of `band` whose keys share `key`'s top bits lie.
    fn slot(&self, band: usize, key: u64) -> (usize, usize) {
        match self.dirs.get(band) {
            Some(dir) => {
                let prefix = (key >> (64 - self.dir_bits)) as usize;
                (dir[prefix] as usize, dir[prefix + 1] as usize)
            }
            None => (0, self.sorted_len),
        }
    }

    /// The sorted entries of `band` with this key, within its slot.
    fn bucket(&self, band: usize, key: u64, (from, to): (usize, usize)) -> &[(u64, u32)] {
        let range = &self.bands[band][from..to];
        let start = range.partition_point(|(k, _)| *k < key);
        let end = start + range[start..].partition_point(|(k, _)| *k == key);
        &range[start..end]
    }

    pub fn signature(&self, doc: u32) -> &[u32] {
        let at = doc as usize * HASHES;
        &self.signatures[at..at + HASHES]
    }

    /// Documents sharing a band with `signature` whose estimated similarity is at least
    /// `min_estimate`, best first, at most `limit`.
    pub fn candidates(
        &self,
        signature: &Signature,
        min_estimate: f64,
        limit: usize,
    ) -> Vec<Candidate> {
        let keys = signature.band_keys();
        // All directory slots first: independent loads, so their cache misses overlap.
        let mut slots = [(0usize, 0usize); BANDS];
        for (band, (slot, key)) in slots.iter_mut().zip(&keys).enumerate() {
            *slot = self.slot(band, *key);
        }
        let mut docs: Vec<u32> = Vec::with_capacity(1024);
        for (band, key) in keys.iter().enumerate() {
            let bucket = self.bucket(band, *key, slots[band]);
            docs.extend(bucket.iter().map(|(_, d)| *d));
            let list = &self.bands[band];
            docs.extend(
                list[self.sorted_len..]
                    .iter()
                    .filter(|(k, _)| k == key)
                    .map(|(_, d)| *d),
            );
        }
        docs.sort_unstable();
        docs.dedup();
        // Two cheap stages rule out the chance collisions (at a million documents, several
        // hundred per check) before the full comparison. Each asks for half the agreements a
        // pair at `min_estimate` is expected to show. By the binomial law such a pair fails
        // the one-byte sketch (32 values; unrelated bytes agree one time in 256) with a
        // probability of 3%, and a quarter of the signature (42 values) with 2%; a pair at 1.5
        // times `min_estimate` (Jaccard 0.3, the bottom of the range that must be found), 0.1%
        // and 0.03%.
        let sketch = Sketch::of(&signature.0);
        let sketch_at_least = (min_estimate / 2.0 * SKETCH as f64).floor() as usize;
        let mut kept = 0;
        for i in 0..docs.len() {
            let doc = docs[i];
            // Branch-free, so the processor overlaps the cache misses of many candidates.
            docs[kept] = doc;
            kept += usize::from(self.sketches[doc as usize].agreements(&sketch) >= sketch_at_least);
        }
        docs.truncate(kept);
        let quarter = HASHES / 4;
        let at_least = (min_estimate / 2.0 * quarter as f64).floor() as usize;
        let agree = |a: &[u32], b: &[u32]| a.iter().zip(b).filter(|(x, y)| x == y).count();
        let mut out: Vec<Candidate> = docs
            .into_iter()
            .filter_map(|doc| {
                let theirs = self.signature(doc);
                let first = agree(&theirs[..quarter], &signature.0[..quarter]);
                if first < at_least {
                    return None;
                }
                let same = first + agree(&theirs[quarter..], &signature.0[quarter..]);
                let estimate = same as f64 / HASHES as f64;
                (estimate >= min_estimate).then_some(Candidate { doc, estimate })
            })
            .collect();
        out.sort_by(|a, b| b.estimate.total_cmp(&a.estimate).then(a.doc.cmp(&b.doc)));
        out.truncate(limit);
        out
    }

    /// Bytes held, for the benchmark's memory figure.
    pub fn bytes(&self) -> usize {
        self.bands.iter().map(|b| b.capacity() * 12).sum::<usize>()
            + self.dirs.iter().map(|d| d.capacity() * 4).sum::<usize>()
            + self.signatures.capacity() * 4
            + self.sketches.capacity() * SKETCH
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
        let c = lsh.candidates(&q, 0.2, 5);
        assert_eq!(c[0].doc, 0);
        assert!(c[0].estimate > 0.4);
        let q = Signature::of("稀土萃取槽液位自动控制改造，减少人工巡检工作量。");
        assert_eq!(lsh.candidates(&q, 0.2, 5)[0].doc, 3);
    }
}
