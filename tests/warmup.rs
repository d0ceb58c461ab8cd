//! The warm-up (`warmup = "10s"`): the platform runs from time zero, measurement starts at
//! the warm-up's end. Hand-computed micro-scenarios (docs/models.md, "Warm-up"): requests
//! arriving during the warm-up are served but counted nowhere, time-based quantities keep
//! only their measured part, and the month projection scales the measured part.

mod common;

use common::{deployment, run_text};
use serverless_sim::metrics::Level;
use serverless_sim::report;
use serverless_sim::scenario::Scenario;

/// Default billing month: 30.4375 days, in seconds.
const MONTH_S: f64 = 30.4375 * 86_400.0;

/// One 128 MB function called every second from t = 0 (100 ms each), a FaaS deployment with
/// a 500 ms cold start and a 10 min keep-alive, and a fleet of two instances with a $10 a
/// month add-on, over 100 s in 10 s buckets; `warmup_line` is written at the top level.
fn scenario(warmup_line: &str) -> String {
    format!(
        r#"
name = "warm"
seed = 1
duration = "100s"
bucket = "10s"
{warmup_line}

[[workload.functions]]
name = "f"
memory = "128MB"
execution = {{ dist = "constant", value = "100ms" }}
arrivals = {{ process = "fixed_interval", every = "1s" }}

[[deployments]]
name = "lam"
[deployments.compute]
model = "faas"
cold_start = {{ dist = "constant", value = "500ms" }}
keep_alive = {{ policy = "fixed", idle_timeout = "10m" }}
[deployments.compute.billing]
requests = {{ usd = 0.20, per = 1_000_000 }}
gb_seconds = {{ usd = 0.0000166667 }}

[[deployments]]
name = "flt"
fixed = [ {{ name = "lb", usd_per_month = 10 }} ]
[deployments.compute]
model = "fleet"
instances = 2
workers = 1
[deployments.compute.billing]
instance_hours = {{ usd = 0.0416 }}
"#
    )
}

fn close(got: f64, want: f64, what: &str) {
    assert!(
        (got - want).abs() <= 1e-9 * want.abs().max(1e-12),
        "{what}: got {got}, want {want}"
    );
}

