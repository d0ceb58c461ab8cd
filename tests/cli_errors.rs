//! Bad input through the binary: every mistake gives a non-zero exit, a message on stderr
//! naming the file, the line and column (`file:LINE:COL`) and the field, no panic, and no
//! report folder.

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// A valid scenario; the tests break one line of it at a time.
const GOOD: &str = r#"name = "cli-test"
seed = 3
duration = "10m"

[[workload.functions]]
name = "api"
memory = "256MB"
execution = { dist = "lognormal", median = "20ms", p99 = "120ms" }
arrivals = { process = "poisson", rate = "5/s" }
calls = { db = { read = 2 } }

[[deployments]]
name = "faas"
[deployments.compute]
model = "faas"
cold_start = { dist = "lognormal", median = "250ms", p99 = "700ms" }
keep_alive = { policy = "fixed", idle_timeout = "10m" }
[deployments.compute.billing]
requests = { usd = 0.20, per = 1_000_000 }
gb_seconds = { usd = 0.0000166667 }
[[deployments.services]]
name = "db"
latency = { dist = "constant", value = "3ms" }
operations.read = { price = { usd = 0.25, per = 1_000_000 } }
"#;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_serverless-sim"))
}

/// `GOOD` with `from` replaced by `to` (which must occur exactly once).
fn edit(from: &str, to: &str) -> String {
    assert_eq!(GOOD.matches(from).count(), 1, "{from:?} must occur once");
    GOOD.replacen(from, to, 1)
}

/// The 1-based line of the first occurrence of `needle` in `text`.
fn line_of(text: &str, needle: &str) -> usize {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in text"));
    text[..at].lines().count() + usize::from(text[..at].ends_with('\n') || at == 0)
}

/// Runs `run <file> --out <dir>/out` on `text` written as `bad.toml`; asserts failure, no
/// panic and no report folder; returns stderr and the file's path.
fn run_bad(text: &str) -> (String, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.toml");
    fs::write(&file, text).unwrap();
    let stderr = fail(&["run"], &file, dir.path());
    (stderr, file)
}

/// Runs `<args> <file> --out <dir>/out`, asserts a non-zero exit without a panic and no
/// report folder (nor a staging folder) under `dir`; returns stderr.
fn fail(args: &[&str], file: &Path, dir: &Path) -> String {
    let out = dir.join("out");
    let output = bin()
        .args(args)
        .arg(file)
        .arg("--out")
        .arg(&out)
        .output()
        .expect("run binary");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(!output.status.success(), "exit 0; stderr: {stderr}");
    assert!(!stderr.contains("panicked"), "panic: {stderr}");
    assert!(!out.exists(), "a report folder was written: {stderr}");
    let leftovers: Vec<_> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n != "bad.toml")
        .collect();
    assert!(leftovers.is_empty(), "left behind {leftovers:?}");
    stderr
}

/// Asserts stderr names `file:line:` and `field`.
fn assert_located(stderr: &str, file: &Path, line: usize, field: &str) {
    let at = format!("{}:{line}:", file.display());
    assert!(stderr.contains(&at), "expected {at:?} in: {stderr}");
    assert!(
        stderr.contains(field),
        "expected field {field:?} in: {stderr}"
    );
}

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

/// Asserts stderr holds exactly `file:line:col: field: message`.
fn assert_exact(stderr: &str, file: &Path, line: usize, col: usize, field: &str, message: &str) {
    let want = format!("{}:{line}:{col}: {field}: {message}", file.display());
    assert!(stderr.contains(&want), "expected {want:?} in: {stderr}");
}

/// The 1-based column of `needle` on its line of `text`.
fn col_of(text: &str, needle: &str) -> usize {
    let at = text.find(needle).expect("needle");
    at - text[..at].rfind('\n').map_or(0, |i| i + 1) + 1
}

#[test]
fn counts_name_their_real_range_and_the_value() {
    let text = edit(
        "keep_alive = { policy = \"fixed\", idle_timeout = \"10m\" }\n",
        "keep_alive = { policy = \"fixed\", idle_timeout = \"10m\" }\naccount_concurrency = 4294967296\n",
    );
    let (stderr, file) = run_bad(&text);
    assert_exact(
        &stderr,
        &file,
        line_of(&text, "account_concurrency"),
        23,
        "deployments[0].compute.account_concurrency",
        "must be a whole number from 1 to 4294967295 (got 4294967296)",
    );
    // Above i64: TOML itself cannot hold it; the range is still given.
    let text = edit("seed = 3", "seed = 99999999999999999999");
    let (stderr, file) = run_bad(&text);
    assert_exact(
        &stderr,
        &file,
        2,
        8,
        "seed",
        "must be a whole number from -9223372036854775808 to 9223372036854775807 (got 99999999999999999999)",
    );
}

#[test]
fn nan_and_infinite_prices_show_the_value() {
    for (bad, shown) in [
        ("nan", "nan"),
        ("inf", "inf"),
        ("-inf", "-inf"),
        ("-0.5", "-0.5"),
    ] {
        let text = edit(
            "requests = { usd = 0.20,",
            &format!("requests = {{ usd = {bad},"),
        );
        let (stderr, file) = run_bad(&text);
        assert_exact(
            &stderr,
            &file,
            line_of(&text, "requests ="),
            20,
            "deployments[0].compute.billing.requests.usd",
            &format!("must be a finite number >= 0 (got {shown})"),
        );
    }
}

