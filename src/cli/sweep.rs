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

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use anyhow::Context;

use super::{UsageError, progress_bar};
use crate::engine::Progress;
use crate::report;
use crate::sweep::size::SweepSize;
use crate::sweep::{self, SweepPlan, SweptParam, breakeven};

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
    let source = sweep::read_source(&args.scenario)?;
    // Every point parses the file: one too large to read is refused before any is parsed.
    let reading = crate::scenario::size::reading::check(&source.text);
    within_limits(&args.scenario, reading, args.allow_large)?;
    let plan = SweepPlan {
        params: args.params,
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
    let out = args
        .out
        .unwrap_or_else(|| Path::new("reports").join(format!("{}-sweep", first.name)));
    report::output::check_target(&out)?;
    // Counted before the grid is written out: a huge grid is refused at once.
    let grid = SweepSize::of_grid(&plan, first.deployments.len());
    within_limits(&args.scenario, grid.check(), args.allow_large)?;
    let progress = Progress::new();
    let show_bar = !args.quiet && std::io::stderr().is_terminal();
    let allow_large = args.allow_large;
    let scenario_path = args.scenario.clone();
    let work = || -> anyhow::Result<_> {
        let prepared = sweep::prepare(&source, &plan)?;
        let size = SweepSize::of_prepared(&plan, &prepared, rayon::current_num_threads());
        within_limits(&scenario_path, size.check(), allow_large)?;
        let result = sweep::run_prepared(&source, &plan, prepared, &progress);
        let found = breakeven::break_even_counted(&source, &result, &progress);
        Ok((result, found))
    };
    let (result, found) =
        progress_bar::with_sweep_bar(show_bar, &progress, || match args.threads {
            Some(n) => rayon::ThreadPoolBuilder::new()
                .num_threads(n.into())
                .build()
                .context("starting worker threads")
                .and_then(|pool| pool.install(work)),
            None => work(),
        })?;
    for w in sweep::warnings::merged(&result) {
        eprintln!("warning: {w}");
    }
    let json = args
        .json
        .then(|| sweep::json::sweep_json(&source, &result, &found));
    let written =
        sweep::report::write_sweep_reports(&source, &result, &found, json.as_ref(), &out)?;
    if let Some(json) = &json {
        println!("{}", serde_json::to_string_pretty(json)?);
    } else if !args.quiet {
        print!("{}", sweep::render::render_all(&result, &found));
        println!("reports written to {}", written.display());
    }
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
