//! The figures the README (and docs/azure-sample.md) quote are regenerated, not typed.
//!
//! Two kinds of marked blocks, each an HTML comment (invisible on GitHub) right before it:
//! - `<!-- output: serverless-sim ARGS -->` then a ```` ```text ```` block: exactly what the
//!   command prints on stdout (run with `--out` into a temporary folder; the last line,
//!   `reports written to ...`, left out).
//! - `<!-- summary-table: COLUMN,COLUMN,... | serverless-sim ARGS -->` then a Markdown table:
//!   the deployment and those columns of the run's `summary.csv` (a sweep's `sweep.csv`,
//!   its parameters first), as written there.
//!
//! Running the commands takes minutes in a debug build, so the comparison
//! ([`every_marked_block_is_what_its_command_prints`]) is ignored by a plain `cargo test`;
//! CI runs it with the release binary (`.ci/run`):
//!
//! ```sh
//! cargo build --release
//! README_BIN=target/release/serverless-sim cargo test --test readme_figures -- --ignored
//! ```
//!
//! and `UPDATE_README=1` in front rewrites every marked block with what its command prints
//! (after a change that moves the figures). The fast tests check that every output-looking
//! block is marked and that each dollar figure of the prose is one a marked block shows.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

mod common;
use common::readme_binary as binary;

/// The documents whose marked blocks are checked.
const DOCUMENTS: [&str; 2] = ["README.md", "docs/azure-sample.md"];

const OUTPUT: &str = "<!-- output: ";
const TABLE: &str = "<!-- summary-table: ";

/// One marked block: where its lines are in the document, what generates it, what it holds.
#[derive(Debug)]
struct Block {
    /// Index of the first and one past the last line of the content (fences excluded).
    lines: std::ops::Range<usize>,
    /// The command's arguments after `serverless-sim`.
    args: Vec<String>,
    /// For a summary table: its columns.
    columns: Option<Vec<String>>,
    content: String,
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(doc: &str) -> String {
    std::fs::read_to_string(root().join(doc)).unwrap_or_else(|e| panic!("{doc}: {e}"))
}

/// The arguments of a marker's command, `serverless-sim` dropped.
fn command_args(command: &str, doc: &str, line: usize) -> Vec<String> {
    let mut words = command.split_whitespace();
    assert_eq!(
        words.next(),
        Some("serverless-sim"),
        "{doc}:{line}: a marked command starts with serverless-sim"
    );
    words.map(str::to_owned).collect()
}

/// Every marked block of `text` (from `doc`, for messages).
fn blocks(text: &str, doc: &str) -> Vec<Block> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let line = line.trim();
        let Some(marker) = line
            .strip_prefix(OUTPUT)
            .or_else(|| line.strip_prefix(TABLE))
        else {
            continue;
        };
        let marker = marker
            .strip_suffix("-->")
            .unwrap_or_else(|| panic!("{doc}:{}: a marker ends with -->", i + 1))
            .trim();
        let (columns, command) = if line.starts_with(TABLE) {
            let (columns, command) = marker
                .split_once('|')
                .unwrap_or_else(|| panic!("{doc}:{}: summary-table: COLUMNS | COMMAND", i + 1));
            let columns = columns.split(',').map(|c| c.trim().to_owned()).collect();
            (Some(columns), command.trim())
        } else {
            (None, marker)
        };
        let args = command_args(command, doc, i + 1);
        let (start, end) = if columns.is_some() {
            let start = i + 1;
            let end = (start..lines.len())
                .find(|&k| !lines[k].starts_with('|'))
                .unwrap_or(lines.len());
            (start, end)
        } else {
            assert_eq!(
                lines.get(i + 1).map(|l| l.trim()),
                Some("```text"),
                "{doc}:{}: an output marker is followed by a ```text block",
                i + 1
            );
            let start = i + 2;
            let end = (start..lines.len())
                .find(|&k| lines[k].trim() == "```")
                .unwrap_or_else(|| panic!("{doc}:{}: the block is not closed", i + 2));
            (start, end)
        };
        let content = lines[start..end].iter().map(|l| format!("{l}\n")).collect();
        out.push(Block {
            lines: start..end,
            args,
            columns,
            content,
        });
    }
    out
}

