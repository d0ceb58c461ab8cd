//! `latency_over_time.png`: the median (thick line) and 99th-percentile (thin line) latency of every
//! deployment per time bucket over the window, so a burst's effect on latency shows where it
//! happens. Requests are placed by completion time (the bucket they completed in); a bucket
//! in which a deployment completed nothing breaks its lines (a lone bucket between two gaps
//! is drawn as a dot). Each deployment keeps its colour ([`style::color`] of its index).
//!
//! The latency axis is logarithmic ([`y_range`], ticks from [`log_axis`]), so a deployment at
//! 30 s and one at 20 ms both show their shape instead of the fast one lying on the x axis.

use std::path::Path;

use plotters::prelude::*;

use super::log_axis::{self, nice_down, nice_up};
use super::style::{self, DrawResult, Entry, Mark, TimeUnit};
use super::{axes, palette};
use crate::error::SimError;
use crate::metrics::Recorder;
use crate::report::Exporter;
use crate::run::RunResult;

/// Writes `latency_over_time.png`.
pub struct LatencyOverTimeChart;

impl Exporter for LatencyOverTimeChart {
    fn file_name(&self) -> &'static str {
        "latency_over_time.png"
    }

    fn write(&self, run: &RunResult, path: &Path) -> Result<(), SimError> {
        style::render(path, |root| draw(run, root))
    }

    fn svg(&self, run: &RunResult) -> Option<Result<String, SimError>> {
        Some(style::render_svg(style::SIZE, |root| draw(run, root)))
    }
}

/// A line broken at empty buckets: its runs of (time, ms) points.
pub type Segments = Vec<Vec<(f64, f64)>>;

/// Which percentile a line shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Percentile {
    P50,
    P99,
}

/// The runs of consecutive buckets with a latency, as (bucket midpoint in `unit`, ms) points;
/// empty buckets end a run.
pub fn segments(rec: &Recorder, which: Percentile, unit: TimeUnit) -> Segments {
    let (len, window) = (rec.bucket_len(), rec.window());
    let mut runs: Segments = Vec::new();
    let mut current: Vec<(f64, f64)> = Vec::new();
    for b in 0..rec.buckets.len() {
        let value = match which {
            Percentile::P50 => rec.bucket_latency.p50(b),
            Percentile::P99 => rec.bucket_latency.p99(b),
        };
        match value {
            Some(us) => {
                let start = b as u64 * len;
                let end = (start + len).min(window).max(start);
                let mid = unit.of(start) + (unit.of(end) - unit.of(start)) / 2.0;
                current.push((mid, us as f64 / 1e3));
            }
            None if !current.is_empty() => runs.push(std::mem::take(&mut current)),
            None => {}
        }
    }
    if !current.is_empty() {
        runs.push(current);
    }
    runs
}

/// The shortest latency the axis shows (1 µs, the recorder's resolution): a bucket whose
/// percentile is 0 is drawn there.
pub const FLOOR_MS: f64 = 1e-3;

/// The log axis's range in ms for latencies `ms`: from the 1-2-5 value at or below half the
/// smallest to the one at or above 1.5 x the largest, so no line lies on an edge; 1 ms to
/// 1 s when there is none.
pub fn y_range(ms: impl Iterator<Item = f64>) -> (f64, f64) {
    let (min, max) = ms.fold((f64::INFINITY, 0.0f64), |(lo, hi), v| {
        let v = v.max(FLOOR_MS);
        (lo.min(v), hi.max(v))
    });
    if max == 0.0 {
        return (1.0, 1_000.0);
    }
    (nice_down(min * 0.5), nice_up(max * 1.5))
}

/// `runs` with every latency raised to [`FLOOR_MS`] (a log axis has no 0).
fn floored(mut runs: Segments) -> Segments {
    for p in runs.iter_mut().flatten() {
        p.1 = p.1.max(FLOOR_MS);
    }
    runs
}

