//! Helpers of the tests of the files under deploy/ (Ray, Kubernetes, Slurm): a small sweep
//! scenario whose cost curves cross (so merges ask for break-even refinement rounds), the
//! unsharded sweep to compare with, and folder comparison byte for byte.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Poisson traffic (so replications differ), FaaS against one cheap VM: FaaS is cheaper at
/// low load and dearer at high load (about $7.30 a month for the VM; FaaS about $4.90 a month
/// per request a second), so the curves cross near 1.5 requests a second and the merge of a
/// sharded sweep asks for refinement rounds.
pub const CROSSING_SCENARIO: &str = r#"name = "shardable"
seed = 11
duration = "20m"
month = "730h"

[[workload.functions]]
name = "api"
memory = "1024MB"
execution = { dist = "lognormal", median = "80ms", p99 = "400ms" }
arrivals = { process = "poisson", rate = "1/s" }

[[deployments]]
name = "faas"
[deployments.compute]
model = "faas"
cold_start = { dist = "constant", value = "0ms" }
keep_alive = { policy = "forever" }
[deployments.compute.billing]
requests = { usd = 0.20, per = 1_000_000 }
gb_seconds = { usd = 0.0000166667 }

[[deployments]]
name = "vm"
[deployments.compute]
model = "fleet"
instances = 1
workers = 32
[deployments.compute.billing]
instance_hours = { usd = 0.01 }
"#;

/// The file name [`write_scenario`] writes [`CROSSING_SCENARIO`] to.
pub const SCENARIO_FILE: &str = "shardable.toml";
/// The grid of the tests' sweeps: 4 loads from 0.25 to 8 requests a second.
pub const PARAM: &str = "load=0.25..8:log4";
/// Replications per point of the tests' sweeps.
pub const REPLICATIONS: &str = "2";

/// Writes [`CROSSING_SCENARIO`] into `dir`.
pub fn write_scenario(dir: &Path) {
    fs::write(dir.join(SCENARIO_FILE), CROSSING_SCENARIO).unwrap();
}

/// Every file under `dir`, by path relative to it.
pub fn files(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, into: &mut BTreeMap<PathBuf, Vec<u8>>) {
        for entry in fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, into);
            } else {
                let bytes = fs::read(&path).unwrap();
                into.insert(path.strip_prefix(root).unwrap().to_path_buf(), bytes);
            }
        }
    }
    let mut all = BTreeMap::new();
    walk(dir, dir, &mut all);
    all
}

/// Asserts that `got` holds the same files as `want`, byte for byte, naming the first that
/// differs.
pub fn assert_same_files(want: &Path, got: &Path) {
    let (want_files, got_files) = (files(want), files(got));
    assert_eq!(
        want_files.keys().collect::<Vec<_>>(),
        got_files.keys().collect::<Vec<_>>(),
        "{} and {} hold other files",
        want.display(),
        got.display()
    );
    assert!(!want_files.is_empty(), "{} is empty", want.display());
    for (name, bytes) in &want_files {
        assert!(
            bytes == &got_files[name],
            "{} differs from {}",
            got.join(name).display(),
            want.join(name).display()
        );
    }
}

/// Asserts that a command succeeded, showing its stderr otherwise.
pub fn succeeded(what: &str, out: &Output) {
    assert!(
        out.status.success(),
        "{what} exited with {:?}:\n{}{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The unsharded sweep of [`CROSSING_SCENARIO`] by `binary` in `dir`, written to `dir/out`.
pub fn unsharded_sweep(binary: &Path, dir: &Path, out: &str) -> PathBuf {
    let done = Command::new(binary)
        .current_dir(dir)
        .args(["sweep", SCENARIO_FILE, "--param", PARAM])
        .args(["--replications", REPLICATIONS, "--quiet", "--out", out])
        .output()
        .unwrap();
    succeeded("the unsharded sweep", &done);
    let breakeven = fs::read_to_string(dir.join(out).join("breakeven.csv")).unwrap();
    assert!(
        breakeven.lines().any(|l| l.starts_with("crossing,")),
        "the tests need a crossing to refine: {breakeven}"
    );
    dir.join(out)
}
