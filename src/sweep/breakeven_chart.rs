//! `breakeven.png`: the mean monthly cost of every deployment against the swept parameter
//! (the x axis of [`XAxis`]: requests per second for `load`), and where the curves cross.
//!
//! - One curve per deployment (a line with a dot per point, the 95% confidence band where
//!   there are replications; a hollow ring and a break in the line where the deployment does
//!   not serve the workload). Deployments whose curves are identical at every point (same
//!   means, half-widths and verdicts) are one legend entry, `a = b`, and one curve: solid in
//!   the first one's colour, the others dashed over it in theirs ([`curve_groups`]).
//! - Every crossing of two curves is a ring on the curves, and every point where a
//!   deployment stops serving the workload ([`super::serving`], the middle of the refined
//!   bracket) a cross in its colour on its curve. Each such marker carries a number, put
//!   beside it where it overlaps no other label or marker (with a thin leader line), and the
//!   numbers are listed in a table under the chart (what crosses, where, which is cheaper
//!   below) and in `breakeven.csv`'s `marker` column. Markers are numbered from left to
//!   right; crossings of the same curves at the same value (a curve crossing two identical
//!   ones) share one marker and one number ([`numbered`]).
//! - The legend wraps names to the panel's width (never cut), and the image grows taller
//!   when the legend or the table needs the room.

use std::path::Path;

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::SweepResult;
use super::breakeven::BreakEven;
use super::chart_text::{
    self, DrawnSvg, Item, LEGEND_TOP, NUMBER_SIZE, Sample, TABLE_TOP, TextBox,
};
use super::charts::{
    CurvePoint, XAxis, chart_on, curve, deployment_names, draw_group_line, group_items,
    interpolate, marker, mesh, not_serving_item, range, serving_runs, spans_decades,
};
use super::figures::Figure;
use crate::error::SimError;
use crate::report::charts::palette;
use crate::report::charts::style::{self, FONT, INK, MUTED};

pub const BREAKEVEN_PNG: &str = "breakeven.png";

/// The legend's sample of a confidence band.
const BAND_GREY: RGBColor = RGBColor(205, 205, 205);

/// Width of the legend panel (as [`style::layout`] makes it).
const PANEL_W: i32 = 270;
/// Height of the title band (as [`style::layout`] draws it).
const TITLE_H: i32 = 56;
/// The heading of the table under the chart.
const TABLE_HEADING: &str = "Numbered on the chart (breakeven.csv's marker column): where costs cross, where a deployment stops serving";

/// For each deployment, the first deployment (in scenario order) whose curve is identical to
/// its own ([`palette::same_as`]): itself when none before it is, or its curve is empty.
pub fn curve_groups(curves: &[Vec<CurvePoint>]) -> Vec<usize> {
    palette::same_as(curves)
        .into_iter()
        .enumerate()
        .map(|(d, same)| same.unwrap_or(d))
        .collect()
}

/// One numbered marker of the chart.
#[derive(Clone, Debug, PartialEq)]
pub struct Numbered {
    pub number: usize,
    /// The parameter's value there.
    pub value: f64,
    /// The deployment whose curve it sits on (the first of its group).
    pub on: usize,
    /// The groups of curves ([`curve_groups`]) that cross there, lower first; the one group
    /// twice for a stop.
    pub pair: (usize, usize),
    /// A place where a deployment stops serving (else a crossing).
    pub stop: bool,
    /// The crossings (indexes into [`BreakEven::crossings`]) and boundaries (into
    /// [`BreakEven::boundaries`]) it stands for.
    pub crossings: Vec<usize>,
    pub boundaries: Vec<usize>,
}

