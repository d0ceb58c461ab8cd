//! Each trace format on small files whose figures are added up by hand (stated next to each
//! assertion), plus the real original-layout and 2021 excerpts.

mod trace_support;

use std::collections::BTreeMap;

use serverless_sim::engine::time::{MINUTE, MS, SECOND};
use serverless_sim::workload::Source;
use serverless_sim::workload::trace::{Format, inspect};
use trace_support::*;

fn tiny2019(extra: &str) -> String {
    format!(
        "format = \"azure2019\"\ninvocations = {:?}\ndurations = {:?}\nmemory_file = {:?}\n{extra}",
        data("tiny2019/invocations.csv").display().to_string(),
        data("tiny2019/durations.csv").display().to_string(),
        data("tiny2019/memory.csv").display().to_string(),
    )
}

fn map(pairs: &[(&str, u64)]) -> BTreeMap<String, u64> {
    pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
}

#[test]
fn azure2019_counts_per_function() {
    let s = parse(&scenario_text("", &tiny2019(""))).unwrap_or_else(|e| panic!("{e}"));
    // f1: 1+0+2+3, f2: 0+0+0+1, f3: 5+5+0+0; four minute columns (10..13) = 4 minutes.
    assert_eq!(counts(&s), map(&[("f1", 6), ("f2", 1), ("f3", 10)]));
    assert_eq!(s.window.length, 4 * MINUTE);
    // Id columns in a non-standard order are found by name: f1..f3 belong to appA/appB.
    let apps: Vec<&str> = s
        .workload
        .functions
        .iter()
        .map(|f| f.app.as_str())
        .collect();
    assert_eq!(apps, ["appA", "appA", "appB"]);
}

#[test]
fn azure2019_per_app_memory_layout_applies_to_every_function_of_the_app() {
    let s = parse(&scenario_text("", &tiny2019(""))).unwrap_or_else(|e| panic!("{e}"));
    // appA averages 130.5 MB -> 256 MB in 128 MB steps; appB 64 MB -> 128 MB.
    let mem: Vec<u32> = s.workload.functions.iter().map(|f| f.memory_mb).collect();
    assert_eq!(mem, [256, 256, 128]);
}

#[test]
fn azure2019_even_spread_and_constant_durations() {
    let s = parse(&scenario_text(
        "",
        &tiny2019("spread = \"even\"\ntop_functions = 1\n"),
    ))
    .unwrap_or_else(|e| panic!("{e}"));
    // The busiest is f3: 5 in the first minute, 5 in the second, at (i + 1/2) / 5 of each.
    let got: Vec<u64> = requests(&s).iter().map(|r| r.arrival / MS).collect();
    assert_eq!(
        got,
        [
            6_000, 18_000, 30_000, 42_000, 54_000, 66_000, 78_000, 90_000, 102_000, 114_000
        ]
    );
    // f1's percentiles are all 100 ms: every execution takes exactly that.
    let f1 =
        parse(&scenario_text("", &tiny2019("start = \"2m\"\n"))).unwrap_or_else(|e| panic!("{e}"));
    let r: Vec<_> = requests(&f1)
        .into_iter()
        .filter(|r| f1.workload.functions[r.function as usize].name == "f1")
        .collect();
    assert_eq!(r.len(), 5);
    assert!(r.iter().all(|r| r.exec == 100 * MS));
}

