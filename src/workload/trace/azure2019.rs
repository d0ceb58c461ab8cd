//! Azure Functions Trace 2019: the invocation files (per-minute counts) and their first pass.
//!
//! Layout (Shahrad et al., ATC 2020; github.com/Azure/AzurePublicDataset, CC-BY 4.0):
//! `HashOwner,HashApp,HashFunction,Trigger,<minute>,<minute>,...`, one row per function, one
//! column per minute holding that minute's invocation count. The original files name their
//! minutes `1..1440`; excerpts hold any consecutive range (e.g. `480..959`). The header is
//! read, not assumed: the four id columns may come in any order but must precede the minute
//! columns, which must be consecutive numbers in increasing order. Minute column `c` of day
//! file `d` (0-based position in the `invocations` list) starts at minute `d * 1440 + c - 1`
//! of the trace; day files must not overlap.
//!
//! A function is identified by (HashOwner, HashApp, HashFunction). Durations and memory come
//! from `azure2019_meta`, which states the rule for days whose companion files lack a
//! function (the public trace has 14 invocation and durations days but 12 memory days, and
//! gaps): a function's execution time on day d is its figure of day d, else of the nearest
//! earlier day listing it, else of the nearest later one; functions listed in no durations
//! file are skipped and counted.
//!
//! Memory of the first pass: the function table and key index (O(functions over all days)),
//! one [`DayFile`] per day (a header and a path), and one count per function for a minute the
//! scenario's duration cuts; rows are read one at a time, so nothing holds a day's minutes.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::azure2019_meta;
use super::csvio::{FirstLines, LineReader, column_label, error, parse_count, unquote};
use super::horizon::{horizon_minutes, partial_minute};
use super::select::{self, Candidate};
use super::shape::Clock;
use super::{Loaded, MemoryRule, Replay as AnyReplay, Spread, TraceSpec};
use crate::engine::time::MINUTE;
use crate::error::TraceError;

/// Minutes in a day file.
pub const DAY_MINUTES: u64 = 1440;

/// Largest minute number a header may name (about 694 days; originals name 1..1440). Larger
/// numbers overflowed the minute arithmetic, and a profile or replay needs room for every
/// minute from the origin.
pub const MAX_MINUTE: u64 = 1_000_000;

/// The id columns, in this order in [`Header::ids`].
pub const ID_COLUMNS: [&str; 4] = ["HashOwner", "HashApp", "HashFunction", "Trigger"];

/// The parsed header of an invocation file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Header {
    /// Positions of HashOwner, HashApp, HashFunction, Trigger.
    pub ids: [usize; 4],
    /// Position of the first minute column (all id columns come before it).
    pub first_col: usize,
    /// Name (number) of the first minute column.
    pub first_minute: u64,
    /// Number of minute columns.
    pub minutes: u64,
}

impl Header {
    /// Total number of columns.
    pub fn fields(&self) -> usize {
        self.first_col + self.minutes as usize
    }
}

/// Reads and checks the header line of an invocation file.
pub fn read_header(lines: &mut LineReader) -> Result<Header, TraceError> {
    if !lines.advance()? {
        let msg = "the file is empty: expected a header row";
        return Err(error(lines.path(), 1, "header", msg));
    }
    let names: Vec<String> = lines
        .current()
        .split(|&b| b == b',')
        .map(|f| String::from_utf8_lossy(unquote(f)).into_owned())
        .collect();
    let mut ids = [usize::MAX; 4];
    for (k, want) in ID_COLUMNS.iter().enumerate() {
        ids[k] = names
            .iter()
            .position(|n| n.eq_ignore_ascii_case(want))
            .ok_or_else(|| {
                lines.err(
                    "header",
                    format!(
                        "missing column '{want}' (an Azure 2019 invocation file starts \
                         HashOwner,HashApp,HashFunction,Trigger, then minute columns)"
                    ),
                )
            })?;
    }
    let first_col = ids.iter().max().map_or(0, |m| m + 1);
    let mut first_minute = 0;
    for (i, name) in names.iter().enumerate() {
        if ids.contains(&i) {
            continue;
        }
        let label = column_label(name, i);
        if i < first_col {
            return Err(lines.err(
                label,
                "unexpected column among the id columns (minute columns must come after them)",
            ));
        }
        let minute: u64 = name.parse().ok().filter(|m| *m >= 1).ok_or_else(|| {
            lines.err(
                label.clone(),
                "unexpected column: expected a minute number (1, 2, ...)",
            )
        })?;
        if minute > MAX_MINUTE {
            return Err(lines.err(
                label,
                format!("minute {minute} is past the last minute a file may name ({MAX_MINUTE})"),
            ));
        }
        if i == first_col {
            first_minute = minute;
        } else if minute != first_minute + (i - first_col) as u64 {
            return Err(lines.err(
                label,
                format!(
                    "minute columns must be consecutive: expected {}",
                    first_minute + (i - first_col) as u64
                ),
            ));
        }
    }
    if names.len() == first_col {
        return Err(lines.err("header", "no minute columns after the id columns"));
    }
    Ok(Header {
        ids,
        first_col,
        first_minute,
        minutes: (names.len() - first_col) as u64,
    })
}

