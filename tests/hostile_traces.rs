//! Hostile traces through the binary (the trace half of `hostile_inputs.rs`): bad rows,
//! values and files of each trace format, and a `time_scale` that stretches a trace past the
//! clock, each asserting the exact error: the file, the line (and column where the scenario
//! is at fault), the field and the message; a non-zero exit; no panic.

mod common;

use std::fs;
use std::path::Path;

use common::cli::{bin, fails, line_col};

/// The FaaS deployment of the trace scenarios.
macro_rules! trace_deployment {
    () => {
        r#"[[deployments]]
name = "lam"
[deployments.compute]
model = "faas"
cold_start = { dist = "constant", value = "100ms" }
keep_alive = { policy = "fixed", idle_timeout = "1m" }
[deployments.compute.billing]
requests = { usd = 0.20, per = 1_000_000 }
gb_seconds = { usd = 0.0000166667 }
"#
    };
}

/// A csv trace scenario over `trace.csv` (written by each case).
const CSV_TRACE: &str = concat!(
    r#"name = "tr"
[workload.trace]
format = "csv"
file = "trace.csv"
memory = "256MB"
execution = { dist = "constant", value = "10ms" }
"#,
    trace_deployment!()
);

#[test]
fn bad_traces_are_located_in_the_trace_file() {
    // (scenario edit, trace contents, expected error after "error: <dir>/")
    let cases: &[(&str, &str, &str, &str)] = &[
        (
            "",
            "",
            "timestamp,function\n0,a\n5,b\n3,a\n",
            "trace.csv:4: timestamp (column 1): out of order: earlier than line 3",
        ),
        (
            "",
            "",
            "timestamp,function\n0,a\nsoon,b\n",
            "trace.csv:3: timestamp (column 1): 'soon' is neither seconds",
        ),
        (
            "",
            "",
            "time,function\n0,a\n",
            "trace.csv:1: header: unknown column 'time'",
        ),
        (
            "",
            "",
            "timestamp,function,duration_ms\n0,a,-5\n",
            "trace.csv:2: duration_ms (column 3): negative duration: -5",
        ),
        ("", "", "timestamp,function\n0,a,extra\n", "trace.csv:2:"),
        (
            "",
            "",
            "timestamp,function,memory_mb\n0,a,512\n1,a,1e300\n",
            "trace.csv:3: memory_mb (column 3): '1e300' MB is larger than 16TB",
        ),
        (
            "format = \"csv\"\nfile",
            "format = \"azure2021\"\nfile",
            "app,func,end_timestamp,duration\nx,a,10.5,0.2\nx,b,1e17,0.1\n",
            "trace.csv:3: end_timestamp (column 3): 1e17 seconds is out of range",
        ),
    ];
    for &(from, to, trace, want) in cases {
        let dir = tempfile::tempdir().unwrap();
        let text = if from.is_empty() {
            CSV_TRACE.to_string()
        } else {
            CSV_TRACE.replacen(from, to, 1).replacen(
                "execution = { dist = \"constant\", value = \"10ms\" }\n",
                "",
                1,
            )
        };
        let file = dir.path().join("tr.toml");
        fs::write(&file, text).unwrap();
        fs::write(dir.path().join("trace.csv"), trace).unwrap();
        let out = dir.path().join("out");
        for args in [&["check"][..], &["run", "--out", out.to_str().unwrap()]] {
            let stderr = fails(bin().args(args).arg(&file), 1);
            let prefix = format!("error: {}", dir.path().join(want).display());
            assert!(stderr.starts_with(&prefix), "want {prefix}\ngot  {stderr}");
            assert!(!out.exists());
        }
    }
    // A rate multiplier beyond its cap is the scenario's error, at its value.
    let dir = tempfile::tempdir().unwrap();
    let text = CSV_TRACE.replacen(
        "format = \"csv\"",
        "format = \"csv\"\nrate_multiplier = 1e9",
        1,
    );
    let file = dir.path().join("tr.toml");
    fs::write(&file, &text).unwrap();
    fs::write(dir.path().join("trace.csv"), "timestamp,function\n0,a\n").unwrap();
    let (line, col) = line_col(&text, text.find("1e9").unwrap());
    let stderr = fails(bin().arg("check").arg(&file), 1);
    assert!(
        stderr.starts_with(&format!(
            "error: {}:{line}:{col}: workload.trace.rate_multiplier: must be a number from 0 to 1e6 (got 1000000000",
            file.display()
        )),
        "{stderr}"
    );
    // A time scale that stretches the trace past the clock: the trace spans 0 to 3,600 s
    // (covered: 1h), and 1e-9 would make that 3.6e12 s, past 3650d (315,360,000 s). Without
    // a duration the window would be that span: refused at time_scale, with the smallest
    // scale that fits, 3,600 / 315,360,000 = 1.14155e-5, rounded up to 2 digits: 1.2e-5.
    let text = CSV_TRACE.replacen("format = \"csv\"", "format = \"csv\"\ntime_scale = 1e-9", 1);
    fs::write(&file, &text).unwrap();
    fs::write(
        dir.path().join("trace.csv"),
        "timestamp,function\n0,a\n3600,a\n",
    )
    .unwrap();
    let (line, col) = line_col(&text, text.find("1e-9").unwrap());
    let stderr = fails(bin().arg("check").arg(&file), 1);
    assert!(
        stderr.starts_with(&format!(
            "error: {}:{line}:{col}: workload.trace.time_scale: time_scale 1e-9 stretches the \
             selected trace past 3650d, the longest window a scenario may simulate (the trace \
             holds 1h of trace time): set time_scale to at least 1.2e-5, or set a duration",
            file.display()
        )),
        "{stderr}"
    );
    // The smallest scale given fits (1h / 1.2e-5 = 300,000,000 s, at daily buckets), and so
    // does any duration.
    let fits = text.replace("1e-9", "1.2e-5");
    fs::write(&file, format!("bucket = \"1d\"\n{fits}")).unwrap();
    bin().arg("check").arg(&file).assert().success();
    fs::write(&file, format!("duration = \"1h\"\n{text}")).unwrap();
    bin().arg("check").arg(&file).assert().success();
    // A missing trace file is the scenario's error, where the scenario names it; so is a
    // folder given as the file.
    fs::remove_file(dir.path().join("trace.csv")).unwrap();
    let text = CSV_TRACE;
    fs::write(&file, text).unwrap();
    let (line, col) = line_col(text, text.find(r#""trace.csv""#).unwrap());
    let trace = dir.path().join("trace.csv");
    let stderr = fails(bin().arg("check").arg(&file), 1);
    assert!(
        stderr.starts_with(&format!(
            "error: {}:{line}:{col}: workload.trace.file: cannot read '{}': No such file",
            file.display(),
            trace.display()
        )),
        "{stderr}"
    );
    fs::create_dir(&trace).unwrap();
    let stderr = fails(bin().arg("check").arg(&file), 1);
    assert!(
        stderr.starts_with(&format!(
            "error: {}:{line}:{col}: workload.trace.file: '{}' is not a file",
            file.display(),
            trace.display()
        )),
        "{stderr}"
    );
}

#[test]
fn a_duplicated_azure_2019_row_and_a_bad_count_name_their_lines() {
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/traces/azure2019-100fn");
    let dir = tempfile::tempdir().unwrap();
    for f in ["durations.csv", "memory.csv"] {
        fs::copy(shipped.join(f), dir.path().join(f)).unwrap();
    }
    let scenario = r#"name = "az"
[workload.trace]
format = "azure2019"
invocations = "invocations.csv"
durations = "durations.csv"
memory_file = "memory.csv"
"#;
    let scenario = format!("{scenario}{}", trace_deployment!());
    let file = dir.path().join("az.toml");
    fs::write(&file, scenario).unwrap();
    let original = fs::read_to_string(shipped.join("invocations.csv")).unwrap();
    let lines: Vec<&str> = original.lines().collect();
    let inv = dir.path().join("invocations.csv");
    // Line 3 written again as line 4.
    let mut dup = lines.clone();
    dup.insert(3, lines[2]);
    fs::write(&inv, dup.join("\n") + "\n").unwrap();
    let stderr = fails(bin().arg("check").arg(&file), 1);
    let inv_name = inv.display().to_string();
    assert!(
        stderr.starts_with(&format!(
            "error: {inv_name}:4: HashOwner,HashApp,HashFunction: function"
        )) && stderr.contains(&format!("already has a row at {inv_name}:3")),
        "{stderr}"
    );
    // A count that is not a number, at line 6, column of minute 486 (the 11th column).
    let mut bad = lines.clone();
    let mut cells: Vec<&str> = bad[5].split(',').collect();
    cells[10] = "many";
    let row = cells.join(",");
    bad[5] = &row;
    fs::write(&inv, bad.join("\n") + "\n").unwrap();
    let stderr = fails(bin().arg("check").arg(&file), 1);
    assert!(
        stderr.starts_with(&format!(
            "error: {inv_name}:6: 486 (column 11): 'many' is not a whole number of invocations"
        )),
        "{stderr}"
    );
}
