//! The shipped Azure 2019 excerpt, end to end: exact counts through the whole pipeline,
//! selection and shaping, checked against figures computed here independently from the CSV
//! text (plain comma splitting) and against the dataset's own README (339,657 invocations).

mod trace_support;

use std::collections::BTreeMap;

use serverless_sim::engine::time::{MINUTE, SECOND};
use serverless_sim::scenario::Scenario;
use serverless_sim::workload::Source;
use trace_support::*;

/// The excerpt's published total (scenarios/traces/azure2019-100fn/README.md).
const TOTAL: u64 = 339_657;

/// Rows of the invocation file: (function hash, counts per minute 480..959).
fn rows() -> Vec<(String, Vec<u64>)> {
    let text = std::fs::read_to_string(excerpt("invocations.csv")).expect("excerpt");
    text.lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            let counts = f[4..].iter().map(|c| c.parse().expect("count")).collect();
            (f[2].to_string(), counts)
        })
        .collect()
}

#[test]
fn azure_sample_replays_every_invocation_in_every_deployment() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/azure-sample.toml");
    let s = Scenario::load(&path).unwrap_or_else(|e| panic!("{e}"));
    // No duration in the file: the window is the trace's span, minutes 480..959.
    assert_eq!(s.window.length, 480 * MINUTE);
    let result = serverless_sim::run::run(&s).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(result.deployments.len(), 6);
    for d in &result.deployments {
        assert_eq!(d.recorder.totals.requests, TOTAL, "{}", d.name);
        assert_eq!(d.recorder.totals.completed, TOTAL, "{}", d.name);
    }
    // And in the report users read.
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("azure-sample");
    serverless_sim::report::write_reports(&result, &out).unwrap_or_else(|e| panic!("{e}"));
    let summary = std::fs::read_to_string(out.join("summary.csv")).expect("summary.csv");
    let mut lines = summary.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    let col = header
        .iter()
        .position(|h| *h == "requests")
        .expect("requests column");
    let rows: Vec<u64> = lines
        .map(|l| {
            l.split(',')
                .nth(col)
                .expect("field")
                .parse()
                .expect("number")
        })
        .collect();
    assert_eq!(rows, [TOTAL; 6]);
}

#[test]
fn every_function_gets_its_row_total() {
    let s = parse(&scenario_text("", &excerpt_trace(""))).unwrap_or_else(|e| panic!("{e}"));
    let want: BTreeMap<String, u64> = rows()
        .into_iter()
        .map(|(f, c)| (f, c.iter().sum()))
        .collect();
    assert_eq!(want.values().sum::<u64>(), TOTAL);
    assert_eq!(counts(&s), want);
    let Source::Trace(t) = &s.workload.source else {
        panic!("not a trace")
    };
    assert_eq!(
        (t.info.functions, t.info.apps, t.info.invocations),
        (100, 100, TOTAL)
    );
    assert!(t.info.skipped.is_empty());
}

#[test]
fn arrivals_fall_in_their_minute() {
    // Per (function, minute) counts of the replay equal the file's cells.
    let s = parse(&scenario_text("", &excerpt_trace(""))).unwrap_or_else(|e| panic!("{e}"));
    let mut got: BTreeMap<(String, u64), u64> = BTreeMap::new();
    for r in requests(&s) {
        let name = s.workload.functions[r.function as usize].name.clone();
        *got.entry((name, r.arrival / MINUTE)).or_default() += 1;
    }
    let mut want = BTreeMap::new();
    for (f, counts) in rows() {
        for (m, &n) in counts.iter().enumerate().filter(|(_, n)| **n > 0) {
            want.insert((f.clone(), m as u64), n);
        }
    }
    assert_eq!(got, want);
}

