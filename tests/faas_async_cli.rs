//! The new FaaS keys through the binary: every bad value of `scale_up_rate`, `invocation`,
//! `max_retries`, `max_event_age`, `timeout`, `runtime`, `cpu_bound` and `reference_memory`
//! ends with the exact located error (file, line, column, field, message), a non-zero exit,
//! no panic and no report; and a run using them writes the new summary columns, byte for
//! byte the same whatever the thread count.

mod common;

use common::cli::*;
use std::fs;

const KEEP: &str = "keep_alive = { policy = \"fixed\", idle_timeout = \"10m\" }\n";
const CALLS: &str = "calls = { db = { read = 2 } }\n";

/// `GOOD` with `extra` added to its FaaS deployment.
fn deployment_with(extra: &str) -> String {
    edit(KEEP, &format!("{KEEP}{extra}\n"))
}

/// `GOOD` with `extra` added to its function.
fn function_with(extra: &str) -> String {
    edit(CALLS, &format!("{CALLS}{extra}\n"))
}

/// Runs `text`, expecting the error at the start of `needle` (on its line) for `field`.
fn expect(text: &str, needle: &str, field: &str, message: &str) {
    let (stderr, file) = run_bad(text);
    assert_exact(
        &stderr,
        &file,
        line_of(text, needle),
        col_of(text, needle),
        field,
        message,
    );
}

/// Runs `text`, expecting the error just after the first `prefix` (a `key = ` text).
fn expect_after(text: &str, prefix: &str, field: &str, message: &str) {
    let (stderr, file) = run_bad(text);
    let col = col_of(text, prefix) + prefix.len();
    assert_exact(&stderr, &file, line_of(text, prefix), col, field, message);
}

#[test]
fn bad_scale_up_rates_are_located() {
    let text = deployment_with("scale_up_rate = \"1000\"");
    expect(
        &text,
        "\"1000\"",
        "deployments[0].compute.scale_up_rate",
        "'1000' is not a scale-up rate: write COUNT/DURATION, e.g. \"1000/10s\"",
    );
    let text = deployment_with("scale_up_rate = \"0/10s\"");
    expect(
        &text,
        "\"0/10s\"",
        "deployments[0].compute.scale_up_rate",
        "'0/10s': the number of new instances must be a whole number from 1 to 4294967295, e.g. \"1000/10s\"",
    );
    let text = deployment_with("scale_up_rate = \"10/0s\"");
    expect(
        &text,
        "\"10/0s\"",
        "deployments[0].compute.scale_up_rate",
        "'10/0s': the duration must be more than zero",
    );
}

#[test]
fn a_scale_up_rate_on_a_fleet_is_refused() {
    let text = format!(
        "{GOOD}
[[deployments]]
name = \"flt\"
[deployments.compute]
model = \"fleet\"
instances = 2
workers = 8
scale_up_rate = \"10/s\"
[deployments.compute.billing]
instance_hours = {{ usd = 0.0416 }}
[[deployments.services]]
name = \"db\"
operations.read = {{}}
"
    );
    expect(
        &text,
        "scale_up_rate = \"10/s\"",
        "deployments[1].compute.scale_up_rate",
        "`scale_up_rate` is a faas key; this compute model is fleet",
    );
}

#[test]
fn bad_invocation_settings_are_located() {
    for (extra, prefix, message) in [
        (
            "invocation = \"queue\"",
            "invocation = ",
            "unknown value 'queue' (use sync or async)",
        ),
        (
            "invocation = \"async\"\nmax_retries = 3",
            "max_retries = ",
            "must be a whole number from 0 to 2 (got 3)",
        ),
        (
            "invocation = \"async\"\nmax_event_age = \"30s\"",
            "max_event_age = ",
            "must be from 1m to 6h, the range Lambda accepts (got '30s')",
        ),
        (
            "invocation = \"async\"\nmax_event_age = \"7h\"",
            "max_event_age = ",
            "must be from 1m to 6h, the range Lambda accepts (got '7h')",
        ),
        (
            "max_retries = 1",
            "max_retries = ",
            "does not apply to invocation = \"sync\" (the default; set invocation = \"async\")",
        ),
        (
            "invocation = \"sync\"\nmax_event_age = \"1h\"",
            "max_event_age = ",
            "does not apply to invocation = \"sync\"",
        ),
    ] {
        let key = prefix.trim_end_matches(" = ");
        let field = format!("workload.functions[0].{key}");
        expect_after(&function_with(extra), prefix, &field, message);
    }
}

