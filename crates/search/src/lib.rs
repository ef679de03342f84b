//! Text analysis for Chinese and English, and near-duplicate detection.
//!
//! Near-duplicates are found with MinHash signatures over character 3-gram shingles (no word
//! boundaries needed, so Chinese is handled properly), banded for locality-sensitive hashing,
//! and re-ranked by exact Jaccard similarity.

pub mod minhash;
pub mod shingles;

pub use minhash::{BANDS, HASHES, Signature, jaccard, shingle_set};

pub use shingles::{Shingles, similarity};
