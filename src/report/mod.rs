//! Reports: what a run writes under `reports/<scenario>/`, and the terminal table.
//!
//! One [`Exporter`] per file; a new format is a new exporter in its own module, listed in
//! [`exporters`]. [`write_reports`] writes every file into a temporary folder beside the
//! target and renames it into place only when all succeeded, so a failed run never leaves a
//! half-written report (and a previous report stays intact until the new one is complete).

pub mod charts;
pub mod costs;
pub mod format;
pub mod latency;
pub mod summary;
pub mod table;
#[cfg(test)]
mod testutil;
pub mod timeseries;
pub mod verdict;

use std::fs;
use std::path::{Path, PathBuf};

use crate::error::SimError;
use crate::run::RunResult;

/// Writes one report file.
pub trait Exporter: Sync {
    /// The file's name inside the report folder.
    fn file_name(&self) -> &'static str;
    /// Writes the file at `path`.
    ///
    /// # Errors
    /// I/O or encoding failures.
    fn write(&self, run: &RunResult, path: &Path) -> Result<(), SimError>;
}

/// Every exporter, in the order the files are written.
pub fn exporters() -> Vec<Box<dyn Exporter>> {
    vec![
        Box::new(summary::SummaryCsv),
        Box::new(timeseries::TimeseriesCsv),
        Box::new(latency::LatencyCsv),
        Box::new(costs::CostsCsv),
        Box::new(charts::CostChart),
        Box::new(charts::LatencyCdfChart),
        Box::new(charts::InstancesChart),
        Box::new(charts::CostOverTimeChart),
    ]
}

/// Writes all reports of `run` into `out_dir`, atomically: all files or none.
///
/// # Errors
/// The folder cannot be created or a file cannot be written; nothing is left behind.
pub fn write_reports(run: &RunResult, out_dir: &Path) -> Result<PathBuf, SimError> {
    let parent = out_dir
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::create_dir_all(parent)
        .map_err(|e| SimError::io(format!("creating {}", parent.display()), e))?;
    let leaf = out_dir
        .file_name()
        .ok_or_else(|| SimError::Report(format!("{} is not a folder name", out_dir.display())))?
        .to_string_lossy()
        .into_owned();
    let staging = parent.join(format!(".{leaf}.tmp-{}", std::process::id()));
    let _ = fs::remove_dir_all(&staging);
    fs::create_dir(&staging)
        .map_err(|e| SimError::io(format!("creating {}", staging.display()), e))?;
    let written = exporters()
        .iter()
        .try_for_each(|x| x.write(run, &staging.join(x.file_name())));
    if let Err(e) = written {
        let _ = fs::remove_dir_all(&staging);
        return Err(e);
    }
    replace_dir(&staging, out_dir).inspect_err(|_| {
        let _ = fs::remove_dir_all(&staging);
    })?;
    Ok(out_dir.to_path_buf())
}

/// Moves `staging` to `target`, replacing a previous report folder there.
fn replace_dir(staging: &Path, target: &Path) -> Result<(), SimError> {
    let old = if target.exists() {
        let old = staging.with_extension("old");
        let _ = fs::remove_dir_all(&old);
        fs::rename(target, &old)
            .map_err(|e| SimError::io(format!("moving aside {}", target.display()), e))?;
        Some(old)
    } else {
        None
    };
    fs::rename(staging, target)
        .map_err(|e| SimError::io(format!("moving report into {}", target.display()), e))?;
    if let Some(old) = old {
        let _ = fs::remove_dir_all(old);
    }
    Ok(())
}

/// A CSV report file being written; every error names the file.
pub(crate) struct CsvFile<'a> {
    path: &'a Path,
    writer: csv::Writer<fs::File>,
}

impl<'a> CsvFile<'a> {
    /// Creates `path` and writes the header row.
    pub(crate) fn create<I, T>(path: &'a Path, header: I) -> Result<Self, SimError>
    where
        I: IntoIterator<Item = T>,
        T: AsRef<[u8]>,
    {
        let writer = csv::Writer::from_path(path).map_err(|e| Self::error(path, e))?;
        let mut file = Self { path, writer };
        file.row(header)?;
        Ok(file)
    }

    /// Writes one row.
    pub(crate) fn row<I, T>(&mut self, fields: I) -> Result<(), SimError>
    where
        I: IntoIterator<Item = T>,
        T: AsRef<[u8]>,
    {
        self.writer
            .write_record(fields)
            .map_err(|e| Self::error(self.path, e))
    }

    /// Flushes the file to disk.
    pub(crate) fn finish(mut self) -> Result<(), SimError> {
        self.writer
            .flush()
            .map_err(|e| SimError::io(format!("writing {}", self.path.display()), e))
    }

    fn error(path: &Path, e: csv::Error) -> SimError {
        SimError::Report(format!("writing {}: {e}", path.display()))
    }
}
