//! `serverless-sim run`: one scenario run (with `--replications N`, N of them), its reports
//! written and its table printed ([`super::publish`]); and the checks every command that
//! reads a scenario makes first (the file's size, the run's size estimate, the trace's notes).
//! `run --shard` is [`super::shard_run`]'s.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use anyhow::Context;

use super::progress_bar;
use super::publish::Publish;
use crate::engine::Progress;
use crate::report;
use crate::run;
use crate::scenario::Scenario;
use crate::scenario::size::SizeEstimate;
use crate::workload::Source;
use crate::workload::trace;

/// The memory of reading the scenario file at `path` (its `check` line), refused above the
/// limit unless `allow_large`, before the file is parsed. A file that cannot be read is left
/// to [`Scenario::load`], which says so in its usual form.
pub(crate) fn readable(path: &Path, allow_large: bool) -> anyhow::Result<Option<String>> {
    let Ok(text) = std::fs::read_to_string(path) else {
        return Ok(None);
    };
    if let Err(message) = crate::scenario::size::reading::check(&text) {
        if !allow_large {
            anyhow::bail!("{}: {message}", path.display());
        }
        eprintln!("warning: going ahead as --allow-large asks: {message}");
    }
    Ok(Some(crate::scenario::size::reading::line(&text)))
}

/// The size estimate of `scenario`, refused above the limits unless `allow_large`.
pub(crate) fn sized(
    path: &Path,
    scenario: &Scenario,
    allow_large: bool,
) -> anyhow::Result<SizeEstimate> {
    let estimate = SizeEstimate::of(scenario);
    if let Err(message) = estimate.check() {
        if !allow_large {
            anyhow::bail!("{}: {message}", path.display());
        }
        let first = message.lines().next().unwrap_or_default();
        eprintln!("warning: going ahead as --allow-large asks: {first}");
    }
    Ok(estimate)
}

/// The flags of `run`.
pub(crate) struct RunFlags {
    pub(crate) out: Option<PathBuf>,
    pub(crate) seed: Option<u64>,
    pub(crate) threads: Option<u16>,
    pub(crate) quiet: bool,
    pub(crate) allow_large: bool,
    pub(crate) replications: usize,
    pub(crate) json: bool,
}

/// Runs the `run` command (unsharded).
pub(crate) fn run_command(path: &Path, flags: RunFlags) -> anyhow::Result<()> {
    readable(path, flags.allow_large)?;
    let mut scenario = Scenario::load(path)?;
    if let Some(seed) = flags.seed {
        scenario.seed = seed;
    }
    let out = flags
        .out
        .unwrap_or_else(|| Path::new("reports").join(&scenario.name));
    // Refuse an unusable folder before simulating, not after.
    report::output::check_target(&out)?;
    let estimate = sized(path, &scenario, flags.allow_large)?;
    // A refused run says so first: the notes and warnings are about a run that goes on.
    print_trace_notes(&scenario);
    let progress = Progress::new();
    let runs = flags.replications.max(1) as f64;
    let expected = (estimate.requests() * scenario.deployments.len() as f64 * runs).round() as u64;
    let show_bar = !flags.quiet && std::io::stderr().is_terminal();
    let simulate = || -> anyhow::Result<_> {
        let result = run::run_with_progress(&scenario, &progress)?;
        let replications = if flags.replications > 1 {
            let plan = crate::sweep::SweepPlan {
                params: Vec::new(),
                replications: flags.replications,
                seed: Some(scenario.seed),
            };
            let source = crate::sweep::read_source(path)?;
            // Counted in runs, not requests: add each replication's share of the estimate.
            let per_run = (estimate.requests() * scenario.deployments.len() as f64) as u64;
            let done = Progress::new();
            let r = crate::sweep::sweep(&source, &plan, &done)?;
            progress.add(per_run * flags.replications as u64);
            Some(r)
        } else {
            None
        };
        Ok((result, replications))
    };
    let (result, replications) =
        progress_bar::with_bar(show_bar, expected, &progress, || match flags.threads {
            Some(n) => rayon::ThreadPoolBuilder::new()
                .num_threads(n.into())
                .build()
                .context("starting worker threads")
                .and_then(|pool| pool.install(simulate)),
            None => simulate(),
        })?;
    for w in &result.warnings[scenario.warnings.len()..] {
        eprintln!("warning: {w}");
    }
    // The scenario as run, for summary.json and report.html.
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let publish = Publish {
        path,
        text: &text,
        out: &out,
        json: flags.json,
        quiet: flags.quiet,
    };
    publish.write_and_print(&result, replications.as_ref())
}

/// Tells the user what a trace workload holds and what it had to leave out, and every
/// warning the scenario raised.
pub(crate) fn print_trace_notes(scenario: &Scenario) {
    for w in &scenario.warnings {
        eprintln!("warning: {w}");
    }
    if let Source::Trace(t) = &scenario.workload.source {
        let i = &t.info;
        eprintln!("{}", i.summary(scenario.window.length));
        for s in &i.skipped {
            eprintln!(
                "note: skipped {} function{} ({} invocations): {}",
                s.functions,
                if s.functions == 1 { "" } else { "s" },
                trace::inspect::group(s.invocations),
                s.reason
            );
        }
    }
}
