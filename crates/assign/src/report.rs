//! `ingot assign solve DIR`: read the CSV files, solve, and report the objective, the CPU and
//! wall time of each step, the peak resident memory and a digest of the assignment.

use crate::{Assignment, solve_with_stats};
use sha2::{Digest, Sha256};
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;
use std::time::Instant;

/// Solves the instance in `dir`; writes the assignment to `out` if given; returns the report.
pub fn solve_dir(dir: &Path, out: Option<&Path>) -> Result<String, Box<dyn std::error::Error>> {
    let started = Lap::start();
    let inst = crate::csv::read_instance(dir)?;
    let read = started.elapsed();
    let solving = Lap::start();
    let (result, stats) = solve_with_stats(&inst);
    let solved = solving.elapsed();
    let assignment = result.map_err(|reason| format!("no assignment: {reason}"))?;
    let total = started.elapsed();
    if let Some(out) = out {
        write_assignment(out, &assignment).map_err(|e| format!("{}: {e}", out.display()))?;
    }
    let mut report = String::new();
    let _ = writeln!(
        report,
        "instance: {} reviewers, {} submissions, {} allowed pairs",
        inst.loads.len(),
        inst.reviews.len(),
        inst.pairs.len()
    );
    let _ = writeln!(report, "objective: {}", assignment.objective);
    let _ = writeln!(report, "assigned pairs: {}", assignment.pairs.len());
    let _ = writeln!(report, "digest: {}", digest(&assignment));
    let _ = writeln!(
        report,
        "solver: {} round(s), {} candidate pairs, {} priced, {} phases, {} pushes, {} relabels, {} price updates",
        stats.rounds,
        stats.candidate_pairs,
        stats.priced_pairs,
        stats.flow.phases,
        stats.flow.pushes,
        stats.flow.relabels,
        stats.flow.price_updates
    );
    for (step, lap) in [("read", read), ("solve", solved), ("total", total)] {
        let _ = writeln!(
            report,
            "{step}: cpu {:.3} s, wall {:.3} s",
            lap.cpu, lap.wall
        );
    }
    let _ = writeln!(report, "peak RSS: {:.0} MiB", peak_rss_mib());
    Ok(report)
}

/// SHA-256 (first 16 hex digits) of the submissions then the reviewers of the sorted pairs as
/// little-endian 32-bit integers: the same digest the OR-Tools peer prints.
pub fn digest(assignment: &Assignment) -> String {
    let mut hasher = Sha256::new();
    for &(s, _) in &assignment.pairs {
        hasher.update(s.to_le_bytes());
    }
    for &(_, r) in &assignment.pairs {
        hasher.update(r.to_le_bytes());
    }
    let hex: String = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    hex[..16].to_string()
}

fn write_assignment(path: &Path, assignment: &Assignment) -> std::io::Result<()> {
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    writeln!(out, "submission,reviewer")?;
    for &(s, r) in &assignment.pairs {
        writeln!(out, "{s},{r}")?;
    }
    out.flush()
}

/// CPU seconds of the whole process (every thread).
fn process_cpu_seconds() -> f64 {
    let mut t = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes one timespec through a valid pointer.
    unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut t) };
    t.tv_sec as f64 + t.tv_nsec as f64 / 1e9
}

/// Peak resident set size (VmHWM) in MiB; 0 where /proc is missing.
fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kib| kib / 1024.0)
}

#[derive(Clone, Copy)]
struct Lap {
    cpu: f64,
    wall: f64,
}

struct Start {
    cpu: f64,
    wall: Instant,
}

impl Lap {
    fn start() -> Start {
        Start {
            cpu: process_cpu_seconds(),
            wall: Instant::now(),
        }
    }
}

impl Start {
    fn elapsed(&self) -> Lap {
        Lap {
            cpu: process_cpu_seconds() - self.cpu,
            wall: self.wall.elapsed().as_secs_f64(),
        }
    }
}
