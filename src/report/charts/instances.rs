//! `instances.png`: instances in use over time, per deployment: the time average of busy plus
//! starting instances in every bucket, drawn as steps. For a fleet, busy means serving at
//! least one request, and a dashed line shows all its running instances (busy + idle) for
//! scale.

use std::path::Path;

use plotters::prelude::*;

use super::style::{self, Axes, DrawResult, Entry, Mark, TimeUnit};
use crate::error::SimError;
use crate::metrics::{Level, Recorder};
use crate::report::Exporter;
use crate::run::RunResult;

/// Writes `instances.png`.
pub struct InstancesChart;

impl Exporter for InstancesChart {
    fn file_name(&self) -> &'static str {
        "instances.png"
    }

    fn write(&self, run: &RunResult, path: &Path) -> Result<(), SimError> {
        style::render(path, |root| draw(run, root))
    }
}

/// Step points (time in `unit`, value) of the per-bucket averages of the sum of `levels`:
/// each bucket's value held from its start to its end.
pub fn steps(rec: &Recorder, levels: &[Level], unit: TimeUnit) -> Vec<(f64, f64)> {
    let (len, window) = (rec.bucket_len(), rec.window());
    let mut points = Vec::with_capacity(2 * rec.buckets.len());
    for b in 0..rec.buckets.len() {
        let start = b as u64 * len;
        let end = (start + len).min(window);
        let value: f64 = levels
            .iter()
            .map(|&l| rec.levels[l as usize].bucket_mean(b))
            .sum();
        points.push((unit.of(start), value));
        points.push((unit.of(end), value));
    }
    points
}

fn draw(run: &RunResult, root: &style::Area) -> DrawResult {
    let title = format!("{}: instances in use (busy + starting)", run.scenario);
    let (plot, panel) = style::layout(root, &title)?;
    let unit = TimeUnit::for_window(run.window.length);
    let in_use: Vec<Vec<(f64, f64)>> = run
        .deployments
        .iter()
        .map(|d| steps(&d.recorder, &[Level::Busy, Level::Starting], unit))
        .collect();
    let running: Vec<Option<Vec<(f64, f64)>>> = run
        .deployments
        .iter()
        .map(|d| {
            (d.model == "fleet").then(|| {
                steps(
                    &d.recorder,
                    &[Level::Busy, Level::Idle, Level::Starting],
                    unit,
                )
            })
        })
        .collect();
    let max = in_use
        .iter()
        .chain(running.iter().flatten())
        .flatten()
        .map(|p| p.1)
        .fold(0.0, f64::max);
    let end = unit.of(run.window.length).max(f64::MIN_POSITIVE);

    let mut chart = style::xy_chart(
        &plot,
        Axes {
            x: 0.0..end,
            y: 0.0..style::top(max, 0.08),
            x_desc: format!(
                "time ({}); each step is the average over {}",
                unit.name,
                bucket_text(run.window.bucket)
            ),
            y_desc: "instances (time average)",
            y_label_area: 80,
            y_tick: &|v| style::axis_number(*v),
        },
    )?;

    let mut entries = Vec::new();
    for (i, d) in run.deployments.iter().enumerate() {
        let color = style::color(i);
        if let Some(points) = &running[i] {
            chart.draw_series(DashedLineSeries::new(
                points.iter().copied(),
                8,
                6,
                color.stroke_width(2),
            ))?;
        }
        chart.draw_series(LineSeries::new(
            in_use[i].iter().copied(),
            color.stroke_width(2),
        ))?;
        entries.push(Entry {
            label: d.name.clone(),
            color,
            mark: Mark::Line,
        });
        if running[i].is_some() {
            entries.push(Entry {
                label: format!("{}: running", d.name),
                color,
                mark: Mark::Dashed,
            });
        }
    }
    style::legend(&panel, "deployment", &entries)
}

/// A bucket width in words: `5 min`, `1 h`, `30 s`, `250 ms`.
fn bucket_text(us: u64) -> String {
    use crate::engine::time::{HOUR, MINUTE, MS, SECOND};
    for (unit, name) in [(HOUR, "h"), (MINUTE, "min"), (SECOND, "s"), (MS, "ms")] {
        if us >= unit && us % unit == 0 {
            return format!("{} {name}", us / unit);
        }
    }
    format!("{us} µs")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::time::MINUTE;
    use crate::report::testutil::{idle_run, png_size, tiny_run};

    #[test]
    fn steps_hold_each_bucket_average_over_the_bucket() {
        // Buckets of 1 minute over 2.5 minutes: one instance busy from 0:30 to 2:00.
        let mut rec = Recorder::new(150 * 1_000_000, MINUTE, 0);
        rec.level(Level::Busy, 30 * 1_000_000, 1);
        rec.level(Level::Busy, 120 * 1_000_000, -1);
        rec.finish();
        let unit = TimeUnit::for_window(rec.window());
        assert_eq!(
            steps(&rec, &[Level::Busy, Level::Starting], unit),
            [
                (0.0, 0.5),
                (1.0, 0.5),
                (1.0, 1.0),
                (2.0, 1.0),
                (2.0, 0.0),
                (2.5, 0.0)
            ]
        );
    }

    #[test]
    fn bucket_widths_read_naturally() {
        assert_eq!(bucket_text(5 * MINUTE), "5 min");
        assert_eq!(bucket_text(90 * 1_000_000), "90 s");
        assert_eq!(bucket_text(1_500), "1500 µs");
    }

    #[test]
    fn draws_busy_and_idle_runs() {
        let dir = tempfile::tempdir().unwrap();
        for (i, run) in [tiny_run(), idle_run(&["idle"], 1)].iter().enumerate() {
            let path = dir.path().join(format!("instances{i}.png"));
            InstancesChart.write(run, &path).unwrap();
            assert_eq!(png_size(&path), style::SIZE);
        }
    }
}
