//! Sweeps judged by `run`'s verdict rule: a fleet that saturates half-way is marked as not
//! serving the workload where it fails, no crossing is read where it does not serve, and
//! `breakeven.csv` says where it stops serving (hand-computed capacity). Also: refinement stays
//! on values the parameter accepts (whole instances, whole MB), a failed point does not
//! discard the others, a repeated `--param` is a usage error, and a sweep too large is refused
//! before it runs.

mod common;

use std::fs;

use common::cli::bin;
use common::csv_rows;
use serverless_sim::engine::Progress;
use serverless_sim::sweep::values::parse_param;
use serverless_sim::sweep::{self, SweepPlan, SweepSource, SweepValue, breakeven};

/// A FaaS deployment whose cost is linear in load against a fleet of one instance with one
/// worker: constant 100 ms calls, fixed-interval arrivals of 1/s x load, a queue of at most
/// 10. The fleet's capacity is 1 worker / 0.1 s = 10 calls/s: from load 10 on it is
/// overloaded (utilisation 1 or more), and above it rejects what the queue cannot hold.
const SATURATING: &str = r#"name = "saturating"
seed = 3
duration = "10m"
month = "730h"

[[workload.functions]]
name = "api"
memory = "1024MB"
execution = { dist = "constant", value = "100ms" }
arrivals = { process = "fixed_interval", every = "1s" }

[[deployments]]
name = "faas"
[deployments.compute]
model = "faas"
cold_start = { dist = "constant", value = "0ms" }
keep_alive = { policy = "forever" }
[deployments.compute.billing]
requests = { usd = 0.20, per = 1_000_000 }
gb_seconds = { usd = 0.0000166667 }

[[deployments]]
name = "vm"
[deployments.compute]
model = "fleet"
instances = 1
workers = 1
queue_limit = 10
[deployments.compute.billing]
instance_hours = { usd = 0.10 }
"#;

/// The FaaS deployment's monthly cost at `load`: per call $0.20 / 1M + 0.1 s x 1 GB x
/// $0.0000166667, load x 3,600 calls an hour, 730 hours.
fn faas_monthly(load: f64) -> f64 {
    (0.20 / 1e6 + 0.1 * 0.0000166667) * load * 3_600.0 * 730.0
}

fn write(dir: &std::path::Path, text: &str) -> std::path::PathBuf {
    let path = dir.join("s.toml");
    fs::write(&path, text).unwrap();
    path
}

