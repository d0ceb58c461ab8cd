//! The size estimate of a run (`scenario::size`): expected requests and engine events per
//! deployment against hand-computed closed forms and against the counts of real runs, memory
//! bounds from the concurrency and queue limits, and the limits that refuse a run.

mod common;

use std::path::Path;

use common::{FAAS_BILLING, deployment, run_text, scenario};
use serverless_sim::engine::Progress;
use serverless_sim::scenario::Scenario;
use serverless_sim::scenario::size::{MAX_EVENTS, SizeEstimate};

/// The functions of the estimate tests, over a 1 h window:
/// - `a`: Poisson 20/s with 2 db reads a call: 72,000 requests, 144,000 operations;
/// - `b`: daily, 10/s on average, shape [1, 3, 0, 2] (6 h slots, mean 1.5): the first hour
///   lies in slot 0, at 10/s x 1/1.5: 24,000;
/// - `d`: every minute from 30 s: 30 s, 90 s, ..., 3,570 s: 60.
///
/// Requests 96,060 (variance 72,000 + 24,000: both are Poisson).
const WORKLOAD: &str = r#"
duration = "1h"
bucket = "5m"
[[workload.functions]]
name = "a"
memory = "128MB"
execution = { dist = "constant", value = "10ms" }
arrivals = { process = "poisson", rate = "20/s" }
calls = { db = { read = 2 } }
[[workload.functions]]
name = "b"
memory = "128MB"
execution = { dist = "constant", value = "10ms" }
arrivals = { process = "daily", rate = "10/s", profile = [1, 3, 0, 2] }
[[workload.functions]]
name = "d"
memory = "128MB"
execution = { dist = "constant", value = "10ms" }
arrivals = { process = "fixed_interval", every = "1m", offset = "30s" }
"#;

/// The `on_off` function: on 100/s for 10 s, off for 30 s on average: 25/s, 90,000 an hour.
const ON_OFF: &str = r#"
[[workload.functions]]
name = "c"
memory = "128MB"
execution = { dist = "constant", value = "10ms" }
arrivals = { process = "on_off", on_rate = "100/s", off_rate = "0/s", mean_on = "10s", mean_off = "30s" }
"#;

const DB: &str = r#"
[[deployments.services]]
name = "db"
latency = { dist = "constant", value = "1ms" }
operations.read = { price = { usd = 0.25, per = 1_000_000 } }
"#;

fn fleet(name: &str, extra: &str) -> String {
    format!(
        "\n[[deployments]]\nname = \"{name}\"\n[deployments.compute]\nmodel = \"fleet\"\n\
         instances = 1\nworkers = 100\n{extra}\n[deployments.compute.billing]\n\
         instance_hours = {{ usd = 0.1 }}\n{DB}"
    )
}

fn faas(name: &str, keep_alive: &str, extra: &str) -> String {
    format!(
        "\n[[deployments]]\nname = \"{name}\"\n[deployments.compute]\nmodel = \"faas\"\n\
         cold_start = {{ dist = \"constant\", value = \"100ms\" }}\nkeep_alive = {keep_alive}\n\
         {extra}\n{FAAS_BILLING}{DB}"
    )
}

fn estimate(text: &str) -> SizeEstimate {
    SizeEstimate::of(&scenario(text))
}

