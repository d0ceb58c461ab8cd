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

/// `run --replications N --format json` carries every column of replications.csv as
/// `{ mean, ci95 }` per deployment, with the same values the CSV holds; `--quiet` does not
/// silence the JSON (printing it is what `--format json` asks for), only the table.
#[test]
fn run_json_with_replications_carries_replications_csv_and_quiet_keeps_it() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("good.toml");
    fs::write(&scenario, GOOD).unwrap();
    let out = dir.path().join("out");
    let assert = bin()
        .args(["run", scenario.to_str().unwrap(), "--replications", "3"])
        .args(["--format", "json", "--quiet", "--out"])
        .arg(&out)
        .assert()
        .success();
    let printed: serde_json::Value = serde_json::from_slice(&assert.get_output().stdout)
        .expect("stdout is the JSON alone, --quiet or not");
    let written: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(printed, written);
    assert_eq!(written["replications"], 3);

    let mut reader = csv::Reader::from_path(out.join("replications.csv")).unwrap();
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 1);
    let row = &rows[0];
    let cell = |name: &str| &row[header.iter().position(|h| h == name).unwrap()];
    let d = &written["deployments"][0];
    assert_eq!(d["deployment"], cell("deployment"));
    let figures = d["replications"].as_object().unwrap();
    let mut compared = 0;
    for name in &header {
        if name.ends_with("_ci95")
            || ["replications", "deployment", "model", "serves", "error"].contains(&name.as_str())
        {
            continue;
        }
        let figure = &figures[name.as_str()];
        for (key, text) in [
            ("mean", cell(name)),
            ("ci95", cell(&format!("{name}_ci95"))),
        ] {
            match text.parse::<f64>() {
                Ok(x) => {
                    let j = figure[key]
                        .as_f64()
                        .unwrap_or_else(|| panic!("{name}.{key}"));
                    assert!(
                        (j - x).abs() <= 1e-6 * x.abs().max(1.0),
                        "{name}.{key}: {j} vs {x}"
                    );
                }
                Err(_) => assert!(figure.is_null() || figure[key].is_null(), "{name}.{key}"),
            }
        }
        compared += 1;
    }
    assert_eq!(
        compared,
        figures.len(),
        "every column of replications.csv, no more"
    );
    assert!(figures["monthly_cost_usd"]["ci95"].as_f64().unwrap() > 0.0);

    // --quiet without --format json prints nothing on stdout.
    let quiet = dir.path().join("quiet");
    let assert = bin()
        .args(["run", scenario.to_str().unwrap(), "--quiet", "--out"])
        .arg(&quiet)
        .assert()
        .success();
    assert!(assert.get_output().stdout.is_empty());
}

/// `sweep` treats `--quiet` and `--format json` as `run` does.
#[test]
fn sweep_quiet_keeps_the_json_and_silences_the_table() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("good.toml");
    fs::write(
        &scenario,
        GOOD.replace("duration = \"10m\"", "duration = \"1m\""),
    )
    .unwrap();
    let out = dir.path().join("out");
    let assert = bin()
        .args(["sweep", scenario.to_str().unwrap(), "--param", "load=1,2"])
        .args(["--format", "json", "--quiet", "--out"])
        .arg(&out)
        .assert()
        .success();
    let printed: serde_json::Value = serde_json::from_slice(&assert.get_output().stdout).unwrap();
    let written: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(printed, written);
    let quiet = dir.path().join("quiet");
    let assert = bin()
        .args([
            "sweep",
            scenario.to_str().unwrap(),
            "--param",
            "load=1,2",
            "--quiet",
            "--out",
        ])
        .arg(&quiet)
        .assert()
        .success();
    assert!(assert.get_output().stdout.is_empty());
}