#[test]
fn a_fleet_saturating_half_way_is_marked_and_stops_serving() {
    // By hand: the fleet serves 10 calls/s; at load L it is offered L calls/s of 0.1 s each,
    // a utilisation of L / 10. From L = 10 on the utilisation is 1 or more, which the
    // verdict calls overloaded (a queue is stable only below 1); above 10 it also rejects
    // about 1 - 10/L of the calls (9.1% at 11). So the fleet serves the workload below
    // L = 10 and not from there on: the boundary lies at 10. The FaaS cost equals the
    // fleet's $73 at L = 73 / 4.9056 = 14.88: where the fleet does not serve the workload,
    // so no crossing may be reported.
    assert!((faas_monthly(14.881) - 73.0).abs() < 0.01);
    let dir = tempfile::tempdir().unwrap();
    let scenario = write(dir.path(), SATURATING);
    let out = dir.path().join("out");
    let assert = bin()
        .args(["sweep", scenario.to_str().unwrap(), "--format", "json"])
        .args(["--param", "load=1..20:20", "--out"])
        .arg(&out)
        .assert()
        .success();
    let rows = csv_rows(&out.join("sweep.csv"));
    assert_eq!(rows.len(), 40);
    for r in &rows {
        let load: f64 = r["load"].parse().unwrap();
        let want = if r["deployment"] == "faas" || load < 10.0 {
            "yes"
        } else {
            "no"
        };
        assert_eq!(r["serves"], want, "{} at load {load}", r["deployment"]);
        assert_eq!(r["error"], "");
    }
    let be = csv_rows(&out.join("breakeven.csv"));
    assert_eq!(be.len(), 1, "{be:?}");
    let row = &be[0];
    assert_eq!(row["kind"], "stops_serving");
    assert_eq!(row["deployment_a"], "vm");
    assert_eq!(row["crossing"], "");
    // The one marker on breakeven.png.
    assert_eq!(row["marker"], "1");
    let serving: f64 = row["serving"].parse().unwrap();
    let not_serving: f64 = row["not_serving"].parse().unwrap();
    assert!(serving < not_serving, "{row:?}");
    // Exactly: the window holds ceil(600 L) calls (the first at 0), 600 s of work from
    // 6,000 calls on, so the utilisation reaches 1 once 600 L > 5,999: L > 9.99833.
    let boundary = 5_999.0 / 600.0;
    assert!(serving <= boundary && boundary < not_serving, "{row:?}");
    assert!(serving > 9.99 && not_serving < 10.001, "{row:?}");
    assert!(not_serving - serving < 0.01, "{row:?}");

    // summary.json says the same.
    let json: serde_json::Value =
        serde_json::from_slice(&assert.get_output().stdout).expect("json on stdout");
    let at_20 = &json["points"][19]["deployments"];
    assert_eq!(at_20[0]["serves"], true);
    assert_eq!(at_20[1]["serves"], false);
    assert_eq!(json["breakeven"][0]["kind"], "stops_serving");
    assert_eq!(json["breakeven"].as_array().unwrap().len(), 1);

    // The printed table marks the fleet's cells from load 10 on; the page shows the column.
    let out2 = dir.path().join("out2");
    let assert = bin()
        .args(["sweep", scenario.to_str().unwrap()])
        .args(["--param", "load=8,12", "--out"])
        .arg(&out2)
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
    let line = |p: &str| {
        stdout
            .lines()
            .find(|l| l.starts_with(p))
            .unwrap()
            .to_string()
    };
    assert!(line("8 ").trim_end().ends_with("73.00"), "{stdout}");
    assert!(line("12 ").trim_end().ends_with("73.00 *"), "{stdout}");
    // Each marked deployment is named with why, point by point (at 12 the full queue rejects
    // about 1 - 10/12 of the calls).
    assert!(
        stdout.contains(
            "* vm does not serve the workload (in some replication; not compared) at 12 (1"
        ),
        "{stdout}"
    );
    assert!(stdout.contains("% failed)\n"), "{stdout}");
    assert!(stdout.contains("serving: vm stops serving the workload between load = "));
    let html = fs::read_to_string(out2.join("report.html")).unwrap();
    assert!(
        html.contains("<th>serves</th>"),
        "serves column in the page"
    );
}

/// A sweep of SATURATING over `param`, run in-process.
fn run_sweep(text: &str, param: &str) -> (SweepSource, sweep::SweepResult) {
    let src = SweepSource {
        path: "s.toml".into(),
        text: text.into(),
    };
    let plan = SweepPlan {
        params: vec![parse_param(param).unwrap()],
        replications: 1,
        seed: None,
    };
    let result = sweep::sweep(&src, &plan, &Progress::new()).unwrap();
    (src, result)
}

#[test]
fn the_chart_draws_points_where_a_deployment_does_not_serve_as_hollow_rings() {
    let (_, result) = run_sweep(SATURATING, "load=8,9,10,11,12");
    let svg = sweep::charts::breakeven_svg(&result, &breakeven::BreakEven::default()).unwrap();
    let vm = serverless_sim::report::charts::style::color(1);
    let hex = format!("#{:02X}{:02X}{:02X}", vm.0, vm.1, vm.2);
    let circles: Vec<&str> = svg
        .split("<circle")
        .skip(1)
        .map(|c| c.split("/>").next().unwrap())
        .filter(|c| c.to_uppercase().contains(&hex))
        .collect();
    let hollow = circles
        .iter()
        .filter(|c| c.contains("fill=\"none\""))
        .count();
    // 8 and 9 serve (filled dots); 10 (utilisation 1), 11 and 12 do not (hollow rings).
    assert_eq!((circles.len(), hollow), (5, 3), "{circles:#?}");
}

