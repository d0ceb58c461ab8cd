//! `serverless-sim sweep`: runs a scenario over a grid of parameter values with replications,
//! prints the monthly cost per point, the break-even points and where deployments stop
//! serving the workload, and writes `sweep.csv` and `breakeven.csv` (see
//! [`crate::sweep::report`]).
//!
//! Before anything runs: a parameter given twice is a usage error (exit 2); the grid is
//! counted and then every point validated and estimated, and a sweep above the size limits is
//! refused unless `--allow-large` ([`crate::sweep::size`]). A run that fails at one point (or
//! during a break-even refinement) does not discard the others: the reports are written with
//! that point marked (`error` in `sweep.csv`), every failure is printed, and the command exits
//! with code 1.
//!
//! With `--shard K/N` it runs only shard K's share of the sweep and writes a part folder
//! ([`crate::shard::sweep`]); with `--after PARTS` too, its share of the next break-even
//! refinement round. `merge` ([`super::merge`]) makes the reports from the parts.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use anyhow::Context;

use super::{UsageError, progress_bar};
use crate::engine::Progress;
use crate::report;
use crate::shard::ShardSpec;
use crate::shard::sweep_part::{self, Parts, SweepIdentity, SweepPart};
use crate::sweep::breakeven::BreakEven;
use crate::sweep::size::SweepSize;
use crate::sweep::{self, SweepPlan, SweepResult, SweepSource, SweptParam, breakeven};

/// What `sweep` was asked for.
pub struct SweepArgs {
    pub scenario: PathBuf,
    pub params: Vec<SweptParam>,
    pub replications: usize,
    pub out: Option<PathBuf>,
    pub threads: Option<u16>,
    pub quiet: bool,
    /// Run even above the size limits.
    pub allow_large: bool,
    /// Write summary.json and print it instead of the table (with `quiet` too).
    pub json: bool,
    /// Run only this shard's share and write a part folder.
    pub shard: Option<ShardSpec>,
    /// The parts so far: run the shard's share of the next refinement round.
    pub after: Vec<PathBuf>,
}

/// A parameter given twice: the two arguments, in the order given.
fn repeated(params: &[SweptParam]) -> Option<(&SweptParam, &SweptParam)> {
    params.iter().enumerate().find_map(|(i, later)| {
        params[..i]
            .iter()
            .find(|earlier| earlier.path == later.path)
            .map(|earlier| (earlier, later))
    })
}

/// Refuses a sweep above the size limits (`checked` is the check's answer) unless
/// `allow_large` (then warns).
fn within_limits(
    path: &Path,
    checked: Result<(), String>,
    allow_large: bool,
) -> anyhow::Result<()> {
    if let Err(message) = checked {
        if !allow_large {
            anyhow::bail!("{}: {message}", path.display());
        }
        eprintln!("warning: going ahead as --allow-large asks: {message}");
    }
    Ok(())
}

/// Runs the `sweep` command.
pub fn sweep_command(args: SweepArgs) -> anyhow::Result<()> {
    if let Some((earlier, later)) = repeated(&args.params) {
        return Err(UsageError(format!(
            "`--param {}` and `--param {}` both set {}: give each parameter once (list every \
             value in one --param)",
            earlier.argument, later.argument, later.path
        ))
        .into());
    }
    if !args.after.is_empty() && args.shard.is_none() {
        return Err(UsageError(
            "--after names the parts of a sharded sweep so far, for a shard of its next \
             refinement round: give --shard K/N too"
                .into(),
        )
        .into());
    }
    if args.shard.is_some() && args.json {
        return Err(UsageError(
            "--format json with --shard: a shard writes a part folder, not reports; give \
             --format json to `merge`, which writes the sweep's reports"
                .into(),
        )
        .into());
    }
    let source = sweep::read_source(&args.scenario)?;
    // Every point parses the file: one too large to read is refused before any is parsed.
    let reading = crate::scenario::size::reading::check(&source.text);
    within_limits(&args.scenario, reading, args.allow_large)?;
    let plan = SweepPlan {
        params: args.params.clone(),
        replications: args.replications,
        seed: None,
    };
    // The first point names the report folder and proves the file parses before anything else.
    let first_values: Vec<_> = plan.params.iter().map(|p| p.values[0].clone()).collect();
    let points = sweep::size::grid_points(&plan.params);
    let first = source
        .scenario_at(&plan.params, &first_values)
        .map_err(|error| {
            let count = usize::try_from(points).unwrap_or(usize::MAX);
            sweep::point_error(&plan.params, &first_values, 0, count, error)
        })?;
    // Counted before the grid is written out: a huge grid is refused at once.
    let grid = SweepSize::of_grid(&plan, first.deployments.len());
    within_limits(&args.scenario, grid.check(), args.allow_large)?;
    if let Some(shard) = args.shard {
        return shard_command(&args, shard, &source, &plan, &first.name);
    }
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new("reports").join(format!("{}-sweep", first.name)));
    report::output::check_target(&out)?;
    let progress = Progress::new();
    let show_bar = !args.quiet && std::io::stderr().is_terminal();
    let work = || -> anyhow::Result<_> {
        let prepared = prepared_within_limits(&args, &source, &plan)?;
        let result = sweep::run_prepared(&source, &plan, prepared, &progress);
        let found = breakeven::break_even_counted(&source, &result, &progress);
        Ok((result, found))
    };
    let (result, found) = with_threads(show_bar, &progress, args.threads, work)?;
    publish(&source, &result, &found, &out, args.json, args.quiet)
}

