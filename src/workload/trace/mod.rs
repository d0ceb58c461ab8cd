//! Trace replay: a workload whose requests come from a recorded trace instead of synthetic
//! processes.
//!
//! Three formats, one file each:
//! - [`azure2019`]: Azure Functions Trace 2019, per-minute invocation counts per function,
//!   with per-function duration percentiles and per-app (original) or per-function (excerpt)
//!   memory; several day files replay back to back, named one by one or found in a folder
//!   of the public dataset's day files ([`azure2019_layout`]).
//! - [`azure2021`]: Azure Functions Invocation Trace 2021, one row per invocation
//!   (`app,func,end_timestamp,duration`, unsorted), replayed at its exact start times and
//!   durations.
//! - [`plain_csv`]: users' own logs, `timestamp,function[,app][,duration_ms][,memory_mb]`.
//!
//! **Time axis.** Each trace has an origin: the start of its first minute column (2019), its
//! earliest start (2021), its first timestamp (CSV). `start`, `end` and `window` are offsets
//! from that origin; the replayed window is shifted to start at simulated time zero and
//! divided by `time_scale` (10 = the trace plays ten times faster; execution times are not
//! scaled). Without an explicit scenario `duration` the simulated window is the selected
//! span: up to the last minute column (2019) or the last start rounded up to a whole second.
//!
//! **Selection** (`select`) and **shaping** (`shape`: window, time scale, rate
//! multiplier) are shared by all formats. A scenario `duration` shorter than the selected
//! span cuts the window: selection (which functions have invocations, the busiest N) and
//! every count see only what replays before it (`horizon` for the 2019 minute it cuts).
//! [`TraceInfo::replayed`] is the number of invocations a run produces, printed by `check`
//! and `run` ([`TraceInfo::summary`]).
//!
//! **Streaming and memory.** Loading the scenario makes one *first pass* over the files:
//! it validates every row (errors name file, line and column), counts invocations per
//! function, and builds the function table. Running a deployment opens a fresh
//! [`TraceStream`] that re-reads the files. What memory grows with, per format:
//! - 2019: O(functions) for the function table and stream state, plus one block of minute
//!   counts (functions x block minutes, capped at about 4 MB); never with the number of
//!   invocations, minutes or days. See `minutes` for the minute-major reading method.
//! - 2021: the rows are unsorted, so the first pass keeps one compact 24-byte record per
//!   selected invocation and sorts them in memory (about 50 MB for the full ~2 million-row
//!   trace), shared read-only by all deployments.
//! - plain CSV: sorted input streams in O(functions); an unsorted file is rejected, naming the
//!   first out-of-order line, unless `sort = true` asks for the same in-memory sort as 2021.

pub mod azure2019;
pub mod azure2019_layout;
mod azure2019_meta;
pub mod azure2021;
mod csvio;
mod horizon;
pub mod inspect;
mod minutes;
pub mod plain_csv;
mod profile_text;
mod records;
pub mod select;
mod shape;
mod summary;
pub mod timestamp;

use std::path::PathBuf;
use std::sync::Arc;

use crate::engine::time::Micros;
use crate::error::TraceError;
use crate::rng::Streams;
use crate::workload::{BackendCalls, DurationDist, FunctionSpec, Request};

/// The layout of a trace.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Azure2019,
    Azure2021,
    Csv,
}

impl Format {
    /// Parses the scenario/CLI name: `azure2019`, `azure2021` or `csv`.
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "azure2019" => Some(Format::Azure2019),
            "azure2021" => Some(Format::Azure2021),
            "csv" => Some(Format::Csv),
            _ => None,
        }
    }

    /// The scenario/CLI name.
    pub fn name(self) -> &'static str {
        match self {
            Format::Azure2019 => "azure2019",
            Format::Azure2021 => "azure2021",
            Format::Csv => "csv",
        }
    }
}

/// The files of a trace.
#[derive(Clone, Debug, PartialEq)]
pub enum TraceFiles {
    /// Azure 2019: invocation files (one per day, in order), duration files and memory files
    /// (list position = day; `azure2019_meta` states which day's figure a function takes).
    Azure2019 {
        invocations: Vec<PathBuf>,
        durations: Vec<PathBuf>,
        memory: Vec<PathBuf>,
    },
    /// A single-file format (2021, plain CSV).
    Single(PathBuf),
}

impl TraceFiles {
    /// The file errors about the trace as a whole are reported against.
    pub fn main(&self) -> PathBuf {
        match self {
            TraceFiles::Azure2019 { invocations, .. } => {
                invocations.first().cloned().unwrap_or_default()
            }
            TraceFiles::Single(p) => p.clone(),
        }
    }
}

