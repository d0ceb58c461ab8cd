//! Sharded sweeps: a sweep run as 3 shards (then refinement rounds split 2 ways) and merged is
//! byte for byte the sweep one machine writes, with the parts merged in any order; `--shard
//! auto/N` reads the job array's index; and merges that cannot be made are refused, naming
//! why.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::cli::{bin, fails};
use common::deploy::{CROSSING_SCENARIO as SCENARIO, PARAM, files};

/// `sweep` on the test scenario with `extra` arguments, in `dir`.
fn sweep(dir: &Path, extra: &[&str]) -> std::process::Output {
    bin()
        .current_dir(dir)
        .args(["sweep", "shardable.toml", "--param", PARAM])
        .args(["--replications", "2", "--quiet"])
        .args(extra)
        .output()
        .unwrap()
}

fn ok(out: &std::process::Output) {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `merge OUT PARTS...` in `dir`.
fn merge(dir: &Path, out: &str, parts: &[PathBuf]) -> std::process::Output {
    bin()
        .current_dir(dir)
        .args(["merge", out, "--quiet", "--format", "json"])
        .args(parts)
        .output()
        .unwrap()
}

/// Runs the grid as 3 shards into `parts/`, then merges, running each refinement round the
/// merge asks for as 2 shards, until the merge writes `out`. Returns the rounds run and the
/// first "another round" message.
fn sharded(dir: &Path, out: &str) -> (usize, String) {
    for k in 0..3 {
        ok(&sweep(
            dir,
            &[
                "--shard",
                &format!("{k}/3"),
                "--out",
                &format!("parts/round-0-shard-{k}-of-3"),
            ],
        ));
    }
    let mut rounds = 0;
    let mut first_message = String::new();
    loop {
        let merged = merge(dir, out, &[PathBuf::from("parts")]);
        let stderr = String::from_utf8_lossy(&merged.stderr).into_owned();
        match merged.status.code() {
            Some(0) => return (rounds, first_message),
            Some(3) => {}
            other => panic!("merge exited with {other:?}: {stderr}"),
        }
        assert!(
            !dir.join(out).exists(),
            "nothing is written before the last round"
        );
        rounds += 1;
        if rounds == 1 {
            first_message = stderr;
        }
        assert!(rounds < 40, "the refinement does not end");
        for k in 0..2 {
            ok(&sweep(
                dir,
                &[
                    "--shard",
                    &format!("{k}/2"),
                    "--after",
                    "parts",
                    "--out",
                    &format!("parts/round-{rounds}-shard-{k}-of-2"),
                ],
            ));
        }
    }
}

#[test]
fn three_shards_and_refinement_rounds_merge_into_the_unsharded_sweep_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::write(d.join("shardable.toml"), SCENARIO).unwrap();
    ok(&sweep(d, &["--format", "json", "--out", "whole"]));
    let whole = files(&d.join("whole"));
    let crossings = String::from_utf8_lossy(&whole[Path::new("breakeven.csv")]).into_owned();
    assert!(
        crossings.lines().any(|l| l.starts_with("crossing,")),
        "the test needs a crossing to refine: {crossings}"
    );

    let (rounds, message) = sharded(d, "merged");
    assert!(rounds >= 2, "{rounds} refinement round(s)");
    assert!(
        message.contains("refinement round 1")
            && message.contains("--shard K/3 --after parts --out parts/round-1-shard-K-of-3")
            && message.contains("serverless-sim merge merged parts"),
        "{message}"
    );
    let merged = files(&d.join("merged"));
    assert_eq!(
        whole.keys().collect::<Vec<_>>(),
        merged.keys().collect::<Vec<_>>()
    );
    for (name, bytes) in &whole {
        assert!(bytes == &merged[name], "{} differs", name.display());
    }

    // The same parts named one by one, in reverse order.
    let mut parts: Vec<PathBuf> = fs::read_dir(d.join("parts"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    parts.sort();
    parts.reverse();
    assert_eq!(parts.len(), 3 + 2 * rounds);
    ok(&merge(d, "reversed", &parts));
    assert_eq!(files(&d.join("reversed")), whole);

    // Every round is done: a shard asked for more has nothing to run.
    let done = sweep(d, &["--shard", "0/2", "--after", "parts"]);
    ok(&done);
    assert!(String::from_utf8_lossy(&done.stdout).contains("needs no more runs"));
}

#[test]
fn auto_takes_the_index_from_the_job_array() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::write(d.join("shardable.toml"), SCENARIO).unwrap();
    let out = bin()
        .current_dir(d)
        .env("JOB_COMPLETION_INDEX", "1")
        .args([
            "sweep",
            "shardable.toml",
            "--param",
            PARAM,
            "--shard",
            "auto/3",
            "-q",
        ])
        .output()
        .unwrap();
    ok(&out);
    // The default part folder, named by round and shard.
    let part = d.join("reports/shardable-sweep-parts/round-0-shard-1-of-3");
    let json: serde_json::Value =
        serde_json::from_slice(&fs::read(part.join("part.json")).unwrap()).unwrap();
    assert_eq!(json["header"]["shard"]["index"], 1);
    assert_eq!(json["header"]["shard"]["count"], 3);
    // Of the grid's 4 runs (4 points x 1 replication), shard 1 of 3 deals itself positions 1
    // and 4: only 1 exists.
    let positions: Vec<u64> = json["runs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["position"].as_u64().unwrap())
        .collect();
    assert_eq!(positions, [1]);
    let manifest = fs::read_to_string(part.join("manifest.toml")).unwrap();
    assert!(
        manifest.contains("command = \"sweep --shard\""),
        "{manifest}"
    );

    let stderr = fails(
        bin()
            .current_dir(d)
            .env_remove("JOB_COMPLETION_INDEX")
            .env_remove("SLURM_ARRAY_TASK_ID")
            .env_remove("AWS_BATCH_JOB_ARRAY_INDEX")
            .args([
                "sweep",
                "shardable.toml",
                "--param",
                PARAM,
                "--shard",
                "auto/3",
            ]),
        2,
    );
    assert!(stderr.contains("JOB_COMPLETION_INDEX"), "{stderr}");
}

#[test]
fn merges_that_cannot_be_made_are_refused_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::write(d.join("shardable.toml"), SCENARIO).unwrap();
    for k in 0..3 {
        ok(&sweep(
            d,
            &["--shard", &format!("{k}/3"), "--out", &format!("p/{k}")],
        ));
    }
    let part = |k: usize| d.join(format!("p/{k}"));

    // A shard missing.
    let stderr = fails(
        bin()
            .current_dir(d)
            .args(["merge", "out"])
            .arg(part(0))
            .arg(part(2)),
        1,
    );
    assert!(
        stderr.contains("round 0 (the grid) is incomplete: shard(s) 1/3 missing"),
        "{stderr}"
    );

    // A shard given twice (a copy under another name).
    fs::create_dir(d.join("copy")).unwrap();
    for f in ["part.json", "manifest.toml"] {
        fs::copy(part(1).join(f), d.join("copy").join(f)).unwrap();
    }
    let stderr = fails(bin().current_dir(d).args(["merge", "out", "p", "copy"]), 1);
    assert!(
        stderr.contains("shard 1/3 of round 0 is given twice"),
        "{stderr}"
    );

    // A part of another sweep (another scenario text).
    fs::write(
        d.join("shardable.toml"),
        SCENARIO.replace("seed = 11", "seed = 12"),
    )
    .unwrap();
    ok(&sweep(d, &["--shard", "1/3", "--out", "other"]));
    let stderr = fails(
        bin()
            .current_dir(d)
            .args(["merge", "out"])
            .arg(part(0))
            .arg(d.join("other"))
            .arg(part(2)),
        1,
    );
    assert!(
        stderr.contains("are parts of different sweeps: the scenario file's text differs"),
        "{stderr}"
    );
    // Nothing was written by any refused merge.
    assert!(!d.join("out").exists());

    // --after without --shard, and --shard with JSON, are command-line errors.
    let stderr = fails(
        bin()
            .current_dir(d)
            .args(["sweep", "shardable.toml", "--param", PARAM, "--after", "p"]),
        2,
    );
    assert!(stderr.contains("--shard"), "{stderr}");
    let stderr = fails(
        bin().current_dir(d).args([
            "sweep",
            "shardable.toml",
            "--param",
            PARAM,
            "--shard",
            "0/3",
            "--format",
            "json",
        ]),
        2,
    );
    assert!(stderr.contains("give --format json to `merge`"), "{stderr}");
}
