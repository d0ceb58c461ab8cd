//! Writing a run's report folder and printing its table or JSON: what `run` does once it has
//! a result, and what `merge` does with the result of a sharded run's parts, so that the two
//! write the same files and print the same lines.

use std::path::Path;

use crate::report;
use crate::run;

/// Where and how a run's reports are written and what is printed (`run`, and `merge` of a
/// sharded run, which writes the same).
pub(crate) struct Publish<'a> {
    /// The scenario file as named on the command line, and its text.
    pub path: &'a Path,
    pub text: &'a str,
    pub out: &'a Path,
    pub json: bool,
    pub quiet: bool,
}

impl Publish<'_> {
    /// Writes `result`'s reports (and replications.csv) and prints the table or the JSON.
    pub(crate) fn write_and_print(
        &self,
        result: &run::RunResult,
        replications: Option<&crate::sweep::SweepResult>,
    ) -> anyhow::Result<()> {
        let (path, text) = (self.path, self.text);
        let json = self.json.then(|| {
            let json = report::json::summary_json(result, path, text);
            match replications {
                Some(r) => report::json::with_replications(json, r),
                None => json,
            }
        });
        let written = report::write_reports_and(result, self.out, |dir| {
            if let Some(r) = replications {
                crate::sweep::report::write_figures_csv(
                    r,
                    &dir.join(crate::sweep::report::REPLICATIONS_CSV),
                )?;
            }
            if let Some(json) = &json {
                crate::sweep::report::write_json(
                    json,
                    &dir.join(crate::sweep::report::SUMMARY_JSON),
                )?;
            }
            report::html::write_run_page(result, text, dir)
        })?;
        if let Some(json) = &json {
            println!("{}", serde_json::to_string_pretty(json)?);
        } else if !self.quiet {
            print!("{}", report::table::render(result));
            if let Some(r) = replications {
                println!("replications (mean ± 95% confidence half-width):");
                print!("{}", crate::sweep::report::render(r, &[]));
            }
            println!("reports written to {}", written.display());
        }
        Ok(())
    }
}
