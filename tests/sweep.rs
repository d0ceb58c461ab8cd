//! Sweeps: the break-even of a case solved by hand, confidence intervals that shrink with
//! replications, results independent of the thread count, the `load` multiplier, and
//! located errors for bad points.

mod common;

use std::fs;

use common::cli::bin;
use serverless_sim::engine::Progress;
use serverless_sim::sweep::values::parse_param;
use serverless_sim::sweep::{self, Figure, SweepPlan, SweepSource, breakeven};

/// FaaS cost linear in load (constant 100 ms at 1 GB, fixed-interval arrivals, no free tier,
/// keep-alive forever, zero cold start), one VM flat at $0.10 an hour, a 730 h month.
const LINEAR: &str = r#"name = "linear"
seed = 3
duration = "1h"
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
workers = 32
[deployments.compute.billing]
instance_hours = { usd = 0.10 }
"#;

/// Poisson traffic: its cost varies from seed to seed.
const NOISY: &str = r#"name = "noisy"
seed = 5
duration = "10m"

[[workload.functions]]
name = "api"
memory = "512MB"
execution = { dist = "lognormal", median = "40ms", p99 = "250ms" }
arrivals = { process = "poisson", rate = "5/s" }

[[deployments]]
name = "faas"
[deployments.compute]
model = "faas"
cold_start = { dist = "constant", value = "100ms" }
keep_alive = { policy = "fixed", idle_timeout = "1m" }
[deployments.compute.billing]
requests = { usd = 0.20, per = 1_000_000 }
gb_seconds = { usd = 0.0000166667 }
"#;

fn source(text: &str) -> SweepSource {
    SweepSource {
        path: "sweep-test.toml".into(),
        text: text.into(),
    }
}

fn plan(params: &[&str], replications: usize) -> SweepPlan {
    SweepPlan {
        params: params.iter().map(|p| parse_param(p).unwrap()).collect(),
        replications,
        seed: None,
    }
}

#[test]
fn break_even_of_a_linear_cost_against_a_flat_one_matches_the_hand_value() {
    // Per request: $0.20 / 1M + 0.1 s x 1 GB x $0.0000166667 = $1.866667e-6. At load L the
    // function is called L times a second: L x 3,600 calls in the hour, projected x 730 to the
    // month. The VM: $0.10 x 730 h = $73. Equal at L = 73 / (1.866667e-6 x 3,600 x 730).
    let per_call = 0.20 / 1e6 + 0.1 * 0.0000166667;
    let want = 73.0 / (per_call * 3_600.0 * 730.0);
    let src = source(LINEAR);
    let result = sweep::sweep(&src, &plan(&["load=1..40:6"], 1), &Progress::new()).unwrap();
    assert_eq!(result.points.len(), 6);
    let vm = &result.points[3].deployments[1];
    assert!((vm.replications[0].monthly_cost_usd - 73.0).abs() < 1e-6);
    let crossings = breakeven::crossings(&src, &result).unwrap();
    assert_eq!(crossings.len(), 1, "{crossings:?}");
    let c = &crossings[0];
    assert!(
        (c.crossing - want).abs() / want < 0.005,
        "crossing {} vs {want}",
        c.crossing
    );
    assert_eq!(
        (c.cheaper_below.as_str(), c.cheaper_above.as_str()),
        ("faas", "vm")
    );
}

