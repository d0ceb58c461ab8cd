//! The charts of a one-parameter sweep, in the run reports' style, and what they share (the
//! x axis, curves, point markers, axis ranges):
//!
//! - `breakeven.png` ([`super::breakeven_chart`]): mean monthly cost against the parameter,
//!   one curve per deployment, every crossing and every point where a deployment stops
//!   serving the workload numbered on the curves and listed in a table under the chart.
//! - `latency.png` ([`super::latency_chart`]): p50 and p99 latency against the parameter, one
//!   colour per deployment, with the scenario's `slo` objectives.
//! - `memory.png`, for a sweep over a function's `memory`: drawn by [`super::memory_chart`].
//!
//! In every chart a point where the deployment does not serve the workload
//! ([`super::DeploymentRuns::serves`]) is a hollow ring, and the line is broken there: a line
//! joins only neighbouring points where it serves the workload. An axis is logarithmic when
//! its values (all above zero) span two decades or more.
//!
//! **The x axis** ([`XAxis`]) is the swept parameter's value, except for `load`: then it is
//! the workload's mean request rate at each point ([`super::PointResult::requests_per_s`]),
//! with the rate at load 1 in the axis title; a value between two points (a crossing) is
//! placed by linear interpolation between their rates (exact when the rate is proportional to
//! the load, as it is for synthetic arrivals and trace counts).

use plotters::coord::Shift;
use plotters::coord::ranged1d::AsRangedCoord;
use plotters::prelude::*;

use super::chart_text::{self, Item, Sample};
use super::figures::Figure;
use super::{PointResult, SweepResult};
use crate::report::charts::style::{self, Entry, Mark};

pub use super::breakeven_chart::{
    BREAKEVEN_PNG, breakeven_svg, marker_numbers, write_breakeven_png,
};
pub use super::latency_chart::{LATENCY_PNG, latency_svg, write_latency_png};
pub use super::memory::{is_memory_sweep, memory_candidates, memory_choices};
pub use super::memory_chart::{MEMORY_PNG, memory_svg, write_memory_png};

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

/// The legend's hollow-ring item of [`not_serving_note`], for the charts laid out by
/// [`super::chart_text`].
pub(super) fn not_serving_item(result: &SweepResult) -> Option<Item> {
    not_serving_note(result).map(|note| Item {
        sample: Sample::Ring(note.color),
        text: note.label,
    })
}

/// Each deployment's name, in scenario order.
pub(super) fn deployment_names(result: &SweepResult) -> Vec<&str> {
    result
        .points
        .first()
        .map(|p| p.deployments.iter().map(|d| d.name.as_str()).collect())
        .unwrap_or_default()
}

/// One legend item per group of identical curves (`groups[d]`: the first deployment whose
/// curve is identical to `d`'s): the members' names joined by ` = `, their colours.
pub(super) fn group_items(names: &[&str], groups: &[usize]) -> Vec<Item> {
    (0..names.len())
        .filter(|&d| groups[d] == d)
        .map(|d| {
            let members: Vec<usize> = (0..names.len()).filter(|&e| groups[e] == d).collect();
            Item {
                sample: Sample::Curves(members.iter().map(|&e| style::color(e)).collect()),
                text: members
                    .iter()
                    .map(|&e| names[e])
                    .collect::<Vec<_>>()
                    .join(" = "),
            }
        })
        .collect()
}

