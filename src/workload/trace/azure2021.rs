//! Azure Functions Invocation Trace 2021: one row per invocation.
//!
//! Layout (github.com/Azure/AzurePublicDataset, CC-BY 4.0): `app,func,end_timestamp,duration`,
//! timestamps and durations in seconds (float), rows not sorted by time. An invocation starts
//! at `end_timestamp - duration` and runs for exactly `duration`: both are replayed as
//! recorded (to the microsecond). `func` is unique only within its app, so a function is
//! (app, func). Rows are single invocations, so two identical rows are two invocations that
//! ended at the same instant, not a duplicate: they are both replayed.
//!
//! The rows are unsorted, so the first pass keeps a compact record per invocation and sorts
//! them in memory (see `records`); this is the one format whose memory grows with
//! the number of invocations (24 bytes each, about 50 MB for the full 2 million rows).
//! The trace has no memory sizes: give `memory = "<size>"` or `memory_fallback`.
//! Each function's nominal execution-time distribution is a constant at its mean observed
//! duration (for reports; the replay uses each invocation's own duration).

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use super::csvio::Table;
use super::records::{Record, Records};
use super::select::{self, Candidate};
use super::shape::Clock;
use super::timestamp::MAX_SECONDS;
use super::{Loaded, Replay, TraceSpec};
use crate::engine::time::{Micros, SECOND};
use crate::error::TraceError;
use crate::workload::DurationDist;

/// One parsed row.
pub struct Row<'a> {
    pub app: &'a str,
    pub function: &'a str,
    /// Start, µs on the trace's clock (may be negative for invocations already running when
    /// the trace began).
    pub start: i64,
    /// Duration, µs.
    pub duration: u64,
}

/// Reads every row of a 2021 file, checking it, and calls `visit`.
pub fn for_each(
    path: &Path,
    mut visit: impl FnMut(&Row<'_>) -> Result<(), TraceError>,
) -> Result<(), TraceError> {
    let mut t = Table::open(path)?;
    let app = t.require("app")?;
    let func = t.require("func")?;
    let end = t.require("end_timestamp")?;
    let dur = t.require("duration")?;
    while t.next()? {
        let end_s = t.number(end)?;
        let dur_s = t.duration(dur, 1.0)?;
        // Beyond this the µs value would not fit the clock (see `timestamp::MAX_SECONDS`);
        // `duration` is bounded the same way by `Table::duration`.
        if end_s.abs() > MAX_SECONDS {
            return Err(t.col_err(
                end,
                format!(
                    "{} seconds is out of range: at most {MAX_SECONDS:e} either side of 0 \
                     (the 2021 trace counts seconds from its start)",
                    t.get(end)
                ),
            ));
        }
        let row = Row {
            app: t.get(app),
            function: t.get(func),
            start: ((end_s - dur_s) * SECOND as f64).round() as i64,
            duration: (dur_s * SECOND as f64).round() as u64,
        };
        if row.function.is_empty() || row.app.is_empty() {
            let col = if row.app.is_empty() { app } else { func };
            return Err(t.col_err(col, "is empty"));
        }
        visit(&row)?;
    }
    Ok(())
}

/// The first pass: reads, selects and sorts (see the module docs).
pub(super) fn load(spec: &TraceSpec, path: &Path) -> Result<Loaded, TraceError> {
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut candidates: Vec<Candidate> = Vec::new();
    let mut busy_us: Vec<f64> = Vec::new();
    let mut records = Vec::new();
    for_each(path, |row| {
        let k = format!("{}\u{1f}{}", row.app, row.function);
        let i = *index.entry(k).or_insert_with(|| {
            candidates.push(Candidate {
                name: row.function.to_string(),
                app: row.app.to_string(),
                invocations: 0,
                exec: None,
                memory_mb: None,
            });
            busy_us.push(0.0);
            candidates.len() - 1
        });
        busy_us[i] += row.duration as f64;
        records.push(Record {
            t: row.start,
            function: i as u32,
            exec: row.duration,
        });
        Ok(())
    })?;
    let first = records.iter().map(|r| r.t).min().unwrap_or(0);
    let last = records.iter().map(|r| r.t).max().unwrap_or(0);
    let clock = window(spec, first, last);
    for r in &records {
        if clock.replays(r.t, spec.horizon) {
            candidates[r.function as usize].invocations += 1;
        }
    }
    let mut all: Vec<u64> = vec![0; candidates.len()];
    for r in &records {
        all[r.function as usize] += 1;
    }
    for (c, (busy, n)) in candidates.iter_mut().zip(busy_us.iter().zip(&all)) {
        c.exec = Some(DurationDist::Constant {
            ms: busy / *n.max(&1) as f64 / 1e3,
        });
    }
    let selected = select::select(&candidates, spec, "no durations");
    let records = Records::new(records, &selected.ids, clock, spec.shaping.rate_multiplier);
    Ok(Loaded {
        selected,
        replay: Replay::Records(Arc::new(records)),
        span: clock.span(),
        covered: last.saturating_sub(first).max(0) as Micros,
        cut: None,
    })
}

/// The replayed window of a per-invocation trace whose starts run from `first` to `last`:
/// offsets from `first`; the default end is just after `last`, rounded up to a whole second.
pub(super) fn window(spec: &TraceSpec, first: i64, last: i64) -> Clock {
    let sel = &spec.selection;
    let natural = (last - first) / SECOND as i64 * SECOND as i64 + SECOND as i64;
    // Offsets are up to 2^63 µs (a scenario duration); a window past the clock's end is empty.
    let offset = |o: u64| first.saturating_add(i64::try_from(o).unwrap_or(i64::MAX));
    Clock {
        start: offset(sel.start),
        end: sel.end.map_or(first + natural, offset),
        scale: spec.shaping.time_scale,
    }
}
