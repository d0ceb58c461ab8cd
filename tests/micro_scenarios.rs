//! Hand-computed micro-scenarios: a few requests at known times (fixed-interval arrivals,
//! constant durations), with exact cold/warm outcomes, latencies, instance-time and bills.
//!
//! Every expected number is worked out in the comment above it from the rules of
//! docs/models.md, not read from the simulator. Means and maxima of latencies are exact;
//! percentiles come from a histogram and are checked to 0.1%.
//!
//! Tie rules pinned here (the engine handles a due event before an arrival at the same
//! microsecond):
//! - an instance that has been idle for exactly its keep-alive T is reclaimed before a
//!   request arriving at that instant (which is therefore cold);
//! - an instance that completes at t serves a request arriving at t (warm, not throttled);
//! - a fleet request that has waited exactly its timeout is still served; only a longer wait
//!   fails.

mod common;

use common::{deployment, run_text};
use serverless_sim::metrics::Level;
use serverless_sim::platform::DeploymentResult;
use serverless_sim::pricing::BillLine;

fn assert_close(got: f64, want: f64, rel: f64, what: &str) {
    let scale = want.abs().max(1e-300);
    assert!(
        ((got - want) / scale).abs() <= rel,
        "{what}: got {got}, want {want}"
    );
}

/// Exact integer checks on latencies (µs): mean and max exact, percentiles to 0.1%.
fn assert_latency(d: &DeploymentResult, mean_ms: f64, max_ms: f64, pcts: &[(f64, f64)]) {
    let lat = &d.recorder.latency;
    assert_close(lat.mean_us().unwrap(), mean_ms * 1e3, 1e-12, "mean latency");
    assert_eq!(lat.max_us().unwrap(), (max_ms * 1e3) as u64, "max latency");
    for &(q, ms) in pcts {
        assert_close(
            lat.quantile_us(q).unwrap() as f64,
            ms * 1e3,
            1e-3,
            &format!("p{q}"),
        );
    }
}

fn line<'a>(d: &'a DeploymentResult, meter: &str) -> &'a BillLine {
    d.bill
        .lines
        .iter()
        .find(|l| l.meter == meter)
        .unwrap_or_else(|| panic!("{}: no meter {meter}", d.name))
}

/// A FaaS deployment with flat Lambda-like prices and no free tier.
fn faas(name: &str, cold_start: &str, keep_alive: &str, extra: &str) -> String {
    format!(
        r#"
[[deployments]]
name = "{name}"
[deployments.compute]
model = "faas"
cold_start = {{ dist = "constant", value = "{cold_start}" }}
keep_alive = {keep_alive}
{extra}
[deployments.compute.billing]
requests = {{ usd = 0.20, per = 1_000_000 }}
gb_seconds = {{ usd = 0.0000166667 }}
"#
    )
}

/// A scenario header plus one function called every `every`, running `exec` (constant).
fn one_function(duration: &str, every: &str, exec: &str) -> String {
    format!(
        r#"
name = "micro"
seed = 1
duration = "{duration}"
bucket = "{duration}"

[[workload.functions]]
name = "f"
memory = "128MB"
execution = {{ dist = "constant", value = "{exec}" }}
arrivals = {{ process = "fixed_interval", every = "{every}" }}
"#
    )
}

