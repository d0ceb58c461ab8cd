//! Helpers of the output-folder tests (output_folder.rs, output_refusals.rs): a small
//! scenario, running it into a folder, byte-for-byte snapshots of a tree, and the checks of a
//! complete report and of a refused folder.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// A small valid scenario (one minute, one function, one FaaS deployment).
pub const SCENARIO: &str = r#"name = "output-test"
seed = 3
duration = "1m"

[[workload.functions]]
name = "api"
memory = "256MB"
execution = { dist = "lognormal", median = "20ms", p99 = "120ms" }
arrivals = { process = "poisson", rate = "2/s" }

[[deployments]]
name = "faas"
[deployments.compute]
model = "faas"
cold_start = { dist = "constant", value = "250ms" }
keep_alive = { policy = "fixed", idle_timeout = "10s" }
[deployments.compute.billing]
requests = { usd = 0.20, per = 1_000_000 }
gb_seconds = { usd = 0.0000166667 }
"#;

/// The files of a run report, as the README lists them, sorted.
pub const REPORT_FILES: [&str; 13] = [
    "cost.png",
    "cost_latency.png",
    "cost_over_time.png",
    "costs.csv",
    "functions.csv",
    "instances.png",
    "keepalive.png",
    "latency.csv",
    "latency_cdf.png",
    "latency_over_time.png",
    "report.html",
    "summary.csv",
    "timeseries.csv",
];

pub const BIN: &str = env!("CARGO_BIN_EXE_serverless-sim");

pub fn bin() -> Command {
    Command::new(BIN)
}

/// A temporary folder holding `s.toml`.
pub fn setup() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = tmp.path().join("s.toml");
    fs::write(&scenario, SCENARIO).unwrap();
    (tmp, scenario)
}

/// `run <scenario> --out <out> --quiet --seed <seed>`, as a command to finish.
pub fn run(scenario: &Path, out: &Path, seed: u64) -> Command {
    let mut cmd = bin();
    cmd.arg("run")
        .arg(scenario)
        .arg("--out")
        .arg(out)
        .arg("--quiet")
        .args(["--seed", &seed.to_string()]);
    cmd
}

/// What a file system entry is, for byte-for-byte comparisons.
#[derive(Debug, PartialEq, Eq)]
pub enum Node {
    File(Vec<u8>),
    Dir,
    Link(PathBuf),
}

/// Everything under `root`, by relative path (links not followed).
pub fn snapshot(root: &Path) -> BTreeMap<PathBuf, Node> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, Node>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let rel = path.strip_prefix(root).unwrap().to_path_buf();
            let kind = fs::symlink_metadata(&path).unwrap().file_type();
            if kind.is_symlink() {
                out.insert(rel, Node::Link(fs::read_link(&path).unwrap()));
            } else if kind.is_dir() {
                out.insert(rel, Node::Dir);
                walk(root, &path, out);
            } else {
                out.insert(rel, Node::File(fs::read(&path).unwrap()));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(root, root, &mut out);
    out
}

/// The names in `dir`, sorted.
pub fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Asserts `dir` is one complete run report: its manifest says serverless-sim, lists exactly
/// the report's files, every one of them is there and nothing else is. Returns the seed.
pub fn assert_complete_report(dir: &Path) -> i64 {
    let text = fs::read_to_string(dir.join("manifest.toml")).expect("manifest.toml");
    let manifest: toml::Table = text.parse().expect("manifest parses");
    assert_eq!(manifest["tool"].as_str(), Some("serverless-sim"));
    assert_eq!(
        manifest["version"].as_str(),
        Some(env!("CARGO_PKG_VERSION"))
    );
    assert_eq!(manifest["scenario"].as_str(), Some("output-test"));
    assert!(manifest["warnings"].is_array(), "{text}");
    let listed: Vec<&str> = manifest["files"]
        .as_array()
        .expect("files")
        .iter()
        .map(|f| f.as_str().unwrap())
        .collect();
    assert_eq!(listed, REPORT_FILES, "{text}");
    let mut present = names(dir);
    present.retain(|n| n != "manifest.toml");
    assert_eq!(present, REPORT_FILES);
    for f in REPORT_FILES {
        assert!(fs::metadata(dir.join(f)).unwrap().len() > 0, "{f} is empty");
    }
    manifest["seed"].as_integer().expect("seed")
}

/// A folder that is a report by the rule (a manifest of ours listing its one file), made by
/// hand: cheaper than a run where only the rule matters.
pub fn fake_report(dir: &Path) {
    fs::create_dir_all(dir).unwrap();
    fs::write(
        dir.join("manifest.toml"),
        "tool = \"serverless-sim\"\ncommand = \"run\"\nfiles = [\"summary.csv\"]\n",
    )
    .unwrap();
    fs::write(dir.join("summary.csv"), "deployment\n").unwrap();
}

/// Runs the binary on a refused `out`: non-zero exit, no panic, an error naming `out`;
/// everything under `root` byte-identical afterwards. Returns stderr.
pub fn assert_refused(scenario: &Path, out: &Path, root: &Path) -> String {
    let before = snapshot(root);
    let output = run(scenario, out, 1).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(!output.status.success(), "exit 0 for {}", out.display());
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(
        stderr.contains(&format!("error: {}: ", out.display())),
        "the error must name {}: {stderr}",
        out.display()
    );
    assert_eq!(snapshot(root), before, "something changed: {stderr}");
    stderr
}