#[test]
fn requests_and_events_per_deployment_are_the_closed_forms() {
    let text = format!(
        "{WORKLOAD}{ON_OFF}{}{}{}",
        fleet("fleet", ""),
        faas("none", "{ policy = \"none\" }", ""),
        faas(
            "fixed",
            "{ policy = \"fixed\", idle_timeout = \"10m\" }",
            ""
        )
    );
    let e = estimate(&text);
    // a: 20/s x 3,600 s = 72,000; b: 10/s on average, its shape [1, 3, 0, 2] normalised to
    // mean 1 (x 2/3 in the first 6 h): 24,000; d: 60; plus 90,000 (on_off).
    for d in &e.deployments {
        assert_eq!(d.requests, 186_060.0, "{}", d.name);
    }
    // Variance: 96,000 (Poisson) + on_off: 90,000 + 2 x 100^2 x (1/4)(3/4) x (L/g - 1/g^2
    // (1 - e^(-gL))) with g = 2/15, L = 3,600: 3,750 x (27,000 - 56.25) = 101,039,062.5.
    let want_sd = (96_000.0f64 + 90_000.0 + 101_039_062.5).sqrt();
    assert!((e.deployments[0].requests_sd - want_sd).abs() < 1e-6);
    // Events: fleet 2 per request + 2 operations per call of `a`; FaaS adds a ready event
    // per request, and with a fixed keep-alive one timer per request. Every deployment adds
    // the generators' steps: `b` draws at its peak 20/s (72,000 in the hour) and keeps
    // 24,000, so 48,000 rejected; `c` switches twice per 40 s cycle, 180 times in 3,600 s.
    let steps = 48_000.0 + 180.0;
    let events: Vec<f64> = e.deployments.iter().map(|d| d.events).collect();
    assert_eq!(
        events,
        [
            2.0 * 186_060.0 + 144_000.0 + steps,
            3.0 * 186_060.0 + 144_000.0 + steps,
            4.0 * 186_060.0 + 144_000.0 + steps
        ]
    );
    assert_eq!(e.events(), 9.0 * 186_060.0 + 3.0 * 144_000.0 + 3.0 * steps);
    assert_eq!(e.busiest, ("function 'c'".to_string(), 90_000.0));
    assert!(e.check().is_ok());
}

#[test]
fn the_estimate_matches_what_a_run_counts() {
    // Fleet without failures: events = arrivals + completions + backend operations.
    // FaaS without keep-alive and a 100 ms cold start: every request also has a ready event.
    let text = format!(
        "{WORKLOAD}{}{}",
        fleet("fleet", ""),
        faas("none", "{ policy = \"none\" }", "")
    );
    let e = estimate(&text);
    let r = run_text(&text);
    // Standard deviations: requests sqrt(96,000); fleet events (2 + 2 ops) x a and 2 x b:
    // sqrt(16 x 72,000 + 4 x 24,000); FaaS events: sqrt(25 x 72,000 + 9 x 24,000).
    let sd_requests = 96_000.0f64.sqrt();
    let sd_events = [
        (16.0 * 72_000.0f64 + 4.0 * 24_000.0).sqrt(),
        (25.0 * 72_000.0f64 + 9.0 * 24_000.0).sqrt(),
    ];
    for (i, name) in ["fleet", "none"].iter().enumerate() {
        let d = deployment(&r, name);
        let t = &d.recorder.totals;
        let operations: f64 = (0..d.meters.len())
            .filter(|&m| d.meters.list[m].name == "read")
            .map(|m| d.recorder.usage.total(m))
            .sum();
        // Plus the 48,000 draws the daily `b` rejects (72,000 at its 20/s peak, 24,000 kept),
        // which the estimate counts as steps and the engine does not see as events.
        let events = (t.requests + t.completed + t.cold_starts) as f64 + operations + 48_000.0;
        let want = &e.deployments[i];
        assert_eq!(want.requests, 96_060.0);
        assert!(
            (t.requests as f64 - want.requests).abs() < 4.0 * sd_requests,
            "{name}: {} requests vs {}",
            t.requests,
            want.requests
        );
        assert!(
            (events - want.events).abs() < 4.0 * sd_events[i],
            "{name}: {events} events vs {}",
            want.events
        );
        assert_eq!(t.failed, 0, "{name}");
    }
}

