//! A deterministic synthetic trace in the Azure 2019 layout, for benchmarks and memory
//! measurements (not real data): `functions` rows x 1,440 minutes per day file.
//!
//! Each function gets a mean rate drawn log-uniformly between 0.01 and 100 invocations per
//! minute (mean about 10.9, so 10,000 functions make about 156 million invocations a day),
//! times a daily sine (+-50%). A minute's count is that rate rounded up or down at random
//! (randomised rounding keeps the mean). Durations are per-function percentiles around a
//! log-uniform median of 1 ms..1 s; memory is per app (two functions per app), the original
//! layout.
//!
//! Two layouts ([`Layout`]), file names exactly as the public dataset's:
//! - [`Layout::single`] (what [`generate`] writes): `days` invocation files
//!   `invocations_per_function_md.anon.dNN.csv`, one durations file
//!   `function_durations_percentiles.anon.d01.csv` listing every function and one memory
//!   file `app_memory_percentiles.anon.d01.csv` listing every app.
//! - [`Layout::public`]: the public trace's shape as its description
//!   (AzureFunctionsDataset2019.md) gives it: `days` invocation files (14 in the dataset),
//!   `min(days, 14)` durations files and `min(days, 12)` memory files ("last 2 are
//!   missing"), one per day; [`Layout::with_days`] changes the counts (e.g. 14/12/12, days
//!   13 and 14 without durations). Day 1's figures are the single layout's; day k > 1
//!   scales each function's durations by a factor in [0.8, 1.25] and each app's memory by one in [0.9, 1.1]. Like the real trace, the companion files have gaps:
//!   each function is absent from each day's durations file with probability 1/20 (day 1
//!   included), every 500th function (index 499, 999, ...) from all of them, and each app
//!   from each day's memory file with probability 1/20. The day-k draws come from their own
//!   generator, so the invocation files and day 1's listed rows are the single layout's.

#![allow(dead_code)] // each user (bench, example, tests) calls its own part

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use rand::{Rng, SeedableRng};
use serverless_sim::rng::{SimRng, unit_open};

/// How many day files of each kind to write.
#[derive(Clone, Copy, Debug)]
pub struct Layout {
    pub invocation_days: usize,
    pub duration_days: usize,
    pub memory_days: usize,
    /// Leave gaps in the companion files (see the module docs).
    pub gaps: bool,
}

impl Layout {
    /// `days` invocation files, one complete durations file and one complete memory file.
    pub fn single(days: usize) -> Self {
        Self {
            invocation_days: days,
            duration_days: 1,
            memory_days: 1,
            gaps: false,
        }
    }

    /// The public trace's layout: `days` invocation files (14 in the dataset), durations
    /// files for the first `min(days, 14)` days and memory files for the first
    /// `min(days, 12)`, with gaps.
    pub fn public(days: usize) -> Self {
        Self {
            invocation_days: days,
            duration_days: days.min(14),
            memory_days: days.min(12),
            gaps: true,
        }
    }

    /// The same layout with `durations` durations days and `memory` memory days.
    pub fn with_days(self, durations: usize, memory: usize) -> Self {
        Self {
            duration_days: durations,
            memory_days: memory,
            ..self
        }
    }
}

/// What was written.
pub struct Generated {
    pub invocations: Vec<PathBuf>,
    pub durations: Vec<PathBuf>,
    pub memory: Vec<PathBuf>,
    /// Total invocations over all days.
    pub total: u64,
}

fn hash(prefix: &str, i: usize) -> String {
    format!("{prefix}{i:058x}")
}

/// Name of day `day` (from 1) of a kind of file, as in the public dataset.
pub fn day_file(kind: &str, day: usize) -> String {
    format!("{kind}.anon.d{day:02}.csv")
}

/// Writes `days` day files of `functions` functions into `dir` in the single layout, seeded
/// by `seed`.
pub fn generate(
    dir: &Path,
    functions: usize,
    days: usize,
    seed: u64,
) -> std::io::Result<Generated> {
    generate_layout(dir, functions, Layout::single(days), seed)
}

/// The generator of day `day`'s companion-file variations.
fn day_rng(seed: u64, day: usize) -> SimRng {
    SimRng::seed_from_u64(seed ^ (day as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15))
}

