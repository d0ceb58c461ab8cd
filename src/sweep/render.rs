//! The terminal summary of a sweep (also the summary of its HTML page): the mean monthly cost
//! per point and deployment, marked where a deployment does not serve the workload, then the
//! crossings, the service boundaries and, for a memory sweep, each FaaS deployment's cheapest,
//! fastest and balanced memory among the points where it serves the workload.

use super::breakeven::{BreakEven, Crossing};
use super::figures::Figure;
use super::memory;
use super::{DeploymentRuns, SweepResult};

/// Marks a cost in the table where the deployment does not serve the workload.
pub const NOT_SERVING_MARK: &str = "*";

/// `x` to 6 significant digits (the precision of swept values).
pub fn round6(x: f64) -> f64 {
    super::values::round_significant(x, 6)
}

/// The table and crossings of a sweep (no service boundary: see [`render_all`]).
pub fn render(result: &SweepResult, crossings: &[Crossing]) -> String {
    let found = BreakEven {
        crossings: crossings.to_vec(),
        ..BreakEven::default()
    };
    render_all(result, &found)
}

/// The whole terminal summary of a sweep (see the module docs).
pub fn render_all(result: &SweepResult, found: &BreakEven) -> String {
    let mut out = table(result);
    let Some(param) = result
        .plan
        .params
        .first()
        .filter(|_| result.plan.params.len() == 1)
    else {
        return out;
    };
    let unit = param.unit();
    let deployments = result.points.first().map_or(0, |p| p.deployments.len());
    if found.crossings.is_empty() && deployments >= 2 {
        out.push_str(&format!(
            "break-even: no two deployments' costs cross over {} in this range where both \
             serve the workload\n",
            param.path
        ));
    }
    for c in &found.crossings {
        out.push_str(&format!(
            "break-even: {} and {} cost the same at {} = {}{unit}; {} is cheaper below, {} above\n",
            c.deployment_a,
            c.deployment_b,
            param.path,
            round6(c.crossing),
            c.cheaper_below,
            c.cheaper_above
        ));
    }
    for b in &found.boundaries {
        let (verb, from, to) = if b.stops {
            ("stops", b.serving, b.not_serving)
        } else {
            ("starts", b.not_serving, b.serving)
        };
        out.push_str(&format!(
            "serving: {} {verb} serving the workload between {} = {}{unit} and {}{unit} \
             (serves it at {}{unit}, not at {}{unit})\n",
            b.deployment,
            param.path,
            round6(from),
            round6(to),
            round6(b.serving),
            round6(b.not_serving)
        ));
    }
    if memory::is_memory_sweep(result) {
        out.push_str(&memory_lines(result, unit));
    }
    out
}

/// The cost table: one row per point, one column per deployment.
fn table(result: &SweepResult) -> String {
    let mut out = String::new();
    let names: Vec<&str> = result
        .points
        .first()
        .map(|p| p.deployments.iter().map(|d| d.name.as_str()).collect())
        .unwrap_or_default();
    let point_width = 28;
    out.push_str(&format!("{:<point_width$}", "point"));
    for n in &names {
        out.push_str(&format!(" {n:>22}"));
    }
    out.push_str("  ($/month)\n");
    let mut failed = false;
    for p in &result.points {
        let label = if p.values.is_empty() {
            format!("{} runs", result.plan.replications.max(1))
        } else {
            p.values
                .iter()
                .map(|v| v.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        };
        out.push_str(&format!("{label:<point_width$}"));
        for d in &p.deployments {
            let cell = cell(d);
            failed |= p.error.is_some();
            out.push_str(&format!(" {cell:>22}"));
        }
        out.push('\n');
    }
    out.push_str(&not_serving_lines(result, &names));
    if failed {
        out.push_str("error: the point's runs failed (the error is printed below)\n");
    }
    out
}

/// The lines [`not_serving_lines`] writes under the table: one per deployment that does
/// not serve the workload at some point (empty when every one serves it everywhere).
pub fn not_serving_summary(result: &SweepResult) -> String {
    let names: Vec<&str> = result
        .points
        .first()
        .map(|p| p.deployments.iter().map(|d| d.name.as_str()).collect())
        .unwrap_or_default();
    not_serving_lines(result, &names)
}

/// One line per deployment marked somewhere in the table, naming why it does not serve the
/// workload at each such point (the verdict's reason, in a few words: its failures, its
/// overload, nothing completed, or the slo percentile it missed), e.g. `* flt does not serve
/// the workload (in some replication; not compared) at 4 (p99 412 ms > 300 ms); 5
/// (overloaded, 20.0% unfinished)`.
fn not_serving_lines(result: &SweepResult, names: &[&str]) -> String {
    let mut out = String::new();
    for (i, name) in names.iter().enumerate() {
        let at: Vec<String> = result
            .points
            .iter()
            .filter_map(|p| {
                let d = p.deployments.get(i)?;
                let why = d.not_served()?;
                let label = p
                    .values
                    .iter()
                    .map(|v| v.to_string())
                    .collect::<Vec<_>>()
                    .join(", ");
                Some(if label.is_empty() {
                    format!("({why})")
                } else {
                    format!("{label} ({why})")
                })
            })
            .collect();
        if !at.is_empty() {
            out.push_str(&format!(
                "{NOT_SERVING_MARK} {name} does not serve the workload (in some replication; \
                 not compared) at {}\n",
                at.join("; ")
            ));
        }
    }
    out
}

/// One deployment's cell: mean monthly cost, its half-width, and the mark.
fn cell(d: &DeploymentRuns) -> String {
    let Some(serves) = d.serves() else {
        return "error".into();
    };
    let mark = if serves {
        String::new()
    } else {
        format!(" {NOT_SERVING_MARK}")
    };
    match Figure::MonthlyCost.estimate(&d.replications) {
        Some(e) => match e.half_width {
            Some(h) => format!("{:.2} ± {:.2}{mark}", e.mean, h),
            None => format!("{:.2}{mark}", e.mean),
        },
        None => "-".into(),
    }
}

/// For a memory sweep, each FaaS deployment's cheapest, fastest and balanced memory (see
/// [`memory::memory_choices`]) among the points where it serves the workload.
fn memory_lines(result: &SweepResult, unit: &str) -> String {
    let mut out = String::new();
    let n = result.points[0].deployments.len();
    for d in 0..n {
        let name = &result.points[0].deployments[d].name;
        if result.points[0].deployments[d].model != "faas" {
            continue;
        }
        let (indexes, costs, p95s) = memory::memory_candidates(result, d);
        let Some((cheapest, fastest, balanced)) = memory::memory_choices(&costs, &p95s) else {
            out.push_str(&format!(
                "memory: {name}: serves the workload at no swept memory\n"
            ));
            continue;
        };
        let at = |k: usize| {
            format!(
                "{}{unit} (${:.2} per 1M requests, p95 {:.0} ms)",
                result.points[indexes[k]].values[0].number, costs[k], p95s[k]
            )
        };
        out.push_str(&format!(
            "memory: {name}: cheapest {}, fastest {}, balanced {}\n",
            at(cheapest),
            at(fastest),
            at(balanced)
        ));
    }
    out
}
