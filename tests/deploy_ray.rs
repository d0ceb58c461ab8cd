//! deploy/ray/sharded.py on a real (local) Ray cluster of 2 CPUs: a sweep run as 3 shards
//! (Ray tasks that return their part folders as bytes) and its refinement rounds, merged by
//! the driver, is byte for byte the unsharded sweep; and so is a trace replay run as shards,
//! once the binary's `run` takes `--shard`.
//!
//! Ignored by default (they need Python with the `ray` package, and start Ray); CI runs them
//! one at a time (one Ray instance at a time) with the release binary:
//! `RAY_PYTHON=<venv>/bin/python README_BIN=target/release/serverless-sim cargo test --test
//! deploy_ray -- --include-ignored --test-threads=1`.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::deploy::{
    PARAM, REPLICATIONS, SCENARIO_FILE, assert_same_files, succeeded, unsharded_sweep,
    write_scenario,
};
use common::readme_binary;

/// The Python with `ray` that runs the driver: `RAY_PYTHON`, which these tests need.
fn ray_python() -> PathBuf {
    let python = std::env::var_os("RAY_PYTHON")
        .expect("RAY_PYTHON must name a Python with the ray package (e.g. a venv's bin/python)");
    // Relative to where cargo runs the test (the repository), not to the test's folders.
    std::path::absolute(python).unwrap()
}

/// `sharded.py --shards 3 --num-cpus 2 --out OUT --quiet --bin <the binary> --parts parts
/// MODE ARGS...` in `dir`.
fn driver(dir: &Path, out: &str, mode_and_args: &[&str]) -> Output {
    let binary = readme_binary().into_os_string().into_string().unwrap();
    let options = ["--out", out, "--bin", &binary, "--parts", "parts"];
    driver_with(dir, &options, mode_and_args)
}

/// `sharded.py --shards 3 --num-cpus 2 --quiet OPTIONS... MODE ARGS...` in `dir`.
fn driver_with(dir: &Path, options: &[&str], mode_and_args: &[&str]) -> Output {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy/ray/sharded.py");
    Command::new(ray_python())
        .current_dir(dir)
        .env_remove("RAY_ADDRESS")
        .arg(script)
        .args(["--shards", "3", "--num-cpus", "2", "--quiet"])
        .args(options)
        .args(mode_and_args)
        .output()
        .unwrap()
}

#[test]
#[ignore = "needs RAY_PYTHON (Python with ray) and starts a local Ray cluster; CI runs it"]
fn a_sweep_sharded_on_ray_merges_into_the_unsharded_sweep_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write_scenario(d);
    let whole = unsharded_sweep(&readme_binary(), d, "whole");

    let done = driver(
        d,
        "merged",
        &[
            "sweep",
            SCENARIO_FILE,
            "--param",
            PARAM,
            "--replications",
            REPLICATIONS,
        ],
    );
    succeeded("sharded.py sweep", &done);
    assert_same_files(&whole, &d.join("merged"));

    // The driver ran the grid as 3 shards, then at least one refinement round of 3 shards:
    // the gathered part folders are named by round and shard.
    let stderr = String::from_utf8_lossy(&done.stderr);
    assert!(stderr.contains("needs round 1"), "{stderr}");
    let mut parts: Vec<String> = fs::read_dir(d.join("parts"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    parts.sort();
    for k in 0..3 {
        for round in [0, 1] {
            let name = format!("round-{round}-shard-{k}-of-3");
            assert!(parts.contains(&name), "no {name} in {parts:?}");
            assert!(d.join("parts").join(&name).join("part.json").is_file());
        }
    }
}

#[test]
#[ignore = "needs RAY_PYTHON (Python with ray) and starts a local Ray cluster; CI runs it"]
fn a_working_dir_shipped_by_ray_holds_the_binary_and_the_scenario() {
    // The workers get the binary and the scenario only through --working-dir (Ray's
    // runtime_env), at paths relative to it, as on a cluster without shared files.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write_scenario(d);
    let whole = unsharded_sweep(&readme_binary(), d, "whole");
    let ship = d.join("ship");
    fs::create_dir(&ship).unwrap();
    fs::copy(readme_binary(), ship.join("serverless-sim")).unwrap();
    fs::copy(d.join(SCENARIO_FILE), ship.join(SCENARIO_FILE)).unwrap();

    let done = driver_with(
        &ship,
        &[
            "--working-dir",
            ".",
            "--bin",
            "./serverless-sim",
            "--out",
            "../merged",
        ],
        &[
            "sweep",
            SCENARIO_FILE,
            "--param",
            PARAM,
            "--replications",
            REPLICATIONS,
        ],
    );
    succeeded("sharded.py --working-dir", &done);
    assert_same_files(&whole, &d.join("merged"));
    // The gathered parts went to a temporary folder, deleted: only what was shipped is left.
    let mut left: Vec<_> = fs::read_dir(&ship)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    left.sort();
    assert_eq!(left, ["serverless-sim", SCENARIO_FILE]);
}

#[test]
#[ignore = "needs RAY_PYTHON (Python with ray) and starts a local Ray cluster; CI runs it"]
fn a_failing_shard_ends_the_driver_with_the_binarys_error() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write_scenario(d);
    let done = driver(
        d,
        "merged",
        &["sweep", SCENARIO_FILE, "--param", "no.such.field=1,2"],
    );
    assert!(!done.status.success(), "the driver succeeded");
    let stderr = String::from_utf8_lossy(&done.stderr);
    assert!(
        stderr.contains("shard 0/3 of round 0 failed (exit 1)") && stderr.contains("no.such.field"),
        "{stderr}"
    );
    assert!(!d.join("merged").exists());
}

/// A replay of the shipped Azure trace excerpt (its first hour) against FaaS deployments
/// only, with nothing that couples apps (no account concurrency limit, no fleet).
fn replay_scenario() -> String {
    let traces = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/traces/azure2019-100fn");
    format!(
        r#"name = "replay-shards"
seed = 42
bucket = "5m"

[workload.trace]
format = "azure2019"
invocations = "{dir}/invocations.csv"
durations = "{dir}/durations.csv"
memory_file = "{dir}/memory.csv"
memory = "trace"
memory_step = "128MB"
window = "1h"

[[deployments]]
name = "lambda-10m"
[deployments.compute]
pricing = "aws-lambda-x86"
cold_start = {{ dist = "lognormal", median = "260ms", p99 = "700ms" }}
keep_alive = {{ policy = "fixed", idle_timeout = "10m" }}

[[deployments]]
name = "lambda-no-keepalive"
[deployments.compute]
pricing = "aws-lambda-x86"
cold_start = {{ dist = "lognormal", median = "260ms", p99 = "700ms" }}
keep_alive = {{ policy = "none" }}
"#,
        dir = traces.display()
    )
}

#[test]
#[ignore = "needs RAY_PYTHON (Python with ray) and starts a local Ray cluster; CI runs it"]
fn a_replay_sharded_on_ray_merges_into_the_unsharded_run_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::write(d.join("replay.toml"), replay_scenario()).unwrap();
    let binary = readme_binary();

    let whole = Command::new(&binary)
        .current_dir(d)
        .args(["run", "replay.toml", "--quiet", "--out", "whole"])
        .output()
        .unwrap();
    succeeded("the unsharded run", &whole);
    let done = driver(d, "merged", &["run", "replay.toml"]);
    succeeded("sharded.py run", &done);
    assert_same_files(&d.join("whole"), &d.join("merged"));
}
