//! `cost_over_time.png`: the window cost accrued so far, per deployment, over the simulated
//! window (the running sum of each bucket's cost, reaching the window cost at the end).

use std::path::Path;

use plotters::prelude::*;

use super::style::{self, Axes, DrawResult, Entry, Mark, TimeUnit};
use crate::error::SimError;
use crate::platform::DeploymentResult;
use crate::report::Exporter;
use crate::run::RunResult;

/// Writes `cost_over_time.png`.
pub struct CostOverTimeChart;

impl Exporter for CostOverTimeChart {
    fn file_name(&self) -> &'static str {
        "cost_over_time.png"
    }

    fn write(&self, run: &RunResult, path: &Path) -> Result<(), SimError> {
        style::render(path, |root| draw(run, root))
    }
}

/// (time in `unit`, cumulative USD) at the start of the window and the end of every bucket.
pub fn cumulative(d: &DeploymentResult, unit: TimeUnit) -> Vec<(f64, f64)> {
    let (len, window) = (d.recorder.bucket_len(), d.recorder.window());
    let mut total = 0.0;
    let mut points = vec![(0.0, 0.0)];
    for (b, usd) in d.bill.bucket_usd.iter().enumerate() {
        total += usd;
        let end = ((b as u64 + 1) * len).min(window);
        points.push((unit.of(end), total));
    }
    points
}

fn draw(run: &RunResult, root: &style::Area) -> DrawResult {
    let title = format!("{}: cost accrued over the simulated window", run.scenario);
    let (plot, panel) = style::layout(root, &title)?;
    let unit = TimeUnit::for_window(run.window.length);
    let series: Vec<Vec<(f64, f64)>> = run
        .deployments
        .iter()
        .map(|d| cumulative(d, unit))
        .collect();
    let max = series.iter().flatten().map(|p| p.1).fold(0.0, f64::max);
    let end = unit.of(run.window.length).max(f64::MIN_POSITIVE);

    let mut chart = style::xy_chart(
        &plot,
        Axes {
            x: 0.0..end,
            y: 0.0..style::top(max, 0.08),
            x_desc: format!("time ({})", unit.name),
            y_desc: "cumulative cost (USD)",
            y_label_area: 100,
            y_tick: &|v| style::usd_tick(*v),
        },
    )?;

    let mut entries = Vec::new();
    for (i, (d, points)) in run.deployments.iter().zip(&series).enumerate() {
        let color = style::color(i);
        chart.draw_series(LineSeries::new(
            points.iter().copied(),
            color.stroke_width(3),
        ))?;
        entries.push(Entry {
            label: format!("{} ${:.2}", d.name, d.bill.window_usd),
            color,
            mark: Mark::Line,
        });
    }
    style::legend(&panel, "deployment, window total", &entries)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testutil::{idle_run, png_size, tiny_run};

    #[test]
    fn the_curve_starts_at_zero_and_ends_at_the_window_cost() {
        let run = tiny_run();
        let unit = TimeUnit::for_window(run.window.length);
        for d in &run.deployments {
            let c = cumulative(d, unit);
            assert_eq!(c.len(), 11);
            assert_eq!(c[0], (0.0, 0.0));
            assert!(c.windows(2).all(|w| w[0].0 < w[1].0 && w[0].1 <= w[1].1));
            let (t, usd) = *c.last().unwrap();
            assert_eq!(t, 10.0); // minutes
            assert!(
                (usd - d.bill.window_usd).abs() < 1e-12,
                "{usd} vs {}",
                d.bill.window_usd
            );
        }
    }

    #[test]
    fn draws_priced_and_free_runs() {
        let dir = tempfile::tempdir().unwrap();
        for (i, run) in [tiny_run(), idle_run(&["idle"], 1)].iter().enumerate() {
            let path = dir.path().join(format!("cot{i}.png"));
            CostOverTimeChart.write(run, &path).unwrap();
            assert_eq!(png_size(&path), style::SIZE);
        }
    }
}
