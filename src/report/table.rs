//! The terminal summary printed after a run: one row per deployment (requests, cold-start
//! share, latency, mean busy instances, then failed requests next to the window and projected
//! monthly cost, so a cheap figure bought by failures shows beside it), then the verdict: the cheapest deployment per month among
//! those that serve the workload, and how the others compare with it (see [`super::verdict`]);
//! then the billing month every `$/month` figure is per (`month = 730.5 h (30.4375 days)`);
//! then every warning of the run (`warning: ...`), so whoever reads the figures sees what they
//! rest on. A deployment that does not serve the workload is marked `*` and named as not
//! compared, on a line per reason (failures, overload, no request completed, a missed `slo`
//! named with the measured percentile and its limit); a latency of a
//! deployment that completed nothing is shown as `-`.
//!
//! `busy inst (mean)` is the time-averaged number of instances serving at least one request
//! over the window (`mean_busy_instances` in `summary.csv`): FaaS instances with a call in
//! flight, fleet instances with at least one busy worker.

use std::fmt::Write;

use super::format::month_line;
use super::verdict::{self, MAX_FAILED_SHARE, NotServed, not_served, serves_workload};
use crate::engine::time::{Micros, as_ms};
use crate::metrics::Level;
use crate::run::RunResult;

/// Marks a deployment that is not compared.
const EXCLUDED_MARK: &str = " *";

/// A plain-text table: one row per deployment, then the verdict.
pub fn render(run: &RunResult) -> String {
    let label = |d: &crate::platform::DeploymentResult| {
        if serves_workload(d, &run.slo) {
            d.name.clone()
        } else {
            format!("{}{EXCLUDED_MARK}", d.name)
        }
    };
    let width = run
        .deployments
        .iter()
        .map(|d| label(d).chars().count())
        .max()
        .unwrap_or(0)
        .max("deployment".len());
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<width$} {:>5} {:>10} {:>7} {:>9} {:>9} {:>16} {:>8} {:>10} {:>12}",
        "deployment",
        "model",
        "requests",
        "cold%",
        "p50 ms",
        "p99 ms",
        "busy inst (mean)",
        "failed",
        "$/window",
        "$/month"
    );
    let latency =
        |us: Option<Micros>| us.map_or_else(|| "-".into(), |us| format!("{:.1}", as_ms(us)));
    for d in &run.deployments {
        let t = &d.recorder.totals;
        let cold = if t.requests == 0 {
            0.0
        } else {
            100.0 * t.cold_starts as f64 / t.requests as f64
        };
        let _ = writeln!(
            out,
            "{:<width$} {:>5} {:>10} {:>7.2} {:>9} {:>9} {:>16.2} {:>8} {:>10.4} {:>12.2}",
            label(d),
            d.model,
            t.requests,
            cold,
            latency(d.recorder.latency.quantile_us(0.5)),
            latency(d.recorder.latency.quantile_us(0.99)),
            d.recorder.levels[Level::Busy as usize].window_mean() + 0.0,
            t.failed,
            d.bill.window_usd + 0.0,
            d.bill.monthly_usd + 0.0
        );
    }
    for line in verdict_lines(run) {
        let _ = writeln!(out, "{line}");
    }
    let _ = writeln!(out, "{}", month_line(run.window.month));
    if let Some(line) = super::format::measured_line(&run.window) {
        let _ = writeln!(out, "{line}");
    }
    let _ = writeln!(out, "{}", prices_line(run));
    for w in &run.warnings {
        let _ = writeln!(out, "warning: {w}");
    }
    out
}

/// `prices: NAME: compute PRESET (DATE), SERVICE PRESET (DATE); NAME: as written in the
/// scenario`: which preset priced each part of each deployment, and when its prices were
/// collected.
fn prices_line(run: &RunResult) -> String {
    let parts: Vec<String> = run
        .deployments
        .iter()
        .map(|d| {
            if d.pricing.is_empty() {
                return format!("{}: as written in the scenario", d.name);
            }
            let used: Vec<String> = d
                .pricing
                .iter()
                .map(|p| format!("{} {} ({})", p.part, p.preset, p.date))
                .collect();
            format!("{}: {}", d.name, used.join(", "))
        })
        .collect();
    format!("prices: {}", parts.join("; "))
}

