//! Helpers shared by the trace tests: scenario text around a `[workload.trace]` table, and
//! the requests a scenario's workload streams.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serverless_sim::error::SimError;
use serverless_sim::rng::Streams;
use serverless_sim::scenario::Scenario;
use serverless_sim::workload::Request;

/// Absolute path of a file under tests/data/traces.
pub fn data(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/traces")
        .join(rel)
}

/// Absolute path of a file of the shipped excerpt.
pub fn excerpt(file: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios/traces/azure2019-100fn")
        .join(file)
        .display()
        .to_string()
}

/// The `[workload.trace]` lines of the shipped excerpt, plus `extra` lines.
pub fn excerpt_trace(extra: &str) -> String {
    format!(
        "format = \"azure2019\"\ninvocations = {:?}\ndurations = {:?}\nmemory_file = {:?}\n{extra}",
        excerpt("invocations.csv"),
        excerpt("durations.csv"),
        excerpt("memory.csv"),
    )
}

/// A scenario replaying `trace` (the body of a `[workload.trace]` table) on one FaaS
/// deployment; `head` goes before the table (e.g. `duration = "1h"`).
pub fn scenario_text(head: &str, trace: &str) -> String {
    format!(
        r#"seed = 7
{head}

[workload.trace]
{trace}

[[deployments]]
name = "faas"

[deployments.compute]
model = "faas"
cold_start = {{ dist = "constant", value = "100ms" }}
keep_alive = {{ policy = "fixed", idle_timeout = "10m" }}

[deployments.compute.billing]
requests = {{ usd = 0.20, per = 1_000_000 }}
gb_seconds = {{ usd = 0.0000166667 }}
granularity = "1ms"
"#
    )
}

/// Parses a scenario as if it were the file `dir/scenario.toml`.
pub fn parse_in(dir: &Path, text: &str) -> Result<Scenario, SimError> {
    Scenario::parse(&dir.join("scenario.toml"), text)
}

/// Parses a scenario whose trace paths are absolute.
pub fn parse(text: &str) -> Result<Scenario, SimError> {
    parse_in(Path::new(env!("CARGO_MANIFEST_DIR")), text)
}

/// Every request the workload streams, checked to come in non-decreasing arrival order.
pub fn requests(s: &Scenario) -> Vec<Request> {
    let mut stream = s
        .workload
        .open(Streams::new(s.seed, 0), s.window.length)
        .unwrap_or_else(|e| panic!("{e}"));
    let mut out: Vec<Request> = Vec::new();
    while let Some(r) = stream.next_request().unwrap_or_else(|e| panic!("{e}")) {
        if let Some(prev) = out.last() {
            assert!(
                r.arrival >= prev.arrival,
                "out of order: {prev:?} then {r:?}"
            );
        }
        out.push(r);
    }
    out
}

/// Requests per function name.
pub fn counts(s: &Scenario) -> BTreeMap<String, u64> {
    let mut c = BTreeMap::new();
    for r in requests(s) {
        *c.entry(s.workload.functions[r.function as usize].name.clone())
            .or_default() += 1;
    }
    c
}

/// The error of a scenario that must not load, as text.
pub fn error_text(text: &str) -> String {
    match parse(text) {
        Ok(_) => panic!("the scenario loaded but should not have"),
        Err(e) => e.to_string(),
    }
}
