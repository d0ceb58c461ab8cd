//! The PNG of `trace inspect`: invocations per minute over a trace's span, drawn with the
//! same style (embedded font, title band, grid, colours) as the run reports' charts.

use std::path::Path;

use plotters::prelude::*;

use super::style::{self, Area, Axes, DrawResult, Entry, Mark};
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
    let mut chart = style::xy_chart(
        &plot,
        Axes {
            x: 0.0..hours,
            y: 0.0..style::top(peak.max(1.0), 0.05),
            x_desc: "hours since the start of the trace".into(),
            y_desc: "invocations per minute",
            y_label_area: 90,
            y_tick: &|v| style::axis_number(*v),
        },
    )?;
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
