//! The look shared by every chart: image size, the embedded font, ink and grid colours, the
//! page layout (title on top, plot on the left, legend panel on the right), the legend,
//! axis-number formatting, and the rendering wrapper that turns plotters' errors into
//! [`SimError::Report`]. Which colour stands for which deployment or cost part is
//! [`super::palette`]'s; [`color`] and [`deployment_mark`] are shorthands for it.
//!
//! Text is drawn with DejaVu Sans embedded in the binary (the `dejavu` crate) through
//! plotters' `ab_glyph` backend, so charts need no system font and render the same
//! everywhere.

use std::error::Error;
use std::path::Path;
use std::sync::OnceLock;

use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::register_font;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::legend_text;
use crate::engine::time::{DAY, HOUR, MINUTE, Micros};
use crate::error::SimError;

/// Width and height of every chart, in pixels.
pub const SIZE: (u32, u32) = (1200, 700);
/// The font family name the embedded font is registered under.
pub const FONT: &str = "sans-serif";
/// Height of the title band at the top.
const TITLE_H: u32 = 56;
/// Width of the legend panel on the right.
const LEGEND_W: u32 = 270;
/// Axis labels longer than this are shortened with an ellipsis.
const LEGEND_CHARS: usize = 26;
/// Where a legend entry's text starts, from the panel's left edge (after its sample).
const LEGEND_TEXT_X: i32 = 12 + 38;
/// Widest a legend entry's text may be, in pixels: the panel's width less where the text
/// starts and a margin of 8 pixels on the right.
pub const LEGEND_TEXT_W: u32 = LEGEND_W - LEGEND_TEXT_X as u32 - 8;

/// Title text size.
pub const TITLE_SIZE: u32 = 26;
/// Axis description size.
pub const AXIS_DESC_SIZE: u32 = 19;
/// Tick label size.
pub const TICK_SIZE: u32 = 16;
/// Legend and annotation size.
pub const LABEL_SIZE: u32 = 16;

/// Light grid lines.
pub const GRID_LIGHT: RGBColor = RGBColor(238, 238, 238);
/// Grid lines when every line has a label (log axes).
pub const GRID_MID: RGBColor = RGBColor(222, 222, 222);
/// Major grid lines.
pub const GRID_BOLD: RGBColor = RGBColor(205, 205, 205);
/// Axis lines and text.
pub const INK: RGBColor = RGBColor(40, 40, 40);
/// Secondary text and reference lines.
pub const MUTED: RGBColor = RGBColor(120, 120, 120);

/// The colour of the deployment at scenario index `i` ([`super::palette::deployment_color`]).
pub fn color(i: usize) -> RGBColor {
    super::palette::deployment_color(i)
}

/// The legend mark of the deployment at scenario index `i`: a line in its colour and dash
/// pattern.
pub fn deployment_mark(i: usize) -> Mark {
    Mark::Pattern(super::palette::deployment_dash(i))
}

/// What a chart's drawing code returns: any plotters error, boxed.
pub type DrawResult = Result<(), Box<dyn Error + Send + Sync>>;

/// A drawing area of a chart image.
pub type Area<DB> = DrawingArea<DB, Shift>;

/// A chart with linear x and y axes.
pub type XyChart<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// What differs between the linear-axis charts: the axes' ranges, labels and y tick format.
pub struct Axes<'f> {
    pub x: std::ops::Range<f64>,
    pub y: std::ops::Range<f64>,
    pub x_desc: String,
    pub y_desc: &'f str,
    /// Room for the y tick labels, in pixels.
    pub y_label_area: u32,
    pub y_tick: &'f dyn Fn(&f64) -> String,
}

