//! The charts of a one-parameter sweep, in the run reports' style:
//!
//! - `breakeven.png`: mean monthly cost against the parameter for every deployment (a line
//!   with a dot per point), the 95% confidence band where there are replications, every
//!   crossing marked (a dashed vertical line and its value); a log x axis when the values span
//!   two decades or more, and a log y axis when the costs do (all above zero). A point where
//!   the deployment does not serve the workload ([`super::DeploymentRuns::serves`]) is a
//!   hollow ring, and the line is broken there: a line joins only neighbouring points where it
//!   serves the workload. Where the refined sweep found a deployment to stop serving the
//!   workload ([`super::serving`]), a cross in its colour on its curve marks the load, labelled
//!   with the value: past it the deployment is not cheaper, it is broken.
//!
//! `memory.png` is drawn by [`super::memory_chart`].

use std::path::Path;

use plotters::coord::Shift;
use plotters::coord::ranged1d::AsRangedCoord;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::breakeven::{BreakEven, Crossing};
use super::figures::Figure;
use super::serving::Boundary;
use super::{PointResult, SweepResult};
use crate::error::SimError;
use crate::report::charts::style::{self, Entry, Mark};

pub const BREAKEVEN_PNG: &str = "breakeven.png";

/// One point of a curve: x, mean, half-width, and whether the deployment serves the workload
/// there.
pub(super) type CurvePoint = (f64, f64, f64, bool);

/// One deployment's points along the sweep for `figure` (points without a value left out).
pub(super) fn curve(points: &[PointResult], d: usize, figure: Figure) -> Vec<CurvePoint> {
    points
        .iter()
        .filter_map(|p| {
            let runs = &p.deployments[d];
            let e = figure.estimate(&runs.replications)?;
            Some((
                p.values[0].number,
                e.mean,
                e.half_width.unwrap_or(0.0),
                runs.serves() == Some(true),
            ))
        })
        .collect()
}

/// The runs of neighbouring points where the deployment serves the workload: the pieces of a
/// broken line.
pub(super) fn serving_runs(curve: &[CurvePoint]) -> impl Iterator<Item = &[CurvePoint]> {
    curve.split(|p| !p.3).filter(|run| run.len() >= 2)
}

/// A point's marker: a filled dot where the deployment serves the workload, a hollow ring
/// where it does not.
pub(super) fn marker(at: (f64, f64), serves: bool, color: RGBColor) -> Circle<(f64, f64), i32> {
    if serves {
        Circle::new(at, 4, color.filled())
    } else {
        Circle::new(at, 5, color.stroke_width(2))
    }
}

/// The legend's note on hollow rings, when a deployment does not serve the workload somewhere.
pub(super) fn not_serving_note(result: &SweepResult) -> Option<Entry> {
    let any = result
        .points
        .iter()
        .flat_map(|p| &p.deployments)
        .any(|d| d.serves() == Some(false));
    any.then(|| Entry {
        label: "hollow ring: does not serve the workload".into(),
        color: style::MUTED,
        mark: Mark::Dot,
    })
}

/// A range holding `values` with some headroom; (lo, hi) positive on a log axis.
pub(super) fn range(values: impl Iterator<Item = f64> + Clone, log: bool) -> (f64, f64) {
    let lo = values.clone().fold(f64::INFINITY, f64::min);
    let hi = values.fold(f64::NEG_INFINITY, f64::max);
    if !lo.is_finite() || !hi.is_finite() {
        return (0.0, 1.0);
    }
    if log {
        (lo / 1.3, hi * 1.3)
    } else {
        let pad = ((hi - lo) * 0.06).max(hi.abs() * 0.02).max(1e-9);
        ((lo - pad).min(0.0_f64.max(lo - pad)), hi + pad)
    }
}

/// True when all `values` are above zero and span two decades or more.
fn spans_decades(values: impl Iterator<Item = f64> + Clone) -> bool {
    let lo = values.clone().fold(f64::INFINITY, f64::min);
    let hi = values.fold(0.0, f64::max);
    lo > 0.0 && hi / lo >= 100.0
}

/// `breakeven.png` as SVG, for the HTML report.
///
/// # Errors
/// The chart cannot be drawn.
pub fn breakeven_svg(result: &SweepResult, found: &BreakEven) -> Result<String, SimError> {
    style::render_svg(style::SIZE, |root| draw_breakeven(result, found, root))
}

/// Draws `breakeven.png` into `dir`.
///
/// # Errors
/// The chart cannot be drawn or written.
pub fn write_breakeven_png(
    result: &SweepResult,
    found: &BreakEven,
    dir: &Path,
) -> Result<(), SimError> {
    style::render(&dir.join(BREAKEVEN_PNG), |root| {
        draw_breakeven(result, found, root)
    })
}