#[test]
fn keep_alive_boundary_none_and_forever() {
    // Requests at 0, 1.15, 2.30, 3.45 s (window 4.59 s); init 50 ms, execution 100 ms, so a
    // cold request holds its instance 150 ms and the instance idles from t + 0.15 s.
    // - keep-alive exactly 1 s: the instance expires at t + 1.15 s, the instant the next
    //   request arrives; expiry goes first, so all 4 requests are cold (latency 150 ms).
    //   Idle time: 3 x 1 s, then 3.60 s to the window's end at 4.59 s: 3.99 s.
    // - keep-alive 1.000001 s: the request at 1.15 s finds the instance 1 µs before its
    //   expiry: warm (100 ms). That instance idles from 1.25 s to 2.250001 s, before the
    //   request at 2.30 s: cold, then warm again. Cold, warm, cold, warm: latency mean 125 ms.
    // - keep-alive none: every request cold. Idle time 0.
    // - keep-alive forever: 1 cold, 3 warm: mean (150 + 3 x 100) / 4 = 112.5 ms.
    let mut text = one_function("4.59s", "1.15s", "100ms");
    text += &faas(
        "exact",
        "50ms",
        r#"{ policy = "fixed", idle_timeout = "1s" }"#,
        "",
    );
    text += &faas(
        "one-us-more",
        "50ms",
        r#"{ policy = "fixed", idle_timeout = "1000001us" }"#,
        "",
    );
    text += &faas("none", "50ms", r#"{ policy = "none" }"#, "");
    text += &faas("forever", "50ms", r#"{ policy = "forever" }"#, "");
    let r = run_text(&text);
    for (name, cold, mean, pcts) in [
        ("exact", 4, 150.0, vec![(0.5, 150.0)]),
        ("one-us-more", 2, 125.0, vec![(0.5, 100.0), (0.99, 150.0)]),
        ("none", 4, 150.0, vec![(0.5, 150.0)]),
        ("forever", 1, 112.5, vec![(0.5, 100.0), (0.99, 150.0)]),
    ] {
        let d = deployment(&r, name);
        let t = &d.recorder.totals;
        assert_eq!(t.requests, 4, "{name}");
        assert_eq!(t.completed, 4, "{name}");
        assert_eq!(t.cold_starts, cold, "{name}");
        assert_latency(d, mean, 150.0, &pcts);
        // Starting time = 50 ms per cold start; busy time = 100 ms per request.
        let lv = &d.recorder.levels;
        assert_close(
            lv[Level::Starting as usize].window_integral_secs(),
            0.05 * cold as f64,
            1e-12,
            "starting time",
        );
        assert_close(
            lv[Level::Busy as usize].window_integral_secs(),
            0.4,
            1e-12,
            "busy time",
        );
    }
    let idle = |name: &str| {
        deployment(&r, name).recorder.levels[Level::Idle as usize].window_integral_secs()
    };
    assert_close(idle("exact"), 3.99, 1e-12, "idle time, exact");
    assert_eq!(idle("none"), 0.0);
    // Forever: idle 0.15 to 1.15, 1.25 to 2.30, 2.40 to 3.45, 3.55 to 4.59 s = 4.14 s.
    assert_close(idle("forever"), 4.14, 1e-12, "idle time, forever");
    // One µs more: idle 0.15 to 1.15, 1.25 to 2.250001 (expired), 2.45 to 3.45, 3.55 to
    // 4.550001 (expired) = 1 + 1.000001 + 1 + 1.000001 s.
    assert_close(idle("one-us-more"), 4.000002, 1e-12, "idle time, 1 µs more");
}

#[test]
fn completion_frees_the_instance_for_an_arrival_at_the_same_instant() {
    // No init, execution 100 ms, function concurrency 1, 10 requests (window 995 ms).
    // - every 100 ms: each request arrives exactly as the previous one completes; the
    //   completion goes first, so 1 cold start, 9 warm, nothing throttled.
    // - every 99.999 ms: request k arrives 1 µs before request k - 1 completes when k is
    //   odd: throttled (the one instance is busy and the limit is 1). Even requests find
    //   the instance idle: 5 served (1 cold), 5 throttled.
    for (every, served, throttled) in [("100ms", 10, 0), ("99.999ms", 5, 5)] {
        let mut text = one_function("995ms", every, "100ms");
        text += &faas(
            "limited",
            "0ms",
            r#"{ policy = "forever" }"#,
            "function_concurrency = 1",
        );
        let r = run_text(&text);
        let d = deployment(&r, "limited");
        let t = &d.recorder.totals;
        assert_eq!(t.requests, 10, "{every}");
        assert_eq!(t.completed, served, "{every}");
        assert_eq!(t.throttled, throttled, "{every}");
        assert_eq!(t.failed, throttled, "{every}");
        assert_eq!(t.cold_starts, 1, "{every}");
        assert_latency(d, 100.0, 100.0, &[(0.5, 100.0)]);
        assert_eq!(d.recorder.levels[Level::Busy as usize].peak(), 1);
        // Only served requests pay: 0.1 s x 0.125 GB each.
        assert_close(
            line(d, "gb_seconds").window_quantity,
            served as f64 * 0.1 * 0.125,
            1e-12,
            "GB-s",
        );
        assert_eq!(line(d, "requests").window_quantity, served as f64);
    }
}

#[test]
fn account_limit_is_shared_and_function_limit_is_not() {
    // Two functions, each called at 0, 1 and 2 s (a before b at equal times), 500 ms each.
    // - account_concurrency = 1: at each instant a takes the one slot and b is throttled:
    //   a has 1 cold + 2 warm, b 3 throttles.
    // - function_concurrency = 1: each function has its own slot: 2 cold, 4 warm, none lost.
    let mut text = String::from(
        r#"
name = "limits"
duration = "2.5s"
bucket = "2.5s"

[[workload.functions]]
name = "a"
memory = "128MB"
execution = { dist = "constant", value = "500ms" }
arrivals = { process = "fixed_interval", every = "1s" }

[[workload.functions]]
name = "b"
memory = "128MB"
execution = { dist = "constant", value = "500ms" }
arrivals = { process = "fixed_interval", every = "1s" }
"#,
    );
    let forever = r#"{ policy = "forever" }"#;
    text += &faas("account", "0ms", forever, "account_concurrency = 1");
    text += &faas("function", "0ms", forever, "function_concurrency = 1");
    let r = run_text(&text);
    let acc = deployment(&r, "account").recorder.totals;
    assert_eq!(
        (acc.requests, acc.completed, acc.throttled, acc.cold_starts),
        (6, 3, 3, 1)
    );
    let fun = deployment(&r, "function").recorder.totals;
    assert_eq!(
        (fun.requests, fun.completed, fun.throttled, fun.cold_starts),
        (6, 6, 0, 2)
    );
}

/// A fleet of `instances` x `workers` with EC2-like per-second billing; `extra` goes in
/// its compute table.
fn fleet(name: &str, instances: u32, workers: u32, extra: &str) -> String {
    fleet_with(name, "", instances, workers, extra)
}

/// As [`fleet`], with `deployment` lines (e.g. fixed add-ons) in the deployment table.
fn fleet_with(name: &str, deployment: &str, instances: u32, workers: u32, extra: &str) -> String {
    format!(
        r#"
[[deployments]]
name = "{name}"
{deployment}
[deployments.compute]
model = "fleet"
instances = {instances}
workers = {workers}
{extra}
[deployments.compute.billing]
instance_hours = {{ usd = 0.0416 }}
granularity = "1s"
minimum = "60s"
"#
    )
}

#[test]
fn fleet_queue_timeout_and_speed() {
    // One worker, execution 100 ms, requests at 0, 40, 80, 120, 160 ms (window 200 ms).
    // - FIFO, no timeout: service starts at 0, 100, 200, 300, 400 ms; waits 0, 60, 120,
    //   180, 240; latencies 100, 160, 220, 280, 340: mean 220, max 340, median 220.
    // - timeout 150 ms: at 300 ms the request of 120 ms has waited 180 ms > 150: it fails
    //   (timed out); the one of 160 ms (waited 140) starts and ends at 400 ms. Latencies
    //   100, 160, 220, 240: mean 180, max 240.
    // - timeout 120 ms: the request of 80 ms has waited exactly 120 ms at 200 ms and is
    //   served; at 300 ms both others have waited 180 and 140 ms > 120: 2 time out.
    //   Latencies 100, 160, 220: mean 160.
    // - speed 2: service 50 ms, starts at 0, 50, 100, 150, 200: latencies 50, 60, 70, 80,
    //   90: mean 70, max 90.
    // - two workers (1 instance x 2): 0-100 and 40-140 in parallel; the request of 80 ms
    //   starts at 100 (latency 120), 120 at 140 (120), 160 at 200 (140): mean
    //   (100 + 100 + 120 + 120 + 140) / 5 = 116.
    let mut text = one_function("200ms", "40ms", "100ms");
    text += &fleet("fifo", 1, 1, "");
    text += &fleet("timeout-150", 1, 1, r#"queue_timeout = "150ms""#);
    text += &fleet("timeout-120", 1, 1, r#"queue_timeout = "120ms""#);
    text += &fleet("speed-2", 1, 1, "speed = 2.0");
    text += &fleet("two-workers", 1, 2, "");
    let r = run_text(&text);
    for (name, completed, timed_out, mean, max, p50) in [
        ("fifo", 5, 0, 220.0, 340.0, 220.0),
        ("timeout-150", 4, 1, 180.0, 240.0, 160.0),
        ("timeout-120", 3, 2, 160.0, 220.0, 160.0),
        ("speed-2", 5, 0, 70.0, 90.0, 70.0),
        ("two-workers", 5, 0, 116.0, 140.0, 120.0),
    ] {
        let d = deployment(&r, name);
        let t = &d.recorder.totals;
        assert_eq!(t.requests, 5, "{name}");
        assert_eq!(t.completed, completed, "{name}");
        assert_eq!(t.timed_out, timed_out, "{name}");
        assert_eq!(t.failed, timed_out, "{name}");
        assert_eq!(t.cold_starts, 0, "{name}");
        assert_latency(d, mean, max, &[(0.5, p50)]);
    }
}

#[test]
fn fleet_bills_instance_hours_and_the_fixed_add_on_over_the_month() {
    // 3 instances at $0.0416/h for a 1 h window: 3 instance-hours, $0.1248. A month is
    // 730.5 h: 2,191.5 instance-hours, $91.1664. The load balancer add-on is $16.43 a month
    // whatever the window: its window share is 16.43 x 1 h / 730.5 h.
    let mut text = one_function("1h", "1m", "100ms");
    text += &fleet_with(
        "fleet",
        r#"fixed = [{ name = "load_balancer", usd_per_month = 16.43 }]"#,
        3,
        4,
        "",
    );
    let r = run_text(&text);
    let d = deployment(&r, "fleet");
    let hours = line(d, "instance_hours");
    assert_close(hours.window_quantity, 3.0, 1e-12, "instance-hours");
    assert_close(hours.window_usd, 0.1248, 1e-12, "window instances");
    assert_close(hours.monthly_quantity, 2191.5, 1e-12, "monthly hours");
    assert_close(hours.monthly_usd, 91.1664, 1e-12, "monthly instances");
    let lb = line(d, "load_balancer");
    assert_eq!(lb.part.stem(), "fixed");
    assert_close(lb.monthly_usd, 16.43, 1e-12, "fixed monthly");
    assert_close(lb.window_usd, 16.43 / 730.5, 1e-12, "fixed window share");
    assert_close(d.bill.monthly_usd, 91.1664 + 16.43, 1e-12, "monthly total");
    assert_close(
        d.bill.window_usd,
        0.1248 + 16.43 / 730.5,
        1e-12,
        "window total",
    );
}

#[test]
fn fleet_monthly_cost_does_not_depend_on_a_short_window() {
    // 2 always-on instances at $0.0416/h, per-second billing with a 60 s minimum. The
    // instances run all month, so a month costs 2 x 730.5 h x $0.0416 = $60.7776 whatever
    // the window simulated; the minimum applies once per instance lifetime (launch to
    // termination, docs/models.md, "Fleet billing"), not once per window. (An earlier
    // version billed 60 s per instance for a 30 s window and projected that to the month:
    // $121.56.)
    let mut text = one_function("30s", "1s", "100ms");
    text += &fleet("fleet", 2, 1, "");
    let r = run_text(&text);
    let d = deployment(&r, "fleet");
    assert_close(
        line(d, "instance_hours").monthly_usd,
        60.7776,
        1e-9,
        "monthly instances",
    );
}

#[test]
fn faas_metering_granularity_minimum_memory_step_and_init() {
    // Function "f": 200 MB, 130 ms; function "g": 100 MB, 30 ms; each called every second
    // for one hour (3,600 calls each), init 50 ms, keep-alive forever (one cold start each).
    // GB-s per call = billed s x billed MB / 1024:
    // - lambda (1 ms, no minimum, 1 MB step): f 0.13 x 200/1024 = 0.025390625,
    //   g 0.03 x 100/1024 = 0.0029296875; total 3,600 x 0.0283203125 = 101.953125 GB-s.
    // - lambda + bill_init: each cold start adds 0.05 s: + 0.05 x 300/1024 = 0.0146484375.
    // - 100 ms granularity: f 0.2 x 200/1024, g 0.1 x 100/1024: 3,600 x 0.048828125 =
    //   175.78125 GB-s.
    // - Azure-like (1 ms, minimum 100 ms, memory in 128 MB steps, minimum 128 MB): f 0.13 x
    //   256/1024 = 0.0325, g 0.1 x 128/1024 = 0.0125: 3,600 x 0.045 = 162 GB-s.
    // Cost: GB-s x $0.0000166667 + 7,200 requests x $0.20/M, over the window; times
    // 730.5 h / 1 h for the month (flat prices, no free tier).
    let text = format!(
        r#"
name = "metering"
duration = "1h"

[[workload.functions]]
name = "f"
memory = "200MB"
execution = {{ dist = "constant", value = "130ms" }}
arrivals = {{ process = "fixed_interval", every = "1s" }}

[[workload.functions]]
name = "g"
memory = "100MB"
execution = {{ dist = "constant", value = "30ms" }}
arrivals = {{ process = "fixed_interval", every = "1s", offset = "500ms" }}
{}{}{}{}"#,
        faas("lambda", "50ms", r#"{ policy = "forever" }"#, ""),
        faas("lambda-init", "50ms", r#"{ policy = "forever" }"#, "")
            .replace("gb_seconds = {", "bill_init = true\ngb_seconds = {"),
        faas("granular", "50ms", r#"{ policy = "forever" }"#, "")
            .replace("gb_seconds = {", "granularity = \"100ms\"\ngb_seconds = {"),
        faas("azure-like", "50ms", r#"{ policy = "forever" }"#, "").replace(
            "gb_seconds = {",
            "minimum = \"100ms\"\nmemory_step = \"128MB\"\nmemory_min = \"128MB\"\ngb_seconds = {"
        ),
    );
    let r = run_text(&text);
    for (name, gb_s) in [
        ("lambda", 101.953125),
        ("lambda-init", 101.953125 + 0.0146484375),
        ("granular", 175.78125),
        ("azure-like", 162.0),
    ] {
        let d = deployment(&r, name);
        assert_eq!(d.recorder.totals.cold_starts, 2, "{name}");
        let gbs = line(d, "gb_seconds");
        assert_close(gbs.window_quantity, gb_s, 1e-12, name);
        let window_usd = gb_s * 0.0000166667 + 7_200.0 * 0.2e-6;
        assert_close(d.bill.window_usd, window_usd, 1e-12, name);
        assert_close(d.bill.monthly_usd, window_usd * 730.5, 1e-12, name);
    }
    // Latency includes init only for the two cold calls: f mean (3,600 x 130 + 50) / 3,600.
    let d = deployment(&r, "lambda");
    let mean_ms = (3_600.0 * 130.0 + 3_600.0 * 30.0 + 2.0 * 50.0) / 7_200.0;
    assert_latency(d, mean_ms, 180.0, &[(0.25, 30.0), (0.75, 130.0)]);
}

#[test]
fn baas_operations_add_latency_and_per_operation_costs_with_free_allowances() {
    // One call per second for a day (86,400 calls), 100 ms of execution, then 2 reads
    // (5 ms each) and 1 write (20 ms): each call holds its instance / worker 130 ms.
    // Reads: Firestore-like $0.06 per 100,000 after 50,000 free per day. Writes: $0.18 per
    // 100,000 after 1,000,000 free per month.
    // Month (30.4375 days): reads 172,800 x 30.4375 = 5,259,600, free 1,521,875, billable
    // 3,737,725 -> $2.242635; writes 2,629,800, billable 1,629,800 -> $2.93364. The window
    // (one day) is 1/30.4375 of that.
    // FaaS (no init, forever): latency 130 ms each; billed 0.13 s x 0.125 GB per call.
    // Fleet (speed 2): 50 ms + 30 ms = 80 ms each; the backend is not sped up.
    let service = r#"
[[deployments.services]]
name = "db"
operations.read = { latency = { dist = "constant", value = "5ms" }, price = { usd = 0.06, per = 100_000, free_per_day = 50_000 } }
operations.write = { latency = { dist = "constant", value = "20ms" }, price = { usd = 0.18, per = 100_000, free_per_month = 1_000_000 } }
"#;
    let mut text = one_function("1d", "1s", "100ms").replace(
        "arrivals =",
        "calls = { db = { read = 2, write = 1 } }\narrivals =",
    );
    text += &faas("faas", "0ms", r#"{ policy = "forever" }"#, "");
    text += service;
    text += &fleet("fleet", 1, 1, "speed = 2.0");
    text += service;
    let r = run_text(&text);
    let days = 30.4375;
    let (reads_m, writes_m) = (2.242_635, 2.933_64);
    for (name, latency_ms) in [("faas", 130.0), ("fleet", 80.0)] {
        let d = deployment(&r, name);
        assert_eq!(d.recorder.totals.completed, 86_400, "{name}");
        assert_latency(d, latency_ms, latency_ms, &[(0.5, latency_ms)]);
        let reads = line(d, "read");
        assert_eq!(reads.part.stem(), "baas_db");
        assert_close(reads.window_quantity, 172_800.0, 1e-12, "reads");
        assert_close(reads.monthly_usd, reads_m, 1e-9, "reads monthly");
        assert_close(reads.window_usd, reads_m / days, 1e-9, "reads window");
        let writes = line(d, "write");
        assert_close(writes.window_quantity, 86_400.0, 1e-12, "writes");
        assert_close(writes.monthly_usd, writes_m, 1e-9, "writes monthly");
    }
    let faas = deployment(&r, "faas");
    assert_close(
        line(faas, "gb_seconds").window_quantity,
        86_400.0 * 0.13 * 0.125,
        1e-9, // a float sum of 86,400 terms
        "GB-s include backend time",
    );
    // The bill adds up: requests 86,400 x $0.2/M, GB-s at $0.0000166667, both flat.
    let compute_window = 86_400.0 * 0.2e-6 + 86_400.0 * 0.13 * 0.125 * 0.0000166667;
    assert_close(
        faas.bill.monthly_usd,
        compute_window * days + reads_m + writes_m,
        1e-9,
        "FaaS monthly total",
    );
}
