//! `run --format json`: summary.json holds summary.csv's figures, the scenario as run, the seed
//! used, the month, the presets and the version, and is what the command prints.

mod common;

use std::fs;

use common::cli::{GOOD, bin};

#[test]
fn run_json_matches_summary_csv_and_says_what_it_rests_on() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("good.toml");
    fs::write(&scenario, GOOD).unwrap();
    let out = dir.path().join("out");
    let assert = bin()
        .args([
            "run",
            scenario.to_str().unwrap(),
            "--format",
            "json",
            "--seed",
            "9",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    let printed: serde_json::Value = serde_json::from_slice(&assert.get_output().stdout).unwrap();
    let written: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(printed, written);
    assert_eq!(written["command"], "run");
    assert_eq!(written["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(written["seed"], 9, "the seed used, not the file's");
    assert_eq!(written["scenario_text"], GOOD);
    assert_eq!(written["month_hours"], 730.5);
    // Every summary.csv column, with the same value.
    let csv = fs::read_to_string(out.join("summary.csv")).unwrap();
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let row: Vec<&str> = lines.next().unwrap().split(',').collect();
    let d = &written["deployments"][0];
    for (k, v) in header.iter().zip(&row) {
        let j = &d[*k];
        match v.parse::<f64>() {
            Ok(x) => assert!((j.as_f64().unwrap() - x).abs() < 1e-9, "{k}: {j} vs {v}"),
            Err(_) if v.is_empty() => assert!(j.is_null(), "{k}"),
            Err(_) => assert_eq!(j, v, "{k}"),
        }
    }
    assert!(
        d["presets"].as_array().unwrap().is_empty(),
        "prices written by hand"
    );
    // Without --format json there is no summary.json.
    let plain = dir.path().join("plain");
    bin()
        .args(["run", scenario.to_str().unwrap(), "--quiet", "--out"])
        .arg(&plain)
        .assert()
        .success();
    assert!(!plain.join("summary.json").exists());
}
