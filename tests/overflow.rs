//! Time arithmetic never wraps: validated durations and speeds are bounded (and the errors
//! say the bounds), latencies past the histogram's first range keep their precision, and
//! random draws that pass the clock's range saturate, are counted and are reported.

mod common;

use common::{deployment, run_text, scenario};
use serverless_sim::scenario::Scenario;

/// One function at `rate` for `duration` with `execution`, calling `db.read` `reads` times
/// with `latency` per read, on a FaaS deployment and a fleet of 20,000 workers at `speed` (twice the ~10,000 calls, so none ever queues).
fn text(execution: &str, latency: &str, reads: u32, speed: &str) -> String {
    format!(
        r#"
name = "overflow"
seed = 9
duration = "1000s"
bucket = "100s"
[[workload.functions]]
name = "f"
memory = "1GB"
execution = {execution}
arrivals = {{ process = "poisson", rate = "10/s" }}
calls = {{ db = {{ read = {reads} }} }}
[[deployments]]
name = "lam"
[deployments.compute]
model = "faas"
cold_start = {{ dist = "constant", value = "0ms" }}
keep_alive = {{ policy = "forever" }}
[deployments.compute.billing]
requests = {{ usd = 0.20, per = 1_000_000 }}
gb_seconds = {{ usd = 0.0000166667 }}
[[deployments.services]]
name = "db"
latency = {latency}
operations.read = {{}}
[[deployments]]
name = "flt"
[deployments.compute]
model = "fleet"
instances = 200
workers = 100
# One vCPU per worker: a request in service runs at full speed, as without vcpus.
vcpus = 100
speed = {speed}
[deployments.compute.billing]
instance_hours = {{ usd = 0.0416 }}
[[deployments.services]]
name = "db"
latency = {latency}
operations.read = {{}}
"#
    )
}

fn error_of(text: &str) -> String {
    Scenario::parse("overflow.toml".as_ref(), text)
        .expect_err("must be refused")
        .to_string()
}

#[test]
fn durations_and_speeds_beyond_their_bounds_are_refused_with_the_bounds() {
    // The issue's reproduction: 53,375,995 days of execution.
    let e = error_of(&text(
        r#"{ dist = "constant", value = "53375995d" }"#,
        r#"{ dist = "constant", value = "2ms" }"#,
        4,
        "1.0",
    ));
    assert!(
        e.starts_with("overflow.toml:9:")
            && e.contains("workload.functions[0].execution.value")
            && e.contains(
                "'53375995d' is longer than 3650d, the longest duration a scenario may give"
            ),
        "{e}"
    );
    for (speed, shown) in [
        ("1e-18", "1e-18"),
        ("1e-15", "1e-15"),
        ("1e9", "1000000000"),
    ] {
        let e = error_of(&text(
            r#"{ dist = "constant", value = "10ms" }"#,
            r#"{ dist = "constant", value = "2ms" }"#,
            1,
            speed,
        ));
        assert!(
            e.contains("deployments[1].compute.speed")
                && e.contains(&format!(
                    "must be a number from 0.001 to 1000 (got {shown})"
                )),
            "{e}"
        );
    }
}

