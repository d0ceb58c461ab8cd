//! The command line: `run` ([`run`]; `run --shard`: [`shard_run`]), `check`, `sweep`
//! ([`sweep`]), `merge` ([`merge`]), `trace inspect`, `pricing list` / `show`, and their
//! flags. Parsing is clap's; each command is a short function over the library. Every
//! command's `--help` ends with examples ([`examples`]) and the exit codes:
//!
//! - 0: done;
//! - 1: what the command line points at failed: a scenario or trace file is missing or
//!   invalid, the output folder cannot be used, the run is too large, a report could not be
//!   written;
//! - 2: the command line itself is wrong: an unknown command or flag, a missing argument, a
//!   flag value clap rejects (`--threads 0`, `--format yaml`) or one this code rejects
//!   ([`UsageError`]: an unknown preset name), as clap exits for its own;
//! - 3 (`merge` only): a sweep's break-even refinement needs another round of shards first;
//! - 130: interrupted (Ctrl-C, SIGTERM).

pub mod examples;
pub mod merge;
pub mod pricing;
mod progress_bar;
mod publish;
mod run;
pub mod shard_run;
pub mod sweep;

use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand};

use crate::report;
use crate::scenario::Scenario;
use crate::workload::trace::{self, Format};
pub(crate) use publish::Publish;
pub(crate) use run::{RunFlags, print_trace_notes, readable, run_command, sized};

