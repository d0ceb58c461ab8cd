//! Reading trace files with locations: every error names the file, the 1-based line and the
//! column at fault.
//!
//! Two readers: [`Table`] wraps the `csv` crate (quoting handled) for the row-per-record
//! files (durations, memory, 2021, plain CSV); [`LineReader`] reads raw lines with their byte
//! offsets, for the 2019 invocation files whose minute columns are later re-read in place
//! (see [`super::minutes`]).

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use super::timestamp::MAX_SECONDS;
use crate::error::TraceError;
use crate::units::MAX_MEMORY_MB;

/// A located error in `file`.
pub fn error(
    file: &Path,
    line: u64,
    field: impl Into<String>,
    msg: impl Into<String>,
) -> TraceError {
    TraceError {
        file: file.to_path_buf(),
        line,
        field: field.into(),
        message: msg.into(),
    }
}

/// The line each key was first seen on in one file, so that a repeated key is an error naming
/// both lines. Holds one entry per distinct key (O(functions), never O(rows)).
pub struct FirstLines {
    path: PathBuf,
    seen: HashMap<String, u64>,
}

impl FirstLines {
    /// An empty record for the file `path`.
    pub fn new(path: &Path) -> Self {
        Self {
            path: path.to_path_buf(),
            seen: HashMap::new(),
        }
    }

    /// Records `key` on `line`; if it was seen before, an error on `line` about `field`
    /// naming `what` the key is and the line it first appeared on.
    pub fn check(
        &mut self,
        key: &str,
        line: u64,
        field: &str,
        what: impl FnOnce() -> String,
    ) -> Result<(), TraceError> {
        match self.seen.get(key) {
            Some(&first) => Err(error(
                &self.path,
                line,
                field,
                format!(
                    "{} already has a row at {}:{first}: each must appear once per file \
                     (a repeated row would count its invocations twice); remove or merge \
                     the duplicate",
                    what(),
                    self.path.display()
                ),
            )),
            None => {
                self.seen.insert(key.to_string(), line);
                Ok(())
            }
        }
    }
}

/// Opens `path` for reading, as a located error if it cannot be.
pub fn open(path: &Path) -> Result<File, TraceError> {
    File::open(path).map_err(|e| error(path, 0, "(file)", format!("cannot open: {e}")))
}

/// The name of a column for messages: `'name' (column 3)`.
pub fn column_label(name: &str, index: usize) -> String {
    format!("{name} (column {})", index + 1)
}

/// A CSV file with a header row, read record by record.
pub struct Table {
    path: PathBuf,
    reader: csv::Reader<BufReader<File>>,
    record: csv::StringRecord,
    header: Vec<String>,
    line: u64,
}

impl Table {
    /// Opens `path` and reads its header; an empty file is an error on line 1.
    pub fn open(path: &Path) -> Result<Self, TraceError> {
        let file = open(path)?;
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(BufReader::with_capacity(1 << 16, file));
        let mut record = csv::StringRecord::new();
        let got = reader
            .read_record(&mut record)
            .map_err(|e| csv_error(path, &e))?;
        if !got {
            return Err(error(
                path,
                1,
                "header",
                "the file is empty: expected a header row",
            ));
        }
        let header = record
            .iter()
            .map(|s| s.trim_start_matches('\u{feff}').trim().to_string())
            .collect();
        Ok(Self {
            path: path.to_path_buf(),
            reader,
            record,
            header,
            line: 1,
        })
    }

    /// The header's column names, trimmed.
    pub fn header(&self) -> &[String] {
        &self.header
    }

    /// The index of column `name` (ASCII case-insensitive), if present.
    pub fn find(&self, name: &str) -> Option<usize> {
        self.header
            .iter()
            .position(|h| h.eq_ignore_ascii_case(name))
    }

