//! `serverless-sim trace inspect`: what a trace holds, in one streaming pass.
//!
//! Reports functions, apps, invocations, time span, triggers (2019), the busiest functions,
//! the per-minute peak, the per-minute mean concurrency (exact for 2021 and CSV with
//! durations; Little's law with each function's mean duration for 2019 when a durations file
//! is present, taken day by day under the replay's rule: the day's figure, else the nearest
//! earlier day's, else the nearest later day's, see `azure2019_meta`), and the rate spread:
//! the share of functions (and apps) invoked on average less than once per hour and less
//! than once per minute over the span, the measure Shahrad et al. (ATC 2020, Fig. 5) use. Memory is O(functions + minutes).

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use super::csvio::{Table, error};
use super::{Format, azure2019, azure2019_meta, azure2021, plain_csv};
use crate::engine::time::{MINUTE, Micros};
use crate::error::TraceError;

/// Longest span a CSV or 2021 trace may have for `inspect`, which keeps two numbers per
/// minute (about 16 MB at this bound, the same as a run's `MAX_BUCKETS` at one-minute
/// buckets). A longer span almost always comes from one mistyped timestamp; without the
/// bound it would ask for gigabytes.
const MAX_PROFILE_MINUTES: u64 = 1_000_000;

/// One function's figures.
#[derive(Clone, Debug, PartialEq)]
pub struct FunctionStat {
    pub name: String,
    pub app: String,
    pub trigger: Option<String>,
    pub invocations: u64,
}

/// Invocations of one trigger kind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TriggerStat {
    pub trigger: String,
    pub functions: u64,
    pub invocations: u64,
}

/// What a trace holds.
#[derive(Clone, Debug, PartialEq)]
pub struct Profile {
    pub format: Format,
    pub files: Vec<PathBuf>,
    pub functions: Vec<FunctionStat>,
    pub apps: usize,
    pub invocations: u64,
    /// Length of the trace from its origin.
    pub span: Micros,
    /// Invocations per minute since the origin.
    pub per_minute: Vec<u64>,
    /// Mean concurrency per minute, when durations are known.
    pub concurrency: Option<Vec<f64>>,
    /// Whether `concurrency` is an estimate (mean durations) rather than exact.
    pub concurrency_estimated: bool,
    pub triggers: Vec<TriggerStat>,
    pub notes: Vec<String>,
}

/// Reads the trace at `path` (a file, or a folder of 2019 files) and profiles it.
///
/// # Errors
/// Unreadable or malformed files, or a format that cannot be told from the header.
pub fn inspect(path: &Path, format: Option<Format>) -> Result<Profile, TraceError> {
    let files = classify(path)?;
    let format = match format {
        Some(f) => f,
        None if !files.invocations_2019.is_empty() => Format::Azure2019,
        None => match files.other.as_slice() {
            [(_, Some(f))] => *f,
            [(p, None)] => {
                return Err(error(
                    p,
                    1,
                    "header",
                    "cannot tell the format from the header: pass --format",
                ));
            }
            _ => {
                return Err(error(
                    path,
                    0,
                    "(files)",
                    "found no single trace file to inspect",
                ));
            }
        },
    };
    match format {
        Format::Azure2019 => {
            let inv = if files.invocations_2019.is_empty() {
                files.other.iter().map(|(p, _)| p.clone()).collect()
            } else {
                files.invocations_2019.clone()
            };
            inspect_2019(&inv, &files.durations_2019)
        }
        Format::Azure2021 | Format::Csv => {
            let [(p, _)] = files.other.as_slice() else {
                return Err(error(path, 0, "(files)", "expected one trace file"));
            };
            inspect_rows(p, format)
        }
    }
}

#[derive(Default)]
struct Files {
    invocations_2019: Vec<PathBuf>,
    durations_2019: Vec<PathBuf>,
    other: Vec<(PathBuf, Option<Format>)>,
}

/// Sorts the files of `path` by what their headers say they are.
fn classify(path: &Path) -> Result<Files, TraceError> {
    let paths: Vec<PathBuf> = if path.is_dir() {
        let mut v: Vec<PathBuf> = std::fs::read_dir(path)
            .map_err(|e| error(path, 0, "(folder)", format!("cannot list: {e}")))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x.eq_ignore_ascii_case("csv")))
            .collect();
        v.sort();
        v
    } else {
        vec![path.to_path_buf()]
    };
    let mut files = Files::default();
    for p in paths {
        let t = Table::open(&p)?;
        let has = |n: &str| t.find(n).is_some();
        if has("HashFunction") && has("Trigger") {
            files.invocations_2019.push(p);
        } else if has("percentile_Average_50") {
            files.durations_2019.push(p);
        } else if has("AverageAllocatedMb") {
            // Memory does not enter the profile.
        } else if has("end_timestamp") && has("func") {
            files.other.push((p, Some(Format::Azure2021)));
        } else if has("timestamp") && has("function") {
            files.other.push((p, Some(Format::Csv)));
        } else {
            files.other.push((p, None));
        }
    }
    Ok(files)
}