/// Which part of the trace is replayed.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Selection {
    /// Offset of the window's start from the trace's origin.
    pub start: Micros,
    /// Offset of the window's end from the origin; `None` = the end of the trace.
    pub end: Option<Micros>,
    /// Keep only the N busiest functions (invocations inside the window).
    pub top_functions: Option<u32>,
    /// Keep only N randomly drawn applications.
    pub sample_apps: Option<u32>,
    /// Seed of the app sample (the scenario file's seed unless given; `--seed` does not
    /// change which apps are in the workload).
    pub sample_seed: u64,
}

/// How the selected window is replayed.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Shaping {
    /// Trace seconds per simulated second.
    pub time_scale: f64,
    /// Invocation-rate factor (see `shape` for how fractions are realised).
    pub rate_multiplier: f64,
}

impl Default for Shaping {
    fn default() -> Self {
        Self {
            time_scale: 1.0,
            rate_multiplier: 1.0,
        }
    }
}

/// How the invocations of one Azure 2019 minute are placed inside it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Spread {
    /// Independently and uniformly at random (sorted order statistics).
    Uniform,
    /// Evenly spaced: n invocations at (i + 1/2) / n of the minute.
    Even,
}

/// Where function memory sizes come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MemoryRule {
    /// The trace's figure (2019: average allocated MB), rounded up to a multiple of
    /// `step_mb` (at least one step). Functions without a figure get `fallback_mb`, or are
    /// skipped (and counted) when there is none.
    Trace {
        step_mb: u32,
        fallback_mb: Option<u32>,
    },
    /// Every function gets this size (MB).
    Fixed(u32),
}

/// A validated `[workload.trace]` table, paths resolved.
#[derive(Clone, Debug, PartialEq)]
pub struct TraceSpec {
    pub format: Format,
    pub files: TraceFiles,
    pub selection: Selection,
    pub shaping: Shaping,
    pub memory: MemoryRule,
    pub spread: Spread,
    /// Plain CSV: sort in memory instead of rejecting unsorted input.
    pub sort: bool,
    /// Plain CSV without a duration column: the execution-time distribution of every function.
    pub execution: Option<DurationDist>,
    /// Backend calls every function makes.
    pub calls: Vec<BackendCalls>,
    /// The scenario's `duration` (simulated µs), when it sets one: nothing at or after it is
    /// replayed, so invocation counts stop there too.
    pub horizon: Option<Micros>,
    /// FaaS settings every function of the trace gets (`invocation`, `runtime`, ...).
    pub faas: crate::workload::FaasSettings,
}

/// Functions the trace holds but cannot replay, counted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    pub reason: String,
    pub functions: u64,
    /// Their invocations inside the window.
    pub invocations: u64,
}

/// What loading a trace found.
#[derive(Clone, Debug, PartialEq)]
pub struct TraceInfo {
    pub format: Format,
    pub functions: usize,
    pub apps: usize,
    /// Traced invocations of the selected functions inside the window, before the rate
    /// multiplier. The window ends at the scenario's duration when that comes first (a 2019
    /// minute it cuts part-way counts whole here; see [`TraceInfo::replayed`]).
    pub invocations: u64,
    /// Invocations the replay produces in the simulated window: after selection, the
    /// duration, `time_scale` and `rate_multiplier`.
    pub replayed: ReplayCount,
    /// Length of the simulated window the selection spans (after time scaling).
    pub span: Micros,
    /// Trace time from the first to the last instant the whole trace holds (before any
    /// selection or scaling): what the trace could show of daily patterns.
    pub covered: Micros,
    pub skipped: Vec<Skipped>,
    /// The time scale and rate multiplier the replay applies.
    pub shaping: Shaping,
}

/// A number of replayed invocations: exact, or the expected value of a random count (a
/// fractional rate multiplier; a 2019 minute the duration cuts part-way, whose arrivals are
/// placed at random).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ReplayCount {
    pub count: f64,
    pub exact: bool,
}

/// The part of a 2019 minute the scenario's duration cuts: its traced invocations (of the
/// selected functions) and how many of them replay, rate multiplier applied.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PartialMinute {
    pub traced: u64,
    pub replayed: ReplayCount,
}

/// A loaded trace, ready to be streamed any number of times.
#[derive(Clone, Debug)]
pub struct TraceSource {
    pub info: Arc<TraceInfo>,
    replay: Replay,
}

#[derive(Clone, Debug)]
enum Replay {
    Azure2019(Arc<azure2019::Replay>),
    Records(Arc<records::Records>),
    Csv(Arc<plain_csv::Replay>),
}

/// What a format's loader hands back.
struct Loaded {
    selected: select::Selected,
    replay: Replay,
    span: Micros,
    /// See [`TraceInfo::covered`].
    covered: Micros,
    /// A minute cut part-way by the horizon (2019 only).
    cut: Option<PartialMinute>,
}

