//! Golden files: every shipped scenario's CSV reports, and the README's break-even and
//! memory-tuning sweeps, byte for byte as committed under `tests/golden/`.
//!
//! They pin the numbers while the engine is made faster (issue 21) or reorganised: a change
//! that should not move any figure must leave every file identical. A change that does move
//! figures on purpose regenerates them, and the diff of `tests/golden/` shows what moved:
//!
//! ```sh
//! cargo build --release
//! UPDATE_GOLDEN=1 README_BIN=target/release/serverless-sim cargo test --test golden -- --ignored
//! ```
//!
//! The runs take minutes in a debug build, so the comparison is ignored by a plain
//! `cargo test`; CI runs it with the release binary (`.ci/run`). The fast test checks that
//! every shipped scenario has its golden folder.

use std::path::{Path, PathBuf};
use std::process::Command;

mod common;
use common::readme_binary as binary;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn golden_dir() -> PathBuf {
    root().join("tests/golden")
}

/// The shipped scenarios' names (`scenarios/<name>.toml`), sorted.
fn shipped_scenarios() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(root().join("scenarios"))
        .unwrap()
        .filter_map(|e| {
            let path = e.unwrap().path();
            (path.extension()? == "toml").then(|| path.file_stem()?.to_str().map(String::from))?
        })
        .collect();
    names.sort();
    names
}

/// Each golden case: its folder under `tests/golden/` and the command's arguments.
fn cases() -> Vec<(String, Vec<String>)> {
    let mut cases: Vec<(String, Vec<String>)> = shipped_scenarios()
        .into_iter()
        .map(|name| {
            let args = vec!["run".into(), format!("scenarios/{name}.toml")];
            (name, args)
        })
        .collect();
    let sweep = |scenario: &str, param: &str, extra: &[&str]| {
        let mut args = vec![
            "sweep".to_string(),
            format!("scenarios/{scenario}.toml"),
            "--param".into(),
            param.into(),
        ];
        args.extend(extra.iter().map(|s| s.to_string()));
        args
    };
    cases.push((
        "break-even-sweep".into(),
        sweep(
            "break-even",
            "load=0.1..100:log25",
            &["--replications", "3"],
        ),
    ));
    cases.push((
        "memory-tuning-sweep".into(),
        sweep(
            "memory-tuning",
            "workload.functions[0].memory=128MB,256MB,512MB,1024MB,1769MB,2048MB,3008MB,4096MB",
            &[],
        ),
    ));
    cases
}

/// The CSV files of a folder, sorted by name.
fn csv_files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| {
            let name = e.unwrap().file_name().into_string().ok()?;
            name.ends_with(".csv").then_some(name)
        })
        .collect();
    names.sort();
    names
}

#[test]
fn every_shipped_scenario_has_golden_files() {
    for name in shipped_scenarios() {
        let dir = golden_dir().join(&name);
        assert!(
            !csv_files(&dir).is_empty(),
            "scenarios/{name}.toml has no golden CSV files under tests/golden/{name}/: \
             generate them (see the module docs)"
        );
    }
}

#[test]
#[ignore = "runs every shipped scenario and two sweeps: minutes in a debug build; CI runs it with README_BIN"]
fn every_report_csv_is_byte_identical_to_its_golden_file() {
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let scratch =
        std::env::temp_dir().join(format!("serverless-sim-golden-{}", std::process::id()));
    let mut differences = Vec::new();
    for (case, args) in cases() {
        let out = scratch.join(&case);
        let result = Command::new(binary())
            .current_dir(root())
            .args(&args)
            .args(["--quiet", "--out"])
            .arg(&out)
            .output()
            .unwrap();
        assert!(
            result.status.success(),
            "{case}: serverless-sim {} failed:\n{}",
            args.join(" "),
            String::from_utf8_lossy(&result.stderr)
        );
        let golden = golden_dir().join(&case);
        let written = csv_files(&out);
        assert!(!written.is_empty(), "{case}: no CSV written");
        if update {
            let _ = std::fs::remove_dir_all(&golden);
            std::fs::create_dir_all(&golden).unwrap();
            for name in &written {
                std::fs::copy(out.join(name), golden.join(name)).unwrap();
            }
            continue;
        }
        let expected = csv_files(&golden);
        if expected != written {
            differences.push(format!("{case}: files {written:?}, golden {expected:?}"));
        }
        for name in written.iter().filter(|n| expected.contains(n)) {
            let got = std::fs::read(out.join(name)).unwrap();
            let want = std::fs::read(golden.join(name)).unwrap();
            if got != want {
                let line = first_differing_line(&got, &want);
                differences.push(format!("{case}/{name}: differs from line {line}"));
            }
        }
    }
    let _ = std::fs::remove_dir_all(&scratch);
    assert!(
        differences.is_empty(),
        "{} file(s) differ from tests/golden/ (regenerate with UPDATE_GOLDEN=1 only if the \
         change is meant to move figures; see the module docs):\n{}",
        differences.len(),
        differences.join("\n")
    );
}

/// The 1-based number of the first line where `a` and `b` differ.
fn first_differing_line(a: &[u8], b: &[u8]) -> usize {
    let a = String::from_utf8_lossy(a);
    let b = String::from_utf8_lossy(b);
    let same = a.lines().zip(b.lines()).take_while(|(x, y)| x == y).count();
    same + 1
}
