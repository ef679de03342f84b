//! `ingot bench search`: builds the full-text index and the near-duplicate index over a generated
//! corpus, times queries and duplicate checks, measures recall of the planted duplicates, and
//! runs the peers (SQLite FTS5 with the trigram tokenizer; Python datasketch MinHashLSH) on the
//! same files in the same run.

pub mod corpus;

/// Candidates re-ranked exactly per check (as the application does): at most this many, and
/// only those whose signatures estimate a similarity of at least `MIN_ESTIMATE` (at Jaccard 0.3
/// the estimate's standard deviation over 168 values is 0.035, so 0.2 loses nothing in range).
const RERANK: usize = 25;
const MIN_ESTIMATE: f64 = 0.2;

use crate::index::{Doc, Index, Kind, Narrow, Viewer};
use crate::lsh::Lsh;
use crate::minhash::{Signature, jaccard, shingle_set, worth_reranking};
use crate::query::parse;
use std::fmt::Write as _;
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::time::Instant;

pub struct Options {
    pub dir: PathBuf,
    pub docs: usize,
    pub queries: usize,
    pub peers: bool,
    /// Which parts to run.
    pub search: bool,
    pub duplicates: bool,
    pub seed: u64,
}

/// Process CPU seconds (user + system), from /proc.
pub fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit(')').next().unwrap_or("");
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (ticks(11) + ticks(12)) / 100.0
}

/// CPU time of the calling thread, in milliseconds: on a shared machine a latency measured in
/// wall time includes the time other processes held the core, so both are reported.
fn thread_cpu_ms() -> f64 {
    let mut t = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes one timespec through a valid pointer.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut t) };
    t.tv_sec as f64 * 1000.0 + t.tv_nsec as f64 / 1e6
}

/// Wall and CPU milliseconds of one operation.
struct Lap {
    wall: Instant,
    cpu: f64,
}

impl Lap {
    fn start() -> Lap {
        Lap {
            wall: Instant::now(),
            cpu: thread_cpu_ms(),
        }
    }

    fn stop(self) -> (f64, f64) {
        (
            self.wall.elapsed().as_secs_f64() * 1000.0,
            thread_cpu_ms() - self.cpu,
        )
    }
}

fn rss_mib() -> f64 {
    status_mib("VmRSS:")
}

fn status_mib(field: &str) -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

fn percentile(xs: &mut [f64], p: f64) -> f64 {
    if xs.is_empty() {
        return 0.0;
    }
    xs.sort_by(f64::total_cmp);
    xs[((p / 100.0) * xs.len() as f64) as usize].min(xs[xs.len() - 1])
}

struct Row {
    org: i64,
    year: i32,
    category: String,
    text: String,
}

fn load(dir: &Path, n: usize) -> std::io::Result<Vec<Row>> {
    let f = std::io::BufReader::new(std::fs::File::open(dir.join("corpus.tsv"))?);
    let mut rows = Vec::with_capacity(n);
    for line in f.lines() {
        if rows.len() >= n {
            break;
        }
        let line = line?;
        let mut parts = line.splitn(5, '\t');
        let _id = parts.next();
        let org = parts.next().and_then(|v| v.parse().ok()).unwrap_or(0);
        let year = parts.next().and_then(|v| v.parse().ok()).unwrap_or(2020);
        let category = parts.next().unwrap_or("0").to_string();
        let text = parts.next().unwrap_or("").to_string();
        rows.push(Row {
            org,
            year,
            category,
            text,
        });
    }
    Ok(rows)
}

/// Query strings drawn from the corpus: substrings of 2, 3, 4 and 6 characters (no
/// punctuation) and pairs, written for the peers too.
fn make_queries(
    rows: &[Row],
    per_kind: usize,
    seed: u64,
    out: &Path,
) -> std::io::Result<Vec<(String, String)>> {
    let mut rng = corpus::Rng::new(seed ^ 42);
    let mut term = |len: usize| loop {
        let text: Vec<char> = rows[rng.below(rows.len() as u64) as usize]
            .text
            .chars()
            .collect();
        if text.len() <= len {
            continue;
        }
        let at = rng.below((text.len() - len) as u64) as usize;
        let s: String = text[at..at + len].iter().collect();
        if !s.chars().any(|c| "，。：".contains(c)) {
            return s;
        }
    };
    let mut queries = Vec::new();
    let t3: Vec<String> = (0..per_kind).map(|_| term(3)).collect();
    let t4: Vec<String> = (0..per_kind).map(|_| term(4)).collect();
    for (kind, list) in [
        ("t2", (0..per_kind / 5).map(|_| term(2)).collect::<Vec<_>>()),
        ("t3", t3.clone()),
        ("t4", t4.clone()),
        ("t6", (0..per_kind).map(|_| term(6)).collect()),
    ] {
        queries.extend(list.into_iter().map(|q| (kind.to_string(), q)));
    }
    queries.extend(
        t3.iter()
            .zip(t4.iter().rev())
            .map(|(a, b)| ("and".to_string(), format!("{a} {b}"))),
    );
    let mut f = std::io::BufWriter::new(std::fs::File::create(out)?);
    for (k, q) in &queries {
        use std::io::Write;
        writeln!(f, "{k}\t{q}")?;
    }
    Ok(queries)
}

