//! Malformed traces and trace tables: each error names the file, the line and the column or
//! field; known gaps of real traces are skipped and counted instead.

mod trace_support;

use std::path::Path;

use serverless_sim::workload::Source;
use trace_support::*;

const DURATIONS_HEADER: &str = "HashOwner,HashApp,HashFunction,Average,Count,Minimum,Maximum,percentile_Average_0,percentile_Average_1,percentile_Average_25,percentile_Average_50,percentile_Average_75,percentile_Average_99,percentile_Average_100";

/// A 2019 trace in `dir` from the given file texts; returns the error text of loading it.
fn load_2019(
    dir: &Path,
    invocations: &str,
    durations: &str,
) -> Result<serverless_sim::scenario::Scenario, String> {
    std::fs::write(dir.join("inv.csv"), invocations).expect("write");
    std::fs::write(dir.join("dur.csv"), durations).expect("write");
    let trace = "format = \"azure2019\"\ninvocations = \"inv.csv\"\ndurations = \"dur.csv\"\nmemory = \"128MB\"\n";
    parse_in(dir, &scenario_text("", trace)).map_err(|e| e.to_string())
}

fn good_durations(functions: &[&str]) -> String {
    let mut s = format!("{DURATIONS_HEADER}\n");
    for f in functions {
        s.push_str(&format!("o,a,{f},5,1,1,9,1,1,2,5,6,8,9\n"));
    }
    s
}

fn expect_err(r: Result<serverless_sim::scenario::Scenario, String>, want: &str) {
    match r {
        Ok(_) => panic!("loaded, but expected an error containing {want:?}"),
        Err(e) => assert!(e.contains(want), "error {e:?} does not contain {want:?}"),
    }
}

#[test]
fn azure2019_invocation_files() {
    let d = tempfile::tempdir().expect("tempdir");
    let p = d.path();
    let inv = p.join("inv.csv").display().to_string();
    let dur = good_durations(&["f1", "f2"]);
    expect_err(
        load_2019(p, "HashOwner,HashApp,HashFunction,Trigge,1,2\n", &dur),
        &format!("{inv}:1: header: missing column 'Trigger'"),
    );
    expect_err(
        load_2019(p, "", &dur),
        &format!("{inv}:1: header: the file is empty"),
    );
    expect_err(
        load_2019(p, "HashOwner,HashApp,HashFunction,Trigger,1,3\n", &dur),
        &format!("{inv}:1: 3 (column 6): minute columns must be consecutive: expected 2"),
    );
    expect_err(
        load_2019(
            p,
            "HashOwner,HashApp,HashFunction,Trigger,1,2\no,a,f1,http,1,2\no,a,f2,http,1,x\n",
            &dur,
        ),
        &format!("{inv}:3: 2 (column 6): 'x' is not a whole number of invocations"),
    );
    expect_err(
        load_2019(
            p,
            "HashOwner,HashApp,HashFunction,Trigger,1,2\no,a,f1,http,-4,2\n",
            &dur,
        ),
        &format!("{inv}:2: 1 (column 5): negative count -4"),
    );
    expect_err(
        load_2019(
            p,
            "HashOwner,HashApp,HashFunction,Trigger,1,2\no,a,f1,http,1,2\n\no,a,f2,http,1\n",
            &dur,
        ),
        &format!("{inv}:4: (row): has 5 fields, the header has 6"),
    );
    expect_err(
        load_2019(
            p,
            "HashOwner,HashApp,HashFunction,Trigger,5,6\no,a,f1,http,0,0\n",
            &dur,
        ),
        &format!(
            "{inv}: (selection): no function left to replay: of the 1 traced function, none \
             has an invocation in the window from 0s to its end of the trace (0 skipped"
        ),
    );
}