#[test]
fn a_warm_up_past_the_first_cold_start_measures_the_steady_state() {
    let run = run_text(&scenario(r#"warmup = "10s""#));
    let lam = deployment(&run, "lam");
    let rec = &lam.recorder;
    // Measured: the calls arriving at 10, 11, ..., 99 s: 90, all on the instance the call at
    // 0 s started (kept 10 min), so none is cold and each takes exactly its 100 ms.
    assert_eq!(rec.totals.requests, 90);
    assert_eq!(rec.totals.completed, 90);
    assert_eq!(rec.totals.cold_starts, 0);
    assert_eq!(rec.latency.count(), 90);
    assert_eq!(rec.latency.min_us(), Some(100_000));
    assert_eq!(rec.latency.max_us(), Some(100_000));
    // The measured 90 s in 10 s buckets: 9, each with 10 arrivals.
    assert_eq!(rec.buckets.len(), 9);
    assert!(
        rec.buckets
            .iter()
            .all(|b| b.requests == 10 && b.cold_starts == 0)
    );
    // Busy 9 x 100 ms of each 10 s, idle the rest: busy 0.1, idle 0.9 on average; one
    // instance at most.
    close(
        rec.levels[Level::Busy as usize].window_mean(),
        0.1,
        "busy mean",
    );
    close(
        rec.levels[Level::Idle as usize].window_mean(),
        0.9,
        "idle mean",
    );
    assert_eq!(rec.levels[Level::Busy as usize].peak(), 1);
    assert_eq!(rec.levels[Level::Starting as usize].peak(), 0);
    // Idle memory: 90 s - 9 s busy = 81 s at 0.125 GB.
    close(rec.idle_gb_seconds, 81.0 * 0.125, "idle GB-s");
    // Bill: 90 requests at $0.20 per million, 90 x 0.1 s x 0.125 GB at $0.0000166667.
    let window = 90.0 * 0.20 / 1e6 + 90.0 * 0.1 * 0.125 * 0.000_016_666_7;
    close(lam.bill.window_usd, window, "lam window $");
    // The month is 2,629,800 s; the measured 90 s repeat 29,220 times in it.
    close(
        lam.bill.monthly_usd,
        window * MONTH_S / 90.0,
        "lam monthly $",
    );

    // The fleet: two instances x 90 s at $0.0416 an hour, and the add-on's 90 s share of a
    // month; a month of either is its full monthly price.
    let flt = deployment(&run, "flt");
    let window = 2.0 * 90.0 / 3600.0 * 0.0416 + 10.0 * 90.0 / MONTH_S;
    close(flt.bill.window_usd, window, "fleet window $");
    close(
        flt.bill.monthly_usd,
        2.0 * 0.0416 * MONTH_S / 3600.0 + 10.0,
        "fleet monthly $",
    );
    assert_eq!(flt.recorder.totals.requests, 90);
    // Busy 90 x 100 ms of 2 instances x 90 s.
    close(
        flt.recorder.levels[Level::Busy as usize].window_mean(),
        0.1,
        "fleet busy mean",
    );
}

#[test]
fn without_a_warm_up_the_first_call_is_cold() {
    // The same scenario measured from 0: 100 calls, the first cold (500 + 100 ms). A check
    // that the warm-up is what removes it.
    let run = run_text(&scenario(""));
    let rec = &deployment(&run, "lam").recorder;
    assert_eq!(rec.totals.requests, 100);
    assert_eq!(rec.totals.cold_starts, 1);
    assert_eq!(rec.latency.max_us(), Some(600_000));
    assert_eq!(rec.buckets.len(), 10);
}

#[test]
fn a_call_straddling_the_warm_up_counts_only_in_time_based_figures() {
    // Warm-up 9.05 s: the call arriving at 9 s runs to 9.1 s. It is not a measured request
    // (arrived during the warm-up): 90 requests (10..99 s) and their GB-s only. Its last
    // 50 ms of work is instance time inside the measured part: busy 9 s + 0.05 s of the
    // measured 90.95 s; idle the other 81.9 s.
    let run = run_text(&scenario(r#"warmup = "9050ms""#));
    let lam = deployment(&run, "lam");
    let rec = &lam.recorder;
    assert_eq!((rec.totals.requests, rec.totals.completed), (90, 90));
    close(
        rec.levels[Level::Busy as usize].window_integral_secs(),
        9.05,
        "busy instance-seconds",
    );
    close(rec.idle_gb_seconds, 81.9 * 0.125, "idle GB-s");
    let window = 90.0 * 0.20 / 1e6 + 90.0 * 0.1 * 0.125 * 0.000_016_666_7;
    close(lam.bill.window_usd, window, "window $");
    close(lam.bill.monthly_usd, window * MONTH_S / 90.95, "monthly $");
    // Buckets from 9.05 s: nine of 10 s and a last one of 0.95 s. The first, [9.05 s,
    // 19.05 s), holds the calls at 10..19 s; the last, [99.05 s, 100 s), none.
    assert_eq!(rec.buckets.len(), 10);
    assert_eq!(rec.buckets[0].requests, 10);
    assert_eq!(rec.buckets[9].requests, 0);
}

#[test]
fn the_reports_say_what_was_measured() {
    let run = run_text(&scenario(r#"warmup = "10s""#));
    let table = report::table::render(&run);
    assert!(
        table.contains(
            "measured from 10s to 100s (the 10s warm-up is simulated, not measured: every \
             figure and the month projection cover the measured part)"
        ),
        "{table}"
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let out = report::write_reports(&run, &dir.path().join("r")).expect("reports");
    let manifest = std::fs::read_to_string(out.join("manifest.toml")).expect("manifest");
    assert!(
        manifest.contains("measured = \"10s to 100s\""),
        "{manifest}"
    );
    let html = report::html::run_page(&run, "").expect("html");
    assert!(html.contains("measured from 10s to 100s"));
    let series = common::csv_rows(&out.join("timeseries.csv"));
    assert_eq!(series[0]["bucket_start_s"], "10");
    assert_eq!(series[8]["bucket_start_s"], "90");
}

#[test]
fn a_zero_warm_up_changes_nothing() {
    let reports = |text: &str| {
        let run = run_text(text);
        let dir = tempfile::tempdir().expect("tempdir");
        let out = report::write_reports(&run, &dir.path().join("r")).expect("reports");
        let files: Vec<Vec<u8>> = [
            "summary.csv",
            "timeseries.csv",
            "latency.csv",
            "costs.csv",
            "functions.csv",
        ]
        .iter()
        .map(|f| std::fs::read(out.join(f)).expect("report file"))
        .collect();
        (report::table::render(&run), files)
    };
    assert_eq!(
        reports(&scenario(r#"warmup = "0s""#)),
        reports(&scenario(""))
    );
}

#[test]
fn a_warm_up_as_long_as_the_window_is_refused_where_written() {
    let text = scenario(r#"warmup = "100s""#);
    let err = Scenario::parse("w.toml".as_ref(), &text)
        .expect_err("refused")
        .to_string();
    assert!(err.contains("w.toml:6:"), "{err}");
    assert!(
        err.contains("warmup: (100s) must be shorter than the simulated window (100s)"),
        "{err}"
    );
    let err = Scenario::parse("w.toml".as_ref(), &scenario(r#"warmup = "soon""#))
        .expect_err("refused")
        .to_string();
    assert!(err.contains("w.toml:6:") && err.contains("warmup"), "{err}");
}
