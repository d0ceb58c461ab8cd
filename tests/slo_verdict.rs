//! The verdict respects latency: a deployment that misses the scenario's `slo` does not serve
//! the workload, in `run` (table, verdict, summary.json) and in `sweep` (serves column,
//! breakeven.csv). Every latency below is known by construction (constant execution times,
//! arrivals that never overlap, so nothing queues) or in closed form (M/M/1's response time).

mod common;

use std::fs;

use common::cli::{bin, line_of};
use common::{csv_rows, deployment, run_text};
use serverless_sim::report::verdict::{NotServed, not_served, verdict};
use serverless_sim::scenario::Scenario;

/// Two fleets of one instance with one worker, one request every second (never overlapping):
/// `slow` runs the 400 ms function at speed 1 (every latency 400 ms) for $0.10 an hour,
/// `fast` at speed 2 (200 ms) for $0.20 an hour. `SLO` is pasted at the top.
fn two_fleets(slo: &str) -> String {
    format!(
        r#"name = "slo"
seed = 1
duration = "10m"
month = "730h"
{slo}
[[workload.functions]]
name = "api"
memory = "512MB"
execution = {{ dist = "constant", value = "400ms" }}
arrivals = {{ process = "fixed_interval", every = "1s" }}

[[deployments]]
name = "slow"
[deployments.compute]
model = "fleet"
instances = 1
workers = 1
[deployments.compute.billing]
instance_hours = {{ usd = 0.10 }}

[[deployments]]
name = "fast"
[deployments.compute]
model = "fleet"
instances = 1
workers = 1
speed = 2.0
[deployments.compute.billing]
instance_hours = {{ usd = 0.20 }}
"#
    )
}

#[test]
fn a_fleet_over_the_slo_is_not_called_cheapest_and_a_dearer_one_that_meets_it_is() {
    // Without an slo the cheaper fleet wins: $0.10 x 730 h = $73.00 against $146.00.
    let r = run_text(&two_fleets(""));
    assert_eq!(verdict(&r).cheapest.map(|d| d.name.as_str()), Some("slow"));
    // Every latency of slow is 400 ms, so its p99 is 400 ms: above 300 ms.
    let r = run_text(&two_fleets("slo = { p99 = \"300ms\" }"));
    let slow = deployment(&r, "slow");
    assert_eq!(slow.recorder.latency.quantile_us(0.99), Some(400_000));
    let why = not_served(slow, &r.slo).expect("slow misses the slo");
    assert!(matches!(why, NotServed::SloMissed(_)), "{why:?}");
    assert_eq!(why.to_string(), "p99 400.0 ms, over the slo's 300 ms");
    assert_eq!(not_served(deployment(&r, "fast"), &r.slo), None);
    assert_eq!(verdict(&r).cheapest.map(|d| d.name.as_str()), Some("fast"));
    // At exactly the limit it meets it.
    let r = run_text(&two_fleets("slo = { p99 = \"400ms\" }"));
    assert_eq!(verdict(&r).cheapest.map(|d| d.name.as_str()), Some("slow"));

    // Through the binary: marked, named with its p99 next to the failing ones, in the
    // table, the page and summary.json.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("slo.toml");
    fs::write(&file, two_fleets("slo = { p99 = \"300ms\" }")).unwrap();
    let out = dir.path().join("out");
    let run = bin()
        .args([
            "run".as_ref(),
            file.as_os_str(),
            "--out".as_ref(),
            out.as_os_str(),
        ])
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&run.get_output().stdout).into_owned();
    assert!(stdout.lines().any(|l| l.starts_with("slow * ")), "{stdout}");
    assert!(
        stdout.contains("cheapest per month: fast ($146.00), the only deployment that serves"),
        "{stdout}"
    );
    assert!(
        stdout.contains("* not compared (misses the slo: p99 300 ms): slow (p99 400 ms > 300 ms)"),
        "{stdout}"
    );
    let html = fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("misses the slo: p99 300 ms"), "the page");
    let json = bin()
        .args([
            "run".as_ref(),
            file.as_os_str(),
            "--format".as_ref(),
            "json".as_ref(),
        ])
        .args(["--out".as_ref(), dir.path().join("json").as_os_str()])
        .assert()
        .success();
    let json: serde_json::Value = serde_json::from_slice(&json.get_output().stdout).unwrap();
    assert_eq!(json["slo"]["p99_ms"], 300.0);
    assert_eq!(json["cheapest"], "fast");
    let ds = &json["deployments"];
    assert_eq!(ds[0]["deployment"], "slow");
    assert_eq!(ds[0]["serves"], false);
    assert_eq!(ds[0]["not_served"], "p99 400.0 ms, over the slo's 300 ms");
    assert_eq!(ds[1]["serves"], true);
    assert_eq!(ds[1]["not_served"], serde_json::Value::Null);
}