pub fn run(o: &Options) -> Result<String, String> {
    let err = |e: std::io::Error| e.to_string();
    let mut report = String::new();
    let _ = writeln!(
        report,
        "# ingot bench search: {} documents in {}",
        o.docs,
        o.dir.display()
    );
    if !o.dir.join("corpus.tsv").exists() {
        let t = Instant::now();
        let planted = corpus::write(&o.dir, o.docs, 1000, o.seed).map_err(err)?;
        let _ = writeln!(
            report,
            "generated corpus with {planted} planted duplicates in {:.1} s",
            t.elapsed().as_secs_f64()
        );
    }
    let rows = load(&o.dir, o.docs).map_err(err)?;
    let chars: usize = rows.iter().map(|r| r.text.chars().count()).sum();
    let _ = writeln!(
        report,
        "loaded {} documents, mean {} characters; RSS {:.0} MiB",
        rows.len(),
        chars / rows.len().max(1),
        rss_mib()
    );

    if o.search {
        full_text(o, &rows, &mut report)?;
    }
    if o.duplicates {
        duplicates(o, &rows, &mut report)?;
    }
    let _ = writeln!(report, "peak RSS: {:.0} MiB", status_mib("VmHWM:"));
    if o.peers {
        report.push_str(&peers(o));
    }
    Ok(report)
}

/// Builds the full-text index and times the queries.
fn full_text(o: &Options, rows: &[Row], report: &mut String) -> Result<(), String> {
    let err = |e: std::io::Error| e.to_string();
    // Full-text index.
    crate::analyze::warm_up();
    let rss_before = rss_mib();
    let (c0, t0) = (cpu_seconds(), Instant::now());
    let mut index = Index::new();
    for (i, r) in rows.iter().enumerate() {
        index.upsert(Doc {
            kind: Kind::Proposal,
            id: i as i64,
            title: String::new(),
            body: r.text.clone(),
            org_id: r.org,
            org_path: format!("/1/{}/", r.org),
            org_name: format!("单位{}", r.org),
            year: r.year,
            status: r.category.clone(),
            owners: Vec::new(),
            published: false,
            private: false,
        });
    }
    index.compact();
    let (build_cpu, build_wall) = (cpu_seconds() - c0, t0.elapsed().as_secs_f64());
    let f = index.footprint();
    let mib = |b: usize| b as f64 / 1048576.0;
    let _ = writeln!(
        report,
        "\n## Full-text search (jieba words, stemmed English)\nindex build: {build_cpu:.1} CPU-s, {build_wall:.1} s wall, {:.0} documents per CPU-second\nindex size: {:.0} MiB (postings {:.0} MiB for {} entries of {} terms, dictionary {:.0} MiB, document records {:.0} MiB); texts {:.0} MiB besides; RSS +{:.0} MiB in all",
        rows.len() as f64 / build_cpu.max(0.01),
        mib(f.postings + f.dictionary + f.documents),
        mib(f.postings),
        f.entries,
        f.terms,
        mib(f.dictionary),
        mib(f.documents),
        mib(f.texts),
        rss_mib() - rss_before
    );
    let queries = make_queries(rows, o.queries, o.seed, &o.dir.join("queries.tsv")).map_err(err)?;
    // The viewer may see half of the organisations: results are always filtered by scope.
    let covers = |_: Kind, path: &str| {
        path.trim_matches('/')
            .rsplit('/')
            .next()
            .and_then(|o| o.parse::<i64>().ok())
            .is_some_and(|o| o < 2500)
    };
    let viewer = Viewer {
        user: None,
        covers: &covers,
        hidden: &[],
    };
    let mut by_kind: std::collections::BTreeMap<String, (Vec<f64>, Vec<f64>)> = Default::default();
    let mut all = Vec::new();
    let mut all_cpu = Vec::new();
    let mut hits = 0usize;
    for (kind, q) in &queries {
        let text: String = q.split(' ').map(|p| format!("\"{p}\" ")).collect();
        let lap = Lap::start();
        let r = parse(&text).map(|q| index.search(&q, &Narrow::default(), &viewer, 0, 10));
        let (ms, cpu) = lap.stop();
        all_cpu.push(cpu);
        if std::env::var_os("INGOT_BENCH_SLOW").is_some() && ms > 3.0 {
            eprintln!(
                "{ms:.2} ms {kind} {q} total {:?}",
                r.as_ref().map(|r| (r.total, r.estimated))
            );
        }
        hits += r.map(|r| r.total).unwrap_or(0);
        let entry = by_kind.entry(kind.clone()).or_default();
        entry.0.push(ms);
        entry.1.push(cpu);
        all.push(ms);
    }
    let _ = writeln!(
        report,
        "queries: {} (top 10 with facet counts, scope-filtered), {} matches in all",
        queries.len(),
        hits
    );
    for (kind, (wall, cpu)) in &mut by_kind {
        let _ = writeln!(
            report,
            "  {kind:>4}: p50 {:.2} ms  p99 {:.2} ms (wall); CPU p50 {:.2} ms  p99 {:.2} ms",
            percentile(wall, 50.0),
            percentile(wall, 99.0),
            percentile(cpu, 50.0),
            percentile(cpu, 99.0)
        );
    }
    let _ = writeln!(
        report,
        "  all : p50 {:.2} ms  p99 {:.2} ms (wall); CPU p50 {:.2} ms  p99 {:.2} ms",
        percentile(&mut all, 50.0),
        percentile(&mut all, 99.0),
        percentile(&mut all_cpu, 50.0),
        percentile(&mut all_cpu, 99.0)
    );
    Ok(())
}

