//! The terminal summary printed after a run: one row per deployment (counts, latency, window
//! and projected monthly cost), then a line naming the cheapest deployment per month and how
//! the others compare with it; then every warning of the run (`warning: ...`), so whoever
//! reads the figures sees what they rest on.

use std::fmt::Write;

use crate::engine::time::as_ms;
use crate::run::RunResult;

/// A plain-text table: one row per deployment, then the cheapest deployment.
pub fn render(run: &RunResult) -> String {
    let width = run
        .deployments
        .iter()
        .map(|d| d.name.chars().count())
        .max()
        .unwrap_or(0)
        .max("deployment".len());
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<width$} {:>5} {:>10} {:>8} {:>7} {:>9} {:>9} {:>10} {:>12}",
        "deployment",
        "model",
        "requests",
        "failed",
        "cold%",
        "p50 ms",
        "p99 ms",
        "$/window",
        "$/month"
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
            "{:<width$} {:>5} {:>10} {:>8} {:>7.2} {:>9.1} {:>9.1} {:>10.4} {:>12.2}",
            d.name,
            d.model,
            t.requests,
            t.failed,
            cold,
            as_ms(d.recorder.latency.quantile_us(0.5)),
            as_ms(d.recorder.latency.quantile_us(0.99)),
            d.bill.window_usd + 0.0,
            d.bill.monthly_usd + 0.0
        );
    }
    if let Some(line) = cheapest(run) {
        let _ = writeln!(out, "{line}");
    }
    for w in &run.warnings {
        let _ = writeln!(out, "warning: {w}");
    }
    out
}

/// `cheapest per month: NAME ($X); others: NAME Y.YYx, ...`, the first deployment in scenario
/// order on a tie; `None` with fewer than two deployments.
fn cheapest(run: &RunResult) -> Option<String> {
    if run.deployments.len() < 2 {
        return None;
    }
    let best = run.deployments.iter().reduce(|best, d| {
        if d.bill.monthly_usd < best.bill.monthly_usd {
            d
        } else {
            best
        }
    })?;
    let mut line = format!(
        "cheapest per month: {} (${:.2})",
        best.name,
        best.bill.monthly_usd + 0.0
    );
    if best.bill.monthly_usd > 0.0 {
        let others: Vec<String> = run
            .deployments
            .iter()
            .filter(|d| !std::ptr::eq(*d, best))
            .map(|d| {
                format!(
                    "{} {:.2}x",
                    d.name,
                    d.bill.monthly_usd / best.bill.monthly_usd
                )
            })
            .collect();
        let _ = write!(line, "; others cost {}", others.join(", "));
    }
    Some(line)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testutil::{idle_run, tiny_run};

    #[test]
    fn one_row_per_deployment_then_the_cheapest() {
        let run = tiny_run();
        let out = render(&run);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 1 + run.deployments.len() + 1);
        assert!(lines[0].starts_with("deployment "));
        assert!(lines[0].ends_with("$/window      $/month"));
        // Every column lines up with the header.
        assert!(
            lines[..3].iter().all(|l| l.len() == lines[0].len()),
            "{out}"
        );
        let (f, s) = (&run.deployments[0], &run.deployments[1]);
        assert!(lines[1].starts_with("functions "));
        assert!(lines[1].ends_with(&format!("{:.2}", f.bill.monthly_usd)));
        // The fleet pays an instance and a load balancer all month; the functions only
        // about 1,200 requests per 10 minutes.
        assert!(f.bill.monthly_usd < s.bill.monthly_usd);
        let ratio = s.bill.monthly_usd / f.bill.monthly_usd;
        assert_eq!(
            lines[3],
            format!(
                "cheapest per month: functions (${:.2}); others cost servers {ratio:.2}x",
                f.bill.monthly_usd
            )
        );
    }

    #[test]
    fn ties_and_free_deployments_name_the_first_without_ratios() {
        let out = render(&idle_run(&["a-long-deployment-name-here", "b"], 2));
        let lines: Vec<&str> = out.lines().collect();
        assert!(lines[1].starts_with("a-long-deployment-name-here "));
        assert_eq!(lines[1].len(), lines[0].len());
        assert_eq!(
            lines[3],
            "cheapest per month: a-long-deployment-name-here ($0.00)"
        );
        // A single deployment has nothing to compare with.
        assert_eq!(render(&idle_run(&["solo"], 1)).lines().count(), 2);
    }

    #[test]
    fn warnings_follow_the_table() {
        let mut run = tiny_run();
        let plain = render(&run);
        run.warnings = vec!["first thing".into(), "second thing".into()];
        let out = render(&run);
        assert_eq!(
            out,
            format!("{plain}warning: first thing\nwarning: second thing\n")
        );
    }
}
