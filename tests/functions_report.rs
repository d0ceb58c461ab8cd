//! `functions.csv` against hand-computed attribution: per-call lines split by each function's
//! own quantity, fleet instance time by each function's busy worker time, fixed lines left
//! unattributed; counts and latencies per function.

mod common;

use common::csv_number as num;
use std::collections::BTreeMap;

use serverless_sim::report::write_reports;

/// One hour; `a` (512 MB, 100 ms, one read) and `b` (1,024 MB, 300 ms, three reads), each
/// called once a second, `b` half a second after `a`; a FaaS deployment with per-call prices
/// and a fleet of one instance, both with a $10 monthly add-on.
const TWO_FUNCTIONS: &str = r#"
name = "two"
duration = "1h"
bucket = "10m"

[[workload.functions]]
name = "a"
memory = "512MB"
execution = { dist = "constant", value = "100ms" }
arrivals = { process = "fixed_interval", every = "1s" }
calls = { db = { read = 1 } }

[[workload.functions]]
name = "b"
memory = "1024MB"
execution = { dist = "constant", value = "300ms" }
arrivals = { process = "fixed_interval", every = "1s", offset = "500ms" }
calls = { db = { read = 3 } }

[[deployments]]
name = "faas"
fixed = [ { name = "lb", usd_per_month = 10 } ]
[deployments.compute]
model = "faas"
cold_start = { dist = "constant", value = "0ms" }
keep_alive = { policy = "forever" }
[deployments.compute.billing]
requests = { usd = 0.20, per = 1_000_000 }
gb_seconds = { usd = 0.0000166667 }
granularity = "1ms"
[[deployments.services]]
name = "db"
latency = { dist = "constant", value = "0ms" }
operations.read = { price = { usd = 0.25, per = 1_000_000 } }

[[deployments]]
name = "fleet"
fixed = [ { name = "lb", usd_per_month = 10 } ]
[deployments.compute]
model = "fleet"
instances = 1
workers = 4
[deployments.compute.billing]
instance_hours = { usd = 0.10 }
[[deployments.services]]
name = "db"
latency = { dist = "constant", value = "0ms" }
operations.read = {}
"#;

/// Months in the window: 1 h of a 730.5 h month.
const MONTHS_PER_WINDOW: f64 = 730.5;

fn rows() -> Vec<BTreeMap<String, String>> {
    let result = common::run_text(TWO_FUNCTIONS);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    write_reports(&result, &out).unwrap();
    common::csv_rows(&out.join("functions.csv"))
}

fn close(got: f64, want: f64, what: &str) {
    assert!(
        (got - want).abs() <= 1e-6 + 1e-9 * want.abs(),
        "{what}: got {got}, want {want}"
    );
}

#[test]
fn each_function_pays_for_its_own_calls_and_fixed_lines_stay_unattributed() {
    let rows = rows();
    let row = |dep: &str, f: &str| {
        rows.iter()
            .find(|r| r["deployment"] == dep && r["function"] == f)
            .unwrap_or_else(|| panic!("no row {dep}/{f} in {rows:?}"))
    };
    // FaaS, in the hour: 3,600 calls each. Requests at $0.20/M: $0.00072 each. GB-s:
    // a 3,600 x 0.1 s x 0.5 GB = 180, b 3,600 x 0.3 s x 1 GB = 1,080, at $0.0000166667.
    // Reads at $0.25/M: a 3,600, b 10,800. Per month, x 730.5.
    let (a, b) = (row("faas", "a"), row("faas", "b"));
    let a_usd = 3_600.0 * 0.2e-6 + 180.0 * 0.000_016_666_7 + 3_600.0 * 0.25e-6;
    let b_usd = 3_600.0 * 0.2e-6 + 1_080.0 * 0.000_016_666_7 + 10_800.0 * 0.25e-6;
    close(num(a, "window_cost_usd"), a_usd, "a window");
    close(num(b, "window_cost_usd"), b_usd, "b window");
    close(
        num(a, "monthly_cost_usd"),
        a_usd * MONTHS_PER_WINDOW,
        "a monthly",
    );
    close(
        num(b, "monthly_cost_usd"),
        b_usd * MONTHS_PER_WINDOW,
        "b monthly",
    );
    close(
        num(b, "cost_compute_monthly_usd"),
        1_080.0 * 0.000_016_666_7 * MONTHS_PER_WINDOW,
        "b compute",
    );
    close(
        num(a, "cost_baas_db_monthly_usd"),
        3_600.0 * 0.25e-6 * MONTHS_PER_WINDOW,
        "a reads",
    );
    // Per million requests of the function: its cost over its 3,600 calls.
    close(
        num(a, "usd_per_million_requests"),
        a_usd / 3_600.0 * 1e6,
        "a per million",
    );
    let rest = row("faas", "(unattributed)");
    close(num(rest, "monthly_cost_usd"), 10.0, "the add-on");
    close(
        num(rest, "cost_fixed_monthly_usd"),
        10.0,
        "the add-on's column",
    );
    assert_eq!(rest["requests"], "");
    // Counts, slot time and latency, per function.
    for (r, requests, slot, ms) in [
        (a, "3600", "360", "100.000"),
        (b, "3600", "1080", "300.000"),
    ] {
        assert_eq!(r["requests"], requests);
        assert_eq!(r["completed"], requests);
        assert_eq!((&*r["failed"], &*r["cold_starts"]), ("0", "1"));
        assert_eq!(r["slot_seconds"], slot);
        for p in ["p50", "p90", "p95", "p99", "p999", "max"] {
            assert_eq!(r[&format!("latency_{p}_ms")], ms, "{p}");
        }
    }
}