fn draw<DB: DrawingBackend>(run: &RunResult, root: &style::Area<DB>) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let bucket = run
        .deployments
        .first()
        .map_or(run.window.bucket, |d| d.recorder.bucket_len());
    let title = format!(
        "{}: latency over time (per {} bucket, by completion)",
        run.scenario,
        crate::units::format_duration(bucket)
    );
    let (plot, panel) = style::layout(root, &title)?;
    let unit = TimeUnit::for_window(run.window.measured());
    let lines: Vec<[Segments; 2]> = run
        .deployments
        .iter()
        .map(|d| {
            [
                segments(&d.recorder, Percentile::P50, unit),
                segments(&d.recorder, Percentile::P99, unit),
            ]
        })
        .collect();
    let lines: Vec<[Segments; 2]> = lines.into_iter().map(|pair| pair.map(floored)).collect();
    let (lo, hi) = y_range(lines.iter().flatten().flatten().flatten().map(|p| p.1));
    let end = unit.of(run.window.measured()).max(f64::MIN_POSITIVE);
    let mut chart = ChartBuilder::on(&plot)
        .margin_top(10)
        .margin_left(20)
        .margin_right(30)
        .margin_bottom(10)
        .x_label_area_size(60)
        .y_label_area_size(90)
        .build_cartesian_2d(0.0..end, (lo..hi).log_scale())?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .max_light_lines(1)
        .light_line_style(style::GRID_LIGHT)
        .bold_line_style(style::GRID_BOLD)
        .axis_style(style::INK)
        .x_labels(12)
        .y_labels(1)
        .x_label_formatter(&|v| style::axis_number(*v))
        .y_label_formatter(&|_| String::new())
        .x_label_style(style::tick_font())
        .x_desc(axes::time_desc(&run.window, unit))
        .y_desc("latency (log scale): p50 thick line, p99 thin line")
        .axis_desc_style(style::axis_desc_font())
        .draw()?;
    axes::draw_y_ticks(
        &mut chart,
        root,
        &log_axis::ticks(lo, hi),
        (0.0, end),
        &log_axis::ms_label,
    )?;

    let mut entries = Vec::new();
    for (i, (d, [p50, p99])) in run.deployments.iter().zip(&lines).enumerate() {
        let color = style::color(i);
        // The deployment's own dash pattern (as in every chart), p50 thick and p99 thin.
        for points in p99 {
            palette::draw_deployment_line(&mut chart, points, i, 1)?;
        }
        for points in p50 {
            palette::draw_deployment_line(&mut chart, points, i, 4)?;
        }
        // A bucket between two empty ones has no line to be part of: mark it.
        for points in p50.iter().chain(p99).filter(|p| p.len() == 1) {
            chart.draw_series(std::iter::once(Circle::new(points[0], 4, color.filled())))?;
        }
        if p50.is_empty() {
            entries.push(Entry {
                label: format!("{}: nothing completed", d.name),
                color,
                mark: Mark::Line,
            });
            continue;
        }
        entries.push(Entry {
            label: d.name.clone(),
            color,
            mark: style::deployment_mark(i),
        });
    }
    style::legend(&panel, "p50 thick, p99 thin", &entries)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testutil::{idle_run, png_size, tiny_run};

    #[test]
    fn every_bucket_with_completions_is_a_point_at_its_midpoint() {
        let run = tiny_run();
        let unit = TimeUnit::for_window(run.window.measured());
        for d in &run.deployments {
            let runs = segments(&d.recorder, Percentile::P50, unit);
            let points: Vec<(f64, f64)> = runs.iter().flatten().copied().collect();
            let with_latency = (0..d.recorder.buckets.len())
                .filter(|&b| d.recorder.buckets[b].completed > 0)
                .count();
            assert_eq!(points.len(), with_latency, "{}", d.name);
            // One-minute buckets of a 10-minute window: midpoints 0.5, 1.5, ... minutes.
            for (t, ms) in &points {
                assert!((t.fract() - 0.5).abs() < 1e-9 && *t < 10.0, "{t}");
                assert!(*ms > 0.0);
            }
            let p99: Vec<(f64, f64)> = segments(&d.recorder, Percentile::P99, unit)
                .into_iter()
                .flatten()
                .collect();
            assert!(
                p99.iter()
                    .zip(&points)
                    .all(|(a, b)| a.0 == b.0 && a.1 >= b.1)
            );
        }
    }

    #[test]
    fn the_latency_range_is_one_two_five_values_around_the_data() {
        // 15 ms to 30.01 s: half of 15 is 7.5, down to 5; 1.5 x 30,010 = 45,015, up to 50,000.
        assert_eq!(
            y_range([15.0, 30_010.0, 200.0].into_iter()),
            (5.0, 50_000.0)
        );
        // One value: 100 ms spans 50 ms to 200 ms.
        assert_eq!(y_range(std::iter::once(100.0)), (50.0, 200.0));
        // A 0 is drawn at the 1 µs floor: 0.5 µs down to 0.5e-3 ms.
        let (lo, hi) = y_range([0.0, 2.0].into_iter());
        assert!((lo - 5e-4).abs() < 1e-15 && hi == 5.0, "{lo} {hi}");
        assert_eq!(y_range(std::iter::empty()), (1.0, 1_000.0));
    }

    /// Ten minutes at one call a second on two deployments that differ only in their
    /// database: 5 ms (a 15 ms call) and 30 s (a 30.01 s call).
    const FAST_AND_SLOW: &str = r#"
