//! `latency_cdf.png`: the latency distribution of every deployment as a cumulative
//! distribution (share of completed requests at or below a latency), latency on a log scale
//! so that warm and cold requests both show, with the median and p99 marked.

use std::path::Path;

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::style::{self, DrawResult, Entry, Mark};
use crate::error::SimError;
use crate::metrics::LatencyStats;
use crate::report::Exporter;
use crate::report::latency::latency_at;
use crate::run::RunResult;

/// Writes `latency_cdf.png`.
pub struct LatencyCdfChart;

/// Smallest latency shown (ms): one microsecond, the clock's resolution.
const FLOOR_MS: f64 = 1e-3;

impl Exporter for LatencyCdfChart {
    fn file_name(&self) -> &'static str {
        "latency_cdf.png"
    }

    fn write(&self, run: &RunResult, path: &Path) -> Result<(), SimError> {
        style::render(path, |root| draw(run, root))
    }
}

/// The CDF as (latency ms, cumulative share) points, in increasing order: every 0.2% up to
/// 99%, then every 0.01% to 100%, keeping only the first and last point of a run of equal
/// latencies (the histogram's resolution makes the CDF a staircase; the middle points add
/// nothing but ink). Empty when nothing completed.
pub fn cdf_points(stats: &LatencyStats) -> Vec<(f64, f64)> {
    if stats.is_empty() {
        return Vec::new();
    }
    let body = (0..495).map(|k| k as f64 / 500.0);
    let tail = (9_900..=10_000).map(|k| k as f64 / 10_000.0);
    let mut points: Vec<(f64, f64)> = Vec::new();
    for q in body.chain(tail) {
        let Some(us) = latency_at(stats, q) else {
            break;
        };
        let ms = (us as f64 / 1e3).max(FLOOR_MS);
        let n = points.len();
        if n >= 2 && points[n - 1].0 == ms && points[n - 2].0 == ms {
            points[n - 1].1 = q;
        } else {
            points.push((ms, q));
        }
    }
    points
}

/// The decade bounds `[10^a, 10^b]` (ms) holding every point, at least one decade wide.
fn x_bounds(series: &[Vec<(f64, f64)>]) -> (f64, f64) {
    let xs = || series.iter().flatten().map(|p| p.0);
    let lo = xs().fold(f64::INFINITY, f64::min);
    let hi = xs().fold(0.0, f64::max);
    if !lo.is_finite() || hi <= 0.0 {
        return (1.0, 1_000.0);
    }
    let lo = 10f64.powf(lo.log10().floor()).max(FLOOR_MS);
    let hi = 10f64.powf(hi.log10().ceil());
    (lo, if hi > lo { hi } else { lo * 10.0 })
}

/// The labelled ticks of a log axis over `[lo, hi]`: 1, 2 and 5 times each power of ten.
fn log_ticks(lo: f64, hi: f64) -> Vec<f64> {
    let mut ticks = Vec::new();
    let mut decade = 10f64.powf(lo.log10().floor());
    while decade <= hi * (1.0 + 1e-9) {
        for m in [1.0, 2.0, 5.0] {
            let v = m * decade;
            if v >= lo * (1.0 - 1e-9) && v <= hi * (1.0 + 1e-9) {
                ticks.push(v);
            }
        }
        decade *= 10.0;
    }
    ticks
}

