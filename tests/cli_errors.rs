//! Bad input through the binary: every mistake gives a non-zero exit, a message on stderr
//! naming the file, the line and column (`file:LINE:COL`) and the field, no panic, and no
//! report folder.

mod common;

use common::cli::*;
use std::fs;

#[test]
fn good_scenario_checks_and_runs() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("good.toml");
    fs::write(&file, GOOD).unwrap();
    bin()
        .arg("check")
        .arg(&file)
        .assert()
        .success()
        .stdout(predicates::str::contains("ok"));
    let out = dir.path().join("out");
    bin()
        .arg("run")
        .arg(&file)
        .arg("--out")
        .arg(&out)
        .arg("--quiet")
        .assert()
        .success();
    assert!(out.join("summary.csv").is_file());
}

#[test]
fn malformed_toml() {
    // A bare word where a value belongs; a table header missing a bracket.
    for (from, to, needle, field) in [
        (
            r#"memory = "256MB""#,
            "memory = 256MB",
            "memory =",
            "memory",
        ),
        (
            "[[deployments]]",
            "[[deployments]",
            "[[deployments]",
            "deployments",
        ),
    ] {
        let text = edit(from, to);
        let (stderr, file) = run_bad(&text);
        assert_located(&stderr, &file, line_of(&text, needle), field);
    }
}

#[test]
fn unknown_key() {
    let text = edit(
        "memory = \"256MB\"\n",
        "memory = \"256MB\"\ncolour = \"blue\"\n",
    );
    let (stderr, file) = run_bad(&text);
    assert_located(&stderr, &file, line_of(&text, "colour"), "colour");
}

#[test]
fn unknown_key_in_an_inline_table() {
    let text = edit(r#"policy = "fixed","#, r#"policy = "fixed", idle = "1m","#);
    let (stderr, file) = run_bad(&text);
    assert_located(&stderr, &file, line_of(&text, "keep_alive"), "idle");
}

#[test]
fn negative_rate() {
    let text = edit(r#"rate = "5/s""#, r#"rate = "-5/s""#);
    let (stderr, file) = run_bad(&text);
    assert_located(
        &stderr,
        &file,
        line_of(&text, "arrivals ="),
        "workload.functions[0].arrivals.rate",
    );
    assert!(stderr.contains("negative"), "{stderr}");
}

#[test]
fn zero_rate() {
    let text = edit(r#"rate = "5/s""#, r#"rate = "0/s""#);
    let (stderr, file) = run_bad(&text);
    assert_located(
        &stderr,
        &file,
        line_of(&text, "arrivals ="),
        "workload.functions[0].arrivals.rate",
    );
}

#[test]
fn unknown_units() {
    for (from, to, needle, field) in [
        (
            r#"idle_timeout = "10m""#,
            r#"idle_timeout = "10 fortnights""#,
            "keep_alive",
            "deployments[0].compute.keep_alive.idle_timeout",
        ),
        (
            r#"rate = "5/s""#,
            r#"rate = "5/fortnight""#,
            "arrivals =",
            "workload.functions[0].arrivals.rate",
        ),
        (
            r#"memory = "256MB""#,
            r#"memory = "256TB""#,
            "memory =",
            "workload.functions[0].memory",
        ),
        (
            r#"duration = "10m""#,
            r#"duration = "10""#,
            "duration =",
            "duration",
        ),
    ] {
        let text = edit(from, to);
        let (stderr, file) = run_bad(&text);
        assert_located(&stderr, &file, line_of(&text, needle), field);
    }
}

#[test]
fn missing_deployments() {
    let cut = GOOD.find("[[deployments]]").unwrap();
    let (stderr, file) = run_bad(&GOOD[..cut]);
    // Nothing to point at: the error concerns the file as a whole.
    assert!(stderr.contains(&file.display().to_string()), "{stderr}");
    assert!(stderr.contains("deployments"), "{stderr}");
    assert!(stderr.contains("missing"), "{stderr}");
}

#[test]
fn empty_workload() {
    let start = GOOD.find("[[workload.functions]]").unwrap();
    let end = GOOD.find("[[deployments]]").unwrap();
    let text = format!(
        "{}workload = {{ functions = [] }}\n\n{}",
        &GOOD[..start],
        &GOOD[end..]
    );
    // The deployment's service call check has nothing to check against; the empty list is
    // the error.
    let (stderr, file) = run_bad(&text);
    assert_located(
        &stderr,
        &file,
        line_of(&text, "workload ="),
        "workload.functions",
    );
}

#[test]
fn unknown_service_called_by_a_function() {
    let text = edit(
        "calls = { db = { read = 2 } }",
        "calls = { cache = { get = 1 } }",
    );
    let (stderr, file) = run_bad(&text);
    assert_located(
        &stderr,
        &file,
        line_of(&text, "name = \"faas\""),
        "deployments[0].services",
    );
    assert!(stderr.contains("cache"), "{stderr}");
}

#[test]
fn missing_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("nowhere.toml");
    let stderr = fail(&["run"], &file, dir.path());
    assert!(stderr.contains("nowhere.toml"), "{stderr}");
    let output = bin().arg("check").arg(&file).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(stderr.contains("nowhere.toml"), "{stderr}");
}

#[test]
fn bad_seed_flag() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.toml");
    fs::write(&file, GOOD).unwrap();
    let out = dir.path().join("out");
    let output = bin()
        .arg("run")
        .arg(&file)
        .args(["--seed", "abc", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(
        stderr.contains("--seed") && stderr.contains("abc"),
        "{stderr}"
    );
    assert!(!out.exists());
}

#[test]
fn check_reports_the_same_located_error() {
    let text = edit(r#"rate = "5/s""#, r#"rate = "0/s""#);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.toml");
    fs::write(&file, &text).unwrap();
    let output = bin().arg("check").arg(&file).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert_located(
        &stderr,
        &file,
        line_of(&text, "arrivals ="),
        "workload.functions[0].arrivals.rate",
    );
}

#[test]
fn unterminated_string_is_blamed_on_its_own_line() {
    let text = edit(r#"rate = "5/s" }"#, r#"rate = "5/s }"#);
    let (stderr, file) = run_bad(&text);
    assert_located(&stderr, &file, line_of(&text, "arrivals ="), "rate");
}

#[test]
fn a_window_too_long_for_its_buckets_is_refused_before_allocating() {
    // 3,000 days at the default one-minute bucket would be 4,320,000 buckets.
    let text = edit(r#"duration = "10m""#, r#"duration = "3000d""#);
    let (stderr, file) = run_bad(&text);
    assert!(
        stderr.contains(&format!(
            "{}: bucket: the window would need 4320000",
            file.display()
        )),
        "{stderr}"
    );
    let text = edit(
        r#"duration = "10m""#,
        "duration = \"3000d\"\nbucket = \"1s\"",
    );
    let (stderr, file) = run_bad(&text);
    assert_located(&stderr, &file, line_of(&text, "bucket ="), "bucket");
}
