//! How to read each chart: the caption `report.html` writes under it, one or two sentences
//! saying what each axis holds and what a mark means. One entry per chart file, runs' and
//! sweeps'; a chart drawn on a page without one is a report error (so a new chart cannot
//! reach the page uncaptioned), and the HTML tests check every figure has its caption.

use crate::error::SimError;

/// The caption of the chart written to `file_name`, `None` for a file that is not a chart
/// of ours.
pub fn caption(file_name: &str) -> Option<&'static str> {
    Some(match file_name {
        "cost.png" => {
            "One bar per deployment: its projected monthly cost (x), split into its cost parts \
             (the legend names each part's colour), the total written at the bar's end. A \
             deployment that does not serve the workload has its failure share beside its \
             total."
        }
        "latency_cdf.png" => {
            "Latency of completed requests (x, log scale), one line per deployment in its \
             colour and dash pattern. Top: the share of requests at or below each latency, \
             the median marked; bottom: the share slower than it, each step down one more \
             nine (p90, p99, p99.9), p99 marked. Further left is faster."
        }
        "latency_over_time.png" => {
            "The median (thick line) and p99 (thin line) latency (y, log scale) of the \
             requests that completed in each time bucket (x), per deployment; a gap is a \
             bucket in which the deployment completed nothing."
        }
        "instances.png" => {
            "One strip per deployment over time (x): instances busy (its colour), starting \
             (dark grey) and idle (light tint), stacked (y, each strip on its own scale). A \
             fleet's dark line is its worker utilisation; an autoscaled deployment's step line \
             is its desired count (triangle: scale-out, cross: scale-in)."
        }
        "cost_over_time.png" => {
            "The window's cost accrued so far (y) over time (x), one line per deployment, \
             each ending at its window cost: a steeper stretch costs more per hour."
        }
        "keepalive.png" => {
            "One point per FaaS deployment: the memory held by instances kept warm while \
             idle (x) against the 75th percentile of the per-app cold-start share (y). Lower \
             left is better: fewer cold starts for less idle memory."
        }
        "cost_latency.png" => {
            "One point per deployment: projected monthly cost (x) against p99 latency of \
             completed requests (y); lower left is better. A crossed hollow circle does not \
             serve the workload (its name says why); points on top of each other are nested \
             rings sharing one name (\"a, b\"), and a thin grey line leads to a name that had \
             to move off its point."
        }
        "quotas.png" => {
            "One panel per hard quota over time (x, days): units used per period (bars, left \
             axis) against the limit (dashed line), and the calls it refused (red line, right \
             axis)."
        }
        "breakeven.png" => {
            "Monthly cost of each deployment against the swept parameter (requests per \
             second for a load sweep). A numbered ring is where two costs cross, a numbered \
             cross where a deployment stops serving the workload: the table under the chart \
             and breakeven.csv's marker column say which. A hollow ring is a point where the \
             deployment does not serve the workload (it is not compared there); deployments \
             whose costs are equal at every point share a legend entry (a = b)."
        }
        "latency.png" => {
            "p50 (solid) and p99 (dashed) latency of each deployment against the swept \
             parameter, with the scenario's slo objectives as dotted lines. A hollow ring is a \
             point where the deployment does not serve the workload (failures, overload or a \
             missed slo)."
        }
        "memory.png" => {
            "Cost per million requests (solid lines, left axis) and p95 latency (dashed \
             lines, right axis) against the function's memory (x, each doubling as wide), \
             one colour and marker shape per FaaS deployment. The ringed points are each \
             deployment's cheapest, fastest and balanced memory, named beside them; a hollow \
             marker does not serve the workload."
        }
        _ => return None,
    })
}

/// [`caption`], or a report error naming the chart that has none.
///
/// # Errors
/// `file_name` has no caption.
pub fn required(file_name: &str) -> Result<&'static str, SimError> {
    caption(file_name).ok_or_else(|| {
        SimError::Report(format!(
            "{file_name} has no caption (add one to src/report/captions.rs)"
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_chart_of_a_run_or_a_sweep_has_a_caption() {
        let runs = crate::report::exporters();
        let charts = runs
            .iter()
            .map(|x| x.file_name())
            .filter(|f| f.ends_with(".png"));
        let sweeps = [
            crate::sweep::charts::BREAKEVEN_PNG,
            crate::sweep::memory_chart::MEMORY_PNG,
        ];
        for file in charts.chain(sweeps) {
            let text = required(file).unwrap();
            assert!(text.split_whitespace().count() >= 15, "{file}: {text}");
        }
        assert!(caption("summary.csv").is_none());
        assert!(required("new.png").is_err());
    }
}
