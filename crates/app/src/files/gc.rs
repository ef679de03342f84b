//! The file collector: removes stored files that no committed row names (uploads abandoned
//! before their row was written, rows deleted since) once they are older than a grace period.
//!
//! An upload stores its file first and commits its row afterwards, so a young file without a row
//! may be one whose transaction is still running. The cut-off is taken before the referencing
//! rows are read: a file older than it was stored more than the grace period before that read,
//! and the transaction of its upload, lasting less than that, had committed by then, so its row
//! is seen. A file stored again meanwhile (same contents) has had its time renewed by
//! `FileStore::put`; the collector moves each file aside before removing it and looks at its
//! time once more, so such a file is put back rather than lost.

use super::FileStore;
use crate::Result;
use ingot_domain::AppError;
use ingot_store::{Db, file_refs};
use std::collections::HashSet;
use std::fs;
use std::path::Path;
use std::time::{Duration, SystemTime};

/// What the servers use: far longer than any transaction (the pools give up acquiring a
/// connection after a minute, and no request holds a transaction while reading its body).
pub const DEFAULT_GRACE: Duration = Duration::from_secs(24 * 3600);

/// The least grace period the command line accepts.
pub const MIN_GRACE: Duration = Duration::from_secs(3600);

/// Prefix of a file moved aside for removal; the rest of its name is the hash.
const TRASH_PREFIX: &str = ".gc-";

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct GcReport {
    /// Stored files looked at (not counting partial uploads).
    pub files: usize,
    /// Kept because a committed row names them.
    pub referenced: usize,
    /// Kept because they are younger than the grace period.
    pub young: usize,
    /// Removed (or, in a dry run, that would be): unreferenced files, partial uploads left by
    /// a crash, files set aside by an interrupted run.
    pub removed: usize,
    pub removed_bytes: u64,
    /// Files moved aside by an interrupted run and put back because a row names them.
    pub restored: usize,
    /// Files of other names, left alone.
    pub foreign: usize,
    pub dry_run: bool,
}

impl std::fmt::Display for GcReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} files: {} referenced, {} younger than the grace period, {} {} ({} bytes), {} restored, {} of other names left alone",
            self.files,
            self.referenced,
            self.young,
            self.removed,
            if self.dry_run {
                "would be removed"
            } else {
                "removed"
            },
            self.removed_bytes,
            self.restored,
            self.foreign
        )
    }
}

/// Removes the files of `store` that no committed row names and that are older than `grace`;
/// with `dry_run`, only counts them.
pub async fn collect_garbage(
    db: &Db,
    store: &FileStore,
    grace: Duration,
    dry_run: bool,
) -> Result<GcReport> {
    let cutoff = SystemTime::now()
        .checked_sub(grace)
        .ok_or_else(|| AppError::internal("grace period before the epoch"))?;
    let referenced = {
        let mut tx = db.read().await?;
        let hashes = file_refs::referenced(&mut tx).await?;
        tx.rollback().await?;
        hashes
    };
    let root = store.root().to_path_buf();
    tokio::task::spawn_blocking(move || sweep(&root, &referenced, cutoff, dry_run))
        .await
        .map_err(AppError::internal)?
        .map_err(|e| AppError::internal(format!("file collector: {e}")))
}