#[test]
fn a_trace_counts_its_invocations_times_the_multiplier() {
    // The shipped excerpt: 339,657 invocations over its 8 h span.
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/azure-sample.toml");
    let text = std::fs::read_to_string(&path).expect("azure-sample.toml");
    let shaped = |extra: &str, duration: &str| {
        let t = text
            .replacen("spread = ", &format!("{extra}\nspread = "), 1)
            .replacen("seed = 42", &format!("seed = 42\n{duration}"), 1);
        let s = Scenario::parse(&path, &t).unwrap_or_else(|e| panic!("{e}"));
        SizeEstimate::of(&s)
    };
    let whole = shaped("", "");
    assert_eq!(whole.requests(), 339_657.0);
    assert_eq!(whole.deployments[0].requests_sd, 0.0);
    assert_eq!(shaped("rate_multiplier = 2", "").requests(), 679_314.0);
    // 0.5: each invocation kept with probability 1/2: variance n / 4.
    let half = shaped("rate_multiplier = 0.5", "");
    assert_eq!(half.requests(), 169_828.5);
    assert_eq!(half.deployments[0].requests_sd, (339_657.0f64 / 4.0).sqrt());
    // A 4 h duration over the 8 h span replays the first 240 minute columns: 160,887
    // invocations (summed from invocations.csv by hand, outside the simulator).
    assert_eq!(shaped("", "duration = \"4h\"").requests(), 160_887.0);
    assert_eq!(whole.busiest.0, "the trace");
}

#[test]
fn faas_memory_is_bounded_by_the_concurrency_limits() {
    let limits = "account_concurrency = 80\nfunction_concurrency = 50";
    let text = format!(
        "{WORKLOAD}{}{}{}",
        faas(
            "fixed",
            "{ policy = \"fixed\", idle_timeout = \"10m\" }",
            limits
        ),
        faas("none", "{ policy = \"none\" }", limits),
        faas(
            "reserved",
            "{ policy = \"forever\" }",
            "account_concurrency = 80\nreserved_concurrency = { a = 30 }"
        ),
    );
    let e = estimate(&text);
    // Keep-alive: each of the 3 pools may keep its own peak, at most min(50, 80): 150.
    // No keep-alive: nothing idles, so the account limit holds: 80.
    // Reserved: a at most 30, b and d each at most the 50 left: 130.
    for (d, bound) in e.deployments.iter().zip([150, 80, 130]) {
        assert!(
            d.memory_detail
                .contains(&format!(", at most {bound} by the concurrency limits;")),
            "{}: {}",
            d.name,
            d.memory_detail
        );
        let b = d.memory_bound_bytes.expect("bounded");
        assert!(d.memory_bytes <= b, "{}", d.name);
    }
    let bounds: Vec<f64> = e
        .deployments
        .iter()
        .map(|d| d.memory_bound_bytes.unwrap())
        .collect();
    // Same time series and fixed part: the bounds differ by instances only.
    let per_instance = (bounds[0] - bounds[1]) / 70.0;
    assert!((bounds[2] - bounds[1] - 50.0 * per_instance).abs() < 1e-6);
}

#[test]
fn faas_without_a_limit_is_expected_from_littles_law_and_a_run_stays_below() {
    // Poisson 100/s, held 1 s (execution) + 0 (cold start): 100 busy on average; the
    // estimate adds 5 standard deviations (5 x 10) and one idle instance: 151.
    let text = |limits: &str| {
        format!(
            r#"
duration = "60s"
[[workload.functions]]
name = "f"
memory = "128MB"
execution = {{ dist = "constant", value = "1s" }}
arrivals = {{ process = "poisson", rate = "100/s" }}
[[deployments]]
name = "lam"
[deployments.compute]
model = "faas"
cold_start = {{ dist = "constant", value = "0ms" }}
keep_alive = {{ policy = "none" }}
{limits}
{FAAS_BILLING}"#
        )
    };
    let e = estimate(&text(""));
    let d = &e.deployments[0];
    assert_eq!(d.memory_bound_bytes, None);
    assert!(
        d.memory_detail
            .starts_with("about 151 instances at peak, no concurrency limit"),
        "{}",
        d.memory_detail
    );
    assert!(e.lines()[0].contains(", no bound ("), "{}", e.lines()[0]);
    let r = run_text(&text(""));
    let peak = deployment(&r, "lam").recorder.levels[0].peak();
    assert!((100..=151).contains(&peak), "peak busy {peak}");
    // A limit below the expected peak caps it.
    let capped = estimate(&text("account_concurrency = 120"));
    assert!(
        capped.deployments[0]
            .memory_detail
            .starts_with("about 120 instances at peak, at most 120 by the concurrency limits"),
        "{}",
        capped.deployments[0].memory_detail
    );
}

