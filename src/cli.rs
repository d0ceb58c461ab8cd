//! The command line: `run`, `check`, `trace inspect`, and their flags. Parsing is clap's; each command is a
//! short function over the library.

use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::{Parser, Subcommand};

use crate::report;
use crate::run;
use crate::scenario::Scenario;
use crate::workload::Source;
use crate::workload::trace::{self, Format};

/// Simulate what a workload costs, and what latency and cold starts its users see, on
/// functions plus managed backends (FaaS + BaaS) versus always-on servers.
///
/// Write a scenario file (see scenarios/web-api.toml for a commented example), check it, run
/// it, and read the reports it writes under `reports/<scenario name>/`.
#[derive(Debug, Parser)]
#[command(name = "serverless-sim", version, about, long_about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a scenario and write its reports (summary.csv, timeseries.csv, latency.csv,
    /// costs.csv and PNG charts) to `reports/<scenario name>/` or `--out`.
    ///
    /// Example: serverless-sim run scenarios/web-api.toml
    Run {
        /// The scenario file (TOML).
        scenario: PathBuf,
        /// Folder to write the reports into (replaced atomically if it exists).
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Override the scenario's seed (same seed => byte-identical CSV).
        #[arg(long, value_name = "N")]
        seed: Option<u64>,
        /// Worker threads for running deployments in parallel (default: all cores). Results
        /// do not depend on it.
        #[arg(long, value_name = "N")]
        threads: Option<usize>,
        /// Do not print the summary table.
        #[arg(long, short)]
        quiet: bool,
    },
    /// Validate a scenario file without running it; reports the first error with its file,
    /// line and field.
    ///
    /// Example: serverless-sim check scenarios/web-api.toml
    Check {
        /// The scenario file (TOML).
        scenario: PathBuf,
    },
    /// Work with trace files.
    Trace {
        #[command(subcommand)]
        command: TraceCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum TraceCommand {
    /// Print what a trace holds (functions, apps, invocations, time span, triggers, busiest
    /// functions, rate spread) and write a PNG of invocations per minute.
    ///
    /// Example: serverless-sim trace inspect scenarios/traces/azure2019-100fn
    Inspect {
        /// A trace file, or a folder of Azure 2019 files (invocations, durations, memory).
        path: PathBuf,
        /// The trace's format (default: told from the header).
        #[arg(long, value_parser = ["azure2019", "azure2021", "csv"])]
        format: Option<String>,
        /// Folder for invocations.png (default: `reports/trace-inspect/<trace name>`).
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
}

/// Executes a parsed command line.
///
/// # Errors
/// Any scenario, trace, simulation or report error, with context.
pub fn execute(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Run {
            scenario,
            out,
            seed,
            threads,
            quiet,
        } => run_command(&scenario, out, seed, threads, quiet),
        Command::Trace {
            command: TraceCommand::Inspect { path, format, out },
        } => inspect_command(&path, format.as_deref(), out),
        Command::Check { scenario } => {
            let s = Scenario::load(&scenario)?;
            print_trace_notes(&s);
            println!(
                "{}: ok ({} functions, {} deployments, window {} s)",
                scenario.display(),
                s.workload.functions.len(),
                s.deployments.len(),
                s.window.length as f64 / 1e6
            );
            Ok(())
        }
    }
}

fn run_command(
    path: &Path,
    out: Option<PathBuf>,
    seed: Option<u64>,
    threads: Option<usize>,
    quiet: bool,
) -> anyhow::Result<()> {
    let mut scenario = Scenario::load(path)?;
    print_trace_notes(&scenario);
    if let Some(seed) = seed {
        scenario.seed = seed;
    }
    let result = match threads {
        Some(0) => anyhow::bail!("--threads must be at least 1"),
        Some(n) => rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .context("starting worker threads")?
            .install(|| run::run(&scenario))?,
        None => run::run(&scenario)?,
    };
    let out = out.unwrap_or_else(|| Path::new("reports").join(&scenario.name));
    let written = report::write_reports(&result, &out)?;
    if !quiet {
        print!("{}", report::table::render(&result));
        println!("reports written to {}", written.display());
    }
    Ok(())
}

/// Tells the user what a trace workload holds and what it had to leave out, and every
/// warning the scenario raised.
fn print_trace_notes(scenario: &Scenario) {
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

fn inspect_command(path: &Path, format: Option<&str>, out: Option<PathBuf>) -> anyhow::Result<()> {
    let format = format.and_then(Format::parse);
    let profile = trace::inspect::inspect(path, format)?;
    print!("{}", profile.render());
    let out = out.unwrap_or_else(|| {
        let stem = path
            .file_stem()
            .map_or_else(|| "trace".into(), |s| s.to_string_lossy().into_owned());
        Path::new("reports").join("trace-inspect").join(stem)
    });
    std::fs::create_dir_all(&out).with_context(|| format!("creating {}", out.display()))?;
    let png = out.join("invocations.png");
    report::charts::invocations::write_png(&profile, &png)?;
    println!("chart written to {}", png.display());
    Ok(())
}