#[test]
fn the_longest_constant_times_at_the_slowest_speed_are_exact() {
    // 3650 days of execution at speed 0.001 is 3,650,000 days (3.1536e17 µs) plus 4 reads of
    // 3650 days (4 x 3.1536e14 µs): far past the histogram's first range (11.6 days), and
    // every percentile must still be within 0.1% of the one exact latency.
    let r = run_text(&text(
        r#"{ dist = "constant", value = "3650d" }"#,
        r#"{ dist = "constant", value = "3650d" }"#,
        4,
        "0.001",
    ));
    let day_us = 86_400_000_000u64;
    let fleet = deployment(&r, "flt");
    let want = 3_650_000 * day_us + 4 * 3650 * day_us;
    let lat = &fleet.recorder.latency;
    assert_eq!(lat.max_us(), Some(want));
    assert_eq!(lat.mean_us(), Some(want as f64));
    for q in [0.5, 0.9, 0.99, 0.999] {
        let p = lat.quantile_us(q).unwrap() as f64;
        assert!(
            (p / want as f64 - 1.0).abs() <= 0.001,
            "p{q}: {p} vs {want}"
        );
    }
    // FaaS: 3650 days + 4 x 3650 days per call, no wrap, none past the clock.
    let faas = deployment(&r, "lam");
    assert_eq!(faas.recorder.latency.max_us(), Some(5 * 3650 * day_us));
    assert_eq!(faas.recorder.totals.beyond_clock, 0);
    // The only warnings: the fleet was handed 10,000 years of work per request in a window
    // of days (docs/models.md, "Overload"), which check says from the mean rates and run
    // from what it measured.
    assert_eq!(r.warnings.len(), 2, "{:?}", r.warnings);
    assert!(
        r.warnings[0].starts_with("deployments[1] 'flt': offered ")
            && r.warnings[1].starts_with("fleet 'flt' was offered "),
        "{:?}",
        r.warnings
    );
}

#[test]
fn heavy_tailed_draws_saturate_monotonically_and_are_reported() {
    // Backend reads lognormal with median 1 ms and p99 3650 days (sigma = 11.4): about one
    // read in 2,000 lands past 2^64 µs, so some requests of 10,000 saturate. With common
    // random numbers each extra read adds a draw to the same requests, so a request's time,
    // and hence the deployment's billed GB-s and max latency, can only grow with the reads.
    // Wrapping arithmetic breaks that: a sum past 2^64 comes back small.
    let heavy = r#"{ dist = "lognormal", median = "1ms", p99 = "3650d" }"#;
    let mut previous = (0.0, 0u64);
    let mut saw_saturation = false;
    for reads in 1..=4 {
        let r = run_text(&text(
            r#"{ dist = "constant", value = "10ms" }"#,
            heavy,
            reads,
            "1.0",
        ));
        let d = deployment(&r, "lam");
        let cost = d.bill.window_usd;
        let max = d.recorder.latency.max_us().unwrap();
        assert!(
            cost >= previous.0 && max >= previous.1,
            "reads {reads}: cost {cost} max {max} after {previous:?}"
        );
        previous = (cost, max);
        let beyond = d.recorder.totals.beyond_clock;
        if beyond > 0 {
            saw_saturation = true;
            assert!(
                r.warnings
                    .iter()
                    .any(|w| w.starts_with("deployment 'lam': ")
                        && w.contains(&format!("{beyond} request"))
                        && w.contains("lower bounds")),
                "{:?}",
                r.warnings
            );
        }
        // Every request still ended exactly once.
        let t = &d.recorder.totals;
        assert_eq!(t.completed + t.failed, t.requests);
    }
    assert!(saw_saturation, "the case must reach the clock's range");
}

#[test]
fn bounds_hold_in_every_duration_field() {
    let good = text(
        r#"{ dist = "constant", value = "10ms" }"#,
        r#"{ dist = "constant", value = "2ms" }"#,
        1,
        "1.0",
    );
    assert!(scenario(&good).warnings.is_empty());
    for (from, to, field) in [
        ("duration = \"1000s\"", "duration = \"3651d\"", "duration"),
        (
            "value = \"0ms\"",
            "value = \"3651d\"",
            "deployments[0].compute.cold_start.value",
        ),
        (
            "policy = \"forever\"",
            "policy = \"fixed\", idle_timeout = \"3651d\"",
            "deployments[0].compute.keep_alive.idle_timeout",
        ),
        (
            "memory = \"1GB\"",
            "memory = \"17000GB\"",
            "workload.functions[0].memory",
        ),
    ] {
        assert_eq!(good.matches(from).count(), 1, "{from}");
        let e = error_of(&good.replacen(from, to, 1));
        assert!(e.contains(field), "{field}: {e}");
    }
}
