//! `latency_cdf.png`: the latency distribution of every deployment, in two panels that share
//! a log-scale latency axis, so warm and cold requests both show and the tail is not squeezed
//! into the top of the plot:
//!
//! - **body** (top): the cumulative distribution, the share of completed requests at or below
//!   a latency (0 to 100%, linear), with the median marked;
//! - **tail** (bottom): the complementary distribution on log-log axes, the share of requests
//!   *slower* than a latency, from 10% (p90) down to one request (or 0.0001%, p99.9999,
//!   whichever is higher), with p99 marked; each decade down is one more "nine".
//!
//! The latency axis starts at the lowest p1 of the deployments rounded down to 1, 2 or 5 ×
//! a power of ten, and never below 1 ms unless a deployment's median is under 10 ms (then no
//! lower than a tenth of that median, and never below 1 µs); it ends at the largest latency
//! rounded up. Faster requests (a trace's 0 ms calls) are drawn at the axis' left end, the axis
//! title says so, and the legend gives each deployment's share of them. Tick labels carry
//! their unit and thin out to powers of ten when the range is wide ([`super::log_axis`]).
//! The points and ranges themselves are computed in [`super::latency_points`].
//!
//! Deployments are drawn in scenario order, each in its colour and dash pattern
//! ([`super::palette`]), so a line drawn exactly over another lets it show through its gaps;
//! a deployment whose distribution equals an earlier one's says `= <that one>` in the legend,
//! under its p50 and p99.

use std::path::Path;

use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::axes;
use super::latency_points::{TAIL_TOP, cdf_points, share_below, tail_bottom, tail_points, x_range};
use super::log_axis;
use super::palette;
use super::style::{self, DrawResult, Entry, Mark};
use crate::error::SimError;
use crate::metrics::LatencyStats;
use crate::report::Exporter;
use crate::run::RunResult;

/// Writes `latency_cdf.png`.
pub struct LatencyCdfChart;

/// Room for the y tick labels (`0.0001% (p99.9999)`) and the axis title, in pixels.
const Y_LABELS: u32 = 165;
/// Share of the plot's height the body panel takes.
const BODY_SHARE: f64 = 0.55;

impl Exporter for LatencyCdfChart {
    fn file_name(&self) -> &'static str {
        "latency_cdf.png"
    }

    fn write(&self, run: &RunResult, path: &Path) -> Result<(), SimError> {
        style::render(path, |root| draw(run, root))
    }

    fn svg(&self, run: &RunResult) -> Option<Result<String, SimError>> {
        Some(style::render_svg(style::SIZE, |root| draw(run, root)))
    }
}

/// A share-slower tick: `1% (p99)`, `0.01% (p99.99)`.
fn share_label(share: f64) -> String {
    let pct = style::axis_number(share * 100.0);
    let nines = (-share.log10()).round() as usize;
    let p = if nines <= 1 {
        "p90".to_string()
    } else {
        format!(
            "p99{}{}",
            if nines > 2 { "." } else { "" },
            "9".repeat(nines - 2)
        )
    };
    format!("{pct}% ({p})")
}