#[test]
fn a_loose_bound_does_not_refuse_a_small_run() {
    // The largest account limit: a bound of 3 x (2^32 - 1) instances, terabytes; but 30/s at
    // peak held 0.11 s needs a handful, so the run is not refused.
    let text = format!(
        "{WORKLOAD}{}",
        faas(
            "lam",
            "{ policy = \"fixed\", idle_timeout = \"10m\" }",
            "account_concurrency = 4294967295"
        )
    );
    let e = estimate(&text);
    let d = &e.deployments[0];
    assert!(d.memory_bound_bytes.expect("bounded") > 1e12);
    assert!(d.memory_bytes < 1e7, "{}", d.memory_bytes);
    assert!(e.check().is_ok());
}

#[test]
fn too_many_events_are_refused_naming_the_override() {
    // A fleet makes exactly 2 events a request; a request every µs: 5 x 10^9 requests in
    // 5,000 s is exactly the limit (allowed), one µs more is over it.
    let text = |duration: &str| {
        format!(
            "duration = \"{duration}\"\nbucket = \"1h\"\n[[workload.functions]]\nname = \"tick\"\n\
             memory = \"128MB\"\nexecution = {{ dist = \"constant\", value = \"0ms\" }}\n\
             arrivals = {{ process = \"fixed_interval\", every = \"1us\" }}\n{}",
            fleet("fleet", "").replace(DB, "")
        )
    };
    let at = estimate(&text("5000s"));
    assert_eq!(at.events(), MAX_EVENTS);
    assert!(at.check().is_ok());
    let over = estimate(&text("5000000001us"));
    assert_eq!(over.events(), 2.0 * 5_000_000_001.0);
    let msg = over.check().expect_err("over the limit");
    assert!(
        msg.contains("10,000,000,002 engine events (limit 10,000,000,000)")
            && msg.contains("most from function 'tick' (5,000,000,001)")
            && msg.contains("--allow-large")
            && msg.contains("estimate: fleet (fleet): 5,000,000,001 requests"),
        "{msg}"
    );
}

#[test]
fn too_much_memory_is_refused_naming_the_deployment() {
    // A queue of 2^32 - 1 requests of 32 bytes: 128 GiB.
    let text = format!(
        "{WORKLOAD}{}",
        fleet("deep-queue", "queue_limit = 4294967295")
    );
    let e = estimate(&text);
    assert!(e.events() < MAX_EVENTS);
    assert!(e.memory_bytes() > 128.0 * 1024.0 * 1024.0 * 1024.0);
    let msg = e.check().expect_err("over the memory limit");
    assert!(
        msg.contains("of memory (limit 8.0 GiB)")
            && msg.contains("deployment 'deep-queue', queue of at most 4,294,967,295 requests")
            && msg.contains("--allow-large"),
        "{msg}"
    );
    // The default queue (a million) is far below.
    assert!(
        estimate(&format!("{WORKLOAD}{}", fleet("q", "")))
            .check()
            .is_ok()
    );
}

#[test]
fn progress_counts_every_request_and_changes_nothing() {
    let text = format!(
        "{WORKLOAD}{}{}",
        fleet("fleet", ""),
        faas("none", "{ policy = \"none\" }", "")
    );
    let s = scenario(&text);
    let progress = Progress::new();
    let with = serverless_sim::run::run_with_progress(&s, &progress).expect("runs");
    let without = serverless_sim::run::run(&s).expect("runs");
    let requests: u64 = with
        .deployments
        .iter()
        .map(|d| d.recorder.totals.requests)
        .sum();
    assert_eq!(progress.requests(), requests);
    let dir = tempfile::tempdir().expect("tempdir");
    let (a, b) = (dir.path().join("with"), dir.path().join("without"));
    serverless_sim::report::write_reports(&with, &a).expect("report");
    serverless_sim::report::write_reports(&without, &b).expect("report");
    for file in ["summary.csv", "timeseries.csv", "latency.csv", "costs.csv"] {
        let x = std::fs::read(a.join(file)).expect("file");
        let y = std::fs::read(b.join(file)).expect("file");
        assert!(x == y, "{file} differs with progress");
    }
}

