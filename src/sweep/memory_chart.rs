//! `memory.png`, for a sweep over a function's `memory`: for each FaaS deployment the cost
//! per million requests (solid, left axis) and the p95 latency (dashed, right axis) against
//! memory, with the cheapest, the fastest and the balanced point marked, chosen among the
//! points where the deployment serves the workload ([`super::memory`]; the others are hollow
//! rings and break the lines).

use std::path::Path;

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::SweepResult;
use super::charts::{curve, marker, not_serving_note, range, serving_runs};
use super::figures::Figure;
use super::memory::{memory_candidates, memory_choices};
use crate::error::SimError;
use crate::report::charts::style::{self, Entry, Mark};

pub const MEMORY_PNG: &str = "memory.png";

/// `memory.png` as SVG, for the HTML report.
///
/// # Errors
/// The chart cannot be drawn.
pub fn memory_svg(result: &SweepResult) -> Result<String, SimError> {
    style::render_svg(style::SIZE, |root| draw_memory(result, root))
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
