//! The top-level `slo`: latency percentiles and their limits, for the whole workload and per
//! function ([`crate::report::slo`]). Unknown percentiles are refused by serde (the file's
//! structs list the five); here each limit must be a duration above zero, the table must set
//! at least one, and every function named must be one of the workload's.

use toml::Spanned;

use super::{Result, Validator};
use crate::metrics::functions::MAX_FUNCTIONS_WITH_LATENCY;
use crate::report::slo::{FunctionObjectives, Objective, Percentile, Slo};
use crate::scenario::file::{SloFile, SloPercentilesFile};
use crate::workload::Workload;

/// The five optional percentile keys of an slo table, in [`Percentile::ALL`] order.
type Limits<'a> = [&'a Option<Spanned<String>>; 5];

impl Validator<'_> {
    /// The scenario's `slo`; `None` (no key) sets no objective.
    pub(super) fn slo(&self, file: Option<&Spanned<SloFile>>, workload: &Workload) -> Result<Slo> {
        let Some(spanned) = file else {
            return Ok(Slo::default());
        };
        let s = spanned.get_ref();
        let overall = self.objectives([&s.p50, &s.p90, &s.p95, &s.p99, &s.p999], "slo")?;
        let mut functions = Vec::new();
        if let Some(table) = &s.functions {
            let workload_functions = &workload.functions;
            if workload_functions.len() > MAX_FUNCTIONS_WITH_LATENCY {
                let msg = format!(
                    "a per-function slo needs each function's latency, which is kept for at \
                     most {MAX_FUNCTIONS_WITH_LATENCY} functions (this workload has {}): set \
                     the slo on the whole workload, or select fewer functions",
                    workload_functions.len()
                );
                return Err(self.err(table, "slo.functions", msg));
            }
            for (name, f) in table.get_ref() {
                let field = format!("slo.functions.{name}");
                let indexes: Vec<usize> = workload_functions
                    .iter()
                    .enumerate()
                    .filter(|(_, spec)| &spec.name == name)
                    .map(|(i, _)| i)
                    .collect();
                if indexes.is_empty() {
                    let msg = format!(
                        "'{}' is not a function of the workload",
                        name.escape_debug()
                    );
                    return Err(self.err(f, field, msg));
                }
                let p: &SloPercentilesFile = f.get_ref();
                let objectives =
                    self.objectives([&p.p50, &p.p90, &p.p95, &p.p99, &p.p999], &field)?;
                if objectives.is_empty() {
                    return Err(self.err(f, field, no_percentile()));
                }
                functions.extend(indexes.into_iter().map(|function| FunctionObjectives {
                    name: name.clone(),
                    function,
                    objectives: objectives.clone(),
                }));
            }
            functions.sort_by_key(|f| f.function);
        }
        if overall.is_empty() && functions.is_empty() {
            return Err(self.err(spanned, "slo", no_percentile()));
        }
        Ok(Slo { overall, functions })
    }

    /// The objectives of one slo table whose path is `table`.
    fn objectives(&self, limits: Limits<'_>, table: &str) -> Result<Vec<Objective>> {
        let mut out = Vec::new();
        for (percentile, limit) in Percentile::ALL.into_iter().zip(limits) {
            if let Some(l) = limit {
                let field = format!("{table}.{}", percentile.name());
                out.push(Objective {
                    percentile,
                    limit: self.positive_duration(l, &field)?,
                });
            }
        }
        Ok(out)
    }
}

/// The message for an slo table that limits no percentile.
fn no_percentile() -> String {
    "sets no objective: give at least one of p50, p90, p95, p99, p999, e.g. { p99 = \"300ms\" }"
        .into()
}
