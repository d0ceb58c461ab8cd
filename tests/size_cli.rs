//! The size of a run through the binary: `check` prints the estimate after its `ok` line;
//! `check` and `run` refuse a run above the limits (exit non-zero, the estimate and the flag
//! `--allow-large` named, no report) unless that flag is given; per-call work and `--threads`
//! are bounded; the progress bar never reaches a stderr that is not a terminal.

use std::fs;
use std::path::Path;

use assert_cmd::Command;

/// One Poisson function at `rate` for `duration`, with `calls`, on a FaaS deployment with a
/// fixed keep-alive and a `db` service.
fn scenario(duration: &str, arrivals: &str, calls: &str) -> String {
    format!(
        r#"name = "size"
duration = "{duration}"
[[workload.functions]]
name = "api"
memory = "256MB"
execution = {{ dist = "constant", value = "20ms" }}
arrivals = {arrivals}
calls = {calls}

[[deployments]]
name = "lam"
[deployments.compute]
model = "faas"
cold_start = {{ dist = "constant", value = "250ms" }}
keep_alive = {{ policy = "fixed", idle_timeout = "10m" }}
[deployments.compute.billing]
requests = {{ usd = 0.20, per = 1_000_000 }}
gb_seconds = {{ usd = 0.0000166667 }}
[[deployments.services]]
name = "db"
latency = {{ dist = "constant", value = "1ms" }}
operations.read = {{ price = {{ usd = 0.25, per = 1_000_000 }} }}
operations.write = {{ price = {{ usd = 1.25, per = 1_000_000 }} }}
"#
    )
}

const POISSON_5: &str = r#"{ process = "poisson", rate = "5/s" }"#;
const HUGE_RATE: &str = r#"{ process = "poisson", rate = "1e12/s" }"#;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_serverless-sim"))
}

