//! The binary with traces: `trace inspect`, `check` and `run` on trace scenarios.

mod trace_support;

use assert_cmd::Command;
use predicates::prelude::*;
use trace_support::*;

fn bin() -> Command {
    let mut c = Command::cargo_bin("serverless-sim").expect("binary");
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

#[test]
fn inspect_prints_the_excerpt_and_writes_a_png() {
    let out = tempfile::tempdir().expect("tempdir");
    // Rate spread computed here from the file: over 480 minutes, "less than once per hour"
    // is fewer than 8 invocations, "less than once per minute" fewer than 480.
    let text = std::fs::read_to_string(excerpt("invocations.csv")).expect("file");
    let totals: Vec<u64> = text
        .lines()
        .skip(1)
        .map(|l| {
            l.split(',')
                .skip(4)
                .map(|c| c.parse::<u64>().expect("count"))
                .sum()
        })
        .collect();
    let hourly = totals.iter().filter(|&&n| n < 8).count();
    let minutely = totals.iter().filter(|&&n| n < 480).count();
    bin()
        .args([
            "trace",
            "inspect",
            "scenarios/traces/azure2019-100fn",
            "--out",
        ])
        .arg(out.path())
        .assert()
        .success()
        .stdout(predicate::str::contains("functions        100\n"))
        .stdout(predicate::str::contains("apps             100\n"))
        .stdout(predicate::str::contains("invocations      339,657\n"))
        .stdout(predicate::str::contains(
            "time span        480 minutes (8.00 h)",
        ))
        .stdout(predicate::str::contains("queue"))
        .stdout(predicate::str::contains(format!(
            "less than once per hour on average: {hourly}.0% of functions"
        )))
        .stdout(predicate::str::contains(format!(
            "less than once per minute on average: {minutely}.0% of functions"
        )));
    let png = std::fs::read(out.path().join("invocations.png")).expect("png written");
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    // IHDR: width and height, big-endian, at bytes 16..24.
    let w = u32::from_be_bytes(png[16..20].try_into().expect("4 bytes"));
    let h = u32::from_be_bytes(png[20..24].try_into().expect("4 bytes"));
    assert_eq!((w, h), (1200, 700));
}

#[test]
fn inspect_reads_the_2021_layout_and_its_exact_concurrency() {
    let out = tempfile::tempdir().expect("tempdir");
    bin()
        .args(["trace", "inspect"])
        .arg(data("azure2021-200rows/Azure2021_200.csv"))
        .arg("--out")
        .arg(out.path())
        .assert()
        .success()
        .stdout(predicate::str::contains("format           azure2021"))
        .stdout(predicate::str::contains("invocations      199\n"))
        .stdout(predicate::str::contains("functions        31\n"))
        .stdout(predicate::str::contains("apps             13\n"))
        .stdout(predicate::str::contains("; exact)"));
}

#[test]
fn inspect_rejects_a_file_it_cannot_read_as_a_trace() {
    let d = tempfile::tempdir().expect("tempdir");
    let f = d.path().join("x.csv");
    std::fs::write(&f, "a,b\n1,2\n").expect("write");
    bin()
        .args(["trace", "inspect"])
        .arg(&f)
        .assert()
        .failure()
        .stderr(predicate::str::contains(
            "x.csv:1: header: cannot tell the format",
        ));
}

#[test]
fn check_and_run_report_what_the_trace_holds_and_skipped() {
    bin()
        .args(["check", "scenarios/azure-sample.toml"])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "trace (azure2019): 100 functions in 100 apps, 339,657 invocations replayed in the 8h window\n",
        ));
    // Shaped: the count printed is the one replayed (defect: it showed 339,657 for both).
    for (extra, want) in [
        (
            "rate_multiplier = 2",
            "679,314 invocations replayed in the 8h window (339,657 traced x rate_multiplier 2)",
        ),
        (
            "rate_multiplier = 0.25",
            // 339,657 / 4 = 84,914.25
            "about 84,914 invocations expected in the 8h window (339,657 traced x \
             rate_multiplier 0.25; the realised count varies with the seed)",
        ),
    ] {
        let d = tempfile::tempdir().expect("tempdir");
        let text = std::fs::read_to_string("scenarios/azure-sample.toml")
            .expect("read")
            .replace("traces/azure2019-100fn/", &format!("{}/", excerpt("")))
            .replace("[workload.trace]", &format!("[workload.trace]\n{extra}"));
        std::fs::write(d.path().join("s.toml"), text).expect("write");
        bin()
            .arg("check")
            .arg(d.path().join("s.toml"))
            .assert()
            .success()
            .stderr(predicate::str::contains(want));
    }
    let d = tempfile::tempdir().expect("tempdir");
    let p = d.path();
    std::fs::write(
        p.join("inv.csv"),
        "HashOwner,HashApp,HashFunction,Trigger,1,2\no,a,f1,http,1,2\no,a,f2,http,4,0\n",
    )
    .expect("write");
    std::fs::write(
        p.join("dur.csv"),
        "HashOwner,HashApp,HashFunction,percentile_Average_0,percentile_Average_1,percentile_Average_25,percentile_Average_50,percentile_Average_75,percentile_Average_99,percentile_Average_100\no,a,f1,1,2,3,4,5,6,7\n",
    )
    .expect("write");
    let trace = "format = \"azure2019\"\ninvocations = \"inv.csv\"\ndurations = \"dur.csv\"\nmemory = \"128MB\"\n";
    std::fs::write(p.join("s.toml"), scenario_text("", trace)).expect("write");
    bin()
        .arg("run")
        .arg(p.join("s.toml"))
        .arg("--out")
        .arg(p.join("report"))
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "note: skipped 1 function (4 invocations): listed in no durations file",
        ));
    let summary = std::fs::read_to_string(p.join("report/summary.csv")).expect("summary");
    assert!(
        summary
            .lines()
            .nth(1)
            .expect("row")
            .starts_with("faas,faas,3,"),
        "{summary}"
    );
}

#[test]
fn a_malformed_trace_stops_the_run_with_its_location() {
    let d = tempfile::tempdir().expect("tempdir");
    let p = d.path();
    std::fs::write(
        p.join("t.csv"),
        "timestamp,function,duration_ms\n1,a,5\n0.5,a,5\n",
    )
    .expect("write");
    std::fs::write(
        p.join("s.toml"),
        scenario_text(
            "",
            "format = \"csv\"\nfile = \"t.csv\"\nmemory = \"128MB\"\n",
        ),
    )
    .expect("write");
    bin()
        .arg("run")
        .arg(p.join("s.toml"))
        .arg("--out")
        .arg(p.join("report"))
        .assert()
        .failure()
        .stderr(predicate::str::contains(
            "t.csv:3: timestamp (column 1): out of order",
        ));
    assert!(!p.join("report").exists());
}