/// The line through `points` of a group of identical curves: solid in the first member's
/// colour, the other members dashed over it in theirs ([`chart_text::overlay_dash`]).
pub(super) fn draw_group_line<DB: DrawingBackend, X, Y>(
    chart: &mut ChartContext<'_, DB, Cartesian2d<X, Y>>,
    points: &[(f64, f64)],
    members: &[usize],
) -> style::DrawResult
where
    DB::ErrorType: 'static,
    X: Ranged<ValueType = f64>,
    Y: Ranged<ValueType = f64>,
{
    for (k, &e) in members.iter().enumerate() {
        let color = style::color(e).stroke_width(3);
        if k == 0 {
            chart.draw_series(LineSeries::new(points.iter().copied(), color))?;
        } else {
            let (dash, gap) = chart_text::overlay_dash(k);
            chart.draw_series(DashedLineSeries::new(
                points.iter().copied(),
                dash,
                gap,
                color,
            ))?;
        }
    }
    Ok(())
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
pub(super) fn spans_decades(values: impl Iterator<Item = f64> + Clone) -> bool {
    spans(values, 100.0)
}

/// True when all `values` are above zero and the largest is `ratio` times the smallest or
/// more.
pub(super) fn spans(values: impl Iterator<Item = f64> + Clone, ratio: f64) -> bool {
    let lo = values.clone().fold(f64::INFINITY, f64::min);
    let hi = values.fold(0.0, f64::max);
    lo > 0.0 && hi / lo >= ratio
}

/// A chart on `plot` over coordinates `X` x `Y` (linear or log).
pub(super) type SweepChart<'a, DB, X, Y> = ChartContext<'a, DB, Cartesian2d<X, Y>>;

/// What [`chart_on`] returns.
pub(super) type ChartResult<'a, DB, X, Y> = Result<
    SweepChart<'a, DB, <X as AsRangedCoord>::CoordDescType, <Y as AsRangedCoord>::CoordDescType>,
    Box<dyn std::error::Error + Send + Sync>,
>;

pub(super) fn chart_on<'a, DB: DrawingBackend, X, Y>(
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

pub(super) fn mesh<DB: DrawingBackend, X, Y>(
    chart: &mut ChartContext<'_, DB, Cartesian2d<X, Y>>,
    x_desc: &str,
    y_desc: &str,
    y_tick: &dyn Fn(&f64) -> String,
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
        .y_label_formatter(y_tick)
        .x_label_style(style::tick_font())
        .y_label_style(style::tick_font())
        .x_desc(x_desc)
        .y_desc(y_desc)
        .axis_desc_style(style::axis_desc_font())
        .draw()?;
    Ok(())
}

/// The x axis of a one-parameter sweep's charts (see the module docs).
pub struct XAxis {
    /// The axis title.
    pub desc: String,
    /// For a `load` sweep, (load, requests per second) at each point, by load.
    rates: Option<Vec<(f64, f64)>>,
    /// The parameter's path and unit.
    path: String,
    unit: String,
}

impl XAxis {
    /// The x axis of `result` (a one-parameter sweep).
    pub fn of(result: &SweepResult) -> Self {
        let param = &result.plan.params[0];
        let unit = param.unit().to_string();
        let mut grid: Vec<(f64, f64)> = result
            .points
            .iter()
            .map(|p| (p.values[0].number, p.requests_per_s))
            .collect();
        grid.sort_by(|a, b| a.0.total_cmp(&b.0));
        grid.dedup_by(|a, b| a.0 == b.0);
        let usable = grid
            .iter()
            .all(|&(l, r)| l > 0.0 && r > 0.0 && r.is_finite());
        let rates = (param.path == "load" && usable && !grid.is_empty()).then_some(grid);
        let desc = match &rates {
            Some(grid) => format!("requests/s (load 1 = {}/s)", compact(grid[0].1 / grid[0].0)),
            None if unit.is_empty() => param.path.clone(),
            None => format!("{} ({unit})", param.path),
        };
        Self {
            desc,
            rates,
            path: param.path.clone(),
            unit,
        }
    }

    /// Where the parameter's value `v` is on the axis.
    pub fn at(&self, v: f64) -> f64 {
        let Some(grid) = &self.rates else {
            return v;
        };
        let (first, last) = (grid[0], grid[grid.len() - 1]);
        if v <= first.0 {
            return v * first.1 / first.0;
        }
        if v >= last.0 {
            return v * last.1 / last.0;
        }
        grid.windows(2)
            .find(|w| v >= w[0].0 && v <= w[1].0)
            .map_or(v, |w| {
                w[0].1 + (w[1].1 - w[0].1) * (v - w[0].0) / (w[1].0 - w[0].0)
            })
    }

    /// The parameter's value `v` in words: `12.35 requests/s (load 352.8)`, `1536MB`.
    pub fn describe(&self, v: f64) -> String {
        match &self.rates {
            Some(_) => format!("{} requests/s ({} {})", fmt(self.at(v)), self.path, fmt(v)),
            None => format!("{} = {}{}", self.path, fmt(v), self.unit),
        }
    }
}

/// `v` to 4 significant digits, trailing zeros dropped.
fn compact(v: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        return format!("{v}");
    }
    let digits = (3 - v.abs().log10().floor() as i32).max(0) as usize;
    let s = format!("{v:.digits$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// The curve's mean at `x` as the chart draws it: linear interpolation between its points,
/// in log x and log y where those axes are logarithmic (so a marker lies on the drawn line).
pub(super) fn interpolate(curve: &[CurvePoint], x: f64, log_x: bool, log_y: bool) -> f64 {
    // Straight on the chart: linear in log x on a log axis (and log y likewise).
    let ax = |v: f64| if log_x { v.ln() } else { v };
    let ay = |v: f64| if log_y && v > 0.0 { v.ln() } else { v };
    for w in curve.windows(2) {
        let ((x0, y0, _, _), (x1, y1, _, _)) = (w[0], w[1]);
        if (x0..=x1).contains(&x) && x1 > x0 {
            let t = (ax(x) - ax(x0)) / (ax(x1) - ax(x0));
            if log_y && y0 > 0.0 && y1 > 0.0 {
                return (ay(y0) + (ay(y1) - ay(y0)) * t).exp();
            }
            return y0 + (y1 - y0) * t;
        }
    }
    curve.first().map_or(0.0, |p| p.1)
}

/// A crossing's value, 4 significant digits.
pub(super) fn fmt(x: f64) -> String {
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
    fn interpolation_follows_the_drawn_line_on_each_axis_scale() {
        let curve = [(1.0, 10.0, 0.0, true), (100.0, 20.0, 0.0, true)];
        // x = 10 is halfway on a log axis (15), 9/99 of the way on a linear one.
        assert!((interpolate(&curve, 10.0, true, false) - 15.0).abs() < 1e-12);
        let linear = 10.0 + 10.0 * 9.0 / 99.0;
        assert!((interpolate(&curve, 10.0, false, false) - linear).abs() < 1e-12);
        // Log y too: the geometric mean of 10 and 20.
        assert!((interpolate(&curve, 10.0, true, true) - 200f64.sqrt()).abs() < 1e-12);
    }

    #[test]
    fn crossing_labels_keep_four_digits() {
        assert_eq!(fmt(36.94881), "36.95");
        assert_eq!(fmt(0.123456), "0.1235");
        assert_eq!(fmt(1234.5), "1234");
        assert_eq!(compact(0.035), "0.035");
        assert_eq!(compact(2.0), "2");
    }
}
