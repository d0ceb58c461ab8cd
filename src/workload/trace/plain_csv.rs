//! A plain CSV trace for users' own logs: one row per invocation.
//!
//! Header required; columns by name, in any order: `timestamp` and `function` (required),
//! `app`, `duration_ms`, `memory_mb` (optional). Timestamps are seconds (float) or RFC 3339
//! ([`super::timestamp`]). A function is (app, function); without an `app` column each
//! function is its own app. With `duration_ms` each invocation replays its own duration,
//! otherwise `[workload.trace] execution` gives every function's distribution. With
//! `memory_mb` a function's memory is the largest value it reports (empty cells allowed).
//! Rows are single invocations: repeated identical rows are simultaneous invocations and are
//! all replayed (there is no per-function row that could be counted twice). A function name
//! must print as itself: one with surrounding white space, a control or a bidirectional
//! character is an error naming the row where it first appears
//! ([`crate::scenario::validate::names::look_alike_problem`]).
//!
//! Rows must be sorted by timestamp (equal timestamps allowed): the file is then streamed in
//! O(functions) memory, re-read by every deployment. An out-of-order row is an error naming
//! its line and the line it should follow, unless `sort = true` asks for an in-memory sort
//! (compact records, see `records`).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::csvio::Table;
use super::records::{Record, Records, SAMPLED};
use super::select::{self, Candidate};
use super::shape::{Clock, Emitter, Fed, Invocation, Multiplier, Requests};
use super::{Loaded, MemoryRule, Replay as AnyReplay, TraceSpec, azure2021, timestamp};
use crate::engine::time::{MS, Micros};
use crate::error::TraceError;
use crate::rng::Streams;
use crate::scenario::validate::names;
use crate::workload::{DurationDist, FunctionSpec, Request};

/// The known columns.
pub const COLUMNS: [&str; 5] = ["timestamp", "function", "app", "duration_ms", "memory_mb"];

/// Positions of the columns of a plain CSV file.
#[derive(Clone, Copy, Debug)]
pub struct Columns {
    pub timestamp: usize,
    pub function: usize,
    pub app: Option<usize>,
    pub duration: Option<usize>,
    pub memory: Option<usize>,
}

impl Columns {
    /// Reads the column positions from the header; unknown or repeated names are errors.
    pub fn of(t: &Table) -> Result<Self, TraceError> {
        for (i, name) in t.header().iter().enumerate() {
            if !COLUMNS.contains(&name.to_ascii_lowercase().as_str()) {
                return Err(t.err(
                    "header",
                    format!("unknown column '{name}' (use {})", COLUMNS.join(", ")),
                ));
            }
            if t.header()[..i].iter().any(|n| n.eq_ignore_ascii_case(name)) {
                return Err(t.err("header", format!("column '{name}' appears twice")));
            }
        }
        Ok(Self {
            timestamp: t.require("timestamp")?,
            function: t.require("function")?,
            app: t.find("app"),
            duration: t.find("duration_ms"),
            memory: t.find("memory_mb"),
        })
    }
}

/// One parsed row.
pub struct Row<'a> {
    /// Timestamp, µs.
    pub t: i64,
    pub function: &'a str,
    /// The app, or the function's name without an `app` column.
    pub app: &'a str,
    pub duration: Option<Micros>,
    pub memory_mb: Option<f64>,
}

/// Parses the current record of `t`.
pub fn row<'a>(t: &'a Table, c: &Columns) -> Result<Row<'a>, TraceError> {
    let ts = timestamp::parse(t.get(c.timestamp)).map_err(|m| t.col_err(c.timestamp, m))?;
    let function = t.get(c.function);
    if function.is_empty() {
        return Err(t.col_err(c.function, "is empty"));
    }
    let duration = match c.duration {
        Some(d) => Some((t.duration(d, 1e-3)? * MS as f64).round() as Micros),
        None => None,
    };
    let memory_mb = match c.memory {
        Some(m) if !t.get(m).is_empty() => Some(t.memory_mb(m)?),
        _ => None,
    };
    Ok(Row {
        t: ts,
        function,
        app: c.app.map_or(function, |a| t.get(a)),
        duration,
        memory_mb,
    })
}

/// What a plain CSV stream needs, shared by all deployments.
#[derive(Debug)]
pub struct Replay {
    pub path: PathBuf,
    /// Function id by (app, function) key, for the selected functions.
    pub ids: HashMap<String, u32>,
    pub clock: Clock,
    pub multiplier: f64,
}

fn key_into(buf: &mut String, app: &str, function: &str) {
    buf.clear();
    buf.push_str(app);
    buf.push('\u{1f}');
    buf.push_str(function);
}