/// The markers of the chart: one per crossing and per point where a deployment stops
/// serving, numbered by value (then crossings before boundaries, each in their order);
/// crossings of the same groups of curves at the same value share one, as do identical
/// curves stopping at the same value.
pub fn numbered(result: &SweepResult, found: &BreakEven) -> Vec<Numbered> {
    let n = result.points.first().map_or(0, |p| p.deployments.len());
    let curves: Vec<_> = (0..n)
        .map(|d| curve(&result.points, d, Figure::MonthlyCost))
        .collect();
    let groups = curve_groups(&curves);
    let index = |name: &str| {
        let d = result.points[0]
            .deployments
            .iter()
            .position(|d| d.name == name)?;
        Some(groups[d])
    };
    // (value, key, is a stop, index)
    let mut events: Vec<(f64, (usize, usize), bool, usize)> = Vec::new();
    for (i, c) in found.crossings.iter().enumerate() {
        let (Some(a), Some(b)) = (index(&c.deployment_a), index(&c.deployment_b)) else {
            continue;
        };
        events.push((c.crossing, (a.min(b), a.max(b)), false, i));
    }
    for (j, b) in found.boundaries.iter().enumerate() {
        if let (true, Some(d)) = (b.stops, index(&b.deployment)) {
            events.push(((b.serving + b.not_serving) / 2.0, (d, d), true, j));
        }
    }
    events.sort_by(|x, y| x.0.total_cmp(&y.0).then(x.2.cmp(&y.2)).then(x.3.cmp(&y.3)));
    let mut out: Vec<Numbered> = Vec::new();
    for (value, key, stop, i) in events {
        let same = out
            .iter_mut()
            .find(|m| m.value == value && m.stop == stop && m.pair == key);
        let m = match same {
            Some(m) => m,
            None => {
                out.push(Numbered {
                    number: out.len() + 1,
                    value,
                    on: key.0,
                    pair: key,
                    stop,
                    crossings: Vec::new(),
                    boundaries: Vec::new(),
                });
                out.last_mut().expect("just pushed")
            }
        };
        if stop {
            m.boundaries.push(i);
        } else {
            m.crossings.push(i);
        }
    }
    out
}

/// The marker number of each crossing, and of each boundary (`None` where a deployment starts
/// serving: not drawn): `breakeven.csv`'s `marker` column.
pub fn marker_numbers(result: &SweepResult, found: &BreakEven) -> (Vec<usize>, Vec<Option<usize>>) {
    let mut crossings = vec![0; found.crossings.len()];
    let mut boundaries = vec![None; found.boundaries.len()];
    if result.points.is_empty() {
        return (crossings, boundaries);
    }
    for m in numbered(result, found) {
        for &i in &m.crossings {
            crossings[i] = m.number;
        }
        for &j in &m.boundaries {
            boundaries[j] = Some(m.number);
        }
    }
    (crossings, boundaries)
}

/// What the chart draws, worked out before drawing (the image's height depends on it).
struct Layout {
    axis: XAxis,
    curves: Vec<Vec<CurvePoint>>,
    groups: Vec<usize>,
    marks: Vec<Numbered>,
    legend: Vec<Item>,
    table: Vec<Item>,
    /// Height of the chart part (title, plot, legend) and of the whole image.
    top: u32,
    height: u32,
}

impl Layout {
    fn of(result: &SweepResult, found: &BreakEven) -> Result<Self, SimError> {
        style::register_fonts()?;
        let axis = XAxis::of(result);
        let names = deployment_names(result);
        let curves: Vec<_> = (0..names.len())
            .map(|d| curve(&result.points, d, Figure::MonthlyCost))
            .collect();
        let groups = curve_groups(&curves);
        let marks = if names.is_empty() {
            Vec::new()
        } else {
            numbered(result, found)
        };
        let mut legend = group_items(&names, &groups);
        legend.extend(not_serving_item(result));
        if marks.iter().any(|m| !m.stop) {
            legend.push(Item {
                sample: Sample::Ring(INK),
                text: "numbered ring: two costs cross (table below)".into(),
            });
        }
        if marks.iter().any(|m| m.stop) {
            legend.push(Item {
                sample: Sample::Cross(MUTED),
                text: "cross: stops serving".into(),
            });
        }
        if result.plan.replications > 1 {
            legend.push(Item {
                sample: Sample::Box(BAND_GREY),
                text: format!("bands: 95% CI, {} runs", result.plan.replications),
            });
        }
        let table: Vec<Item> = marks.iter().map(|m| table_item(m, found, &axis)).collect();
        let legend_h = TITLE_H + chart_text::legend_height("deployment", &legend, PANEL_W);
        let top = style::SIZE.1.max(legend_h as u32);
        let table_h = chart_text::table_height(TABLE_HEADING, &table, style::SIZE.0 as i32);
        Ok(Self {
            axis,
            curves,
            groups,
            marks,
            legend,
            table,
            top,
            height: top + table_h as u32,
        })
    }
}

