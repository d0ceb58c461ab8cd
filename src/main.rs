//! The `serverless-sim` binary: parse the command line, handle Ctrl-C and SIGTERM, run, and
//! report errors with their chain (each cause once) and a non-zero exit code (see
//! `serverless_sim::cli` for which).

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    // Ctrl-C and SIGTERM delete a report being written (keeping the previous one), exit 130.
    if let Err(e) = serverless_sim::report::output::install_signal_cleanup() {
        eprintln!("warning: {e}; an interrupted run may leave a hidden staging folder");
    }
    let cli = serverless_sim::cli::Cli::parse();
    match serverless_sim::cli::execute(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.is::<serverless_sim::cli::merge::AnotherRound>() => {
            // Not a failure: what to run next (exit code 3).
            eprintln!("{e}");
            ExitCode::from(serverless_sim::cli::exit_code(&e))
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            // 2 for a wrong command line (as clap exits for its own), 1 for anything else.
            ExitCode::from(serverless_sim::cli::exit_code(&e))
        }
    }
}