#[test]
fn progress_counts_requests_and_the_refinement_settles_on_the_runs_it_made() {
    // LINEAR at loads 1, 40 (fixed-interval arrivals: load x 3,600 requests in the hour,
    // from time 0) on 2 deployments and 2 replications: 2 x 2 x (3,600 + 144,000) requests
    // expected and simulated. Then one crossing refined between 1 and 40.
    let src = source(LINEAR);
    let progress = Progress::new();
    let result = sweep::sweep(&src, &plan(&["load=1,40"], 2), &progress).unwrap();
    let grid = 2 * 2 * (3_600 + 144_000);
    assert_eq!(progress.requests(), grid);
    let expected = progress.expected() as f64;
    assert!(
        (expected - grid as f64).abs() / (grid as f64) < 0.01,
        "{expected}"
    );
    assert_eq!(progress.extra_runs(), (0, 0), "nothing refined yet");
    let found = breakeven::break_even_counted(&src, &result, &progress);
    assert_eq!(found.crossings.len(), 1);
    let (done, planned) = progress.extra_runs();
    // False position on a straight cost difference: the first step lands next to the
    // crossing (~14.9) and at most two more close the bracket to 1e-4 of it, where bisection
    // from 1 to 40 would take 15 steps; 2 replications a step.
    assert!(
        (2..=6).contains(&done) && done == planned,
        "{done} of {planned}"
    );
    let simulated = progress.requests() as f64;
    let expected = progress.expected() as f64;
    assert!(
        (simulated - expected).abs() / simulated < 0.02,
        "announced {expected} against {simulated} simulated"
    );
}

#[test]
fn confidence_half_widths_shrink_as_one_over_root_n() {
    let src = source(NOISY);
    let half_width = |n: usize| {
        let r = sweep::sweep(&src, &plan(&["load=1"], n), &Progress::new()).unwrap();
        let reps = &r.points[0].deployments[0].replications;
        assert_eq!(reps.len(), n);
        Figure::MonthlyCost
            .estimate(reps)
            .unwrap()
            .half_width
            .unwrap()
    };
    let (small, large) = (half_width(5), half_width(40));
    // Expected ratio t(0.975, 4) / t(0.975, 39) x sqrt(40 / 5), with the t values from a
    // printed table (2.776 and 2.023); the sample deviations differ by noise, hence the band.
    let expected = 2.776 / 2.023 * 8f64.sqrt();
    let ratio = small / large;
    assert!(
        ratio > expected / 2.0 && ratio < expected * 2.0,
        "half-widths {small} (N=5) and {large} (N=40): ratio {ratio}, expected about {expected}"
    );
}

#[test]
fn load_scales_the_requests() {
    let src = source(LINEAR);
    let r = sweep::sweep(&src, &plan(&["load=0.5,2"], 1), &Progress::new()).unwrap();
    // Ticks every 2 s and every 0.5 s over 3,600 s, the first at 0.
    let requests: Vec<u64> = r
        .points
        .iter()
        .map(|p| p.deployments[0].replications[0].requests)
        .collect();
    assert_eq!(requests, [1_800, 7_200]);
    // The workload's mean rate, the charts' x axis: one call a second times the load.
    let rates: Vec<f64> = r.points.iter().map(|p| p.requests_per_s).collect();
    assert_eq!(rates, [0.5, 2.0]);
}

#[test]
fn a_grid_varies_the_first_parameter_slowest() {
    let p = plan(&["load=1,2", "deployments[1].compute.instances=1,2,3"], 1);
    let points: Vec<String> = p
        .points()
        .iter()
        .map(|v| {
            v.iter()
                .map(|x| x.to_string())
                .collect::<Vec<_>>()
                .join("/")
        })
        .collect();
    assert_eq!(points, ["1/1", "1/2", "1/3", "2/1", "2/2", "2/3"]);
    let r = sweep::sweep(&source(LINEAR), &p, &Progress::new()).unwrap();
    // The VM line: $73 per instance.
    let vm: Vec<f64> = r
        .points
        .iter()
        .map(|p| p.deployments[1].replications[0].monthly_cost_usd.round())
        .collect();
    assert_eq!(vm, [73.0, 146.0, 219.0, 73.0, 146.0, 219.0]);
}

