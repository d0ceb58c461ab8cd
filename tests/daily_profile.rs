//! A `daily` profile's `rate` is the mean rate over a day: the profile is only a shape,
//! normalised to mean 1 (docs/models.md, "Workload"). Checked on the request stream itself,
//! against the closed form, and in `check`'s output.

mod common;

use assert_cmd::Command;
use serverless_sim::rng::Streams;
use serverless_sim::scenario::size::arrivals;
use serverless_sim::workload::{ArrivalProcess, Source};

/// 50/s on average over two whole days, with a shape whose mean is 1.5 (not 1): an
/// unnormalised profile would give 75/s.
const TWO_DAYS: &str = r#"
name = "daily"
seed = 11
duration = "2d"
[[workload.functions]]
name = "api"
memory = "128MB"
execution = { dist = "constant", value = "10ms" }
arrivals = { process = "daily", rate = "50/s", profile = [1, 3, 0, 2] }
[[deployments]]
name = "faas"
[deployments.compute]
pricing = "aws-lambda-x86"
cold_start = { dist = "constant", value = "100ms" }
"#;

#[test]
fn a_daily_rate_is_the_mean_over_whole_days() {
    let s = common::scenario(TWO_DAYS);
    let window = s.window.length;
    // Closed form: 50/s x 172,800 s = 8,640,000, whatever the shape.
    let Source::Synthetic(processes) = &s.workload.source else {
        panic!("synthetic workload")
    };
    assert_eq!(processes[0].mean_rate(), 50.0);
    let expected = arrivals::of_process(&processes[0], window);
    assert!(
        (expected.mean - 8_640_000.0).abs() < 1e-6,
        "{}",
        expected.mean
    );
    // The shape [1, 3, 0, 2] / 1.5: 06:00-12:00 runs at 100/s, 12:00-18:00 at 0.
    assert_eq!(processes[0].peak_rate(), 100.0);
    let mut per_slot = [0u64; 4];
    let mut stream = s.workload.open(Streams::new(s.seed, 0), window).unwrap();
    while let Some(r) = stream.next_request().unwrap() {
        per_slot[((r.arrival % 86_400_000_000) / 21_600_000_000) as usize] += 1;
    }
    let n: u64 = per_slot.iter().sum();
    // Poisson: sd = sqrt(8.64e6) = 2,939; 5 sd is 0.17% of the mean.
    let sd = 8_640_000f64.sqrt();
    assert!(
        (n as f64 - 8_640_000.0).abs() < 5.0 * sd,
        "{n} requests, {:.3}/s",
        n as f64 / 172_800.0
    );
    // Per slot over the two days: 2 x 21,600 s x (33.3, 100, 0, 66.7)/s.
    for (slot, want) in [(0, 1_440_000.0), (1, 4_320_000.0), (3, 2_880_000.0)] {
        let got = per_slot[slot] as f64;
        assert!(
            (got - want).abs() < 5.0 * f64::sqrt(want),
            "slot {slot}: {got}"
        );
    }
    assert_eq!(per_slot[2], 0);
}

#[test]
fn only_the_ratios_of_a_profile_matter() {
    let a = ArrivalProcess::daily(50.0, &[1.0, 3.0, 0.0, 2.0]);
    let b = ArrivalProcess::daily(50.0, &[0.5, 1.5, 0.0, 1.0]);
    assert_eq!(a, b);
    let ArrivalProcess::Daily { rate, profile } = a else {
        panic!()
    };
    assert_eq!(rate, 50.0);
    let want = [2.0 / 3.0, 2.0, 0.0, 4.0 / 3.0];
    for (got, want) in profile.iter().zip(want) {
        assert!((got - want).abs() < 1e-12, "{profile:?}");
    }
    // Huge multipliers are rescaled before summing: no overflow to infinity.
    let big = ArrivalProcess::daily(1.0, &[f64::MAX, f64::MAX]);
    assert_eq!(
        big,
        ArrivalProcess::Daily {
            rate: 1.0,
            profile: vec![1.0, 1.0]
        }
    );
}

#[test]
fn check_prints_each_functions_mean_and_peak_rate() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("daily.toml");
    std::fs::write(&file, TWO_DAYS).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_serverless-sim"))
        .arg("check")
        .arg(&file)
        .output()
        .unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains(
            "rate: api: daily, mean 50/s over a day, peak 100/s (06:00-12:00), \
             8,640,000 expected in the window\n"
        ),
        "{stdout}"
    );
}