#[test]
fn azure2019_window_sample_and_back_to_back_days() {
    // Minutes 11 and 12 only: f1 0+2, f2 none (dropped), f3 5+0.
    let s = parse(&scenario_text(
        "",
        &tiny2019("start = \"1m\"\nend = \"3m\"\n"),
    ))
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(counts(&s), map(&[("f1", 2), ("f3", 5)]));
    // One sampled app keeps whole apps: either appA (f1, f2) or appB (f3).
    let s =
        parse(&scenario_text("", &tiny2019("sample_apps = 1\n"))).unwrap_or_else(|e| panic!("{e}"));
    let c = counts(&s);
    assert!(
        c == map(&[("f1", 6), ("f2", 1)]) || c == map(&[("f3", 10)]),
        "{c:?}"
    );
    // The same file as two days: day 2's minutes 10..13 start 1,440 minutes after day 1's.
    let inv = data("tiny2019/invocations.csv").display().to_string();
    let trace = tiny2019("").replace(
        &format!("invocations = {inv:?}"),
        &format!("invocations = [{inv:?}, {inv:?}]"),
    );
    let s = parse(&scenario_text("", &trace)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(counts(&s), map(&[("f1", 12), ("f2", 2), ("f3", 20)]));
    assert_eq!(s.window.length, (1440 + 4) * MINUTE);
    let r = requests(&s);
    assert_eq!(r.iter().filter(|r| r.arrival >= 1440 * MINUTE).count(), 17);
    assert!(
        r.iter()
            .all(|r| r.arrival < 4 * MINUTE || r.arrival >= 1440 * MINUTE)
    );
}

#[test]
fn azure2019_original_layout_has_1440_minutes() {
    let p = data("azure2019-original-layout/invocations_9rows.csv");
    let profile = inspect::inspect(&p, None).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(profile.format, Format::Azure2019);
    assert_eq!(profile.per_minute.len(), 1440);
    assert_eq!(profile.functions.len(), 9);
    // The total, summed here by plain splitting of the same file.
    let text = std::fs::read_to_string(&p).expect("file");
    let total: u64 = text
        .lines()
        .skip(1)
        .flat_map(|l| {
            l.split(',')
                .skip(4)
                .map(|c| c.parse::<u64>().expect("count"))
                .collect::<Vec<_>>()
        })
        .sum();
    assert_eq!(profile.invocations, total);
    // It also replays, with a fixed memory and no durations file entry -> all skipped.
    let trace = format!(
        "format = \"azure2019\"\ninvocations = {:?}\ndurations = {:?}\nmemory = \"256MB\"\n",
        p.display().to_string(),
        data("tiny2019/durations.csv").display().to_string()
    );
    let e = error_text(&scenario_text("", &trace));
    assert!(
        e.contains(
            "no function left to replay: of the 9 traced functions, none has an invocation in \
             the window from 0s to its end of the trace (9 skipped as unreplayable"
        ),
        "{e}"
    );
}

#[test]
fn azure2021_replays_exact_starts_and_durations() {
    let trace = format!(
        "format = \"azure2021\"\nfile = {:?}\nmemory = \"256MB\"\n",
        data("tiny2021.csv").display().to_string()
    );
    let s = parse(&scenario_text("", &trace)).unwrap_or_else(|e| panic!("{e}"));
    // Starts (end - duration): 10.0, 2.0, 1.0, 2.0, 11.75 s; origin 1.0 s; sorted stably.
    let got: Vec<(String, u64, u64)> = requests(&s)
        .iter()
        .map(|r| {
            let f = &s.workload.functions[r.function as usize];
            (format!("{}/{}", f.app, f.name), r.arrival, r.exec)
        })
        .collect();
    let want = [
        ("a1/fy", 0, SECOND),
        ("a2/fx", SECOND, 1_250_000),
        ("a1/fx", SECOND, 2 * SECOND),
        ("a1/fx", 9 * SECOND, 500_000),
        ("a1/fx", 10_750_000, 250_000),
    ];
    let want: Vec<(String, u64, u64)> = want
        .iter()
        .map(|(f, a, e)| (f.to_string(), *a, *e))
        .collect();
    assert_eq!(got, want);
    // The last start is 10.75 s after the origin: the window runs to the next whole second.
    assert_eq!(s.window.length, 11 * SECOND);
    // func is unique only within its app: a1/fx and a2/fx are two functions.
    assert_eq!(s.workload.functions.len(), 3);
}

#[test]
fn azure2021_real_excerpt_counts() {
    let p = data("azure2021-200rows/Azure2021_200.csv");
    let trace = format!(
        "format = \"azure2021\"\nfile = {:?}\nmemory = \"128MB\"\n",
        p.display().to_string()
    );
    let s = parse(&scenario_text("", &trace)).unwrap_or_else(|e| panic!("{e}"));
    // The README of the excerpt: 199 rows, 13 apps, 31 functions.
    assert_eq!(requests(&s).len(), 199);
    let Source::Trace(t) = &s.workload.source else {
        panic!("not a trace")
    };
    assert_eq!((t.info.functions, t.info.apps), (31, 13));
    let profile = inspect::inspect(&p, None).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        (profile.invocations, profile.functions.len(), profile.apps),
        (199, 31, 13)
    );
}

