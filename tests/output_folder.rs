//! Report folders through the binary: `--out` never harms a user's files (a foreign folder, a
//! file or a link is refused and stays byte-identical), a previous report is replaced by one
//! complete report, Ctrl-C and SIGTERM while writing exit 130 leaving the previous report as it
//! was, a run killed outright leaves a staging folder the next run deletes (and nothing that is
//! not provably ours is deleted), concurrent runs on one folder both succeed and leave one
//! complete report, and OS errors are printed once.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command as StdCommand, Stdio};
use std::time::{Duration, Instant};

use assert_cmd::Command;

/// A small valid scenario (one minute, one function, one FaaS deployment).
const SCENARIO: &str = r#"name = "output-test"
seed = 3
duration = "1m"

[[workload.functions]]
name = "api"
memory = "256MB"
execution = { dist = "lognormal", median = "20ms", p99 = "120ms" }
arrivals = { process = "poisson", rate = "2/s" }

[[deployments]]
name = "faas"
[deployments.compute]
model = "faas"
cold_start = { dist = "constant", value = "250ms" }
keep_alive = { policy = "fixed", idle_timeout = "10s" }
[deployments.compute.billing]
requests = { usd = 0.20, per = 1_000_000 }
gb_seconds = { usd = 0.0000166667 }
"#;

/// The files of a run report, as the README lists them, sorted.
const REPORT_FILES: [&str; 13] = [
    "cost.png",
    "cost_latency.png",
    "cost_over_time.png",
    "costs.csv",
    "functions.csv",
    "instances.png",
    "keepalive.png",
    "latency.csv",
    "latency_cdf.png",
    "latency_over_time.png",
    "report.html",
    "summary.csv",
    "timeseries.csv",
];

/// The test-only hook that pauses a run once the report's files are staged.
const PAUSE: &str = "SERVERLESS_SIM_PAUSE_BEFORE_RENAME_MS";

const BIN: &str = env!("CARGO_BIN_EXE_serverless-sim");

fn bin() -> Command {
    Command::new(BIN)
}

/// A temporary folder holding `s.toml`.
fn setup() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = tmp.path().join("s.toml");
    fs::write(&scenario, SCENARIO).unwrap();
    (tmp, scenario)
}

/// `run <scenario> --out <out> --quiet --seed <seed>`, as a command to finish.
fn run(scenario: &Path, out: &Path, seed: u64) -> Command {
    let mut cmd = bin();
    cmd.arg("run")
        .arg(scenario)
        .arg("--out")
        .arg(out)
        .arg("--quiet")
        .args(["--seed", &seed.to_string()]);
    cmd
}

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

/// What a file system entry is, for byte-for-byte comparisons.
#[derive(Debug, PartialEq, Eq)]
enum Node {
    File(Vec<u8>),
    Dir,
    Link(PathBuf),
}

/// Everything under `root`, by relative path (links not followed).
fn snapshot(root: &Path) -> BTreeMap<PathBuf, Node> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, Node>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let rel = path.strip_prefix(root).unwrap().to_path_buf();
            let kind = fs::symlink_metadata(&path).unwrap().file_type();
            if kind.is_symlink() {
                out.insert(rel, Node::Link(fs::read_link(&path).unwrap()));
            } else if kind.is_dir() {
                out.insert(rel, Node::Dir);
                walk(root, &path, out);
            } else {
                out.insert(rel, Node::File(fs::read(&path).unwrap()));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(root, root, &mut out);
    out
}