#[test]
fn azure2019_duration_files() {
    let d = tempfile::tempdir().expect("tempdir");
    let p = d.path();
    let dur = p.join("dur.csv").display().to_string();
    let inv = "HashOwner,HashApp,HashFunction,Trigger,1,2\no,a,f1,http,1,2\n";
    expect_err(
        load_2019(p, inv, ""),
        &format!("{dur}:1: header: the file is empty"),
    );
    expect_err(
        load_2019(p, inv, "HashOwner,HashApp,HashFunction\n"),
        &format!("{dur}:1: header: missing column 'percentile_Average_0'"),
    );
    let negative = format!("{DURATIONS_HEADER}\no,a,f1,5,1,1,9,1,1,-3,5,6,8,9\n");
    expect_err(
        load_2019(p, inv, &negative),
        &format!("{dur}:2: percentile_Average_25 (column 10): negative duration: -3"),
    );
    let decreasing = format!("{DURATIONS_HEADER}\no,a,f1,5,1,1,9,1,1,2,5,4,8,9\n");
    expect_err(
        load_2019(p, inv, &decreasing),
        &format!("{dur}:2: percentile_Average_75 (column 12): percentiles must not decrease"),
    );
    let text = format!("{DURATIONS_HEADER}\no,a,f1,5,1,1,9,1,1,2,five,6,8,9\n");
    expect_err(
        load_2019(p, inv, &text),
        &format!("{dur}:2: percentile_Average_50 (column 11): 'five' is not a number"),
    );
    let ragged = format!("{DURATIONS_HEADER}\no,a,f1,5,1\n");
    expect_err(
        load_2019(p, inv, &ragged),
        &format!("{dur}:2: (row): has 5 fields, the header has 14"),
    );
}

#[test]
fn functions_missing_from_the_durations_file_are_skipped_and_counted() {
    let d = tempfile::tempdir().expect("tempdir");
    let inv = "HashOwner,HashApp,HashFunction,Trigger,1,2\no,a,f1,http,1,2\no,a,f2,http,4,0\no,b,f3,http,0,1\n";
    // f2 and f3 have no durations row: 2 functions, 4 + 1 invocations skipped.
    let s = load_2019(d.path(), inv, &good_durations(&["f1"])).unwrap_or_else(|e| panic!("{e}"));
    let Source::Trace(t) = &s.workload.source else {
        panic!("not a trace")
    };
    assert_eq!(t.info.skipped.len(), 1);
    let k = &t.info.skipped[0];
    assert_eq!((k.functions, k.invocations), (2, 5));
    assert!(k.reason.contains("durations file"), "{}", k.reason);
    assert_eq!(t.info.invocations, 3);
    assert_eq!(requests(&s).len(), 3);
}

#[test]
fn memory_gaps_are_skipped_or_filled() {
    let d = tempfile::tempdir().expect("tempdir");
    let p = d.path();
    std::fs::write(
        p.join("inv.csv"),
        "HashOwner,HashApp,HashFunction,Trigger,1\no,a,f1,http,2\no,b,f2,http,3\n",
    )
    .expect("write");
    let durations = good_durations(&["f1"]) + "o,b,f2,5,1,1,9,1,1,2,5,6,8,9\n";
    std::fs::write(p.join("dur.csv"), durations).expect("write");
    std::fs::write(
        p.join("mem.csv"),
        "HashOwner,HashApp,SampleCount,AverageAllocatedMb\no,a,1,300\n",
    )
    .expect("write");
    let base = "format = \"azure2019\"\ninvocations = \"inv.csv\"\ndurations = \"dur.csv\"\nmemory_file = \"mem.csv\"\n";
    let s = parse_in(p, &scenario_text("", base)).unwrap_or_else(|e| panic!("{e}"));
    let Source::Trace(t) = &s.workload.source else {
        panic!("not a trace")
    };
    // App b has no memory row: f2 (3 invocations) is skipped.
    assert!(t.info.skipped[0].reason.contains("no memory size"));
    assert_eq!(
        (
            t.info.functions,
            t.info.skipped[0].functions,
            t.info.skipped[0].invocations
        ),
        (1, 1, 3)
    );
    let filled = format!("{base}memory_fallback = \"1GB\"\n");
    let s = parse_in(p, &scenario_text("", &filled)).unwrap_or_else(|e| panic!("{e}"));
    let mem: Vec<u32> = s.workload.functions.iter().map(|f| f.memory_mb).collect();
    let Source::Trace(t) = &s.workload.source else {
        panic!("not a trace")
    };
    assert_eq!(mem, [384, 1024], "{:?}", t.info);
    std::fs::write(
        p.join("mem.csv"),
        "HashOwner,HashApp,SampleCount,AverageAllocatedMb\no,a,1,-5\n",
    )
    .expect("write");
    let e = parse_in(p, &scenario_text("", base))
        .map(|_| ())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("mem.csv:2: AverageAllocatedMb (column 4): negative memory: -5"),
        "{e}"
    );
}