#[test]
fn sweep_csv_is_identical_with_one_and_two_threads() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("noisy.toml");
    fs::write(&scenario, NOISY).unwrap();
    let mut files = Vec::new();
    for threads in ["1", "2"] {
        let out = dir.path().join(format!("out{threads}"));
        bin()
            .args([
                "sweep",
                scenario.to_str().unwrap(),
                "--quiet",
                "--threads",
                threads,
            ])
            .args(["--param", "load=0.5..2:4", "--replications", "3", "--out"])
            .arg(&out)
            .assert()
            .success();
        files.push((
            fs::read(out.join("sweep.csv")).unwrap(),
            fs::read(out.join("breakeven.csv")).unwrap(),
        ));
    }
    assert_eq!(files[0], files[1]);
    let csv = String::from_utf8(files[0].0.clone()).unwrap();
    assert!(csv.starts_with("load,replications,deployment,model,serves,requests,requests_ci95,"));
    assert_eq!(csv.lines().count(), 1 + 4);
    // Three replications: the cost and latency columns have half-widths.
    let (header, rows) = table(&csv);
    for name in [
        "monthly_cost_usd_ci95",
        "latency_p99_ms_ci95",
        "cold_start_ratio_ci95",
    ] {
        let i = header.iter().position(|h| h == name).expect(name);
        assert!(rows.iter().all(|r| !r[i].is_empty()), "{name}: {csv}");
    }
}

#[test]
fn an_invalid_point_is_named_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("linear.toml");
    fs::write(&scenario, LINEAR).unwrap();
    let out = dir.path().join("out");
    let assert = bin()
        .args(["sweep", scenario.to_str().unwrap(), "--quiet"])
        .args(["--param", "deployments[1].compute.instances=1,0", "--out"])
        .arg(&out)
        .assert()
        .failure();
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(
        stderr.contains("sweep point 2 of 2 (deployments[1].compute.instances = 0)"),
        "{stderr}"
    );
    assert!(stderr.contains("linear.toml:"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!out.exists());
    for (param, needle) in [
        ("deployments[5].compute.instances=1", "has 2 entries"),
        ("load=1..10", "point count"),
    ] {
        let assert = bin()
            .args([
                "sweep",
                scenario.to_str().unwrap(),
                "--quiet",
                "--param",
                param,
            ])
            .assert()
            .failure();
        let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
        assert!(stderr.contains(needle), "{param}: {stderr}");
    }
}

#[test]
fn a_bad_load_is_a_located_error() {
    let text = LINEAR.replace("month = \"730h\"", "month = \"730h\"\nload = -2");
    let err = serverless_sim::scenario::Scenario::parse("t.toml".as_ref(), &text).unwrap_err();
    let msg = err.to_string();
    assert!(msg.starts_with("t.toml:5:"), "{msg}");
    assert!(msg.contains("load: must be a number above 0"), "{msg}");
}

/// A CSV's header and rows.
fn table(csv: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let split = |l: &str| l.split(',').map(String::from).collect::<Vec<_>>();
    let mut lines = csv.lines();
    let header = split(lines.next().unwrap());
    (header, lines.map(split).collect())
}

/// The RGB pixels of a PNG.
fn pixels(path: &std::path::Path) -> Vec<[u8; 3]> {
    let file = fs::File::open(path).unwrap();
    let mut reader = png::Decoder::new(file).read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!(info.color_type, png::ColorType::Rgb, "chart is RGB");
    buf[..info.buffer_size()]
        .chunks(3)
        .map(|c| [c[0], c[1], c[2]])
        .collect()
}

fn count_of(pixels: &[[u8; 3]], color: plotters::style::RGBColor) -> usize {
    pixels
        .iter()
        .filter(|p| **p == [color.0, color.1, color.2])
        .count()
}