#[test]
fn bad_timeouts_cpu_fractions_reference_memories_and_runtimes_are_located() {
    let f = "workload.functions[0]";
    expect(
        &function_with("timeout = \"0s\""),
        "\"0s\"",
        &format!("{f}.timeout"),
        "must be greater than zero (got '0s')",
    );
    for bad in ["1.5", "-0.1", "nan"] {
        expect(
            &function_with(&format!("cpu_bound = {bad}")),
            &format!("{bad}\n"),
            &format!("{f}.cpu_bound"),
            &format!("must be a fraction from 0 to 1 (got {bad})"),
        );
    }
    expect(
        &function_with("reference_memory = \"0MB\""),
        "\"0MB\"",
        &format!("{f}.reference_memory"),
        "must be greater than zero (got '0MB')",
    );
    expect(
        &function_with("runtime = \" \""),
        "\" \"",
        &format!("{f}.runtime"),
        "must be a runtime name, e.g. one of nodejs, python, go, java, ruby, dotnet",
    );
}

const COLD: &str = "cold_start = { dist = \"lognormal\", median = \"250ms\", p99 = \"700ms\" }\n";

#[test]
fn without_a_deployment_cold_start_every_function_needs_a_known_runtime() {
    let text = edit(COLD, "");
    let (stderr, file) = run_bad(&text);
    assert_exact(
        &stderr,
        &file,
        line_of(&text, "[deployments.compute]"),
        1,
        "deployments[0].compute.cold_start",
        "missing, and function 'api' (workload.functions[0]) \
         has no runtime to take a default from: give this deployment a cold_start \
         distribution, or set runtime on every function (one of nodejs, python, go, java, \
         ruby, dotnet)",
    );
    let text = edit(COLD, "").replace(CALLS, &format!("{CALLS}runtime = \"rust\"\n"));
    let (stderr, file) = run_bad(&text);
    assert_exact(
        &stderr,
        &file,
        line_of(&text, "[deployments.compute]"),
        1,
        "deployments[0].compute.cold_start",
        "missing, and function 'api' (workload.functions[0]) has runtime 'rust': no published \
         cold-start measurement for runtime 'rust' on aws-lambda; runtimes with a default there \
         are nodejs, python, go, java, ruby, dotnet; for any other, give the cold-start \
         distribution explicitly",
    );
    // With a deployment cold start the runtime is not needed, known or not.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ok.toml");
    fs::write(&path, function_with("runtime = \"rust\"")).unwrap();
    bin()
        .args(["run"])
        .arg(&path)
        .arg("--out")
        .arg(dir.path().join("out"))
        .arg("--quiet")
        .assert()
        .success();
}

#[test]
fn trace_level_settings_are_located_under_workload_trace() {
    let text = r#"name = "t"
duration = "1h"
[workload.trace]
format = "csv"
file = "missing.csv"
invocation = "later"
[[deployments]]
name = "faas"
[deployments.compute]
model = "faas"
cold_start = { dist = "constant", value = "1ms" }
keep_alive = { policy = "none" }
[deployments.compute.billing]
requests = { usd = 0.20, per = 1_000_000 }
gb_seconds = { usd = 0.0000166667 }
"#;
    expect(
        text,
        "\"later\"",
        "workload.trace.invocation",
        "unknown value 'later' (use sync or async)",
    );
}

/// A scenario using every new key: an async function under a scale-up rate, a CPU-bound one
/// with a runtime default cold start, and a fleet beside them.
const ASYNC: &str = r#"name = "async-cli"
seed = 5
duration = "10m"