/// Reads and checks the trace of `spec` (the first pass), returning the function table and
/// the source to stream from.
///
/// # Errors
/// A file that cannot be read or holds malformed data (file, line, column named), or a
/// selection that leaves no function.
pub fn load(spec: &TraceSpec) -> Result<(Vec<FunctionSpec>, TraceSource), TraceError> {
    let loaded = match (spec.format, &spec.files) {
        (
            Format::Azure2019,
            TraceFiles::Azure2019 {
                invocations,
                durations,
                memory,
            },
        ) => azure2019::load(spec, invocations, durations, memory)?,
        (Format::Azure2021, TraceFiles::Single(path)) => azure2021::load(spec, path)?,
        (Format::Csv, TraceFiles::Single(path)) => plain_csv::load(spec, path)?,
        (format, _) => {
            return Err(TraceError {
                file: spec.files.main(),
                line: 0,
                field: "(files)".into(),
                message: format!("the files given do not fit format {}", format.name()),
            });
        }
    };
    let s = loaded.selected;
    if s.functions.is_empty() {
        let skipped: u64 = s.skipped.iter().map(|k| k.functions).sum();
        return Err(TraceError {
            file: spec.files.main(),
            line: 0,
            field: "(selection)".into(),
            message: format!(
                "no function left to replay: of the {}, none has an invocation in the window \
                 from {} to {} of the trace ({skipped} skipped as unreplayable; check the \
                 window, the selection and the companion files)",
                if s.ids.len() == 1 {
                    "1 traced function".to_string()
                } else {
                    format!("{} traced functions", s.ids.len())
                },
                crate::units::format_duration(spec.selection.start),
                match (spec.selection.end, spec.horizon) {
                    (Some(e), _) => crate::units::format_duration(e),
                    (None, Some(h)) => format!(
                        "{} (the duration)",
                        crate::units::format_duration(
                            spec.selection.start
                                + (h as f64 * spec.shaping.time_scale).round() as Micros
                        )
                    ),
                    (None, None) => "its end".into(),
                },
            ),
        });
    }
    let r = spec.shaping.rate_multiplier;
    let cut = loaded.cut.unwrap_or(PartialMinute {
        traced: 0,
        replayed: ReplayCount {
            count: 0.0,
            exact: true,
        },
    });
    let replayed = ReplayCount {
        count: (s.invocations - cut.traced) as f64 * r + cut.replayed.count,
        exact: r.fract() == 0.0 && cut.replayed.exact,
    };
    let info = TraceInfo {
        format: spec.format,
        functions: s.functions.len(),
        apps: s.apps,
        invocations: s.invocations,
        replayed,
        span: loaded.span,
        covered: loaded.covered,
        skipped: s.skipped,
        shaping: spec.shaping,
    };
    Ok((
        s.functions,
        TraceSource {
            info: Arc::new(info),
            replay: loaded.replay,
        },
    ))
}

impl TraceSource {
    /// Opens a fresh stream (re-reading the files where the format streams) of the requests
    /// arriving before `end`.
    ///
    /// # Errors
    /// A file that can no longer be read.
    pub fn open(
        &self,
        functions: &[FunctionSpec],
        streams: Streams,
        end: Micros,
    ) -> Result<TraceStream, TraceError> {
        let inner = match &self.replay {
            Replay::Azure2019(r) => Inner::Minutes(Box::new(minutes::MinuteStream::new(
                Arc::clone(r),
                functions,
                streams,
            ))),
            Replay::Records(r) => Inner::Records(Box::new(records::RecordStream::new(
                Arc::clone(r),
                functions,
                streams,
            ))),
            Replay::Csv(r) => Inner::Csv(Box::new(plain_csv::CsvStream::open(
                Arc::clone(r),
                functions,
                streams,
            )?)),
        };
        Ok(TraceStream {
            inner,
            end,
            done: false,
        })
    }
}

/// The format's stream; the large ones are boxed once per stream (never per request) so the
/// engine's `RequestStream` stays small.
enum Inner {
    Minutes(Box<minutes::MinuteStream>),
    Records(Box<records::RecordStream>),
    Csv(Box<plain_csv::CsvStream>),
}

/// The time-ordered requests of a trace (enum dispatch, no trait objects).
pub struct TraceStream {
    inner: Inner,
    end: Micros,
    done: bool,
}

impl TraceStream {
    /// The next request in arrival order; `Ok(None)` after the last one before the end.
    ///
    /// # Errors
    /// A file that turned out unreadable or changed since it was loaded.
    #[inline]
    pub fn next_request(&mut self) -> Result<Option<Request>, TraceError> {
        if self.done {
            return Ok(None);
        }
        let next = match &mut self.inner {
            Inner::Minutes(s) => s.next_request()?,
            Inner::Records(s) => s.next_request(),
            Inner::Csv(s) => s.next_request()?,
        };
        match next {
            Some(r) if r.arrival < self.end => Ok(Some(r)),
            _ => {
                self.done = true;
                Ok(None)
            }
        }
    }
}
