//! Helpers of the CLI error tests: a valid scenario to break one line at a time, and
//! runners that assert a located failure with no panic and no report.

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// A valid scenario; the tests break one line of it at a time.
pub const GOOD: &str = r#"name = "cli-test"
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

pub fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_serverless-sim"))
}

/// `GOOD` with `from` replaced by `to` (which must occur exactly once).
pub fn edit(from: &str, to: &str) -> String {
    assert_eq!(GOOD.matches(from).count(), 1, "{from:?} must occur once");
    GOOD.replacen(from, to, 1)
}

/// The 1-based line of the first occurrence of `needle` in `text`.
pub fn line_of(text: &str, needle: &str) -> usize {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in text"));
    text[..at].lines().count() + usize::from(text[..at].ends_with('\n') || at == 0)
}

/// Runs `run <file> --out <dir>/out` on `text` written as `bad.toml`; asserts failure, no
/// panic and no report folder; returns stderr and the file's path.
pub fn run_bad(text: &str) -> (String, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.toml");
    fs::write(&file, text).unwrap();
    let stderr = fail(&["run"], &file, dir.path());
    (stderr, file)
}

/// Runs `<args> <file> --out <dir>/out`, asserts a non-zero exit without a panic and no
/// report folder (nor a staging folder) under `dir`; returns stderr.
pub fn fail(args: &[&str], file: &Path, dir: &Path) -> String {
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
pub fn assert_located(stderr: &str, file: &Path, line: usize, field: &str) {
    let at = format!("{}:{line}:", file.display());
    assert!(stderr.contains(&at), "expected {at:?} in: {stderr}");
    assert!(
        stderr.contains(field),
        "expected field {field:?} in: {stderr}"
    );
}

/// Asserts stderr holds exactly `file:line:col: field: message`.
pub fn assert_exact(
    stderr: &str,
    file: &Path,
    line: usize,
    col: usize,
    field: &str,
    message: &str,
) {
    let want = format!("{}:{line}:{col}: {field}: {message}", file.display());
    assert!(stderr.contains(&want), "expected {want:?} in: {stderr}");
}

/// The 1-based column of `needle` on its line of `text`.
pub fn col_of(text: &str, needle: &str) -> usize {
    let at = text.find(needle).expect("needle");
    at - text[..at].rfind('\n').map_or(0, |i| i + 1) + 1
}

/// 1-based (line, column) of byte offset `at` in `text`.
pub fn line_col(text: &str, at: usize) -> (usize, usize) {
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let col = before[before.rfind('\n').map_or(0, |i| i + 1)..]
        .chars()
        .count()
        + 1;
    (line, col)
}

/// Runs the binary, asserting a failure with exit code `code`, no panic, and returning stderr.
pub fn fails(cmd: &mut Command, code: i32) -> String {
    let out = cmd.output().unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(code), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    stderr
}

/// Runs `run --quiet <file> --out <dir>/out` on `text` written as `scenario.toml`, asserting
/// success; returns the temporary folder (keep it alive) and the report folder.
pub fn run_ok(text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("scenario.toml");
    fs::write(&file, text).unwrap();
    let out = dir.path().join("out");
    let status = bin()
        .args(["run", "--quiet", "--out"])
        .arg(&out)
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    (dir, out)
}
