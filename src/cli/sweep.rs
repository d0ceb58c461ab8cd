//! `serverless-sim sweep`: runs a scenario over a grid of parameter values with replications,
//! prints the monthly cost per point and the break-even points, and writes `sweep.csv` and
//! `breakeven.csv` (see [`crate::sweep::report`]).

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use anyhow::Context;

use super::progress_bar;
use crate::engine::Progress;
use crate::report;
use crate::sweep::{self, SweepPlan, SweptParam, breakeven};

/// What `sweep` was asked for.
pub struct SweepArgs {
    pub scenario: PathBuf,
    pub params: Vec<SweptParam>,
    pub replications: usize,
    pub out: Option<PathBuf>,
    pub threads: Option<u16>,
    pub quiet: bool,
    /// Write summary.json and print it instead of the table (with `quiet` too).
    pub json: bool,
}

/// Runs the `sweep` command.
pub fn sweep_command(args: SweepArgs) -> anyhow::Result<()> {
    let source = sweep::read_source(&args.scenario)?;
    let plan = SweepPlan {
        params: args.params,
        replications: args.replications,
        seed: None,
    };
    // The first point names the report folder and proves the file parses before anything else.
    let points = plan.points();
    let first = source
        .scenario_at(&plan.params, &points[0])
        .map_err(|error| sweep::point_error(&plan.params, &points[0], 0, points.len(), error))?;
    let out = args
        .out
        .unwrap_or_else(|| Path::new("reports").join(format!("{}-sweep", first.name)));
    report::output::check_target(&out)?;
    let runs = (points.len() * plan.replications.max(1)) as u64;
    let progress = Progress::new();
    let show_bar = !args.quiet && std::io::stderr().is_terminal();
    let work = || -> anyhow::Result<_> {
        let result = sweep::sweep(&source, &plan, &progress)?;
        let crossings = breakeven::crossings(&source, &result)?;
        Ok((result, crossings))
    };
    let (result, crossings) =
        progress_bar::with_runs_bar(show_bar, runs, &progress, || match args.threads {
            Some(n) => rayon::ThreadPoolBuilder::new()
                .num_threads(n.into())
                .build()
                .context("starting worker threads")
                .and_then(|pool| pool.install(work)),
            None => work(),
        })?;
    let json = args
        .json
        .then(|| sweep::json::sweep_json(&source, &result, &crossings));
    let written =
        sweep::report::write_sweep_reports(&source, &result, &crossings, json.as_ref(), &out)?;
    if let Some(json) = &json {
        println!("{}", serde_json::to_string_pretty(json)?);
    } else if !args.quiet {
        print!("{}", sweep::report::render(&result, &crossings));
        println!("reports written to {}", written.display());
    }
    Ok(())
}