fn draw_breakeven<DB: DrawingBackend>(
    result: &SweepResult,
    found: &BreakEven,
    root: &style::Area<DB>,
) -> style::DrawResult
where
    DB::ErrorType: 'static,
{
    let crossings = &found.crossings;
    let stops: Vec<&Boundary> = found.boundaries.iter().filter(|b| b.stops).collect();
    let param = &result.plan.params[0];
    let unit = param.unit();
    let title = format!("{}: monthly cost against {}", result.scenario, param.path);
    let (plot, panel) = style::layout(root, &title)?;
    let n = result.points.first().map_or(0, |p| p.deployments.len());
    let curves: Vec<_> = (0..n)
        .map(|d| curve(&result.points, d, Figure::MonthlyCost))
        .collect();
    let xs = curves.iter().flatten().map(|p| p.0);
    let ys = curves.iter().flatten().flat_map(|p| [p.1 - p.2, p.1 + p.2]);
    let (log_x, log_y) = (spans_decades(xs.clone()), spans_decades(ys.clone()));
    let x_desc = if param.path == "load" {
        "load (multiplier of every arrival rate)".to_string()
    } else if unit.is_empty() {
        param.path.clone()
    } else {
        format!("{} ({unit})", param.path)
    };
    let y_desc = "monthly cost (USD per billing month)";
    let (x, y) = (range(xs, log_x), range(ys, log_y));
    // Four axis combinations, one drawing routine.
    macro_rules! draw_on {
        ($x:expr, $y:expr) => {{
            let mut chart = chart_on(&plot, $x, $y)?;
            mesh(&mut chart, &x_desc, y_desc)?;
            draw_curves(&mut chart, &curves, crossings, &result.points, log_y, y)?;
            draw_stops(&mut chart, &curves, &stops, &result.points, log_y, y)?;
        }};
    }
    match (log_x, log_y) {
        (true, true) => draw_on!((x.0..x.1).log_scale(), (y.0..y.1).log_scale()),
        (true, false) => draw_on!((x.0..x.1).log_scale(), y.0..y.1),
        (false, true) => draw_on!(x.0..x.1, (y.0..y.1).log_scale()),
        (false, false) => draw_on!(x.0..x.1, y.0..y.1),
    }
    let mut entries: Vec<Entry> = result.points[0]
        .deployments
        .iter()
        .enumerate()
        .map(|(i, d)| Entry {
            label: d.name.clone(),
            color: style::color(i),
            mark: Mark::Line,
        })
        .collect();
    for c in crossings {
        entries.push(Entry {
            label: format!(
                "{} = {} at {}{unit}",
                c.deployment_a,
                c.deployment_b,
                fmt(c.crossing)
            ),
            color: style::MUTED,
            mark: Mark::Dashed,
        });
    }
    if let Some(note) = not_serving_note(result) {
        entries.push(note);
    }
    if !stops.is_empty() {
        entries.push(Entry {
            label: "cross: stops serving".into(),
            color: style::MUTED,
            mark: Mark::Cross,
        });
    }
    if result.plan.replications > 1 {
        entries.push(Entry {
            label: format!("bands: 95% CI, {} runs", result.plan.replications),
            color: style::MUTED,
            mark: Mark::Box,
        });
    }
    style::legend(&panel, "deployment", &entries)
}

/// A chart on `plot` over coordinates `X` x `Y` (linear or log).
type SweepChart<'a, DB, X, Y> = ChartContext<'a, DB, Cartesian2d<X, Y>>;

/// What [`chart_on`] returns.
type ChartResult<'a, DB, X, Y> = Result<
    SweepChart<'a, DB, <X as AsRangedCoord>::CoordDescType, <Y as AsRangedCoord>::CoordDescType>,
    Box<dyn std::error::Error + Send + Sync>,
>;

fn chart_on<'a, DB: DrawingBackend, X, Y>(
    plot: &'a DrawingArea<DB, Shift>,
    x: X,
    y: Y,
) -> ChartResult<'a, DB, X, Y>
where
    DB::ErrorType: 'static,
    X: plotters::coord::ranged1d::AsRangedCoord<Value = f64>,
    Y: plotters::coord::ranged1d::AsRangedCoord<Value = f64>,
{
    Ok(ChartBuilder::on(plot)
        .margin_top(10)
        .margin_left(20)
        .margin_right(30)
        .margin_bottom(10)
        .x_label_area_size(60)
        .y_label_area_size(100)
        .build_cartesian_2d(x, y)?)
}

fn mesh<DB: DrawingBackend, X, Y>(
    chart: &mut ChartContext<'_, DB, Cartesian2d<X, Y>>,
    x_desc: &str,
    y_desc: &str,
) -> style::DrawResult
where
    X: Ranged<ValueType = f64> + plotters::coord::ranged1d::ValueFormatter<f64>,
    Y: Ranged<ValueType = f64> + plotters::coord::ranged1d::ValueFormatter<f64>,
    DB::ErrorType: 'static,
{
    chart
        .configure_mesh()
        .max_light_lines(1)
        .light_line_style(style::GRID_LIGHT)
        .bold_line_style(style::GRID_BOLD)
        .axis_style(style::INK)
        .x_labels(10)
        .y_labels(10)
        .x_label_formatter(&|v| style::axis_number(*v))
        .y_label_formatter(&|v| style::usd_tick(*v))
        .x_label_style(style::tick_font())
        .y_label_style(style::tick_font())
        .x_desc(x_desc)
        .y_desc(y_desc)
        .axis_desc_style(style::axis_desc_font())
        .draw()?;
    Ok(())
}