/// The names in `dir`, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Asserts `dir` is one complete run report: its manifest says serverless-sim, lists exactly
/// the report's files, every one of them is there and nothing else is. Returns the seed.
fn assert_complete_report(dir: &Path) -> i64 {
    let text = fs::read_to_string(dir.join("manifest.toml")).expect("manifest.toml");
    let manifest: toml::Table = text.parse().expect("manifest parses");
    assert_eq!(manifest["tool"].as_str(), Some("serverless-sim"));
    assert_eq!(
        manifest["version"].as_str(),
        Some(env!("CARGO_PKG_VERSION"))
    );
    assert_eq!(manifest["scenario"].as_str(), Some("output-test"));
    assert!(manifest["warnings"].is_array(), "{text}");
    let listed: Vec<&str> = manifest["files"]
        .as_array()
        .expect("files")
        .iter()
        .map(|f| f.as_str().unwrap())
        .collect();
    assert_eq!(listed, REPORT_FILES, "{text}");
    let mut present = names(dir);
    present.retain(|n| n != "manifest.toml");
    assert_eq!(present, REPORT_FILES);
    for f in REPORT_FILES {
        assert!(fs::metadata(dir.join(f)).unwrap().len() > 0, "{f} is empty");
    }
    manifest["seed"].as_integer().expect("seed")
}

/// A folder that is a report by the rule (a manifest of ours listing its one file), made by
/// hand: cheaper than a run where only the rule matters.
fn fake_report(dir: &Path) {
    fs::create_dir_all(dir).unwrap();
    fs::write(
        dir.join("manifest.toml"),
        "tool = \"serverless-sim\"\ncommand = \"run\"\nfiles = [\"summary.csv\"]\n",
    )
    .unwrap();
    fs::write(dir.join("summary.csv"), "deployment\n").unwrap();
}

/// Runs the binary on a refused `out`: non-zero exit, no panic, an error naming `out`;
/// everything under `root` byte-identical afterwards. Returns stderr.
fn assert_refused(scenario: &Path, out: &Path, root: &Path) -> String {
    let before = snapshot(root);
    let output = run(scenario, out, 1).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(!output.status.success(), "exit 0 for {}", out.display());
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(
        stderr.contains(&format!("error: {}: ", out.display())),
        "the error must name {}: {stderr}",
        out.display()
    );
    assert_eq!(snapshot(root), before, "something changed: {stderr}");
    stderr
}

#[test]
fn a_folder_with_a_user_s_files_is_refused_and_left_byte_identical() {
    let (tmp, scenario) = setup();
    let docs = tmp.path().join("outs").join("mydocs");
    fs::create_dir_all(docs.join("sub")).unwrap();
    fs::write(docs.join("thesis.txt"), "draft\n").unwrap();
    fs::write(docs.join("sub").join("notes.md"), "- a\n").unwrap();
    let stderr = assert_refused(&scenario, &docs, tmp.path());
    assert!(
        stderr.contains("not empty and not a serverless-sim report"),
        "{stderr}"
    );

    // A report a user saved a file into is not deleted either.
    let report = tmp.path().join("outs").join("report");
    fake_report(&report);
    fs::write(report.join("my-notes.txt"), "keep\n").unwrap();
    let stderr = assert_refused(&scenario, &report, tmp.path());
    assert!(stderr.contains("(my-notes.txt)"), "{stderr}");

    // trace inspect follows the same rule.
    let before = snapshot(tmp.path());
    bin()
        .args(["trace", "inspect", "tests/data/traces/tiny.csv", "--out"])
        .arg(&docs)
        .assert()
        .failure()
        .stderr(predicates::str::contains(format!("{}: ", docs.display())));
    assert_eq!(snapshot(tmp.path()), before);
}

