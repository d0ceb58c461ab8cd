//! Helpers shared by the integration tests: build scenarios from inline TOML, run them, and
//! estimate standard errors from the recorder's time buckets (batch means).
#![allow(dead_code)] // each test file uses its own subset

pub mod billing;
pub mod cli;
pub mod deploy;
pub mod output;

use serverless_sim::platform::DeploymentResult;
use serverless_sim::run::{self, RunResult};
use serverless_sim::scenario::Scenario;

/// The binary the slow, release-checked tests run (`tests/readme_figures.rs`,
/// `tests/golden.rs`): `README_BIN` (CI: the release build; relative to the repository), else
/// this build's.
pub fn readme_binary() -> std::path::PathBuf {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    std::env::var_os("README_BIN")
        .map(|p| root.join(p))
        .unwrap_or_else(|| env!("CARGO_BIN_EXE_serverless-sim").into())
}

/// Parses inline scenario text (reported as `test.toml`); panics with the located error.
pub fn scenario(text: &str) -> Scenario {
    Scenario::parse("test.toml".as_ref(), text).unwrap_or_else(|e| panic!("{e}"))
}

/// Parses and runs inline scenario text.
pub fn run_text(text: &str) -> RunResult {
    run::run(&scenario(text)).unwrap_or_else(|e| panic!("{e}"))
}

/// One invocation of a hand-made trace: (seconds, function, app, duration in ms).
pub type Call<'a> = (f64, &'a str, &'a str, f64);

/// Replays `calls` (1,024 MB each) as a plain CSV trace for `duration`, with `trace_keys`
/// under `[workload.trace]`, against `deployments` (TOML).
pub fn replay_calls(
    calls: &[Call],
    duration: &str,
    trace_keys: &str,
    deployments: &str,
) -> RunResult {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut csv = String::from("timestamp,function,app,duration_ms,memory_mb\n");
    for (t, f, app, ms) in calls {
        csv.push_str(&format!("{t},{f},{app},{ms},1024\n"));
    }
    std::fs::write(dir.path().join("calls.csv"), csv).expect("calls.csv");
    let text = format!(
        r#"
name = "replay"
seed = 1
duration = "{duration}"
bucket = "{duration}"
[workload.trace]
format = "csv"
file = "calls.csv"
{trace_keys}
{deployments}
"#
    );
    let path = dir.path().join("replay.toml");
    std::fs::write(&path, &text).expect("scenario");
    let scenario = Scenario::load(&path).unwrap_or_else(|e| panic!("{e}"));
    run::run(&scenario).unwrap_or_else(|e| panic!("{e}"))
}

/// The deployment named `name`.
pub fn deployment<'a>(r: &'a RunResult, name: &str) -> &'a DeploymentResult {
    r.deployments
        .iter()
        .find(|d| d.name == name)
        .unwrap_or_else(|| panic!("no deployment {name}"))
}

/// A FaaS billing table with Lambda-like list prices; the closed-form tests ignore it.
pub const FAAS_BILLING: &str = r#"
[deployments.compute.billing]
requests = { usd = 0.20, per = 1_000_000 }
gb_seconds = { usd = 0.0000166667 }
"#;

/// A FaaS deployment `name` with a 100 ms cold start, `keys` under its compute table, and
/// [`FAAS_BILLING`]'s prices plus `billing` (more billing keys).
pub fn faas_deployment(name: &str, keys: &str, billing: &str) -> String {
    format!(
        "\n[[deployments]]\nname = \"{name}\"\n[deployments.compute]\nmodel = \"faas\"\n\
         cold_start = {{ dist = \"constant\", value = \"100ms\" }}\n{keys}\n{FAAS_BILLING}{billing}\n"
    )
}

/// Mean and standard error of the mean of independent (or nearly so) values.
pub fn mean_se(x: &[f64]) -> (f64, f64) {
    let k = x.len() as f64;
    assert!(k >= 2.0, "need at least two batches");
    let mean = x.iter().sum::<f64>() / k;
    let var = x.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (k - 1.0);
    (mean, (var / k).sqrt())
}

/// Ratio estimator R = sum(num) / sum(den) over batches, with its batch-means standard error
/// (the delta method: SE^2 = sum((num_b - R den_b)^2) / (k (k - 1) mean(den)^2)).
pub fn ratio_se(num: &[f64], den: &[f64]) -> (f64, f64) {
    assert_eq!(num.len(), den.len());
    let k = num.len() as f64;
    assert!(k >= 2.0, "need at least two batches");
    let r = num.iter().sum::<f64>() / den.iter().sum::<f64>();
    let mean_den = den.iter().sum::<f64>() / k;
    let ss: f64 = num.iter().zip(den).map(|(n, d)| (n - r * d).powi(2)).sum();
    (r, (ss / (k * (k - 1.0))).sqrt() / mean_den)
}

/// A CSV report file as rows of column name -> cell.
pub fn csv_rows(path: &std::path::Path) -> Vec<std::collections::BTreeMap<String, String>> {
    let mut r = csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    r.records()
        .map(|rec| {
            header
                .iter()
                .cloned()
                .zip(rec.unwrap().iter().map(String::from))
                .collect()
        })
        .collect()
}

/// The number in `column` of a [`csv_rows`] row; panics naming the column and the row.
pub fn csv_number(row: &std::collections::BTreeMap<String, String>, column: &str) -> f64 {
    let cell = row
        .get(column)
        .unwrap_or_else(|| panic!("no column {column} in {row:?}"));
    cell.parse()
        .unwrap_or_else(|_| panic!("{column} = {cell:?} is not a number in {row:?}"))
}
