//! Several days of the Azure 2019 trace: which day's execution time and memory a function
//! takes when the companion files lack it on some days, and the `dir` key that finds the
//! public dataset's day files by name. Hand-made files; every expected value is worked out
//! by hand in the comments.

mod trace_support;

use std::collections::BTreeMap;
use std::path::Path;

use serverless_sim::engine::time::{DAY, MINUTE};
use serverless_sim::workload::Source;
use serverless_sim::workload::trace::inspect::inspect;
use trace_support::{parse_in, requests, scenario_text};

const INV: &str = "invocations_per_function_md";
const DUR: &str = "function_durations_percentiles";
const MEM: &str = "app_memory_percentiles";

fn write(dir: &Path, kind: &str, day: u32, text: &str) {
    let name = format!("{kind}.anon.d{day:02}.csv");
    std::fs::write(dir.join(name), text).expect("written");
}

/// A durations row whose seven percentiles are all `ms`: every sample is exactly `ms`.
fn duration_row(app: &str, f: &str, ms: u32) -> String {
    format!("o,{app},{f},{ms},10,{ms},{ms},{ms},{ms},{ms},{ms},{ms},{ms},{ms}\n")
}

const DUR_HEADER: &str = "HashOwner,HashApp,HashFunction,Average,Count,Minimum,Maximum,\
percentile_Average_0,percentile_Average_1,percentile_Average_25,percentile_Average_50,\
percentile_Average_75,percentile_Average_99,percentile_Average_100\n";

/// Four invocation days of two minutes each (columns 1 and 2), three durations days, two
/// memory days. Functions (app in brackets) and their counts per day (minute 1 + minute 2):
/// - A (a1): 1+0, 0+2, 1+1, 0+1 (5 in all): durations on day 2 (7 ms) and day 3 (9 ms);
/// - B (a1): 2+0, 1+0, 0+1, 1+1 (7): durations on day 1 (3 ms) and day 3 (5 ms);
/// - C (a2): 1+1 on every day (8): in no durations file;
/// - D (a2): 0+1, 1+0, 0+0, 2+0 (4): durations on day 1 only (13 ms).
///
/// Memory: day 1 lists app a1 at 100 MB; day 2 lists a1 at 500 MB and a2 at 300 MB.
fn write_trace(dir: &Path) {
    let counts = [
        ("A", "a1", ["1,0", "0,2", "1,1", "0,1"]),
        ("B", "a1", ["2,0", "1,0", "0,1", "1,1"]),
        ("C", "a2", ["1,1", "1,1", "1,1", "1,1"]),
        ("D", "a2", ["0,1", "1,0", "0,0", "2,0"]),
    ];
    for day in 0..4 {
        let mut text = String::from("HashOwner,HashApp,HashFunction,Trigger,1,2\n");
        for (f, app, per_day) in &counts {
            text.push_str(&format!("o,{app},{f},http,{}\n", per_day[day]));
        }
        write(dir, INV, day as u32 + 1, &text);
    }
    let d1 = [duration_row("a1", "B", 3), duration_row("a2", "D", 13)].concat();
    let d2 = duration_row("a1", "A", 7);
    let d3 = [duration_row("a1", "A", 9), duration_row("a1", "B", 5)].concat();
    for (day, rows) in [(1, d1), (2, d2), (3, d3)] {
        write(dir, DUR, day, &format!("{DUR_HEADER}{rows}"));
    }
    let mem = "HashOwner,HashApp,SampleCount,AverageAllocatedMb\n";
    write(dir, MEM, 1, &format!("{mem}o,a1,10,100\n"));
    write(dir, MEM, 2, &format!("{mem}o,a1,10,500\no,a2,10,300\n"));
}

/// (function, day from 1) -> the execution times (ms) of its requests on that day.
fn exec_by_day(s: &serverless_sim::scenario::Scenario) -> BTreeMap<(String, u64), Vec<u64>> {
    let mut out: BTreeMap<(String, u64), Vec<u64>> = BTreeMap::new();
    for r in requests(s) {
        let name = s.workload.functions[r.function as usize].name.clone();
        out.entry((name, r.arrival / DAY + 1))
            .or_default()
            .push(r.exec / 1000);
    }
    out
}