/// One parsed row of an invocation file.
pub struct Row<'a> {
    pub owner: &'a [u8],
    pub app: &'a [u8],
    pub function: &'a [u8],
    pub trigger: &'a [u8],
    /// Counts of the minute columns, in header order.
    pub counts: &'a [u32],
}

impl Row<'_> {
    /// The function's identity key (owner, app, function).
    pub fn key(&self) -> String {
        key(self.owner, self.app, self.function)
    }
}

/// The identity key of a function: its three hashes joined by an ASCII unit separator.
pub fn key(owner: &[u8], app: &[u8], function: &[u8]) -> String {
    let mut k = String::with_capacity(owner.len() + app.len() + function.len() + 2);
    for (i, part) in [owner, app, function].into_iter().enumerate() {
        if i > 0 {
            k.push('\u{1f}');
        }
        k.push_str(&String::from_utf8_lossy(part));
    }
    k
}

/// The field named by errors about a row's identity.
pub const ID_FIELDS: &str = "HashOwner,HashApp,HashFunction";

/// A function (or, without `function`, an app) for messages: `function (HashOwner 'o',
/// HashApp 'a', HashFunction 'f')`.
pub fn describe(owner: &[u8], app: &[u8], function: Option<&[u8]>) -> String {
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    match function {
        Some(f) => format!(
            "function (HashOwner '{}', HashApp '{}', HashFunction '{}')",
            text(owner),
            text(app),
            text(f)
        ),
        None => format!("app (HashOwner '{}', HashApp '{}')", text(owner), text(app)),
    }
}

/// An invocation file whose header has been read and checked.
pub struct InvocationFile {
    lines: LineReader,
    pub header: Header,
}

impl InvocationFile {
    /// Opens `path` and reads its header.
    pub fn open(path: &Path) -> Result<Self, TraceError> {
        let mut lines = LineReader::open(path)?;
        let header = read_header(&mut lines)?;
        Ok(Self { lines, header })
    }

    /// Reads every row, checking field counts, counts and that no function has two rows
    /// (an error naming both lines), and calls `visit` for each with its line number.
    pub fn for_each(
        mut self,
        mut visit: impl FnMut(&Row<'_>, u64) -> Result<(), TraceError>,
    ) -> Result<(), TraceError> {
        let header = &self.header;
        let fields = header.fields();
        let mut counts = vec![0u32; header.minutes as usize];
        let mut cuts: Vec<usize> = Vec::with_capacity(fields + 1);
        let mut first_lines = FirstLines::new(self.lines.path());
        while self.lines.advance()? {
            let line = self.lines.current();
            let (line_no, path) = (self.lines.line(), self.lines.path());
            cuts.clear();
            cuts.push(0);
            cuts.extend(memchr_commas(line));
            cuts.push(line.len() + 1);
            if cuts.len() - 1 != fields {
                let n = cuts.len() - 1;
                return Err(error(
                    path,
                    line_no,
                    "(row)",
                    format!("has {n} fields, the header has {fields}"),
                ));
            }
            let cell = |c: usize| &line[cuts[c]..cuts[c + 1] - 1];
            for (j, count) in counts.iter_mut().enumerate() {
                let col = header.first_col + j;
                *count = parse_count(cell(col)).map_err(|m| {
                    let name = (header.first_minute + j as u64).to_string();
                    error(path, line_no, column_label(&name, col), m)
                })?;
            }
            let row = Row {
                owner: unquote(cell(header.ids[0])),
                app: unquote(cell(header.ids[1])),
                function: unquote(cell(header.ids[2])),
                trigger: unquote(cell(header.ids[3])),
                counts: &counts,
            };
            first_lines.check(&row.key(), line_no, ID_FIELDS, || {
                describe(row.owner, row.app, Some(row.function))
            })?;
            visit(&row, line_no)?;
        }
        Ok(())
    }
}

/// Positions just after each comma of `line` (the starts of the fields after the first).
pub fn memchr_commas(line: &[u8]) -> impl Iterator<Item = usize> + '_ {
    line.iter()
        .enumerate()
        .filter(|(_, b)| **b == b',')
        .map(|(i, _)| i + 1)
}

/// One day file, as the stream needs it.
#[derive(Clone, Debug)]
pub struct DayFile {
    pub path: PathBuf,
    pub header: Header,
    /// Trace minute of the file's first minute column.
    pub first: u64,
}

