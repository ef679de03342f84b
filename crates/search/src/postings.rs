//! Compressed postings lists: ascending slot numbers stored as variable-length deltas, in blocks
//! of `BLOCK` entries whose first value is stored whole, with a skip entry per block so that a
//! conjunction can jump to the block holding a target instead of decoding everything before it.
//!
//! Why: at a million documents the index holds about 400 million postings; as plain `u32` that
//! is 1.6 GB, as deltas about a third of it. Slots only ever grow (an update is a new slot), so
//! appending is all a list needs. Queries read lists newest first, so the newest page of a very
//! common query costs the same at any size.

pub const BLOCK: usize = 64;

#[derive(Default)]
pub struct Postings {
    bytes: Vec<u8>,
    /// For each block after the first: its first value and the byte offset where it starts.
    skips: Vec<(u32, u32)>,
    len: u32,
    last: u32,
}

fn put_varint(out: &mut Vec<u8>, mut v: u32) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

#[inline]
fn get_varint(bytes: &[u8], at: &mut usize) -> u32 {
    let mut v = 0u32;
    let mut shift = 0;
    loop {
        let b = bytes[*at];
        *at += 1;
        v |= u32::from(b & 0x7f) << shift;
        if b < 0x80 {
            return v;
        }
        shift += 7;
    }
}

impl Postings {
    pub fn len(&self) -> usize {
        self.len as usize
    }

    /// Appends `slot`, which must be greater than every slot already in the list.
    pub fn push(&mut self, slot: u32) {
        debug_assert!(self.len == 0 || slot > self.last);
        let index = self.len as usize;
        if index.is_multiple_of(BLOCK) {
            if index > 0 {
                self.skips.push((slot, self.bytes.len() as u32));
            }
            put_varint(&mut self.bytes, slot);
        } else {
            put_varint(&mut self.bytes, slot - self.last);
        }
        self.len += 1;
        self.last = slot;
    }

    /// Gives back spare capacity (after a bulk load).
    pub fn shrink(&mut self) {
        self.bytes.shrink_to_fit();
        self.skips.shrink_to_fit();
    }

    /// Heap bytes held.
    pub fn bytes(&self) -> usize {
        self.bytes.capacity() + self.skips.capacity() * 8
    }

    pub fn block_count(&self) -> usize {
        (self.len as usize).div_ceil(BLOCK)
    }

    /// Decodes block `b` into `out` (cleared first).
    pub fn decode_block(&self, b: usize, out: &mut Vec<u32>) {
        out.clear();
        let mut at = if b == 0 {
            0
        } else {
            self.skips[b - 1].1 as usize
        };
        let n = BLOCK.min(self.len as usize - b * BLOCK);
        let mut v = get_varint(&self.bytes, &mut at);
        out.push(v);
        for _ in 1..n {
            v += get_varint(&self.bytes, &mut at);
            out.push(v);
        }
    }

    /// Every slot, ascending.
    pub fn decode(&self) -> Vec<u32> {
        let mut out = Vec::with_capacity(self.len as usize);
        let mut at = 0;
        let mut v = 0;
        for i in 0..self.len as usize {
            let d = get_varint(&self.bytes, &mut at);
            v = if i.is_multiple_of(BLOCK) { d } else { v + d };
            out.push(v);
        }
        out
    }

    /// At least the last `n` slots (whole blocks), ascending.
    pub fn tail(&self, n: usize) -> Vec<u32> {
        let blocks = self.block_count();
        let from = blocks.saturating_sub(n.div_ceil(BLOCK) + 1);
        let mut out = Vec::with_capacity((blocks - from) * BLOCK);
        let mut block = Vec::with_capacity(BLOCK);
        for b in from..blocks {
            self.decode_block(b, &mut block);
            out.extend_from_slice(&block);
        }
        out
    }

    pub fn back_cursor(&self) -> BackCursor<'_> {
        BackCursor {
            list: self,
            block: usize::MAX,
            values: Vec::with_capacity(BLOCK),
        }
    }
}

/// Backward probing of a list for descending targets (newest first): the block holding each
/// target is decoded once and searched.
pub struct BackCursor<'a> {
    list: &'a Postings,
    block: usize,
    values: Vec<u32>,
}

impl BackCursor<'_> {
    /// Whether the list holds `target`; targets must not increase between calls.
    pub fn contains(&mut self, target: u32) -> bool {
        let list = self.list;
        if list.len == 0 || target > list.last {
            return false;
        }
        let current = self.block != usize::MAX && self.values[0] <= target;
        if !current {
            let b = list.skips.partition_point(|(first, _)| *first <= target);
            if b == self.block {
                // Below the first value of the list.
                return false;
            }
            list.decode_block(b, &mut self.values);
            self.block = b;
            if self.values[0] > target {
                return false;
            }
        }
        self.values.binary_search(&target).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(values: &[u32]) -> Postings {
        let mut p = Postings::default();
        for v in values {
            p.push(*v);
        }
        p
    }

    #[test]
    fn round_trips_across_blocks_and_large_gaps() {
        let values: Vec<u32> = (0..1000u32).map(|i| i * i * 37 + (i % 3)).collect();
        let mut p = list(&values);
        p.shrink();
        assert_eq!(p.decode(), values);
        assert_eq!(p.len(), 1000);
        let tail = p.tail(10);
        assert!(tail.len() >= 10 && tail.ends_with(&values[990..]));
        assert_eq!(&values[values.len() - tail.len()..], tail.as_slice());
        assert!(p.bytes() < values.len() * 4);
    }

    #[test]
    fn back_cursor_finds_members_and_rejects_others() {
        let values: Vec<u32> = (0..5000u32).map(|i| i * 3).collect();
        let p = list(&values);
        let empty = Postings::default();
        assert!(!empty.back_cursor().contains(0));
        let mut back = p.back_cursor();
        for t in (0..15_010u32).rev() {
            assert_eq!(back.contains(t), t % 3 == 0 && t < 15_000, "{t}");
        }
        let mut back = p.back_cursor();
        assert!(back.contains(14_997));
        assert!(back.contains(3));
        assert!(!back.contains(1));
        assert!(back.contains(0));
    }
}