/// The first pass (see the module docs).
pub(super) fn load(spec: &TraceSpec, path: &Path) -> Result<Loaded, TraceError> {
    let mut t = Table::open(path)?;
    let cols = Columns::of(&t)?;
    if cols.duration.is_none() && spec.execution.is_none() {
        return Err(t.err(
            "header",
            "no duration_ms column: add one, or give [workload.trace] an execution distribution",
        ));
    }
    if let MemoryRule::Trace {
        fallback_mb: None, ..
    } = spec.memory
    {
        if cols.memory.is_none() {
            return Err(t.err(
                "header",
                "no memory_mb column: set [workload.trace] memory = \"<size>\" or memory_fallback",
            ));
        }
    }
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut candidates: Vec<Candidate> = Vec::new();
    let mut records = Vec::new();
    let mut key = String::new();
    let mut busy: Vec<(f64, u64)> = Vec::new();
    let (mut first, mut prev, mut prev_line) = (None::<i64>, i64::MIN, 0);
    while t.next()? {
        let r = row(&t, &cols)?;
        if !spec.sort && r.t < prev {
            return Err(t.col_err(
                cols.timestamp,
                format!(
                    "out of order: earlier than line {prev_line}; sort the file by timestamp, \
                     or set sort = true in [workload.trace]"
                ),
            ));
        }
        (prev, prev_line) = (r.t, t.line());
        let origin = *first.get_or_insert(r.t);
        key_into(&mut key, r.app, r.function);
        let i = match index.get(key.as_str()) {
            Some(&i) => i,
            None => {
                // Checked once per function, where it first appears.
                if let Some(problem) = names::look_alike_problem(r.function) {
                    return Err(t.col_err(cols.function, problem));
                }
                index.insert(key.clone(), candidates.len());
                candidates.push(Candidate {
                    name: r.function.to_string(),
                    app: r.app.to_string(),
                    invocations: 0,
                    exec: spec.execution.clone(),
                    memory_mb: None,
                });
                candidates.len() - 1
            }
        };
        let n_cands = candidates.len();
        let c = &mut candidates[i];
        if let Some(m) = r.memory_mb {
            c.memory_mb = Some(c.memory_mb.map_or(m, |x: f64| x.max(m)));
        }
        if let Some(d) = r.duration {
            busy.resize(n_cands, (0.0, 0));
            busy[i].0 += d as f64;
            busy[i].1 += 1;
        }
        if spec.sort {
            records.push(Record {
                t: r.t,
                function: i as u32,
                exec: r.duration.unwrap_or(SAMPLED),
            });
        } else {
            let sel = &spec.selection;
            let window = Clock {
                start: origin + sel.start as i64,
                end: sel.end.map_or(i64::MAX, |e| origin + e as i64),
                scale: spec.shaping.time_scale,
            };
            if window.replays(r.t, spec.horizon) {
                c.invocations += 1;
            }
        }
    }
    let first = first.unwrap_or(0);
    let last = if spec.sort {
        first.max(records.iter().map(|r| r.t).max().unwrap_or(first))
    } else {
        prev.max(first)
    };
    let first = if spec.sort {
        records.iter().map(|r| r.t).min().unwrap_or(first)
    } else {
        first
    };
    let clock = azure2021::window(spec, first, last);
    if spec.sort {
        for r in &records {
            if clock.replays(r.t, spec.horizon) {
                candidates[r.function as usize].invocations += 1;
            }
        }
    }
    // Nominal distribution (for reports) of functions whose rows carry their durations: a
    // constant at the mean; replays use each row's own duration.
    for (c, &(sum, n)) in candidates.iter_mut().zip(&busy) {
        if n > 0 {
            c.exec = Some(DurationDist::Constant {
                ms: sum / n as f64 / MS as f64,
            });
        }
    }
    let selected = select::select(&candidates, spec, "no execution times");
    let replay = if spec.sort {
        let recs = Records::new(records, &selected.ids, clock, spec.shaping.rate_multiplier);
        AnyReplay::Records(Arc::new(recs))
    } else {
        let ids = index
            .into_iter()
            .filter(|(_, i)| selected.ids[*i] != select::DROPPED)
            .map(|(k, i)| (k, selected.ids[i]))
            .collect();
        AnyReplay::Csv(Arc::new(Replay {
            path: path.to_path_buf(),
            ids,
            clock,
            multiplier: spec.shaping.rate_multiplier,
        }))
    };
    Ok(Loaded {
        selected,
        replay,
        span: clock.span(),
        covered: last.saturating_sub(first).max(0) as Micros,
        cut: None,
    })
}

/// The request stream of a sorted plain CSV file, read as it goes.
pub struct CsvStream {
    replay: Arc<Replay>,
    table: Table,
    cols: Columns,
    key: String,
    emitter: Emitter,
    prev: i64,
}

impl CsvStream {
    /// Re-opens the file.
    pub fn open(
        replay: Arc<Replay>,
        functions: &[FunctionSpec],
        streams: Streams,
    ) -> Result<Self, TraceError> {
        let table = Table::open(&replay.path)?;
        let cols = Columns::of(&table)?;
        let emitter = Emitter::new(
            replay.clock,
            Multiplier::new(replay.multiplier),
            Requests::new(functions, streams),
        );
        Ok(Self {
            replay,
            table,
            cols,
            key: String::new(),
            emitter,
            prev: i64::MIN,
        })
    }

    /// The next request in arrival order.
    pub fn next_request(&mut self) -> Result<Option<Request>, TraceError> {
        if let Some(r) = self.emitter.pending() {
            return Ok(Some(r));
        }
        while self.table.next()? {
            let r = row(&self.table, &self.cols)?;
            if r.t < self.prev {
                return Err(self.table.col_err(
                    self.cols.timestamp,
                    "out of order (the file changed since the scenario was loaded?)",
                ));
            }
            self.prev = r.t;
            key_into(&mut self.key, r.app, r.function);
            let Some(&function) = self.replay.ids.get(self.key.as_str()) else {
                continue;
            };
            let inv = Invocation {
                t: r.t,
                function,
                exec: r.duration,
            };
            match self.emitter.feed(inv) {
                Fed::Emit(req) => return Ok(Some(req)),
                Fed::Skip => {}
                Fed::Done => return Ok(None),
            }
        }
        Ok(None)
    }
}
