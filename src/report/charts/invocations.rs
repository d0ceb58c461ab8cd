//! The PNG of `trace inspect`: invocations per minute over a trace's span, drawn with the
//! same style (embedded font, title band, grid, colours) as the run reports' charts.

use std::path::Path;

use plotters::prelude::*;

use super::style::{self, Area, DrawResult, Entry, Mark};
use crate::error::SimError;
use crate::workload::trace::inspect::{Profile, group};

/// Writes the invocations-per-minute chart of `profile` to `path`.
///
/// # Errors
/// [`SimError::Report`] naming the file when drawing or encoding fails.
pub fn write_png(profile: &Profile, path: &Path) -> Result<(), SimError> {
    style::render(path, |root| draw(profile, root))
}

fn draw(profile: &Profile, root: &Area) -> DrawResult {
    let title = format!(
        "Invocations per minute ({} functions, {} invocations)",
        profile.functions.len(),
        group(profile.invocations)
    );
    let (plot, panel) = style::layout(root, &title)?;
    let hours = (profile.per_minute.len() as f64 / 60.0).max(1.0 / 60.0);
    let peak = profile.per_minute.iter().copied().max().unwrap_or(0) as f64;
    let mut chart = ChartBuilder::on(&plot)
        .margin_top(10)
        .margin_left(20)
        .margin_right(40)
        .margin_bottom(10)
        .x_label_area_size(60)
        .y_label_area_size(90)
        .build_cartesian_2d(0.0..hours, 0.0..style::top(peak.max(1.0), 0.05))?;
    chart
        .configure_mesh()
        .max_light_lines(1)
        .light_line_style(style::GRID_LIGHT)
        .bold_line_style(style::GRID_BOLD)
        .axis_style(style::INK)
        .x_label_formatter(&|v| style::axis_number(*v))
        .y_label_formatter(&|v| style::axis_number(*v))
        .x_label_style(style::tick_font())
        .y_label_style(style::tick_font())
        .x_desc("hours since the start of the trace")
        .y_desc("invocations per minute")
        .axis_desc_style(style::axis_desc_font())
        .draw()?;
    let color = style::color(0);
    let points = profile
        .per_minute
        .iter()
        .enumerate()
        .map(|(m, &n)| (m as f64 / 60.0, n as f64));
    chart.draw_series(AreaSeries::new(points, 0.0, color.mix(0.25)).border_style(color))?;
    let entry = Entry {
        label: format!("peak {}/min", group(peak as u64)),
        color,
        mark: Mark::Box,
    };
    style::legend(&panel, "all functions", &[entry])
}