/// Writes a trace of `functions` functions in `layout` into `dir`, seeded by `seed`.
pub fn generate_layout(
    dir: &Path,
    functions: usize,
    layout: Layout,
    seed: u64,
) -> std::io::Result<Generated> {
    std::fs::create_dir_all(dir)?;
    let mut rng = SimRng::seed_from_u64(seed);
    let mut u = move || unit_open(rng.next_u64());
    let rates: Vec<f64> = (0..functions)
        .map(|_| 10f64.powf(4.0 * u() - 2.0))
        .collect();
    let mut total = 0;
    let mut invocations = Vec::new();
    for d in 0..layout.invocation_days {
        let path = dir.join(day_file("invocations_per_function_md", d + 1));
        let mut w = BufWriter::with_capacity(1 << 20, File::create(&path)?);
        write!(w, "HashOwner,HashApp,HashFunction,Trigger")?;
        for m in 1..=1440 {
            write!(w, ",{m}")?;
        }
        writeln!(w)?;
        let mut line = String::new();
        for (f, rate) in rates.iter().enumerate() {
            line.clear();
            line.push_str(&format!(
                "{},{},{},http",
                hash("o", f / 2),
                hash("a", f / 2),
                hash("f", f)
            ));
            for m in 0..1440 {
                let daily = 1.0 + 0.5 * (std::f64::consts::TAU * m as f64 / 1440.0).sin();
                let x = rate * daily;
                let n = x.floor() as u64 + u64::from(u() < x.fract());
                total += n;
                line.push(',');
                line.push_str(&n.to_string());
            }
            line.push('\n');
            w.write_all(line.as_bytes())?;
        }
        w.flush()?;
        invocations.push(path);
    }
    // Day 1's figures, drawn from the main generator as the single layout always did.
    let medians: Vec<f64> = (0..functions).map(|_| 10f64.powf(3.0 * u())).collect();
    let app_mb: Vec<f64> = (0..functions.div_ceil(2))
        .map(|_| 50.0 + 250.0 * u())
        .collect();
    let mut durations = Vec::new();
    for d in 0..layout.duration_days {
        let path = dir.join(day_file("function_durations_percentiles", d + 1));
        write_durations(&path, &medians, layout.gaps, seed, d)?;
        durations.push(path);
    }
    let mut memory = Vec::new();
    for d in 0..layout.memory_days {
        let path = dir.join(day_file("app_memory_percentiles", d + 1));
        write_memory(&path, &app_mb, layout.gaps, seed, d)?;
        memory.push(path);
    }
    Ok(Generated {
        invocations,
        durations,
        memory,
        total,
    })
}

/// Day `d` (from 0)'s durations file.
fn write_durations(
    path: &Path,
    medians: &[f64],
    gaps: bool,
    seed: u64,
    d: usize,
) -> std::io::Result<()> {
    let mut rng = day_rng(seed, 2 * d);
    let mut w = BufWriter::new(File::create(path)?);
    writeln!(
        w,
        "HashOwner,HashApp,HashFunction,Average,Count,Minimum,Maximum,percentile_Average_0,percentile_Average_1,percentile_Average_25,percentile_Average_50,percentile_Average_75,percentile_Average_99,percentile_Average_100"
    )?;
    for (f, &median) in medians.iter().enumerate() {
        // Two draws per function and day, used or not, so one function's gap never shifts
        // another's figures.
        let (factor, absent) = (unit_open(rng.next_u64()), unit_open(rng.next_u64()));
        if gaps && (f % 500 == 499 || absent < 0.05) {
            continue;
        }
        let b = if d == 0 {
            median
        } else {
            median * 1.25f64.powf(2.0 * factor - 1.0)
        };
        let p: Vec<String> = [0.1, 0.2, 0.6, 1.0, 1.6, 6.0, 20.0]
            .iter()
            .map(|k| format!("{:.0}", (k * b).ceil()))
            .collect();
        writeln!(
            w,
            "{},{},{},{:.0},1000,{},{},{}",
            hash("o", f / 2),
            hash("a", f / 2),
            hash("f", f),
            1.5 * b,
            p[0],
            p[6],
            p.join(",")
        )?;
    }
    w.flush()
}

/// Day `d` (from 0)'s memory file (per app, the original layout).
fn write_memory(
    path: &Path,
    app_mb: &[f64],
    gaps: bool,
    seed: u64,
    d: usize,
) -> std::io::Result<()> {
    let mut rng = day_rng(seed, 2 * d + 1);
    let mut w = BufWriter::new(File::create(path)?);
    writeln!(
        w,
        "HashOwner,HashApp,SampleCount,AverageAllocatedMb,AverageAllocatedMb_pct1,AverageAllocatedMb_pct5,AverageAllocatedMb_pct25,AverageAllocatedMb_pct50,AverageAllocatedMb_pct75,AverageAllocatedMb_pct95,AverageAllocatedMb_pct99,AverageAllocatedMb_pct100"
    )?;
    for (a, &base) in app_mb.iter().enumerate() {
        let (factor, absent) = (unit_open(rng.next_u64()), unit_open(rng.next_u64()));
        if gaps && absent < 0.05 {
            continue;
        }
        let mb = if d == 0 {
            base
        } else {
            base * (0.9 + 0.2 * factor)
        };
        writeln!(
            w,
            "{},{},100,{mb:.1},{mb:.1},{mb:.1},{mb:.1},{mb:.1},{mb:.1},{mb:.1},{mb:.1},{mb:.1}",
            hash("o", a),
            hash("a", a)
        )?;
    }
    w.flush()
}
