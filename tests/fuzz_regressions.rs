//! Regression tests for what coverage-guided fuzzing (`fuzz/`, docs/fuzzing.md) found: each
//! finding's input, reduced by hand to the lines that matter, with the outcome the fix gives
//! (a located error instead of a panic or a huge allocation), and a replay of every input the
//! fuzzer saved (`tests/data/fuzz/TARGET/*`) through the fuzz targets' own harness.

mod trace_support;

use std::path::Path;

use serverless_sim::error::SimError;
use serverless_sim::workload::trace::{Format, inspect, timestamp};
use trace_support::{parse_in, scenario_text};

// The fuzz targets' harness, compiled into this test so the saved inputs replay exactly as
// the fuzzer ran them.
#[path = "../fuzz/src/lib.rs"]
mod harness;

/// Writes `body` as `trace.csv` in a fresh folder and parses a scenario replaying it with
/// the `[workload.trace]` lines `table` (after `file = "trace.csv"`).
fn load(format: &str, body: &str, table: &str) -> (tempfile::TempDir, Result<(), SimError>) {
    let dir = tempfile::tempdir().expect("temporary folder");
    std::fs::write(dir.path().join("trace.csv"), body).expect("write trace");
    let trace = format!("format = \"{format}\"\nfile = \"trace.csv\"\n{table}");
    let result = parse_in(dir.path(), &scenario_text("", &trace)).map(|_| ());
    (dir, result)
}

/// The trace error of a result that must be one.
fn trace_error(result: Result<(), SimError>) -> serverless_sim::error::TraceError {
    match result {
        Err(SimError::Trace(e)) => e,
        Err(other) => panic!("expected a trace error, got: {other}"),
        Ok(()) => panic!("the trace loaded but should not have"),
    }
}

/// Fuzzer: `plain_csv`, out-of-memory (malloc of 673 MB) in `trace inspect`. One row dated
/// 2179 among rows of 2019 made the profile keep two numbers for each of the 84 million
/// minutes between them; a year-9999 typo asked for tens of gigabytes and aborted. Now a
/// span over 1,000,000 minutes is an error naming the row that stretched it.
#[test]
fn inspect_rejects_a_csv_trace_whose_span_needs_a_huge_profile() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let path = dir.path().join("t.csv");
    std::fs::write(
        &path,
        "timestamp,function,duration_ms\n\
         2019-07-15T08:00:00Z,checkout,120\n\
         2179-07-15T08:00:01Z,checkout,80\n",
    )
    .expect("write trace");
    let e = inspect::inspect(&path, Some(Format::Csv)).expect_err("a span of 160 years");
    assert_eq!((e.line, e.field.as_str()), (3, "timestamp (column 1)"));
    assert!(e.message.contains("1000000 minutes"), "{}", e.message);
}

/// Found while fixing the above: the busy time of one 2021 invocation lasting 10^9 s was
/// spread over its 16.7 million minutes one map entry at a time (seconds of work and a
/// map of hundreds of MB for a one-row file). The same bound now stops it first.
#[test]
fn inspect_rejects_a_2021_invocation_longer_than_the_profile_bound() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let path = dir.path().join("t.csv");
    std::fs::write(&path, "app,func,end_timestamp,duration\na,f,1e9,1e9\n").expect("write");
    let e = inspect::inspect(&path, Some(Format::Azure2021)).expect_err("a 31-year invocation");
    assert_eq!(e.field, "end_timestamp");
    assert!(e.message.contains("minute by minute"), "{}", e.message);
}

/// A span just under the bound still profiles: 999,999 minutes between the first and last
/// minute touched (the bound is on the distance, so 1,000,000 minute slots).
#[test]
fn inspect_profiles_a_csv_trace_just_inside_the_bound() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let path = dir.path().join("t.csv");
    // 999,999 minutes = 59,999,940 s after the first row.
    std::fs::write(&path, "timestamp,function\n0,f\n59999940,f\n").expect("write trace");
    let p = inspect::inspect(&path, Some(Format::Csv)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(p.per_minute.len(), 1_000_000);
    assert_eq!(p.invocations, 2);
}

/// Fuzzer: `azure2021`, "attempt to add with overflow" in `azure2021::window`. An
/// `end_timestamp` of 1.2e16 s (3.8e8 years) is 1.2e22 µs, which the cast to i64 silently
/// clamped to i64::MAX; the window's end then overflowed. Now an `end_timestamp` or
/// `duration` beyond 10^12 s (31,700 years) is an error naming its line and column.
#[test]
fn an_azure2021_end_timestamp_beyond_the_clock_is_a_located_error() {
    let (_dir, r) = load(
        "azure2021",
        "app,func,end_timestamp,duration\na,f,10,1\na,f,12192129205942154,45.851\n",
        "memory = \"256MB\"\n",
    );
    let e = trace_error(r);
    assert_eq!((e.line, e.field.as_str()), (3, "end_timestamp (column 3)"));
    assert!(e.message.contains("12192129205942154"), "{}", e.message);
}

