//! A deterministic synthetic trace in the Azure 2019 layout, for benchmarks and memory
//! measurements (not real data): `functions` rows x 1,440 minutes per day file.
//!
//! Each function gets a mean rate drawn log-uniformly between 0.01 and 100 invocations per
//! minute (mean about 10.9, so 10,000 functions make about 156 million invocations a day),
//! times a daily sine (+-50%). A minute's count is that rate rounded up or down at random
//! (randomised rounding keeps the mean). Durations are per-function percentiles around a
//! log-uniform median of 1 ms..1 s; memory is per app (two functions per app), the original
//! layout.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use rand::{Rng, SeedableRng};
use serverless_sim::rng::{SimRng, unit_open};

/// What was written.
pub struct Generated {
    pub invocations: Vec<PathBuf>,
    pub durations: PathBuf,
    pub memory: PathBuf,
    /// Total invocations over all days.
    pub total: u64,
}

fn hash(prefix: &str, i: usize) -> String {
    format!("{prefix}{i:058x}")
}

/// Writes `days` day files of `functions` functions into `dir`, seeded by `seed`.
pub fn generate(
    dir: &Path,
    functions: usize,
    days: usize,
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
    for d in 0..days {
        let path = dir.join(format!(
            "invocations_per_function_md.anon.d{:02}.csv",
            d + 1
        ));
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
    let durations = dir.join("function_durations_percentiles.anon.d01.csv");
    let mut w = BufWriter::new(File::create(&durations)?);
    writeln!(
        w,
        "HashOwner,HashApp,HashFunction,Average,Count,Minimum,Maximum,percentile_Average_0,percentile_Average_1,percentile_Average_25,percentile_Average_50,percentile_Average_75,percentile_Average_99,percentile_Average_100"
    )?;
    for f in 0..functions {
        let b = 10f64.powf(3.0 * u());
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
    w.flush()?;
    let memory = dir.join("app_memory_percentiles.anon.d01.csv");
    let mut w = BufWriter::new(File::create(&memory)?);
    writeln!(
        w,
        "HashOwner,HashApp,SampleCount,AverageAllocatedMb,AverageAllocatedMb_pct1,AverageAllocatedMb_pct5,AverageAllocatedMb_pct25,AverageAllocatedMb_pct50,AverageAllocatedMb_pct75,AverageAllocatedMb_pct95,AverageAllocatedMb_pct99,AverageAllocatedMb_pct100"
    )?;
    for a in 0..functions.div_ceil(2) {
        let mb = 50.0 + 250.0 * u();
        writeln!(
            w,
            "{},{},100,{mb:.1},{mb:.1},{mb:.1},{mb:.1},{mb:.1},{mb:.1},{mb:.1},{mb:.1},{mb:.1}",
            hash("o", a),
            hash("a", a)
        )?;
    }
    w.flush()?;
    Ok(Generated {
        invocations,
        durations,
        memory,
        total,
    })
}
