//! `serverless-sim merge OUT DIR...`: the part folders of a sharded sweep or a sharded run
//! made into the reports one machine would have written ([`crate::shard`]); a run's parts are
//! merged by [`super::shard_run::merge_run`]. What it prints and writes is
//! what `sweep` prints and writes ([`super::sweep::publish`]). When the break-even refinement
//! needs another round of runs, nothing is written: it prints the commands that run that round
//! and merge again, and exits with [`ANOTHER_ROUND_EXIT_CODE`], so a script (or a driver under
//! `deploy/`) can loop.

use std::collections::BTreeSet;
use std::fmt;
use std::path::{Path, PathBuf};

use super::sweep::{publish, shell_words};
use crate::report;
use crate::shard::sweep::{Replayed, replay};
use crate::shard::sweep_part::{self, Parts, SweepIdentity, round_name};
use crate::shard::{PART_FILE, read_part};

/// The exit code of a merge that needs another refinement round first.
pub const ANOTHER_ROUND_EXIT_CODE: u8 = 3;

/// The parts are complete so far, and the break-even refinement needs another round: the
/// commands that make it.
#[derive(Debug)]
pub struct AnotherRound(pub String);

impl fmt::Display for AnotherRound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for AnotherRound {}

/// Runs the `merge` command.
pub fn merge_command(out: &Path, parts: &[PathBuf], quiet: bool, json: bool) -> anyhow::Result<()> {
    let folders = sweep_part::find(parts)?;
    let mut kinds = BTreeSet::new();
    for dir in &folders {
        kinds.insert(read_part(dir)?.0.kind);
    }
    if kinds.len() > 1 {
        anyhow::bail!(
            "the folders hold parts of different kinds of work ({}): merge the parts of one \
             sweep or one run",
            kinds.into_iter().collect::<Vec<_>>().join(" and ")
        );
    }
    match kinds.first().map(String::as_str) {
        Some(sweep_part::KIND) => merge_sweep(out, parts, quiet, json),
        Some(crate::shard::replay_part::KIND) => {
            super::shard_run::merge_run(out, &folders, quiet, json)
        }
        Some(kind) => anyhow::bail!(
            "{}: parts of a `{kind}` cannot be merged by this version",
            folders[0].join(PART_FILE).display()
        ),
        None => anyhow::bail!("no part folder given"),
    }
}

/// Merges a sweep's parts (see the module docs).
fn merge_sweep(out: &Path, given: &[PathBuf], quiet: bool, json: bool) -> anyhow::Result<()> {
    let parts = Parts::read(given)?;
    let replay = replay(&parts)?;
    match replay.replayed {
        Replayed::Done(found) => {
            report::output::check_target(out)?;
            publish(&replay.source, &replay.result, &found, out, json, quiet)
        }
        Replayed::Stopped {
            round,
            jobs,
            missing,
            ..
        } => {
            if !missing.is_empty() {
                anyhow::bail!(
                    "{} is incomplete: shard(s) {} missing; run them, then merge again with \
                     every part",
                    round_name(round),
                    missing.join(", ")
                );
            }
            let grid_shards = parts.rounds.get(&0).map_or(1, |(n, _)| *n);
            Err(AnotherRound(another_round(
                &parts.sweep,
                round,
                jobs.len(),
                grid_shards,
                given,
                out,
            ))
            .into())
        }
    }
}

/// What to run next when refinement round `round` (of `runs` runs) is needed.
fn another_round(
    sweep: &SweepIdentity,
    round: usize,
    runs: usize,
    shards: usize,
    given: &[PathBuf],
    out: &Path,
) -> String {
    let params: String = sweep
        .params
        .iter()
        .map(|p| format!(" --param {p}"))
        .collect();
    let replications = if sweep.replications > 1 {
        format!(" --replications {}", sweep.replications)
    } else {
        String::new()
    };
    // Where the new parts go: beside the parts given.
    let parent = match given.first() {
        Some(p) if p.join(PART_FILE).is_file() => p.parent().map(Path::to_path_buf),
        Some(p) => Some(p.clone()),
        None => None,
    }
    .unwrap_or_default();
    let part_dir = parent.join(format!("round-{round}-shard-K-of-{shards}"));
    let after = shell_words(given);
    // A folder of parts takes the new ones in; part folders given one by one need the new
    // ones named too.
    let also = if given.len() == 1 && !given[0].join(PART_FILE).is_file() {
        String::new()
    } else {
        format!(
            " {}",
            parent
                .join(format!("round-{round}-shard-*-of-{shards}"))
                .display()
        )
    };
    format!(
        "the break-even refinement needs {} ({runs} run{}) before the reports can be written; \
         nothing was written to {}. Run each shard of it, K from 0 to {} (any number of \
         shards will do), then merge again with every part:\n  \
         serverless-sim sweep {}{params}{replications} --shard K/{shards} --after {after} --out {}\n  \
         serverless-sim merge {} {after}{also}",
        round_name(round),
        if runs == 1 { "" } else { "s" },
        out.display(),
        shards - 1,
        sweep.scenario_path,
        part_dir.display(),
        out.display(),
    )
}