/// Builds a linear-axis chart on `plot` and draws its mesh in the shared style.
pub fn xy_chart<'a, DB: DrawingBackend>(
    plot: &'a Area<DB>,
    axes: Axes,
) -> Result<XyChart<'a, DB>, Box<dyn Error + Send + Sync>>
where
    DB::ErrorType: 'static,
{
    let mut chart = ChartBuilder::on(plot)
        .margin_top(10)
        .margin_left(20)
        .margin_right(30)
        .margin_bottom(10)
        .x_label_area_size(60)
        .y_label_area_size(axes.y_label_area)
        .build_cartesian_2d(axes.x, axes.y)?;
    chart
        .configure_mesh()
        .max_light_lines(1)
        .light_line_style(GRID_LIGHT)
        .bold_line_style(GRID_BOLD)
        .axis_style(INK)
        .x_labels(12)
        .y_labels(10)
        .x_label_formatter(&|v| axis_number(*v))
        .y_label_formatter(axes.y_tick)
        .x_label_style(tick_font())
        .y_label_style(tick_font())
        .x_desc(axes.x_desc)
        .y_desc(axes.y_desc)
        .axis_desc_style(axis_desc_font())
        .draw()?;
    Ok(chart)
}

/// Registers the embedded font with plotters, once per process (before text is measured).
pub fn register_fonts() -> Result<(), SimError> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let ok = *REGISTERED.get_or_init(|| {
        let normal = register_font(FONT, FontStyle::Normal, dejavu::sans::regular()).is_ok();
        let bold = register_font(FONT, FontStyle::Bold, dejavu::sans::bold()).is_ok();
        normal && bold
    });
    if ok {
        Ok(())
    } else {
        Err(SimError::Report(
            "the embedded DejaVu Sans font could not be loaded".into(),
        ))
    }
}

/// Renders a [`SIZE`] PNG at `path` with `draw`, on a white background.
///
/// # Errors
/// [`SimError::Report`] naming the file when drawing or encoding fails.
pub fn render(
    path: &Path,
    draw: impl FnOnce(&Area<BitMapBackend>) -> DrawResult,
) -> Result<(), SimError> {
    render_sized(path, SIZE, draw)
}

/// [`render`] with a height of `size.1` (the width stays [`SIZE`]'s: the layout depends on
/// it), for a chart that grows with the number of deployments.
///
/// # Errors
/// As [`render`].
pub fn render_sized(
    path: &Path,
    size: (u32, u32),
    draw: impl FnOnce(&Area<BitMapBackend>) -> DrawResult,
) -> Result<(), SimError> {
    register_fonts()?;
    let fail = |e: &dyn std::fmt::Display| {
        SimError::Report(format!("drawing chart {}: {e}", path.display()))
    };
    let root = BitMapBackend::new(path, (SIZE.0, size.1)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| fail(&e))?;
    draw(&root).map_err(|e| fail(&e))?;
    root.present().map_err(|e| fail(&e))
}

/// Draws a chart of `size` (the width is [`SIZE`]'s) as an SVG document, for the HTML report:
/// the same drawing code as the PNGs, on plotters' SVG backend (text as `<text>` in
/// [`FONT`], which the browser renders with its own sans-serif face).
///
/// # Errors
/// [`SimError::Report`] when drawing fails.
pub fn render_svg(
    size: (u32, u32),
    draw: impl FnOnce(&Area<SVGBackend>) -> DrawResult,
) -> Result<String, SimError> {
    register_fonts()?;
    let fail = |e: &dyn std::fmt::Display| SimError::Report(format!("drawing an SVG chart: {e}"));
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (SIZE.0, size.1)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| fail(&e))?;
        draw(&root).map_err(|e| fail(&e))?;
        root.present().map_err(|e| fail(&e))?;
    }
    Ok(out)
}

/// Draws `title` centred in a band at the top of `root` and returns the plot area (left)
/// and the legend panel (right) below it.
pub fn layout<DB: DrawingBackend>(
    root: &Area<DB>,
    title: &str,
) -> Result<(Area<DB>, Area<DB>), Box<dyn Error + Send + Sync>>
where
    DB::ErrorType: 'static,
{
    let (band, body) = root.split_vertically(TITLE_H);
    let style = (FONT, TITLE_SIZE, FontStyle::Bold)
        .into_font()
        .color(&INK)
        .pos(Pos::new(HPos::Center, VPos::Center));
    band.draw_text(
        title,
        &style,
        ((SIZE.0 / 2) as i32, (TITLE_H / 2) as i32 + 4),
    )?;
    let (plot, legend) = body.split_horizontally(SIZE.0 - LEGEND_W);
    Ok((plot, legend))
}