#[test]
fn the_chart_marks_where_a_deployment_stops_serving_with_a_cross_and_its_value() {
    let (_, result) = run_sweep(SATURATING, "load=8,9,10,11,12");
    let vm = serverless_sim::report::charts::style::color(1);
    let hex = format!("#{:02X}{:02X}{:02X}", vm.0, vm.1, vm.2);
    // Lines and text in the fleet's colour that are not part of its curve or its markers.
    let count = |svg: &str| {
        let lines = svg
            .split('<')
            .filter(|e| e.starts_with("line") || e.starts_with("polyline"))
            .filter(|e| e.to_uppercase().contains(&hex))
            .count();
        (
            lines,
            svg.contains("vm stops serving the workload at 10.00 requests/s (load 10.00)"),
        )
    };
    let plain = sweep::charts::breakeven_svg(&result, &breakeven::BreakEven::default()).unwrap();
    let found = breakeven::BreakEven {
        boundaries: vec![sweep::serving::Boundary {
            deployment: "vm".into(),
            stops: true,
            serving: 9.998,
            not_serving: 10.002,
        }],
        ..Default::default()
    };
    let marked = sweep::charts::breakeven_svg(&result, &found).unwrap();
    let (before, after) = (count(&plain), count(&marked));
    // A cross is two strokes; the table under the chart gives the middle of the bracket, 4
    // significant digits, as a request rate (1 request a second at load 1) and a load.
    assert!(after.0 >= before.0 + 2, "{before:?} -> {after:?}");
    assert!(!before.1 && after.1, "label drawn: {before:?} -> {after:?}");
    assert!(marked.contains("cross: stops serving"));
    assert!(!plain.contains("cross: stops serving"));
}

#[test]
fn an_integer_parameter_is_refined_on_whole_numbers() {
    // FaaS at load 20 costs 20 x $4.9056 = $98.11 a month; the fleet $73 per instance (32
    // workers each: it serves). Equal between 1 and 2 instances; with no whole number
    // between them the crossing is read off by interpolation: 1 + (98.11 - 73) / 73.
    let text = SATURATING
        .replace("month = \"730h\"", "month = \"730h\"\nload = 20")
        .replace("workers = 1\n", "workers = 32\n");
    let want = 1.0 + (faas_monthly(20.0) - 73.0) / 73.0;
    for param in [
        "deployments[1].compute.instances=1..4:4",
        "deployments[1].compute.instances=1,4",
    ] {
        let (src, result) = run_sweep(&text, param);
        let found = breakeven::break_even(&src, &result);
        assert!(found.failures.is_empty(), "{param}: {:?}", found.failures);
        assert_eq!(found.crossings.len(), 1, "{param}");
        let c = found.crossings[0].crossing;
        assert!((c - want).abs() < 1e-3, "{param}: {c} vs {want}");
    }
}

#[test]
fn a_memory_sweep_is_refined_on_whole_megabytes() {
    // At load 1 the FaaS deployment costs 2,628,000 calls x ($0.20 / 1M + 0.1 s x m / 1024 x
    // $0.0000166667) a month, linear in memory m; the fleet $0.004 x 730 = $2.92. Equal at
    // m = (2.92 - 0.5256) / (2,628,000 x 1.66667e-6 / 1024) = 559.8 MB, bisected on whole MB.
    let text = SATURATING
        .replace("usd = 0.10", "usd = 0.004")
        .replace("workers = 1\n", "workers = 32\n");
    let per_mb = 2_628_000.0 * 0.1 * 0.0000166667 / 1024.0;
    let want = (2.92 - 2_628_000.0 * 0.20 / 1e6) / per_mb;
    let (src, result) = run_sweep(&text, "workload.functions[0].memory=128MB..1024MB:3");
    let found = breakeven::break_even(&src, &result);
    assert!(found.failures.is_empty(), "{:?}", found.failures);
    assert_eq!(found.crossings.len(), 1);
    let c = found.crossings[0].crossing;
    assert!((c - want).abs() < 0.5, "{c} vs {want}");
}