fn draw_curves<'a, DB: DrawingBackend, X, Y>(
    chart: &mut ChartContext<'a, DB, Cartesian2d<X, Y>>,
    curves: &[Vec<CurvePoint>],
    crossings: &[Crossing],
    points: &[PointResult],
    log_y: bool,
    y_range: (f64, f64),
) -> style::DrawResult
where
    DB::ErrorType: 'static,
    X: Ranged<ValueType = f64>,
    Y: Ranged<ValueType = f64>,
{
    let floor = |v: f64| if log_y { v.max(y_range.0) } else { v };
    for (i, c) in curves.iter().enumerate() {
        let color = style::color(i);
        if c.iter().any(|p| p.2 > 0.0) {
            let mut band: Vec<(f64, f64)> = c.iter().map(|p| (p.0, floor(p.1 + p.2))).collect();
            band.extend(c.iter().rev().map(|p| (p.0, floor(p.1 - p.2))));
            chart.draw_series(std::iter::once(Polygon::new(
                band,
                color.mix(0.18).filled(),
            )))?;
        }
        for run in serving_runs(c) {
            chart.draw_series(LineSeries::new(
                run.iter().map(|p| (p.0, floor(p.1))),
                color.stroke_width(3),
            ))?;
        }
        chart.draw_series(c.iter().map(|p| marker((p.0, floor(p.1)), p.3, color)))?;
    }
    let names: Vec<&str> = points[0]
        .deployments
        .iter()
        .map(|d| d.name.as_str())
        .collect();
    for c in crossings {
        let a = names.iter().position(|n| *n == c.deployment_a).unwrap_or(0);
        let cost = interpolate(&curves[a], c.crossing);
        let top = y_range.1;
        chart.draw_series(DashedLineSeries::new(
            [(c.crossing, floor(y_range.0)), (c.crossing, top)],
            6,
            5,
            style::MUTED.stroke_width(2),
        ))?;
        chart.draw_series(std::iter::once(Circle::new(
            (c.crossing, floor(cost)),
            7,
            style::INK.stroke_width(3),
        )))?;
        let label = style::label_font().pos(Pos::new(HPos::Left, VPos::Bottom));
        chart.draw_series(std::iter::once(Text::new(
            format!(" {}", fmt(c.crossing)),
            (c.crossing, floor(cost)),
            label,
        )))?;
    }
    Ok(())
}

/// A cross on each deployment's curve where it stops serving the workload (the middle of the
/// refined bracket), in its colour and labelled with the value.
fn draw_stops<'a, DB: DrawingBackend, X, Y>(
    chart: &mut ChartContext<'a, DB, Cartesian2d<X, Y>>,
    curves: &[Vec<CurvePoint>],
    stops: &[&Boundary],
    points: &[PointResult],
    log_y: bool,
    y_range: (f64, f64),
) -> style::DrawResult
where
    DB::ErrorType: 'static,
    X: Ranged<ValueType = f64>,
    Y: Ranged<ValueType = f64>,
{
    let floor = |v: f64| if log_y { v.max(y_range.0) } else { v };
    for b in stops {
        let Some(d) = points[0]
            .deployments
            .iter()
            .position(|d| d.name == b.deployment)
        else {
            continue;
        };
        let x = (b.serving + b.not_serving) / 2.0;
        let at = (x, floor(interpolate(&curves[d], x)));
        let color = style::color(d);
        chart.draw_series(std::iter::once(Cross::new(at, 8, color.stroke_width(3))))?;
        let label = style::label_font()
            .color(&color)
            .pos(Pos::new(HPos::Left, VPos::Top));
        chart.draw_series(std::iter::once(Text::new(
            format!("  {}", fmt(x)),
            at,
            label,
        )))?;
    }
    Ok(())
}

/// The curve's mean at `x` by linear interpolation between its points.
fn interpolate(curve: &[CurvePoint], x: f64) -> f64 {
    for w in curve.windows(2) {
        let ((x0, y0, _, _), (x1, y1, _, _)) = (w[0], w[1]);
        if (x0..=x1).contains(&x) && x1 > x0 {
            return y0 + (y1 - y0) * (x - x0) / (x1 - x0);
        }
    }
    curve.first().map_or(0.0, |p| p.1)
}

/// A crossing's value, 4 significant digits.
fn fmt(x: f64) -> String {
    if x == 0.0 || !x.is_finite() {
        return format!("{x}");
    }
    let digits = (3 - x.abs().log10().floor() as i32).max(0) as usize;
    format!("{x:.digits$}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crossing_labels_keep_four_digits() {
        assert_eq!(fmt(36.94881), "36.95");
        assert_eq!(fmt(0.123456), "0.1235");
        assert_eq!(fmt(1234.5), "1234");
    }
}
