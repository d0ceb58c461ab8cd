//! `latency_over_time.png`: the median (thick line) and 99th-percentile (thin line) latency of every
//! deployment per time bucket over the window, so a burst's effect on latency shows where it
//! happens. Requests are placed by completion time (the bucket they completed in); a bucket
//! in which a deployment completed nothing breaks its lines (a lone bucket between two gaps
//! is drawn as a dot). Each deployment keeps its colour ([`style::color`] of its index).

use std::path::Path;

use plotters::prelude::*;

use super::style::{self, Axes, DrawResult, Entry, Mark, TimeUnit};
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
    let max = lines
        .iter()
        .flatten()
        .flatten()
        .flatten()
        .map(|p| p.1)
        .fold(0.0, f64::max);
    let end = unit.of(run.window.measured()).max(f64::MIN_POSITIVE);
    let mut chart = style::xy_chart(
        &plot,
        Axes {
            x: 0.0..end,
            y: 0.0..style::top(max, 0.08),
            x_desc: axes::time_desc(&run.window, unit),
            y_desc: "latency (ms): p50 thick line, p99 thin line",
            y_label_area: 90,
            y_tick: &|v| style::axis_number(*v),
        },
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