#[test]
fn a_point_whose_runs_fail_is_marked_and_the_others_kept() {
    let src = SweepSource {
        path: "s.toml".into(),
        text: SATURATING.into(),
    };
    let plan = SweepPlan {
        params: vec![parse_param("load=1,2,3").unwrap()],
        replications: 2,
        seed: None,
    };
    let mut prepared = sweep::prepare(&src, &plan).unwrap();
    // A value that no longer validates when its runs start: the run of that point fails.
    prepared.points[1] = vec![SweepValue {
        number: -1.0,
        unit: String::new(),
    }];
    let result = sweep::run_prepared(&src, &plan, prepared, &Progress::new());
    assert!(result.points[1].error.as_deref().unwrap().contains("load"));
    assert!(
        result.points[1]
            .deployments
            .iter()
            .all(|d| d.serves().is_none())
    );
    for p in [0, 2] {
        assert!(result.points[p].error.is_none());
        assert!(
            result.points[p]
                .deployments
                .iter()
                .all(|d| d.replications.len() == 2)
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let found = breakeven::break_even(&src, &result);
    let out = sweep::report::write_sweep_reports(&src, &result, &found, None, dir.path())
        .expect("written with the failed point");
    let rows = csv_rows(&out.join("sweep.csv"));
    assert_eq!(rows.len(), 6);
    assert!(rows[2]["error"].contains("load"), "{:?}", rows[2]);
    assert_eq!(
        (rows[2]["serves"].as_str(), rows[2]["requests"].as_str()),
        ("", "")
    );
    assert_eq!(rows[4]["serves"], "yes");
    // The library's all-or-nothing entry point names the point.
    let err = result.first_failure().unwrap().to_string();
    assert!(err.starts_with("sweep point 2 of 3 (load = -1)"), "{err}");
}

#[test]
fn a_repeated_param_is_a_usage_error_naming_both() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = write(dir.path(), SATURATING);
    let assert = bin()
        .args(["sweep", scenario.to_str().unwrap(), "--quiet"])
        .args(["--param", "load=1,2", "--param", "load=3,4"])
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(
        stderr.contains("`--param load=1,2` and `--param load=3,4` both set load"),
        "{stderr}"
    );
    assert!(!dir.path().join("reports").exists());
}

#[test]
fn a_sweep_too_large_is_refused_before_it_runs() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = write(dir.path(), &SATURATING.replace("\"10m\"", "\"1h\""));
    let out = dir.path().join("out");
    // Load 10^6 for an hour: 3.6e9 calls to each deployment, over 10^10 events.
    let started = std::time::Instant::now();
    let assert = bin()
        .args(["sweep", scenario.to_str().unwrap(), "--quiet"])
        .args(["--param", "load=1,1000000", "--out"])
        .arg(&out)
        .assert()
        .code(1);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(
        stderr.contains("the sweep is too large: 2 points"),
        "{stderr}"
    );
    assert!(
        stderr.contains("engine events in all (limit 10,000,000,000)"),
        "{stderr}"
    );
    assert!(
        stderr.contains("the largest point (load = 1000000)"),
        "{stderr}"
    );
    assert!(stderr.contains("--allow-large"), "{stderr}");
    assert!(!out.exists());
    // A 10^4 x 10^4 grid is refused by arithmetic, at once.
    let assert = bin()
        .args(["sweep", scenario.to_str().unwrap(), "--quiet"])
        .args(["--param", "load=1..10:10000"])
        .args([
            "--param",
            "deployments[1].compute.workers=1..10000:10000",
            "--out",
        ])
        .arg(&out)
        .assert()
        .code(1);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(
        stderr.contains("the sweep is too large: 100,000,000 points x 1 replication(s)"),
        "{stderr}"
    );
    assert!(stderr.contains("of memory (limit 8.0 GiB)"), "{stderr}");
    assert!(started.elapsed().as_secs() < 60, "refused before running");
    assert!(!out.exists());
}

