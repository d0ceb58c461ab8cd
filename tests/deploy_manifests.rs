//! deploy/kubernetes/ without a cluster: the manifests parse, are the Jobs the README's round
//! loop needs (Indexed Jobs of N shards, completions = parallelism = N and `--shard auto/N`;
//! a refinement round the same with `--after`; a merge Job that reads the same parts folder;
//! every pod on the one ReadWriteMany results volume, working in it), and their command lines
//! work: each is run through this build's `serverless-sim` in a temporary folder standing in
//! for the results volume, with JOB_COMPLETION_INDEX set as Kubernetes sets it, round after
//! refinement round, until the merge writes the same reports as the unsharded sweep.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::deploy::{assert_same_files, succeeded};
use serde_json::Value;

/// Where deploy/Dockerfile puts the shipped scenarios in the image.
const IMAGE_SCENARIOS: &str = "/opt/serverless-sim/scenarios";

fn repository() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A manifest of deploy/kubernetes/, parsed.
fn manifest(name: &str) -> Value {
    let path = repository().join("deploy/kubernetes").join(name);
    let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_norway::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn text(value: &Value, what: &str) -> String {
    value
        .as_str()
        .unwrap_or_else(|| panic!("{what} is not a string: {value}"))
        .to_string()
}

/// The one container of a Job's pods.
fn container(job: &Value) -> &Value {
    let containers = job["spec"]["template"]["spec"]["containers"]
        .as_array()
        .expect("containers");
    assert_eq!(containers.len(), 1, "one container per pod");
    &containers[0]
}

/// A Job's command line (command, then args if any).
fn command_line(job: &Value) -> Vec<String> {
    let c = container(job);
    let mut line: Vec<String> = Vec::new();
    for key in ["command", "args"] {
        if let Some(words) = c[key].as_array() {
            line.extend(words.iter().map(|w| text(w, key)));
        }
    }
    line
}

/// Checks what every Job shares: a Job of batch/v1, pods never restarted in place, the
/// results claim mounted at the container's working directory; returns the image.
fn check_job(job: &Value, claim: &str) -> String {
    assert_eq!(job["apiVersion"], "batch/v1");
    assert_eq!(job["kind"], "Job");
    let pod = &job["spec"]["template"]["spec"];
    assert_eq!(pod["restartPolicy"], "Never");
    let volume = &pod["volumes"][0];
    assert_eq!(volume["persistentVolumeClaim"]["claimName"], claim);
    let c = container(job);
    assert_eq!(c["volumeMounts"][0]["name"], volume["name"]);
    assert_eq!(c["volumeMounts"][0]["mountPath"], c["workingDir"]);
    assert_eq!(c["workingDir"], "/results");
    text(&c["image"], "image")
}

/// Checks an Indexed Job of shards; returns N.
fn check_indexed(job: &Value) -> u64 {
    assert_eq!(job["spec"]["completionMode"], "Indexed");
    let n = job["spec"]["completions"].as_u64().expect("completions");
    assert_eq!(job["spec"]["parallelism"].as_u64(), Some(n), "parallelism");
    let line = command_line(job);
    let at = line.iter().position(|w| w == "--shard").expect("--shard");
    assert_eq!(line[at + 1], format!("auto/{n}"));
    n
}

/// A manifest's command line as run here: the image's binary is this build's, the image's
/// scenarios are the repository's.
fn local(line: &[String]) -> Command {
    assert_eq!(line[0], "serverless-sim", "the image's binary, on PATH");
    let mut command = Command::new(env!("CARGO_BIN_EXE_serverless-sim"));
    for word in &line[1..] {
        match word.strip_prefix(IMAGE_SCENARIOS) {
            Some(rest) => command.arg(format!("{}/scenarios{rest}", repository().display())),
            None => command.arg(word),
        };
    }
    for var in [
        "JOB_COMPLETION_INDEX",
        "SLURM_ARRAY_TASK_ID",
        "SLURM_ARRAY_TASK_MIN",
        "AWS_BATCH_JOB_ARRAY_INDEX",
    ] {
        command.env_remove(var);
    }
    command
}

/// Runs the pods of an Indexed Job one after another in `volume`.
fn run_indexed(job: &Value, volume: &Path, n: u64) {
    for k in 0..n {
        let done = local(&command_line(job))
            .current_dir(volume)
            .env("JOB_COMPLETION_INDEX", k.to_string())
            .output()
            .unwrap();
        succeeded(&format!("{} pod {k}", job["metadata"]["name"]), &done);
    }
}

#[test]
fn the_jobs_share_one_results_volume_and_one_sweep() {
    let claim = manifest("results-volume.yaml");
    assert_eq!(claim["kind"], "PersistentVolumeClaim");
    assert_eq!(
        claim["spec"]["accessModes"],
        serde_json::json!(["ReadWriteMany"])
    );
    let claim = text(&claim["metadata"]["name"], "the claim's name");

    let (shards, refine, merge) = (
        manifest("sweep-shards.yaml"),
        manifest("sweep-refine.yaml"),
        manifest("sweep-merge.yaml"),
    );
    let image = check_job(&shards, &claim);
    assert_eq!(check_job(&refine, &claim), image);
    assert_eq!(check_job(&merge, &claim), image);
    assert_eq!(check_indexed(&shards), check_indexed(&refine));
    let names: Vec<&Value> = [&shards, &refine, &merge]
        .iter()
        .map(|j| &j["metadata"]["name"])
        .collect();
    assert!(names[0] != names[1] && names[1] != names[2] && names[0] != names[2]);

    // The merge: one pod, not retried (exit 3 is an answer, not a fault).
    assert_eq!(merge["spec"]["completions"], 1);
    assert_eq!(merge["spec"]["backoffLimit"], 0);
    let merge_line = command_line(&merge);
    assert_eq!(merge_line.len(), 4, "serverless-sim merge OUT PARTS");
    assert_eq!(merge_line[1], "merge");

    // A refinement round is the grid's command plus --after the merge's parts folder.
    let mut expected = command_line(&shards);
    expected.extend(["--after".to_string(), merge_line[3].clone()]);
    assert_eq!(command_line(&refine), expected);

    // The image the Dockerfile builds holds the binary on PATH and the scenarios where the
    // Jobs look for them.
    let dockerfile = fs::read_to_string(repository().join("deploy/Dockerfile")).unwrap();
    assert!(dockerfile.contains("/usr/local/bin/serverless-sim"));
    assert!(dockerfile.contains(&format!("COPY scenarios {IMAGE_SCENARIOS}\n")));
    assert!(dockerfile.contains("WORKDIR /results\n"));
}

fn part_folders(parts: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = fs::read_dir(parts)
        .map(|dir| dir.map(|e| e.unwrap().path()).collect())
        .unwrap_or_default();
    found.sort();
    found
}

#[test]
fn the_jobs_command_lines_run_the_sweep_to_its_reports_on_the_volume() {
    let (shards, refine, merge) = (
        manifest("sweep-shards.yaml"),
        manifest("sweep-refine.yaml"),
        manifest("sweep-merge.yaml"),
    );
    let n = check_indexed(&shards);
    let merge_line = command_line(&merge);
    let (out, parts) = (&merge_line[2], &merge_line[3]);
    let dir = tempfile::tempdir().unwrap();
    let volume = dir.path();

    // Round 0: each pod's part lands in the folder the merge Job reads.
    run_indexed(&shards, volume, n);
    let round_0: Vec<PathBuf> = (0..n)
        .map(|k| volume.join(parts).join(format!("round-0-shard-{k}-of-{n}")))
        .collect();
    assert_eq!(part_folders(&volume.join(parts)), round_0);
    for part in &round_0 {
        assert!(part.join("part.json").is_file(), "{}", part.display());
    }

    // The README's loop: merge; on exit 3 run a refinement round Job, and merge again.
    let mut rounds = 0;
    loop {
        let merged: Output = local(&merge_line).current_dir(volume).output().unwrap();
        match merged.status.code() {
            Some(0) => break,
            Some(3) => assert!(!volume.join(out).exists(), "written before the last round"),
            code => panic!(
                "the merge Job exited with {code:?}: {}",
                String::from_utf8_lossy(&merged.stderr)
            ),
        }
        rounds += 1;
        assert!(rounds < 40, "the refinement does not end");
        let before = part_folders(&volume.join(parts)).len();
        run_indexed(&refine, volume, n);
        let added: Vec<PathBuf> = part_folders(&volume.join(parts))
            .into_iter()
            .filter(|p| {
                p.file_name()
                    .unwrap()
                    .to_string_lossy()
                    .starts_with(&format!("round-{rounds}-shard-"))
            })
            .collect();
        assert!(!added.is_empty(), "round {rounds} wrote no part");
        assert_eq!(part_folders(&volume.join(parts)).len(), before + added.len());
    }

    // The reports are those of the same sweep on one machine.
    let grid = command_line(&shards);
    let at = grid.iter().position(|w| w == "--shard").unwrap();
    let mut whole: Vec<String> = grid[..at].to_vec();
    whole.extend(grid[at + 2..].iter().cloned());
    whole.extend(["--out".to_string(), "whole".to_string()]);
    let done = local(&whole).current_dir(volume).output().unwrap();
    succeeded("the unsharded sweep", &done);
    assert_same_files(&volume.join("whole"), &volume.join(out));
}