/// Runs `serverless-sim args --out <dir>` from the repository root: its stdout without the
/// `reports written to` line, and the report folder.
fn run(args: &[String], dir: &Path) -> (String, PathBuf) {
    let out = dir.join(format!("r{}", std::fs::read_dir(dir).unwrap().count()));
    let result = Command::new(binary())
        .current_dir(root())
        .args(args)
        .arg("--out")
        .arg(&out)
        .output()
        .expect("run serverless-sim");
    assert!(
        result.status.success(),
        "serverless-sim {}: {}",
        args.join(" "),
        String::from_utf8_lossy(&result.stderr)
    );
    let stdout = String::from_utf8(result.stdout).expect("utf-8");
    let kept: String = stdout
        .lines()
        .filter(|l| !l.starts_with("reports written to "))
        .map(|l| format!("{l}\n"))
        .collect();
    (kept, out)
}

/// The Markdown table of `columns` of the `summary.csv` in `report` (a run's), or of its
/// `sweep.csv` (a sweep's), one row per deployment (and point: the swept parameters lead).
fn summary_table(report: &Path, columns: &[String]) -> String {
    let file = ["summary.csv", "sweep.csv"]
        .iter()
        .map(|f| report.join(f))
        .find(|p| p.exists())
        .expect("summary.csv or sweep.csv");
    let text = std::fs::read_to_string(&file).expect("report CSV");
    let mut rows = text.lines();
    let header: Vec<&str> = rows.next().expect("header").split(',').collect();
    let position = |c: &str| {
        header
            .iter()
            .position(|h| *h == c)
            .unwrap_or_else(|| panic!("{} has no column {c}", file.display()))
    };
    // A sweep's parameters come before its `replications` column.
    let keys: Vec<usize> = header
        .iter()
        .position(|h| *h == "replications")
        .map_or(Vec::new(), |r| (0..r).collect())
        .into_iter()
        .chain([position("deployment")])
        .collect();
    let index: Vec<usize> = columns.iter().map(|c| position(c)).collect();
    let mut out = format!(
        "| {} | {} |\n|{}{}\n",
        keys.iter()
            .map(|&k| header[k])
            .collect::<Vec<_>>()
            .join(" | "),
        columns
            .iter()
            .map(|c| format!("`{c}`"))
            .collect::<Vec<_>>()
            .join(" | "),
        "---|".repeat(keys.len()),
        "---|".repeat(columns.len())
    );
    for row in rows {
        // Names and values hold no comma (the shipped scenarios'), so a plain split is exact.
        let cells: Vec<&str> = row.split(',').collect();
        let keys: Vec<String> = keys.iter().map(|&k| format!("`{}`", cells[k])).collect();
        let values: Vec<&str> = index.iter().map(|&k| cells[k]).collect();
        out.push_str(&format!(
            "| {} | {} |\n",
            keys.join(" | "),
            values.join(" | ")
        ));
    }
    out
}