#[test]
fn a_forged_manifest_listing_a_user_s_files_does_not_get_them_deleted() {
    let (tmp, scenario) = setup();
    let docs = tmp.path().join("outs").join("mydocs");
    fs::create_dir_all(docs.join("chapters")).unwrap();
    fs::write(docs.join("thesis.txt"), "draft\n").unwrap();
    fs::write(docs.join("chapters").join("one.md"), "# One\n").unwrap();
    let forge = |files: &str| {
        fs::write(
            docs.join("manifest.toml"),
            format!(
                "tool = \"serverless-sim\"\ncommand = \"run\"\nfiles = [{files}]\nwarnings = []\n"
            ),
        )
        .unwrap();
    };
    forge(r#""thesis.txt", "chapters/one.md""#);
    let stderr = assert_refused(&scenario, &docs, tmp.path());
    assert!(
        stderr.contains(
            "listing chapters/one.md, thesis.txt which serverless-sim `run` never writes"
        ),
        "{stderr}"
    );
    // A sub-folder listed under a report file's name is not a report file.
    fs::remove_file(docs.join("thesis.txt")).unwrap();
    fs::rename(docs.join("chapters"), docs.join("summary.csv")).unwrap();
    forge(r#""summary.csv""#);
    let stderr = assert_refused(&scenario, &docs, tmp.path());
    assert!(
        stderr.contains("summary.csv is not a plain file"),
        "{stderr}"
    );
    // sweep and trace inspect go by the same rule.
    let before = snapshot(tmp.path());
    bin()
        .args(["sweep", "--param", "load=1,2", "--quiet", "--out"])
        .arg(&docs)
        .arg(&scenario)
        .assert()
        .failure()
        .stderr(predicates::str::contains("is not a plain file"));
    bin()
        .args(["trace", "inspect", "tests/data/traces/tiny.csv", "--out"])
        .arg(&docs)
        .assert()
        .failure()
        .stderr(predicates::str::contains("is not a plain file"));
    assert_eq!(snapshot(tmp.path()), before);
}

/// Sets `path`'s write bits off (`read_only`) or back on (for the owner).
fn set_read_only(path: &Path, read_only: bool) {
    let mut p = fs::metadata(path).unwrap().permissions();
    if read_only {
        p.set_readonly(true);
    } else {
        use std::os::unix::fs::PermissionsExt;
        p.set_mode(p.mode() | 0o200);
    }
    fs::set_permissions(path, p).unwrap();
}

/// Read-only is told by the permission bits, so this holds for the superuser too (whom the
/// bits do not stop, as in CI).
#[cfg(unix)]
#[test]
fn a_read_only_report_is_refused_untouched_and_no_working_folder_is_left() {
    let (tmp, scenario) = setup();
    let outs = tmp.path().join("outs");
    let out = outs.join("rep");
    run(&scenario, &out, 21).assert().success();
    set_read_only(&out.join("summary.csv"), true);
    let stderr = assert_refused(&scenario, &out, tmp.path());
    assert!(
        stderr.contains("is read-only (no write permission for anyone on summary.csv)"),
        "{stderr}"
    );
    set_read_only(&out.join("summary.csv"), false);
    set_read_only(&out, true);
    let stderr = assert_refused(&scenario, &out, tmp.path());
    assert!(stderr.contains("on the folder)"), "{stderr}");
    assert_eq!(names(&outs), ["rep"], "no working folder left");
    set_read_only(&out, false);
    run(&scenario, &out, 22).assert().success();
    assert_eq!(assert_complete_report(&out), 22);
    assert_eq!(names(&outs), ["rep"]);
}

#[cfg(unix)]
#[test]
fn a_file_a_link_and_a_path_through_a_file_are_refused_untouched() {
    let (tmp, scenario) = setup();
    let outs = tmp.path().join("outs");
    let docs = outs.join("mydocs");
    fs::create_dir_all(&docs).unwrap();
    fs::write(docs.join("thesis.txt"), "draft\n").unwrap();
    let file = outs.join("afile");
    fs::write(&file, "precious\n").unwrap();
    let stderr = assert_refused(&scenario, &file, tmp.path());
    assert!(stderr.contains("is a file, not a folder"), "{stderr}");

    let report = outs.join("report");
    fake_report(&report);
    let empty = outs.join("empty");
    fs::create_dir(&empty).unwrap();
    for (link, to) in [
        ("to-docs", &docs),
        ("to-file", &file),
        ("to-report", &report),
        ("to-empty", &empty),
    ] {
        let link = outs.join(link);
        std::os::unix::fs::symlink(to, &link).unwrap();
        let stderr = assert_refused(&scenario, &link, tmp.path());
        assert!(stderr.contains("symbolic link"), "{stderr}");
    }

    let stderr = assert_refused(&scenario, &file.join("rep"), tmp.path());
    assert!(
        stderr.contains(&format!("{} is a file, not a folder", file.display())),
        "{stderr}"
    );
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