fn draw<DB: DrawingBackend>(run: &RunResult, root: &style::Area<DB>) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let title = format!("{}: latency of completed requests", run.scenario);
    let (plot, panel) = style::layout(root, &title)?;
    let stats: Vec<&LatencyStats> = run
        .deployments
        .iter()
        .map(|d| &d.recorder.latency)
        .collect();
    let (lo, hi) = x_range(&stats);
    let body: Vec<Vec<(f64, f64)>> = stats.iter().map(|s| cdf_points(s, lo)).collect();
    let tail: Vec<Vec<(f64, f64)>> = stats.iter().map(|s| tail_points(s, lo)).collect();
    let below: Vec<f64> = stats.iter().map(|s| share_below(s, lo)).collect();
    let twins = palette::same_as(&body);
    let bottom = tail_bottom(&stats);
    let xs = log_axis::ticks(lo, hi);
    let clamped = below.iter().any(|&b| b > 0.0);

    let height = plot.dim_in_pixel().1;
    let (top_area, tail_area) = plot.split_vertically((height as f64 * BODY_SHARE) as u32);
    let muted = style::label_font().color(&style::MUTED);

    // Body: the CDF, linear share.
    let mut chart = ChartBuilder::on(&top_area)
        .margin_top(10)
        .margin_left(20)
        .margin_right(30)
        .x_label_area_size(34)
        .y_label_area_size(Y_LABELS)
        .build_cartesian_2d((lo..hi).log_scale(), 0.0..1.0)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .max_light_lines(0)
        .bold_line_style(style::GRID_MID)
        .axis_style(style::INK)
        .x_labels(1)
        .x_label_formatter(&|_| String::new())
        .y_labels(6)
        .y_label_formatter(&|v| format!("{:.0}%", v * 100.0))
        .y_label_style(style::tick_font())
        .y_desc("at or below (%)")
        .axis_desc_style(style::axis_desc_font())
        .draw()?;
    axes::draw_x_ticks(&mut chart, root, &xs, (0.0, 1.0), &log_axis::ms_label)?;
    reference(&mut chart, (lo, hi), 0.5, "p50 (median)", &muted)?;
    for (i, points) in body.iter().enumerate() {
        palette::draw_deployment_line(&mut chart, points, i, 2)?;
    }
    if body.iter().all(Vec::is_empty) {
        let note = style::axis_desc_font()
            .color(&style::MUTED)
            .pos(Pos::new(HPos::Center, VPos::Center));
        let (x, y) = chart.backend_coord(&((lo * hi).sqrt(), 0.5));
        root.draw_text("no completed requests", &note, (x, y + 20))?;
    }

    // Tail: the CCDF, log share.
    let x_desc = if clamped {
        format!(
            "latency (log scale); faster than {} drawn at {0}",
            log_axis::ms_label(lo)
        )
    } else {
        "latency (log scale)".to_string()
    };
    let mut chart = ChartBuilder::on(&tail_area)
        .margin_top(14)
        .margin_left(20)
        .margin_right(30)
        .margin_bottom(6)
        .x_label_area_size(60)
        .y_label_area_size(Y_LABELS)
        .build_cartesian_2d((lo..hi).log_scale(), (bottom..TAIL_TOP).log_scale())?;
    chart
        .configure_mesh()
        .disable_mesh()
        .axis_style(style::INK)
        .x_labels(1)
        .y_labels(1)
        .x_label_formatter(&|_| String::new())
        .y_label_formatter(&|_| String::new())
        .x_desc(x_desc)
        .y_desc("slower than (log)")
        .axis_desc_style(style::axis_desc_font())
        .draw()?;
    let shares: Vec<f64> = (0..)
        .map(|k| TAIL_TOP * 10f64.powi(-k))
        .take_while(|&s| s >= bottom * (1.0 - 1e-9))
        .collect();
    axes::draw_x_ticks(
        &mut chart,
        root,
        &xs,
        (bottom, TAIL_TOP),
        &log_axis::ms_label,
    )?;
    let share_font = style::tick_font().pos(Pos::new(HPos::Left, VPos::Center));
    for &s in &shares {
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(lo, s), (hi, s)],
            style::GRID_MID.stroke_width(1),
        )))?;
        let (x, y) = chart.backend_coord(&(lo, s));
        let label = share_label(s);
        let (w, _) = root.estimate_text_size(&label, &share_font)?;
        root.draw_text(&label, &share_font, (x - 8 - w as i32, y))?;
    }
    if shares.len() > 1 {
        reference(&mut chart, (lo, hi), 0.01, "p99", &muted)?;
    }
    for (i, points) in tail.iter().enumerate() {
        palette::draw_deployment_line(&mut chart, points, i, 2)?;
    }

    let mut entries = Vec::new();
    for (i, d) in run.deployments.iter().enumerate() {
        let label = if body[i].is_empty() {
            format!("{} (none completed)", d.name)
        } else {
            d.name.clone()
        };
        entries.push(Entry {
            label,
            color: style::color(i),
            mark: style::deployment_mark(i),
        });
        if let (Some(p50), Some(p99)) = (stats[i].quantile_us(0.5), stats[i].quantile_us(0.99)) {
            entries.push(Entry {
                label: format!("p50 {}, p99 {}", short_ms(p50), short_ms(p99)),
                color: style::color(i),
                mark: Mark::Note,
            });
        }
        let note = match twins[i] {
            Some(j) => Some(format!("= {}", run.deployments[j].name)),
            None if below[i] > 0.0 => Some(format!(
                "{}% faster than {}",
                percent(below[i]),
                log_axis::ms_label(lo)
            )),
            None => None,
        };
        if let Some(label) = note {
            entries.push(Entry {
                label,
                color: style::color(i),
                mark: Mark::Note,
            });
        }
    }
    style::legend(&panel, "deployment", &entries)
}