#[test]
fn each_day_takes_its_own_figure_else_the_nearest_earlier_else_the_nearest_later() {
    let dir = tempfile::tempdir().expect("tempdir");
    write_trace(dir.path());
    let trace = "format = \"azure2019\"\ndir = \".\"\nmemory_step = \"1MB\"";
    let s = parse_in(dir.path(), &scenario_text("", trace)).unwrap_or_else(|e| panic!("{e}"));
    let Source::Trace(t) = &s.workload.source else {
        panic!("a trace")
    };
    // C is in no durations file: skipped with its 8 invocations; A, B, D replay 5 + 7 + 4.
    assert_eq!(t.info.skipped.len(), 1);
    assert_eq!(t.info.skipped[0].reason, "listed in no durations file");
    assert_eq!(
        (t.info.skipped[0].functions, t.info.skipped[0].invocations),
        (1, 8)
    );
    assert_eq!(t.info.invocations, 16);
    // The window runs from day 1's first minute to day 4's second: 3 days and 2 minutes.
    assert_eq!(s.window.length, 3 * DAY + 2 * MINUTE);

    let want: BTreeMap<(String, u64), Vec<u64>> = [
        // A: day 1 has no figure for it and no earlier day does: the nearest later, day 2
        // (7 ms); day 2 its own (7); day 3 its own (9); day 4 has no file: day 3's (9).
        (("A", 1), vec![7]),
        (("A", 2), vec![7, 7]),
        (("A", 3), vec![9, 9]),
        (("A", 4), vec![9]),
        // B: day 1 its own (3); day 2's file lacks it: day 1's (3); day 3 its own (5);
        // day 4: day 3's (5).
        (("B", 1), vec![3, 3]),
        (("B", 2), vec![3]),
        (("B", 3), vec![5]),
        (("B", 4), vec![5, 5]),
        // D: listed on day 1 only (13 ms), so every later day takes day 1's.
        (("D", 1), vec![13]),
        (("D", 2), vec![13]),
        (("D", 4), vec![13, 13]),
    ]
    .into_iter()
    .map(|((f, d), v)| ((f.to_string(), d), v))
    .collect();
    assert_eq!(exec_by_day(&s), want);

    // Memory, one size per function for the run, from the earliest day listing its app:
    // a1 (A, B) 100 MB from day 1 (day 2's 500 MB is not used); a2 (D) 300 MB from day 2.
    let memory: Vec<(&str, u32)> = s
        .workload
        .functions
        .iter()
        .map(|f| (f.name.as_str(), f.memory_mb))
        .collect();
    assert_eq!(memory, [("A", 100), ("B", 100), ("D", 300)]);
}

#[test]
fn the_rule_does_not_depend_on_where_the_window_starts() {
    // Replaying only day 3 onwards: A takes 9 ms on days 3 and 4 and B 5 ms, as in the whole
    // run; D, listed on day 1 only, still takes day 1's 13 ms although day 1 is not replayed.
    let dir = tempfile::tempdir().expect("tempdir");
    write_trace(dir.path());
    let trace = "format = \"azure2019\"\ndir = \".\"\nmemory = \"256MB\"\nstart = \"2d\"";
    let s = parse_in(dir.path(), &scenario_text("", trace)).unwrap_or_else(|e| panic!("{e}"));
    // Requests now start at day 3's first minute (simulated zero): day index 1 is day 3.
    let got: BTreeMap<(String, u64), Vec<u64>> = exec_by_day(&s)
        .into_iter()
        .map(|((f, d), v)| ((f, d + 2), v))
        .collect();
    let want: BTreeMap<(String, u64), Vec<u64>> = [
        (("A", 3), vec![9, 9]),
        (("A", 4), vec![9]),
        (("B", 3), vec![5]),
        (("B", 4), vec![5, 5]),
        (("D", 4), vec![13, 13]),
    ]
    .into_iter()
    .map(|((f, d), v)| ((f.to_string(), d), v))
    .collect();
    assert_eq!(got, want);
}

