//! A deterministic corpus of Chinese-like improvement proposals with planted near-duplicates,
//! written as TSV files that the Rust harness and the Python peers read alike:
//! `corpus.tsv` (id, org, year, category, text), `dups.tsv` (query id, source id, edit rate,
//! character-3-gram Jaccard, text; not in the corpus) and `fresh.tsv` (query id, text).
//!
//! Like real text, and like ../shared/bench/text's generator this mirrors: 3,500 characters with
//! Zipf(1.0) frequencies, a 30,000-word lexicon of 1-4 characters with Zipf(1.05) frequencies,
//! 2% ASCII tokens, 30% of documents in a three-section template, lengths log-normal around 250
//! characters; 1% of documents get a planted near-duplicate at an edit rate of 2-40%.

use std::collections::HashSet;
use std::io::{BufWriter, Write};
use std::path::Path;

pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9e37_79b9_7f4a_7c15)
    }

    pub fn next_u64(&mut self) -> u64 {
        // SplitMix64.
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    fn normal(&mut self) -> f64 {
        let (u, v) = (self.unit().max(1e-12), self.unit());
        (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
    }
}

/// Cumulative Zipf weights, for sampling by binary search.
fn zipf_cdf(n: usize, s: f64) -> Vec<f64> {
    let mut acc = 0.0;
    let mut cdf: Vec<f64> = (1..=n)
        .map(|k| {
            acc += 1.0 / (k as f64).powf(s);
            acc
        })
        .collect();
    let total = acc;
    for c in &mut cdf {
        *c /= total;
    }
    cdf
}

fn sample(cdf: &[f64], u: f64) -> usize {
    cdf.partition_point(|c| *c < u).min(cdf.len() - 1)
}

const ASCII: [&str; 30] = [
    "PLC", "MES", "ERP", "5S", "TPM", "QC", "KPI", "AGV", "IoT", "CNC", "SOP", "OEE", "PDCA", "6σ",
    "ISO9001", "BOM", "WMS", "AI", "RFID", "LED", "10", "20", "30", "50", "100", "200", "500",
    "1000", "2023", "2024",
];

pub struct Generator {
    lexicon: Vec<String>,
    word_cdf: Vec<f64>,
}

impl Generator {
    pub fn new(seed: u64) -> Generator {
        let mut rng = Rng::new(seed);
        // 3,500 distinct characters from the CJK block.
        let mut chars: Vec<char> = Vec::new();
        let mut seen = HashSet::new();
        while chars.len() < 3500 {
            let c = 0x4E00 + rng.below(0x9FA6 - 0x4E00) as u32;
            if seen.insert(c) {
                chars.push(char::from_u32(c).unwrap_or('一'));
            }
        }
        let char_cdf = zipf_cdf(chars.len(), 1.0);
        let lexicon = (0..30_000)
            .map(|_| {
                let u = rng.unit();
                let len = if u < 0.2 {
                    1
                } else if u < 0.75 {
                    2
                } else if u < 0.9 {
                    3
                } else {
                    4
                };
                (0..len)
                    .map(|_| chars[sample(&char_cdf, rng.unit())])
                    .collect()
            })
            .collect();
        Generator {
            lexicon,
            word_cdf: zipf_cdf(30_000, 1.05),
        }
    }

    fn word(&self, rng: &mut Rng) -> String {
        if rng.unit() < 0.02 {
            ASCII[rng.below(ASCII.len() as u64) as usize].to_string()
        } else {
            self.lexicon[sample(&self.word_cdf, rng.unit())].clone()
        }
    }

    fn words(&self, rng: &mut Rng, chars: usize, out: &mut Vec<String>) {
        let mut n = 0;
        while n < chars {
            let w = self.word(rng);
            n += w.chars().count();
            out.push(w);
            let p = rng.unit();
            if p < 0.06 {
                out.push("，".into());
                n += 1;
            } else if p < 0.085 {
                out.push("。".into());
                n += 1;
            }
        }
    }

    /// A document as tokens (words and punctuation).
    pub fn document(&self, rng: &mut Rng) -> Vec<String> {
        let len = (250f64.ln() + 0.8 * rng.normal()).exp().clamp(50.0, 2000.0) as usize;
        let mut out = Vec::new();
        if rng.unit() < 0.3 {
            let part = len * 2 / 5;
            out.push("问题描述：".into());
            self.words(rng, part, &mut out);
            out.push("。改进措施：".into());
            self.words(rng, part, &mut out);
            out.push("。预期效益：".into());
            self.words(rng, (len - 2 * part).max(10), &mut out);
        } else {
            self.words(rng, len, &mut out);
        }
        out.push("。".into());
        out
    }

    /// A near-duplicate: words substituted, deleted and inserted at `rate`, sometimes a chunk
    /// moved and a paragraph appended.
    pub fn mutate(&self, rng: &mut Rng, tokens: &[String], rate: f64) -> Vec<String> {
        let mut out = Vec::with_capacity(tokens.len() + 8);
        for t in tokens {
            let r = rng.unit();
            if r < rate * 0.5 {
                out.push(self.word(rng));
            } else if r < rate * 0.75 {
            } else if r < rate {
                out.push(t.clone());
                out.push(self.word(rng));
            } else {
                out.push(t.clone());
            }
        }
        if rng.unit() < 0.3 {
            let cuts: Vec<usize> = out
                .iter()
                .enumerate()
                .filter(|(_, t)| *t == "。" || *t == "，")
                .map(|(i, _)| i)
                .collect();
            if cuts.len() >= 2 {
                let i = rng.below(cuts.len() as u64) as usize;
                let j = rng.below(cuts.len() as u64) as usize;
                let (i, j) = (i.min(j), i.max(j));
                if i < j {
                    let (a, b) = (cuts[i] + 1, cuts[j] + 1);
                    let moved: Vec<String> = out.drain(a..b).collect();
                    out.extend(moved);
                }
            }
        }
        if rng.unit() < 0.2 {
            let extra = 20 + rng.below(60) as usize;
            self.words(rng, extra, &mut out);
            out.push("。".into());
        }
        out
    }
}

/// Jaccard similarity of the raw character 3-grams (punctuation included), as the peers see it.
pub fn raw_jaccard3(a: &str, b: &str) -> f64 {
    fn grams(s: &str) -> HashSet<[char; 3]> {
        let c: Vec<char> = s.chars().collect();
        c.windows(3).map(|w| [w[0], w[1], w[2]]).collect()
    }
    let (a, b) = (grams(a), grams(b));
    let shared = a.intersection(&b).count();
    let union = a.len() + b.len() - shared;
    if union == 0 {
        0.0
    } else {
        shared as f64 / union as f64
    }
}

/// Writes `n` documents, their planted duplicates and `fresh` unrelated queries into `dir`.
pub fn write(dir: &Path, n: usize, fresh: usize, seed: u64) -> std::io::Result<usize> {
    std::fs::create_dir_all(dir)?;
    let generator = Generator::new(seed);
    let mut corpus = BufWriter::new(std::fs::File::create(dir.join("corpus.tsv"))?);
    let mut dups = BufWriter::new(std::fs::File::create(dir.join("dups.tsv"))?);
    let mut planted = 0;
    for block in 0..n.div_ceil(10_000) {
        let mut rng = Rng::new(seed.wrapping_mul(31).wrapping_add(block as u64));
        let mut drng = Rng::new(seed.wrapping_mul(37).wrapping_add(block as u64) ^ 7);
        for i in block * 10_000..n.min((block + 1) * 10_000) {
            let tokens = generator.document(&mut rng);
            let text: String = tokens.concat();
            let org = rng.below(5000);
            let year = 2015 + rng.below(10);
            let category = rng.below(12);
            writeln!(corpus, "{i}\t{org}\t{year}\t{category}\t{text}")?;
            if drng.unit() < 0.01 {
                let rate = 0.02 + drng.unit() * 0.38;
                let copy: String = generator.mutate(&mut drng, &tokens, rate).concat();
                let j = raw_jaccard3(&text, &copy);
                writeln!(dups, "d{i}\t{i}\t{rate:.3}\t{j:.4}\t{copy}")?;
                planted += 1;
            }
        }
    }
    corpus.flush()?;
    dups.flush()?;
    let mut f = BufWriter::new(std::fs::File::create(dir.join("fresh.tsv"))?);
    let mut rng = Rng::new(seed ^ 999_999);
    for q in 0..fresh {
        writeln!(f, "f{q}\t{}", generator.document(&mut rng).concat())?;
    }
    f.flush()?;
    Ok(planted)
}
