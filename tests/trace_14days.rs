//! The public Azure 2019 layout end to end: a small trace written by the bench generator in
//! the dataset's shape (14 invocation days, with gaps in the companion files:
//! `benches/support/azure2019_gen.rs`), found with `dir`, replayed in one run. The dataset's
//! description lists 14 durations and 12 memory days; the test writes 12 of each, the harder
//! case, where days 13 and 14 have no durations file and take day 12's (or earlier)
//! figures. Every expected figure is computed here from the CSV files themselves (the columns summed per function and
//! day, the day rule applied to the parsed companion files), not by the code under test.
//!
//! About 3.5 million invocations (12 functions): 7-15 s in a debug build on a busy 2-core
//! host, so it runs with the rest (`cargo test --test trace_14days`), not ignored.

#[path = "../benches/support/azure2019_gen.rs"]
mod azure2019_gen;
mod trace_support;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serverless_sim::engine::time::DAY;
use serverless_sim::workload::Source;
use trace_support::{parse_in, requests, scenario_text};

const DAYS: usize = 14;

/// Rows of a CSV file, split at commas, header first.
fn rows(path: &Path) -> Vec<Vec<String>> {
    std::fs::read_to_string(path)
        .expect("readable")
        .lines()
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect()
}

#[test]
fn fourteen_days_replay_in_one_run_under_the_documented_day_rule() {
    let dir = tempfile::tempdir().expect("tempdir");
    let layout = azure2019_gen::Layout::public(DAYS).with_days(12, 12);
    let g = azure2019_gen::generate_layout(dir.path(), 12, layout, 7).expect("generated");
    assert_eq!(
        (g.invocations.len(), g.durations.len(), g.memory.len()),
        (14, 12, 12)
    );

    // Invocations per (function, day from 1), summed from the minute columns.
    let mut traced: BTreeMap<(String, u64), u64> = BTreeMap::new();
    let mut apps: BTreeMap<String, String> = BTreeMap::new();
    for (d, path) in g.invocations.iter().enumerate() {
        let r = rows(path);
        assert_eq!(r[0].len(), 4 + 1440, "{}", path.display());
        for row in &r[1..] {
            let n: u64 = row[4..]
                .iter()
                .map(|c| c.parse::<u64>().expect("count"))
                .sum();
            traced.insert((row[2].clone(), d as u64 + 1), n);
            apps.insert(row[2].clone(), row[1].clone());
        }
    }
    // Per day, the functions each durations file lists, with their (p0, p100) in ms; and the
    // memory (MB) of each app per day.
    let listed: Vec<BTreeMap<String, (f64, f64)>> = g
        .durations
        .iter()
        .map(|p| {
            rows(p)[1..]
                .iter()
                .map(|r| {
                    (
                        r[2].clone(),
                        (r[7].parse().expect("p0"), r[13].parse().expect("p100")),
                    )
                })
                .collect()
        })
        .collect();
    let app_mb: Vec<BTreeMap<String, f64>> = g
        .memory
        .iter()
        .map(|p| {
            rows(p)[1..]
                .iter()
                .map(|r| (r[1].clone(), r[3].parse().expect("mb")))
                .collect()
        })
        .collect();
    // The rule: day d's own figure, else the nearest earlier day listing the function, else
    // the nearest later one (days are 1-based; file k-1 is day k).
    let figure_day = |f: &str, d: usize| -> Option<usize> {
        let lists = |k: usize| listed.get(k - 1).is_some_and(|m| m.contains_key(f));
        (1..=d)
            .rev()
            .find(|&k| lists(k))
            .or_else(|| (d + 1..=listed.len()).find(|&k| lists(k)))
    };
    let functions: BTreeSet<&String> = apps.keys().collect();
    let never: BTreeSet<&String> = functions
        .iter()
        .copied()
        .filter(|f| figure_day(f, 1).is_none())
        .collect();
    // Days 13 and 14 have no durations file, and each day lacks some functions.
    let gaps = functions
        .iter()
        .flat_map(|f| (1..=DAYS).map(move |d| (f, d)))
        .filter(|(f, d)| figure_day(f, *d) != Some(*d))
        .count();
    assert!(
        gaps > 2 * functions.len(),
        "days 13-14 and the gaps: {gaps}"
    );

    let s = parse_in(
        dir.path(),
        &scenario_text("", "format = \"azure2019\"\ndir = \".\""),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let Source::Trace(t) = &s.workload.source else {
        panic!("a trace")
    };
    let skipped_invocations: u64 = traced
        .iter()
        .filter(|((f, _), _)| never.contains(f))
        .map(|(_, n)| n)
        .sum();
    let skipped: u64 = t.info.skipped.iter().map(|k| k.invocations).sum();
    assert_eq!(skipped, skipped_invocations);
    assert_eq!(
        t.info.invocations + skipped,
        traced.values().sum::<u64>(),
        "the first pass counts every minute column of the 14 days"
    );
    assert_eq!(s.window.length, DAYS as u64 * DAY);

    // Memory: the earliest day listing the app, rounded up to 128 MB.
    for f in &s.workload.functions {
        let app = &apps[&f.name];
        let mb = app_mb
            .iter()
            .find_map(|m| m.get(app))
            .expect("every app has a memory figure on some day");
        assert_eq!(
            f.memory_mb,
            ((mb / 128.0).ceil() as u32).max(1) * 128,
            "{}",
            f.name
        );
    }

    // The replay: per function and day, as many requests as the day's columns hold, each
    // with an execution time inside the figure of the day the rule picks.
    let mut replayed: BTreeMap<(String, u64), u64> = BTreeMap::new();
    for r in requests(&s) {
        let name = &s.workload.functions[r.function as usize].name;
        let day = (r.arrival / DAY + 1) as usize;
        *replayed.entry((name.clone(), day as u64)).or_default() += 1;
        let k = figure_day(name, day).expect("replayed functions have a figure");
        let (p0, p100) = listed[k - 1][name];
        let ms = r.exec as f64 / 1000.0;
        assert!(
            ms >= p0 - 1e-3 && ms <= p100 + 1e-3,
            "{name} day {day}: {ms} ms outside day {k}'s [{p0}, {p100}]"
        );
    }
    let want: BTreeMap<(String, u64), u64> = traced
        .into_iter()
        .filter(|((f, _), n)| *n > 0 && !never.contains(f))
        .collect();
    assert_eq!(replayed, want);
}