/// A latency of `us` µs in three significant figures with its unit: `0.25 ms`, `4.5 ms`,
/// `258 ms`, `1.9 s`, `14.6 s`, `402 s`.
fn short_ms(us: u64) -> String {
    let ms = us as f64 / 1e3;
    let sig = |v: f64| {
        if v < 1.0 {
            format!("{v:.2}")
        } else if v < 10.0 {
            format!("{v:.1}")
        } else {
            format!("{v:.0}")
        }
    };
    if ms < 1_000.0 {
        format!("{} ms", sig(ms))
    } else if ms < 100_000.0 {
        format!("{:.1} s", ms / 1e3)
    } else {
        format!("{:.0} s", ms / 1e3)
    }
}

/// A share as a short percentage: `5.2`, `0.03`, `<0.01`.
fn percent(share: f64) -> String {
    let pct = share * 100.0;
    if pct >= 1.0 {
        format!("{pct:.1}")
    } else if pct >= 0.01 {
        format!("{pct:.2}")
    } else {
        "<0.01".into()
    }
}

/// A dashed reference line across the chart at share `y`, named at its right end, above it.
fn reference<DB: DrawingBackend, CT>(
    chart: &mut ChartContext<'_, DB, CT>,
    (lo, hi): (f64, f64),
    y: f64,
    name: &str,
    font: &TextStyle,
) -> DrawResult
where
    DB::ErrorType: 'static,
    CT: plotters::coord::CoordTranslate<From = (f64, f64)>,
{
    chart.draw_series(std::iter::once(DashedPathElement::new(
        vec![(lo, y), (hi, y)],
        6,
        6,
        style::MUTED.stroke_width(1),
    )))?;
    let font = font.clone().pos(Pos::new(HPos::Right, VPos::Bottom));
    chart.draw_series(std::iter::once(
        EmptyElement::at((hi, y)) + Text::new(name.to_string(), (-6, -3), font),
    ))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testutil::{idle_run, png_size, tiny_run};

    /// Latencies of `from..=to` µs in steps of `step`, plus `zeros` requests of 0 µs.
    #[test]
    fn share_ticks_name_their_percentile() {
        assert_eq!(share_label(0.1), "10% (p90)");
        assert_eq!(share_label(0.01), "1% (p99)");
        assert_eq!(share_label(0.001), "0.1% (p99.9)");
        assert_eq!(share_label(1e-4), "0.01% (p99.99)");
        assert_eq!(short_ms(250), "0.25 ms");
        assert_eq!(short_ms(4_500), "4.5 ms");
        assert_eq!(short_ms(257_663), "258 ms");
        assert_eq!(short_ms(14_639_103), "14.6 s");
        assert_eq!(short_ms(402_290_326), "402 s");
        assert_eq!(percent(0.0523), "5.2");
        assert_eq!(percent(0.0003), "0.03");
        assert_eq!(percent(1e-5), "<0.01");
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
