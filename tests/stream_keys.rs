//! Random streams are keyed by a function's stable identity (its app and name), not by its
//! position: removing or reordering functions leaves every other function's requests, and
//! their per-request draws, exactly as they were.

mod common;

use common::scenario;
use serverless_sim::rng::Streams;

fn function(name: &str, rate: &str) -> String {
    format!(
        r#"
[[workload.functions]]
name = "{name}"
memory = "256MB"
execution = {{ dist = "exponential", mean = "30ms" }}
arrivals = {{ process = "poisson", rate = "{rate}" }}
"#
    )
}

const DEPLOYMENT: &str = r#"
[[deployments]]
name = "flt"
[deployments.compute]
model = "fleet"
instances = 1
workers = 1
[deployments.compute.billing]
instance_hours = { usd = 0.0416 }
"#;

/// (arrival, execution, key) of every request of function `name`.
fn requests_of(text: &str, name: &str) -> Vec<(u64, u64, u64)> {
    let s = scenario(text);
    let index = s
        .workload
        .functions
        .iter()
        .position(|f| f.name == name)
        .unwrap() as u32;
    let mut stream = s
        .workload
        .open(Streams::new(s.seed, 0), s.window.length)
        .unwrap();
    let mut out = Vec::new();
    while let Some(r) = stream.next_request().unwrap() {
        if r.function == index {
            out.push((r.arrival, r.exec, r.key));
        }
    }
    out
}

#[test]
fn a_functions_requests_do_not_depend_on_the_others() {
    let head = "name = \"keys\"\nseed = 5\nduration = \"10m\"\n";
    let both = format!(
        "{head}{}{}{DEPLOYMENT}",
        function("a", "3/s"),
        function("b", "2/s")
    );
    let reordered = format!(
        "{head}{}{}{DEPLOYMENT}",
        function("b", "2/s"),
        function("a", "3/s")
    );
    let alone = format!("{head}{}{DEPLOYMENT}", function("b", "2/s"));
    let b = requests_of(&both, "b");
    assert!(b.len() > 1000, "{}", b.len());
    assert_eq!(b, requests_of(&reordered, "b"));
    assert_eq!(b, requests_of(&alone, "b"));
    // And a's stream is a different one.
    assert_ne!(requests_of(&both, "a")[..10], b[..10]);
}