fn draw(run: &RunResult, root: &style::Area) -> DrawResult {
    let title = format!("{}: latency of completed requests (CDF)", run.scenario);
    let (plot, panel) = style::layout(root, &title)?;
    let series: Vec<Vec<(f64, f64)>> = run
        .deployments
        .iter()
        .map(|d| cdf_points(&d.recorder.latency))
        .collect();
    let (lo, hi) = x_bounds(&series);

    let mut chart = ChartBuilder::on(&plot)
        .margin_top(10)
        .margin_left(20)
        .margin_right(30)
        .margin_bottom(10)
        .x_label_area_size(60)
        .y_label_area_size(80)
        .build_cartesian_2d((lo..hi).log_scale(), 0.0..1.0)?;
    chart
        .configure_mesh()
        .max_light_lines(0)
        .bold_line_style(style::GRID_MID)
        .axis_style(style::INK)
        .x_labels(60)
        .y_labels(11)
        // Plotters repeats each power of ten among its log key points, which would print
        // those labels twice; the labels are drawn below instead.
        .x_label_formatter(&|_| String::new())
        .y_label_formatter(&|v| format!("{:.0}%", v * 100.0))
        .x_label_style(style::tick_font())
        .y_label_style(style::tick_font())
        .x_desc("latency (ms, log scale)")
        .y_desc("requests at or below (%)")
        .axis_desc_style(style::axis_desc_font())
        .draw()?;

    // Reference lines at the median and p99.
    let name_font = style::label_font()
        .color(&style::MUTED)
        .pos(Pos::new(HPos::Left, VPos::Top));
    for (q, name) in [(0.5, "p50"), (0.99, "p99")] {
        chart.draw_series(DashedLineSeries::new(
            [(lo, q), (hi, q)],
            6,
            6,
            style::MUTED.stroke_width(1),
        ))?;
        chart.draw_series(std::iter::once(
            EmptyElement::at((lo, q)) + Text::new(name, (6, 4), name_font.clone()),
        ))?;
    }

    let tick_font = style::tick_font().pos(Pos::new(HPos::Center, VPos::Top));
    for v in log_ticks(lo, hi) {
        let (x, y) = chart.backend_coord(&(v, 0.0));
        root.draw_text(&style::axis_number(v), &tick_font, (x, y + 12))?;
    }
    if series.iter().all(Vec::is_empty) {
        let note = style::axis_desc_font()
            .color(&style::MUTED)
            .pos(Pos::new(HPos::Center, VPos::Center));
        let (x, y) = chart.backend_coord(&((lo * hi).sqrt(), 0.5));
        root.draw_text("no completed requests", &note, (x, y + 40))?;
    }

    let mut entries = Vec::new();
    for (i, (d, points)) in run.deployments.iter().zip(&series).enumerate() {
        let color = style::color(i);
        chart.draw_series(LineSeries::new(
            points.iter().copied(),
            color.stroke_width(2),
        ))?;
        let label = if points.is_empty() {
            format!("{} (none completed)", d.name)
        } else {
            d.name.clone()
        };
        entries.push(Entry {
            label,
            color,
            mark: Mark::Line,
        });
    }
    style::legend(&panel, "deployment", &entries)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testutil::{idle_run, png_size, tiny_run};

    #[test]
    fn cdf_points_rise_from_the_minimum_to_the_maximum() {
        let mut s = LatencyStats::new();
        for v in 1..=1_000u64 {
            s.record(v * 1_000); // 1 ms .. 1 s
        }
        let p = cdf_points(&s);
        assert!(p.windows(2).all(|w| w[0].0 <= w[1].0 && w[0].1 < w[1].1));
        assert_eq!(p[0], (1.0, 0.0));
        assert_eq!(*p.last().unwrap(), (1_000.0, 1.0));
        // The median of 1..1000 ms is 500 ms, within the histogram's 0.1%.
        let median = p.iter().find(|q| (q.1 - 0.5).abs() < 1e-9).unwrap().0;
        assert!((median - 500.0).abs() <= 0.5, "{median}");
        assert!(cdf_points(&LatencyStats::new()).is_empty());
    }

    #[test]
    fn the_axis_spans_whole_decades() {
        let pts = vec![
            vec![(105.0, 0.0), (305.0, 1.0)],
            vec![(0.5, 0.0), (2.0, 1.0)],
        ];
        assert_eq!(x_bounds(&pts), (0.1, 1_000.0));
        assert_eq!(
            x_bounds(&[vec![(100.0, 0.0), (100.0, 1.0)]]),
            (100.0, 1_000.0)
        );
        assert_eq!(x_bounds(&[Vec::new()]), (1.0, 1_000.0));
    }

    #[test]
    fn ticks_are_one_two_five_per_decade() {
        assert_eq!(log_ticks(100.0, 1_000.0), [100.0, 200.0, 500.0, 1_000.0]);
        let t = log_ticks(0.1, 10.0);
        assert_eq!(t.len(), 7);
        assert!((t[0] - 0.1).abs() < 1e-12 && (t[2] - 0.5).abs() < 1e-12 && t[6] == 10.0);
    }

    #[test]
    fn draws_runs_with_and_without_requests() {
        let dir = tempfile::tempdir().unwrap();
        for (i, run) in [tiny_run(), idle_run(&["idle"], 1)].iter().enumerate() {
            let path = dir.path().join(format!("cdf{i}.png"));
            LatencyCdfChart.write(run, &path).unwrap();
            assert_eq!(png_size(&path), style::SIZE);
        }
    }
}