#[test]
fn an_azure2021_duration_beyond_the_clock_is_a_located_error() {
    let (_dir, r) = load(
        "azure2021",
        "app,func,end_timestamp,duration\na,f,10,1\na,f,10,2e12\n",
        "memory = \"256MB\"\n",
    );
    let e = trace_error(r);
    assert_eq!((e.line, e.field.as_str()), (3, "duration (column 4)"));
}

/// Same overflow in plain CSV: numeric timestamps were accepted up to ±9e12 s, so two rows at
/// -9e12 and 9e12 are 1.8e19 µs apart, more than an i64 holds ("attempt to subtract with
/// overflow" in `plain_csv::load`). The bound is now ±10^12 s (RFC 3339 years 0000..9999 are
/// inside it), so any two timestamps' distance fits.
#[test]
fn plain_csv_numeric_timestamps_beyond_the_clock_are_located_errors() {
    let (_dir, r) = load(
        "csv",
        "timestamp,function,duration_ms\n-9e11,f,1\n9e12,f,1\n",
        "memory = \"256MB\"\n",
    );
    let e = trace_error(r);
    assert_eq!((e.line, e.field.as_str()), (3, "timestamp (column 1)"));
    assert!(e.message.contains("not a usable number of seconds"));
    // The bound itself is accepted, at both ends (10^12 s = 10^18 µs), and just past it is not.
    assert_eq!(timestamp::parse("1e12"), Ok(1_000_000_000_000_000_000));
    assert_eq!(timestamp::parse("-1e12"), Ok(-1_000_000_000_000_000_000));
    assert!(timestamp::parse("1.000001e12").is_err());
}

/// A window end far past the trace's origin (`start` + `window` up to 2^63 µs) overflowed
/// `origin + end` for a trace whose origin is late on its clock. Scenario durations are now
/// at most 3650 days, so such a window is refused where it is written; and the window
/// saturates anyway: at the longest allowed offsets nothing of the trace is inside it, which
/// is the error users get for an empty window.
#[test]
fn a_window_ending_beyond_the_clock_selects_nothing_instead_of_overflowing() {
    let trace = "app,func,end_timestamp,duration\na,f,100000000001,1\n";
    let (_dir, r) = load(
        "azure2021",
        trace,
        "memory = \"256MB\"\nstart = \"53000000d\"\nwindow = \"53000000d\"\n",
    );
    match r {
        Err(SimError::Scenario(e)) => {
            assert_eq!(e.field, "workload.trace.start");
            assert!(e.message.contains("longer than 3650d"), "{}", e.message);
        }
        other => panic!("expected the scenario's bound, got {other:?}"),
    }
    let (_dir, r) = load(
        "azure2021",
        trace,
        "memory = \"256MB\"\nstart = \"3650d\"\nwindow = \"3650d\"\n",
    );
    let e = trace_error(r);
    assert!(
        e.message.contains("no function left to replay"),
        "{}",
        e.message
    );
}

