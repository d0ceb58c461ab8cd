//! `quotas.png`: each hard quota of the run's deployments ([`crate::platform::quota`]), its
//! use per quota period against its limit, and the calls it refused. Written only when a
//! deployment of the run has a hard quota ([`has_quotas`]); a run without any has no
//! `quotas.png` (and the HTML report no such figure).
//!
//! One panel per quota, stacked (gateway, compute, then services, deployments in scenario
//! order), on a shared time axis in days from the window's start (warm-up included, as the
//! quotas count from time 0). In each panel:
//!
//! - **units used** per period ([`USED`] bars, left axis): one bar per day for a daily
//!   quota (from one reset to the next, the first from the window's start), per billing
//!   month for a monthly one; for a cap on units held at once (a service's simultaneous
//!   connections), one bar per day of the most held in it (the legend then reads "units
//!   used / peak held");
//! - **the limit** as a dashed horizontal line ([`LIMIT`]) at the quota's units;
//! - **calls refused** (`quota_exceeded`) per period as a red line with dots ([`REFUSED`],
//!   right axis, whose top is well above the most refusals so the series stays clear of the
//!   limit line), drawn only for a quota that refused calls. A refused call is counted on the
//!   first of its quotas found used up.
//!
//! The caption names the deployment, the part (service name, `compute`, `gateway`), what it
//! counts and its limit. The image grows by [`PANEL_H`] pixels a panel beyond three; at most
//! [`MAX_PANELS`] are drawn, and the chart says how many more there are.

use std::path::Path;

use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::style::{self, DrawResult, Entry, Mark};
use crate::engine::time::DAY;
use crate::error::SimError;
use crate::platform::quota::{QuotaPeriod, QuotaUse};
use crate::report::Exporter;
use crate::run::RunResult;

/// The file name of the chart.
pub const FILE_NAME: &str = "quotas.png";
/// Colour of the units-used bars.
pub const USED: RGBColor = RGBColor(70, 120, 190);
/// Colour of the dashed limit line.
pub const LIMIT: RGBColor = RGBColor(30, 30, 30);
/// Colour of the refused-calls series.
pub const REFUSED: RGBColor = RGBColor(215, 40, 40);
/// Room above the most refusals on the right axis: the red series peaks at 60% of the panel,
/// clear of a used-up quota's limit line (at 90%).
const REFUSED_HEADROOM: f64 = 0.65;
/// Height of one panel beyond the third, in pixels.
pub const PANEL_H: u32 = 170;
/// Most panels drawn.
pub const MAX_PANELS: usize = 10;

/// Writes `quotas.png` when a deployment has a hard quota.
pub struct QuotasChart;

impl Exporter for QuotasChart {
    fn file_name(&self) -> &'static str {
        FILE_NAME
    }

    fn writes(&self, run: &RunResult) -> bool {
        has_quotas(run)
    }

    fn write(&self, run: &RunResult, path: &Path) -> Result<(), SimError> {
        let panels = panels_of(run);
        let size = (style::SIZE.0, height(panels.len()));
        style::render_sized(path, size, |root| draw(run, &panels, root))
    }

    fn svg(&self, run: &RunResult) -> Option<Result<String, SimError>> {
        if !has_quotas(run) {
            return None;
        }
        let panels = panels_of(run);
        let size = (style::SIZE.0, height(panels.len()));
        Some(style::render_svg(size, |root| draw(run, &panels, root)))
    }
}

/// Whether any deployment of `run` has a hard quota.
pub fn has_quotas(run: &RunResult) -> bool {
    run.deployments.iter().any(|d| !d.quotas.is_empty())
}

/// The image height for `n` panels: [`style::SIZE`]'s up to three, then [`PANEL_H`] more per
/// panel, up to [`MAX_PANELS`].
pub fn height(n: usize) -> u32 {
    style::SIZE.1 + n.clamp(3, MAX_PANELS).saturating_sub(3) as u32 * PANEL_H
}

/// One quota of one deployment.
struct Panel<'a> {
    deployment: &'a str,
    quota: &'a QuotaUse,
}

fn panels_of(run: &RunResult) -> Vec<Panel<'_>> {
    run.deployments
        .iter()
        .flat_map(|d| {
            d.quotas.iter().map(|quota| Panel {
                deployment: &d.name,
                quota,
            })
        })
        .collect()
}

/// How a quota's units are shown: divided by the first, with the second as their unit (an
/// egress quota counts bytes and is shown in GB; the others count as they are).
pub fn display_unit(q: &QuotaUse) -> (f64, &'static str) {
    if q.counts == crate::platform::baas::growth::EGRESS_QUOTA {
        (crate::platform::baas::growth::BYTES_PER_GB, " GB")
    } else {
        (1.0, "")
    }
}