#[test]
fn an_async_function_leaves_faas_memory_without_a_bound() {
    // Under an account limit the instance table is bounded; an asynchronous function adds
    // events waiting for retries, which no limit bounds.
    let text = |keys: &str| {
        format!(
            r#"
duration = "60s"
[[workload.functions]]
name = "f"
memory = "128MB"
execution = {{ dist = "constant", value = "1s" }}
arrivals = {{ process = "poisson", rate = "10/s" }}
{keys}
[[deployments]]
name = "lam"
[deployments.compute]
model = "faas"
cold_start = {{ dist = "constant", value = "0ms" }}
keep_alive = {{ policy = "none" }}
account_concurrency = 50
{FAAS_BILLING}"#
        )
    };
    let sync = estimate(&text(""));
    assert!(sync.deployments[0].memory_bound_bytes.is_some());
    let e = estimate(&text("invocation = \"async\""));
    let d = &e.deployments[0];
    assert_eq!(d.memory_bound_bytes, None);
    assert!(
        d.memory_detail
            .contains("plus asynchronous events waiting for a retry (not bounded)"),
        "{}",
        d.memory_detail
    );
}

#[test]
fn on_off_state_switches_are_counted_and_refused_past_the_limit() {
    // Periods of 1 µs on and off at 10/s: the requests are few
    // (5/s on average: 18,000), but the process switches 2 / 2 µs = a million times a
    // second: 3.6e9 switches in the hour, for every deployment. Two deployments: 7.2e9 steps
    // (under the limit of 1e10) plus a fleet's 2 x 18,000 and FaaS's 3 x 18,000 events.
    let workload = r#"
duration = "1h"
[[workload.functions]]
name = "flicker"
memory = "128MB"
execution = { dist = "constant", value = "10ms" }
arrivals = { process = "on_off", on_rate = "10/s", off_rate = "0/s", mean_on = "1us", mean_off = "1us" }
"#;
    let two = format!(
        "{workload}{}{}",
        fleet("fleet", ""),
        faas("none", "{ policy = \"none\" }", "")
    );
    let e = estimate(&two);
    assert_eq!(e.requests(), 18_000.0);
    assert_eq!(e.deployments[0].events, 3.6e9 + 2.0 * 18_000.0);
    assert_eq!(e.deployments[1].events, 3.6e9 + 3.0 * 18_000.0);
    assert!(e.check().is_ok());
    // A third deployment passes 1e10: refused, naming the override.
    let three = format!("{two}{}", fleet("fleet2", ""));
    let message = estimate(&three).check().unwrap_err();
    assert!(
        message.contains("engine events (limit 10,000,000,000)"),
        "{message}"
    );
    assert!(message.contains("--allow-large"), "{message}");
}

#[test]
fn profiles_and_buckets_add_their_measured_memory() {
    // A daily profile of 24 equal slots, then of 1,024: same rates (every slot is the mean),
    // so only the copy each deployment's generator holds differs: 1,000 values x 8 bytes.
    let daily = |slots: usize| {
        let profile = vec!["1"; slots].join(", ");
        format!(
            "duration = \"1h\"\nbucket = \"5m\"\n[[workload.functions]]\nname = \"p\"\n\
             memory = \"128MB\"\nexecution = {{ dist = \"constant\", value = \"10ms\" }}\n\
             arrivals = {{ process = \"daily\", rate = \"1/s\", profile = [{profile}] }}\n{}{}",
            fleet("fleet", "").replace(DB, ""),
            faas("none", "{ policy = \"none\" }", "").replace(DB, "")
        )
    };
    let (short, long) = (estimate(&daily(24)), estimate(&daily(1_024)));
    for (a, b) in short.deployments.iter().zip(&long.deployments) {
        assert_eq!(b.memory_bytes - a.memory_bytes, 8_000.0, "{}", a.name);
    }
    // The reports: 200 bytes per time bucket, once per run: 1 h of 5 m buckets is 12.
    assert_eq!(short.report_bytes, 12.0 * 200.0);
    let states: f64 = short.deployments.iter().map(|d| d.memory_bytes).sum();
    assert_eq!(short.memory_bytes(), states + 2_400.0);
}