/// How an entry of the legend is marked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mark {
    /// A filled box (bars).
    Box,
    /// A solid line.
    Line,
    /// A dashed line.
    Dashed,
    /// A line with a dash pattern (dash, gap in pixels), solid for `None`.
    Pattern(Option<(u32, u32)>),
    /// A filled circle (points).
    Dot,
    /// A cross (an event on a curve, e.g. where a deployment stops serving the workload).
    Cross,
    /// No sample: the label is a muted note under the entry above (`= other`).
    Note,
}

/// One legend entry.
pub struct Entry {
    pub label: String,
    pub color: RGBColor,
    pub mark: Mark,
}

/// Draws the legend panel: an optional heading then one row per entry. Rows are 28 pixels,
/// tighter (down to 16) when many entries would run off the bottom; entries that still do
/// not fit are summed up in a last `… and N more` row. A label wider than
/// [`LEGEND_TEXT_W`] pixels (as the font measures it) goes on two rows, broken after a
/// space, `-`, `/` or `:`, and is cut with an ellipsis only past that
/// ([`legend_text::wrap_label`]), so it never runs off the image; a label built with
/// [`legend_text::with_value`] always fits one row, so its value is never cut.
pub fn legend<DB: DrawingBackend>(panel: &Area<DB>, heading: &str, entries: &[Entry]) -> DrawResult
where
    DB::ErrorType: 'static,
{
    const X: i32 = LEGEND_TEXT_X - 38;
    const TOP: i32 = 40;
    let room = panel.dim_in_pixel().1 as i32 - TOP - 20;
    let head_rows = i32::from(!heading.is_empty());
    let full_size = FontDesc::new(
        FontFamily::Name(FONT),
        f64::from(LABEL_SIZE),
        FontStyle::Normal,
    );
    let lines: Vec<Vec<String>> = entries
        .iter()
        .map(|e| legend_text::wrap_label(&e.label, &full_size))
        .collect();
    let total_rows: usize = lines.iter().map(Vec::len).sum();
    let wanted = total_rows as i32 + head_rows;
    let row = (room / wanted.max(1)).clamp(16, 28);
    let fit = (room / row - head_rows).max(1) as usize;
    let shown = if total_rows > fit {
        // Keep a row for the `… and N more` line.
        let mut used = 0;
        lines
            .iter()
            .take_while(|l| {
                used += l.len();
                used < fit
            })
            .count()
    } else {
        entries.len()
    };
    let hidden = entries.len() - shown;
    let shown = &entries[..shown];
    let size = LABEL_SIZE.min(row as u32 - 2);
    let half = (row / 2 - 3).clamp(5, 8);
    let text = (FONT, size)
        .into_font()
        .color(&INK)
        .pos(Pos::new(HPos::Left, VPos::Center));
    let bold = (FONT, size, FontStyle::Bold)
        .into_font()
        .color(&INK)
        .pos(Pos::new(HPos::Left, VPos::Center));
    let mut y = TOP;
    if !heading.is_empty() {
        panel.draw_text(heading, &bold, (X, y))?;
        y += row + 4;
    }
    for (e, lines) in shown.iter().zip(&lines) {
        match e.mark {
            Mark::Box => {
                panel.draw(&Rectangle::new(
                    [(X, y - half), (X + 28, y + half)],
                    e.color.filled(),
                ))?;
            }
            Mark::Line => {
                panel.draw(&PathElement::new(
                    vec![(X, y), (X + 28, y)],
                    e.color.stroke_width(3),
                ))?;
            }
            Mark::Dashed => {
                for x in [X, X + 11, X + 22] {
                    panel.draw(&PathElement::new(
                        vec![(x, y), (x + 6, y)],
                        e.color.stroke_width(3),
                    ))?;
                }
            }
            Mark::Pattern(None) => {
                panel.draw(&PathElement::new(
                    vec![(X, y), (X + 32, y)],
                    e.color.stroke_width(3),
                ))?;
            }
            Mark::Pattern(Some((dash, gap))) => {
                panel.draw(&DashedPathElement::new(
                    vec![(X, y), (X + 32, y)],
                    dash,
                    gap,
                    e.color.stroke_width(3),
                ))?;
            }
            Mark::Dot => {
                panel.draw(&Circle::new((X + 14, y), half.min(7), e.color.filled()))?;
            }
            Mark::Cross => {
                panel.draw(&Cross::new(
                    (X + 14, y),
                    half.min(7),
                    e.color.stroke_width(3),
                ))?;
            }
            Mark::Note => {}
        }
        let style = match e.mark {
            Mark::Note => text.clone().color(&MUTED),
            _ => text.clone(),
        };
        for line in lines {
            panel.draw_text(line, &style, (X + 38, y))?;
            y += row;
        }
    }
    if hidden > 0 {
        panel.draw_text(&format!("… and {hidden} more"), &text, (X + 38, y))?;
    }
    Ok(())
}