#[test]
fn a_fleet_splits_instance_time_by_busy_worker_time() {
    let rows = rows();
    let row = |f: &str| {
        rows.iter()
            .find(|r| r["deployment"] == "fleet" && r["function"] == f)
            .unwrap_or_else(|| panic!("no row fleet/{f}"))
    };
    // One instance at $0.10 an hour: $73.05 a month. Workers are busy 3,600 x 0.1 s = 360 s
    // for a and 3,600 x 0.3 s = 1,080 s for b: a quarter and three quarters.
    let (a, b) = (row("a"), row("b"));
    close(num(a, "monthly_cost_usd"), 73.05 / 4.0, "a");
    close(num(b, "monthly_cost_usd"), 73.05 * 3.0 / 4.0, "b");
    close(
        num(b, "cost_instances_monthly_usd"),
        73.05 * 3.0 / 4.0,
        "b instances",
    );
    close(num(a, "window_cost_usd"), 0.1 / 4.0, "a window");
    assert_eq!((&*a["slot_seconds"], &*b["slot_seconds"]), ("360", "1080"));
    assert_eq!(
        (&*a["cold_starts"], &*b["latency_p99_ms"]),
        ("0", "300.000")
    );
    close(
        num(row("(unattributed)"), "monthly_cost_usd"),
        10.0,
        "the add-on",
    );
}

/// 100 s; `slow` (2.5 s, stopped at its 2 s timeout) and `ok` (100 ms), once a second each,
/// and `event` (asynchronous, never retried, timing out like `slow`) every 10 s;
/// FaaS with one reserved slot for `slow`, and a one-worker fleet with a 1-request queue and a
/// 1 s queue timeout.
const FAILING: &str = r#"
name = "failing"
duration = "100s"
bucket = "10s"

[[workload.functions]]
name = "slow"
memory = "128MB"
execution = { dist = "constant", value = "2500ms" }
arrivals = { process = "fixed_interval", every = "1s" }
timeout = "2s"

[[workload.functions]]
name = "ok"
memory = "128MB"
execution = { dist = "constant", value = "100ms" }
arrivals = { process = "fixed_interval", every = "1s", offset = "500ms" }

[[workload.functions]]
name = "event"
memory = "128MB"
execution = { dist = "constant", value = "2500ms" }
arrivals = { process = "fixed_interval", every = "10s", offset = "250ms" }
timeout = "2s"
invocation = "async"
max_retries = 0

[[deployments]]
name = "faas"
[deployments.compute]
model = "faas"
cold_start = { dist = "constant", value = "0ms" }
keep_alive = { policy = "forever" }
reserved_concurrency = { slow = 1 }
[deployments.compute.billing]
requests = { usd = 0.20, per = 1_000_000 }
gb_seconds = { usd = 0.0000166667 }

[[deployments]]
name = "fleet"
[deployments.compute]
model = "fleet"
instances = 1
workers = 1
queue_limit = 1
queue_timeout = "1s"
[deployments.compute.billing]
instance_hours = { usd = 0.10 }
"#;

#[test]
fn failures_are_counted_by_kind_for_the_function_that_failed() {
    let result = common::run_text(FAILING);
    let dir = tempfile::tempdir().unwrap();
    write_reports(&result, &dir.path().join("r")).unwrap();
    let read = |file: &str| common::csv_rows(&dir.path().join("r").join(file));
    let functions = read("functions.csv");
    let row = |dep: &str, f: &str| {
        functions
            .iter()
            .find(|r| r["deployment"] == dep && r["function"] == f)
            .unwrap_or_else(|| panic!("no row {dep}/{f}"))
    };
    // FaaS: slow's one slot is held 2 s from each even second (the call ends, timed out, at
    // the next even second, before that second's arrival): 50 time out, the 50 arriving on
    // odd seconds are throttled. ok never fails.
    let slow = row("faas", "slow");
    let counts = |r: &BTreeMap<String, String>| {
        [
            "requests",
            "completed",
            "throttled",
            "timed_out",
            "rejected",
            "dropped",
            "failed",
        ]
        .map(|c| r[c].parse::<u64>().unwrap())
    };
    assert_eq!(counts(slow), [100, 0, 50, 50, 0, 0, 100]);
    assert_eq!(counts(row("faas", "ok")), [100, 100, 0, 0, 0, 0, 0]);
    // Each asynchronous event times out once and, with no retry left, is dropped.
    assert_eq!(counts(row("faas", "event")), [10, 0, 0, 0, 0, 10, 10]);
    assert_eq!(slow["latency_p50_ms"], "", "no completed call, no latency");
    // The fleet times out and rejects requests; per kind, the functions add up to the
    // deployment, and each function's failed is the sum of its kinds.
    let summary = read("summary.csv");
    let fleet = summary.iter().find(|r| r["deployment"] == "fleet").unwrap();
    for kind in ["timed_out", "rejected", "failed", "completed"] {
        let sum: u64 = ["slow", "ok", "event"]
            .iter()
            .map(|f| row("fleet", f)[kind].parse::<u64>().unwrap())
            .sum();
        assert_eq!(sum.to_string(), fleet[kind], "{kind}");
        assert!(sum > 0, "{kind}: the scenario must exercise it");
    }
    for f in ["slow", "ok", "event"] {
        let c = counts(row("fleet", f));
        assert_eq!(c[6], c[2] + c[3] + c[4] + c[5], "{f}");
        assert_eq!(c[0], c[1] + c[6], "{f}: every request completed or failed");
    }
}