    /// The index of the required column `name`, or an error on the header line.
    pub fn require(&self, name: &str) -> Result<usize, TraceError> {
        self.find(name).ok_or_else(|| {
            error(
                &self.path,
                1,
                "header",
                format!("missing column '{name}' (found: {})", self.header.join(",")),
            )
        })
    }

    /// Reads the next record; `false` at the end. A record whose field count differs from
    /// the header's is a ragged-row error.
    pub fn next(&mut self) -> Result<bool, TraceError> {
        if !self
            .reader
            .read_record(&mut self.record)
            .map_err(|e| csv_error(&self.path, &e))?
        {
            return Ok(false);
        }
        self.line = self.record.position().map_or(self.line + 1, |p| p.line());
        if self.record.len() != self.header.len() {
            return Err(self.err(
                "(row)",
                format!(
                    "has {} fields, the header has {}",
                    self.record.len(),
                    self.header.len()
                ),
            ));
        }
        Ok(true)
    }

    /// Field `col` of the current record, trimmed.
    pub fn get(&self, col: usize) -> &str {
        self.record[col].trim()
    }

    /// The line of the last record read.
    pub fn line(&self) -> u64 {
        self.line
    }

    /// The file being read.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// An error on the current line about `field`.
    pub fn err(&self, field: impl Into<String>, msg: impl Into<String>) -> TraceError {
        error(&self.path, self.line, field, msg)
    }

    /// An error on the current line about column `col`.
    pub fn col_err(&self, col: usize, msg: impl Into<String>) -> TraceError {
        self.err(column_label(&self.header[col], col), msg)
    }

    /// Parses column `col` of the current record as a finite number.
    pub fn number(&self, col: usize) -> Result<f64, TraceError> {
        let text = self.get(col);
        match text.parse::<f64>() {
            Ok(v) if v.is_finite() => Ok(v),
            _ => Err(self.col_err(col, format!("'{text}' is not a number"))),
        }
    }

    /// Parses column `col` as a finite number >= 0 (`what` names it in the message).
    pub fn non_negative(&self, col: usize, what: &str) -> Result<f64, TraceError> {
        let v = self.number(col)?;
        if v < 0.0 {
            return Err(self.col_err(col, format!("negative {what}: {v}")));
        }
        Ok(v)
    }

    /// Parses column `col` as a memory size in MB: not negative, and at most
    /// [`MAX_MEMORY_MB`] (16 TB), the bound scenario files have too.
    pub fn memory_mb(&self, col: usize) -> Result<f64, TraceError> {
        let v = self.non_negative(col, "memory")?;
        if v > f64::from(MAX_MEMORY_MB) {
            let text = self.get(col);
            return Err(self.col_err(
                col,
                format!(
                    "'{text}' MB is larger than 16TB ({MAX_MEMORY_MB} MB), the largest memory \
                     size a trace may give"
                ),
            ));
        }
        Ok(v)
    }

    /// Parses column `col` as a duration in units of `unit_s` seconds (1e-3 for ms): not
    /// negative, and at most [`MAX_SECONDS`], past which its µs would not fit the clock.
    pub fn duration(&self, col: usize, unit_s: f64) -> Result<f64, TraceError> {
        let v = self.non_negative(col, "duration")?;
        if v * unit_s > MAX_SECONDS {
            let text = self.get(col);
            return Err(self.col_err(
                col,
                format!("'{text}' is longer than a trace duration may be ({MAX_SECONDS:e} s)"),
            ));
        }
        Ok(v)
    }
}

fn csv_error(path: &Path, e: &csv::Error) -> TraceError {
    let line = e.position().map_or(0, |p| p.line());
    match e.kind() {
        csv::ErrorKind::Utf8 { .. } => error(path, line, "(row)", "is not valid UTF-8"),
        csv::ErrorKind::Io(io) => error(path, line, "(file)", format!("cannot read: {io}")),
        _ => error(path, line, "(row)", e.to_string()),
    }
}

