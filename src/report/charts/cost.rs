//! `cost.png`: projected monthly cost per deployment, as horizontal bars stacked by cost
//! part ([`crate::pricing::CostPart`], named by what it meters: `requests`, `GiB-seconds`,
//! `vCPU-seconds`, `instance-months`, each backend service with the product that priced it,
//! `db: firebase-firestore`, the gateway, each fixed add-on on its own...), with each bar's
//! total written at its end (with the failure share of a deployment that does not serve the
//! workload); the value axis names the billing month the costs are per. A part that costs $0
//! in every deployment is left out (no bar, no legend entry). Horizontal, so that long
//! deployment names and many deployments stay readable. Each part keeps its colour in every
//! report ([`super::palette::part_color`]).

use std::path::Path;

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::palette::cost_colors;
use super::style::{self, DrawResult, Entry, Mark};
use crate::error::SimError;
use crate::pricing::{Bill, BillLine, Column};
use crate::report::Exporter;
use crate::report::slo::Slo;
use crate::report::verdict::not_served;
use crate::run::RunResult;

/// Writes `cost.png`.
pub struct CostChart;

impl Exporter for CostChart {
    fn file_name(&self) -> &'static str {
        "cost.png"
    }

    fn write(&self, run: &RunResult, path: &Path) -> Result<(), SimError> {
        style::render(path, |root| draw(run, root))
    }

    fn svg(&self, run: &RunResult) -> Option<Result<String, SimError>> {
        Some(style::render_svg(style::SIZE, |root| draw(run, root)))
    }
}

/// The value axis' title: `projected cost per month of 730.5 h (USD)`.
fn axis_title(run: &RunResult) -> String {
    format!(
        "projected cost per month of {} h (USD)",
        crate::report::format::month_hours(run.window.month)
    )
}

/// One stacked piece of the cost bars: the bill lines of one column that share a label (one
/// cost part, [`crate::pricing::CostPart`], in whichever deployments have it).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BarPart {
    pub column: Column,
    /// The part's label, as its legend entry reads.
    pub label: String,
}

/// The bar part a bill line belongs to.
pub fn part_of(line: &BillLine) -> BarPart {
    BarPart {
        column: line.part.column.clone(),
        label: line.part.label.clone(),
    }
}

/// The parts of `run`'s bars, sorted (columns in `summary.csv`'s order, then labels): those
/// that cost something in some deployment; a part at $0 in every deployment has no bar and
/// no legend entry.
pub fn parts(run: &RunResult) -> Vec<BarPart> {
    let mut usd: std::collections::BTreeMap<BarPart, f64> = std::collections::BTreeMap::new();
    for line in run.deployments.iter().flat_map(|d| &d.bill.lines) {
        *usd.entry(part_of(line)).or_default() += line.monthly_usd;
    }
    usd.into_iter()
        .filter(|(_, usd)| *usd > 0.0)
        .map(|(part, _)| part)
        .collect()
}

/// The colours of `parts` in one chart ([`cost_colors`] of their labels).
pub fn part_colors(parts: &[BarPart]) -> Vec<RGBColor> {
    let labels: Vec<&str> = parts.iter().map(|p| p.label.as_str()).collect();
    cost_colors(&labels)
}

/// Monthly USD of `bill`'s lines in `part`.
pub fn monthly_usd_of(bill: &Bill, part: &BarPart) -> f64 {
    bill.lines
        .iter()
        .filter(|l| &part_of(l) == part)
        .map(|l| l.monthly_usd)
        .sum()
}

/// The text at the end of a deployment's bar: its monthly total, and for a deployment that
/// does not serve the workload ([`crate::report::verdict`]) why (its failure share, its
/// overload, or the slo percentile it missed), so a bar that is short because requests
/// failed, never ended or took too long does not read as cheap.
pub fn total_text(d: &crate::platform::DeploymentResult, slo: &Slo) -> String {
    let total = format!("${:.2}", d.bill.monthly_usd + 0.0);
    match not_served(d, slo) {
        None => total,
        Some(why) => format!("{total} ({}: not compared)", why.short()),
    }
}

