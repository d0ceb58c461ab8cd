//! The PNG of `trace inspect`: invocations per minute over a trace's span, drawn with the
//! same style (embedded font, title band, grid, colours) as the run reports' charts. The
//! busiest minute (the first, on a tie) is marked on the curve: a ring and a label giving the
//! count and the time since the trace's start (`peak 1,234/min at 13:05`), written on the
//! side of the marker with more room.

use std::path::Path;

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

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

fn draw<DB: DrawingBackend>(profile: &Profile, root: &Area<DB>) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let title = format!(
        "Invocations per minute ({} functions, {} invocations)",
        profile.functions.len(),
        group(profile.invocations)
    );
    let (plot, panel) = style::layout(root, &title)?;
    let hours = (profile.per_minute.len() as f64 / 60.0).max(1.0 / 60.0);
    let (peak_minute, peak) = peak_of(&profile.per_minute);
    let peak = peak as f64;
    let mut chart = style::xy_chart(
        &plot,
        Axes {
            x: 0.0..hours,
            y: 0.0..style::top(peak.max(1.0), 0.12),
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
    if peak > 0.0 {
        let at = (peak_minute as f64 / 60.0, peak);
        let (x, y) = chart.backend_coord(&at);
        root.draw(&Circle::new((x, y), 6, PEAK.stroke_width(2)))?;
        let (plot_x, _) = chart.plotting_area().get_pixel_range();
        let left_half = x < (plot_x.start + plot_x.end) / 2;
        let (anchor, dx) = if left_half {
            (HPos::Left, 12)
        } else {
            (HPos::Right, -12)
        };
        let font = style::label_font().pos(Pos::new(anchor, VPos::Center));
        let label = format!(
            "peak {}/min at {} (h:mm from the start)",
            group(peak as u64),
            clock(peak_minute)
        );
        root.draw_text(&label, &font, (x + dx, y))?;
    }
    let entry = Entry {
        label: format!("peak {}/min", group(peak as u64)),
        color,
        mark: Mark::Box,
    };
    style::legend(&panel, "all functions", &[entry])
}

/// Colour of the peak marker.
const PEAK: RGBColor = RGBColor(0xC0, 0x1C, 0x28);

/// The first busiest minute and its count; (0, 0) for no minute.
pub fn peak_of(per_minute: &[u64]) -> (usize, u64) {
    per_minute.iter().enumerate().fold(
        (0, 0),
        |best, (m, &n)| if n > best.1 { (m, n) } else { best },
    )
}

/// Minute `m` since the start as `h:mm` (hours past 24 keep counting: `30:05`).
fn clock(m: usize) -> String {
    format!("{}:{:02}", m / 60, m % 60)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::charts::pixels::{Blob, Image, PLOT, Region};
    use crate::workload::trace::Format;

    fn profile(per_minute: Vec<u64>) -> Profile {
        Profile {
            format: Format::Csv,
            files: Vec::new(),
            functions: Vec::new(),
            apps: 0,
            invocations: per_minute.iter().sum(),
            span: per_minute.len() as u64 * crate::engine::time::MINUTE,
            per_minute,
            concurrency: None,
            concurrency_estimated: false,
            triggers: Vec::new(),
            notes: Vec::new(),
        }
    }

    #[test]
    fn the_peak_is_the_first_busiest_minute() {
        assert_eq!(peak_of(&[3, 9, 2, 9]), (1, 9));
        assert_eq!(peak_of(&[]), (0, 0));
        assert_eq!(clock(785), "13:05");
        assert_eq!(clock(1_805), "30:05");
    }

    /// The peak marker of a two-hour profile, flat at 100 a minute with 400 at `minute` (and
    /// again at `also`, a tie), and the image.
    fn marked(dir: &Path, minute: usize, also: Option<usize>) -> (Blob, Image) {
        let mut per_minute = vec![100; 120];
        per_minute[minute] = 400;
        if let Some(m) = also {
            per_minute[m] = 400;
        }
        let path = dir.join(format!("invocations-{minute}.png"));
        write_png(&profile(per_minute), &path).unwrap();
        let image = Image::read(&path);
        (image.blob(PEAK, PLOT).expect("a peak marker"), image)
    }

    /// Dark (text) pixels in the 120-pixel-wide box right (`dx` > 0) or left of `ring`.
    fn text_beside(image: &Image, ring: &Blob, right: bool) -> usize {
        let b = ring.bounds;
        let (x0, x1) = if right {
            (b.x1 + 4, b.x1 + 124)
        } else {
            (b.x0.saturating_sub(124), b.x0.saturating_sub(4))
        };
        image.dark(Region {
            x0,
            y0: b.y0,
            x1,
            y1: b.y1,
        })
    }

    #[test]
    fn the_peak_is_marked_where_it_is() {
        let dir = tempfile::tempdir().unwrap();
        let (at0, _) = marked(dir.path(), 1, None);
        let (at30, image30) = marked(dir.path(), 31, Some(91));
        let (at60, _) = marked(dir.path(), 61, None);
        let (at110, image110) = marked(dir.path(), 110, None);
        // Linear in time: 30 minutes apart, the same distance apart; all at the same height
        // (the first of two equal peaks is the one marked).
        assert!(at0.x < at30.x && at30.x < at60.x && at60.x < at110.x);
        let (d1, d2) = (at30.x - at0.x, at60.x - at30.x);
        assert!((d1 - d2).abs() < 2.0 && d1 > 100.0, "{d1} {d2}");
        assert!((at0.y - at60.y).abs() < 1.0);
        assert!(at30.count > 30, "{at30:?}");
        // The label is written on the side with room: right in the left half, else left.
        assert!(text_beside(&image30, &at30, true) > 40);
        assert_eq!(text_beside(&image30, &at30, false), 0);
        assert!(text_beside(&image110, &at110, false) > 40);
        // No invocation, no marker.
        let flat = dir.path().join("flat.png");
        write_png(&profile(vec![0; 60]), &flat).unwrap();
        assert!(Image::read(&flat).blob(PEAK, PLOT).is_none());
    }
}
