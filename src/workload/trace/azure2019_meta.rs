//! The companion files of the Azure 2019 trace: execution-time percentiles and memory.
//!
//! - Durations (`function_durations_percentiles`): `HashOwner,HashApp,HashFunction,Average,
//!   Count,Minimum,Maximum,percentile_Average_0,_1,_25,_50,_75,_99,_100` in milliseconds. A
//!   function's execution time is sampled from the piecewise-linear inverse CDF through
//!   (0, p0), (0.01, p1), (0.25, p25), (0.5, p50), (0.75, p75), (0.99, p99), (1, p100).
//! - Memory (`app_memory_percentiles`): the original file is per application
//!   (`HashOwner,HashApp,SampleCount,AverageAllocatedMb,...`); excerpts may be per function
//!   (with a `HashFunction` column). The layout is detected from the header; a per-app figure
//!   applies to every function of the app. The figure used is `AverageAllocatedMb`.
//!
//! **Several days.** List position k of `durations` and `memory_file` (from 1; with `dir`,
//! the file named `dNN` = k) holds day k's figures, the day of invocation file k. The public
//! trace has 14 invocation and durations days but only 12 memory days, other copies may have
//! fewer durations days, and a function can be missing from some days' files. The rules:
//! - *Execution time, per day*: the invocations of day d take the function's figure of day
//!   d; if day d's file does not list it (or there is no day-d file), that of the nearest
//!   earlier day that lists it; if no earlier day does, that of the nearest later day. [`durations`] gives each function its earliest listed figure (what
//!   the first replayed days use until a day lists it; also what estimates made before the
//!   run, such as `size` and the saturation check, use), and the stream applies day files
//!   as it reaches their days ([`day_durations`]): files of days before the window are
//!   applied when the first replayed day opens, so the rule does not depend on `start`.
//! - *Memory, one size for the run*: a function's memory is a setting of its deployment, not
//!   something that changes mid-run, so it takes the figure of the earliest day that lists
//!   it (its own row in a per-function file, else its app's row).
//! - A function listed in no durations file is skipped and counted ("listed in no durations
//!   file"); one with no memory figure on any day is skipped and counted unless
//!   `memory_fallback` is set (see `select`).
//!
//! Every row is checked, used or not; a function (or, per app, an app) listed twice in one
//! file is an error naming both lines, since the two figures could disagree. Memory held: the
//! keys of the functions (first pass), never a figure per function and day.

use std::collections::HashMap;
use std::path::PathBuf;

use super::azure2019::{ID_FIELDS, describe, key};
use super::csvio::{FirstLines, Table};
use super::select::Candidate;
use crate::error::TraceError;
use crate::workload::DurationDist;

/// The percentile columns of the durations file and their probabilities.
pub const PERCENTILES: [(&str, f64); 7] = [
    ("percentile_Average_0", 0.0),
    ("percentile_Average_1", 0.01),
    ("percentile_Average_25", 0.25),
    ("percentile_Average_50", 0.5),
    ("percentile_Average_75", 0.75),
    ("percentile_Average_99", 0.99),
    ("percentile_Average_100", 1.0),
];

/// Reads durations files in day order, setting `exec` of the candidates they list to the
/// figure of the earliest day that lists them.
pub fn durations(
    paths: &[PathBuf],
    index: &HashMap<String, usize>,
    candidates: &mut [Candidate],
) -> Result<(), TraceError> {
    for path in paths {
        for_each_duration(path, |k, dist| {
            if let Some(&i) = index.get(k) {
                candidates[i].exec.get_or_insert(dist);
            }
        })?;
    }
    Ok(())
}

/// Reads one day's durations file during a replay, calling `set(function, distribution)`
/// for each selected function (`ids`: key to function id) it lists.
pub fn day_durations(
    path: &std::path::Path,
    ids: &HashMap<String, u32>,
    mut set: impl FnMut(u32, DurationDist),
) -> Result<(), TraceError> {
    for_each_duration(path, |k, dist| {
        if let Some(&id) = ids.get(k) {
            set(id, dist);
        }
    })
}

/// Reads one durations file, checking every row, and calls `visit(key, distribution)`.
pub fn for_each_duration(
    path: &std::path::Path,
    mut visit: impl FnMut(&str, DurationDist),
) -> Result<(), TraceError> {
    let mut t = Table::open(path)?;
    let owner = t.require("HashOwner")?;
    let app = t.require("HashApp")?;
    let func = t.require("HashFunction")?;
    let mut cols = [0usize; 7];
    for (c, (name, _)) in cols.iter_mut().zip(PERCENTILES) {
        *c = t.require(name)?;
    }
    let mut first_lines = FirstLines::new(path);
    while t.next()? {
        let (o, a, f) = (t.get(owner), t.get(app), t.get(func));
        let k = key(o.as_bytes(), a.as_bytes(), f.as_bytes());
        first_lines.check(&k, t.line(), ID_FIELDS, || {
            describe(o.as_bytes(), a.as_bytes(), Some(f.as_bytes()))
        })?;
        let mut points = Vec::with_capacity(7);
        for (&c, (_, p)) in cols.iter().zip(PERCENTILES) {
            let ms = t.duration(c, 1e-3)?;
            if let Some(&(_, prev)) = points.last() {
                if ms < prev {
                    return Err(t.col_err(
                        c,
                        format!("percentiles must not decrease: {ms} is below {prev}"),
                    ));
                }
            }
            points.push((p, ms));
        }
        visit(&k, DurationDist::Empirical { points });
    }
    Ok(())
}

/// Reads memory files in day order, setting `memory_mb` of the candidates they cover to the
/// figure of the earliest day that lists them (or their app).
pub fn memory(
    paths: &[PathBuf],
    index: &HashMap<String, usize>,
    candidates: &mut [Candidate],
) -> Result<(), TraceError> {
    for path in paths {
        let mut t = Table::open(path)?;
        let owner = t.require("HashOwner")?;
        let app = t.require("HashApp")?;
        let func = t.find("HashFunction");
        let mb = t.require("AverageAllocatedMb")?;
        let mut per_app: HashMap<String, f64> = HashMap::new();
        let mut first_lines = FirstLines::new(path);
        while t.next()? {
            let (o, a) = (t.get(owner).as_bytes(), t.get(app).as_bytes());
            let f = func.map(|f| t.get(f).as_bytes());
            let (k, field) = match f {
                Some(f) => (key(o, a, f), ID_FIELDS),
                None => (key(o, a, b""), "HashOwner,HashApp"),
            };
            first_lines.check(&k, t.line(), field, || describe(o, a, f))?;
            let v = t.memory_mb(mb)?;
            if f.is_some() {
                if let Some(&i) = index.get(&k) {
                    candidates[i].memory_mb.get_or_insert(v);
                }
            } else {
                per_app.entry(k).or_insert(v);
            }
        }
        if !per_app.is_empty() {
            for (k, &i) in index {
                // The app key is the function key with an empty function part.
                let app_key = match k.rfind('\u{1f}') {
                    Some(cut) => &k[..=cut],
                    None => continue,
                };
                if let Some(&v) = per_app.get(app_key) {
                    candidates[i].memory_mb.get_or_insert(v);
                }
            }
        }
    }
    Ok(())
}
