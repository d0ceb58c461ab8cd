//! `latency.png`: the p50 and p99 latency of every deployment against the swept parameter
//! (the x axis of [`XAxis`]: requests per second for `load`), so a sweep answers "at what
//! p99" as well as "cheapest".
//!
//! One colour per deployment (as in `breakeven.png`): p50 a solid line, p99 a dashed one, each
//! the mean over the replications with a dot per point; where the deployment does not serve
//! the workload the point is a hollow ring and the lines are broken. Deployments with
//! identical latencies at every point are one legend entry `a = b` (the others' colours
//! dashed over the first's p50 line). The scenario's overall `slo` objectives are dotted
//! horizontal lines, each named on the plot (`slo p99 300 ms`); objectives set on one function
//! (`slo.functions`) are not drawn (the chart shows every request's latency). The y axis is
//! logarithmic when the latencies span a decade or more.

use std::path::Path;

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::SweepResult;
use super::breakeven_chart::curve_groups;
use super::chart_text::{self, DrawnSvg, Item, Sample, TextBox};
use super::charts::{
    CurvePoint, XAxis, chart_on, curve, deployment_names, draw_group_line, group_items, marker,
    mesh, not_serving_item, range, serving_runs,
};
use super::figures::Figure;
use crate::engine::time::as_ms;
use crate::error::SimError;
use crate::report::charts::log_axis::ms_label;
use crate::report::charts::style::{self, FONT, INK, MUTED};

pub const LATENCY_PNG: &str = "latency.png";

/// Width of the legend panel and height of the title band (as [`style::layout`] makes them).
const PANEL_W: i32 = 270;
const TITLE_H: i32 = 56;

/// The overall objectives of the scenario's `slo`: (percentile name, limit in ms).
fn objectives(result: &SweepResult) -> Vec<(&'static str, f64)> {
    result
        .slo
        .overall
        .iter()
        .map(|o| (o.percentile.name(), as_ms(o.limit)))
        .collect()
}

/// What the chart draws, worked out before drawing (the image's height depends on it).
struct Layout {
    axis: XAxis,
    /// Each deployment's p50 and p99 curves, x on the axis.
    p50: Vec<Vec<CurvePoint>>,
    p99: Vec<Vec<CurvePoint>>,
    groups: Vec<usize>,
    legend: Vec<Item>,
    height: u32,
}

impl Layout {
    fn of(result: &SweepResult) -> Result<Self, SimError> {
        style::register_fonts()?;
        let axis = XAxis::of(result);
        let names = deployment_names(result);
        let on_axis = |figure: Figure| -> Vec<Vec<CurvePoint>> {
            (0..names.len())
                .map(|d| {
                    curve(&result.points, d, figure)
                        .into_iter()
                        .map(|p| (axis.at(p.0), p.1, p.2, p.3))
                        .collect()
                })
                .collect()
        };
        let (p50, p99) = (on_axis(Figure::LatencyP50), on_axis(Figure::LatencyP99));
        let both: Vec<Vec<CurvePoint>> = p50
            .iter()
            .zip(&p99)
            .map(|(a, b)| a.iter().chain(b).copied().collect())
            .collect();
        let groups = curve_groups(&both);
        let mut legend = group_items(&names, &groups);
        legend.push(Item {
            sample: Sample::Curves(vec![MUTED]),
            text: "solid: p50".into(),
        });
        legend.push(Item {
            sample: Sample::Dashed(MUTED),
            text: "dashed: p99".into(),
        });
        for (name, limit) in objectives(result) {
            legend.push(Item {
                sample: Sample::Dotted(INK),
                text: format!("slo: {name} at most {}", ms_label(limit)),
            });
        }
        legend.extend(not_serving_item(result));
        let legend_h = TITLE_H + chart_text::legend_height("deployment", &legend, PANEL_W);
        Ok(Self {
            axis,
            p50,
            p99,
            groups,
            legend,
            height: style::SIZE.1.max(legend_h as u32),
        })
    }
}

/// `latency.png` as SVG, for the HTML report.
///
/// # Errors
/// The chart cannot be drawn.
pub fn latency_svg(result: &SweepResult) -> Result<String, SimError> {
    latency_svg_boxes(result).map(|drawn| drawn.svg)
}

/// [`latency_svg`], with the box of every piece of text it placed (legend, slo names) in
/// image pixels and the image's size.
///
/// # Errors
/// The chart cannot be drawn.
pub fn latency_svg_boxes(result: &SweepResult) -> Result<DrawnSvg, SimError> {
    let layout = Layout::of(result)?;
    let mut boxes = Vec::new();
    let size = (style::SIZE.0, layout.height);
    let svg = style::render_svg(size, |root| draw_latency(result, &layout, root, &mut boxes))?;
    Ok(DrawnSvg { svg, boxes, size })
}

/// Draws `latency.png` into `dir`.
///
/// # Errors
/// The chart cannot be drawn or written.
pub fn write_latency_png(result: &SweepResult, dir: &Path) -> Result<(), SimError> {
    let layout = Layout::of(result)?;
    style::render_sized(
        &dir.join(LATENCY_PNG),
        (style::SIZE.0, layout.height),
        |root| draw_latency(result, &layout, root, &mut Vec::new()),
    )
}

