//! `keepalive.png`: the keep-alive trade-off of the FaaS deployments, one point per
//! deployment: the 75th percentile of the per-app cold-start percentage (y, see
//! [`crate::metrics::apps`]) against the wasted memory time (x), the memory held by
//! instances that were kept warm but served nothing, in GB × time (idle GB-s from the
//! recorder, shown in GB-hours when the largest value reaches 100,000 GB-s).
//!
//! This is the trade-off figure of Shahrad et al., "Serverless in the Wild", USENIX ATC 2020
//! (third-quartile app cold-start percentage against wasted memory time, one point per
//! keep-alive policy), with one difference: the paper normalises wasted memory time to its
//! 10-minute fixed keep-alive; here the x axis is absolute, so that a chart does not depend on which
//! deployment comes first and deployments of different sizes stay comparable. Lower left is
//! better: fewer cold starts for less idle memory.
//!
//! Each point is a filled circle in the deployment's colour (its position in `points`), named
//! beside it (names that would overlap are moved a line down or up) and in the legend. Both axes start at 0 and end 15% above the largest value
//! (0 to 1 when every value is 0), so one point or coinciding points still get a readable
//! chart. Markers and names are drawn unclipped, so a point on an axis (no idle memory, no cold
//! start) stays whole.

use std::path::Path;

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::markers::{Label, RADIUS, RING, place, rings};
use super::style::{self, Axes, DrawResult, Entry, Mark};
use crate::error::SimError;

/// The file name of the chart.
pub const FILE_NAME: &str = "keepalive.png";

/// Writes `keepalive.png`: one point per FaaS deployment of the run (scenario order); a
/// deployment that ran no call is left out.
pub struct KeepAliveChart;

impl crate::report::Exporter for KeepAliveChart {
    fn file_name(&self) -> &'static str {
        FILE_NAME
    }

    fn write(&self, run: &crate::run::RunResult, path: &Path) -> Result<(), SimError> {
        draw(path, &points_of(run))
    }

    fn svg(&self, run: &crate::run::RunResult) -> Option<Result<String, SimError>> {
        let points = points_of(run);
        let checked = points.iter().try_for_each(|p| {
            check(p).map_err(|what| {
                SimError::Report(format!(
                    "{FILE_NAME}: deployment {:?}: {what}",
                    p.deployment
                ))
            })
        });
        Some(checked.and_then(|()| style::render_svg(style::SIZE, |root| plot(root, &points))))
    }
}

/// The chart's points: the FaaS deployments that ran a call, in scenario order.
fn points_of(run: &crate::run::RunResult) -> Vec<KeepAlivePoint> {
    run.deployments
        .iter()
        .enumerate()
        .filter(|(_, d)| d.model == "faas")
        .filter_map(|(index, d)| {
            let apps = d.recorder.apps.cold_start_percent_quantiles()?;
            Some(KeepAlivePoint {
                index,
                deployment: d.name.clone(),
                p75_app_cold_pct: apps.p75_pct,
                wasted_gb_s: d.recorder.idle_gb_seconds,
            })
        })
        .collect()
}

/// Values from which the x axis is in GB-hours rather than GB-seconds.
const GB_HOUR_FROM: f64 = 100_000.0;

/// One FaaS deployment on the chart.
#[derive(Clone, Debug, PartialEq)]
pub struct KeepAlivePoint {
    /// The deployment's index in the scenario (its colour).
    pub index: usize,
    /// The deployment's name.
    pub deployment: String,
    /// 75th percentile of the per-app cold-start percentage, 0 to 100.
    pub p75_app_cold_pct: f64,
    /// Wasted memory time: idle instance memory × idle time, in GB-s.
    pub wasted_gb_s: f64,
}

