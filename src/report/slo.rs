//! The latency objective (`slo`) a deployment must meet to serve the workload, and the check
//! of a run's measured latency against it.
//!
//! An objective is a latency percentile (p50, p90, p95, p99 or p999) and a limit; the
//! scenario's top-level `slo` sets objectives on the latency of every completed request, and
//! `slo.functions.<name>` on the completed calls of one function. A deployment **misses the
//! slo** when a measured percentile is *above* its limit (at the limit meets it). The
//! measured percentile is the one `summary.csv` (and `functions.csv`) report, over the same
//! completed requests. A function with no completed call has no latency to judge and misses
//! nothing (the deployment's failures and overload are judged apart,
//! [`crate::report::verdict`]).

use crate::engine::time::{Micros, as_ms};
use crate::platform::DeploymentResult;

/// A latency percentile an objective may be set on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Percentile {
    P50,
    P90,
    P95,
    P99,
    P999,
}

impl Percentile {
    /// Every percentile, in increasing order.
    pub const ALL: [Percentile; 5] = [
        Percentile::P50,
        Percentile::P90,
        Percentile::P95,
        Percentile::P99,
        Percentile::P999,
    ];

    /// Its key in the scenario and its name in reports: `p50` ... `p999`.
    pub fn name(self) -> &'static str {
        match self {
            Percentile::P50 => "p50",
            Percentile::P90 => "p90",
            Percentile::P95 => "p95",
            Percentile::P99 => "p99",
            Percentile::P999 => "p999",
        }
    }

    /// Its quantile in [0, 1].
    pub fn quantile(self) -> f64 {
        match self {
            Percentile::P50 => 0.5,
            Percentile::P90 => 0.9,
            Percentile::P95 => 0.95,
            Percentile::P99 => 0.99,
            Percentile::P999 => 0.999,
        }
    }
}

/// One objective: `percentile` of the latency at most `limit`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Objective {
    pub percentile: Percentile,
    pub limit: Micros,
}

/// The objectives of one function (`slo.functions.<name>`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FunctionObjectives {
    pub name: String,
    /// Its index in the workload's function table.
    pub function: usize,
    pub objectives: Vec<Objective>,
}

/// A scenario's `slo`; the default has no objective (every latency meets it).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Slo {
    /// Objectives on the latency of every completed request, in percentile order.
    pub overall: Vec<Objective>,
    /// Objectives of single functions, in the order of the workload's function table.
    pub functions: Vec<FunctionObjectives>,
}

/// An objective a deployment missed: which, and the latency it measured.
#[derive(Clone, Debug, PartialEq)]
pub struct SloMiss {
    /// The function whose own objective it is; `None` for the whole workload's.
    pub function: Option<String>,
    pub percentile: Percentile,
    pub limit: Micros,
    pub measured: Micros,
}

impl std::fmt::Display for SloMiss {
    /// `p99 400.0 ms, over the slo's 300 ms`, `checkout p99 180.0 ms, over its slo's 150 ms`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(name) = &self.function {
            write!(f, "{name} ")?;
        }
        write!(
            f,
            "{} {:.1} ms, over {} slo's {} ms",
            self.percentile.name(),
            as_ms(self.measured),
            if self.function.is_some() {
                "its"
            } else {
                "the"
            },
            as_ms(self.limit)
        )
    }
}

impl SloMiss {
    /// In a few words, for chart labels: `p99 400 ms > 300 ms`, `checkout p99 180 ms > 150 ms`.
    pub fn short(&self) -> String {
        let name = self
            .function
            .as_ref()
            .map(|n| format!("{n} "))
            .unwrap_or_default();
        format!(
            "{name}{} {} ms > {} ms",
            self.percentile.name(),
            as_ms(self.measured).round(),
            as_ms(self.limit)
        )
    }
}

impl Slo {
    /// No objective: every latency meets it (the default).
    pub const NONE: Slo = Slo {
        overall: Vec::new(),
        functions: Vec::new(),
    };

    /// Whether it sets no objective at all.
    pub fn is_empty(&self) -> bool {
        self.overall.is_empty() && self.functions.is_empty()
    }

    /// Its objectives for people: `p99 300 ms`, `p99 300 ms; checkout p99 150 ms`
    /// (empty when none).
    pub fn describe(&self) -> String {
        let list = |objectives: &[Objective]| {
            objectives
                .iter()
                .map(|o| format!("{} {} ms", o.percentile.name(), as_ms(o.limit)))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut parts = Vec::new();
        if !self.overall.is_empty() {
            parts.push(list(&self.overall));
        }
        for f in &self.functions {
            // A name several functions of a trace share is said once.
            let part = format!("{} {}", f.name, list(&f.objectives));
            if !parts.contains(&part) {
                parts.push(part);
            }
        }
        parts.join("; ")
    }

    /// The first objective `d` misses (the whole workload's first, then each function's in
    /// table order; each in percentile order), or `None` when it meets them all.
    pub fn missed(&self, d: &DeploymentResult) -> Option<SloMiss> {
        let over = |objectives: &[Objective],
                    latency: &crate::metrics::LatencyStats,
                    function: Option<&str>| {
            objectives.iter().find_map(|o| {
                let measured = latency.quantile_us(o.percentile.quantile())?;
                (measured > o.limit).then(|| SloMiss {
                    function: function.map(str::to_string),
                    percentile: o.percentile,
                    limit: o.limit,
                    measured,
                })
            })
        };
        if let Some(miss) = over(&self.overall, &d.recorder.latency, None) {
            return Some(miss);
        }
        let functions = &d.recorder.functions;
        self.functions.iter().find_map(|f| {
            let latency = (f.function < functions.len())
                .then(|| functions.latency(f.function))
                .flatten()?;
            over(&f.objectives, latency, Some(&f.name))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testutil::idle_deployment;

    /// `slo` with one overall objective.
    fn overall(percentile: Percentile, limit: Micros) -> Slo {
        Slo {
            overall: vec![Objective { percentile, limit }],
            functions: Vec::new(),
        }
    }

    #[test]
    fn a_percentile_above_its_limit_misses_and_at_it_meets() {
        let mut d = idle_deployment("flt", 2);
        // 1,000 latencies of 1..=1,000 µs (held exactly: below 2,048 µs the histogram's slots
        // are 1 µs wide): the percentile q is the value of rank ceil(q x 1,000).
        for us in 1..=1_000 {
            d.recorder.latency.record(us);
        }
        assert_eq!(overall(Percentile::P99, 990).missed(&d), None);
        assert_eq!(overall(Percentile::P50, 500).missed(&d), None);
        let miss = overall(Percentile::P99, 989).missed(&d).unwrap();
        assert_eq!(miss.measured, 990);
        assert_eq!(miss.to_string(), "p99 1.0 ms, over the slo's 0.989 ms");
        assert_eq!(miss.short(), "p99 1 ms > 0.989 ms");
        assert_eq!(
            overall(Percentile::P999, 998)
                .missed(&d)
                .map(|m| m.measured),
            Some(999)
        );
        // No objective: nothing to miss; nothing completed: nothing to judge.
        assert_eq!(Slo::default().missed(&d), None);
        assert_eq!(
            overall(Percentile::P99, 1).missed(&idle_deployment("x", 2)),
            None
        );
    }
}