/// Raw lines of a file with their line numbers and byte offsets.
pub struct LineReader {
    path: PathBuf,
    reader: BufReader<File>,
    buf: Vec<u8>,
    line: u64,
    offset: u64,
    next_offset: u64,
}

impl LineReader {
    /// Opens `path`.
    pub fn open(path: &Path) -> Result<Self, TraceError> {
        Ok(Self {
            path: path.to_path_buf(),
            reader: BufReader::with_capacity(1 << 16, open(path)?),
            buf: Vec::new(),
            line: 0,
            offset: 0,
            next_offset: 0,
        })
    }

    /// Moves to the next non-empty line; `false` at the end of the file. The line, without
    /// its line ending, is then [`LineReader::current`].
    pub fn advance(&mut self) -> Result<bool, TraceError> {
        loop {
            self.buf.clear();
            let n = self.reader.read_until(b'\n', &mut self.buf).map_err(|e| {
                error(
                    &self.path,
                    self.line + 1,
                    "(file)",
                    format!("cannot read: {e}"),
                )
            })?;
            if n == 0 {
                return Ok(false);
            }
            self.line += 1;
            self.offset = self.next_offset;
            self.next_offset += n as u64;
            while matches!(self.buf.last(), Some(b'\n' | b'\r')) {
                self.buf.pop();
            }
            if !self.buf.is_empty() {
                return Ok(true);
            }
        }
    }

    /// The current line.
    pub fn current(&self) -> &[u8] {
        &self.buf
    }

    /// The current line's number (1-based).
    pub fn line(&self) -> u64 {
        self.line
    }

    /// The byte offset of the current line's start.
    pub fn offset(&self) -> u64 {
        self.offset
    }

    /// The file being read.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// An error on the current line.
    pub fn err(&self, field: impl Into<String>, msg: impl Into<String>) -> TraceError {
        error(&self.path, self.line, field, msg)
    }
}

/// A field as text, with a byte-order mark, surrounding whitespace and one pair of double
/// quotes removed.
pub fn unquote(field: &[u8]) -> &[u8] {
    let f = field
        .strip_prefix(b"\xef\xbb\xbf")
        .unwrap_or(field)
        .trim_ascii();
    if f.len() >= 2 && f[0] == b'"' && f[f.len() - 1] == b'"' {
        &f[1..f.len() - 1]
    } else {
        f
    }
}

/// Parses a whole number of invocations (ASCII digits only, optional surrounding spaces).
pub fn parse_count(field: &[u8]) -> Result<u32, String> {
    let f = field.trim_ascii();
    if f.is_empty() {
        return Err("is empty: expected a whole number of invocations".into());
    }
    if f[0] == b'-' {
        return Err(format!("negative count {}", String::from_utf8_lossy(f)));
    }
    let mut v: u64 = 0;
    for &b in f {
        if !b.is_ascii_digit() {
            return Err(format!(
                "'{}' is not a whole number of invocations",
                String::from_utf8_lossy(f)
            ));
        }
        v = v * 10 + u64::from(b - b'0');
        if v > u64::from(u32::MAX) {
            return Err(format!("'{}' is too large", String::from_utf8_lossy(f)));
        }
    }
    Ok(v as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_parse_strictly() {
        assert_eq!(parse_count(b"0"), Ok(0));
        assert_eq!(parse_count(b" 42 "), Ok(42));
        assert!(parse_count(b"-1").unwrap_err().contains("negative"));
        assert!(parse_count(b"1.5").unwrap_err().contains("whole number"));
        assert!(parse_count(b"x").unwrap_err().contains("whole number"));
        assert!(parse_count(b"").unwrap_err().contains("empty"));
        assert!(
            parse_count(b"99999999999")
                .unwrap_err()
                .contains("too large")
        );
    }

    #[test]
    fn unquote_strips_one_pair() {
        assert_eq!(unquote(b" \"abc\" "), b"abc");
        assert_eq!(unquote(b"abc"), b"abc");
        assert_eq!(unquote(b"\""), b"\"");
    }
}