fn draw_latency<DB: DrawingBackend>(
    result: &SweepResult,
    lay: &Layout,
    root: &style::Area<DB>,
    boxes: &mut Vec<TextBox>,
) -> style::DrawResult
where
    DB::ErrorType: 'static,
{
    let param = &result.plan.params[0];
    let title = format!("{}: latency against {}", result.scenario, param.path);
    let (plot, panel) = style::layout(root, &title)?;
    let slo = objectives(result);
    let xs = lay.p50.iter().chain(&lay.p99).flatten().map(|p| p.0);
    let ys = lay
        .p50
        .iter()
        .chain(&lay.p99)
        .flatten()
        .map(|p| p.1)
        .chain(slo.iter().map(|o| o.1));
    let (log_x, log_y) = (
        super::charts::spans_decades(xs.clone()),
        super::charts::spans(ys.clone(), 10.0),
    );
    let (x, y) = (range(xs, log_x), range(ys, log_y));
    let y_desc = "latency (ms; p50 solid, p99 dashed)";
    let tick = |v: &f64| ms_label(*v);
    macro_rules! draw_on {
        ($x:expr, $y:expr) => {{
            let mut chart = chart_on(&plot, $x, $y)?;
            mesh(&mut chart, &lay.axis.desc, y_desc, &tick)?;
            draw_curves(&mut chart, lay)?;
            let mut pins = Vec::new();
            for &(_, limit) in &slo {
                chart.draw_series(DashedLineSeries::new(
                    [(x.0, limit), (x.1, limit)],
                    3,
                    4,
                    INK.stroke_width(2),
                ))?;
                pins.push(chart.backend_coord(&(x.0, limit)));
            }
            let (xr, yr) = chart.plotting_area().get_pixel_range();
            (pins, (xr.start, yr.start, xr.end, yr.end))
        }};
    }
    let (pins, bounds) = match (log_x, log_y) {
        (true, true) => draw_on!((x.0..x.1).log_scale(), (y.0..y.1).log_scale()),
        (true, false) => draw_on!((x.0..x.1).log_scale(), y.0..y.1),
        (false, true) => draw_on!(x.0..x.1, (y.0..y.1).log_scale()),
        (false, false) => draw_on!(x.0..x.1, y.0..y.1),
    };
    // Each objective named above its line near the plot's left end.
    let font = (FONT, chart_text::TEXT_SIZE)
        .into_font()
        .color(&INK)
        .pos(Pos::new(HPos::Center, VPos::Center));
    let mut taken: Vec<TextBox> = Vec::new();
    for ((name, limit), pin) in slo.iter().zip(pins) {
        let text = format!("slo {name} {}", ms_label(*limit));
        let (w, h) = chart_text::measure(&text, chart_text::TEXT_SIZE, false);
        let at = (pin.0 + 20 + w / 2, pin.1);
        if let Some(b) = chart_text::place_label(at, (w + 6, h + 2), bounds, &taken) {
            let corners = [(b.left, b.top), (b.right(), b.bottom())];
            root.draw(&Rectangle::new(corners, WHITE.mix(0.85).filled()))?;
            root.draw_text(&text, &font, (b.left + b.width / 2, b.top + b.height / 2))?;
            boxes.push(TextBox { text, ..b.clone() });
            taken.push(b);
        }
    }
    chart_text::draw_rows(
        &panel,
        "deployment",
        &lay.legend,
        chart_text::LEGEND_TOP,
        boxes,
    )
}

/// Each group's p50 (solid, the other members dashed over it) and p99 (dashed) lines, broken
/// where the deployment does not serve the workload, and their point markers.
fn draw_curves<DB: DrawingBackend, X, Y>(
    chart: &mut ChartContext<'_, DB, Cartesian2d<X, Y>>,
    lay: &Layout,
) -> style::DrawResult
where
    DB::ErrorType: 'static,
    X: Ranged<ValueType = f64>,
    Y: Ranged<ValueType = f64>,
{
    let n = lay.p50.len();
    for d in (0..n).filter(|&d| lay.groups[d] == d) {
        let color = style::color(d);
        let members: Vec<usize> = (0..n).filter(|&e| lay.groups[e] == d).collect();
        for run in serving_runs(&lay.p50[d]) {
            let line: Vec<(f64, f64)> = run.iter().map(|p| (p.0, p.1)).collect();
            draw_group_line(chart, &line, &members)?;
        }
        for run in serving_runs(&lay.p99[d]) {
            chart.draw_series(DashedLineSeries::new(
                run.iter().map(|p| (p.0, p.1)),
                8,
                5,
                color.stroke_width(3),
            ))?;
        }
        for c in [&lay.p50[d], &lay.p99[d]] {
            chart.draw_series(c.iter().map(|p| marker((p.0, p.1), p.3, color)))?;
        }
    }
    Ok(())
}