/// `cheapest per month: NAME ($X); others cost NAME Y.YYx, ...` over the deployments that
/// serve the workload, then one line per reason naming those that do not (failures,
/// overload, nothing completed, a missed slo); nothing for a single deployment that serves
/// it.
fn verdict_lines(run: &RunResult) -> Vec<String> {
    let v = verdict::verdict(run);
    let mut lines = Vec::new();
    match v.cheapest {
        None => lines.push("no cheapest: no deployment serves the workload".to_string()),
        Some(_) if run.deployments.len() < 2 => {}
        Some(best) => {
            let mut line = format!(
                "cheapest per month: {} (${:.2})",
                best.name,
                best.bill.monthly_usd + 0.0
            );
            if v.others.is_empty() {
                line.push_str(", the only deployment that serves the workload");
            } else if best.bill.monthly_usd > 0.0 {
                let others: Vec<String> = v
                    .others
                    .iter()
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
            lines.push(line);
        }
    }
    let reasons: Vec<(&str, NotServed)> = v
        .excluded
        .iter()
        .filter_map(|d| Some((d.name.as_str(), not_served(d, &run.slo)?)))
        .collect();
    let group = |heading: String, keep: fn(&NotServed) -> bool| {
        let named: Vec<String> = reasons
            .iter()
            .filter(|(_, why)| keep(why))
            .map(|(name, why)| match why {
                NotServed::Failed(share) => format!("{name} ({:.2}%)", share * 100.0),
                NotServed::Overloaded { .. } => format!("{name} ({why})"),
                NotServed::NoneCompleted => name.to_string(),
                NotServed::SloMissed(miss) => format!("{name} ({})", miss.short()),
            })
            .collect();
        (!named.is_empty()).then(|| format!("* not compared ({heading}): {}", named.join(", ")))
    };
    lines.extend(group(
        format!("more than {}% of requests failed", MAX_FAILED_SHARE * 100.0),
        |why| matches!(why, NotServed::Failed(_)),
    ));
    lines.extend(group("overloaded, its backlog grows".into(), |why| {
        matches!(why, NotServed::Overloaded { .. })
    }));
    lines.extend(group("no request completed".into(), |why| {
        matches!(why, NotServed::NoneCompleted)
    }));
    lines.extend(group(
        format!("misses the slo: {}", run.slo.describe()),
        |why| matches!(why, NotServed::SloMissed(_)),
    ));
    lines
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
        assert_eq!(lines.len(), 1 + run.deployments.len() + 3);
        assert_eq!(
            lines[5],
            "prices: functions: as written in the scenario; servers: as written in the scenario"
        );
        assert!(lines[0].starts_with("deployment "));
        // Busy names its metric; failures sit next to the costs.
        assert!(
            lines[0].ends_with("p99 ms busy inst (mean)   failed   $/window      $/month"),
            "{out}"
        );
        // Every column lines up with the header.
        assert!(
            lines[..3].iter().all(|l| l.len() == lines[0].len()),
            "{out}"
        );
        let (f, s) = (&run.deployments[0], &run.deployments[1]);
        for (line, d) in lines[1..3].iter().zip(&run.deployments) {
            let cells: Vec<&str> = line.split_whitespace().collect();
            let busy = d.recorder.levels[Level::Busy as usize].window_mean();
            assert_eq!(cells[6], format!("{busy:.2}"), "{out}");
            assert_eq!(cells[7], d.recorder.totals.failed.to_string(), "{out}");
        }
        // The fleet's one instance is busy about 2/s x 0.102 s of the time.
        let fleet_busy: f64 = lines[2].split_whitespace().nth(6).unwrap().parse().unwrap();
        assert!((0.1..0.3).contains(&fleet_busy), "{out}");
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
        // The tiny scenario sets no month: the default, 30.4375 days of 24 h.
        assert_eq!(lines[4], "month = 730.5 h (30.4375 days)");
    }

    #[test]
    fn the_month_line_states_the_configured_month() {
        let mut run = idle_run(&["solo"], 1);
        run.window.month = 730 * crate::engine::time::HOUR;
        // 730 h / 24 h = 30.41666... days, to 4 decimals.
        let out = render(&run);
        assert!(
            out.lines().any(|l| l == "month = 730 h (30.4167 days)"),
            "{out}"
        );
    }

    #[test]
    fn the_prices_line_names_each_preset_and_its_date() {
        let mut run = tiny_run();
        let used = |part: &str, preset: &str| crate::platform::PresetUse {
            part: part.into(),
            preset: preset.into(),
            date: "2026-09-20".into(),
        };
        run.deployments[0].pricing = vec![
            used("compute", "aws-lambda-x86"),
            used("db", "aws-dynamodb-on-demand"),
        ];
        let out = render(&run);
        assert!(
            out.lines().any(|l| l
                == "prices: functions: compute aws-lambda-x86 (2026-09-20), db \
                    aws-dynamodb-on-demand (2026-09-20); servers: as written in the scenario"),
            "{out}"
        );
    }

    #[test]
    fn ties_and_free_deployments_name_the_first_without_ratios() {
        let mut run = idle_run(&["a-long-deployment-name-here", "b"], 2);
        for d in &mut run.deployments {
            (d.recorder.totals.requests, d.recorder.totals.completed) = (10, 10);
        }
        let out = render(&run);
        let lines: Vec<&str> = out.lines().collect();
        assert!(lines[1].starts_with("a-long-deployment-name-here "));
        assert_eq!(lines[1].len(), lines[0].len());
        assert_eq!(
            lines[3],
            "cheapest per month: a-long-deployment-name-here ($0.00)"
        );
        // A single deployment has nothing to compare with.
        run.deployments.truncate(1);
        assert_eq!(render(&run).lines().count(), 4);
    }

    #[test]
    fn no_verdict_without_a_completed_request() {
        // Issue 17: zero requests were called "cheapest per month: lam ($0.00)".
        let out = render(&idle_run(&["lam", "flt"], 2));
        let lines: Vec<&str> = out.lines().collect();
        assert!(lines[1].starts_with("lam * "), "{out}");
        assert_eq!(lines[3], "no cheapest: no deployment serves the workload");
        assert_eq!(lines[4], "* not compared (no request completed): lam, flt");
        assert!(!out.contains("cheapest per month"), "{out}");
        let solo = render(&idle_run(&["solo"], 1));
        assert!(
            solo.contains("no cheapest: no deployment serves the workload\n"),
            "{solo}"
        );
    }

    #[test]
    fn an_overloaded_fleet_is_marked_with_its_utilisation() {
        let mut run = tiny_run();
        let d = &mut run.deployments[1];
        d.recorder.utilisation = Some(2.7);
        let t = &mut d.recorder.totals;
        (t.queued_at_end, t.unfinished) = (t.requests / 2, t.requests / 2 + 1);
        let share = (t.requests / 2 + 1) as f64 / t.requests as f64 * 100.0;
        let out = render(&run);
        let lines: Vec<&str> = out.lines().collect();
        assert!(lines[2].starts_with("servers * "), "{out}");
        assert!(lines[3].ends_with("the only deployment that serves the workload"));
        assert_eq!(
            lines[4],
            format!(
                "* not compared (overloaded, its backlog grows): servers (utilisation 270%, \
                 {share:.2}% unfinished at the window's end)"
            )
        );
    }

    #[test]
    fn a_deployment_that_fails_its_requests_is_marked_and_not_compared() {
        let mut run = tiny_run();
        // The fleet threw every request away: it completed nothing.
        let t = &mut run.deployments[1].recorder.totals;
        (t.failed, t.completed) = (t.requests, 0);
        run.deployments[1].recorder.latency = crate::metrics::LatencyStats::new();
        run.deployments[1].bill.monthly_usd = 0.0;
        let out = render(&run);
        let lines: Vec<&str> = out.lines().collect();
        assert!(lines[2].starts_with("servers * "), "{out}");
        assert_eq!(lines[2].len(), lines[0].len(), "{out}");
        // No latency to show: dashes, not zeros; every request failed, next to the cost.
        let cells: Vec<&str> = lines[2].split_whitespace().collect();
        assert_eq!((cells[5], cells[6]), ("-", "-"), "{out}");
        let t = &run.deployments[1].recorder.totals;
        assert_eq!(cells[8], t.requests.to_string(), "{out}");
        let f = &run.deployments[0];
        assert_eq!(
            lines[3],
            format!(
                "cheapest per month: functions (${:.2}), the only deployment that serves the workload",
                f.bill.monthly_usd
            )
        );
        assert_eq!(
            lines[4],
            "* not compared (more than 1% of requests failed): servers (100.00%)"
        );
        // With both failing, nothing is called cheapest.
        let t = &mut run.deployments[0].recorder.totals;
        (t.failed, t.completed) = (t.requests, 0);
        let out = render(&run);
        assert!(
            out.contains("no cheapest: no deployment serves the workload"),
            "{out}"
        );
        assert!(!out.contains("cheapest per month"), "{out}");
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