/// Draws `keepalive.png` at `path` with one point per entry of `points` (none: an empty chart
/// saying so).
///
/// # Errors
/// [`SimError::Report`] naming the deployment when a value is negative or not finite, or a
/// percentage is above 100 (nothing is written then), and naming the file when it cannot be
/// drawn or saved.
pub fn draw(path: &Path, points: &[KeepAlivePoint]) -> Result<(), SimError> {
    for p in points {
        check(p).map_err(|what| {
            SimError::Report(format!(
                "chart {}: deployment {:?}: {what}",
                path.display(),
                p.deployment
            ))
        })?;
    }
    style::render(path, |root| plot(root, points))
}

/// Why `p` cannot be drawn, if it cannot.
fn check(p: &KeepAlivePoint) -> Result<(), String> {
    let pct = p.p75_app_cold_pct;
    if !(pct.is_finite() && (0.0..=100.0).contains(&pct)) {
        return Err(format!(
            "75th-percentile app cold-start % is {pct}, expected 0 to 100"
        ));
    }
    let w = p.wasted_gb_s;
    if !(w.is_finite() && w >= 0.0) {
        return Err(format!(
            "wasted memory time is {w} GB-s, expected a finite value ≥ 0"
        ));
    }
    Ok(())
}

fn plot<DB: DrawingBackend>(root: &style::Area<DB>, points: &[KeepAlivePoint]) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let title = "Keep-alive trade-off: app cold starts against wasted memory";
    let (area, panel) = style::layout(root, title)?;
    let max_wasted = points.iter().map(|p| p.wasted_gb_s).fold(0.0, f64::max);
    let (scale, unit) = if max_wasted >= GB_HOUR_FROM {
        (3600.0, "GB-h")
    } else {
        (1.0, "GB-s")
    };
    let max_pct = points
        .iter()
        .map(|p| p.p75_app_cold_pct)
        .fold(0.0, f64::max);
    let percent = |v: &f64| format!("{}%", style::axis_number(*v));
    let chart = style::xy_chart(
        &area,
        Axes {
            x: 0.0..style::top(max_wasted / scale, 0.15),
            y: 0.0..style::top(max_pct, 0.15),
            x_desc: format!("wasted memory time (idle {unit}, lower is better)"),
            y_desc: "75th-percentile app cold starts (% of invocations)",
            y_label_area: 80,
            y_tick: &percent,
        },
    )?;

    if points.is_empty() {
        let (w, h) = area.dim_in_pixel();
        let note = style::label_font()
            .color(&style::MUTED)
            .pos(Pos::new(HPos::Center, VPos::Center));
        area.draw_text("no FaaS deployment", &note, (w as i32 / 2, h as i32 / 2))?;
    }
    let right_edge = chart.plotting_area().get_pixel_range().0.end;
    let centres: Vec<(i32, i32)> = points
        .iter()
        .map(|p| chart.backend_coord(&(p.wasted_gb_s / scale, p.p75_app_cold_pct)))
        .collect();
    for ((p, &centre), rings) in points.iter().zip(&centres).zip(rings(&centres)) {
        let color = style::color(p.index);
        if rings == 0 {
            root.draw(&Circle::new(centre, RADIUS, color.filled()))?;
        } else {
            let r = RADIUS + RING * rings;
            root.draw(&Circle::new(centre, r, WHITE.filled()))?;
            root.draw(&Circle::new(centre, r, color.stroke_width(3)))?;
        }
    }
    // Names after every marker, so no marker hides a name.
    let font = style::label_font().pos(Pos::new(HPos::Left, VPos::Center));
    let mut placed: Vec<Label> = Vec::with_capacity(points.len());
    for (p, &(x, y)) in points.iter().zip(&centres) {
        let name = style::shorten(&p.deployment);
        let (w, _) = root.estimate_text_size(&name, &font)?;
        let label = place(x, y, w as i32, right_edge, &placed);
        root.draw_text(&name, &font, (label.left, label.middle))?;
        placed.push(label);
    }

    let entries: Vec<Entry> = points
        .iter()
        .map(|p| Entry {
            label: p.deployment.clone(),
            color: style::color(p.index),
            mark: Mark::Box,
        })
        .collect();
    style::legend(&panel, "FaaS deployment", &entries)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testutil::png_size;

    /// The plot is left of this column; the legend panel (whose boxes share the points'
    /// colours) is right of it.
    const PLOT_RIGHT: u32 = 930;

    /// A point of the deployment at scenario index 0 ([`draw_indexed`] numbers them).
    fn point(name: &str, p75: f64, wasted: f64) -> KeepAlivePoint {
        KeepAlivePoint {
            index: 0,
            deployment: name.into(),
            p75_app_cold_pct: p75,
            wasted_gb_s: wasted,
        }
    }

    /// [`draw`] with the points numbered 0, 1, 2... in the scenario.
    fn draw_indexed(path: &Path, points: &[KeepAlivePoint]) -> Result<(), SimError> {
        let mut numbered = points.to_vec();
        for (i, p) in numbered.iter_mut().enumerate() {
            p.index = i;
        }
        draw(path, &numbered)
    }

    #[test]
    fn a_point_keeps_its_scenario_colour_and_coinciding_points_both_show() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE_NAME);
        // Deployments 3 and 5 of a scenario (the others are fleets), at the same place.
        let mut a = point("third", 40.0, 300.0);
        let mut b = point("fifth", 40.0, 300.0);
        (a.index, b.index) = (3, 5);
        draw(&path, &[a, b]).unwrap();
        let image = pixels(&path);
        let (under, over) = (blob(&image, style::color(3)), blob(&image, style::color(5)));
        // The later one is a whole filled marker; the earlier a ring around it (radius 11,
        // 3 pixels wide: about 2 pi 10 x 3 = 190 pixels, some hidden under the names).
        assert!(over.2 >= 120, "{over:?}");
        assert!(under.2 >= 100, "{under:?}");
        assert!((under.0 - over.0).abs() < 4.0, "{under:?} {over:?}");
    }

    /// Width, and RGB pixels row by row, of the PNG at `path`.
    fn pixels(path: &Path) -> (u32, Vec<[u8; 3]>) {
        let file = std::fs::File::open(path).unwrap();
        let mut reader = png::Decoder::new(file).read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size()];
        let info = reader.next_frame(&mut buf).unwrap();
        assert_eq!(info.color_type, png::ColorType::Rgb, "chart is RGB");
        let rgb = buf[..info.buffer_size()]
            .chunks_exact(3)
            .map(|c| [c[0], c[1], c[2]])
            .collect();
        (info.width, rgb)
    }

    /// Centre (mean x, mean y) and count of the plot-area pixels exactly of `color`.
    fn blob(image: &(u32, Vec<[u8; 3]>), color: RGBColor) -> (f64, f64, usize) {
        let (width, px) = image;
        let want = [color.0, color.1, color.2];
        let (mut sx, mut sy, mut n) = (0.0, 0.0, 0usize);
        for (i, p) in px.iter().enumerate() {
            let (x, y) = (i as u32 % width, i as u32 / width);
            if x < PLOT_RIGHT && *p == want {
                sx += x as f64;
                sy += y as f64;
                n += 1;
            }
        }
        assert!(n > 0, "no pixel of {color:?} in the plot");
        (sx / n as f64, sy / n as f64, n)
    }

    /// Dark (text) pixels in the `w` × `h` box whose left-centre is (x, y).
    fn dark_pixels_in(image: &(u32, Vec<[u8; 3]>), x: f64, y: f64, w: u32, h: u32) -> usize {
        let (width, px) = image;
        let (x0, y0) = (x as u32, (y as u32).saturating_sub(h / 2));
        (y0..y0 + h)
            .flat_map(|yy| (x0..x0 + w).map(move |xx| (xx, yy)))
            .filter(|&(xx, yy)| px[(yy * width + xx) as usize].iter().all(|&c| c < 110))
            .count()
    }

    #[test]
    fn points_sit_at_their_values_relative_to_each_other() {
        // CHART_EDGE_DIR keeps the image, to look at it.
        let tmp = tempfile::tempdir().unwrap();
        let dir = std::env::var_os("CHART_EDGE_DIR")
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|| tmp.path().to_path_buf());
        let path = dir.join(FILE_NAME);
        // a: long keep-alive (much idle memory, few cold starts); b: short keep-alive
        // (cheaper, colder); c: between.
        let points = [
            point("a-fixed-60m", 10.0, 1000.0),
            point("b-none", 60.0, 100.0),
            point("c-fixed-10m", 30.0, 400.0),
        ];
        draw_indexed(&path, &points).unwrap();
        assert_eq!(png_size(&path), style::SIZE);
        let image = pixels(&path);
        let [a, b, c] = [0, 1, 2].map(|i| blob(&image, style::color(i)));
        // The cheaper-but-colder point is left of and above the other.
        assert!(b.0 < a.0 && b.1 < a.1, "a {a:?}, b {b:?}");
        // Axes are linear: positions keep the ratios of the values, whatever the scale.
        // x: (100 - 400) / (1000 - 400) = -0.5; y: (60 - 30) / (10 - 30) = -1.5.
        let rx = (b.0 - c.0) / (a.0 - c.0);
        let ry = (b.1 - c.1) / (a.1 - c.1);
        assert!((rx + 0.5).abs() < 0.02, "x ratio {rx}");
        assert!((ry + 1.5).abs() < 0.05, "y ratio {ry}");
        // Whole markers: a filled circle of radius 7 covers about π 7² ≈ 154 pixels.
        for m in [a, b, c] {
            assert!((120..=200).contains(&m.2), "marker of {} pixels", m.2);
        }
        // Each name is written beside its point.
        for m in [a, b, c] {
            let ink = dark_pixels_in(&image, m.0 + 12.0, m.1, 60, 16);
            assert!(ink > 20, "no label right of {m:?}: {ink}");
        }
    }

    #[test]
    fn one_point_or_coinciding_points_are_inside_a_readable_range() {
        let dir = tempfile::tempdir().unwrap();
        let cases: [&[KeepAlivePoint]; 3] = [
            &[point("only", 20.0, 50.0)],
            &[point("x", 5.0, 7.0), point("y", 5.0, 7.0)],
            &[point("idle-free", 0.0, 0.0)],
        ];
        for (k, points) in cases.iter().enumerate() {
            let path = dir.path().join(format!("{k}-{FILE_NAME}"));
            draw_indexed(&path, points).unwrap();
            let image = pixels(&path);
            let last = blob(&image, style::color(points.len() - 1));
            // Whole marker, inside the image's plot part, not against its edges.
            assert!(last.2 >= 120, "case {k}: marker of {} pixels", last.2);
            assert!(
                last.0 > 50.0 && last.0 < PLOT_RIGHT as f64 - 50.0,
                "{k}: {last:?}"
            );
            assert!(
                last.1 > 60.0 && last.1 < style::SIZE.1 as f64 - 30.0,
                "{k}: {last:?}"
            );
        }
    }

    #[test]
    fn both_names_of_coinciding_points_are_readable() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE_NAME);
        draw_indexed(
            &path,
            &[point("same-1", 40.0, 300.0), point("same-2", 40.0, 300.0)],
        )
        .unwrap();
        let image = pixels(&path);
        let m = blob(&image, style::color(1));
        let line = crate::report::charts::markers::LINE as f64;
        assert!(dark_pixels_in(&image, m.0 + 12.0, m.1, 50, 14) > 20);
        assert!(dark_pixels_in(&image, m.0 + 12.0, m.1 + line, 50, 14) > 20);
    }

    #[test]
    fn a_point_at_the_maximum_is_below_the_top_and_left_of_the_right_end() {
        // With the range ending 15% above the largest value, the largest point sits at
        // 1 / 1.15 of each axis: it leaves room for its marker.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE_NAME);
        draw_indexed(&path, &[point("lo", 0.0, 0.0), point("hi", 100.0, 3600.0)]).unwrap();
        let image = pixels(&path);
        let (lo, hi) = (blob(&image, style::color(0)), blob(&image, style::color(1)));
        let top_gap = hi.1 - 56.0; // below the title band
        assert!(top_gap > 20.0, "{hi:?}");
        assert!(lo.0 < hi.0 && lo.1 > hi.1);
    }

    #[test]
    fn large_waste_is_shown_in_gb_hours_with_the_same_geometry() {
        // Positions only depend on the ratios, so switching the unit moves nothing.
        let dir = tempfile::tempdir().unwrap();
        let small = dir.path().join("small.png");
        let large = dir.path().join("large.png");
        draw_indexed(&small, &[point("a", 50.0, 10.0), point("b", 10.0, 90.0)]).unwrap();
        draw_indexed(&large, &[point("a", 50.0, 1e5), point("b", 10.0, 9e5)]).unwrap();
        let (s, l) = (pixels(&small), pixels(&large));
        for i in 0..2 {
            let (ps, pl) = (blob(&s, style::color(i)), blob(&l, style::color(i)));
            assert!((ps.0 - pl.0).abs() < 1.0 && (ps.1 - pl.1).abs() < 1.0);
        }
    }

    /// Pixels of the mid-grey note colour in the middle of the plot.
    fn note_pixels(image: &(u32, Vec<[u8; 3]>)) -> usize {
        let (width, px) = image;
        let m = [style::MUTED.0, style::MUTED.1, style::MUTED.2];
        (300..520u32)
            .flat_map(|x| (340..420u32).map(move |y| (x, y)))
            .filter(|&(x, y)| px[(y * width + x) as usize] == m)
            .count()
    }

    #[test]
    fn no_deployment_draws_axes_and_says_so() {
        let dir = tempfile::tempdir().unwrap();
        let (empty, one) = (dir.path().join("empty.png"), dir.path().join("one.png"));
        draw_indexed(&empty, &[]).unwrap();
        draw_indexed(&one, &[point("a", 90.0, 90.0)]).unwrap();
        let (empty, one) = (pixels(&empty), pixels(&one));
        assert!(note_pixels(&empty) > 30, "{}", note_pixels(&empty));
        assert_eq!(note_pixels(&one), 0);
        // Axes and ticks are drawn: dark pixels along the bottom of the plot.
        let ink = empty
            .1
            .iter()
            .filter(|p| p.iter().all(|&c| c < 110))
            .count();
        assert!(ink > 2000, "{ink}");
    }

    #[test]
    fn bad_values_are_errors_naming_the_deployment_and_write_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE_NAME);
        for bad in [
            point("nan-pct", f64::NAN, 1.0),
            point("over-100", 100.5, 1.0),
            point("negative-waste", 5.0, -1.0),
            point("infinite-waste", 5.0, f64::INFINITY),
        ] {
            let name = bad.deployment.clone();
            match draw_indexed(&path, &[point("ok", 1.0, 1.0), bad]) {
                Err(SimError::Report(msg)) => {
                    assert!(msg.contains(&name) && msg.contains(FILE_NAME), "{msg}")
                }
                other => panic!("{name}: expected a report error, got {other:?}"),
            }
            assert!(!path.exists(), "{name}: a chart was written");
        }
    }

    #[test]
    fn an_unwritable_path_is_a_report_error_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("missing-folder").join(FILE_NAME);
        match draw_indexed(&path, &[point("a", 1.0, 1.0)]) {
            Err(SimError::Report(msg)) => assert!(msg.contains("missing-folder"), "{msg}"),
            other => panic!("expected a report error, got {other:?}"),
        }
    }

    #[test]
    fn the_chart_is_byte_identical_across_runs() {
        let dir = tempfile::tempdir().unwrap();
        let points = [point("a", 12.5, 300.0), point("b", 80.0, 20.0)];
        let (a, b) = (dir.path().join("a.png"), dir.path().join("b.png"));
        draw_indexed(&a, &points).unwrap();
        draw_indexed(&b, &points).unwrap();
        assert!(std::fs::read(&a).unwrap() == std::fs::read(&b).unwrap());
    }
}