name = "fast-and-slow"
duration = "10m"
bucket = "1m"
[[workload.functions]]
name = "api"
memory = "512MB"
execution = { dist = "constant", value = "10ms" }
arrivals = { process = "fixed_interval", every = "1s", offset = "500ms" }
calls = { db = { read = 1 } }
[[deployments]]
name = "fast"
[deployments.compute]
model = "faas"
cold_start = { dist = "constant", value = "0ms" }
keep_alive = { policy = "forever" }
[deployments.compute.billing]
requests = { usd = 0.20, per = 1_000_000 }
gb_seconds = { usd = 0.0000166667 }
[[deployments.services]]
name = "db"
latency = { dist = "constant", value = "5ms" }
operations.read = {}
[[deployments]]
name = "slow"
[deployments.compute]
model = "faas"
cold_start = { dist = "constant", value = "0ms" }
keep_alive = { policy = "forever" }
[deployments.compute.billing]
requests = { usd = 0.20, per = 1_000_000 }
gb_seconds = { usd = 0.0000166667 }
[[deployments.services]]
name = "db"
latency = { dist = "constant", value = "30s" }
operations.read = {}
"#;

    #[test]
    fn a_fast_deployment_stays_above_the_x_axis_beside_a_30_second_one() {
        use crate::report::charts::pixels::{Image, PLOT};
        let scenario =
            crate::scenario::Scenario::parse(std::path::Path::new("fs.toml"), FAST_AND_SLOW)
                .unwrap();
        let run = crate::run::run(&scenario).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lot.png");
        LatencyOverTimeChart.write(&run, &path).unwrap();
        let image = Image::read(&path);
        // The x axis: the row of the plot with the most axis-ink pixels (it spans the plot).
        let row_ink = |y: u32| {
            (PLOT.x0..PLOT.x1)
                .filter(|&x| image.at(x, y) == [style::INK.0, style::INK.1, style::INK.2])
                .count()
        };
        let axis = (PLOT.y0..image.height).max_by_key(|&y| row_ink(y)).unwrap();
        assert!(row_ink(axis) > 600, "no x axis found: {}", row_ink(axis));
        let fast = image.blob(style::color(0), PLOT).expect("fast drawn");
        let slow = image.blob(style::color(1), PLOT).expect("slow drawn");
        assert!(fast.count > 1000 && slow.count > 500, "{fast:?} {slow:?}");
        // The range is 5 ms to 50 s (4 decades): 15 ms is log10(3) / 4 = 12% of the height
        // above the axis and 30 s log10(6,000) / 4 = 94%, so the fast line keeps well clear
        // of the axis (on a linear axis it would be 15 / 32,400 of the height: under 1 px).
        let height = f64::from(axis - PLOT.y0);
        let above = |y: f64| (f64::from(axis) - y) / height;
        assert!(
            f64::from(fast.bounds.y1) < f64::from(axis) - 30.0,
            "{fast:?} axis {axis}"
        );
        assert!((0.06..0.2).contains(&above(fast.y)), "{}", above(fast.y));
        assert!((0.8..1.0).contains(&above(slow.y)), "{}", above(slow.y));
    }

    #[test]
    fn draws_busy_idle_and_empty_runs() {
        let dir = tempfile::tempdir().unwrap();
        for (i, run) in [tiny_run(), idle_run(&["idle"], 1), idle_run(&[], 3)]
            .iter()
            .enumerate()
        {
            let a = dir.path().join(format!("lot{i}a.png"));
            let b = dir.path().join(format!("lot{i}b.png"));
            LatencyOverTimeChart.write(run, &a).unwrap();
            LatencyOverTimeChart.write(run, &b).unwrap();
            assert_eq!(png_size(&a), style::SIZE);
            assert!(std::fs::read(&a).unwrap() == std::fs::read(&b).unwrap());
        }
    }
}