#[test]
fn explicit_lists_follow_the_same_rule_as_dir() {
    let dir = tempfile::tempdir().expect("tempdir");
    write_trace(dir.path());
    let name = |kind: &str, d: u32| format!("\"{kind}.anon.d{d:02}.csv\"");
    let list = |kind: &str, days: u32| {
        format!(
            "[{}]",
            (1..=days)
                .map(|d| name(kind, d))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    let by_dir = "format = \"azure2019\"\ndir = \".\"\nmemory_step = \"1MB\"";
    let by_list = format!(
        "format = \"azure2019\"\ninvocations = {}\ndurations = {}\nmemory_file = {}\n\
         memory_step = \"1MB\"",
        list(INV, 4),
        list(DUR, 3),
        list(MEM, 2)
    );
    let a = parse_in(dir.path(), &scenario_text("", by_dir)).unwrap_or_else(|e| panic!("{e}"));
    let b = parse_in(dir.path(), &scenario_text("", &by_list)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(requests(&a), requests(&b));
}

/// The error of a scenario that must not load.
fn refused(dir: &Path, trace: &str) -> String {
    match parse_in(dir, &scenario_text("", trace)) {
        Ok(_) => panic!("the scenario loaded but should not have"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn dir_names_the_missing_day_and_refuses_to_mix_with_the_lists() {
    let dir = tempfile::tempdir().expect("tempdir");
    write_trace(dir.path());
    std::fs::remove_file(dir.path().join(format!("{DUR}.anon.d02.csv"))).expect("removed");
    let trace = "format = \"azure2019\"\ndir = \".\"";
    let e = refused(dir.path(), trace);
    assert!(e.contains("workload.trace.dir"), "{e}");
    assert!(e.contains("missing day d02 of the durations files"), "{e}");
    assert!(
        e.contains("function_durations_percentiles.anon.d02.csv"),
        "{e}"
    );

    let both = "format = \"azure2019\"\ndir = \".\"\ninvocations = \"x.csv\"";
    let e = refused(dir.path(), both);
    assert!(
        e.contains("workload.trace.invocations") && e.contains("not both"),
        "{e}"
    );

    let empty = tempfile::tempdir().expect("tempdir");
    let e = refused(empty.path(), trace);
    assert!(
        e.contains("no invocation files") && e.contains(&format!("{INV}.anon.d01.csv")),
        "{e}"
    );
}

#[test]
fn inspect_applies_the_same_rule_and_says_so() {
    let dir = tempfile::tempdir().expect("tempdir");
    write_trace(dir.path());
    let p = inspect(dir.path(), None).unwrap_or_else(|e| panic!("{e}"));
    // 5 + 7 + 8 + 4: inspect counts every function.
    assert_eq!(p.invocations, 24);
    assert!(
        p.notes
            .iter()
            .any(|n| n == "1 functions are listed in no durations file (a replay skips them)"),
        "{:?}",
        p.notes
    );
    assert!(
        p.notes
            .iter()
            .any(|n| n.starts_with("day 4 has no durations file")),
        "{:?}",
        p.notes
    );
    // Concurrency by Little's law, per minute: busy ms / 60,000 ms. Day 1 minute 1: A 1 x 7
    // (day 2's figure, the nearest later) + B 2 x 3 = 13 ms; day 4 minute 2: A 1 x 9 (day 3's)
    // + B 1 x 5 = 14 ms; C has no figure and counts nothing.
    let c = p.concurrency.expect("durations present");
    assert!((c[0] - 13.0 / 60_000.0).abs() < 1e-12, "{}", c[0]);
    assert!(
        (c[3 * 1440 + 1] - 14.0 / 60_000.0).abs() < 1e-12,
        "{}",
        c[3 * 1440 + 1]
    );
}