/// The table row of marker `m`.
fn table_item(m: &Numbered, found: &BreakEven, axis: &XAxis) -> Item {
    let at = axis.describe(m.value);
    if m.stop {
        let who: Vec<&str> = m
            .boundaries
            .iter()
            .map(|&j| found.boundaries[j].deployment.as_str())
            .collect();
        let verb = if who.len() > 1 { "stop" } else { "stops" };
        return Item {
            sample: Sample::Numbered(m.number, Some(style::color(m.on))),
            text: format!("{} {verb} serving the workload at {at}", who.join(" and ")),
        };
    }
    let pairs: Vec<String> = m
        .crossings
        .iter()
        .map(|&i| {
            let c = &found.crossings[i];
            format!("{} and {}", c.deployment_a, c.deployment_b)
        })
        .collect();
    let first = &found.crossings[m.crossings[0]];
    Item {
        sample: Sample::Numbered(m.number, None),
        text: format!(
            "{} cost the same at {at}; {} is cheaper below, {} above",
            pairs.join(", "),
            first.cheaper_below,
            first.cheaper_above
        ),
    }
}

/// `breakeven.png` as SVG, for the HTML report.
///
/// # Errors
/// The chart cannot be drawn.
pub fn breakeven_svg(result: &SweepResult, found: &BreakEven) -> Result<String, SimError> {
    breakeven_svg_boxes(result, found).map(|drawn| drawn.svg)
}

/// [`breakeven_svg`], with the box of every piece of text it placed (legend, marker numbers,
/// table) in image pixels and the image's size.
///
/// # Errors
/// The chart cannot be drawn.
pub fn breakeven_svg_boxes(result: &SweepResult, found: &BreakEven) -> Result<DrawnSvg, SimError> {
    let layout = Layout::of(result, found)?;
    let size = (style::SIZE.0, layout.height);
    let mut boxes = Vec::new();
    let svg = style::render_svg(size, |root| {
        draw_breakeven(result, &layout, root, &mut boxes)
    })?;
    Ok(DrawnSvg { svg, boxes, size })
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
    let layout = Layout::of(result, found)?;
    style::render_sized(
        &dir.join(BREAKEVEN_PNG),
        (style::SIZE.0, layout.height),
        |root| draw_breakeven(result, &layout, root, &mut Vec::new()),
    )
}

