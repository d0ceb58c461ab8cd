//! Spreadsheet formulas in report CSVs: a text cell that starts with `=`, `+`, `-`, `@`, a tab
//! or a carriage return is written with a leading `'` in every CSV a run writes, so a
//! spreadsheet shows it as text instead of running it; numbers (negative ones too) are
//! written as they are. Names given in a scenario cannot start so (see hostile_inputs.rs);
//! function names read from a trace file can, and are the case here.

use std::fs;

use assert_cmd::Command;

const SCENARIO: &str = r#"
name = "csv-cells"
duration = "1m"
[workload.trace]
format = "csv"
file = "calls.csv"

[[deployments]]
name = "flt"
[deployments.compute]
model = "fleet"
instances = 1
workers = 10
[deployments.compute.billing]
instance_hours = { usd = 0.0416 }
"#;

/// The function names of the trace, as given, and as a spreadsheet-safe cell must hold them.
const NAMES: [(&str, &str); 5] = [
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
    ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
    ("-2+3", "'-2+3"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("api", "api"),
];

#[test]
fn formula_names_from_a_trace_are_quoted_in_every_csv() {
    let dir = tempfile::tempdir().unwrap();
    let mut trace = String::from("timestamp,function,duration_ms,memory_mb\n");
    for k in 0..50 {
        let (name, _) = NAMES[k % NAMES.len()];
        let quoted = format!("\"{}\"", name.replace('"', "\"\""));
        trace.push_str(&format!("{}.5,{quoted},20,128\n", k));
    }
    fs::write(dir.path().join("calls.csv"), trace).unwrap();
    fs::write(dir.path().join("s.toml"), SCENARIO).unwrap();
    let out = dir.path().join("out");
    Command::new(env!("CARGO_BIN_EXE_serverless-sim"))
        .arg("run")
        .arg(dir.path().join("s.toml"))
        .arg("--out")
        .arg(&out)
        .arg("--quiet")
        .assert()
        .success();

    let mut reader = csv::Reader::from_path(out.join("functions.csv")).unwrap();
    let header = reader.headers().unwrap().clone();
    let col = header.iter().position(|h| h == "function").unwrap();
    let mut cells: Vec<String> = reader
        .records()
        .map(|r| r.unwrap()[col].to_owned())
        .filter(|c| c != "(unattributed)")
        .collect();
    cells.sort();
    let mut want: Vec<String> = NAMES.iter().map(|(_, w)| (*w).to_owned()).collect();
    want.sort();
    assert_eq!(cells, want);

    // No cell of any CSV starts a formula; every cell starting with '-' or '+' is a number.
    let mut csvs = 0;
    for entry in fs::read_dir(&out).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "csv") {
            continue;
        }
        csvs += 1;
        let mut reader = csv::Reader::from_path(&path).unwrap();
        for record in reader.records() {
            for cell in record.unwrap().iter() {
                let formula = cell.starts_with(['=', '@', '\t', '\r'])
                    || (cell.starts_with(['-', '+']) && cell.parse::<f64>().is_err());
                assert!(!formula, "{}: {cell:?}", path.display());
            }
        }
    }
    assert_eq!(csvs, 5);
}
