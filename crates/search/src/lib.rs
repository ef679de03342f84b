//! Text analysis for Chinese and English, and near-duplicate detection.
//!
//! Full-text search: Chinese segmented into words by jieba, English stemmed, an in-memory
//! inverted index with facets, visibility filtering and highlighted snippets.
//!
//! Near-duplicates are found with MinHash signatures over character 3-gram shingles (no word
//! boundaries needed, so Chinese is handled properly), banded for locality-sensitive hashing,
//! and re-ranked by exact Jaccard similarity.

pub mod analyze;
pub mod bench;
pub mod database;
mod fasthash;
pub mod index;
pub mod lsh;
pub mod minhash;
mod postings;
pub mod query;
pub mod shingles;

pub use minhash::{BANDS, HASHES, Signature, jaccard, shingle_set, worth_reranking};