#[test]
fn azure2021_rows() {
    let d = tempfile::tempdir().expect("tempdir");
    let p = d.path();
    let load = |text: &str| {
        std::fs::write(p.join("t.csv"), text).expect("write");
        parse_in(
            p,
            &scenario_text(
                "",
                "format = \"azure2021\"\nfile = \"t.csv\"\nmemory = \"128MB\"\n",
            ),
        )
        .map_err(|e| e.to_string())
    };
    let f = p.join("t.csv").display().to_string();
    expect_err(
        load("app,function,end_timestamp,duration\n"),
        &format!("{f}:1: header: missing column 'func'"),
    );
    expect_err(
        load("app,func,end_timestamp,duration\na,f,2.0,-0.5\n"),
        &format!("{f}:2: duration (column 4): negative duration: -0.5"),
    );
    expect_err(
        load("app,func,end_timestamp,duration\na,f,2.0,0.5\na,f,soon,0.5\n"),
        &format!("{f}:3: end_timestamp (column 3): 'soon' is not a number"),
    );
    expect_err(
        load("app,func,end_timestamp,duration\na,f,2.0\n"),
        &format!("{f}:2: (row): has 3 fields, the header has 4"),
    );
    expect_err(load(""), &format!("{f}:1: header: the file is empty"));
    // A timestamp of 3 billion years used to end as "no function left to replay", no line.
    expect_err(
        load("app,func,end_timestamp,duration\na,f,2.0,0.5\na,f,1e17,0.5\n"),
        &format!(
            "{f}:3: end_timestamp (column 3): 1e17 seconds is out of range: at most 1e12 either \
             side of 0 (the 2021 trace counts seconds from its start)"
        ),
    );
    expect_err(
        load("app,func,end_timestamp,duration\na,f,2.0,5e12\n"),
        &format!(
            "{f}:2: duration (column 4): '5e12' is longer than a trace duration may be (1e12 s)"
        ),
    );
}

#[test]
fn rate_multiplier_names_its_real_cap() {
    let tiny = data("tiny2019/invocations.csv").display().to_string();
    let dur = data("tiny2019/durations.csv").display().to_string();
    let trace = format!(
        "format = \"azure2019\"\ninvocations = {tiny:?}\ndurations = {dur:?}\nmemory = \"1GB\"\nrate_multiplier = 1e9\n"
    );
    let text = scenario_text("", &trace);
    let line = text[..text.find("rate_multiplier").expect("key")]
        .lines()
        .count()
        + 1;
    let e = error_text(&text);
    assert!(
        e.contains(&format!(
            "scenario.toml:{line}:19: workload.trace.rate_multiplier: must be a number from 0 to \
             1e6 (got 1000000000; 2 = twice the traffic)"
        )),
        "{e}"
    );
}