/// The caption of a quota's panel, e.g. `api: db read ≤ 100/day` or
/// `app: db egress ≤ 5 GB/month`.
pub fn caption(deployment: &str, q: &QuotaUse) -> String {
    let per = match q.limit.period {
        QuotaPeriod::Day => "/day",
        QuotaPeriod::Month => "/month",
        QuotaPeriod::AtOnce => " at once",
    };
    let (divisor, unit) = display_unit(q);
    let limit = if divisor == 1.0 {
        crate::workload::trace::inspect::group(q.limit.units)
    } else {
        style::axis_number(q.limit.units as f64 / divisor)
    };
    format!(
        "{}: {} {} ≤ {limit}{unit}{per}",
        style::shorten(deployment),
        q.part,
        q.counts,
    )
}

/// Bars `(start day, end day, units used, calls refused)` of each period of `q` that saw a
/// call, the last one ending at `end` (µs) at the latest.
pub fn bars(q: &QuotaUse, end: u64) -> Vec<(f64, f64, u64, u64)> {
    let days = |t: u64| t as f64 / DAY as f64;
    q.periods
        .iter()
        .map(|p| {
            let start = q.period_start(p.index).min(end);
            let stop = q.period_start(p.index + 1).min(end);
            (days(start), days(stop), p.used, p.refused)
        })
        .collect()
}

fn draw<DB: DrawingBackend>(run: &RunResult, panels: &[Panel], root: &style::Area<DB>) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let title = format!("{}: hard quotas, use per period", run.scenario);
    let (plot, legend) = style::layout(root, &title)?;
    let shown = panels.len().min(MAX_PANELS);
    let caps = panels
        .iter()
        .any(|p| p.quota.limit.period == QuotaPeriod::AtOnce);
    let mut entries = vec![
        Entry {
            label: if caps {
                "units used / peak held".into()
            } else {
                "units used".into()
            },
            color: USED,
            mark: Mark::Box,
        },
        Entry {
            label: "limit".into(),
            color: LIMIT,
            mark: Mark::Dashed,
        },
    ];
    if panels
        .iter()
        .any(|p| p.quota.periods.iter().any(|u| u.refused > 0))
    {
        entries.push(Entry {
            label: "calls refused (right axis)".into(),
            color: REFUSED,
            mark: Mark::Line,
        });
    }
    if panels.len() > shown {
        entries.push(Entry {
            label: format!("{} more quotas not drawn", panels.len() - shown),
            color: style::MUTED,
            mark: Mark::Note,
        });
    }
    style::legend(&legend, "", &entries)?;
    if shown == 0 {
        return Ok(());
    }
    let (body, axis) = plot.split_vertically(plot.dim_in_pixel().1 - 50);
    let end = run.window.length.max(1);
    let x_end = end as f64 / DAY as f64;
    for (panel, area) in panels.iter().zip(body.split_evenly((shown, 1))) {
        draw_panel(panel, &area, end, x_end)?;
    }
    let font = style::axis_desc_font().pos(Pos::new(HPos::Center, VPos::Center));
    let w = axis.dim_in_pixel().0 as i32;
    axis.draw_text("days from the window's start", &font, (w / 2, 30))?;
    Ok(())
}