#[test]
fn the_charts_draw_every_deployment_and_the_memory_choices() {
    use serverless_sim::report::charts::style::color;
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("linear.toml");
    fs::write(&scenario, LINEAR).unwrap();
    let out = dir.path().join("be");
    bin()
        .args(["sweep", scenario.to_str().unwrap(), "--quiet"])
        .args(["--param", "load=1..40:6", "--out"])
        .arg(&out)
        .assert()
        .success();
    let png = pixels(&out.join("breakeven.png"));
    for d in 0..2 {
        assert!(count_of(&png, color(d)) > 500, "deployment {d} not drawn");
    }
    assert!(!out.join("memory.png").exists(), "not a memory sweep");

    // A memory sweep draws memory.png too, the FaaS deployment in its colour and the choices
    // ringed in ink.
    let out = dir.path().join("mem");
    bin()
        .args(["sweep", scenario.to_str().unwrap(), "--quiet"])
        .args([
            "--param",
            "workload.functions[0].memory=256MB,512MB,1024MB",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    let png = pixels(&out.join("memory.png"));
    assert!(count_of(&png, color(0)) > 500, "faas curve not drawn");
    assert!(
        count_of(&png, color(1)) < 50,
        "the fleet has no memory curve"
    );
    let csv = fs::read_to_string(out.join("sweep.csv")).unwrap();
    assert!(csv.starts_with("workload.functions[0].memory_mb,"), "{csv}");
}

#[test]
fn run_replications_add_a_csv_whose_first_replication_is_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("noisy.toml");
    fs::write(&scenario, NOISY).unwrap();
    // Replication 0 is the scenario's own seed: the same figures as a plain run.
    let plain = common::run_text(NOISY);
    let r = sweep::sweep(&source(NOISY), &plan(&[], 3), &Progress::new()).unwrap();
    let reps = &r.points[0].deployments[0].replications;
    assert_eq!(reps.len(), 3);
    assert_eq!(
        reps[0].monthly_cost_usd,
        plain.deployments[0].bill.monthly_usd
    );
    assert_eq!(
        reps[0].requests,
        plain.deployments[0].recorder.totals.requests
    );
    assert_ne!(reps[1].requests, reps[0].requests, "replications differ");

    let out = dir.path().join("out");
    bin()
        .args([
            "run",
            scenario.to_str().unwrap(),
            "--quiet",
            "--replications",
            "3",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    let csv = fs::read_to_string(out.join("replications.csv")).unwrap();
    let mean = reps.iter().map(|f| f.monthly_cost_usd).sum::<f64>() / 3.0;
    let row: Vec<&str> = csv.lines().nth(1).unwrap().split(',').collect();
    assert_eq!(&row[..3], ["3", "faas", "faas"]);
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    let cost = header
        .iter()
        .position(|h| *h == "monthly_cost_usd")
        .unwrap();
    assert!(
        (row[cost].parse::<f64>().unwrap() - mean).abs() < 1e-6,
        "{csv}"
    );
    let out1 = dir.path().join("out1");
    bin()
        .args(["run", scenario.to_str().unwrap(), "--quiet", "--out"])
        .arg(&out1)
        .assert()
        .success();
    assert!(!out1.join("replications.csv").exists());
}

#[test]
fn json_output_holds_the_csv_figures_the_scenario_and_the_version() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("linear.toml");
    fs::write(&scenario, LINEAR).unwrap();
    let out = dir.path().join("out");
    let assert = bin()
        .args(["sweep", scenario.to_str().unwrap(), "--format", "json"])
        .args(["--param", "load=1..40:6", "--out"])
        .arg(&out)
        .assert()
        .success();
    let printed: serde_json::Value = serde_json::from_slice(&assert.get_output().stdout).unwrap();
    let written: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(printed, written);
    assert_eq!(written["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(written["seed"], 3);
    assert_eq!(written["scenario_text"], LINEAR);
    assert_eq!(written["points"].as_array().unwrap().len(), 6);
    // The VM at the fourth point, as in sweep.csv: $73.000000.
    let vm = &written["points"][3]["deployments"][1];
    assert_eq!(vm["name"], "vm");
    let cost = vm["figures"]["monthly_cost_usd"]["mean"].as_f64().unwrap();
    assert!((cost - 73.0).abs() < 1e-6);
    let csv = fs::read_to_string(out.join("sweep.csv")).unwrap();
    let (header, rows) = table(&csv);
    let cost = header.iter().position(|h| h == "monthly_cost_usd").unwrap();
    assert_eq!(&rows[7][1..4], ["1", "vm", "fleet"]);
    assert_eq!(rows[7][cost], "73.000000");
    let crossing = written["breakeven"][0]["crossing"].as_f64().unwrap();
    assert!((crossing - 14.8809).abs() < 0.01, "{crossing}");
}