/// Writes `text` as `s.toml` in a fresh folder and runs the binary on it with `args` (the
/// file goes after the first argument), `--out <dir>/out` for `run`.
fn exec(args: &[&str], text: &str) -> (std::process::Output, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("s.toml");
    fs::write(&file, text).unwrap();
    let mut cmd = bin();
    cmd.arg(args[0]).arg(&file).args(&args[1..]);
    if args[0] == "run" || args[0] == "sweep" {
        cmd.arg("--out").arg(dir.path().join("out"));
    }
    (cmd.output().expect("run binary"), dir)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Asserts a failed exit without a panic and without a report; returns stderr.
fn refused(output: &std::process::Output, dir: &Path) -> String {
    let stderr = text(&output.stderr);
    assert!(!output.status.success(), "exit 0: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!dir.join("out").exists(), "a report was written");
    stderr
}

#[test]
fn check_prints_the_estimate_after_its_ok_line() {
    let (out, dir) = exec(
        &["check"],
        &scenario("10m", POISSON_5, "{ db = { read = 2 } }"),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    let file = dir.path().join("s.toml");
    assert_eq!(
        lines[0],
        format!(
            "{}: ok (1 functions, 1 deployments, window 600 s)",
            file.display()
        )
    );
    // Each function's traffic: 5/s x 600 s = 3,000 requests.
    assert_eq!(
        lines[1],
        "rate: api: poisson, mean 5/s, 3,000 expected in the window"
    );
    // 5/s x 600 s = 3,000 requests (sd sqrt(3,000) = 55); FaaS with keep-alive: at most 4
    // events a request plus 2 reads: 18,000.
    assert!(
        lines[2].starts_with(
            "estimate: lam (faas): 3,000 requests (sd 55), at most 18,000 events, memory about "
        ),
        "{}",
        lines[2]
    );
    assert!(
        lines[3].starts_with("estimate: in all 18,000 events (limit 10,000,000,000), memory "),
        "{}",
        lines[3]
    );
    // Reading the file: 70 bytes of memory per byte of text, no preset.
    let size = fs::metadata(&file).unwrap().len();
    assert!(
        lines[4].starts_with(&format!(
            "estimate: reading the scenario file ({size} B): memory about {:.1} KiB",
            size as f64 * 70.0 / 1024.0
        )),
        "{}",
        lines[4]
    );
    // Then the billing month the scenario projects to: the default, 30.4375 days of 24 h.
    assert_eq!(lines[5], "month = 730.5 h (30.4375 days)");
    assert_eq!(lines.len(), 6);
}

#[test]
fn a_huge_rate_is_refused_by_run_and_check_unless_allowed() {
    let bad = scenario("1h", HUGE_RATE, "{}");
    for command in ["run", "check"] {
        let (out, dir) = exec(&[command], &bad);
        let stderr = refused(&out, dir.path());
        // 1e12/s x 3,600 s = 3.6e15 requests, 4 events each.
        assert!(
            stderr.contains("s.toml: the run is too large: 1.44e16 engine events")
                && stderr.contains("3.60e15 expected requests per deployment")
                && stderr.contains("most from function 'api'")
                && stderr.contains("pass --allow-large to run it anyway")
                && stderr.contains("estimate: lam (faas): 3.60e15 requests"),
            "{command}: {stderr}"
        );
    }
    let (out, _dir) = exec(&["check", "--allow-large"], &bad);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("estimate: lam (faas): 3.60e15 requests"));
}

#[test]
fn a_timer_every_microsecond_for_an_hour_is_refused() {
    // 3.6e9 requests x 4 events = 1.44e10 > 1e10.
    let every = r#"{ process = "fixed_interval", every = "1us" }"#;
    let (out, dir) = exec(&["run"], &scenario("1h", every, "{}"));
    let stderr = refused(&out, dir.path());
    assert!(
        stderr.contains("14,400,000,000 engine events") && stderr.contains("--allow-large"),
        "{stderr}"
    );
}

#[test]
fn backend_operations_per_call_are_bounded() {
    let text_of = |calls: &str| scenario("10m", POISSON_5, calls);
    let cases = [
        (
            "{ db = { read = 1000000000 } }",
            "1000000000",
            "workload.functions[0].calls.db.read: must be a whole number from 0 to 10000 (got \
             1000000000)",
        ),
        (
            "{ db = { read = 6000, write = 5000 } }",
            "5000",
            "workload.functions[0].calls: backend operations per call add up to 11000 with \
             db.write = 5000, more than 10000",
        ),
    ];
    for (calls, value, message) in cases {
        let t = text_of(calls);
        let (out, dir) = exec(&["run"], &t);
        let stderr = refused(&out, dir.path());
        let line = t.lines().position(|l| l.starts_with("calls")).unwrap() + 1;
        let column = t.lines().nth(line - 1).unwrap().find(value).unwrap() + 1;
        let at = format!("{}:{line}:{column}: ", dir.path().join("s.toml").display());
        assert!(
            stderr.contains(&format!("{at}{message}")),
            "want {at}{message}\n in {stderr}"
        );
    }
    // 10,000 in all is allowed.
    let (out, _dir) = exec(
        &["check"],
        &text_of("{ db = { read = 6000, write = 4000 } }"),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
}

#[test]
fn threads_are_bounded() {
    let good = scenario("1m", POISSON_5, "{}");
    for n in ["0", "257", "100000"] {
        let (out, dir) = exec(&["run", "--threads", n], &good);
        let stderr = refused(&out, dir.path());
        assert!(
            stderr.contains(&format!("invalid value '{n}' for '--threads <N>'"))
                && stderr.contains("not in 1..=256"),
            "{stderr}"
        );
    }
    for n in ["1", "256"] {
        let (out, dir) = exec(&["run", "--threads", n, "--quiet"], &good);
        assert!(out.status.success(), "{n}: {}", text(&out.stderr));
        assert!(dir.path().join("out/summary.csv").is_file());
    }
}

#[test]
fn no_progress_bar_on_a_stderr_that_is_not_a_terminal() {
    // 200/s for an hour with keep-alive: 720,000 requests, a couple of seconds in a debug
    // build, longer than the bar's half-second delay.
    let busy = r#"{ process = "poisson", rate = "200/s" }"#;
    let (out, dir) = exec(&["run"], &scenario("1h", busy, "{}"));
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(!stderr.contains("simulating"), "{stderr}");
    assert!(
        !stderr.contains('\r') && !stderr.contains('\u{1b}'),
        "{stderr:?}"
    );
    assert!(text(&out.stdout).contains("reports written to"));
    // The same numbers as a quiet run.
    let (quiet, qdir) = exec(&["run", "--quiet"], &scenario("1h", busy, "{}"));
    assert!(quiet.status.success());
    for file in ["summary.csv", "timeseries.csv", "latency.csv"] {
        assert_eq!(
            fs::read(dir.path().join("out").join(file)).unwrap(),
            fs::read(qdir.path().join("out").join(file)).unwrap(),
            "{file}"
        );
    }
}

#[test]
fn a_terminal_gets_a_progress_bar_unless_quiet() {
    // `script` (util-linux) gives the binary a pseudo-terminal; it is part of every Debian
    // base system, so its absence is an error here rather than a reason to skip.
    let busy = r#"{ process = "poisson", rate = "1000/s" }"#;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("s.toml");
    // Long enough to outlast the bar's half-second delay in either build: 3.6 M requests
    // take seconds in a debug build, 36 M in an optimised one (a release `cargo test`).
    let (duration, total) = if cfg!(debug_assertions) {
        ("1h", "/3,600,000 requests")
    } else {
        ("10h", "/36,000,000 requests")
    };
    fs::write(&file, scenario(duration, busy, "{}")).unwrap();
    let on_terminal = |extra: &str| {
        let command = format!(
            "{} run {} --out {} {extra}",
            env!("CARGO_BIN_EXE_serverless-sim"),
            file.display(),
            dir.path().join("out").display()
        );
        let out = std::process::Command::new("script")
            .args(["-qec", &command, "/dev/null"])
            .output()
            .expect("util-linux `script` runs");
        assert!(out.status.success(), "{}", text(&out.stderr));
        text(&out.stdout)
    };
    let shown = on_terminal("");
    assert!(
        shown.contains("simulating") && shown.contains(total) && shown.contains("ETA"),
        "{shown:?}"
    );
    let quiet = on_terminal("--quiet");
    assert!(!quiet.contains("simulating"), "{quiet:?}");
}

#[test]
fn allow_large_lets_run_go_ahead() {
    // A queue that may hold 2^32 - 1 requests is a 128 GiB bound, whatever the load: refused,
    // unless allowed; this load (5/s, one at a time) never queues much, so the run is quick.
    let deep = r#"
[[deployments]]
name = "deep"
[deployments.compute]
model = "fleet"
instances = 1
workers = 4
queue_limit = 4294967295
[deployments.compute.billing]
instance_hours = { usd = 0.1 }
[[deployments.services]]
name = "db"
latency = { dist = "constant", value = "1ms" }
operations.read = { price = { usd = 0.25, per = 1_000_000 } }
operations.write = { price = { usd = 1.25, per = 1_000_000 } }
"#;
    let t = scenario("1m", POISSON_5, "{}") + deep;
    let (out, dir) = exec(&["run"], &t);
    let stderr = refused(&out, dir.path());
    assert!(
        stderr.contains("of memory (limit 8.0 GiB) (largest: deployment 'deep'")
            && stderr.contains("--allow-large"),
        "{stderr}"
    );
    let (out, dir) = exec(&["run", "--allow-large", "--quiet"], &t);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(dir.path().join("out/summary.csv").is_file());
    // Still said, as a warning.
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("warning: going ahead as --allow-large asks: the run is too large: "),
        "{stderr}"
    );
}

#[test]
fn a_file_too_large_to_read_is_refused_before_it_is_parsed() {
    // 620,000 lines `#pricing` (9 bytes each, 5.58 MB) would, counted as preset references
    // at 13 KiB each, take 620,000 x 13,312 = 8.25e9 bytes, plus 70 per byte of text
    // (5,580,000 + the scenario's 900 or so, x 70 = 3.9e8): 8.644e9 bytes = 8.05 GiB, past
    // the 8 GiB limit. Refused by `check` and `run` before
    // any parsing, naming the references and the flag (`sweep` too, which parses the file
    // at every point); with the flag it is read (comments).
    let big = format!(
        "{}{}",
        "#pricing\n".repeat(620_000),
        scenario("10m", POISSON_5, "{}")
    );
    for command in [&["check"][..], &["run"], &["sweep", "--param", "load=1,2"]] {
        let (out, dir) = exec(command, &big);
        let stderr = refused(&out, dir.path());
        assert!(
            stderr.contains("s.toml: the scenario file is too large to read: 5.3 MiB of text with 620000 preset references would take about 8.1 GiB of memory to parse (limit 8.0 GiB")
                && stderr.contains("pass --allow-large to read it anyway"),
            "{command:?}: {stderr}"
        );
    }
    let (out, _dir) = exec(&["check", "--allow-large"], &big);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("warning: going ahead as --allow-large asks"));
}