/// Everything a 2019 stream needs, shared by all deployments.
#[derive(Debug)]
pub struct Replay {
    pub days: Vec<DayFile>,
    /// Durations file of each day (list position = day), applied as the stream reaches it.
    pub durations: Vec<PathBuf>,
    /// Function id of each selected function's key.
    pub ids: HashMap<String, u32>,
    /// Replayed trace minutes: [start, end).
    pub start: u64,
    pub end: u64,
    pub clock: Clock,
    pub spread: Spread,
    pub multiplier: f64,
}

/// The first pass over a 2019 trace (see the module docs).
pub(super) fn load(
    spec: &TraceSpec,
    invocations: &[PathBuf],
    durations: &[PathBuf],
    memory: &[PathBuf],
) -> Result<Loaded, TraceError> {
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut candidates: Vec<Candidate> = Vec::new();
    let mut days: Vec<DayFile> = Vec::new();
    let (mut start, mut end) = (0, u64::MAX);
    // The minute the scenario's duration cuts part-way, and each function's count in it.
    let mut boundary: Option<u64> = None;
    let mut boundary_counts: Vec<u64> = Vec::new();
    for (d, path) in invocations.iter().enumerate() {
        let file = InvocationFile::open(path)?;
        let header = file.header.clone();
        let first = d as u64 * DAY_MINUTES + header.first_minute - 1;
        match days.last() {
            None => {
                // The origin is the first file's first minute column.
                start = first + spec.selection.start / MINUTE;
                end = spec.selection.end.map_or(u64::MAX, |e| first + e / MINUTE);
                if let Some(h) = spec.horizon {
                    let (minutes, partial) = horizon_minutes(start, spec.shaping.time_scale, h);
                    if start + minutes < end {
                        end = start + minutes;
                        boundary = partial.then(|| end - 1);
                    }
                }
            }
            Some(prev) if first < prev.first + prev.header.minutes => {
                return Err(error(
                    path,
                    1,
                    "header",
                    format!(
                        "day {} starts at minute {} of its day, inside the previous day \
                         file's range: list one file per day, in order",
                        d + 1,
                        header.first_minute
                    ),
                ));
            }
            Some(_) => {}
        }
        let lo = start.saturating_sub(first).min(header.minutes) as usize;
        let hi = end.saturating_sub(first).min(header.minutes) as usize;
        let cut_col = boundary
            .and_then(|b| b.checked_sub(first))
            .filter(|&c| c < header.minutes)
            .map(|c| c as usize);
        file.for_each(|row, _| {
            let i = *index.entry(row.key()).or_insert_with(|| {
                candidates.push(Candidate {
                    name: String::from_utf8_lossy(row.function).into_owned(),
                    app: String::from_utf8_lossy(row.app).into_owned(),
                    invocations: 0,
                    exec: None,
                    memory_mb: None,
                });
                candidates.len() - 1
            });
            if lo < hi {
                let n: u64 = row.counts[lo..hi].iter().map(|&c| u64::from(c)).sum();
                candidates[i].invocations += n;
            }
            if let Some(c) = cut_col {
                boundary_counts.resize(candidates.len(), 0);
                boundary_counts[i] += u64::from(row.counts[c]);
            }
            Ok(())
        })?;
        days.push(DayFile {
            path: path.clone(),
            header,
            first,
        });
    }
    let last = days.last().map_or(0, |d| d.first + d.header.minutes);
    let origin = days.first().map_or(last, |d| d.first);
    end = end.min(last);
    if start >= end {
        return Err(error(
            &spec.files.main(),
            0,
            "(window)",
            "the selected window holds no minute of the trace",
        ));
    }
    azure2019_meta::durations(durations, &index, &mut candidates)?;
    if let MemoryRule::Trace { .. } = spec.memory {
        azure2019_meta::memory(memory, &index, &mut candidates)?;
    }
    let selected = select::select(&candidates, spec, "listed in no durations file");
    let clock = Clock {
        start: (start * MINUTE) as i64,
        end: (end * MINUTE) as i64,
        scale: spec.shaping.time_scale,
    };
    let cut = match (boundary, spec.horizon) {
        (Some(b), Some(h)) => {
            let kept = boundary_counts
                .iter()
                .enumerate()
                .filter(|(i, _)| selected.ids[*i] != select::DROPPED)
                .map(|(_, &n)| n);
            Some(partial_minute(kept, b, &clock, h, spec))
        }
        _ => None,
    };
    let ids = index
        .into_iter()
        .filter(|(_, i)| selected.ids[*i] != select::DROPPED)
        .map(|(k, i)| (k, selected.ids[i]))
        .collect();
    let replay = Replay {
        days,
        durations: durations.to_vec(),
        ids,
        start,
        end,
        clock,
        spread: spec.spread,
        multiplier: spec.shaping.rate_multiplier,
    };
    Ok(Loaded {
        selected,
        replay: AnyReplay::Azure2019(Arc::new(replay)),
        span: clock.span(),
        covered: (last - origin) * MINUTE,
        cut,
    })
}