/// Every point validated and estimated, the whole sweep's size checked.
fn prepared_within_limits(
    args: &SweepArgs,
    source: &SweepSource,
    plan: &SweepPlan,
) -> anyhow::Result<sweep::Prepared> {
    let prepared = sweep::prepare(source, plan)?;
    let size = SweepSize::of_prepared(plan, &prepared, rayon::current_num_threads());
    within_limits(&args.scenario, size.check(), args.allow_large)?;
    Ok(prepared)
}

/// Runs `work` on `threads` worker threads (all cores when `None`), with the progress bar.
fn with_threads<T: Send>(
    show_bar: bool,
    progress: &Progress,
    threads: Option<u16>,
    work: impl FnOnce() -> anyhow::Result<T> + Send,
) -> anyhow::Result<T> {
    progress_bar::with_sweep_bar(show_bar, progress, || match threads {
        Some(n) => rayon::ThreadPoolBuilder::new()
            .num_threads(n.into())
            .build()
            .context("starting worker threads")
            .and_then(|pool| pool.install(work)),
        None => work(),
    })
}

/// `sweep --shard`: runs the shard's share of the grid (or, with `--after`, of the next
/// refinement round) and writes its part folder.
fn shard_command(
    args: &SweepArgs,
    shard: ShardSpec,
    source: &SweepSource,
    plan: &SweepPlan,
    name: &str,
) -> anyhow::Result<()> {
    let progress = Progress::new();
    let show_bar = !args.quiet && std::io::stderr().is_terminal();
    let part = if args.after.is_empty() {
        with_threads(show_bar, &progress, args.threads, || {
            let prepared = prepared_within_limits(args, source, plan)?;
            Ok(crate::shard::sweep::grid_part(
                source, plan, &prepared, shard, &progress,
            ))
        })?
    } else {
        let parts = Parts::read(&args.after)?;
        if let Some(why) = parts.sweep.difference(&SweepIdentity::of(source, plan)) {
            anyhow::bail!(
                "the parts given with --after are of another sweep than this command line: {why}"
            );
        }
        let next = with_threads(show_bar, &progress, args.threads, || {
            Ok(crate::shard::sweep::refinement_part(
                &parts, shard, &progress,
            )?)
        })?;
        let Some(part) = next else {
            println!(
                "the break-even refinement needs no more runs: merge the parts                  (serverless-sim merge OUT {})",
                shell_words(&args.after)
            );
            return Ok(());
        };
        part
    };
    let seed = match plan.seed {
        Some(seed) => seed,
        None => part_seed(source, plan)?,
    };
    let out = match &args.out {
        Some(out) => out.clone(),
        None => Path::new("reports")
            .join(format!("{name}-sweep-parts"))
            .join(sweep_part::folder_name(part.round, shard)),
    };
    let written = sweep_part::write(&part, name, seed, &out)?;
    report_part(&part, &written, args.quiet);
    Ok(())
}

/// The scenario's own seed (what a part's manifest names when `--seed` is not given).
fn part_seed(source: &SweepSource, plan: &SweepPlan) -> anyhow::Result<u64> {
    let first: Vec<_> = plan.params.iter().map(|p| p.values[0].clone()).collect();
    Ok(source.scenario_at(&plan.params, &first)?.seed)
}

/// Says what a shard wrote and what comes next; failed runs are warned about (merge reports
/// them as a sweep does).
fn report_part(part: &SweepPart, written: &Path, quiet: bool) {
    let failed = part
        .runs
        .iter()
        .filter(|r| matches!(r.outcome, sweep_part::RunOutcome::Failed(_)))
        .count();
    if failed > 0 {
        eprintln!(
            "warning: {failed} of this shard's runs failed; merge reports them as the sweep would"
        );
    }
    if !quiet {
        println!(
            "part written to {} ({}, shard {}: {} of its {} runs); when every shard of it is \
             done: serverless-sim merge OUT {}",
            written.display(),
            sweep_part::round_name(part.round),
            part.header.shard,
            part.runs.len(),
            part.round_runs,
            written
                .parent()
                .map_or(String::new(), |p| p.display().to_string())
        );
    }
}

/// Paths as one would type them after a command.
pub fn shell_words(paths: &[PathBuf]) -> String {
    paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(" ")
}

/// What a finished sweep (run here or merged from parts) prints and writes: warnings, the
/// reports in `out`, the table or JSON, and its failed runs as the error.
pub fn publish(
    source: &SweepSource,
    result: &SweepResult,
    found: &BreakEven,
    out: &Path,
    json: bool,
    quiet: bool,
) -> anyhow::Result<()> {
    for w in sweep::warnings::merged(result) {
        eprintln!("warning: {w}");
    }
    let json = json.then(|| sweep::json::sweep_json(source, result, found));
    let written = sweep::report::write_sweep_reports(source, result, found, json.as_ref(), out)?;
    if let Some(json) = &json {
        println!("{}", serde_json::to_string_pretty(json)?);
    } else if !quiet {
        print!("{}", sweep::render::render_all(result, found));
        println!("reports written to {}", written.display());
    }
    let plan = &result.plan;
    let count = result.points.len();
    let mut failures: Vec<String> = result
        .points
        .iter()
        .enumerate()
        .filter_map(|(i, p)| {
            let e = p.error.as_ref()?;
            Some(format!(
                "sweep point {} of {count} ({}): {e}",
                i + 1,
                sweep::describe(&plan.params, &p.values)
            ))
        })
        .collect();
    failures.extend(found.failures.iter().map(|e| e.to_string()));
    if failures.is_empty() {
        return Ok(());
    }
    for f in &failures[1..] {
        eprintln!("error: {f}");
    }
    anyhow::bail!(
        "{}; {} run(s) failed in all, the other points' results are in {}",
        failures[0],
        failures.len(),
        written.display()
    )
}
