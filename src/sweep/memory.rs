//! The memory-tuning side of a sweep over one function's `memory`: each FaaS deployment's
//! cheapest, fastest and balanced size, chosen among the points where it serves the workload,
//! and `memory.png` (see [`super::charts`] for the chart's description).

use std::path::Path;

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::SweepResult;
use super::charts::{curve, marker, not_serving_note, range, serving_runs};
use super::figures::Figure;
use crate::error::SimError;
use crate::report::charts::style::{self, Entry, Mark};

pub const MEMORY_PNG: &str = "memory.png";

/// The points of deployment `d` among which the memory choices are made: those where it
/// serves the workload and has both a cost per million requests and a p95 latency. Their
/// indexes into the sweep's points, their costs and their p95s.
pub fn memory_candidates(result: &SweepResult, d: usize) -> (Vec<usize>, Vec<f64>, Vec<f64>) {
    let mut out = (Vec::new(), Vec::new(), Vec::new());
    for (i, p) in result.points.iter().enumerate() {
        let runs = &p.deployments[d];
        if runs.serves() != Some(true) {
            continue;
        }
        let mean = |f: Figure| f.estimate(&runs.replications).map(|e| e.mean);
        if let (Some(c), Some(l)) = (
            mean(Figure::UsdPerMillionRequests),
            mean(Figure::LatencyP95),
        ) {
            out.0.push(i);
            out.1.push(c);
            out.2.push(l);
        }
    }
    out
}

/// `memory.png` as SVG, for the HTML report.
///
/// # Errors
/// The chart cannot be drawn.
pub fn memory_svg(result: &SweepResult) -> Result<String, SimError> {
    style::render_svg(style::SIZE, |root| draw_memory(result, root))
}

/// The cheapest, fastest and balanced point of one deployment's memory sweep: indexes into
/// `costs` / `p95s` (equal lengths, aligned with the sweep's points).
///
/// Ties: the fastest is the cheaper of equally fast points, the balanced the cheaper of
/// equal scores, then the earlier point; the cheapest is the earlier of equally cheap ones
/// (the smaller memory in a sweep written smallest first). So a memory that buys no speed (above 1,769 MB for a `max_vcpus = 1` function on Lambda:
/// the same p95, a higher cost) is never called the fastest.
pub fn memory_choices(costs: &[f64], p95s: &[f64]) -> Option<(usize, usize, usize)> {
    if costs.is_empty() || costs.len() != p95s.len() {
        return None;
    }
    // The first index minimising `key`, then `tie` (compared exactly).
    let argmin = |key: &[f64], tie: &[f64]| {
        (0..key.len()).fold(0, |best, i| {
            if (key[i], tie[i]) < (key[best], tie[best]) {
                i
            } else {
                best
            }
        })
    };
    let first = vec![0.0; costs.len()];
    let (cheapest, fastest) = (argmin(costs, &first), argmin(p95s, costs));
    let score: Vec<f64> = costs
        .iter()
        .zip(p95s)
        .map(|(c, l)| c / costs[cheapest] + l / p95s[fastest])
        .collect();
    Some((cheapest, fastest, argmin(&score, costs)))
}

/// True for a sweep over one function's memory (`workload.functions[i].memory`).
pub fn is_memory_sweep(result: &SweepResult) -> bool {
    result.plan.params.len() == 1 && result.plan.params[0].path.ends_with(".memory")
}

/// Draws `memory.png` into `dir`: FaaS deployments only (a fleet's cost does not follow the
/// function's memory).
///
/// # Errors
/// The chart cannot be drawn or written.
pub fn write_memory_png(result: &SweepResult, dir: &Path) -> Result<(), SimError> {
    style::render(&dir.join(MEMORY_PNG), |root| draw_memory(result, root))
}

