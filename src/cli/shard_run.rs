//! `run --shard K/N` (one shard of a trace replay, written as a part folder) and the merge of
//! a run's parts back into the run's reports (called by `merge`, [`super::merge`], for parts of
//! a run). The work is [`crate::shard::replay`]'s; this is the command line around it.

use std::path::{Path, PathBuf};

use anyhow::Context;

use super::{Publish, RunFlags, print_trace_notes, readable, sized};
use crate::engine::Progress;
use crate::scenario::Scenario;
use crate::shard::{ShardSpec, replay, replay_part};

/// `run SCENARIO --shard K/N [--shard-approximate]`: replays shard K's apps and writes its
/// part folder.
pub(crate) fn run_shard_command(
    path: &Path,
    shard: ShardSpec,
    approximate: bool,
    flags: RunFlags,
) -> anyhow::Result<()> {
    readable(path, flags.allow_large)?;
    let mut scenario = Scenario::load(path)?;
    if let Some(seed) = flags.seed {
        scenario.seed = seed;
    }
    replay::check_shardable(path, &scenario, approximate).map_err(anyhow::Error::msg)?;
    let out = flags.out.unwrap_or_else(|| {
        Path::new("reports").join(format!(
            "{}-shard-{}-of-{}",
            scenario.name, shard.index, shard.count
        ))
    });
    crate::report::output::check_target(&out)?;
    sized(path, &scenario, flags.allow_large)?;
    print_trace_notes(&scenario);
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let simulate =
        || replay::run_shard(path, &text, &scenario, shard, approximate, &Progress::new());
    let part = match flags.threads {
        Some(n) => rayon::ThreadPoolBuilder::new()
            .num_threads(n.into())
            .build()
            .context("starting worker threads")?
            .install(simulate)?,
        None => simulate()?,
    };
    let written = replay_part::write(&part, &out, &scenario.warnings)?;
    if !flags.quiet {
        let requests: u64 = part
            .deployments
            .first()
            .map_or(0, |d| d.recorder.totals.requests);
        let kept = replay::kept_functions(&scenario, shard)
            .iter()
            .filter(|&&k| k)
            .count();
        println!(
            "shard {shard}: {kept} of {} functions, {requests} requests; part written to {}",
            scenario.workload.functions.len(),
            written.display()
        );
    }
    Ok(())
}

/// Merges the parts of a run (part folders, each checked by [`replay_part::read_set`]) and
/// writes the run's reports to `out`.
pub(crate) fn merge_run(
    out: &Path,
    dirs: &[PathBuf],
    quiet: bool,
    json: bool,
) -> anyhow::Result<()> {
    crate::report::output::check_target(out)?;
    let parts = replay_part::read_set(dirs)?;
    let run = &parts[0].run;
    let path = Path::new(&run.scenario);
    let text = std::fs::read_to_string(path).with_context(|| {
        format!(
            "reading {}, the scenario the parts are of (merge reads it from the path `run` was \
             given, from the folder merge runs in)",
            path.display()
        )
    })?;
    if replay_part::digest(&text) != run.scenario_digest {
        anyhow::bail!(
            "{}: the scenario changed since the parts were written; run the shards again",
            path.display()
        );
    }
    let mut scenario = Scenario::load(path)?;
    scenario.seed = run.seed;
    if replay::identity(path, &text, &scenario, run.approximate) != *run {
        anyhow::bail!(
            "{}: the parts are of other deployments than this scenario's",
            path.display()
        );
    }
    let result = replay::merge(&scenario, &parts)?;
    for w in &result.warnings[scenario.warnings.len()..] {
        eprintln!("warning: {w}");
    }
    let publish = Publish {
        path,
        text: &text,
        out,
        json,
        quiet,
    };
    publish.write_and_print(&result, None)
}
