//! Text analysis for Chinese and English, and near-duplicate detection.
//!
//! For now the duplicate check compares character shingles exactly (Jaccard similarity over
//! character bigrams), which needs no word boundaries and so handles Chinese properly. The
//! search issue replaces the linear scan with MinHash/LSH over the same shingles.

pub mod shingles;

pub use shingles::{Shingles, similarity};