/// `browse` (400 ms) every 2 s from 0 and `checkout` (100 ms) every 2 s from 1 s, on two fleets
/// of one worker that never queue: `cheap` at speed 1 (400 ms, 100 ms) for $0.10 an hour,
/// `quick` at speed 4 (100 ms, 25 ms) for $0.40. `SLO` is pasted after the duration.
fn two_functions(slo: &str) -> String {
    format!(
        r#"duration = "10m"
{slo}
[[workload.functions]]
name = "browse"
memory = "512MB"
execution = {{ dist = "constant", value = "400ms" }}
arrivals = {{ process = "fixed_interval", every = "2s" }}
[[workload.functions]]
name = "checkout"
memory = "512MB"
execution = {{ dist = "constant", value = "100ms" }}
arrivals = {{ process = "fixed_interval", every = "2s", offset = "1s" }}
[[deployments]]
name = "cheap"
[deployments.compute]
model = "fleet"
instances = 1
workers = 1
[deployments.compute.billing]
instance_hours = {{ usd = 0.10 }}
[[deployments]]
name = "quick"
[deployments.compute]
model = "fleet"
instances = 1
workers = 1
speed = 4.0
[deployments.compute.billing]
instance_hours = {{ usd = 0.40 }}
"#
    )
}

#[test]
fn a_function_s_own_slo_judges_its_calls_alone() {
    // Over every request, cheap's p99 is browse's 400 ms: within 500 ms.
    let r = run_text(&two_functions("slo = { p99 = \"500ms\" }"));
    assert_eq!(verdict(&r).cheapest.map(|d| d.name.as_str()), Some("cheap"));
    // checkout's own p99 of 50 ms: cheap's checkout takes 100 ms, quick's 25 ms.
    for slo in [
        "slo = { p99 = \"500ms\", functions = { checkout = { p99 = \"50ms\" } } }",
        "[slo]\np99 = \"500ms\"\n[slo.functions.checkout]\np99 = \"50ms\"\n",
    ] {
        let r = run_text(&two_functions(slo));
        let why = not_served(deployment(&r, "cheap"), &r.slo).expect("cheap misses");
        assert_eq!(
            why.to_string(),
            "checkout p99 100.0 ms, over its slo's 50 ms"
        );
        assert_eq!(why.short(), "checkout p99 100 ms > 50 ms");
        assert_eq!(verdict(&r).cheapest.map(|d| d.name.as_str()), Some("quick"));
    }
    // check says what it understood.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("s.toml");
    fs::write(
        &file,
        two_functions("slo = { p99 = \"500ms\", p50 = \"0.2s\", functions = { checkout = { p99 = \"50ms\" } } }"),
    )
    .unwrap();
    let check = bin().arg("check").arg(&file).assert().success();
    let stdout = String::from_utf8_lossy(&check.get_output().stdout).into_owned();
    assert!(
        stdout.contains(
            "slo: p50 200 ms, p99 500 ms; checkout p99 50 ms (a deployment above it does not \
             serve the workload)"
        ),
        "{stdout}"
    );
    // A function's objective alone, no overall one: browse is not judged (400 ms passes).
    let r = run_text(&two_functions(
        "[slo.functions.browse]\np50 = \"400ms\"\np999 = \"400ms\"\n",
    ));
    assert_eq!(verdict(&r).cheapest.map(|d| d.name.as_str()), Some("cheap"));
}

