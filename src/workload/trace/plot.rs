//! The PNG of `trace inspect`: invocations per minute over the trace's span.
//!
//! Text is drawn with DejaVu Sans, embedded through the `dejavu` crate and registered with
//! plotters' `ab_glyph` backend, so charts look the same on machines without system fonts.

use std::path::Path;
use std::sync::Once;

use plotters::prelude::*;
use plotters::style::FontStyle;

use super::inspect::Profile;
use crate::error::SimError;

static FONT: Once = Once::new();

fn register_font() {
    FONT.call_once(|| {
        // The font is a valid TrueType file shipped by the crate; a failure would only
        // degrade labels, and plotters reports it when drawing text.
        let _ = plotters::style::register_font(
            "sans-serif",
            FontStyle::Normal,
            dejavu::sans::regular(),
        );
    });
}

/// Writes the invocations-per-minute chart of `profile` to `path` (PNG).
///
/// # Errors
/// The file cannot be written or the chart cannot be drawn.
pub fn write_png(profile: &Profile, path: &Path) -> Result<(), SimError> {
    register_font();
    draw(profile, path).map_err(|e| SimError::Report(format!("writing {}: {e}", path.display())))
}

fn draw(profile: &Profile, path: &Path) -> Result<(), Box<dyn std::error::Error>> {
    let root = BitMapBackend::new(path, (1200, 520)).into_drawing_area();
    root.fill(&WHITE)?;
    let hours = (profile.per_minute.len() as f64 / 60.0).max(1.0 / 60.0);
    let peak = profile.per_minute.iter().copied().max().unwrap_or(0).max(1) as f64;
    let title = format!(
        "Invocations per minute ({} functions, {} invocations)",
        profile.functions.len(),
        super::inspect::group(profile.invocations)
    );
    let mut chart = ChartBuilder::on(&root)
        .caption(title, ("sans-serif", 22))
        .margin(16)
        .x_label_area_size(44)
        .y_label_area_size(80)
        .build_cartesian_2d(0f64..hours, 0f64..peak * 1.05)?;
    chart
        .configure_mesh()
        .x_desc("hours since the start of the trace")
        .y_desc("invocations per minute")
        .label_style(("sans-serif", 14))
        .y_label_formatter(&|v| format!("{v:.0}"))
        .draw()?;
    let blue = RGBColor(31, 119, 180);
    let points = profile
        .per_minute
        .iter()
        .enumerate()
        .map(|(m, &n)| (m as f64 / 60.0, n as f64));
    chart.draw_series(AreaSeries::new(points, 0.0, blue.mix(0.25)).border_style(blue))?;
    root.present()?;
    Ok(())
}