#[test]
fn plain_csv_counts_rfc3339_and_memory() {
    let trace = format!(
        "format = \"csv\"\nfile = {:?}\n",
        data("tiny.csv").display().to_string()
    );
    let s = parse(&scenario_text("", &trace)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(counts(&s), map(&[("checkout", 2), ("search", 3)]));
    let got: Vec<(u64, u64)> = requests(&s).iter().map(|r| (r.arrival, r.exec)).collect();
    // Offsets from 08:00:00Z; durations as written.
    assert_eq!(
        got,
        [
            (0, 120 * MS),
            (500_000, 40 * MS),
            (SECOND, 80 * MS),
            (30 * SECOND, 35 * MS),
            (60 * SECOND + 1, 30 * MS)
        ]
    );
    // checkout: the larger of 256 and 512 MB; search: 128 MB (empty cells ignored).
    let mem: Vec<u32> = s.workload.functions.iter().map(|f| f.memory_mb).collect();
    assert_eq!(mem, [512, 128]);
    assert_eq!(s.window.length, 61 * SECOND);
}

#[test]
fn plain_csv_without_durations_samples_the_given_distribution() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("t.csv"),
        "function,timestamp\nx,1.5\ny,2\nx,2\nx,3.25\n",
    )
    .expect("write");
    let trace = "format = \"csv\"\nfile = \"t.csv\"\nmemory = \"128MB\"\nexecution = { dist = \"constant\", value = \"7ms\" }\n";
    let s = parse_in(dir.path(), &scenario_text("", trace)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(counts(&s), map(&[("x", 3), ("y", 1)]));
    let r = requests(&s);
    assert_eq!(
        r.iter().map(|r| r.arrival).collect::<Vec<_>>(),
        [0, 500_000, 500_000, 1_750_000]
    );
    assert!(r.iter().all(|r| r.exec == 7 * MS));
}

#[test]
fn plain_csv_sorted_on_request_and_copies_for_multipliers() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("t.csv"),
        "timestamp,function,duration_ms\n5,a,10\n1,b,20\n3,a,30\n",
    )
    .expect("write");
    let trace = "format = \"csv\"\nfile = \"t.csv\"\nmemory = \"128MB\"\nsort = true\nrate_multiplier = 3\n";
    let s = parse_in(dir.path(), &scenario_text("", trace)).unwrap_or_else(|e| panic!("{e}"));
    // Sorted: b@1, a@3, a@5 -> offsets 0, 2, 4 s; each replayed three times at the same
    // instant with its own duration.
    let got: Vec<(u64, u64)> = requests(&s)
        .iter()
        .map(|r| (r.arrival / SECOND, r.exec / MS))
        .collect();
    assert_eq!(
        got,
        [
            (0, 20),
            (0, 20),
            (0, 20),
            (2, 30),
            (2, 30),
            (2, 30),
            (4, 10),
            (4, 10),
            (4, 10)
        ]
    );
    let keys: std::collections::BTreeSet<u64> = requests(&s).iter().map(|r| r.key).collect();
    assert_eq!(keys.len(), 9, "every copy has its own key");
}

#[test]
fn trace_calls_apply_to_every_function_and_need_the_service() {
    let trace = tiny2019("calls = { db = { read = 2, write = 0 } }\n");
    let s = parse(&scenario_text("", &trace).replace(
        "granularity = \"1ms\"\n",
        "granularity = \"1ms\"\n\n[[deployments.services]]\nname = \"db\"\nlatency = { dist = \"constant\", value = \"2ms\" }\noperations.read = { price = { usd = 0.25, per = 1_000_000 } }\n",
    ))
    .unwrap_or_else(|e| panic!("{e}"));
    // Zero counts are dropped; every function reads twice.
    for f in &s.workload.functions {
        assert_eq!(f.calls.len(), 1);
        assert_eq!(
            (
                f.calls[0].service.as_str(),
                f.calls[0].operation.as_str(),
                f.calls[0].count
            ),
            ("db", "read", 2)
        );
    }
    let result = serverless_sim::run::run(&s).unwrap_or_else(|e| panic!("{e}"));
    let d = &result.deployments[0];
    assert_eq!(d.recorder.totals.requests, 17);
    // 17 calls x 2 reads, billed on the db meter.
    let reads: f64 = d
        .bill
        .lines
        .iter()
        .filter(|l| l.meter.contains("read"))
        .map(|l| l.window_quantity)
        .sum();
    assert_eq!(reads, 34.0);
    // Every latency includes the two 2 ms reads.
    assert!(d.recorder.latency.min_us().unwrap() >= 4 * MS);
    // Without the service the deployment is rejected, naming the function that calls it.
    let e = error_text(&scenario_text("", &trace));
    assert!(
        e.contains("does not define service 'db', which function 'f1' calls"),
        "{e}"
    );
}