fn draw_panel<DB: DrawingBackend>(
    panel: &Panel,
    area: &style::Area<DB>,
    end: u64,
    x_end: f64,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let q = panel.quota;
    let bars = bars(q, end);
    let (divisor, unit) = display_unit(q);
    let limit = q.limit.units as f64 / divisor;
    let top_used = bars
        .iter()
        .map(|b| b.2 as f64 / divisor)
        .fold(limit, f64::max);
    let top_refused = bars.iter().map(|b| b.3 as f64).fold(0.0, f64::max);
    let mut chart = ChartBuilder::on(area)
        .caption(caption(panel.deployment, q), style::label_font())
        .margin_left(20)
        .margin_right(10)
        .margin_bottom(4)
        .x_label_area_size(24)
        .y_label_area_size(90)
        .right_y_label_area_size(70)
        .build_cartesian_2d(0.0..x_end, 0.0..style::top(top_used, 0.12))?
        .set_secondary_coord(0.0..x_end, 0.0..style::top(top_refused, REFUSED_HEADROOM));
    chart
        .configure_mesh()
        .disable_x_mesh()
        .light_line_style(style::GRID_LIGHT)
        .bold_line_style(style::GRID_BOLD)
        .axis_style(style::INK)
        .y_labels(4)
        .x_labels(12)
        .x_label_formatter(&|v| style::axis_number(*v))
        .y_label_formatter(&|v| format!("{}{unit}", style::axis_number(*v)))
        .x_label_style(style::tick_font())
        .y_label_style(style::tick_font())
        .draw()?;
    chart.draw_series(bars.iter().map(|&(x0, x1, used, _)| {
        let gap = (x1 - x0) * 0.08;
        Rectangle::new(
            [(x0 + gap, 0.0), (x1 - gap, used as f64 / divisor)],
            USED.filled(),
        )
    }))?;
    chart.draw_series(std::iter::once(DashedPathElement::new(
        vec![(0.0, limit), (x_end, limit)],
        10,
        6,
        LIMIT.stroke_width(2),
    )))?;
    if top_refused > 0.0 {
        chart
            .configure_secondary_axes()
            .axis_style(REFUSED)
            .y_labels(4)
            .y_label_formatter(&|v| style::axis_number(*v))
            .label_style(style::tick_font().color(&REFUSED))
            .draw()?;
        let points: Vec<(f64, f64)> = bars
            .iter()
            .map(|&(x0, x1, _, refused)| ((x0 + x1) / 2.0, refused as f64))
            .collect();
        chart.draw_secondary_series(LineSeries::new(points.clone(), REFUSED.stroke_width(2)))?;
        chart.draw_secondary_series(
            points
                .into_iter()
                .map(|p| Circle::new(p, 4, REFUSED.filled())),
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::time::DEFAULT_MONTH;
    use crate::platform::quota::{PeriodUse, QuotaClock, QuotaLimit};
    use crate::report::charts::pixels::{Image, PLOT, Region};
    use crate::report::testutil::idle_run;

    fn quota(part: &str, counts: &str, units: u64, period: QuotaPeriod) -> QuotaUse {
        QuotaUse {
            part: part.into(),
            counts: counts.into(),
            limit: QuotaLimit { units, period },
            clock: QuotaClock::new(0, DEFAULT_MONTH),
            periods: Vec::new(),
        }
    }

    fn period(index: u64, used: u64, refused: u64) -> PeriodUse {
        PeriodUse {
            index,
            used,
            refused,
        }
    }

    /// Two days; deployment `a` has a daily read quota used up both days (with refusals when
    /// `refusing`), deployment `b` a monthly invocation quota a fifth used; `c` none.
    fn run(refusing: bool) -> RunResult {
        let mut run = idle_run(&["a", "b", "c"], 2 * 24 * 60);
        let refused = if refusing { 1_340 } else { 0 };
        let mut reads = quota("db", "read", 100, QuotaPeriod::Day);
        reads.periods = vec![period(0, 100, refused), period(1, 100, refused)];
        run.deployments[0].quotas = vec![reads];
        let mut calls = quota("compute", "invocations", 1_000, QuotaPeriod::Month);
        calls.periods = vec![period(0, 200, 0)];
        run.deployments[1].quotas = vec![calls];
        run
    }

    fn png(run: &RunResult) -> Image {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE_NAME);
        QuotasChart.write(run, &path).unwrap();
        if let Some(keep) = std::env::var_os("CHART_EDGE_DIR") {
            std::fs::copy(&path, std::path::Path::new(&keep).join(FILE_NAME)).unwrap();
        }
        Image::read(&path)
    }

    /// The rows `[y0, y1)` of the plot.
    fn rows(y0: u32, y1: u32) -> Region {
        Region { y0, y1, ..PLOT }
    }

    /// The row of `region` with the most pixels of `color`, and their number.
    fn densest_row(image: &Image, color: RGBColor, region: Region) -> (u32, usize) {
        (region.y0..region.y1.min(image.height))
            .map(|y| (y, image.count(color, rows(y, y + 1))))
            .max_by_key(|&(y, n)| (n, std::cmp::Reverse(y)))
            .unwrap()
    }

    #[test]
    fn each_quota_has_a_panel_with_its_use_its_limit_and_its_refusals() {
        let run = run(true);
        assert!(has_quotas(&run) && QuotasChart.writes(&run));
        let image = png(&run);
        assert_eq!((image.width, image.height), style::SIZE);
        assert!(!image.touches_edges(3));
        // Two panels, one above the other: split the plot at the middle of its height.
        let mid = (PLOT.y0 + image.height) / 2;
        let (top, bottom) = (rows(PLOT.y0, mid), rows(mid, image.height));
        for (name, panel) in [("a", top), ("b", bottom)] {
            assert!(image.count(USED, panel) > 1_000, "{name}: no use bars");
            // The dashed limit line: one row holding hundreds of limit pixels.
            let (_, n) = densest_row(&image, LIMIT, panel);
            assert!(n > 300, "{name}: limit line of {n} pixels");
        }
        // `a` used its whole quota both days: its bars reach the limit line.
        let (limit_y, _) = densest_row(&image, LIMIT, top);
        let bar_top = (top.y0..top.y1)
            .find(|&y| image.count(USED, rows(y, y + 1)) > 50)
            .unwrap();
        assert!(
            bar_top.abs_diff(limit_y) <= 2,
            "bars {bar_top}, limit {limit_y}"
        );
        // `b` used a fifth of its quota: its bars end well below the line.
        let (limit_y, _) = densest_row(&image, LIMIT, bottom);
        let bar_top = (bottom.y0..bottom.y1)
            .find(|&y| image.count(USED, rows(y, y + 1)) > 50)
            .unwrap();
        assert!(bar_top > limit_y + 40, "bars {bar_top}, limit {limit_y}");
        // Refusals: a red series in `a`'s panel, none in `b`'s.
        assert!(image.count(REFUSED, top) > 200);
        assert_eq!(image.count(REFUSED, bottom), 0);
        // Without refusals, no red in the plot at all.
        assert_eq!(png(&super::tests::run(false)).count(REFUSED, PLOT), 0);
    }

    #[test]
    fn a_run_without_quotas_has_no_chart_and_the_svg_names_each_quota() {
        let none = idle_run(&["a"], 10);
        assert!(!QuotasChart.writes(&none));
        assert!(QuotasChart.svg(&none).is_none());
        let svg = QuotasChart.svg(&run(true)).unwrap().unwrap();
        assert!(svg.contains("a: db read"), "caption of a");
        assert!(svg.contains("b: compute invocations"), "caption of b");
    }

    #[test]
    fn a_connection_cap_reads_as_a_limit_at_once_with_its_daily_peak() {
        let mut run = run(false);
        let mut cap = quota("rtdb", "connections", 100, QuotaPeriod::AtOnce);
        cap.periods = vec![period(0, 100, 7), period(1, 64, 0)];
        run.deployments[2].quotas = vec![cap];
        assert_eq!(
            caption("c", &run.deployments[2].quotas[0]),
            "c: rtdb connections ≤ 100 at once"
        );
        // Daily bars, as a daily quota's: the peak of each day.
        let q = &run.deployments[2].quotas[0];
        assert_eq!(
            bars(q, 2 * DAY),
            vec![(0.0, 1.0, 100, 7), (1.0, 2.0, 64, 0)]
        );
        let svg = QuotasChart.svg(&run).unwrap().unwrap();
        assert!(
            svg.contains("units used / peak held"),
            "legend says what a cap's bar is"
        );
    }

    #[test]
    fn an_egress_quota_reads_in_gb() {
        let q = quota("db", "egress", 5_000_000_000, QuotaPeriod::Month);
        assert_eq!(caption("app", &q), "app: db egress ≤ 5 GB/month");
        assert_eq!(display_unit(&q), (1e9, " GB"));
        let reads = quota("db", "read", 50_000, QuotaPeriod::Day);
        assert_eq!(caption("app", &reads), "app: db read ≤ 50,000/day");
    }

    #[test]
    fn more_quotas_than_panels_grow_the_image_up_to_its_cap() {
        let mut run = run(true);
        let reads = run.deployments[0].quotas[0].clone();
        run.deployments[2].quotas = vec![reads; MAX_PANELS + 3];
        assert_eq!(height(MAX_PANELS + 5), 700 + 7 * 170);
        let image = png(&run);
        assert_eq!((image.width, image.height), (1200, 700 + 7 * 170));
        assert!(!image.touches_edges(3));
        // The last panel drawn shows its bars: the ones past the cap are only counted.
        let last = rows(image.height - 200, image.height - 50);
        assert!(image.count(USED, last) > 1_000);
    }

    #[test]
    fn bars_span_each_period_and_stop_at_the_window_end() {
        let mut q = quota("db", "read", 100, QuotaPeriod::Day);
        q.clock = QuotaClock::new(8 * crate::engine::time::HOUR, DEFAULT_MONTH);
        q.periods = vec![period(0, 5, 0), period(2, 7, 3)];
        // Day 0 is [0, 8 h), day 2 [32 h, 56 h), cut at the window's end (40 h).
        let b = bars(&q, 40 * crate::engine::time::HOUR);
        assert_eq!(
            b,
            [(0.0, 8.0 / 24.0, 5, 0), (32.0 / 24.0, 40.0 / 24.0, 7, 3)]
        );
    }
}