fn inspect_2019(invocations: &[PathBuf], durations: &[PathBuf]) -> Result<Profile, TraceError> {
    // Each function's earliest listed figure; day files overwrite it as their days come.
    let mut mean_ms: HashMap<String, f64> = HashMap::new();
    for p in durations {
        azure2019_meta::for_each_duration(p, |k, d| {
            mean_ms.entry(k.to_string()).or_insert(d.mean_ms());
        })?;
    }
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut functions: Vec<FunctionStat> = Vec::new();
    let mut per_minute: Vec<u64> = Vec::new();
    let mut busy_ms: Vec<f64> = Vec::new();
    let (mut origin, mut no_durations) = (None, 0u64);
    for (d, path) in invocations.iter().enumerate() {
        if d > 0 {
            if let Some(p) = durations.get(d) {
                azure2019_meta::for_each_duration(p, |k, dist| {
                    if let Some(m) = mean_ms.get_mut(k) {
                        *m = dist.mean_ms();
                    }
                })?;
            }
        }
        let file = azure2019::InvocationFile::open(path)?;
        let first = d as u64 * azure2019::DAY_MINUTES + file.header.first_minute - 1;
        let origin = *origin.get_or_insert(first);
        let Some(base) = first.checked_sub(origin) else {
            return Err(error(
                path,
                1,
                "header",
                "starts before the previous day file",
            ));
        };
        let base = base as usize;
        let end = base + file.header.minutes as usize;
        per_minute.resize(per_minute.len().max(end), 0);
        busy_ms.resize(per_minute.len(), 0.0);
        file.for_each(|row, _| {
            let k = row.key();
            let mean = mean_ms.get(&k).copied();
            let i = *index.entry(k).or_insert_with(|| {
                no_durations += u64::from(mean.is_none() && !durations.is_empty());
                functions.push(FunctionStat {
                    name: String::from_utf8_lossy(row.function).into_owned(),
                    app: String::from_utf8_lossy(row.app).into_owned(),
                    trigger: Some(String::from_utf8_lossy(row.trigger).into_owned()),
                    invocations: 0,
                });
                functions.len() - 1
            });
            for (j, &n) in row.counts.iter().enumerate() {
                per_minute[base + j] += u64::from(n);
                busy_ms[base + j] += f64::from(n) * mean.unwrap_or(0.0);
            }
            functions[i].invocations += row.counts.iter().map(|&n| u64::from(n)).sum::<u64>();
            Ok(())
        })?;
    }
    let mut notes = Vec::new();
    if no_durations > 0 {
        notes.push(format!(
            "{no_durations} functions are listed in no durations file (a replay skips them)"
        ));
    }
    if !durations.is_empty() && invocations.len() > durations.len() {
        let first = durations.len() + 1;
        let days = if first == invocations.len() {
            format!("day {first} has")
        } else {
            format!("days {first}-{} have", invocations.len())
        };
        notes.push(format!(
            "{days} no durations file: their execution times are each function's figure of \
             the nearest earlier day that lists it"
        ));
    }
    if durations.is_empty() {
        notes.push("no durations file found: concurrency not estimated".into());
    }
    let concurrency = (!durations.is_empty())
        .then(|| busy_ms.iter().map(|b| b / (MINUTE as f64 / 1e3)).collect());
    let mut files = invocations.to_vec();
    files.extend_from_slice(durations);
    Ok(finish(
        Format::Azure2019,
        files,
        functions,
        per_minute,
        concurrency,
        true,
        notes,
    ))
}