/// Simulate what a workload costs, and what latency and cold starts its users see, on
/// functions plus managed backends (FaaS + BaaS) versus always-on servers.
///
/// Write a scenario file (see scenarios/web-api.toml for a commented example), check it, run
/// it, and read the reports it writes under `reports/<scenario name>/`.
#[derive(Debug, Parser)]
#[command(name = "serverless-sim", version, about, long_about, after_help = examples::TOP)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a scenario and write its reports to `reports/<scenario name>/` or `--out`:
    /// summary.csv, costs.csv, functions.csv, timeseries.csv, latency.csv, report.html (every
    /// table and chart on one page), the charts cost.png, cost_over_time.png,
    /// cost_latency.png, latency_cdf.png, latency_over_time.png, instances.png, keepalive.png
    /// and, when a deployment has a hard quota, quotas.png; and a manifest.toml listing them.
    ///
    /// Cold starts are attempts that waited for an instance to boot (a new instance, or a
    /// free slot of one still booting); instance starts are instances started for calls,
    /// each with a boot (pre-warmed and provisioned instances are ready without one and are
    /// not counted). Every column is defined in docs/reports.md.
    #[command(after_help = examples::RUN)]
    Run {
        /// The scenario file (TOML).
        scenario: PathBuf,
        /// Folder to write the reports into (default: `reports/<scenario name>`). It must be
        /// missing, empty, or a previous serverless-sim report, which is then replaced in one
        /// step; anything else (a folder holding other files, a file, a link) is refused and
        /// left untouched.
        ///
        /// A report is recognised by the manifest.toml it holds, which lists its files, all of
        /// them files this command writes; a report to which other files were added, a
        /// manifest listing anything else, and a read-only folder (or one holding read-only
        /// files) are refused too, so nothing of yours is lost.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Override the scenario's seed (same seed => byte-identical CSV).
        #[arg(long, value_name = "N")]
        seed: Option<u64>,
        /// Worker threads, 1 to 256 (default: all cores): with more than one, the deployments
        /// run side by side on one shared request stream; with 1, one after another. Results
        /// do not depend on it.
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=MAX_THREADS))]
        threads: Option<u16>,
        /// Do not print the summary table, the "reports written to" line or the progress bar
        /// (warnings and errors still go to stderr). The JSON of `--format json` is printed
        /// all the same: printing it is what that flag asks for.
        #[arg(long, short)]
        quiet: bool,
        /// Run even when the size estimate is above the limits (10^10 engine events, 8 GiB of
        /// memory).
        #[arg(long)]
        allow_large: bool,
        /// Also run N independent replications (the first with the scenario's seed, the same
        /// seeds for every deployment) and add their means and 95% confidence half-widths:
        /// printed, and written to replications.csv. The other reports are of the first.
        #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=10_000))]
        replications: u32,
        /// `json`: also write summary.json (summary.csv's figures with the scenario as run,
        /// seed, month, presets and version; with --replications N, every figure's mean and
        /// 95% confidence half-width as in replications.csv) and print it on stdout instead of
        /// the table, with --quiet too.
        #[arg(long, value_enum, default_value = "text")]
        format: pricing::Format,
        /// Replay only shard K of N (K from 0; `auto/N` reads K from a job array's
        /// JOB_COMPLETION_INDEX, SLURM_ARRAY_TASK_ID or AWS_BATCH_JOB_ARRAY_INDEX): the apps
        /// whose name hashes to K, each with all its functions. Writes a part folder (default
        /// `reports/<scenario name>-shard-K-of-N`) for `merge`, which writes this run's
        /// reports byte for byte. Refused when something couples apps (an account
        /// concurrency limit, a fleet, quotas, rate limits, connection caps, stored data,
        /// an autoscaler), naming the scenario key.
        #[arg(long, value_name = "K/N")]
        shard: Option<String>,
        /// With --shard: replay a scenario whose account concurrency limit couples apps
        /// anyway, each shard given the full limit (the merged run may throttle less than one
        /// run; its report warns that it is approximate). Other couplings stay refused.
        #[arg(long, requires = "shard")]
        shard_approximate: bool,
    },
    /// Validate a scenario file without running it; reports the first error with its file,
    /// line and field, then the size estimate of the run (requests, engine events and memory
    /// per deployment).
    #[command(after_help = examples::CHECK)]
    Check {
        /// The scenario file (TOML).
        scenario: PathBuf,
        /// Accept a scenario whose size estimate is above the limits (10^10 engine events,
        /// 8 GiB of memory).
        #[arg(long)]
        allow_large: bool,
    },
    /// Run a scenario at every point of a grid of parameter values (each `--param` one axis),
    /// with `--replications` independent seeds per point; prints the monthly cost per point
    /// (marked where a deployment does not serve the workload), where two deployments that
    /// serve it cost the same and where one stops serving it, and writes sweep.csv,
    /// breakeven.csv, breakeven.png, latency.png (and memory.png for a memory sweep) and
    /// report.html to `reports/<scenario name>-sweep/` or `--out`.
    ///
    #[command(after_help = examples::SWEEP)]
    Sweep {
        /// The scenario file (TOML).
        scenario: PathBuf,
        /// A field to vary and its values: PATH=VALUES, VALUES a list (`1,2,4`, `128MB,1024MB`: one unit),
        /// a linear range of N points (`1..10:10`) or a log range (`0.1..100:log13`); PATH as
        /// in error messages (`deployments[1].compute.instances`,
        /// `workload.functions[0].memory`, `load`). Repeat for a grid.
        #[arg(long = "param", value_name = "PATH=VALUES", required = true, value_parser = crate::sweep::values::parse_param)]
        params: Vec<crate::sweep::SweptParam>,
        /// Independent runs per point (different seeds; the same seeds for every point and
        /// deployment): results gain 95% confidence half-widths.
        #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=10_000))]
        replications: u32,
        /// Folder to write the reports into (default: `reports/<scenario name>-sweep`); the
        /// same rules as `run --out`.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Worker threads, 1 to 256 (default: all cores). Results do not depend on it.
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=MAX_THREADS))]
        threads: Option<u16>,
        /// Do not print the table, the "reports written to" line or the progress bar (warnings
        /// and errors still go to stderr). The JSON of `--format json` is printed all the
        /// same, as by `run`.
        #[arg(long, short)]
        quiet: bool,
        /// Run even when the whole sweep's size estimate (every point x replication) is above
        /// the limits (10^10 engine events, 8 GiB of memory).
        #[arg(long)]
        allow_large: bool,
        /// `json`: also write summary.json (every figure with its half-width, the crossings,
        /// the scenario as run, seed and version) and print it on stdout instead of the table,
        /// with --quiet too.
        #[arg(long, value_enum, default_value = "text")]
        format: pricing::Format,
        /// Run only shard K of N (K from 0 to N-1) of the sweep's runs, dealt round-robin, and
        /// write them to a part folder (default
        /// `reports/<scenario name>-sweep-parts/round-0-shard-K-of-N`) for `merge`. `auto/N`
        /// reads K from JOB_COMPLETION_INDEX (Kubernetes Indexed Jobs), SLURM_ARRAY_TASK_ID
        /// (less SLURM_ARRAY_TASK_MIN) or AWS_BATCH_JOB_ARRAY_INDEX, the first that is set.
        #[arg(long, value_name = "K/N", value_parser = crate::shard::ShardSpec::parse)]
        shard: Option<crate::shard::ShardSpec>,
        /// With --shard: the parts made so far (part folders, or folders holding them); runs
        /// the shard's share of the next break-even refinement round, the one `merge` asked
        /// for, into `round-R-shard-K-of-N`.
        #[arg(long, value_name = "DIR", num_args = 1.., requires = "shard")]
        after: Vec<PathBuf>,
    },
    /// Merge the part folders of a sharded sweep (`sweep --shard`) or a sharded run (`run
    /// --shard`) into the reports one machine would have written, byte for byte, whatever the
    /// order the parts are given in. A run's parts' meters are added exactly and priced once,
    /// so free allowances and volume tiers apply to the account's total; the scenario file is
    /// read again from the path the parts name (it must be unchanged). When a sweep's
    /// break-even refinement needs another round of runs, writes nothing, prints the commands
    /// that run and merge it, and exits with code 3.
    #[command(after_help = examples::MERGE)]
    Merge {
        /// The report folder to write (the same rules as `run --out` and `sweep --out`).
        out: PathBuf,
        /// Part folders, or folders holding part folders.
        #[arg(required = true, value_name = "DIR")]
        parts: Vec<PathBuf>,
        /// Do not print the table or the "reports written to" line.
        #[arg(long, short)]
        quiet: bool,
        /// `json`: also write summary.json and print it instead of the table, as `sweep
        /// --format json`.
        #[arg(long, value_enum, default_value = "text")]
        format: pricing::Format,
    },
    /// The catalogue of provider presets (`pricing = "<name>"` in a scenario).
    #[command(after_help = examples::PRICING)]
    Pricing {
        #[command(subcommand)]
        command: PricingCommand,
    },
    /// Work with trace files.
    #[command(after_help = examples::TRACE)]
    Trace {
        #[command(subcommand)]
        command: TraceCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum PricingCommand {
    /// Every preset: name, kind, provider, region, price date and product.
    #[command(after_help = examples::PRICING_LIST)]
    List {
        #[arg(long, value_enum, default_value = "text")]
        format: pricing::Format,
    },
    /// One preset: every figure with its unit, confidence and source; what was left out.
    #[command(after_help = examples::PRICING_SHOW)]
    Show {
        /// The preset's name (see `pricing list`).
        name: String,
        #[arg(long, value_enum, default_value = "text")]
        format: pricing::Format,
    },
}

#[derive(Debug, Subcommand)]
pub enum TraceCommand {
    /// Print what a trace holds (functions, apps, invocations, time span, triggers, busiest
    /// functions, rate spread) and write a PNG of invocations per minute.
    #[command(after_help = examples::TRACE_INSPECT)]
    Inspect {
        /// A trace file, or a folder of Azure 2019 files (invocations, durations, memory).
        path: PathBuf,
        /// The trace's format (default: told from the header).
        #[arg(long, value_parser = ["azure2019", "azure2021", "csv"])]
        format: Option<String>,
        /// Folder for invocations.png (default: `reports/trace-inspect/<trace name>`). Same
        /// rule as `run --out`: it must be missing, empty, or a previous serverless-sim report
        /// (replaced in one step); anything else is refused and left untouched.
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
            allow_large,
            replications,
            format,
            shard,
            shard_approximate,
        } => {
            let flags = RunFlags {
                out,
                seed,
                threads,
                quiet,
                allow_large,
                replications: replications as usize,
                json: format == pricing::Format::Json,
            };
            match shard {
                Some(text) => {
                    let shard = crate::shard::ShardSpec::parse(&text)
                        .map_err(|e| UsageError(format!("--shard {e}")))?;
                    if flags.replications > 1 {
                        return Err(UsageError(
                            "--shard replays one run: it does not take --replications".into(),
                        )
                        .into());
                    }
                    if flags.json {
                        return Err(UsageError(
                            "--format json with --shard: a shard writes a part folder, not \
                             reports; give --format json to `merge`, which writes the run's \
                             reports"
                                .into(),
                        )
                        .into());
                    }
                    shard_run::run_shard_command(&scenario, shard, shard_approximate, flags)
                }
                None => run_command(&scenario, flags),
            }
        }
        Command::Sweep {
            scenario,
            params,
            replications,
            out,
            threads,
            quiet,
            allow_large,
            format,
            shard,
            after,
        } => sweep::sweep_command(sweep::SweepArgs {
            scenario,
            params,
            replications: replications as usize,
            out,
            threads,
            quiet,
            allow_large,
            json: format == pricing::Format::Json,
            shard,
            after,
        }),
        Command::Merge {
            out,
            parts,
            quiet,
            format,
        } => merge::merge_command(&out, &parts, quiet, format == pricing::Format::Json),
        Command::Pricing { command } => {
            let catalogue = crate::pricing::presets::catalogue();
            let text = match command {
                PricingCommand::List { format } => pricing::list(catalogue, format),
                PricingCommand::Show { name, format } => {
                    let Some(preset) = catalogue.get(&name) else {
                        let similar = catalogue.similar(&name);
                        let hint = if similar.is_empty() {
                            String::new()
                        } else {
                            format!("; similar: {}", similar.join(", "))
                        };
                        return Err(UsageError(format!(
                            "unknown preset '{name}' (`serverless-sim pricing list` shows them all{hint})"
                        ))
                        .into());
                    };
                    pricing::show(catalogue, preset, format)
                }
            };
            print!("{text}");
            Ok(())
        }
        Command::Trace {
            command: TraceCommand::Inspect { path, format, out },
        } => inspect_command(&path, format.as_deref(), out),
        Command::Check {
            scenario,
            allow_large,
        } => {
            let reading = readable(&scenario, allow_large)?;
            let s = Scenario::load(&scenario)?;
            // A refused run says so first: the notes and warnings are about a run that goes on.
            let estimate = sized(&scenario, &s, allow_large)?;
            print_trace_notes(&s);
            println!(
                "{}: ok ({} functions, {} deployments, window {} s)",
                scenario.display(),
                s.workload.functions.len(),
                s.deployments.len(),
                s.window.length as f64 / 1e6
            );
            for line in crate::scenario::size::rates::lines(&s.workload, s.window.length) {
                println!("{line}");
            }
            if !s.slo.is_empty() {
                println!(
                    "slo: {} (a deployment above it does not serve the workload)",
                    s.slo.describe()
                );
            }
            for line in estimate.lines() {
                println!("{line}");
            }
            if let Some(line) = reading {
                println!("{line}");
            }
            println!("{}", report::format::month_line(s.window.month));
            if let Some(line) = report::format::measured_line(&s.window) {
                println!("{line}");
            }
            Ok(())
        }
    }
}

