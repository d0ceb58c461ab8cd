//! The verdict through the binary: a deployment that throttles every request is neither
//! shown with zero latencies nor called cheapest (issue: "a deployment that fails every
//! request is called cheapest").

use std::fs;

use assert_cmd::Command;

/// One hour of a 10/s Poisson function; `lam` reserves zero concurrency for it, so it
/// throttles every request; `flt` (2 x 8 workers, 30 s timeout) serves them.
const BASE: &str = r#"
name = "base"
seed = 5
duration = "1h"
[[workload.functions]]
name = "f1"
memory = "256MB"
execution = { dist = "exponential", mean = "50ms" }
arrivals = { process = "poisson", rate = "10/s" }
[[deployments]]
name = "lam"
[deployments.compute]
model = "faas"
cold_start = { dist = "constant", value = "200ms" }
keep_alive = { policy = "fixed", idle_timeout = "10m" }
reserved_concurrency = { f1 = 0 }
[deployments.compute.billing]
requests = { usd = 0.20, per = 1_000_000 }
gb_seconds = { usd = 0.0000166667 }
[[deployments]]
name = "flt"
[deployments.compute]
model = "fleet"
instances = 2
workers = 8
queue_timeout = "30s"
[deployments.compute.billing]
instance_hours = { usd = 0.0416 }
"#;

#[test]
fn a_deployment_that_throttles_everything_is_not_called_cheapest() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("base.toml");
    fs::write(&file, BASE).unwrap();
    let out = dir.path().join("out");
    let run = Command::new(env!("CARGO_BIN_EXE_serverless-sim"))
        .args([
            "run".as_ref(),
            file.as_os_str(),
            "--out".as_ref(),
            out.as_os_str(),
        ])
        .output()
        .unwrap();
    assert!(run.status.success());
    let stdout = String::from_utf8(run.stdout).unwrap();
    let lam = stdout
        .lines()
        .find(|l| l.starts_with("lam "))
        .expect("a row for lam");
    let cells: Vec<&str> = lam.split_whitespace().collect();
    // lam * faas requests cold% p50 p99 busy failed ...; flt: 2 x 730.5 h x $0.0416 = $60.78.
    assert_eq!(cells[1], "*", "{stdout}");
    assert_eq!(cells[3], cells[8], "every request failed: {stdout}");
    assert_eq!((cells[5], cells[6]), ("-", "-"), "{stdout}");
    assert!(
        stdout.contains(
            "cheapest per month: flt ($60.78), the only deployment that serves the workload"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("* not compared (more than 1% of requests failed): lam (100.00%)"),
        "{stdout}"
    );
    // summary.csv leaves lam's latencies empty instead of writing zeros.
    let summary = fs::read_to_string(out.join("summary.csv")).unwrap();
    let mut rows = csv::Reader::from_reader(summary.as_bytes());
    let header = rows.headers().unwrap().clone();
    let lam_row = rows
        .records()
        .map(Result::unwrap)
        .find(|r| &r[0] == "lam")
        .unwrap();
    for (name, value) in header.iter().zip(lam_row.iter()) {
        if name.starts_with("latency_") {
            assert_eq!(value, "", "{name} of a deployment that completed nothing");
        }
    }
}

/// `BASE` with f1 firing once every 2 hours, first at 90 minutes: no request in the hour.
fn no_requests() -> String {
    BASE.replace(
        r#"arrivals = { process = "poisson", rate = "10/s" }"#,
        r#"arrivals = { process = "fixed_interval", every = "2h", offset = "90m" }"#,
    )
}

#[test]
fn without_a_completed_request_there_is_no_verdict() {
    // Issue 17, item 4: zero requests got "cheapest per month: lam ($0.00)", while the
    // README says a deployment serves the workload only if at least one request completed.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("zero.toml");
    fs::write(&file, no_requests()).unwrap();
    let out = dir.path().join("out");
    let run = Command::new(env!("CARGO_BIN_EXE_serverless-sim"))
        .args([
            "run".as_ref(),
            file.as_os_str(),
            "--out".as_ref(),
            out.as_os_str(),
        ])
        .output()
        .unwrap();
    assert!(run.status.success());
    let stdout = String::from_utf8(run.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(
        lines[1].starts_with("lam * ") && lines[2].starts_with("flt * "),
        "{stdout}"
    );
    assert_eq!(lines[3], "no cheapest: no deployment serves the workload");
    assert_eq!(lines[4], "* not compared (no request completed): lam, flt");
    assert!(!stdout.contains("cheapest per month"), "{stdout}");
    // report.html shows the same verdict.
    let html = fs::read_to_string(out.join("report.html")).unwrap();
    assert!(
        html.contains("no cheapest: no deployment serves the workload"),
        "report.html"
    );
    assert!(!html.contains("cheapest per month"), "report.html");
}
