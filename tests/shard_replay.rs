//! Sharded trace replays through the binary: `run --shard K/N` for every K and `merge` give
//! the unsharded run's report folder byte for byte (every file: CSVs, charts, report.html,
//! manifest, summary.json), whatever order the parts are given in; couplings between apps are
//! refused naming the scenario key, or approximated and said so with --shard-approximate;
//! merge refuses parts of other runs, a missing shard and a shard given twice.
//!
//! The expected files are those of the plain `run`: nothing here is computed by the merge
//! under test.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::cli::bin;

/// The test scenario (the Azure 2019 excerpt, 90 minutes, FaaS deployments with a fixed
/// fee, a scale-up rate, hybrid keep-alive, app pools and provisioned instances), as the
/// command line names it from the repository's root.
const SCENARIO: &str = "tests/data/shard/azure-faas.toml";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Runs the binary from the repository's root; returns (exit code, stdout, stderr).
fn sim(args: &[&str]) -> (i32, String, String) {
    let out = bin().current_dir(root()).args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn ok(args: &[&str]) -> String {
    let (code, stdout, stderr) = sim(args);
    assert_eq!(code, 0, "{args:?}: {stderr}");
    stdout
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Every file of `dir`, by name, with its bytes.
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut all: Vec<(String, Vec<u8>)> = fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    all.sort();
    all
}

fn assert_same_folder(want: &Path, got: &Path) {
    let (want, got) = (files(want), files(got));
    let names = |v: &[(String, Vec<u8>)]| v.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    assert_eq!(names(&want), names(&got));
    for ((name, a), (_, b)) in want.iter().zip(&got) {
        assert!(a == b, "{name} differs from the unsharded run's");
    }
}

/// Writes the 4 parts of `scenario` (extra flags `flags`) under `tmp`, returning their
/// folders in shard order.
fn parts(tmp: &Path, scenario: &str, flags: &[&str]) -> Vec<PathBuf> {
    (0..4)
        .map(|k| {
            let dir = tmp.join(format!("part{k}"));
            let shard = format!("{k}/4");
            let mut args = vec!["run", scenario, "--shard", &shard, "--out", s(&dir)];
            args.extend_from_slice(flags);
            let stdout = ok(&args);
            assert!(stdout.contains(&format!("shard {k}/4")), "{stdout}");
            dir
        })
        .collect()
}

#[test]
fn four_shards_merged_in_any_order_are_the_unsharded_run_byte_for_byte() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let whole = t.join("whole");
    let printed = ok(&["run", SCENARIO, "--out", s(&whole), "--format", "json"]);
    let p = parts(t, SCENARIO, &[]);
    // Every shard replays some of the trace's apps, and they add up to the whole.
    let requests: u64 = p
        .iter()
        .map(|dir| {
            let part: serde_json::Value =
                serde_json::from_str(&fs::read_to_string(dir.join("part.json")).unwrap()).unwrap();
            part["deployments"][0]["recorder"]["totals"]["requests"]
                .as_u64()
                .unwrap()
        })
        .collect::<Vec<_>>()
        .iter()
        .inspect(|&&n| assert!(n > 0))
        .sum();
    let summary = fs::read_to_string(whole.join("summary.csv")).unwrap();
    let first_row: Vec<&str> = summary.lines().nth(1).unwrap().split(',').collect();
    assert_eq!(requests.to_string(), first_row[2]);

    for (name, order) in [("merged", [0, 1, 2, 3]), ("shuffled", [2, 0, 3, 1])] {
        let out = t.join(name);
        let mut args = vec!["merge", s(&out)];
        args.extend(order.iter().map(|&k| s(&p[k])));
        args.extend(["--format", "json"]);
        let merged_printed = ok(&args);
        assert_eq!(merged_printed, printed, "merge prints what run prints");
        assert_same_folder(&whole, &out);
    }
    // The text table too.
    let text_whole = t.join("text-whole");
    let table = ok(&["run", SCENARIO, "--out", s(&text_whole)]);
    let text_merged = t.join("text-merged");
    let mut args = vec!["merge", s(&text_merged)];
    args.extend(p.iter().rev().map(|d| s(d)));
    let merged_table = ok(&args);
    let without_path = |x: &str| {
        x.lines()
            .filter(|l| !l.starts_with("reports written"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(without_path(&table), without_path(&merged_table));
    assert_same_folder(&text_whole, &text_merged);
}

/// The test scenario with `extra` added to its first deployment's compute table, written to
/// `dir` with the trace's paths made absolute.
fn variant(dir: &Path, name: &str, extra: &str) -> PathBuf {
    let text = fs::read_to_string(root().join(SCENARIO)).unwrap();
    let traces = root().join("scenarios/traces/azure2019-100fn");
    let text = text
        .replace("../../../scenarios/traces/azure2019-100fn", s(&traces))
        .replace(
            "scale_up_rate = \"20/10s\"",
            &format!("scale_up_rate = \"20/10s\"\n{extra}"),
        );
    let path = dir.join(name);
    fs::write(&path, text).unwrap();
    path
}

#[test]
fn an_account_concurrency_limit_is_refused_or_approximated_and_said_so() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let scenario = variant(t, "limited.toml", "account_concurrency = 3");
    let (code, _, stderr) = sim(&[
        "run",
        s(&scenario),
        "--shard",
        "1/4",
        "--out",
        s(&t.join("x")),
    ]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("limited.toml: deployments[0].compute.account_concurrency"),
        "{stderr}"
    );
    assert!(stderr.contains("--shard-approximate"), "{stderr}");
    assert!(!t.join("x").exists(), "no part folder for a refused shard");

    let p = parts(t, s(&scenario), &["--shard-approximate"]);
    let out = t.join("merged");
    let mut args = vec!["merge", s(&out), "--quiet"];
    args.extend(p.iter().map(|d| s(d)));
    let (code, _, stderr) = sim(&args);
    assert_eq!(code, 0, "{stderr}");
    let warning = "approximate: this run was replayed in shards with --shard-approximate";
    assert!(stderr.contains(warning), "{stderr}");
    for file in ["manifest.toml", "report.html"] {
        let text = fs::read_to_string(out.join(file)).unwrap();
        assert!(text.contains(warning), "{file}");
        assert!(
            text.contains("deployments[0].compute.account_concurrency"),
            "{file}"
        );
    }
}

#[test]
fn couplings_that_cannot_be_approximated_are_refused_naming_the_key() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    // azure-sample: account limits (approximable) and a fleet (not).
    let (code, _, stderr) = sim(&[
        "run",
        "scenarios/azure-sample.toml",
        "--shard",
        "0/2",
        "--shard-approximate",
        "--out",
        s(&t.join("x")),
    ]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("scenarios/azure-sample.toml: deployments[5].compute: a fleet"),
        "{stderr}"
    );
    let quota = variant(t, "quota.toml", "quota = { invocations = \"1000/day\" }");
    let (code, _, stderr) = sim(&["run", s(&quota), "--shard", "0/2", "--out", s(&t.join("y"))]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("deployments[0].compute.quota"), "{stderr}");
}

#[test]
fn a_scale_up_rate_is_per_pool_and_does_not_couple_apps() {
    // The test scenario's first deployment has `scale_up_rate`: it is not refused (a pool is
    // one function, or one app with pools = "app", which a shard holds whole), and the
    // byte-for-byte test above merges it.
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("p");
    ok(&[
        "run",
        SCENARIO,
        "--shard",
        "0/3",
        "--out",
        s(&out),
        "--quiet",
    ]);
    assert!(out.join("part.json").exists());
}

#[test]
fn merge_refuses_other_runs_missing_and_repeated_shards() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let part = |k: usize, n: usize, seed: &str| {
        let dir = t.join(format!("p{k}of{n}-{seed}"));
        let shard = format!("{k}/{n}");
        ok(&[
            "run",
            SCENARIO,
            "--shard",
            &shard,
            "--seed",
            seed,
            "--out",
            s(&dir),
            "--quiet",
        ]);
        dir
    };
    let (a0, a1, b1) = (part(0, 2, "7"), part(1, 2, "7"), part(1, 2, "8"));
    let merge = |dirs: &[&Path]| {
        let out = t.join("out");
        let mut args = vec!["merge", s(&out)];
        args.extend(dirs.iter().map(|d| s(d)));
        let (code, _, stderr) = sim(&args);
        assert_eq!(code, 1, "{stderr}");
        assert!(!out.exists(), "nothing written");
        stderr
    };
    let err = merge(&[&a0, &b1]);
    assert!(
        err.contains("parts of different runs (seed 7 vs 8)"),
        "{err}"
    );
    let err = merge(&[&a0]);
    assert!(
        err.contains("shard 1/2 of the run of tests/data/shard/azure-faas.toml is missing"),
        "{err}"
    );
    // The same folder named twice is one part; a copy of it under another name is a shard
    // given twice.
    let copy = t.join("copy-of-p1of2");
    std::fs::create_dir(&copy).unwrap();
    for f in ["part.json", "manifest.toml"] {
        std::fs::copy(a1.join(f), copy.join(f)).unwrap();
    }
    let err = merge(&[&a1, &a0, &copy]);
    assert!(err.contains("shard 1/2 is given twice"), "{err}");
    let other_count = part(0, 3, "7");
    let err = merge(&[&a0, &a1, &other_count]);
    assert!(err.contains("same shard count"), "{err}");
    let err = merge(&[&t.join("nothing")]);
    assert!(err.contains("part.json"), "{err}");
}

#[test]
fn a_shard_that_does_not_parse_is_a_usage_error() {
    for bad in ["4/4", "x/2", "2", "0/0"] {
        let (code, _, stderr) = sim(&["run", SCENARIO, "--shard", bad]);
        assert_eq!(code, 2, "{bad}: {stderr}");
        assert!(stderr.contains("--shard"), "{stderr}");
    }
    let (code, _, stderr) = sim(&["run", SCENARIO, "--shard", "0/2", "--replications", "3"]);
    assert_eq!(code, 2, "{stderr}");
    // A shard writes a part, not reports: JSON is the merge's to write.
    let (code, _, stderr) = sim(&["run", SCENARIO, "--shard", "0/2", "--format", "json"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("give --format json to `merge`"), "{stderr}");
}