fn draw<DB: DrawingBackend>(run: &RunResult, root: &style::Area<DB>) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let title = format!("{}: projected monthly cost by part", run.scenario);
    let (plot, panel) = style::layout(root, &title)?;
    let components = parts(run);
    let colors = part_colors(&components);
    let n = run.deployments.len().max(1);
    let totals: Vec<f64> = run.deployments.iter().map(|d| d.bill.monthly_usd).collect();
    let max = totals.iter().copied().fold(0.0, f64::max);
    let names: Vec<String> = run
        .deployments
        .iter()
        .map(|d| style::shorten(&d.name))
        .collect();
    // Deployments top to bottom in scenario order: deployment i fills [r, r + 1) on the value
    // axis, r = n - 1 - i. Names are drawn beside the axis, centred on their bars.
    let row = |i: usize| (n - 1 - i) as f64;
    let name_width = names
        .iter()
        .map(|s| plot.estimate_text_size(s, &style::label_font()))
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .map(|(w, _)| w)
        .max()
        .unwrap_or(0);

    // The value axis ends 18% past the longest bar, or further when a total's text would not
    // fit after its bar: bar x (width / top) + text + 12 pixels <= width.
    let name_area = name_width.clamp(40, 320) + 16;
    let width = f64::from(
        plot.dim_in_pixel()
            .0
            .saturating_sub(name_area + 40)
            .max(100),
    );
    let mut x_top = style::top(max, 0.18);
    for d in &run.deployments {
        let (text_w, _) =
            plot.estimate_text_size(&total_text(d, &run.slo), &style::label_font())?;
        let room = width - f64::from(text_w) - 12.0;
        if room > width / 4.0 {
            x_top = x_top.max(d.bill.monthly_usd * width / room);
        }
    }
    let mut chart = ChartBuilder::on(&plot)
        .margin_top(10)
        .margin_left(20)
        .margin_right(20)
        .margin_bottom(10)
        .x_label_area_size(60)
        .y_label_area_size(name_area)
        .build_cartesian_2d(0.0..x_top, 0.0..n as f64)?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .max_light_lines(1)
        .light_line_style(style::GRID_LIGHT)
        .bold_line_style(style::GRID_BOLD)
        .axis_style(style::INK)
        .x_labels(10)
        .y_labels(0)
        .x_label_formatter(&|v| style::usd_tick(*v))
        .x_label_style(style::tick_font())
        .x_desc(axis_title(run))
        .axis_desc_style(style::axis_desc_font())
        .draw()?;

    // Bars take 60% of their row, at most 80 pixels.
    let slot = chart.plotting_area().dim_in_pixel().1 as f64 / n as f64;
    let gap = (0.2f64).max((slot - 80.0) / 2.0 / slot.max(1.0));
    let mut base = vec![0.0; run.deployments.len()];
    for (k, c) in components.iter().enumerate() {
        let fill = colors[k].filled();
        let bars: Vec<_> = run
            .deployments
            .iter()
            .enumerate()
            .map(|(i, d)| {
                let from = base[i];
                let to = from + monthly_usd_of(&d.bill, c);
                base[i] = to;
                Rectangle::new([(from, row(i) + gap), (to, row(i) + 1.0 - gap)], fill)
            })
            .collect();
        chart.draw_series(bars)?;
    }
    let total_font = style::label_font().pos(Pos::new(HPos::Left, VPos::Center));
    chart.draw_series(run.deployments.iter().enumerate().map(|(i, d)| {
        EmptyElement::at((d.bill.monthly_usd, row(i) + 0.5))
            + Text::new(total_text(d, &run.slo), (8, 0), total_font.clone())
    }))?;
    let name_font = style::label_font().pos(Pos::new(HPos::Right, VPos::Center));
    for (i, name) in names.iter().enumerate() {
        let (x, y) = chart.backend_coord(&(0.0, row(i) + 0.5));
        root.draw_text(name, &name_font, (x - 10, y))?;
    }

    let entries: Vec<Entry> = components
        .iter()
        .enumerate()
        .map(|(k, c)| Entry {
            label: c.label.clone(),
            color: colors[k],
            mark: Mark::Box,
        })
        .collect();
    style::legend(&panel, "cost part", &entries)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testutil::{idle_run, png_size, tiny_run};

    #[test]
    fn draws_a_png_of_the_chart_size() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cost.png");
        CostChart.write(&tiny_run(), &path).unwrap();
        assert_eq!(png_size(&path), style::SIZE);
    }

    #[test]
    fn the_total_of_the_longest_bar_stays_inside_the_plot() {
        use crate::report::charts::pixels::{Image, Region};
        // The deployment that fails its traffic is made the dearest: its long total text
        // must still end left of the legend panel.
        let mut run = crate::report::testutil::twins_run();
        let dearest = run
            .deployments
            .iter()
            .map(|d| d.bill.monthly_usd)
            .fold(0.0, f64::max);
        let factor = 4.0 * dearest / run.deployments[3].bill.monthly_usd;
        for line in &mut run.deployments[3].bill.lines {
            line.monthly_usd *= factor;
        }
        run.deployments[3].bill.monthly_usd = 4.0 * dearest;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cost.png");
        CostChart.write(&run, &path).unwrap();
        let image = Image::read(&path);
        // The plot's right margin (20 px) left of the legend panel at 930 holds no text.
        let margin = Region {
            x0: 912,
            y0: 56,
            x1: 930,
            y1: 640,
        };
        assert_eq!(image.dark(margin), 0);
        // The text is there, at the bottom bar's end.
        let row = Region {
            x0: 500,
            y0: 520,
            x1: 912,
            y1: 600,
        };
        assert!(image.dark(row) > 200, "{}", image.dark(row));
    }

    #[test]
    fn a_deployment_that_fails_its_traffic_says_so_at_its_bar() {
        let run = crate::report::testutil::twins_run();
        let capped = &run.deployments[3];
        let t = capped.recorder.totals;
        let share = t.failed as f64 / t.requests as f64;
        assert!(share > 0.01, "{t:?}");
        assert_eq!(
            total_text(capped, &Slo::NONE),
            format!(
                "${:.2} ({:.1}% failed: not compared)",
                capped.bill.monthly_usd,
                share * 100.0
            )
        );
        assert_eq!(
            total_text(&run.deployments[0], &Slo::NONE),
            format!("${:.2}", run.deployments[0].bill.monthly_usd)
        );
        // An overloaded fleet failed nothing: its bar names the overload instead.
        let mut fleet = run.deployments[0].clone();
        fleet.recorder.utilisation = Some(1.25);
        fleet.recorder.totals.unfinished = fleet.recorder.totals.requests / 4;
        let unfinished = 100.0 * (fleet.recorder.totals.requests / 4) as f64
            / fleet.recorder.totals.requests as f64;
        assert_eq!(
            total_text(&fleet, &Slo::NONE),
            format!(
                "${:.2} (overloaded, {unfinished:.1}% unfinished: not compared)",
                fleet.bill.monthly_usd
            )
        );
    }

    #[test]
    fn the_value_axis_names_the_month() {
        let mut run = idle_run(&["free"], 1);
        assert_eq!(
            axis_title(&run),
            "projected cost per month of 730.5 h (USD)"
        );
        run.window.month = 720 * crate::engine::time::HOUR;
        assert_eq!(axis_title(&run), "projected cost per month of 720 h (USD)");
    }

    #[test]
    fn draws_free_and_single_deployments() {
        let dir = tempfile::tempdir().unwrap();
        for (i, run) in [idle_run(&["free"], 1), idle_run(&["a", "b", "c"], 4)]
            .iter()
            .enumerate()
        {
            let path = dir.path().join(format!("cost{i}.png"));
            CostChart.write(run, &path).unwrap();
            assert_eq!(png_size(&path), style::SIZE);
        }
    }
}