/// `label`, cut to `LEGEND_CHARS` characters with an ellipsis if longer.
pub fn shorten(label: &str) -> String {
    if label.chars().count() <= LEGEND_CHARS {
        label.to_string()
    } else {
        let head: String = label.chars().take(LEGEND_CHARS - 1).collect();
        format!("{head}…")
    }
}

/// Tick label text style.
pub fn tick_font() -> TextStyle<'static> {
    (FONT, TICK_SIZE).into_font().color(&INK)
}

/// Axis description text style.
pub fn axis_desc_font() -> TextStyle<'static> {
    (FONT, AXIS_DESC_SIZE).into_font().color(&INK)
}

/// Annotation text style (bar totals, reference-line names).
pub fn label_font() -> TextStyle<'static> {
    (FONT, LABEL_SIZE).into_font().color(&INK)
}

/// A number for an axis tick: at most 6 decimals, trailing zeros dropped.
pub fn axis_number(v: f64) -> String {
    let s = format!("{:.6}", v + 0.0);
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        &s
    };
    if s == "-0" { "0".into() } else { s.into() }
}

/// A dollar amount for an axis tick.
pub fn usd_tick(v: f64) -> String {
    format!("${}", axis_number(v))
}

/// The top of a value axis holding values up to `max`: `max` plus `headroom` (a fraction),
/// or 1 when there is nothing to show.
pub fn top(max: f64, headroom: f64) -> f64 {
    if max.is_finite() && max > 0.0 {
        max * (1.0 + headroom)
    } else {
        1.0
    }
}

/// The unit of a time axis: minutes for windows up to two hours, hours up to two weeks, days
/// beyond.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TimeUnit {
    /// µs per unit.
    pub micros: Micros,
    /// The unit's name in the axis description.
    pub name: &'static str,
}

impl TimeUnit {
    /// The unit for a window of `window` µs.
    pub fn for_window(window: Micros) -> Self {
        if window <= 2 * HOUR {
            Self {
                micros: MINUTE,
                name: "minutes",
            }
        } else if window <= 14 * DAY {
            Self {
                micros: HOUR,
                name: "hours",
            }
        } else {
            Self {
                micros: DAY,
                name: "days",
            }
        }
    }

    /// `t` in this unit.
    pub fn of(&self, t: Micros) -> f64 {
        t as f64 / self.micros as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axis_numbers_are_short() {
        assert_eq!(axis_number(0.1 + 0.2), "0.3");
        assert_eq!(axis_number(1500.0), "1500");
        assert_eq!(axis_number(-0.0), "0");
        assert_eq!(axis_number(2.5), "2.5");
        assert_eq!(usd_tick(40.0), "$40");
    }

    #[test]
    fn time_units_follow_the_window() {
        assert_eq!(TimeUnit::for_window(10 * MINUTE).name, "minutes");
        assert_eq!(TimeUnit::for_window(6 * HOUR).of(3 * HOUR), 3.0);
        assert_eq!(TimeUnit::for_window(30 * DAY).name, "days");
    }

    #[test]
    fn long_labels_are_shortened() {
        assert_eq!(shorten("short"), "short");
        let long = "a-deployment-with-a-very-long-name";
        let s = shorten(long);
        assert_eq!(s.chars().count(), LEGEND_CHARS);
        assert!(s.ends_with('…'));
    }

    #[test]
    fn top_leaves_room_and_never_collapses() {
        assert!((top(100.0, 0.1) - 110.0).abs() < 1e-9);
        assert_eq!(top(0.0, 0.1), 1.0);
        assert_eq!(top(f64::NAN, 0.1), 1.0);
    }
}