fn draw_breakeven<DB: DrawingBackend>(
    result: &SweepResult,
    lay: &Layout,
    root: &style::Area<DB>,
    boxes: &mut Vec<TextBox>,
) -> style::DrawResult
where
    DB::ErrorType: 'static,
{
    let param = &result.plan.params[0];
    let title = format!("{}: monthly cost against {}", result.scenario, param.path);
    let (top, bottom) = root.split_vertically(lay.top);
    let (plot, panel) = style::layout(&top, &title)?;
    let shown: Vec<Vec<CurvePoint>> = lay
        .curves
        .iter()
        .map(|c| {
            c.iter()
                .map(|p| (lay.axis.at(p.0), p.1, p.2, p.3))
                .collect()
        })
        .collect();
    let xs = shown.iter().flatten().map(|p| p.0);
    let ys = shown.iter().flatten().flat_map(|p| [p.1 - p.2, p.1 + p.2]);
    let (log_x, log_y) = (spans_decades(xs.clone()), spans_decades(ys.clone()));
    let (x, y) = (range(xs, log_x), range(ys, log_y));
    let y_desc = "monthly cost (USD per billing month)";
    let usd = |v: &f64| style::usd_tick(*v);
    // Four axis combinations, one drawing routine; each gives the markers' pixels and the
    // plot's bounds.
    macro_rules! draw_on {
        ($x:expr, $y:expr) => {{
            let mut chart = chart_on(&plot, $x, $y)?;
            mesh(&mut chart, &lay.axis.desc, y_desc, &usd)?;
            draw_curves(&mut chart, &shown, &lay.groups, log_y, y)?;
            let floor = |v: f64| if log_y { v.max(y.0) } else { v };
            let mut pins = Vec::new();
            for m in &lay.marks {
                let at = (
                    lay.axis.at(m.value),
                    floor(interpolate(&lay.curves[m.on], m.value, log_x, log_y)),
                );
                if m.stop {
                    let color = style::color(m.on);
                    chart.draw_series(std::iter::once(Cross::new(at, 8, color.stroke_width(3))))?;
                } else {
                    chart.draw_series(std::iter::once(Circle::new(at, 7, INK.stroke_width(3))))?;
                }
                pins.push(chart.backend_coord(&at));
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
    draw_numbers(root, &lay.marks, &pins, bounds, boxes)?;
    chart_text::draw_rows(&panel, "deployment", &lay.legend, LEGEND_TOP, boxes)?;
    if lay.table.is_empty() {
        return Ok(());
    }
    chart_text::draw_rows(&bottom, TABLE_HEADING, &lay.table, TABLE_TOP, boxes)
}

/// Each group's curve: band, line (broken where it does not serve), point markers; the other
/// members of a group dashed over the first's line in their colours.
fn draw_curves<DB: DrawingBackend, X, Y>(
    chart: &mut ChartContext<'_, DB, Cartesian2d<X, Y>>,
    curves: &[Vec<CurvePoint>],
    groups: &[usize],
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
        if groups[i] != i {
            continue;
        }
        let color = style::color(i);
        if c.iter().any(|p| p.2 > 0.0) {
            let mut band: Vec<(f64, f64)> = c.iter().map(|p| (p.0, floor(p.1 + p.2))).collect();
            band.extend(c.iter().rev().map(|p| (p.0, floor(p.1 - p.2))));
            chart.draw_series(std::iter::once(Polygon::new(
                band,
                color.mix(0.18).filled(),
            )))?;
        }
        let members: Vec<usize> = (0..curves.len()).filter(|&e| groups[e] == i).collect();
        for run in serving_runs(c) {
            let line: Vec<(f64, f64)> = run.iter().map(|p| (p.0, floor(p.1))).collect();
            draw_group_line(chart, &line, &members)?;
        }
        chart.draw_series(c.iter().map(|p| marker((p.0, floor(p.1)), p.3, color)))?;
    }
    Ok(())
}

/// Each marker's number, in a white box beside it (see [`chart_text::place_label`]), with a
/// thin leader line from the marker.
fn draw_numbers<DB: DrawingBackend>(
    root: &style::Area<DB>,
    marks: &[Numbered],
    pins: &[(i32, i32)],
    bounds: (i32, i32, i32, i32),
    boxes: &mut Vec<TextBox>,
) -> style::DrawResult
where
    DB::ErrorType: 'static,
{
    let mut taken: Vec<TextBox> = pins.iter().map(|&p| chart_text::marker_box(p, 9)).collect();
    let font = (FONT, NUMBER_SIZE, FontStyle::Bold)
        .into_font()
        .color(&INK)
        .pos(Pos::new(HPos::Center, VPos::Center));
    for (m, &pin) in marks.iter().zip(pins) {
        let text = m.number.to_string();
        let (w, h) = chart_text::measure(&text, NUMBER_SIZE, true);
        let size = (w + 6, h + 4);
        let b = chart_text::place_label(pin, size, bounds, &taken).unwrap_or(TextBox {
            left: pin.0 + 12,
            top: pin.1 - size.1 / 2,
            width: size.0,
            height: size.1,
            text: String::new(),
        });
        let centre = (b.left + b.width / 2, b.top + b.height / 2);
        let (dx, dy) = ((centre.0 - pin.0) as f64, (centre.1 - pin.1) as f64);
        let length = dx.hypot(dy).max(1.0);
        let start = (
            pin.0 + (dx / length * 9.0) as i32,
            pin.1 + (dy / length * 9.0) as i32,
        );
        root.draw(&PathElement::new(
            vec![start, centre],
            MUTED.stroke_width(1),
        ))?;
        let corners = [(b.left, b.top), (b.right(), b.bottom())];
        root.draw(&Rectangle::new(corners, WHITE.filled()))?;
        root.draw(&Rectangle::new(corners, MUTED.stroke_width(1)))?;
        root.draw_text(&text, &font, centre)?;
        boxes.push(TextBox { text, ..b.clone() });
        taken.push(b);
    }
    Ok(())
}