#[test]
fn names_must_be_safe_folder_names() {
    let allowed = "is not a safe folder name: use 1 to 100 ASCII letters, digits, '-', '_' and '.', not starting with '.'";
    for bad in ["..", ".", ".hidden", "a/b", "", "é"] {
        let text = edit("name = \"cli-test\"", &format!("name = \"{bad}\""));
        let (stderr, file) = run_bad(&text);
        assert_exact(&stderr, &file, 1, 8, "name", &format!("'{bad}' {allowed}"));
    }
    let long = "a".repeat(101);
    let text = edit("name = \"cli-test\"", &format!("name = \"{long}\""));
    let (stderr, file) = run_bad(&text);
    assert_exact(&stderr, &file, 1, 8, "name", &format!("'{long}' {allowed}"));
    // Dots inside a name are fine.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ok.toml");
    fs::write(&file, edit("name = \"cli-test\"", "name = \"v1.2_a-b\"")).unwrap();
    bin().arg("check").arg(&file).assert().success();
}

#[test]
fn toml_type_errors_give_the_full_path_and_a_human_type() {
    for (from, to, needle, field, message) in [
        (
            r#"idle_timeout = "10m""#,
            "idle_timeout = 10",
            "10 }",
            "deployments[0].compute.keep_alive.idle_timeout",
            "must be a string such as \"10m\" (got 10)",
        ),
        (
            r#"rate = "5/s""#,
            "rate = 5",
            "5 }",
            "workload.functions[0].arrivals.rate",
            "must be a string such as \"50/s\" (got 5)",
        ),
        (
            r#"memory = "256MB""#,
            "memory = 256",
            "256",
            "workload.functions[0].memory",
            "must be a string such as \"512MB\" (got 256)",
        ),
        (
            "read = 2",
            "read = \"2\"",
            "\"2\"",
            "workload.functions[0].calls.db.read",
            "must be a whole number (got the string \"2\")",
        ),
        (
            "read = 2",
            "read = 2.5",
            "2.5",
            "workload.functions[0].calls.db.read",
            "must be a whole number (got 2.5)",
        ),
        (
            "usd = 0.25,",
            "usd = \"cheap\",",
            "\"cheap\"",
            "deployments[0].services[0].operations.read.price.usd",
            "must be a number (got the string \"cheap\")",
        ),
        (
            r#"keep_alive = { policy = "fixed", idle_timeout = "10m" }"#,
            r#"keep_alive = { policy = "fixed", idle = "10m" }"#,
            "idle =",
            "deployments[0].compute.keep_alive.idle",
            "unknown key 'idle' (allowed here: policy, idle_timeout)",
        ),
    ] {
        let text = edit(from, to);
        let (stderr, file) = run_bad(&text);
        assert_exact(
            &stderr,
            &file,
            line_of(&text, needle),
            col_of(&text, needle),
            field,
            message,
        );
        assert!(
            !stderr.contains("i64") && !stderr.contains("f64") && !stderr.contains("struct "),
            "{stderr}"
        );
    }
}

#[test]
fn duplicate_keys_name_the_table_they_are_in() {
    let text = edit(
        "model = \"faas\"\n",
        "model = \"faas\"\nmodel = \"fleet\"\n",
    );
    let (stderr, file) = run_bad(&text);
    assert_exact(
        &stderr,
        &file,
        line_of(&text, "model = \"fleet\""),
        1,
        "deployments[0].compute.model",
        "duplicate key",
    );
}

#[test]
fn a_bad_profile_element_is_named_by_its_index() {
    let text = edit(
        r#"arrivals = { process = "poisson", rate = "5/s" }"#,
        "arrivals = { process = \"daily\", rate = \"5/s\", profile = [1, 0.5,\n  nan, 2] }",
    );
    let (stderr, file) = run_bad(&text);
    assert_exact(
        &stderr,
        &file,
        line_of(&text, "nan"),
        3,
        "workload.functions[0].arrivals.profile[2]",
        "must be a finite multiplier >= 0 (got nan)",
    );
    let text = edit(
        r#"arrivals = { process = "poisson", rate = "5/s" }"#,
        r#"arrivals = { process = "daily", rate = "5/s", profile = [1, "x"] }"#,
    );
    let (stderr, file) = run_bad(&text);
    assert_exact(
        &stderr,
        &file,
        line_of(&text, "profile"),
        col_of(&text, "\"x\""),
        "workload.functions[0].arrivals.profile[1]",
        "must be a number (got the string \"x\")",
    );
}

#[test]
fn a_list_where_a_table_belongs_is_refused_not_read_positionally() {
    // serde would read ["fixed", "10m"] field by field as { policy, idle_timeout }.
    for list in [r#"["fixed", "10m"]"#, "[1]", "[]"] {
        let text = edit(
            r#"keep_alive = { policy = "fixed", idle_timeout = "10m" }"#,
            &format!("keep_alive = {list}"),
        );
        let (stderr, file) = run_bad(&text);
        assert_exact(
            &stderr,
            &file,
            line_of(&text, "keep_alive"),
            14,
            "deployments[0].compute.keep_alive",
            &format!("must not be a list (got {list}): write a table {{ ... }} or a single value"),
        );
    }
}