#[test]
fn memory_choices_are_made_among_sizes_that_serve_the_workload() {
    // Wholly CPU-bound, 1 s at 1024 MB: m MB take 1024 / m s, and the 3 s timeout fails every
    // call below 1024 / 3 = 341.33 MB (341 MB: 3.003 s; 342 MB: 2.994 s). 128 and 256 MB
    // are cheapest (each call billed at most 3 s) but serve nothing; among 512 MB (2 s) and
    // 1024 MB (1 s), both 1 GB-s a call, the cheapest is the lower, the fastest 1024 MB, and
    // balanced 1024 MB (1 + 1 against 1 + 2).
    let text = r#"name = "mem"
seed = 3
duration = "10m"
month = "730h"

[[workload.functions]]
name = "api"
memory = "1024MB"
cpu_bound = 1.0
reference_memory = "1024MB"
timeout = "3s"
execution = { dist = "constant", value = "1s" }
arrivals = { process = "fixed_interval", every = "10s" }

[[deployments]]
name = "faas"
[deployments.compute]
model = "faas"
cold_start = { dist = "constant", value = "0ms" }
keep_alive = { policy = "forever" }
[deployments.compute.billing]
requests = { usd = 0.20, per = 1_000_000 }
gb_seconds = { usd = 0.0000166667 }
"#;
    let dir = tempfile::tempdir().unwrap();
    let scenario = write(dir.path(), text);
    let out = dir.path().join("mem");
    let assert = bin()
        .args(["sweep", scenario.to_str().unwrap()])
        .args([
            "--param",
            "workload.functions[0].memory=128MB,256MB,512MB,1024MB",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
    assert!(stdout.contains("memory: faas: cheapest 512MB"), "{stdout}");
    assert!(stdout.contains("fastest 1024MB"), "{stdout}");
    assert!(stdout.contains("balanced 1024MB"), "{stdout}");
    let serves: Vec<String> = csv_rows(&out.join("sweep.csv"))
        .iter()
        .map(|r| r["serves"].clone())
        .collect();
    assert_eq!(serves, ["no", "no", "yes", "yes"]);
    let be = csv_rows(&out.join("breakeven.csv"));
    assert_eq!(be.len(), 1, "{be:?}");
    assert_eq!(be[0]["kind"], "starts_serving");
    assert_eq!(
        (be[0]["serving"].as_str(), be[0]["not_serving"].as_str()),
        ("342", "341")
    );
    assert!(out.join("memory.png").exists());
}

#[test]
fn a_sweep_states_run_warnings_once_and_where_each_was_raised() {
    // At load 8 the one-worker fleet is busy 80% of the time; at 12 it is offered 120%: only
    // that point warns of saturation (in validation and in the run), while the fleet's
    // missing vcpus is warned of at every point, so once and as written.
    let dir = tempfile::tempdir().unwrap();
    let scenario = write(dir.path(), SATURATING);
    let out = dir.path().join("out");
    let assert = bin()
        .args(["sweep", scenario.to_str().unwrap(), "--quiet"])
        .args(["--param", "load=8,12", "--out"])
        .arg(&out)
        .assert()
        .success();
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    let warnings: Vec<&str> = stderr
        .lines()
        .filter_map(|l| l.strip_prefix("warning: "))
        .collect();
    assert_eq!(warnings.len(), 3, "{stderr}");
    assert!(warnings[0].starts_with("deployments[1] 'vm': a fleet without vcpus"));
    assert!(warnings[1].starts_with("at load = 12: deployments[1] 'vm': offered 1.2"));
    assert!(warnings[2].starts_with("at load = 12: fleet 'vm' was offered"));
    let manifest: toml::Value =
        toml::from_str(&fs::read_to_string(out.join("manifest.toml")).unwrap()).unwrap();
    let listed: Vec<&str> = manifest["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap())
        .collect();
    assert_eq!(
        listed, warnings,
        "the manifest lists what the terminal printed"
    );
    let html = fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("<ul id=\"warnings\">"), "the page lists them");
    assert!(html.contains("<li>at load = 12: fleet &#39;vm&#39; was offered"));
}
