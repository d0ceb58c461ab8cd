//! The `serverless-sim` binary: parse the command line, run, report errors with their chain
//! and a non-zero exit code.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = serverless_sim::cli::Cli::parse();
    match serverless_sim::cli::execute(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
