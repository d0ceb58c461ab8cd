//! Report folders through the binary (the refusals are output_refusals.rs): a previous report
//! is replaced by one complete report, Ctrl-C and SIGTERM while writing exit 130 leaving the
//! previous report as it was, a run killed outright leaves a staging folder the next run deletes (and nothing that is
//! not provably ours is deleted), concurrent runs on one folder both succeed and leave one
//! complete report, and OS errors are printed once.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command as StdCommand, Stdio};
use std::time::{Duration, Instant};

use common::output::*;

/// The test-only hook that pauses a run once the report's files are staged.
const PAUSE: &str = "SERVERLESS_SIM_PAUSE_BEFORE_RENAME_MS";

/// The same, started as a child with `pause_ms` of the test hook.
fn spawn_run(scenario: &Path, out: &Path, seed: u64, pause_ms: Option<u64>) -> Child {
    let mut cmd = StdCommand::new(BIN);
    cmd.arg("run")
        .arg(scenario)
        .arg("--out")
        .arg(out)
        .arg("--quiet")
        .args(["--seed", &seed.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    if let Some(ms) = pause_ms {
        cmd.env(PAUSE, ms.to_string());
    }
    cmd.spawn().unwrap()
}

#[test]
fn an_empty_folder_is_used_and_a_previous_report_replaced_by_a_complete_one() {
    let (tmp, scenario) = setup();
    let out = tmp.path().join("outs").join("rep");
    fs::create_dir_all(&out).unwrap();
    run(&scenario, &out, 11).assert().success();
    assert_eq!(assert_complete_report(&out), 11);
    run(&scenario, &out, 12).assert().success();
    assert_eq!(assert_complete_report(&out), 12);
    assert_eq!(names(&tmp.path().join("outs")), ["rep"]);
    // (A missing folder and its missing parent: the killed-run test below.)
}

/// Waits until `child` handles SIGINT (its handler is installed), per /proc.
fn wait_for_handler(child: &Child) {
    let status = PathBuf::from(format!("/proc/{}/status", child.id()));
    wait_until("the signal handler", || {
        fs::read_to_string(&status).is_ok_and(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("SigCgt:"))
                .and_then(|m| u64::from_str_radix(m.trim(), 16).ok())
                .is_some_and(|mask| mask & (1 << (libc::SIGINT - 1)) != 0)
        })
    });
}

/// Waits until `child` has staged every report file beside `out` (it then pauses).
fn wait_for_staging(child: &Child, out: &Path) -> PathBuf {
    let parent = out.parent().unwrap();
    let prefix = format!(
        ".{}.tmp-{}-",
        out.file_name().unwrap().to_string_lossy(),
        child.id()
    );
    let mut staging = None;
    wait_until("the staging folder", || {
        let Ok(entries) = fs::read_dir(parent) else {
            return false; // not created yet
        };
        staging = entries
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .find(|n| n.starts_with(&prefix))
            .map(|n| parent.join(n))
            .filter(|s| s.join("cost_over_time.png").exists());
        staging.is_some()
    });
    staging.unwrap()
}

fn wait_until(what: &str, mut ready: impl FnMut() -> bool) {
    let start = Instant::now();
    while !ready() {
        assert!(start.elapsed() < Duration::from_secs(20), "no {what}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn signal(child: &Child, sig: libc::c_int) {
    let pid = libc::pid_t::try_from(child.id()).unwrap();
    // SAFETY: sends a signal to our own child, which has not been waited for yet.
    assert_eq!(unsafe { libc::kill(pid, sig) }, 0);
}

#[cfg(target_os = "linux")]
#[test]
fn ctrl_c_or_sigterm_while_writing_exits_130_and_keeps_the_previous_report() {
    let (tmp, scenario) = setup();
    let outs = tmp.path().join("outs");
    let out = outs.join("rep");
    run(&scenario, &out, 21).assert().success();
    let before = snapshot(&outs);
    for sig in [libc::SIGINT, libc::SIGTERM] {
        let child = spawn_run(&scenario, &out, 22, Some(60_000));
        wait_for_handler(&child);
        let staging = wait_for_staging(&child, &out);
        signal(&child, sig);
        let output = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(130), "signal {sig}: {stderr}");
        assert!(stderr.contains("interrupted"), "{stderr}");
        assert!(!staging.exists(), "signal {sig} left {}", staging.display());
        assert_eq!(snapshot(&outs), before, "signal {sig}");
    }
    assert_eq!(assert_complete_report(&out), 21);
}

#[cfg(target_os = "linux")]
#[test]
fn ctrl_c_before_writing_exits_130_and_writes_nothing() {
    let (tmp, scenario) = setup();
    // Long enough to be simulating when the signal comes.
    let long = SCENARIO
        .replace(r#"duration = "1m""#, r#"duration = "1d""#)
        .replace(r#"rate = "2/s""#, r#"rate = "500/s""#);
    fs::write(&scenario, long).unwrap();
    let before = snapshot(tmp.path());
    let child = spawn_run(&scenario, &tmp.path().join("rep"), 1, None);
    wait_for_handler(&child);
    std::thread::sleep(Duration::from_millis(50));
    signal(&child, libc::SIGINT);
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(130));
    assert_eq!(snapshot(tmp.path()), before);
}

#[cfg(target_os = "linux")]
#[test]
fn a_killed_run_s_staging_folder_is_deleted_by_the_next_run_and_look_alikes_are_kept() {
    let (tmp, scenario) = setup();
    let outs = tmp.path().join("outs");
    let out = outs.join("rep");
    // Neither the folder nor its parent exists yet: both are created.
    let child = spawn_run(&scenario, &out, 31, Some(60_000));
    let pid = child.id();
    let staging = wait_for_staging(&child, &out);
    signal(&child, libc::SIGKILL);
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), None, "killed by the signal");
    assert!(
        staging.join("summary.csv").is_file(),
        "the kill left its staging folder"
    );
    assert!(!out.exists());

    // Same dead process, same naming, but no marker: not provably ours.
    let look_alike = outs.join(format!(".rep.tmp-{pid}-99"));
    fs::create_dir(&look_alike).unwrap();
    fs::write(look_alike.join("keep.txt"), "mine\n").unwrap();
    let look_alike_before = snapshot(&look_alike);

    run(&scenario, &out, 32).assert().success();
    assert_eq!(assert_complete_report(&out), 32);
    assert!(!staging.exists(), "stale staging folder not deleted");
    assert_eq!(
        names(&outs),
        [format!(".rep.tmp-{pid}-99"), "rep".to_owned()]
    );
    assert_eq!(snapshot(&look_alike), look_alike_before);
}