/// A command line that is wrong in a way clap cannot see (an unknown preset name): the
/// binary exits with code 2, as for clap's own usage errors.
#[derive(Debug)]
pub struct UsageError(pub String);

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

/// Exit code of a wrong command line (clap's, and [`UsageError`]'s).
pub const USAGE_EXIT_CODE: u8 = 2;

/// Exit code of every other error.
pub const FAILURE_EXIT_CODE: u8 = 1;

/// The exit code for an error `execute` returned.
pub fn exit_code(e: &anyhow::Error) -> u8 {
    if e.downcast_ref::<merge::AnotherRound>().is_some() {
        merge::ANOTHER_ROUND_EXIT_CODE
    } else if e.downcast_ref::<UsageError>().is_some() {
        USAGE_EXIT_CODE
    } else {
        FAILURE_EXIT_CODE
    }
}

/// Most worker threads `--threads` accepts (deployments run one per thread; more threads than
/// deployments or cores only cost memory).
const MAX_THREADS: i64 = 256;

fn inspect_command(path: &Path, format: Option<&str>, out: Option<PathBuf>) -> anyhow::Result<()> {
    let format = format.and_then(Format::parse);
    let out = out.unwrap_or_else(|| {
        let stem = path
            .file_stem()
            .map_or_else(|| "trace".into(), |s| s.to_string_lossy().into_owned());
        Path::new("reports").join("trace-inspect").join(stem)
    });
    report::output::check_target(&out)?;
    let profile = trace::inspect::inspect(path, format)?;
    print!("{}", profile.render());
    const CHART: &str = report::output::files::INVOCATIONS_PNG;
    let manifest = report::output::Manifest::for_trace_inspect(path);
    let written = report::output::write_folder(&out, manifest, |dir| {
        report::charts::invocations::write_png(&profile, &dir.join(CHART))
    })?;
    println!("chart written to {}", written.join(CHART).display());
    Ok(())
}
