//! Every ```toml block of README.md and docs/*.md is checked with the real parser.
//!
//! A block with no marker is a complete scenario: it must parse, validate and pass the size
//! check, as `serverless-sim check` does. A block that is deliberately partial says so in an
//! HTML comment on the line just before its fence, and is checked inside a minimal host
//! scenario:
//!
//! - `<!-- toml: fragment under=deployments.compute -->`: appended to a scenario whose last
//!   table is a FaaS deployment's `[deployments.compute]` (`pricing = "aws-lambda-x86"`, a
//!   constant cold start, fixed keep-alive), so
//!   its keys land there and its own headers (`[deployments.compute.billing]`,
//!   `[[deployments.services]]`) extend that deployment; the result must pass `check`.
//! - `<!-- toml: fragment under=workload.functions -->`: appended to a scenario whose last
//!   table is a `[[workload.functions]]` entry; must pass `check`.
//! - `preset=NAME` after `under=deployments.compute`: the host deployment's preset
//!   (default `aws-lambda-x86`), for settings of another provider.
//! - `host.KEY=VALUE`: adds `KEY = VALUE` to the host's last table (a setting the preset
//!   needs); with `each-key`, a statement setting the same key replaces it.
//! - `each-key` after either: the block lists alternatives (the same key twice, say), so each
//!   `key = value` statement (with the table headers above it) is checked on its own.
//! - `<!-- toml: fragment under=workload keys-only -->`: appended to a scenario with
//!   deployments and no workload; only its keys and value types are checked (the scenario
//!   structure, with unknown keys rejected), not its values: for blocks that name files.
//! - `<!-- toml: invalid -->`: a deliberately wrong example; it must fail `check`.
//!
//! Any other `<!-- toml: ... -->` marker is an error, so a typo cannot skip a block.

use std::path::Path;

use serverless_sim::scenario::size::SizeEstimate;
use serverless_sim::scenario::{Scenario, read_keys};

/// One fenced block: where it starts (1-based line of its first TOML line), its marker, text.
struct Block {
    file: String,
    line: usize,
    marker: Option<String>,
    text: String,
}

/// Every ```toml block of `doc`, with the `<!-- toml: ... -->` marker of the line before it.
fn blocks(file: &str, doc: &str) -> Vec<Block> {
    let lines: Vec<&str> = doc.lines().collect();
    let mut found = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if lines[i].trim_end() == "```toml" {
            let marker = i
                .checked_sub(1)
                .map(|p| lines[p].trim())
                .and_then(|l| l.strip_prefix("<!-- toml:"))
                .map(|l| l.trim_end_matches("-->").trim().to_string());
            let start = i + 1;
            let end = (start..lines.len())
                .find(|&j| lines[j].trim_end() == "```")
                .unwrap_or_else(|| panic!("{file}:{}: unclosed ```toml block", i + 1));
            found.push(Block {
                file: file.to_string(),
                line: start + 1,
                marker,
                text: lines[start..end].join("\n") + "\n",
            });
            i = end;
        }
        i += 1;
    }
    found
}

/// A FaaS scenario whose last table is its deployment's `[deployments.compute]`.
const HOST_COMPUTE: &str = r#"name = "doc-fragment"
duration = "1h"
[[workload.functions]]
name = "get-product"
memory = "512MB"
execution = { dist = "constant", value = "20ms" }
arrivals = { process = "poisson", rate = "1/s" }
[[deployments]]
name = "faas"
[deployments.compute]
pricing = "PRESET"
cold_start = { dist = "constant", value = "200ms" }
keep_alive = { policy = "fixed", idle_timeout = "10m" }
"#;

/// A scenario whose last table is its function's `[[workload.functions]]` entry.
const HOST_FUNCTION: &str = r#"name = "doc-fragment"
duration = "1h"
[[deployments]]
name = "faas"
[deployments.compute]
pricing = "aws-lambda-x86"
cold_start = { dist = "constant", value = "200ms" }
[[workload.functions]]
name = "get-product"
memory = "512MB"
execution = { dist = "constant", value = "20ms" }
arrivals = { process = "poisson", rate = "1/s" }
"#;

/// A scenario with a deployment and no workload yet (no preset: keys-only checks do not
/// merge presets in).
const HOST_WORKLOAD: &str = r#"name = "doc-fragment"
duration = "1h"
[[deployments]]
name = "faas"
[deployments.compute]
model = "faas"
"#;

/// Parses, validates and size-checks `text` as `serverless-sim check` does.
fn check(name: &str, text: &str) -> Result<(), String> {
    let s = Scenario::parse(Path::new(name), text).map_err(|e| e.to_string())?;
    SizeEstimate::of(&s).check()
}

/// Splits a fragment into `(headers above, statement)` pairs: one per `key = value`
/// statement, a multi-line value kept whole (a statement ends where it parses as TOML).
fn statements(fragment: &str) -> Vec<(String, String)> {
    let mut headers = String::new();
    let mut out = Vec::new();
    let mut pending = String::new();
    for line in fragment.lines() {
        let t = line.trim();
        if pending.is_empty() {
            if t.is_empty() || t.starts_with('#') {
                continue;
            }
            if t.starts_with('[') {
                headers.push_str(line);
                headers.push('\n');
                continue;
            }
        }
        pending.push_str(line);
        pending.push('\n');
        if toml::from_str::<toml::Table>(&pending).is_ok() {
            out.push((headers.clone(), std::mem::take(&mut pending)));
        }
    }
    assert!(pending.is_empty(), "unterminated statement: {pending}");
    out
}