#[test]
fn a_bad_slo_is_refused_with_its_line_and_field() {
    let err = |slo: &str| {
        let text = two_functions(slo);
        let e = Scenario::parse("s.toml".as_ref(), &text)
            .expect_err("refused")
            .to_string();
        (e, text)
    };
    // An unknown percentile: serde lists the known ones.
    let (e, text) = err("slo = { p98 = \"300ms\" }");
    assert!(
        e.starts_with(&format!("s.toml:{}:", line_of(&text, "slo ="))),
        "{e}"
    );
    assert!(e.contains("p98") && e.contains("p999"), "{e}");
    // A function the workload does not have.
    let (e, text) = err("[slo.functions.cart]\np99 = \"1s\"\n");
    assert!(
        e.starts_with(&format!(
            "s.toml:{}:",
            line_of(&text, "[slo.functions.cart]")
        )),
        "{e}"
    );
    assert!(
        e.contains("slo.functions.cart: 'cart' is not a function of the workload"),
        "{e}"
    );
    // A limit that is not a duration above zero.
    let (e, _) = err("slo = { p99 = \"0ms\" }");
    assert!(e.contains("slo.p99: must be greater than zero"), "{e}");
    let (e, _) = err("slo = { functions = { checkout = { p95 = \"fast\" } } }");
    assert!(e.contains("slo.functions.checkout.p95:"), "{e}");
    // A table that sets nothing.
    let (e, _) = err("slo = {}");
    assert!(e.contains("slo: sets no objective"), "{e}");
    let (e, _) = err("slo = { functions = { checkout = {} } }");
    assert!(
        e.contains("slo.functions.checkout: sets no objective"),
        "{e}"
    );
}

/// M/M/1: one worker, exponential calls of mean 10 ms (service rate mu = 100/s), Poisson
/// arrivals of 100/s x load. An hour a point.
const MM1: &str = r#"name = "mm1"
seed = 11
duration = "1h"
month = "730h"
slo = { p99 = "100ms" }

[[workload.functions]]
name = "api"
memory = "512MB"
execution = { dist = "exponential", mean = "10ms" }
arrivals = { process = "poisson", rate = "100/s" }

[[deployments]]
name = "vm"
[deployments.compute]
model = "fleet"
instances = 1
workers = 1
[deployments.compute.billing]
instance_hours = { usd = 0.10 }
"#;

#[test]
fn a_sweep_marks_the_points_past_the_slo_and_says_where_it_stops_serving() {
    // By hand: an M/M/1 FIFO queue's response time is exponential with rate mu - lambda, so
    // its p99 is ln(100) / (mu (1 - rho)) = 46.05 ms / (1 - rho) with rho = load. It reaches
    // 100 ms at rho* = 1 - 0.4605 = 0.5395: the fleet serves the workload below (utilisation
    // far from 1, nothing failed) and misses the slo above. The measured p99 of an hour
    // (about 190,000 requests near rho*) is within about 2% of the exact one (its standard
    // error is ~0.5% for independent draws; M/M/1's response times are correlated over a few
    // tens of ms); 2% of p99 is 2% x (1 - rho*) = 0.9% of rho*, so the boundary must lie
    // within 0.505..0.575 (a 6% band).
    let rho_star = 1.0 - 0.1 * 100f64.ln();
    assert!((rho_star - 0.5395).abs() < 1e-4);
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("mm1.toml");
    fs::write(&scenario, MM1).unwrap();
    let out = dir.path().join("out");
    let assert = bin()
        .args(["sweep", scenario.to_str().unwrap()])
        .args(["--param", "load=0.3,0.4,0.7,0.8", "--out"])
        .arg(&out)
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
    let rows = csv_rows(&out.join("sweep.csv"));
    assert_eq!(rows.len(), 4);
    for r in &rows {
        let load: f64 = r["load"].parse().unwrap();
        // p99 by hand: 46 ms at 0.3, 77 ms at 0.4, 154 ms at 0.7, 230 ms at 0.8.
        let want = if load < rho_star { "yes" } else { "no" };
        assert_eq!(r["serves"], want, "at load {load}: {r:?}");
        assert_eq!(r["failed_ratio"], "0", "{r:?}");
    }
    let be = csv_rows(&out.join("breakeven.csv"));
    assert_eq!(be.len(), 1, "{be:?}");
    let row = &be[0];
    assert_eq!(row["kind"], "stops_serving");
    assert_eq!(row["deployment_a"], "vm");
    let serving: f64 = row["serving"].parse().unwrap();
    let not_serving: f64 = row["not_serving"].parse().unwrap();
    assert!(serving < not_serving, "{row:?}");
    assert!(serving > 0.505 && not_serving < 0.575, "{row:?}");
    // The table marks the points past it and names why.
    assert!(
        stdout.contains(
            "* vm does not serve the workload (in some replication; not compared) at 0.7 (p99 "
        ),
        "{stdout}"
    );
    assert!(stdout.contains("ms > 100 ms); 0.8 (p99 "), "{stdout}");
    assert!(stdout.contains("serving: vm stops serving the workload between load = "));
}