/// Computes signatures and LSH, then checks every planted duplicate and fresh text.
fn duplicates(o: &Options, rows: &[Row], report: &mut String) -> Result<(), String> {
    let err = |e: std::io::Error| e.to_string();
    // Near-duplicates.
    let (c0, t0) = (cpu_seconds(), Instant::now());
    let mut lsh = Lsh::with_capacity(rows.len());
    for r in rows {
        lsh.push(&Signature::of(&r.text));
    }
    lsh.merge();
    let sig_cpu = cpu_seconds() - c0;
    let _ = writeln!(
        report,
        "\n## Near-duplicate check (MinHash by one-permutation hashing, 56 bands x 3 rows over character 3-grams, exact re-rank)\nsignatures and LSH for {} documents: {sig_cpu:.1} CPU-s, {:.1} s wall; index {:.0} MiB",
        rows.len(),
        t0.elapsed().as_secs_f64(),
        lsh.bytes() as f64 / 1048576.0
    );
    // Time spent in each phase of every check, for the breakdown printed below.
    let phases = std::cell::RefCell::new([Vec::new(), Vec::new(), Vec::new()]);
    let check = |text: &str| -> Vec<(u32, f64)> {
        let t = Instant::now();
        let shingles = shingle_set(text);
        let sig = Signature::of_shingles(&shingles);
        let t_sig = t.elapsed();
        let candidates = lsh.candidates(&sig, MIN_ESTIMATE, RERANK);
        let t_cand = t.elapsed();
        let estimates: Vec<f64> = candidates.iter().map(|c| c.estimate).collect();
        let mut found: Vec<(u32, f64)> = candidates[..worth_reranking(&estimates, 5)]
            .iter()
            .map(|c| {
                (
                    c.doc,
                    jaccard(&shingles, &shingle_set(&rows[c.doc as usize].text)),
                )
            })
            .collect();
        found.sort_by(|a, b| b.1.total_cmp(&a.1));
        found.truncate(5);
        let t_all = t.elapsed();
        let mut p = phases.borrow_mut();
        p[0].push(t_sig.as_secs_f64() * 1e3);
        p[1].push((t_cand - t_sig).as_secs_f64() * 1e3);
        p[2].push((t_all - t_cand).as_secs_f64() * 1e3);
        found
    };
    let dups = std::io::BufReader::new(std::fs::File::open(o.dir.join("dups.tsv")).map_err(err)?);
    let (mut high, mut high_found, mut mid, mut mid_found) = (0, 0, 0, 0);
    let mut times = Vec::new();
    let mut cpu_times = Vec::new();
    for line in dups.lines() {
        let line = line.map_err(err)?;
        let parts: Vec<&str> = line.splitn(5, '\t').collect();
        let (Some(source), Some(j), Some(text)) = (
            parts.get(1).and_then(|v| v.parse::<usize>().ok()),
            parts.get(3).and_then(|v| v.parse::<f64>().ok()),
            parts.get(4),
        ) else {
            continue;
        };
        if source >= rows.len() {
            continue;
        }
        let lap = Lap::start();
        let found = check(text);
        let (ms, cpu) = lap.stop();
        times.push(ms);
        cpu_times.push(cpu);
        let hit = found.iter().any(|(d, _)| *d as usize == source);
        if j >= 0.5 {
            high += 1;
            high_found += usize::from(hit);
        } else if j >= 0.3 {
            mid += 1;
            mid_found += usize::from(hit);
        }
    }
    let fresh = std::io::BufReader::new(std::fs::File::open(o.dir.join("fresh.tsv")).map_err(err)?);
    let mut false_matches = 0;
    let mut fresh_n = 0;
    for line in fresh.lines() {
        let line = line.map_err(err)?;
        let Some((_, text)) = line.split_once('\t') else {
            continue;
        };
        let lap = Lap::start();
        let found = check(text);
        let (ms, cpu) = lap.stop();
        times.push(ms);
        cpu_times.push(cpu);
        fresh_n += 1;
        false_matches += usize::from(found.iter().any(|(_, j)| *j >= 0.5));
    }
    let _ = writeln!(
        report,
        "checks: {} (planted duplicates and fresh texts), end to end (shingles, signature, candidates, exact re-rank, top 5): p50 {:.3} ms  p99 {:.3} ms (wall); CPU p50 {:.3} ms  p99 {:.3} ms",
        times.len(),
        percentile(&mut times, 50.0),
        percentile(&mut times, 99.0),
        percentile(&mut cpu_times, 50.0),
        percentile(&mut cpu_times, 99.0)
    );
    let mut p = phases.borrow_mut();
    let _ = writeln!(
        report,
        "phases (wall, p50 / p99 ms): shingles and signature {:.3} / {:.3}; candidates {:.3} / {:.3}; exact re-rank {:.3} / {:.3}",
        percentile(&mut p[0], 50.0),
        percentile(&mut p[0], 99.0),
        percentile(&mut p[1], 50.0),
        percentile(&mut p[1], 99.0),
        percentile(&mut p[2], 50.0),
        percentile(&mut p[2], 99.0),
    );
    let _ = writeln!(
        report,
        "recall@5 of planted duplicates: Jaccard >= 0.5: {:.3} ({high_found}/{high}); 0.3-0.5: {:.3} ({mid_found}/{mid})",
        high_found as f64 / high.max(1) as f64,
        mid_found as f64 / mid.max(1) as f64
    );
    let _ = writeln!(
        report,
        "precision: fresh texts matched at Jaccard >= 0.5: {false_matches} of {fresh_n}"
    );
    Ok(())
}