#[test]
#[ignore = "runs every marked command: minutes in a debug build; CI runs it with README_BIN"]
fn every_marked_block_is_what_its_command_prints() {
    let update = std::env::var_os("UPDATE_README").is_some();
    let dir = tempfile::tempdir().expect("tempdir");
    // Each command runs once, whichever blocks show it.
    let mut runs: BTreeMap<Vec<String>, (String, PathBuf)> = BTreeMap::new();
    let mut stale = Vec::new();
    for doc in DOCUMENTS {
        let text = read(doc);
        let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
        let found = blocks(&text, doc);
        // Rewritten from the last block up, so earlier line numbers stay valid.
        for block in found.iter().rev() {
            let (stdout, report) = runs
                .entry(block.args.clone())
                .or_insert_with(|| run(&block.args, dir.path()))
                .clone();
            let want = match &block.columns {
                Some(columns) => summary_table(&report, columns),
                None => stdout,
            };
            if want != block.content {
                stale.push(format!(
                    "{doc}:{}: serverless-sim {}\n--- README has\n{}--- the command gives\n{}",
                    block.lines.start + 1,
                    block.args.join(" "),
                    block.content,
                    want
                ));
                lines.splice(
                    block.lines.clone(),
                    want.lines().map(str::to_owned).collect::<Vec<_>>(),
                );
            }
        }
        if update && !stale.is_empty() {
            std::fs::write(root().join(doc), lines.join("\n") + "\n").expect("rewrite");
        }
    }
    assert!(
        update || stale.is_empty(),
        "{} block(s) out of date; regenerate with UPDATE_README=1 (see the module docs):\n\n{}",
        stale.len(),
        stale.join("\n")
    );
}

#[test]
fn every_output_block_is_marked() {
    // A ```text block that looks like serverless-sim output (a run's table or a sweep's) must
    // be marked, or its figures would go stale unnoticed.
    for doc in DOCUMENTS {
        let text = read(doc);
        let marked: Vec<usize> = blocks(&text, doc).iter().map(|b| b.lines.start).collect();
        let lines: Vec<&str> = text.lines().collect();
        for (i, pair) in lines.windows(2).enumerate() {
            let looks_like_output = pair[1].starts_with("deployment ")
                || pair[1].starts_with("point ")
                || pair[1].starts_with("$ cargo run");
            if pair[0].trim() == "```text" && looks_like_output {
                assert!(
                    marked.contains(&(i + 1)),
                    "{doc}:{}: an output block without an <!-- output: ... --> marker",
                    i + 2
                );
            }
        }
    }
}

#[test]
fn every_dollar_figure_of_the_prose_is_in_a_marked_block() {
    // Prose that quotes a cost ($11.41) quotes a marked block, so a regenerated block that
    // moves it makes this test fail until the prose follows. Code blocks (scenario prices)
    // are not prose.
    for doc in DOCUMENTS {
        let text = read(doc);
        let generated: String = blocks(&text, doc).iter().map(|b| &b.content[..]).collect();
        let mut in_code = false;
        for (i, line) in text.lines().enumerate() {
            if line.trim_start().starts_with("```") {
                in_code = !in_code;
                continue;
            }
            if in_code || line.starts_with('|') {
                continue;
            }
            for (at, _) in line.match_indices('$') {
                let figure: String = line[at + 1..]
                    .chars()
                    .take_while(|c| c.is_ascii_digit() || *c == '.' || *c == ',')
                    .collect();
                let figure = figure.trim_end_matches(['.', ',']);
                if figure.is_empty() {
                    continue;
                }
                assert!(
                    generated.contains(figure),
                    "{doc}:{}: ${figure} is in no marked block",
                    i + 1
                );
            }
        }
    }
}

#[test]
fn markers_are_read_as_documented() {
    let text = "intro\n<!-- output: serverless-sim run a.toml -->\n```text\nx 1\ny 2\n```\n\
                <!-- summary-table: requests, idle_gb_seconds | serverless-sim run b.toml -->\n\
                | deployment | `requests` | `idle_gb_seconds` |\n|---|---|---|\n| `f` | 3 | 0 |\n\
                after\n";
    let found = blocks(text, "t.md");
    assert_eq!(found.len(), 2);
    assert_eq!(found[0].args, ["run", "a.toml"]);
    assert_eq!(found[0].content, "x 1\ny 2\n");
    assert_eq!(found[0].lines, 3..5);
    assert_eq!(
        found[1].columns.as_deref(),
        Some(&["requests".to_owned(), "idle_gb_seconds".to_owned()][..])
    );
    assert_eq!(found[1].args, ["run", "b.toml"]);
    assert_eq!(found[1].lines, 7..10);
}