fn draw_memory<DB: DrawingBackend>(
    result: &SweepResult,
    root: &style::Area<DB>,
) -> style::DrawResult
where
    DB::ErrorType: 'static,
{
    let param = &result.plan.params[0];
    let title = format!(
        "{}: cost and p95 latency against {}",
        result.scenario, param.path
    );
    let (plot, panel) = style::layout(root, &title)?;
    let faas: Vec<usize> = result.points[0]
        .deployments
        .iter()
        .enumerate()
        .filter(|(_, d)| d.model == "faas")
        .map(|(i, _)| i)
        .collect();
    let costs: Vec<_> = faas
        .iter()
        .map(|&d| curve(&result.points, d, Figure::UsdPerMillionRequests))
        .collect();
    let p95s: Vec<_> = faas
        .iter()
        .map(|&d| curve(&result.points, d, Figure::LatencyP95))
        .collect();
    let x = range(result.points.iter().map(|p| p.values[0].number), false);
    let y = range(costs.iter().flatten().map(|p| p.1).chain([0.0]), false);
    let y2 = range(p95s.iter().flatten().map(|p| p.1).chain([0.0]), false);
    let unit = param.unit();
    let mut chart = ChartBuilder::on(&plot)
        .margin_top(10)
        .margin_left(20)
        .margin_right(10)
        .margin_bottom(10)
        .x_label_area_size(60)
        .y_label_area_size(100)
        .right_y_label_area_size(90)
        .build_cartesian_2d(x.0..x.1, 0.0..y.1 * 1.08)?
        .set_secondary_coord(x.0..x.1, 0.0..y2.1 * 1.08);
    chart
        .configure_mesh()
        .max_light_lines(1)
        .light_line_style(style::GRID_LIGHT)
        .bold_line_style(style::GRID_BOLD)
        .axis_style(style::INK)
        .x_label_formatter(&|v| style::axis_number(*v))
        .y_label_formatter(&|v| style::usd_tick(*v))
        .x_label_style(style::tick_font())
        .y_label_style(style::tick_font())
        .x_desc(format!("{} ({unit})", param.path))
        .y_desc("USD per million requests (solid)")
        .axis_desc_style(style::axis_desc_font())
        .draw()?;
    chart
        .configure_secondary_axes()
        .axis_style(style::INK)
        .label_style(style::tick_font())
        .y_label_formatter(&|v| style::axis_number(*v))
        .y_desc("p95 latency, ms (dashed)")
        .axis_desc_style(style::axis_desc_font())
        .draw()?;
    let mut entries = Vec::new();
    for (k, &d) in faas.iter().enumerate() {
        let color = style::color(d);
        let (c, l) = (&costs[k], &p95s[k]);
        for run in serving_runs(c) {
            chart.draw_series(LineSeries::new(
                run.iter().map(|p| (p.0, p.1)),
                color.stroke_width(3),
            ))?;
        }
        chart.draw_series(c.iter().map(|p| marker((p.0, p.1), p.3, color)))?;
        for run in serving_runs(l) {
            chart.draw_secondary_series(DashedLineSeries::new(
                run.iter().map(|p| (p.0, p.1)),
                8,
                6,
                color.stroke_width(3),
            ))?;
        }
        entries.push(Entry {
            label: result.points[0].deployments[d].name.clone(),
            color,
            mark: Mark::Line,
        });
        let (indexes, cs, ls) = memory_candidates(result, d);
        if let Some((cheapest, fastest, balanced)) = memory_choices(&cs, &ls) {
            // One mark per point, naming every choice that falls on it.
            let mut marked: Vec<(usize, Vec<&str>)> = Vec::new();
            for (i, what) in [
                (cheapest, "cheapest"),
                (fastest, "fastest"),
                (balanced, "balanced"),
            ] {
                match marked.iter_mut().find(|m| m.0 == i) {
                    Some(m) => m.1.push(what),
                    None => marked.push((i, vec![what])),
                }
            }
            for (k, whats) in marked {
                let x_at = result.points[indexes[k]].values[0].number;
                let at = (x_at, cs[k]);
                let text = format!("{} {}{unit}", whats.join(", "), style::axis_number(x_at));
                chart.draw_series(std::iter::once(Circle::new(
                    at,
                    9,
                    style::INK.stroke_width(3),
                )))?;
                // Labels in the right half read leftwards, so they stay inside the plot.
                let (side, shown) = if at.0 > 0.5 * (x.0 + x.1) {
                    (HPos::Right, format!("{text}  "))
                } else {
                    (HPos::Left, format!("  {text}"))
                };
                let label = style::label_font().pos(Pos::new(side, VPos::Top));
                chart.draw_series(std::iter::once(Text::new(shown, at, label)))?;
                entries.push(Entry {
                    label: text,
                    color,
                    mark: Mark::Box,
                });
            }
        }
    }
    entries.extend(not_serving_note(result));
    style::legend(&panel, "FaaS deployment", &entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_choices_by_hand() {
        // Cost per 1M: 10, 8, 9, 12; p95: 400, 250, 120, 100 ms. Cheapest index 1, fastest 3;
        // scores 10/8 + 400/100 = 5.25, 1 + 2.5 = 3.5, 1.125 + 1.2 = 2.325, 1.5 + 1 = 2.5.
        let got = memory_choices(&[10.0, 8.0, 9.0, 12.0], &[400.0, 250.0, 120.0, 100.0]);
        assert_eq!(got, Some((1, 3, 2)));
        assert_eq!(memory_choices(&[], &[]), None);
    }

    #[test]
    fn ties_go_to_the_cheaper_point_whatever_the_order() {
        // A max_vcpus = 1 function on Lambda: 1769, 3008 and 4096 MB give the same p95
        // (200 ms) at growing costs 10, 12, 14; 1024 MB is slower (350 ms) and cheaper (8).
        // Fastest: 1769 MB (the cheapest of the 200 ms ones). Scores against cheapest 8
        // and fastest 200: 1024: 1 + 1.75 = 2.75; 1769: 1.25 + 1 = 2.25; 3008: 2.5;
        // 4096: 2.75. Balanced: 1769 MB.
        let costs = [8.0, 10.0, 12.0, 14.0];
        let p95s = [350.0, 200.0, 200.0, 200.0];
        assert_eq!(memory_choices(&costs, &p95s), Some((0, 1, 1)));
        // The same points largest first: still 1769 MB for both.
        let costs = [14.0, 12.0, 10.0, 8.0];
        let p95s = [200.0, 200.0, 200.0, 350.0];
        assert_eq!(memory_choices(&costs, &p95s), Some((3, 2, 2)));
        // Equally cheap: the earlier is the cheapest (the fastest and balanced: the other).
        assert_eq!(
            memory_choices(&[5.0, 5.0], &[300.0, 250.0]),
            Some((0, 1, 1))
        );
    }
}
