//! The terminal summary printed after a run.

use std::fmt::Write;

use crate::engine::time::as_ms;
use crate::run::RunResult;

/// A plain-text table: one row per deployment.
pub fn render(run: &RunResult) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<24} {:>5} {:>10} {:>8} {:>7} {:>9} {:>9} {:>12}",
        "deployment", "model", "requests", "failed", "cold%", "p50 ms", "p99 ms", "$/month"
    );
    for d in &run.deployments {
        let t = &d.recorder.totals;
        let cold = if t.requests == 0 {
            0.0
        } else {
            100.0 * t.cold_starts as f64 / t.requests as f64
        };
        let _ = writeln!(
            out,
            "{:<24} {:>5} {:>10} {:>8} {:>7.2} {:>9.1} {:>9.1} {:>12.2}",
            d.name,
            d.model,
            t.requests,
            t.failed,
            cold,
            as_ms(d.recorder.latency.quantile_us(0.5)),
            as_ms(d.recorder.latency.quantile_us(0.99)),
            d.bill.monthly_usd
        );
    }
    out
}
