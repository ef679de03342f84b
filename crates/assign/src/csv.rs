//! Reads an instance from three CSV files (the benchmark's exchange format):
//!
//! - `reviewers.csv`: `reviewer,min_load,max_load`, reviewers numbered `0..R`;
//! - `submissions.csv`: `submission,reviews`, submissions numbered `0..P`;
//! - `affinity.csv`: `submission,reviewer,affinity`, one row per allowed pair.
//!
//! A hand-written byte parser over fixed-size chunks: no allocation per line, and memory beyond
//! the instance itself stays at one chunk, which matters for the 19-million-row files.

use crate::{Instance, Load, Pair};
use std::io::Read;
use std::path::{Path, PathBuf};

const CHUNK: usize = 1 << 20;

/// Where and why a file could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvError {
    pub file: PathBuf,
    /// 1-based; 0 when the file itself could not be opened or read.
    pub line: u64,
    /// 1-based byte column where the bad field starts; 0 for a whole-line or whole-file problem.
    pub column: u64,
    pub message: String,
}

impl std::fmt::Display for CsvError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.line, self.column) {
            (0, _) => write!(f, "{}: {}", self.file.display(), self.message),
            (line, 0) => write!(f, "{}:{line}: {}", self.file.display(), self.message),
            (line, column) => {
                write!(
                    f,
                    "{}:{line}:{column}: {}",
                    self.file.display(),
                    self.message
                )
            }
        }
    }
}

impl std::error::Error for CsvError {}

/// Reads `reviewers.csv`, `submissions.csv` and `affinity.csv` from `dir`.
pub fn read_instance(dir: &Path) -> Result<Instance, CsvError> {
    let mut loads = Vec::new();
    read_rows(
        &dir.join("reviewers.csv"),
        &["reviewer", "min_load", "max_load"],
        |row| {
            expect_next_id(row[0], loads.len(), "reviewer")?;
            let (min, max) = (to_u32(row[1], 2)?, to_u32(row[2], 3)?);
            loads.push(Load { min, max });
            Ok(())
        },
    )?;
    let mut reviews = Vec::new();
    read_rows(
        &dir.join("submissions.csv"),
        &["submission", "reviews"],
        |row| {
            expect_next_id(row[0], reviews.len(), "submission")?;
            reviews.push(to_u32(row[1], 2)?);
            Ok(())
        },
    )?;
    let (r_count, s_count) = (loads.len() as i64, reviews.len() as i64);
    let mut pairs = Vec::new();
    read_rows(
        &dir.join("affinity.csv"),
        &["submission", "reviewer", "affinity"],
        |row| {
            let submission = in_range(row[0], s_count, "submission", 1)?;
            let reviewer = in_range(row[1], r_count, "reviewer", 2)?;
            pairs.push(Pair {
                submission,
                reviewer,
                affinity: row[2],
            });
            Ok(())
        },
    )?;
    Ok(Instance {
        loads,
        reviews,
        pairs,
    })
}

/// A field problem found while handling a row: (field number, message).
type FieldError = (usize, String);

fn expect_next_id(value: i64, expected: usize, what: &str) -> Result<(), FieldError> {
    if value != expected as i64 {
        return Err((
            1,
            format!("expected {what} {expected} (rows in order from 0), found {value}"),
        ));
    }
    Ok(())
}

fn to_u32(value: i64, field: usize) -> Result<u32, FieldError> {
    u32::try_from(value).map_err(|_| (field, format!("{value} is not a count from 0 to 2^32-1")))
}

fn in_range(value: i64, count: i64, what: &str, field: usize) -> Result<u32, FieldError> {
    if value < 0 || value >= count {
        return Err((field, format!("unknown {what} {value} (there are {count})")));
    }
    Ok(value as u32)
}