/// Starts two runs on `out` at once; asserts both succeed and `out` is one complete report
/// from one of them, alone in its folder.
fn race(scenario: &Path, out: &Path, seeds: [u64; 2]) {
    let children = seeds.map(|seed| spawn_run(scenario, out, seed, None));
    for child in children {
        let output = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "a concurrent run failed: {stderr}");
    }
    let seed = assert_complete_report(out);
    assert!(seeds.contains(&u64::try_from(seed).unwrap()), "seed {seed}");
    assert_eq!(names(out.parent().unwrap()), ["rep"]);
}

/// Copies the files of folder `from` into a new folder `to`.
fn copy_folder(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for name in names(from) {
        fs::copy(from.join(&name), to.join(&name)).unwrap();
    }
}

#[test]
fn concurrent_runs_on_one_folder_both_succeed_and_leave_one_complete_report() {
    let (tmp, scenario) = setup();
    let previous = tmp.path().join("previous");
    run(&scenario, &previous, 100).assert().success();
    // Runs are slow in debug builds (PNG encoding); the cheaper `trace inspect` races more.
    for pair in 0..2u64 {
        let out = tmp.path().join(format!("pair{pair}")).join("rep");
        if pair % 2 == 1 {
            // Half the pairs race to replace a previous report, half to create the folder.
            copy_folder(&previous, &out);
        }
        race(&scenario, &out, [2 * pair, 2 * pair + 1]);
    }
}

#[test]
fn concurrent_trace_inspects_on_one_folder_leave_one_complete_folder() {
    let tmp = tempfile::tempdir().unwrap();
    for pair in 0..14 {
        let out = tmp.path().join(format!("pair{pair}")).join("rep");
        if pair % 2 == 1 && pair > 1 {
            copy_folder(&tmp.path().join("pair0").join("rep"), &out);
        }
        let children = [0, 1].map(|_| {
            StdCommand::new(BIN)
                .args(["trace", "inspect", "tests/data/traces/tiny.csv", "--out"])
                .arg(&out)
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        });
        for child in children {
            let output = child.wait_with_output().unwrap();
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert!(output.status.success(), "pair {pair}: {stderr}");
        }
        assert_eq!(names(&out), ["invocations.png", "manifest.toml"]);
        let manifest: toml::Table = fs::read_to_string(out.join("manifest.toml"))
            .unwrap()
            .parse()
            .unwrap();
        assert_eq!(manifest["command"].as_str(), Some("trace inspect"));
        assert_eq!(names(out.parent().unwrap()), ["rep"]);
    }
}

#[test]
fn an_os_error_is_printed_once() {
    let (tmp, scenario) = setup();
    // Longer than any file system allows a name to be.
    let out = tmp.path().join("x".repeat(300));
    let output = run(&scenario, &out, 1).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert_eq!(stderr.matches("(os error").count(), 1, "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains(&out.display().to_string()), "{stderr}");
}

#[test]
fn the_help_states_the_folder_rule() {
    for args in [&["run", "--help"][..], &["trace", "inspect", "--help"]] {
        let output = bin().args(args).output().unwrap();
        let help = String::from_utf8_lossy(&output.stdout).replace('\n', " ");
        let help = help.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            help.contains("missing, empty, or a previous serverless-sim report"),
            "{args:?}: {help}"
        );
        assert!(
            help.contains("refused and left untouched"),
            "{args:?}: {help}"
        );
    }
}