#[test]
fn crlf_quotes_and_byte_order_marks_are_accepted() {
    // tiny2019 rewritten with a BOM, CRLF line ends and quoted id fields: same counts.
    let d = tempfile::tempdir().expect("tempdir");
    let text = std::fs::read_to_string(data("tiny2019/invocations.csv")).expect("file");
    let mut out = String::from("\u{feff}");
    for (i, line) in text.lines().enumerate() {
        let f: Vec<String> = line
            .split(',')
            .enumerate()
            .map(|(j, v)| {
                if i > 0 && j < 4 {
                    format!("\"{v}\"")
                } else {
                    v.to_string()
                }
            })
            .collect();
        out.push_str(&f.join(","));
        out.push_str("\r\n");
    }
    std::fs::write(d.path().join("inv.csv"), out).expect("write");
    let durations = std::fs::read_to_string(data("tiny2019/durations.csv")).expect("file");
    std::fs::write(
        d.path().join("dur.csv"),
        format!("\u{feff}{}", durations.replace('\n', "\r\n")),
    )
    .expect("write");
    let trace = "format = \"azure2019\"\ninvocations = \"inv.csv\"\ndurations = \"dur.csv\"\nmemory = \"128MB\"\n";
    let s = parse_in(d.path(), &scenario_text("", trace)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(counts(&s), map(&[("f1", 6), ("f2", 1), ("f3", 10)]));
}

#[test]
fn repeated_rows_of_per_invocation_formats_are_separate_invocations() {
    // A 2021 row and a plain CSV row are each one invocation: two identical rows are two
    // invocations at the same instant, both replayed (unlike a repeated 2019 function row).
    let d = tempfile::tempdir().expect("tempdir");
    let p = d.path();
    std::fs::write(
        p.join("t2021.csv"),
        "app,func,end_timestamp,duration\na,f,2.0,0.5\na,f,2.0,0.5\na,f,3.0,0.5\n",
    )
    .expect("write");
    std::fs::write(
        p.join("plain.csv"),
        "timestamp,function,duration_ms\n1.0,f,5\n1.0,f,5\n2.0,f,5\n",
    )
    .expect("write");
    for trace in [
        "format = \"azure2021\"\nfile = \"t2021.csv\"\nmemory = \"128MB\"\n",
        "format = \"csv\"\nfile = \"plain.csv\"\nmemory = \"128MB\"\n",
    ] {
        let s = parse_in(p, &scenario_text("", trace)).unwrap_or_else(|e| panic!("{e}"));
        let arrivals: Vec<u64> = requests(&s).iter().map(|r| r.arrival).collect();
        // Starts 1.5, 1.5, 2.5 s (2021) or 1, 1, 2 s (plain): origin at the first.
        assert_eq!(arrivals, [0, 0, SECOND], "{trace}");
    }
}

fn trace_info(
    s: &serverless_sim::scenario::Scenario,
) -> &serverless_sim::workload::trace::TraceInfo {
    match &s.workload.source {
        Source::Trace(t) => &t.info,
        Source::Synthetic(_) => panic!("not a trace"),
    }
}

#[test]
fn the_replayed_count_follows_the_duration_and_the_shaping() {
    // tiny2019: f1 1,0,2,3; f2 0,0,0,1; f3 5,5,0,0 over four minutes: 17 in all.
    let s = parse(&scenario_text("", &tiny2019(""))).unwrap_or_else(|e| panic!("{e}"));
    let i = trace_info(&s);
    assert_eq!(
        (i.invocations, i.replayed.count, i.replayed.exact),
        (17, 17.0, true)
    );
    // A whole multiplier is exact, a fractional one an expected value.
    let s = parse(&scenario_text("", &tiny2019("rate_multiplier = 3\n"))).unwrap();
    let i = trace_info(&s);
    assert_eq!(
        (i.invocations, i.replayed.count, i.replayed.exact),
        (17, 51.0, true)
    );
    assert_eq!(requests(&s).len(), 51);
    let s = parse(&scenario_text("", &tiny2019("rate_multiplier = 0.5\n"))).unwrap();
    let i = trace_info(&s);
    assert_eq!((i.replayed.count, i.replayed.exact), (8.5, false));
    // duration = 90 s: minute 10 whole (1 + 0 + 5 = 6), minute 11 half: only f3 has any
    // (5), evenly placed at 6, 18, 30, 42, 54 s, of which 6 and 18 come before 30 s.
    let even = parse(&scenario_text(
        "duration = \"90s\"\nbucket = \"1s\"",
        &tiny2019("spread = \"even\"\n"),
    ))
    .unwrap_or_else(|e| panic!("{e}"));
    let i = trace_info(&even);
    assert_eq!(
        (i.invocations, i.replayed.count, i.replayed.exact),
        (11, 8.0, true)
    );
    assert_eq!(requests(&even).len(), 8);
    // f2 has nothing in the first 90 s: it is not in the workload.
    assert_eq!(even.workload.functions.len(), 2);
    // Uniform placement: each of the 5 falls in the first half with probability 1/2.
    let uniform = parse(&scenario_text(
        "duration = \"90s\"\nbucket = \"1s\"",
        &tiny2019(""),
    ))
    .unwrap_or_else(|e| panic!("{e}"));
    let i = trace_info(&uniform);
    assert_eq!((i.replayed.count, i.replayed.exact), (6.0 + 2.5, false));
    // time_scale 2 and duration 45 s: 90 s of trace, the same cut.
    let fast = parse(&scenario_text(
        "duration = \"45s\"\nbucket = \"1s\"",
        &tiny2019("spread = \"even\"\ntime_scale = 2\n"),
    ))
    .unwrap_or_else(|e| panic!("{e}"));
    let i = trace_info(&fast);
    assert_eq!((i.replayed.count, i.replayed.exact), (8.0, true));
    assert_eq!(requests(&fast).len(), 8);
    assert!(i.summary(fast.window.length).contains(
        "8 invocations replayed in the 45s window (11 traced, the last minute cut part-way by \
         the duration; time_scale 2: 90s of trace in 45s)"
    ));
}

#[test]
fn per_invocation_counts_stop_at_the_duration() {
    // tiny2021 starts 10.0, 2.0, 1.0, 2.0, 11.75 s: 0, 1, 1, 9, 10.75 s after the origin.
    let trace = format!(
        "format = \"azure2021\"\nfile = {:?}\nmemory = \"256MB\"\n",
        data("tiny2021.csv").display().to_string()
    );
    let s = parse(&scenario_text("duration = \"5s\"\nbucket = \"1s\"", &trace))
        .unwrap_or_else(|e| panic!("{e}"));
    let i = trace_info(&s);
    assert_eq!(
        (i.invocations, i.replayed.count, i.replayed.exact),
        (3, 3.0, true)
    );
    assert_eq!(requests(&s).len(), 3);
    // Twice as fast: 0, 0.5, 0.5, 4.5, 5.375 s; four before 5 s.
    let fast = trace.replace("memory =", "time_scale = 2\nmemory =");
    let s = parse(&scenario_text("duration = \"5s\"\nbucket = \"1s\"", &fast))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(trace_info(&s).replayed.count, 4.0);
    assert_eq!(requests(&s).len(), 4);
    // A sorted plain CSV is counted while streaming (no records). Rows at 0, 1, 1, 9 and
    // 10.75 s; start = 1 s drops the first, the rest fall at 0, 0, 8 and 9.75 s of the
    // window, and a 5 s duration keeps two.
    let d = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        d.path().join("p.csv"),
        "timestamp,function,duration_ms\n0,f,5\n1,f,5\n1,g,5\n9,f,5\n10.75,g,5\n",
    )
    .expect("write");
    let plain = "format = \"csv\"\nfile = \"p.csv\"\nmemory = \"128MB\"\nstart = \"1s\"\n";
    let s = parse_in(
        d.path(),
        &scenario_text("duration = \"5s\"\nbucket = \"1s\"", plain),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(trace_info(&s).replayed.count, 2.0);
    assert_eq!(requests(&s).len(), 2);
    // Sorted in memory (sort = true), the same figures.
    let sorted = format!("{plain}sort = true\n");
    let s = parse_in(
        d.path(),
        &scenario_text("duration = \"5s\"\nbucket = \"1s\"", &sorted),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(trace_info(&s).replayed.count, 2.0);
    assert_eq!(requests(&s).len(), 2);
}
