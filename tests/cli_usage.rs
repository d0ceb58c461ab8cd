//! Every command's `--help` ends with examples that parse, and the exit codes; a wrong
//! command line exits 2 whichever command and whoever (clap or this code) rejects it, while
//! an input that fails exits 1.

use assert_cmd::Command;
use clap::Parser;
use serverless_sim::cli::Cli;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_serverless-sim"))
}

/// Runs the binary with `args` in a fresh folder; (exit code, stdout, stderr).
fn exec(args: &[&str]) -> (Option<i32>, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let out = bin().current_dir(dir.path()).args(args).output().unwrap();
    let leftovers = std::fs::read_dir(dir.path()).unwrap().count();
    assert_eq!(leftovers, 0, "{args:?} wrote into its folder");
    (
        out.status.code(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

const COMMANDS: [&[&str]; 9] = [
    &[],
    &["run"],
    &["check"],
    &["sweep"],
    &["pricing"],
    &["pricing", "list"],
    &["pricing", "show"],
    &["trace"],
    &["trace", "inspect"],
];

#[test]
fn every_help_ends_with_examples_of_that_command_that_parse() {
    for command in COMMANDS {
        let mut args = command.to_vec();
        args.push("--help");
        let (code, help, stderr) = exec(&args);
        assert_eq!(code, Some(0), "{args:?}: {stderr}");
        let examples = &help[help
            .find("\nExamples:\n")
            .unwrap_or_else(|| panic!("{args:?}: {help}"))..];
        assert!(examples.contains("\nExit codes:\n"), "{args:?}");
        for code in ["  0 ", "  1 ", "  2 ", "  130 "] {
            assert!(examples.contains(code), "{args:?}: exit code {code}");
        }
        let lines: Vec<&str> = examples
            .lines()
            .filter_map(|l| l.strip_prefix("  serverless-sim "))
            .collect();
        assert!(lines.len() >= 2, "{args:?}: {examples}");
        for line in lines {
            let words: Vec<&str> = line.split('#').next().unwrap().split_whitespace().collect();
            // A subcommand's examples are of that subcommand.
            assert!(
                words.starts_with(command),
                "{args:?}: example '{line}' is of another command"
            );
            let argv = std::iter::once("serverless-sim").chain(words.iter().copied());
            if let Err(e) = Cli::try_parse_from(argv) {
                // `help run` is an example of the top level; clap answers it with the help.
                assert_eq!(e.kind(), clap::error::ErrorKind::DisplayHelp, "{line}: {e}");
            }
        }
    }
}

#[test]
fn a_wrong_command_line_exits_2_whatever_the_command() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("s.toml");
    std::fs::write(&scenario, "not even toml").unwrap();
    let s = scenario.to_str().unwrap();
    let cases: &[(&[&str], &str)] = &[
        (&["frobnicate"], "unrecognized subcommand 'frobnicate'"),
        (&[], "Usage: serverless-sim <COMMAND>"),
        (
            &["run"],
            "the following required arguments were not provided",
        ),
        (
            &["run", s, "--threads", "0"],
            "invalid value '0' for '--threads <N>'",
        ),
        (
            &["run", s, "--seed", "x"],
            "invalid value 'x' for '--seed <N>'",
        ),
        (&["run", s, "--colour"], "unexpected argument '--colour'"),
        (&["check", s, "--seed", "3"], "unexpected argument '--seed'"),
        (
            &["sweep", s],
            "the following required arguments were not provided",
        ),
        (&["sweep", s, "--param", "load"], "expected PATH=VALUES"),
        (
            &["sweep", s, "--param", "load=1", "--replications", "0"],
            "invalid value '0' for '--replications <N>'",
        ),
        (
            &["check"],
            "the following required arguments were not provided",
        ),
        (&["pricing"], "Usage: serverless-sim pricing <COMMAND>"),
        (
            &["pricing", "list", "--format", "yaml"],
            "invalid value 'yaml' for '--format <FORMAT>'",
        ),
        (
            &["pricing", "show"],
            "the following required arguments were not provided",
        ),
        (
            &["pricing", "show", "aws-lambda"],
            "unknown preset 'aws-lambda'",
        ),
        (
            &["trace", "inspect", s, "--format", "parquet"],
            "invalid value 'parquet' for '--format <FORMAT>'",
        ),
        (
            &["trace", "inspect"],
            "the following required arguments were not provided",
        ),
        (&["trace", "replay", s], "unrecognized subcommand 'replay'"),
    ];
    for (args, want) in cases {
        let (code, stdout, stderr) = exec(args);
        assert_eq!(code, Some(2), "{args:?}: {stderr}");
        assert!(stdout.is_empty(), "{args:?}: {stdout}");
        assert!(stderr.contains(want), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        // Clap answers a missing command with the help (on stderr); anything else is an
        // error line.
        if !want.starts_with("Usage:") {
            assert!(stderr.starts_with("error: "), "{args:?}: {stderr}");
        }
    }
}

#[test]
fn an_input_that_fails_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "seed = \"x\"\n").unwrap();
    let missing = dir.path().join("missing.toml");
    let taken = dir.path().join("taken");
    std::fs::create_dir(&taken).unwrap();
    std::fs::write(taken.join("notes.txt"), "mine").unwrap();
    let good = dir.path().join("good.toml");
    std::fs::write(
        &good,
        r#"duration = "1h"
[[workload.functions]]
name = "f"
memory = "128MB"
execution = { dist = "constant", value = "10ms" }
arrivals = { process = "poisson", rate = "1/s" }
[[deployments]]
name = "lam"
[deployments.compute]
pricing = "aws-lambda-x86"
cold_start = { dist = "constant", value = "100ms" }
"#,
    )
    .unwrap();
    let p = |p: &std::path::Path| p.to_str().unwrap().to_string();
    let cases: Vec<(Vec<String>, &str)> = vec![
        (vec!["check".into(), p(&bad)], "bad.toml:1:8: seed"),
        (vec!["check".into(), p(&missing)], "cannot read"),
        (
            vec!["run".into(), p(&good), "--out".into(), p(&taken)],
            "not empty and not a serverless-sim report",
        ),
        (
            vec!["trace".into(), "inspect".into(), p(&missing)],
            "cannot open",
        ),
    ];
    for (args, want) in cases {
        let out = bin().args(&args).output().unwrap();
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
        assert!(
            stderr.starts_with("error: ") && stderr.contains(want),
            "{args:?}: {stderr}"
        );
    }
    assert_eq!(
        std::fs::read_to_string(taken.join("notes.txt")).unwrap(),
        "mine"
    );
}

#[test]
fn run_help_names_every_report_file() {
    let (code, help, stderr) = exec(&["run", "--help"]);
    assert_eq!(code, Some(0), "{stderr}");
    let names = serverless_sim::report::exporters()
        .iter()
        .map(|e| e.file_name().to_string())
        .chain(["report.html".to_string(), "manifest.toml".to_string()])
        .collect::<Vec<_>>();
    for name in names {
        assert!(help.contains(&name), "run --help does not name {name}");
    }
}
