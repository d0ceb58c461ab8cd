//! Property tests: invariants that must hold for any input, not just hand-picked ones.

use std::path::Path;

use proptest::prelude::*;
use serverless_sim::pricing::{PriceSchedule, Tier};
use serverless_sim::run::run;
use serverless_sim::scenario::Scenario;
use serverless_sim::units::{parse_duration, parse_rate};

fn schedule() -> impl Strategy<Value = PriceSchedule> {
    (
        0.0..1e6f64,
        0.0..1e4f64,
        prop::collection::vec((1.0..1e6f64, 0.0..1.0f64), 1..4),
    )
        .prop_map(|(free_month, free_day, steps)| {
            let mut up_to = 0.0;
            let mut tiers: Vec<Tier> = steps
                .into_iter()
                .map(|(width, unit_price)| {
                    up_to += width;
                    Tier { up_to, unit_price }
                })
                .collect();
            tiers.last_mut().expect("one tier at least").up_to = f64::INFINITY;
            PriceSchedule {
                package: 0.0,
                per: 1.0,
                free_per_month: free_month,
                free_per_day: free_day,
                tiers,
            }
        })
}

proptest! {
    #[test]
    fn a_bill_never_shrinks_as_usage_grows(s in schedule(), a in 0.0..1e7f64, b in 0.0..1e7f64) {
        let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
        prop_assert!(s.cost(lo, 30.0) <= s.cost(hi, 30.0) + 1e-9);
    }

    #[test]
    fn a_bill_is_free_within_the_allowance_and_bounded_by_the_dearest_tier(
        s in schedule(), q in 0.0..1e7f64,
    ) {
        let free = s.free_per_month + 30.0 * s.free_per_day;
        let cost = s.cost(q, 30.0);
        if q <= free {
            prop_assert_eq!(cost, 0.0);
        }
        let dearest = s.tiers.iter().map(|t| t.unit_price).fold(0.0, f64::max);
        prop_assert!(cost <= (q - free).max(0.0) * dearest + 1e-9);
        prop_assert!(cost >= 0.0);
    }

    #[test]
    fn durations_and_rates_read_back_what_was_written(ms in 0u64..10_000_000, per_s in 0u32..100_000) {
        prop_assert_eq!(parse_duration(&format!("{ms}ms")), Ok(ms * 1_000));
        prop_assert_eq!(parse_duration(&format!("{}s", ms as f64 / 1e3)), Ok(ms * 1_000));
        prop_assert_eq!(parse_rate(&format!("{per_s}/s")), Ok(per_s as f64));
    }

    #[test]
    fn the_scenario_parser_never_panics_on_arbitrary_text(text in "\\PC{0,300}") {
        let _ = Scenario::parse(Path::new("fuzz.toml"), &text);
    }

    #[test]
    fn the_scenario_parser_never_panics_on_damaged_scenarios(
        cut in 0usize..4000, insert in "[\\[\\]{}=\",.#a-z0-9 \n-]{0,8}",
    ) {
        let good = include_str!("../scenarios/web-api.toml");
        let mut at = cut.min(good.len());
        while !good.is_char_boundary(at) {
            at -= 1;
        }
        let damaged = format!("{}{insert}{}", &good[..at], &good[at..]);
        let _ = Scenario::parse(Path::new("damaged.toml"), &damaged);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Whatever the limits, keep-alive and load: every request ends exactly once (completed
    /// or failed), no failure without a limit or a timeout, and costs are finite and >= 0.
    #[test]
    fn every_request_is_accounted_for(
        rate in 1u32..400,
        exec_ms in 1u32..2_000,
        account in prop::option::of(1u32..50),
        keep_alive in prop::sample::select(vec![
            r#"{ policy = "none" }"#,
            r#"{ policy = "forever" }"#,
            r#"{ policy = "fixed", idle_timeout = "2s" }"#,
        ]),
        workers in 1u32..8,
        timeout_ms in prop::option::of(1u32..3_000),
        seed in 0u64..1_000,
    ) {
        let account_line = account.map_or(String::new(), |a| format!("account_concurrency = {a}"));
        let timeout_line = timeout_ms.map_or(String::new(), |t| format!("queue_timeout = \"{t}ms\""));
        let text = format!(
            r#"
seed = {seed}
duration = "20s"
bucket = "1s"
[[workload.functions]]
name = "f"
memory = "256MB"
execution = {{ dist = "exponential", mean = "{exec_ms}ms" }}
arrivals = {{ process = "poisson", rate = "{rate}/s" }}
calls = {{ db = {{ read = 1 }} }}
[[deployments]]
name = "faas"
[deployments.compute]
model = "faas"
cold_start = {{ dist = "lognormal", median = "200ms", p99 = "900ms" }}
keep_alive = {keep_alive}
{account_line}
[deployments.compute.billing]
requests = {{ usd = 0.2, per = 1_000_000 }}
gb_seconds = {{ usd = 0.0000166667 }}
[[deployments.services]]
name = "db"
latency = {{ dist = "exponential", mean = "5ms" }}
operations.read = {{ price = {{ usd = 0.25, per = 1_000_000, free_per_day = 1000 }} }}
[[deployments]]
name = "fleet"
[deployments.compute]
model = "fleet"
instances = 2
workers = {workers}
{timeout_line}
[deployments.compute.billing]
instance_hours = {{ usd = 0.05 }}
[[deployments.services]]
name = "db"
latency = {{ dist = "exponential", mean = "5ms" }}
operations.read = {{}}
"#
        );
        let s = Scenario::parse(Path::new("prop.toml"), &text).expect("valid scenario");
        let r = run(&s).expect("runs");
        let requests = r.deployments[0].recorder.totals.requests;
        for d in &r.deployments {
            let t = &d.recorder.totals;
            prop_assert_eq!(t.requests, requests, "same requests for every deployment");
            prop_assert_eq!(t.completed + t.failed, t.requests);
            prop_assert_eq!(t.failed, t.throttled + t.timed_out + t.rejected);
            prop_assert_eq!(d.recorder.latency.count(), t.completed);
            let per_bucket: u64 = d.recorder.buckets.iter().map(|b| b.requests).sum();
            prop_assert_eq!(per_bucket, t.requests);
            prop_assert!(d.bill.window_usd.is_finite() && d.bill.window_usd >= 0.0);
            let accrued: f64 = d.bill.bucket_usd.iter().sum();
            prop_assert!((accrued - d.bill.window_usd).abs() <= 1e-9 * (1.0 + d.bill.window_usd));
        }
        let faas = &r.deployments[0].recorder.totals;
        if account.is_none() {
            prop_assert_eq!(faas.throttled, 0);
        }
        if timeout_ms.is_none() {
            prop_assert_eq!(r.deployments[1].recorder.totals.timed_out, 0);
        }
    }
}

/// A FaaS deployment for the trace fuzzing below.
const FAAS: &str = r#"
[[deployments]]
name = "faas"
[deployments.compute]
model = "faas"
cold_start = { dist = "constant", value = "100ms" }
keep_alive = { policy = "fixed", idle_timeout = "1m" }
[deployments.compute.billing]
requests = { usd = 0.2, per = 1_000_000 }
gb_seconds = { usd = 0.0000166667 }
"#;

/// Loads (and, if it loads, runs) a trace scenario over `files` written into a temporary
/// folder: whatever the bytes, the outcome is a result, never a panic.
fn load_and_run(trace_table: &str, files: &[(&str, String)]) {
    let dir = tempfile::tempdir().expect("temporary folder");
    for (name, content) in files {
        std::fs::write(dir.path().join(name), content).expect("write trace");
    }
    let text = format!("seed = 1\n[workload.trace]\n{trace_table}\n{FAAS}");
    if let Ok(s) = Scenario::parse(&dir.path().join("fuzz.toml"), &text) {
        let _ = run(&s);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn damaged_plain_csv_traces_never_panic(rows in prop::collection::vec("[0-9a-z.:TZ+-]{0,12},[a-z]{0,3}(,[0-9.e-]{0,6})?", 0..12)) {
        let body = format!("timestamp,function,duration_ms\n{}", rows.join("\n"));
        load_and_run("format = \"csv\"\nfile = \"t.csv\"\nmemory = \"256MB\"", &[("t.csv", body)]);
    }

    #[test]
    fn damaged_azure2021_traces_never_panic(rows in prop::collection::vec("[a-c]{0,2},[a-c]{0,2},[0-9.e-]{0,8},[0-9.e-]{0,6}(,x)?", 0..12)) {
        let body = format!("app,func,end_timestamp,duration\n{}", rows.join("\n"));
        load_and_run("format = \"azure2021\"\nfile = \"t.csv\"\nmemory = \"256MB\"", &[("t.csv", body)]);
    }

    #[test]
    fn damaged_azure2019_traces_never_panic(
        header in "HashOwner,HashApp,HashFunction,Trigger(,[0-9]{1,4}){0,4}",
        rows in prop::collection::vec("o,[a-b],[a-c],http(,[0-9-]{0,3}){0,5}", 0..6),
        durations in prop::collection::vec("o,[a-b],[a-c](,[0-9.-]{0,4}){0,11}", 0..4),
    ) {
        let invocations = format!("{header}\n{}", rows.join("\n"));
        let durations = format!(
            "HashOwner,HashApp,HashFunction,Average,Count,Minimum,Maximum,percentile_Average_0,\
             percentile_Average_1,percentile_Average_25,percentile_Average_50,\
             percentile_Average_75,percentile_Average_99,percentile_Average_100\n{}",
            durations.join("\n")
        );
        load_and_run(
            "format = \"azure2019\"\ninvocations = \"i.csv\"\ndurations = \"d.csv\"\nmemory = \"256MB\"",
            &[("i.csv", invocations), ("d.csv", durations)],
        );
    }
}