/// Found by probing the header arithmetic the fuzzer exercised (it had not hit it in 142,710
/// executions): an Azure 2019 minute column named 18446744073709551615 overflowed the
/// consecutive-column check ("attempt to add with overflow"), and any first minute above
/// about 3e17 overflowed `minute x MINUTE` when the window was computed. Minute numbers are
/// now at most 1,000,000, and a larger one is an error naming the header column.
#[test]
fn an_azure2019_minute_number_beyond_the_bound_is_a_located_error() {
    let dir = tempfile::tempdir().expect("temporary folder");
    for (header, row, field) in [
        (
            "18446744073709551615,1",
            "1,1",
            "18446744073709551615 (column 5)",
        ),
        ("307445734561825860", "1", "307445734561825860 (column 5)"),
        ("5,1000001", "1,1", "1000001 (column 6)"),
    ] {
        let path = dir.path().join("invocations.csv");
        let body =
            format!("HashOwner,HashApp,HashFunction,Trigger,{header}\nown1,appA,f1,http,{row}\n");
        std::fs::write(&path, body).expect("write trace");
        let trace = format!(
            "format = \"azure2019\"\ninvocations = \"invocations.csv\"\ndurations = {:?}\n\
             memory = \"256MB\"\n",
            trace_support::data("tiny2019/durations.csv")
                .display()
                .to_string()
        );
        let e = trace_error(parse_in(dir.path(), &scenario_text("", &trace)).map(|_| ()));
        assert_eq!((e.line, e.field.as_str()), (1, field), "{header}");
        assert!(e.message.contains("(1000000)"), "{}", e.message);
        let e = inspect::inspect(&path, Some(Format::Azure2019)).expect_err("inspect");
        assert_eq!(e.line, 1, "{header}");
    }
    // The bound itself is a valid first minute.
    let path = dir.path().join("invocations.csv");
    std::fs::write(
        &path,
        "HashOwner,HashApp,HashFunction,Trigger,1000000\nown1,appA,f1,http,3\n",
    )
    .expect("write trace");
    let p = inspect::inspect(&path, Some(Format::Azure2019)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((p.invocations, p.per_minute.len()), (3, 1));
}

/// Found by probing what the readers let through to `run`: a 2019 durations file whose
/// percentiles were 1e300 ms loaded, every sampled execution time was clamped to u64::MAX
/// µs, and billing panicked ("attempt to multiply with overflow" rounding it up to the
/// granularity). Same for a plain CSV `duration_ms`. Trace durations are now at most 10^12 s
/// (`timestamp::MAX_SECONDS`, 10^15 ms), within what scenario durations may be, and a larger
/// one is an error naming its line and column.
#[test]
fn trace_durations_beyond_the_clock_are_located_errors() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let durations = std::fs::read_to_string(trace_support::data("tiny2019/durations.csv"))
        .expect("tiny2019 durations")
        .replace(
            "own1,appA,f1,100,6,100,100,100,100,100,100,100,100,100",
            "own1,appA,f1,100,6,100,100,100,100,100,100,100,100,1e300",
        );
    std::fs::write(dir.path().join("durations.csv"), durations).expect("write durations");
    let trace = format!(
        "format = \"azure2019\"\ninvocations = {:?}\ndurations = \"durations.csv\"\n\
         memory = \"256MB\"\n",
        trace_support::data("tiny2019/invocations.csv")
            .display()
            .to_string()
    );
    let e = trace_error(parse_in(dir.path(), &scenario_text("", &trace)).map(|_| ()));
    assert_eq!(
        (e.line, e.field.as_str()),
        (2, "percentile_Average_100 (column 14)")
    );
    assert!(
        e.message.contains("longer than a trace duration may be"),
        "{}",
        e.message
    );

    let (_dir, r) = load(
        "csv",
        "timestamp,function,duration_ms\n0,f,1\n1,f,1e300\n",
        "memory = \"256MB\"\n",
    );
    let e = trace_error(r);
    assert_eq!((e.line, e.field.as_str()), (3, "duration_ms (column 3)"));
}

/// The bound itself loads and runs: one invocation lasting 10^15 ms (10^18 µs) is simulated
/// and billed without overflow.
#[test]
fn a_trace_duration_at_the_bound_loads_and_runs() {
    let dir = tempfile::tempdir().expect("temporary folder");
    std::fs::write(
        dir.path().join("trace.csv"),
        "timestamp,function,duration_ms\n0,f,1e15\n",
    )
    .expect("write trace");
    let trace = "format = \"csv\"\nfile = \"trace.csv\"\nmemory = \"256MB\"\n";
    let s = parse_in(dir.path(), &scenario_text("", trace)).unwrap_or_else(|e| panic!("{e}"));
    let r = serverless_sim::run::run(&s).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.deployments[0].recorder.totals.requests, 1);
}

/// Every input the fuzzer saved (crashes, out-of-memory, timeouts), replayed through the
/// harness of the target that found it (`tests/data/fuzz/TARGET/`): each must now end in a
/// result, not a panic, abort or hang.
#[test]
fn every_saved_fuzz_input_replays_without_panicking() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/fuzz");
    let mut replayed = 0;
    for target in std::fs::read_dir(&root).expect("tests/data/fuzz") {
        let target = target.expect("entry").path();
        let name = target.file_name().unwrap().to_string_lossy().into_owned();
        let input = match name.as_str() {
            "scenario" => None,
            "azure2019_invocations" => Some(harness::TraceInput::Azure2019Invocations),
            "azure2019_durations" => Some(harness::TraceInput::Azure2019Durations),
            "azure2019_memory" => Some(harness::TraceInput::Azure2019Memory),
            "azure2021" => Some(harness::TraceInput::Azure2021),
            "plain_csv" => Some(harness::TraceInput::PlainCsv),
            _ => continue,
        };
        for file in std::fs::read_dir(&target).expect("target folder") {
            let bytes = std::fs::read(file.expect("entry").path()).expect("read input");
            match input {
                None => harness::scenario(&bytes),
                Some(input) => harness::trace(input, &bytes),
            }
            replayed += 1;
        }
    }
    // The two saved inputs so far (see docs/fuzzing.md): the check cannot pass vacuously.
    assert!(replayed >= 2, "replayed only {replayed} saved inputs");
}
