//! Reports: what a run writes under `reports/<scenario>/`, and the terminal table.
//!
//! Every column of `summary.csv`, `costs.csv` and `functions.csv` is defined in
//! `docs/reports.md`; each exporter's module doc lists its columns in order.
//!
//! One [`Exporter`] per file; a new format is a new exporter in its own module, listed in
//! [`exporters`]. [`write_reports`] has [`output`] write them into a staging folder and put it
//! in place only when all succeeded, so a failed run never leaves a half-written report, a
//! previous report stays intact until the new one is complete, and a folder that is not a
//! report is never replaced.

pub mod captions;
pub mod charts;
pub mod costs;
pub mod csv_cell;
pub mod format;
pub mod functions;
pub mod html;
pub mod json;
pub mod latency;
pub mod output;
#[cfg(test)]
mod part_tests;
pub mod slo;
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
    /// Whether `run`'s report has this file (most always do; `quotas.png` only for a run with
    /// a hard quota).
    fn writes(&self, _run: &RunResult) -> bool {
        true
    }
    /// The file as an SVG document, for a chart (the HTML report inlines it); `None` for a
    /// file that is not a chart.
    fn svg(&self, _run: &RunResult) -> Option<Result<String, SimError>> {
        None
    }
}

/// Every exporter, in the order the files are written.
pub fn exporters() -> Vec<Box<dyn Exporter>> {
    vec![
        Box::new(summary::SummaryCsv),
        Box::new(timeseries::TimeseriesCsv),
        Box::new(latency::LatencyCsv),
        Box::new(costs::CostsCsv),
        Box::new(functions::FunctionsCsv),
        Box::new(charts::CostChart),
        Box::new(charts::LatencyCdfChart),
        Box::new(charts::LatencyOverTimeChart),
        Box::new(charts::InstancesChart),
        Box::new(charts::CostOverTimeChart),
        Box::new(charts::KeepAliveChart),
        Box::new(charts::CostLatencyChart),
        Box::new(charts::QuotasChart),
    ]
}

/// Writes all reports of `run` into `out_dir` with their `manifest.toml`, atomically: all
/// files or none. The folder rule and its guarantees are [`output`]'s.
///
/// # Errors
/// `out_dir` may not receive a report (a file, a link, a folder that is not a report), or a
/// file cannot be written; `out_dir` is then as it was and nothing is left behind.
pub fn write_reports(run: &RunResult, out_dir: &Path) -> Result<PathBuf, SimError> {
    write_reports_and(run, out_dir, |_| Ok(()))
}

/// [`write_reports`], with `extra` writing more files into the same folder (e.g. the
/// replications of `run --replications`) before it is put in place.
///
/// # Errors
/// As [`write_reports`], and whatever `extra` returns.
pub fn write_reports_and(
    run: &RunResult,
    out_dir: &Path,
    extra: impl FnOnce(&Path) -> Result<(), SimError>,
) -> Result<PathBuf, SimError> {
    let mut manifest =
        output::Manifest::for_run(&run.scenario, run.seed, run.window.month, &run.warnings);
    manifest.measured = format::measured_range(&run.window);
    output::write_folder(out_dir, manifest, |dir| {
        exporters()
            .iter()
            .filter(|x| x.writes(run))
            .try_for_each(|x| x.write(run, &dir.join(x.file_name())))?;
        extra(dir)
    })
}

/// A CSV report file being written; every error names the file.
pub(crate) struct CsvFile<'a> {
    path: &'a Path,
    writer: csv::Writer<fs::File>,
    /// The row being written, kept to reuse its memory.
    record: csv::ByteRecord,
}

impl<'a> CsvFile<'a> {
    /// Creates `path` and writes the header row.
    pub(crate) fn create<I, T>(path: &'a Path, header: I) -> Result<Self, SimError>
    where
        I: IntoIterator<Item = T>,
        T: AsRef<[u8]>,
    {
        let writer = csv::Writer::from_path(path).map_err(|e| Self::error(path, e))?;
        let mut file = Self {
            path,
            writer,
            record: csv::ByteRecord::new(),
        };
        file.row(header)?;
        Ok(file)
    }

    /// Writes one row, each cell spreadsheet-safe ([`csv_cell::protect`]).
    pub(crate) fn row<I, T>(&mut self, fields: I) -> Result<(), SimError>
    where
        I: IntoIterator<Item = T>,
        T: AsRef<[u8]>,
    {
        self.record.clear();
        for field in fields {
            self.record.push_field(&csv_cell::protect(field.as_ref()));
        }
        self.writer
            .write_byte_record(&self.record)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exporters_write_distinct_files_and_never_the_folder_s_own() {
        let names: Vec<&str> = exporters().iter().map(|x| x.file_name()).collect();
        let mut unique = names.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), names.len(), "{names:?}");
        for reserved in [output::MANIFEST_FILE, output::staging::MARKER_FILE] {
            assert!(!names.contains(&reserved), "{reserved}");
        }
    }
}
