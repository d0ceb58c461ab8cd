//! deploy/slurm/ without a Slurm cluster: `sweep.sbatch` run with `bash` once per array index
//! (SLURM_ARRAY_TASK_ID set by hand, as Slurm sets it) writes parts that merge, round after
//! refinement round, into the unsharded sweep byte for byte; and `sweep.sh` with a fake
//! `sbatch` on PATH (it runs the array's tasks one after another) loops over the rounds until
//! the merge writes the reports.

mod common;

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::deploy::{
    PARAM, REPLICATIONS, SCENARIO_FILE, assert_same_files, succeeded, unsharded_sweep,
    write_scenario,
};

fn slurm_file(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("deploy/slurm")
        .join(name)
}

fn binary() -> &'static str {
    env!("CARGO_BIN_EXE_serverless-sim")
}

/// `bash deploy/slurm/<script>` in `dir` with the test sweep's settings and `env`.
fn script(dir: &Path, name: &str, env: &[(&str, &str)]) -> Command {
    let mut command = Command::new("bash");
    command
        .current_dir(dir)
        .arg(slurm_file(name))
        .env("SERVERLESS_SIM", binary())
        .env("SCENARIO", SCENARIO_FILE)
        .env("PARAMS", PARAM)
        .env("REPLICATIONS", REPLICATIONS)
        .env("PARTS", "parts");
    for var in [
        "JOB_COMPLETION_INDEX",
        "AWS_BATCH_JOB_ARRAY_INDEX",
        "SLURM_ARRAY_TASK_ID",
        "SLURM_ARRAY_TASK_MIN",
        "SLURM_CPUS_PER_TASK",
        "AFTER",
        "ROUND",
        "SHARDS",
    ] {
        command.env_remove(var);
    }
    for (key, value) in env {
        command.env(key, value);
    }
    command
}

fn merge(dir: &Path) -> Output {
    Command::new(binary())
        .current_dir(dir)
        .args(["merge", "merged", "parts", "--quiet"])
        .output()
        .unwrap()
}

/// The array range of the script's `#SBATCH --array=` line.
fn sbatch_array(text: &str) -> (u32, u32) {
    let line = text
        .lines()
        .find_map(|l| l.strip_prefix("#SBATCH --array="))
        .expect("an #SBATCH --array= line");
    let (lo, hi) = line.trim().split_once('-').expect("a range lo-hi");
    (lo.parse().unwrap(), hi.parse().unwrap())
}

#[test]
fn array_tasks_run_by_hand_merge_into_the_unsharded_sweep_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write_scenario(d);
    let whole = unsharded_sweep(Path::new(binary()), d, "whole");

    // The script's own array matches its default SHARDS (3): indices 0..=2.
    let text = fs::read_to_string(slurm_file("sweep.sbatch")).unwrap();
    assert_eq!(sbatch_array(&text), (0, 2));
    assert!(text.contains("SHARDS=${SHARDS:-3}"));
    assert!(text.contains("--shard \"auto/$SHARDS\""));

    // An array submitted as --array=5-7: tasks 5, 6, 7 are shards 0, 1, 2.
    let run_round = |round: usize| {
        for task in ["5", "6", "7"] {
            let round_text = round.to_string();
            let mut env = vec![("SLURM_ARRAY_TASK_ID", task), ("SLURM_ARRAY_TASK_MIN", "5")];
            if round > 0 {
                env.extend([("AFTER", "parts"), ("ROUND", round_text.as_str())]);
            }
            let done = script(d, "sweep.sbatch", &env).output().unwrap();
            succeeded(&format!("sweep.sbatch task {task} of round {round}"), &done);
        }
    };
    run_round(0);
    for k in 0..3 {
        let part = d.join(format!("parts/round-0-shard-{k}-of-3"));
        let json: serde_json::Value =
            serde_json::from_slice(&fs::read(part.join("part.json")).unwrap()).unwrap();
        assert_eq!(json["header"]["shard"]["index"], k, "{}", part.display());
        assert_eq!(json["header"]["shard"]["count"], 3);
    }
    let mut rounds = 0;
    loop {
        let merged = merge(d);
        match merged.status.code() {
            Some(0) => break,
            Some(3) => {}
            code => panic!(
                "merge exited with {code:?}: {}",
                String::from_utf8_lossy(&merged.stderr)
            ),
        }
        rounds += 1;
        assert!(rounds < 40, "the refinement does not end");
        run_round(rounds);
    }
    assert!(rounds >= 1, "the sweep was refined in no round");
    assert_same_files(&whole, &d.join("merged"));
}