#[test]
fn window_and_top_functions_select_by_the_file() {
    // start = 1h, window = 2h: columns 540..659, i.e. indices 60..180.
    let trace = excerpt_trace("start = \"1h\"\nwindow = \"2h\"\ntop_functions = 5\n");
    let s = parse(&scenario_text("", &trace)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(s.window.length, 120 * MINUTE);
    let mut in_window: Vec<(String, u64)> = rows()
        .into_iter()
        .map(|(f, c)| (f, c[60..180].iter().sum()))
        .collect();
    in_window.sort_by_key(|x| std::cmp::Reverse(x.1));
    let want: BTreeMap<String, u64> = in_window.into_iter().take(5).collect();
    assert_eq!(counts(&s), want);
}

#[test]
fn whole_rate_multipliers_and_time_scale_are_exact() {
    let trace = excerpt_trace("rate_multiplier = 2\ntime_scale = 10\n");
    let s = parse(&scenario_text("", &trace)).unwrap_or_else(|e| panic!("{e}"));
    // 480 minutes ten times faster.
    assert_eq!(s.window.length, 48 * MINUTE);
    let r = requests(&s);
    assert_eq!(r.len() as u64, 2 * TOTAL);
    assert!(r.iter().all(|r| r.arrival < 48 * MINUTE));
}

#[test]
fn fractional_rate_multiplier_thins_binomially() {
    let trace = excerpt_trace("rate_multiplier = 0.5\n");
    let s = parse(&scenario_text("", &trace)).unwrap_or_else(|e| panic!("{e}"));
    let n = requests(&s).len() as f64;
    // Binomial(339,657, 0.5): sd = sqrt(339,657 / 4) ~ 291; allow 5 sd.
    assert!((n - TOTAL as f64 / 2.0).abs() < 5.0 * 291.0, "{n}");
    // Deterministic: the same scenario gives the same count.
    assert_eq!(requests(&s).len() as f64, n);
}

#[test]
fn uniform_spread_is_uniform_inside_minutes() {
    let s = parse(&scenario_text("", &excerpt_trace(""))).unwrap_or_else(|e| panic!("{e}"));
    let mut deciles = [0u64; 10];
    for r in requests(&s) {
        deciles[((r.arrival % MINUTE) * 10 / MINUTE) as usize] += 1;
    }
    // Each decile expects TOTAL / 10 = 33,966 (sd ~ 175 if independent); per-minute spreading
    // is exactly uniform order statistics, so 5% is a generous bound that still catches any
    // bias towards one end of the minute.
    for (i, &d) in deciles.iter().enumerate() {
        let rel = d as f64 / (TOTAL as f64 / 10.0);
        assert!((rel - 1.0).abs() < 0.05, "decile {i}: {d}");
    }
}

#[test]
fn even_spread_places_invocations_at_known_instants() {
    let s = parse(&scenario_text("", &excerpt_trace("spread = \"even\"\n")))
        .unwrap_or_else(|e| panic!("{e}"));
    let mut by_minute: BTreeMap<(u32, u64), Vec<u64>> = BTreeMap::new();
    for r in requests(&s) {
        by_minute
            .entry((r.function, r.arrival / MINUTE))
            .or_default()
            .push(r.arrival % MINUTE);
    }
    for ((f, m), offsets) in by_minute {
        let n = offsets.len() as u64;
        // n invocations at (i + 1/2) / n of the minute.
        let want: Vec<u64> = (0..n).map(|i| (2 * i + 1) * (MINUTE / 2) / n).collect();
        assert_eq!(offsets, want, "function {f}, minute {m}");
    }
}

#[test]
fn memory_is_the_traced_average_rounded_up_to_the_step() {
    let s = parse(&scenario_text(
        "",
        &excerpt_trace("memory_step = \"64MB\"\n"),
    ))
    .unwrap_or_else(|e| panic!("{e}"));
    let text = std::fs::read_to_string(excerpt("memory.csv")).expect("memory.csv");
    let want: BTreeMap<String, u32> = text
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            let avg: f64 = f[4].parse().expect("AverageAllocatedMb");
            (
                f[0].to_string(),
                ((avg / 64.0).ceil().max(1.0) * 64.0) as u32,
            )
        })
        .collect();
    let got: BTreeMap<String, u32> = s
        .workload
        .functions
        .iter()
        .map(|f| (f.name.clone(), f.memory_mb))
        .collect();
    assert_eq!(got, want);
    let fixed = parse(&scenario_text("", &excerpt_trace("memory = \"1GB\"\n")))
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(fixed.workload.functions.iter().all(|f| f.memory_mb == 1024));
}

#[test]
fn execution_times_follow_the_percentiles() {
    // The busiest function; its percentiles from durations.csv, parsed here.
    let s = parse(&scenario_text("", &excerpt_trace("top_functions = 1\n")))
        .unwrap_or_else(|e| panic!("{e}"));
    let name = s.workload.functions[0].name.clone();
    let text = std::fs::read_to_string(excerpt("durations.csv")).expect("durations.csv");
    let row: Vec<f64> = text
        .lines()
        .find(|l| l.split(',').nth(2) == Some(name.as_str()))
        .expect("row")
        .split(',')
        .skip(7)
        .map(|v| v.parse().expect("ms"))
        .collect();
    let probs = [0.0, 0.01, 0.25, 0.5, 0.75, 0.99, 1.0];
    // Mean of a piecewise-linear quantile function: the trapezoid rule over its points.
    let mean_ms: f64 = (1..7)
        .map(|i| (probs[i] - probs[i - 1]) * (row[i] + row[i - 1]) / 2.0)
        .sum();
    let mut exec: Vec<u64> = requests(&s).iter().map(|r| r.exec).collect();
    let n = exec.len() as f64;
    let got_mean = exec.iter().sum::<u64>() as f64 / n / 1e3;
    assert!(
        (got_mean - mean_ms).abs() / mean_ms < 0.02,
        "{got_mean} vs {mean_ms}"
    );
    exec.sort_unstable();
    let median_ms = exec[exec.len() / 2] as f64 / 1e3;
    assert!(
        (median_ms - row[3]).abs() <= 0.02 * row[3] + 1.0,
        "{median_ms} vs {}",
        row[3]
    );
    assert!(exec[0] as f64 / 1e3 >= row[0] && *exec.last().expect("some") as f64 / 1e3 <= row[6]);
}

#[test]
fn replays_are_deterministic_and_seeded() {
    let a = parse(&scenario_text("", &excerpt_trace(""))).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(requests(&a), requests(&a));
    let mut b = a.clone();
    b.seed += 1;
    let (ra, rb) = (requests(&a), requests(&b));
    assert_eq!(ra.len(), rb.len());
    assert_ne!(ra, rb);
}

#[test]
fn an_explicit_duration_cuts_the_replay() {
    let s = parse(&scenario_text("duration = \"30m\"", &excerpt_trace("")))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(s.window.length, 30 * MINUTE);
    let want: u64 = rows()
        .iter()
        .map(|(_, c)| c[..30].iter().sum::<u64>())
        .sum();
    let r = requests(&s);
    assert_eq!(r.len() as u64, want);
    assert!(r.iter().all(|r| r.arrival < 30 * MINUTE + SECOND));
}