#[test]
fn plain_csv_rows() {
    let d = tempfile::tempdir().expect("tempdir");
    let p = d.path();
    let load = |text: &str, extra: &str| {
        std::fs::write(p.join("t.csv"), text).expect("write");
        let trace = format!("format = \"csv\"\nfile = \"t.csv\"\nmemory = \"128MB\"\n{extra}");
        parse_in(p, &scenario_text("", &trace)).map_err(|e| e.to_string())
    };
    let f = p.join("t.csv").display().to_string();
    let unsorted = "timestamp,function,duration_ms\n1,a,5\n2,a,5\n1.5,b,5\n3,a,5\n";
    expect_err(
        load(unsorted, ""),
        &format!("{f}:4: timestamp (column 1): out of order: earlier than line 3"),
    );
    let sorted = load(unsorted, "sort = true\n").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(requests(&sorted).len(), 4);
    expect_err(
        load("timestamp,function,duration\n1,a,5\n", ""),
        &format!("{f}:1: header: unknown column 'duration'"),
    );
    expect_err(
        load("timestamp,function,duration_ms\nnoon,a,5\n", ""),
        &format!("{f}:2: timestamp (column 1): 'noon' is neither seconds"),
    );
    expect_err(
        load("timestamp,function,duration_ms\n1,a,-5\n", ""),
        &format!("{f}:2: duration_ms (column 3): negative duration: -5"),
    );
    expect_err(
        load("timestamp,function\n1,a\n", ""),
        &format!("{f}:1: header: no duration_ms column"),
    );
    expect_err(
        load("function,duration_ms\na,5\n", ""),
        &format!("{f}:1: header: missing column 'timestamp'"),
    );
    // A function name that would print like another, where it first appears.
    expect_err(
        load(
            "timestamp,function,duration_ms\n1,a,5\n2,a\u{1b}[2J,5\n",
            "",
        ),
        &format!("{f}:3: function (column 2): 'a\\u{{1b}}[2J' holds a control character (U+001B)"),
    );
    expect_err(
        load("timestamp,function,duration_ms\n1,a\u{202E}b,5\n", ""),
        &format!(
            "{f}:2: function (column 2): 'a\\u{{202e}}b' holds a Unicode bidirectional control (U+202E)"
        ),
    );
    // A formula-like start is data, escaped in the CSVs (see csv_cells.rs), not refused.
    load("timestamp,function,duration_ms\n1,=a,5\n", "").unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn trace_tables_are_located_in_the_scenario() {
    let inv = data("tiny2019/invocations.csv").display().to_string();
    let err = |trace: &str| error_text(&scenario_text("", trace));
    let e = err("format = \"azure2020\"\n");
    assert!(
        e.contains("scenario.toml:5:10: workload.trace.format: unknown trace format 'azure2020'"),
        "{e}"
    );
    let e = err(&format!(
        "format = \"azure2019\"\ninvocations = {inv:?}\ndurations = {inv:?}\nstart = \"90s\"\nmemory = \"1GB\"\n"
    ));
    assert!(
        e.contains(
            "scenario.toml:8:9: workload.trace.start: the 2019 trace counts invocations per minute"
        ),
        "{e}"
    );
    let e = err(&format!("format = \"azure2021\"\nfile = {inv:?}\n"));
    assert!(
        e.contains("workload.trace.memory: the azure2021 trace has no memory sizes"),
        "{e}"
    );
    let e = err("format = \"csv\"\nfile = \"t.csv\"\nend = \"2h\"\nwindow = \"1h\"\n");
    assert!(
        e.contains("workload.trace.window: give end or window, not both"),
        "{e}"
    );
    let e = err("format = \"csv\"\nfile = \"t.csv\"\nspread = \"even\"\n");
    assert!(
        e.contains("workload.trace.spread: does not apply to format = \"csv\""),
        "{e}"
    );
    let e = err("format = \"azure2019\"\ndurations = \"d.csv\"\n");
    assert!(e.contains("workload.trace.invocations: missing"), "{e}");
    let e = err(
        "format = \"csv\"\nfile = \"nowhere.csv\"\nmemory = \"1GB\"\nexecution = { dist = \"constant\", value = \"1ms\" }\n",
    );
    // A missing trace file is located where the scenario names it.
    assert!(
        e.contains("scenario.toml:6:8: workload.trace.file: cannot read '")
            && e.contains("nowhere.csv': No such file"),
        "{e}"
    );
    let e = err("format = \"csv\"\nfile = \"t.csv\"\nrate_multiplier = -1\n");
    assert!(
        e.contains(
            "workload.trace.rate_multiplier: must be a number from 0 to 1e6 (got -1; 2 = twice \
             the traffic)"
        ),
        "{e}"
    );
    // A trace and synthetic functions together.
    let both = scenario_text("", &format!("format = \"csv\"\nfile = {:?}\n", data("tiny.csv").display().to_string())).replace(
        "[[deployments]]",
        "[[workload.functions]]\nname = \"x\"\nmemory = \"128MB\"\nexecution = { dist = \"constant\", value = \"1ms\" }\narrivals = { process = \"poisson\", rate = \"1/s\" }\n\n[[deployments]]",
    );
    let e = error_text(&both);
    assert!(
        e.contains(
            "workload.functions: give either [[workload.functions]] or a [workload.trace], not both"
        ),
        "{e}"
    );
    // Neither, and no duration.
    let e = error_text("seed = 1\n");
    assert!(
        e.contains("workload: missing: add [[workload.functions]] or a [workload.trace]"),
        "{e}"
    );
}

#[test]
fn a_trace_changed_after_loading_is_an_error_not_a_panic() {
    let d = tempfile::tempdir().expect("tempdir");
    let p = d.path();
    let inv = "HashOwner,HashApp,HashFunction,Trigger,1,2\no,a,f1,http,1,2\n";
    let s = load_2019(p, inv, &good_durations(&["f1"])).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(
        p.join("inv.csv"),
        "HashOwner,HashApp,HashFunction,Trigger,1,2\no,a,f1,http,1,z\n",
    )
    .expect("write");
    let mut stream = s
        .workload
        .open(serverless_sim::rng::Streams::new(1, 0), s.window.length)
        .unwrap_or_else(|e| panic!("{e}"));
    let mut result = Ok(None);
    for _ in 0..10 {
        result = stream.next_request();
        if result.is_err() {
            break;
        }
    }
    let e = result.expect_err("a changed file must fail").to_string();
    assert!(e.contains("inv.csv:2: minute 2: not a count"), "{e}");
}

/// The shipped excerpt's files copied into `dir`, with line `line` (1-based) of `file`
/// written a second time right after it.
fn excerpt_with_repeated_line(dir: &Path, file: &str, line: usize) {
    for f in ["invocations.csv", "durations.csv", "memory.csv"] {
        let text = std::fs::read_to_string(excerpt(f)).expect("read excerpt");
        let text = if f == file {
            let mut lines: Vec<&str> = text.lines().collect();
            lines.insert(line, lines[line - 1]);
            lines.join("\n") + "\n"
        } else {
            text
        };
        std::fs::write(dir.join(f), text).expect("write");
    }
}

#[test]
fn a_repeated_row_of_any_2019_file_is_an_error_naming_both_lines() {
    let trace = "format = \"azure2019\"\ninvocations = \"invocations.csv\"\ndurations = \"durations.csv\"\nmemory_file = \"memory.csv\"\n";
    for file in ["invocations.csv", "durations.csv", "memory.csv"] {
        let d = tempfile::tempdir().expect("tempdir");
        // Line 3 is the second data row; its copy lands on line 4.
        excerpt_with_repeated_line(d.path(), file, 3);
        let path = d.path().join(file).display().to_string();
        let row = std::fs::read_to_string(d.path().join(file)).expect("read");
        let header: Vec<&str> = row.lines().next().expect("header").split(',').collect();
        let cells: Vec<&str> = row.lines().nth(2).expect("row").split(',').collect();
        let cell = |name: &str| cells[header.iter().position(|h| *h == name).expect("column")];
        let e = match parse_in(d.path(), &scenario_text("", trace)) {
            Ok(_) => panic!("{file}: a repeated row was accepted"),
            Err(e) => e.to_string(),
        };
        let want = format!(
            "{path}:4: HashOwner,HashApp,HashFunction: function (HashOwner '{}', HashApp '{}', \
             HashFunction '{}') already has a row at {path}:3: each must appear once per file",
            cell("HashOwner"),
            cell("HashApp"),
            cell("HashFunction"),
        );
        assert!(e.contains(&want), "{file}: {e}\nwanted {want}");
    }
}

#[test]
fn a_repeated_app_of_a_per_app_memory_file_is_an_error() {
    let d = tempfile::tempdir().expect("tempdir");
    let p = d.path();
    std::fs::write(
        p.join("inv.csv"),
        "HashOwner,HashApp,HashFunction,Trigger,1,2\no,a,f1,http,1,2\n",
    )
    .expect("write");
    std::fs::write(p.join("dur.csv"), good_durations(&["f1"])).expect("write");
    std::fs::write(
        p.join("mem.csv"),
        "HashOwner,HashApp,SampleCount,AverageAllocatedMb\no,a,3,100\no,b,3,200\no,a,3,300\n",
    )
    .expect("write");
    let trace = "format = \"azure2019\"\ninvocations = \"inv.csv\"\ndurations = \"dur.csv\"\nmemory_file = \"mem.csv\"\n";
    let e = match parse_in(p, &scenario_text("", trace)) {
        Ok(_) => panic!("accepted"),
        Err(e) => e.to_string(),
    };
    let mem = p.join("mem.csv").display().to_string();
    assert!(
        e.contains(&format!(
            "{mem}:4: HashOwner,HashApp: app (HashOwner 'o', HashApp 'a') already has a row at {mem}:2"
        )),
        "{e}"
    );
}

#[test]
fn the_same_function_in_two_day_files_is_not_a_duplicate() {
    let d = tempfile::tempdir().expect("tempdir");
    let p = d.path();
    let day = "HashOwner,HashApp,HashFunction,Trigger,1,2\no,a,f1,http,1,2\n";
    std::fs::write(p.join("d1.csv"), day).expect("write");
    std::fs::write(p.join("d2.csv"), day).expect("write");
    std::fs::write(p.join("dur.csv"), good_durations(&["f1"])).expect("write");
    let trace = "format = \"azure2019\"\ninvocations = [\"d1.csv\", \"d2.csv\"]\ndurations = \"dur.csv\"\nmemory = \"128MB\"\n";
    let s = parse_in(p, &scenario_text("", trace)).unwrap_or_else(|e| panic!("{e}"));
    let Source::Trace(t) = &s.workload.source else {
        panic!("not a trace")
    };
    // (1 + 2) invocations on each of the two days.
    assert_eq!(t.info.invocations, 6);
}
