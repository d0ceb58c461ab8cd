//! `cost_over_time.png`: the window cost accrued so far, per deployment, over the simulated
//! window (the running sum of each bucket's cost, reaching the window cost at the end).
//! Each deployment is drawn in its colour and dash pattern ([`super::palette`]), in scenario
//! order, so coinciding curves both show; one equal to an earlier one says `= <that one>` in
//! the legend, where each deployment's window total is written whole after its name (the
//! name is shortened to make room: [`legend_text::with_value`]). Time ticks fall on round steps
//! ([`super::axes::time_step`]).

use std::path::Path;

use plotters::prelude::*;

use super::style::{self, DrawResult, Entry, Mark, TimeUnit};
use super::{axes, legend_text, palette};
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

    fn svg(&self, run: &RunResult) -> Option<Result<String, SimError>> {
        Some(style::render_svg(style::SIZE, |root| draw(run, root)))
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

fn draw<DB: DrawingBackend>(run: &RunResult, root: &style::Area<DB>) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let title = format!("{}: cost accrued over the simulated window", run.scenario);
    let (plot, panel) = style::layout(root, &title)?;
    let unit = TimeUnit::for_window(run.window.measured());
    let series: Vec<Vec<(f64, f64)>> = run
        .deployments
        .iter()
        .map(|d| cumulative(d, unit))
        .collect();
    let max = series.iter().flatten().map(|p| p.1).fold(0.0, f64::max);
    let end = unit.of(run.window.measured()).max(f64::MIN_POSITIVE);

    let y_top = style::top(max, 0.08);
    let mut chart = ChartBuilder::on(&plot)
        .margin_top(10)
        .margin_left(20)
        .margin_right(30)
        .margin_bottom(10)
        .x_label_area_size(60)
        .y_label_area_size(100)
        .build_cartesian_2d(0.0..end, 0.0..y_top)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .max_light_lines(1)
        .light_line_style(style::GRID_LIGHT)
        .bold_line_style(style::GRID_BOLD)
        .axis_style(style::INK)
        .x_labels(1)
        .x_label_formatter(&|_| String::new())
        .y_labels(10)
        .y_label_formatter(&|v| style::usd_tick(*v))
        .y_label_style(style::tick_font())
        .x_desc(axes::time_desc(&run.window, unit))
        .y_desc("cumulative cost (USD)")
        .axis_desc_style(style::axis_desc_font())
        .draw()?;
    let ticks = axes::time_ticks(run.window.measured(), unit);
    axes::draw_x_ticks(&mut chart, root, &ticks, (0.0, y_top), &|x| {
        style::axis_number(x)
    })?;

    let twins = palette::same_as(&series);
    let mut entries = Vec::new();
    for (i, (d, points)) in run.deployments.iter().zip(&series).enumerate() {
        palette::draw_deployment_line(&mut chart, points, i, 3)?;
        entries.push(Entry {
            label: legend_text::with_value(&d.name, &window_total(d.bill.window_usd)),
            color: style::color(i),
            mark: style::deployment_mark(i),
        });
        if let Some(j) = twins[i] {
            entries.push(Entry {
                label: format!("= {}", run.deployments[j].name),
                color: style::MUTED,
                mark: Mark::Note,
            });
        }
    }
    style::legend(&panel, "deployment, window total", &entries)
}

/// A window total for the legend: cents from $1, four decimals below (`$0.0029`), so a
/// small window does not read `$0.00`.
fn window_total(usd: f64) -> String {
    if usd >= 1.0 || usd == 0.0 {
        format!("${:.2}", usd + 0.0)
    } else {
        format!("${usd:.4}")
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn small_totals_keep_their_digits() {
        assert_eq!(super::window_total(12.345), "$12.35");
        assert_eq!(super::window_total(0.00291), "$0.0029");
        assert_eq!(super::window_total(0.0), "$0.00");
    }

    use super::*;
    use crate::report::testutil::{idle_run, png_size, tiny_run};

    #[test]
    fn the_curve_starts_at_zero_and_ends_at_the_window_cost() {
        let run = tiny_run();
        let unit = TimeUnit::for_window(run.window.measured());
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
    fn long_names_never_cut_a_window_total_or_leave_the_image() {
        use crate::report::charts::pixels::Image;
        let mut run = crate::report::testutil::twins_run();
        for (i, d) in run.deployments.iter_mut().enumerate() {
            d.name = format!("deployment-{i}-with-a-name-far-too-long-for-a-legend");
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cot.png");
        CostOverTimeChart.write(&run, &path).unwrap();
        assert!(!Image::read(&path).touches_edges(3));
        for d in &run.deployments {
            let total = window_total(d.bill.window_usd);
            let label = legend_text::with_value(&d.name, &total);
            assert!(label.ends_with(&format!("… {total}")), "{label}");
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