#[test]
fn a_refinement_round_without_its_number_and_a_task_outside_an_array_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write_scenario(d);
    let done = script(d, "sweep.sbatch", &[]).output().unwrap();
    assert_eq!(done.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&done.stderr);
    assert!(
        stderr.contains("SLURM_ARRAY_TASK_ID is not set"),
        "{stderr}"
    );

    let done = script(
        d,
        "sweep.sbatch",
        &[("SLURM_ARRAY_TASK_ID", "0"), ("AFTER", "parts")],
    )
    .output()
    .unwrap();
    assert_eq!(done.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&done.stderr);
    assert!(stderr.contains("set ROUND"), "{stderr}");
    assert!(!d.join("parts").exists());
}

/// A stand-in for `sbatch --wait --array=LO-HI SCRIPT`: logs its arguments with ROUND and
/// AFTER, then runs the script once per index, one after another, as Slurm's array tasks.
const FAKE_SBATCH: &str = r#"#!/bin/bash
array= wait= script=
for arg in "$@"; do
  case $arg in
    --array=*) array=${arg#--array=} ;;
    --wait) wait=1 ;;
    -*) ;;
    *) script=$arg ;;
  esac
done
[ -n "$wait" ] || { echo "fake sbatch: no --wait" >&2; exit 1; }
echo "ROUND=${ROUND:-} AFTER=${AFTER:-} $*" >> "$SBATCH_LOG"
lo=${array%-*} hi=${array#*-}
for ((i = lo; i <= hi; i++)); do
  SLURM_ARRAY_TASK_ID=$i SLURM_ARRAY_TASK_MIN=$lo bash "$script" || exit 1
done
"#;

/// `sweep.sh` in `dir` with the fake sbatch first on PATH and `env`.
fn orchestrate(dir: &Path, env: &[(&str, &str)]) -> Output {
    let bin = dir.join("bin");
    fs::create_dir_all(&bin).unwrap();
    let sbatch = bin.join("sbatch");
    fs::write(&sbatch, FAKE_SBATCH).unwrap();
    fs::set_permissions(&sbatch, fs::Permissions::from_mode(0o755)).unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut command = script(dir, "sweep.sh", &[]);
    command
        .env("PATH", path)
        .env("SBATCH_LOG", dir.join("sbatch.log"))
        .env("OUT", "merged")
        .env("MERGE_ARGS", "--quiet");
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().unwrap()
}

#[test]
fn sweep_sh_submits_rounds_until_the_merge_writes_the_unsharded_sweep() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write_scenario(d);
    let whole = unsharded_sweep(Path::new(binary()), d, "whole");

    let done = orchestrate(d, &[("SHARDS", "2")]);
    succeeded("sweep.sh", &done);
    assert_same_files(&whole, &d.join("merged"));

    // Round 0 without AFTER, then each refinement round with AFTER=PARTS, each an array of 2.
    let log = fs::read_to_string(d.join("sbatch.log")).unwrap();
    let script = slurm_file("sweep.sbatch");
    let lines: Vec<&str> = log.lines().collect();
    assert!(
        lines.len() >= 2,
        "no refinement round was submitted:\n{log}"
    );
    for (round, line) in lines.iter().enumerate() {
        let after = if round == 0 { "" } else { "parts" };
        assert_eq!(
            *line,
            format!(
                "ROUND={round} AFTER={after} --wait --array=0-1 {}",
                script.display()
            )
        );
    }
    let stderr = String::from_utf8_lossy(&done.stderr);
    assert!(
        stderr.contains(&format!(
            "the break-even refinement needs round {}",
            lines.len() - 1
        )),
        "{stderr}"
    );

    // A second sweep into the same parts folder is refused before anything is submitted.
    fs::remove_file(d.join("sbatch.log")).unwrap();
    let again = orchestrate(d, &[("SHARDS", "2")]);
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("already holds parts"));
    assert!(!d.join("sbatch.log").exists());
}

#[test]
fn sweep_sh_stops_when_a_shard_or_the_merge_fails() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write_scenario(d);
    // A shard that fails (an unknown scenario key) fails the array: sweep.sh stops there.
    let done = orchestrate(d, &[("PARAMS", "no.such.field=1,2")]);
    assert_eq!(done.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&done.stderr);
    assert!(
        stderr.contains("no.such.field") && stderr.contains("a shard of round 0 failed"),
        "{stderr}"
    );
    assert!(!d.join("merged").exists());

    // A merge that cannot write its report folder (OUT is a file): its error and exit code.
    let done = orchestrate(d, &[("PARTS", "other-parts"), ("OUT", SCENARIO_FILE)]);
    let stderr = String::from_utf8_lossy(&done.stderr);
    assert_eq!(done.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("sweep.sh: merge failed (exit 1)") && stderr.contains(SCENARIO_FILE),
        "{stderr}"
    );
}