fn inspect_rows(path: &Path, format: Format) -> Result<Profile, TraceError> {
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut functions: Vec<FunctionStat> = Vec::new();
    // Minute -> (invocations, busy µs), keyed from an arbitrary zero then shifted.
    let mut minutes: BTreeMap<i64, (u64, f64)> = BTreeMap::new();
    let mut has_durations = true;
    // First and last minute touched so far, bounded before the profile grows past them.
    let mut span: Option<(i64, i64)> = None;
    let mut add = |app: &str, function: &str, t: i64, dur: Option<Micros>| {
        let first = t.div_euclid(MINUTE as i64);
        let end = t.saturating_add(dur.map_or(0, |d| i64::try_from(d).unwrap_or(i64::MAX)));
        let last = end.saturating_sub(1).max(t).div_euclid(MINUTE as i64);
        let (lo, hi) = span.map_or((first, last), |(lo, hi)| (lo.min(first), hi.max(last)));
        if hi.abs_diff(lo) >= MAX_PROFILE_MINUTES {
            return Err(format!(
                "the invocations span more than {MAX_PROFILE_MINUTES} minutes (about {} days), \
                 too long to profile minute by minute: this row at {} s (or one before it) is \
                 far from the others; check for a mistyped timestamp or duration",
                MAX_PROFILE_MINUTES / 1440,
                t as f64 / 1e6
            ));
        }
        span = Some((lo, hi));
        let k = format!("{app}\u{1f}{function}");
        let i = *index.entry(k).or_insert_with(|| {
            functions.push(FunctionStat {
                name: function.to_string(),
                app: app.to_string(),
                trigger: None,
                invocations: 0,
            });
            functions.len() - 1
        });
        functions[i].invocations += 1;
        let m = t.div_euclid(MINUTE as i64);
        minutes.entry(m).or_default().0 += 1;
        match dur {
            Some(d) => spread_busy(&mut minutes, t, d),
            None => has_durations = false,
        }
        Ok(())
    };
    if format == Format::Azure2021 {
        azure2021::for_each(path, |r| {
            add(r.app, r.function, r.start, Some(r.duration))
                .map_err(|m| error(path, 0, "end_timestamp", m))
        })?;
    } else {
        let mut t = Table::open(path)?;
        let cols = plain_csv::Columns::of(&t)?;
        while t.next()? {
            let r = plain_csv::row(&t, &cols)?;
            add(r.app, r.function, r.t, r.duration).map_err(|m| t.col_err(cols.timestamp, m))?;
        }
    }
    let (lo, hi) = match (minutes.keys().next(), minutes.keys().next_back()) {
        (Some(&lo), Some(&hi)) => (lo, hi),
        _ => return Err(error(path, 0, "(file)", "holds no invocation")),
    };
    let n = (hi - lo + 1) as usize;
    let mut per_minute = vec![0u64; n];
    let mut busy = vec![0f64; n];
    for (m, (c, b)) in minutes.range(lo..=hi) {
        per_minute[(m - lo) as usize] = *c;
        busy[(m - lo) as usize] = b / MINUTE as f64;
    }
    let concurrency = has_durations.then_some(busy);
    let p = vec![path.to_path_buf()];
    Ok(finish(
        format,
        p,
        functions,
        per_minute,
        concurrency,
        false,
        Vec::new(),
    ))
}

/// Adds the busy time of an invocation [t, t + d) to the minutes it overlaps.
fn spread_busy(minutes: &mut BTreeMap<i64, (u64, f64)>, t: i64, d: Micros) {
    let (mut at, end) = (t, t.saturating_add(i64::try_from(d).unwrap_or(i64::MAX)));
    while at < end {
        let m = at.div_euclid(MINUTE as i64);
        let next = (m + 1).saturating_mul(MINUTE as i64).min(end);
        minutes.entry(m).or_default().1 += (next - at) as f64;
        at = next;
    }
}

fn finish(
    format: Format,
    files: Vec<PathBuf>,
    functions: Vec<FunctionStat>,
    per_minute: Vec<u64>,
    concurrency: Option<Vec<f64>>,
    concurrency_estimated: bool,
    notes: Vec<String>,
) -> Profile {
    let mut triggers: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    for f in &functions {
        if let Some(t) = &f.trigger {
            let e = triggers.entry(t.clone()).or_default();
            e.0 += 1;
            e.1 += f.invocations;
        }
    }
    let mut triggers: Vec<TriggerStat> = triggers
        .into_iter()
        .map(|(trigger, (functions, invocations))| TriggerStat {
            trigger,
            functions,
            invocations,
        })
        .collect();
    triggers.sort_by(|a, b| {
        b.invocations
            .cmp(&a.invocations)
            .then(a.trigger.cmp(&b.trigger))
    });
    let apps = functions
        .iter()
        .map(|f| f.app.as_str())
        .collect::<std::collections::HashSet<_>>()
        .len();
    Profile {
        format,
        files,
        apps,
        invocations: functions.iter().map(|f| f.invocations).sum(),
        span: per_minute.len() as u64 * MINUTE,
        functions,
        per_minute,
        concurrency,
        concurrency_estimated,
        triggers,
        notes,
    }
}

pub use super::profile_text::group;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn busy_time_splits_across_minutes() {
        let mut m = BTreeMap::new();
        // 30 s before a minute boundary to 90 s after it.
        spread_busy(&mut m, 30 * 1_000_000, 120 * 1_000_000);
        assert_eq!(m[&0].1, 30e6);
        assert_eq!(m[&1].1, 60e6);
        assert_eq!(m[&2].1, 30e6);
    }
}