fn is_hash(name: &str) -> bool {
    name.len() == 64
        && name
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

fn modified(path: &Path) -> std::io::Result<SystemTime> {
    fs::metadata(path)?.modified()
}

/// Whether the file was last renamed (its inode changed) before `cutoff`.
#[cfg(unix)]
fn set_aside_before(path: &Path, cutoff: SystemTime) -> std::io::Result<bool> {
    use std::os::unix::fs::MetadataExt;
    let ctime = fs::metadata(path)?.ctime();
    let cutoff = cutoff
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    Ok(ctime < cutoff)
}

#[cfg(not(unix))]
fn set_aside_before(_path: &Path, _cutoff: SystemTime) -> std::io::Result<bool> {
    Ok(false)
}

/// Ignores a file that vanished meanwhile (another server's collector took it).
fn gone_is_fine(r: std::io::Result<()>) -> std::io::Result<()> {
    match r {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        r => r,
    }
}

fn sweep(
    root: &Path,
    referenced: &HashSet<String>,
    cutoff: SystemTime,
    dry_run: bool,
) -> std::io::Result<GcReport> {
    let mut report = GcReport {
        dry_run,
        ..Default::default()
    };
    let top = match fs::read_dir(root) {
        Ok(t) => t,
        // No upload yet: nothing to collect.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(report),
        Err(e) => return Err(e),
    };
    for dir in top {
        let dir = dir?;
        let prefix = dir.file_name().to_string_lossy().into_owned();
        if !dir.file_type()?.is_dir() || prefix.len() != 2 {
            report.foreign += 1;
            continue;
        }
        for entry in fs::read_dir(dir.path())? {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let path = entry.path();
            if is_hash(&name) && name.starts_with(&prefix) {
                report.files += 1;
                if referenced.contains(&name) {
                    report.referenced += 1;
                } else if modified(&path)? >= cutoff {
                    report.young += 1;
                } else {
                    gone_is_fine(remove(&path, &name, cutoff, dry_run, &mut report))?;
                }
            } else if let Some(rest) = name.strip_prefix(TRASH_PREFIX) {
                // Moved aside by a run that stopped half-way.
                let hash = rest.split('.').next().unwrap_or("");
                let original = dir.path().join(hash);
                if is_hash(hash) && referenced.contains(hash) && !original.exists() {
                    if !dry_run {
                        gone_is_fine(fs::rename(&path, &original))?;
                    }
                    report.restored += 1;
                } else if set_aside_before(&path, cutoff)? {
                    // (A recent one may be another server's collector at work.)
                    gone_is_fine(discard(&path, dry_run, &mut report))?;
                }
            } else if name.starts_with('.') {
                // What an upload writes before renaming it into place; left by a crash if old.
                if modified(&path)? >= cutoff {
                    report.young += 1;
                } else {
                    gone_is_fine(discard(&path, dry_run, &mut report))?;
                }
            } else {
                report.foreign += 1;
            }
        }
    }
    Ok(report)
}

/// Removes a file nothing can be waiting for (a partial upload, a file set aside long ago).
fn discard(path: &Path, dry_run: bool, report: &mut GcReport) -> std::io::Result<()> {
    let bytes = fs::metadata(path)?.len();
    if !dry_run {
        fs::remove_file(path)?;
    }
    report.removed += 1;
    report.removed_bytes += bytes;
    Ok(())
}

/// Moves the file aside, checks that nobody stored it again meanwhile, and removes it.
fn remove(
    path: &Path,
    hash: &str,
    cutoff: SystemTime,
    dry_run: bool,
    report: &mut GcReport,
) -> std::io::Result<()> {
    let bytes = fs::metadata(path)?.len();
    if dry_run {
        report.removed += 1;
        report.removed_bytes += bytes;
        return Ok(());
    }
    let trash = path.with_file_name(format!(
        "{TRASH_PREFIX}{hash}.{}",
        crate::secrets::random_token("")
    ));
    fs::rename(path, &trash)?;
    if modified(&trash)? >= cutoff {
        // Stored again since it was looked at: its upload's row may be about to commit.
        if path.exists() {
            fs::remove_file(&trash)?;
        } else {
            fs::rename(&trash, path)?;
        }
        report.young += 1;
        return Ok(());
    }
    fs::remove_file(&trash)?;
    report.removed += 1;
    report.removed_bytes += bytes;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn aged(path: &Path, hours: u64) {
        let when = SystemTime::now() - Duration::from_secs(hours * 3600);
        fs::File::open(path).unwrap().set_modified(when).unwrap();
    }

    #[test]
    fn a_file_stored_again_while_being_collected_is_put_back() {
        let root = std::env::temp_dir().join(format!(
            "ingot-gc-unit-{}",
            crate::secrets::random_token("")
        ));
        let hash = "ab".repeat(32);
        let dir = root.join("ab");
        fs::create_dir_all(&dir).unwrap();
        let path = dir.join(&hash);
        fs::write(&path, b"x").unwrap();
        aged(&path, 48);
        let cutoff = SystemTime::now() - Duration::from_secs(24 * 3600);
        // Renewed between the look and the removal (what a concurrent `put` does).
        fs::File::open(&path)
            .unwrap()
            .set_modified(SystemTime::now())
            .unwrap();
        let mut report = GcReport::default();
        remove(&path, &hash, cutoff, false, &mut report).unwrap();
        assert!(path.exists(), "put back");
        assert_eq!((report.removed, report.young), (0, 1));
        // Left aside by an interrupted run: restored when a row names it.
        let trash = dir.join(format!("{TRASH_PREFIX}{hash}.xyz"));
        fs::rename(&path, &trash).unwrap();
        let referenced: HashSet<String> = [hash.clone()].into();
        let r = sweep(&root, &referenced, cutoff, false).unwrap();
        assert_eq!(r.restored, 1);
        assert!(path.exists() && !trash.exists());
        // One moved aside just now may be another collector's: left to it.
        fs::rename(&path, &trash).unwrap();
        sweep(&root, &HashSet::new(), cutoff, false).unwrap();
        assert!(trash.exists());
        fs::remove_dir_all(&root).unwrap();
    }
}