/// Checks one block by its marker; `Err` says why it fails.
fn check_block(b: &Block) -> Result<(), String> {
    let name = format!("{}:{}", b.file, b.line);
    let Some(marker) = &b.marker else {
        return check(&name, &b.text);
    };
    let words: Vec<&str> = marker.split_whitespace().collect();
    match words.as_slice() {
        ["invalid"] => match check(&name, &b.text) {
            Ok(()) => Err("marked invalid, but it passes check".into()),
            Err(_) => Ok(()),
        },
        ["fragment", "under=workload", "keys-only"] => {
            let text = format!("{HOST_WORKLOAD}{}", b.text);
            read_keys(Path::new(&name), &text)
                .map(|_| ())
                .map_err(|e| e.to_string())
        }
        ["fragment", under, options @ ..] => {
            let mut preset = "aws-lambda-x86";
            let mut each_key = false;
            let mut extra = String::new();
            for o in options {
                match o.split_once('=') {
                    Some(("preset", name)) => preset = name,
                    Some((key, value)) if key.starts_with("host.") => {
                        extra += &format!("{} = {value}\n", &key["host.".len()..]);
                    }
                    None if *o == "each-key" => each_key = true,
                    _ => return Err(format!("unknown fragment option '{o}'")),
                }
            }
            let host = match *under {
                "under=deployments.compute" => HOST_COMPUTE.replace("PRESET", preset),
                "under=workload.functions" => HOST_FUNCTION.to_string(),
                other => return Err(format!("unknown fragment host '{other}'")),
            } + &extra;
            if !each_key {
                return check(&name, &format!("{host}{}", b.text));
            }
            let parts = statements(&b.text);
            if parts.is_empty() {
                return Err("each-key fragment without statements".into());
            }
            for (headers, statement) in parts {
                // A statement setting a key the host sets replaces the host's line.
                let key = statement.split('=').next().unwrap_or_default().trim();
                let host: String = host
                    .lines()
                    .filter(|l| l.split('=').next().unwrap_or_default().trim() != key)
                    .map(|l| format!("{l}\n"))
                    .collect();
                check(&name, &format!("{host}{headers}{statement}"))
                    .map_err(|e| format!("statement `{}`: {e}", statement.trim()))?;
            }
            Ok(())
        }
        _ => Err(format!("unknown marker '<!-- toml: {marker} -->'")),
    }
}

/// Checks every block of the named documents; returns how many it checked, and the failures.
fn check_docs(docs: &[(String, String)]) -> (usize, Vec<String>) {
    let mut failures = Vec::new();
    let mut count = 0;
    for (file, text) in docs {
        let found = blocks(file, text);
        assert_eq!(
            found.len(),
            text.lines().filter(|l| l.trim_end() == "```toml").count(),
            "{file}: every ```toml fence is read"
        );
        for b in &found {
            count += 1;
            if let Err(e) = check_block(b) {
                failures.push(format!("{}:{}: {e}", b.file, b.line));
            }
        }
    }
    (count, failures)
}

fn docs_folder() -> Vec<(String, String)> {
    let mut docs: Vec<(String, String)> = std::fs::read_dir("docs")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            (p.display().to_string(), text)
        })
        .collect();
    docs.sort();
    docs
}

#[test]
fn every_toml_block_of_the_docs_folder_passes_check() {
    let docs = docs_folder();
    let (count, failures) = check_docs(&docs);
    assert!(count >= 1, "docs/ holds TOML examples (found {count})");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_toml_block_of_the_readme_passes_check() {
    let readme = std::fs::read_to_string("README.md").unwrap();
    let (count, failures) = check_docs(&[("README.md".into(), readme)]);
    assert!(count >= 5, "the README's TOML examples (found {count})");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_checker_catches_broken_blocks_and_unknown_markers() {
    let doc = "\
```toml
name = \"x\"
duration = \"1h\"
```
<!-- toml: fragment under=deployments.compute each-key -->
```toml
keep_alive = { policy = \"fixed\", idle_timeout = \"10m\" }
keep_alive = { policy = \"fixed\", idle_timeout = \"-1m\" }
```
<!-- toml: fragment under=workload.functions -->
```toml
memory = \"lots\"
```
<!-- toml: invalid -->
```toml
name = \"x\"
```
<!-- toml: fragmnet under=workload.functions -->
```toml
memory = \"512MB\"
```
<!-- toml: fragment under=workload keys-only -->
```toml
[workload.trace]
fromat = \"csv\"
```
<!-- toml: fragment under=deployments.compute each-key -->
```toml
[deployments.compute.billing]
granularity = \"1ms\"
provisioned = { instances = 2 }
```
";
    let (count, failures) = check_docs(&[("t.md".into(), doc.into())]);
    assert_eq!(count, 7);
    let lines: Vec<usize> = failures
        .iter()
        .map(|f| f.split(':').nth(1).unwrap().parse().unwrap())
        .collect();
    // No deployments; the second keep_alive; "lots"; an incomplete scenario marked invalid
    // is fine; the typo; the unknown trace key; provisioned is not a billing key.
    assert_eq!(lines, [2, 7, 12, 20, 24, 29], "{failures:#?}");
    assert!(
        failures[1].contains("idle_timeout = \"-1m\""),
        "{}",
        failures[1]
    );
    assert!(failures[3].contains("unknown marker"), "{}", failures[3]);
}