[[workload.functions]]
name = "burst"
memory = "512MB"
execution = { dist = "exponential", mean = "800ms" }
arrivals = { process = "on_off", on_rate = "200/s", off_rate = "1/s", mean_on = "10s", mean_off = "1m" }
invocation = "async"
max_event_age = "2m"
timeout = "1s"
runtime = "python"

[[workload.functions]]
name = "crunch"
memory = "2GB"
execution = { dist = "lognormal", median = "300ms", p99 = "2s" }
arrivals = { process = "poisson", rate = "5/s" }
cpu_bound = 0.8
reference_memory = "1GB"
runtime = "java"

[[deployments]]
name = "lam"
[deployments.compute]
model = "faas"
keep_alive = { policy = "fixed", idle_timeout = "1m" }
scale_up_rate = "20/10s"
account_concurrency = 100
[deployments.compute.billing]
requests = { usd = 0.20, per = 1_000_000 }
gb_seconds = { usd = 0.0000166667 }
bill_init = true

[[deployments]]
name = "flt"
[deployments.compute]
model = "fleet"
instances = 2
workers = 50
[deployments.compute.billing]
instance_hours = { usd = 0.0416 }
"#;

fn summary(dir: &std::path::Path, out: &str, threads: &str) -> String {
    let path = dir.join("async.toml");
    fs::write(&path, ASYNC).unwrap();
    let out = dir.join(out);
    bin()
        .args(["run"])
        .arg(&path)
        .arg("--out")
        .arg(&out)
        .args(["--quiet", "--threads", threads])
        .assert()
        .success();
    fs::read_to_string(out.join("summary.csv")).unwrap()
}

#[test]
fn the_summary_counts_retries_dropped_and_scale_up_throttles_identically_on_any_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let one = summary(dir.path(), "t1", "1");
    let two = summary(dir.path(), "t2", "2");
    assert_eq!(one, two);
    let mut lines = one.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    // The failure counts sit together after the request counts.
    assert_eq!(
        header[2..12],
        [
            "requests",
            "completed",
            "failed",
            "throttled",
            "timed_out",
            "rejected",
            "dropped",
            "quota_exceeded",
            "retries",
            "scale_up_throttled"
        ]
    );
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    for line in lines {
        let row: Vec<&str> = line.split(',').collect();
        let n = |name: &str| row[col(name)].parse::<u64>().unwrap();
        let failed =
            n("throttled") + n("timed_out") + n("rejected") + n("dropped") + n("quota_exceeded");
        assert_eq!(n("failed"), failed, "{line}");
        match row[0] {
            // Bursts of 200/s under 20 new instances per 10 s must be refused and retried.
            "lam" => assert!(n("scale_up_throttled") > 0 && n("retries") > 0, "{line}"),
            "flt" => assert_eq!(
                (n("retries"), n("dropped"), n("scale_up_throttled")),
                (0, 0, 0)
            ),
            other => panic!("unexpected row {other}"),
        }
    }
}

#[test]
fn wrong_types_of_the_new_keys_say_what_is_expected() {
    for (text, prefix, field, message) in [
        (
            function_with("invocation = \"async\"\nmax_event_age = 120"),
            "max_event_age = ",
            "workload.functions[0].max_event_age",
            "must be a string such as \"10m\" (got 120)",
        ),
        (
            function_with("reference_memory = 512"),
            "reference_memory = ",
            "workload.functions[0].reference_memory",
            "must be a string such as \"512MB\" (got 512)",
        ),
        (
            function_with("cpu_bound = \"high\""),
            "cpu_bound = ",
            "workload.functions[0].cpu_bound",
            "must be a number (got the string \"high\")",
        ),
        (
            deployment_with("scale_up_rate = 1000"),
            "scale_up_rate = ",
            "deployments[0].compute.scale_up_rate",
            "must be a string such as \"1000/10s\" (got 1000)",
        ),
    ] {
        expect_after(&text, prefix, field, message);
    }
}