/// Streams `path`, checks the header, parses each data row into integers and hands it to
/// `handle`.
fn read_rows<const N: usize>(
    path: &Path,
    header: &[&str; N],
    mut handle: impl FnMut([i64; N]) -> Result<(), FieldError>,
) -> Result<(), CsvError> {
    let fail = |line: u64, column: u64, message: String| CsvError {
        file: path.to_path_buf(),
        line,
        column,
        message,
    };
    let mut file = std::fs::File::open(path).map_err(|e| fail(0, 0, e.to_string()))?;
    let mut buf = vec![0u8; CHUNK];
    let mut filled = 0;
    let mut line_no = 0u64;
    let mut at_end = false;
    loop {
        if !at_end {
            let read = file
                .read(&mut buf[filled..])
                .map_err(|e| fail(0, 0, e.to_string()))?;
            at_end = read == 0;
            filled += read;
        }
        let mut pos = 0;
        loop {
            let rest = &buf[pos..filled];
            if line_no > 0
                && let Some((row, used)) = parse_plain_row::<N>(rest)
            {
                line_no += 1;
                pos += used;
                if let Err((field, message)) = handle(row) {
                    let mut starts = [0u64; N];
                    let _ = parse_row::<N>(rest[..used].trim_ascii_end(), &mut starts);
                    let column = starts[field - 1] + 1;
                    let message = format!("{}: {message}", header[field - 1]);
                    return Err(fail(line_no, column, message));
                }
                continue;
            }
            let Some(len) =
                rest.iter()
                    .position(|&b| b == b'\n')
                    .or(if at_end && !rest.is_empty() {
                        Some(rest.len())
                    } else {
                        None
                    })
            else {
                break;
            };
            let mut line = &rest[..len];
            if line.last() == Some(&b'\r') {
                line = &line[..line.len() - 1];
            }
            line_no += 1;
            pos += (len + 1).min(filled - pos);
            if line_no == 1 {
                let expected = header.join(",");
                if line != expected.as_bytes() {
                    return Err(fail(
                        1,
                        0,
                        format!(
                            "expected the header `{expected}`, found `{}`",
                            String::from_utf8_lossy(line)
                        ),
                    ));
                }
                continue;
            }
            if line.is_empty() {
                continue;
            }
            let mut starts = [0u64; N];
            let row = parse_row::<N>(line, &mut starts)
                .map_err(|(column, message)| fail(line_no, column, message))?;
            handle(row).map_err(|(field, message)| {
                fail(
                    line_no,
                    starts[field - 1] + 1,
                    format!("{}: {message}", header[field - 1]),
                )
            })?;
        }
        if at_end {
            if line_no == 0 {
                return Err(fail(0, 0, "empty file, expected a header".into()));
            }
            return Ok(());
        }
        // Keep the unfinished line; grow the buffer only if one line fills it.
        buf.copy_within(pos..filled, 0);
        filled -= pos;
        if filled == buf.len() {
            buf.resize(buf.len() * 2, 0);
        }
    }
}

/// The fast path for the common row: `N` plain integers of at most 18 digits, comma-separated,
/// ending in a newline inside `bytes`. Returns the values and the bytes used; `None` sends the
/// row (or an unfinished one) to the careful path.
fn parse_plain_row<const N: usize>(bytes: &[u8]) -> Option<([i64; N], usize)> {
    let mut values = [0i64; N];
    let mut i = 0;
    for (field, value) in values.iter_mut().enumerate() {
        let negative = *bytes.get(i)? == b'-';
        i += usize::from(negative);
        let start = i;
        let mut v = 0i64;
        loop {
            let digit = bytes.get(i)?.wrapping_sub(b'0');
            if digit > 9 {
                break;
            }
            v = v * 10 + i64::from(digit);
            i += 1;
        }
        if i == start || i - start > 18 {
            return None;
        }
        let end = if field + 1 < N { b',' } else { b'\n' };
        let mut next = *bytes.get(i)?;
        if next == b'\r' && end == b'\n' {
            i += 1;
            next = *bytes.get(i)?;
        }
        if next != end {
            return None;
        }
        i += 1;
        *value = if negative { -v } else { v };
    }
    Some((values, i))
}

/// Parses `N` comma-separated integers; on error, the 1-based column and a message.
fn parse_row<const N: usize>(
    line: &[u8],
    starts: &mut [u64; N],
) -> Result<[i64; N], (u64, String)> {
    let mut values = [0i64; N];
    let mut i = 0;
    for (field, value) in values.iter_mut().enumerate() {
        starts[field] = i as u64;
        if field > 0 {
            if line.get(i) != Some(&b',') {
                return Err((i as u64 + 1, format!("expected {N} fields, found {field}")));
            }
            i += 1;
            starts[field] = i as u64;
        }
        let negative = line.get(i) == Some(&b'-');
        if negative {
            i += 1;
        }
        let digits_start = i;
        let mut v: i64 = 0;
        while let Some(&b) = line.get(i) {
            if !b.is_ascii_digit() {
                break;
            }
            v = v
                .checked_mul(10)
                .and_then(|v| v.checked_add(i64::from(b - b'0')))
                .ok_or_else(|| (starts[field] + 1, "number too large".to_string()))?;
            i += 1;
        }
        if i == digits_start || (i < line.len() && line[i] != b',') {
            let end = line[starts[field] as usize..]
                .iter()
                .position(|&b| b == b',')
                .map_or(line.len(), |e| starts[field] as usize + e);
            return Err((
                starts[field] + 1,
                format!(
                    "expected an integer, found `{}`",
                    String::from_utf8_lossy(&line[starts[field] as usize..end])
                ),
            ));
        }
        *value = if negative { -v } else { v };
    }
    if i != line.len() {
        return Err((i as u64 + 1, format!("expected {N} fields, found more")));
    }
    Ok(values)
}