/// Runs the Python peers in a virtual environment (made on first use from PyPI).
fn peers(o: &Options) -> String {
    let root = std::env::var("INGOT_BENCH_PEERS")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from("bench/peers"));
    let venv = std::env::var("INGOT_BENCH_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|_| {
            PathBuf::from(std::env::var("HOME").unwrap_or_else(|_| "/tmp".into()))
                .join(".cache/ingot-bench-venv")
        });
    let python = venv.join("bin/python");
    let mut out = String::from("\n## Peers, same corpus, same run\n");
    if !python.exists() {
        let made = std::process::Command::new("python3")
            .args(["-m", "venv"])
            .arg(&venv)
            .status();
        let installed = std::process::Command::new(venv.join("bin/pip"))
            .args(["install", "--quiet", "-r"])
            .arg(root.join("requirements.txt"))
            .status();
        if !matches!((made, installed), (Ok(a), Ok(b)) if a.success() && b.success()) {
            out.push_str("could not install the peers (python3-venv and PyPI are needed)\n");
            return out;
        }
    }
    let wanted = |script: &str| {
        if script.starts_with("fts5") {
            o.search
        } else {
            o.duplicates
        }
    };
    for (script, args) in [
        (
            "fts5_peer.py",
            vec![
                o.dir.display().to_string(),
                o.docs.to_string(),
                o.dir.join("queries.tsv").display().to_string(),
            ],
        ),
        (
            "minhash_peer.py",
            vec![o.dir.display().to_string(), o.docs.to_string()],
        ),
    ]
    .into_iter()
    .filter(|(script, _)| wanted(script))
    {
        match std::process::Command::new(&python)
            .arg(root.join(script))
            .args(&args)
            .output()
        {
            Ok(r) => {
                out.push_str(&String::from_utf8_lossy(&r.stdout));
                if !r.status.success() {
                    out.push_str(&String::from_utf8_lossy(&r.stderr));
                }
            }
            Err(e) => {
                let _ = writeln!(out, "{script}: {e}");
            }
        }
    }
    out
}
