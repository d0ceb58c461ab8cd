//! `instances.png`: what each deployment's instances were doing over time, one strip per
//! deployment (scenario order), all on the same time axis. Each strip stacks three time
//! averages per bucket (from the recorder's levels, [`crate::metrics::Level`]):
//!
//! - **busy** (bottom, in the deployment's colour): instances serving at least one request
//!   (a FaaS instance with several calls in flight counts once; a fleet VM with at least one
//!   busy worker);
//! - **starting** (middle, dark grey): FaaS instances in their cold start, servers booting;
//! - **idle** (top, a light tint of the colour): FaaS instances kept warm serving nothing,
//!   fleet VMs running with no busy worker.
//!
//! A fleet's strip also draws its **worker utilisation** as a dark line: busy workers divided
//! by the workers per VM (so the line reaches the stack's top when every worker of every
//! running VM is busy), and its caption gives the mean share of workers busy.
//!
//! An autoscaled deployment's strip (`autoscale`, fleet or FaaS) also draws the autoscaler's
//! **desired** instance count as a step line in [`DESIRED`] ([`desired`], from the recorder's
//! [`crate::metrics::ScalingTrace`]), and each **scale event** as a marker on it where the
//! count changed: a triangle for a scale-out, a cross for a scale-in. Running instances (the
//! stack's top) trail the desired count by a boot after a scale-out, and by draining after a
//! scale-in.
//!
//! The top of the stack is every instance that exists (for a fleet: every running VM), so
//! busy and idle capacity read at a glance, and FaaS and fleets are never mixed on one axis.
//! Each strip has its own y scale (its caption gives the peak and means). Time ticks fall
//! on round steps ([`super::axes::time_step`]: every 2 h for a day). The image grows by
//! [`STRIP_H`] pixels a strip beyond four deployments; at most [`MAX_STRIPS`] are drawn, and
//! the chart says how many more are only in `timeseries.csv`.

use std::path::Path;

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::axes;
use super::desired::{self, DESIRED, desired_steps};
use super::style::{self, DrawResult, Entry, Mark, TimeUnit};
use crate::error::SimError;
use crate::metrics::{Level, Recorder};
use crate::platform::DeploymentResult;
use crate::report::Exporter;
use crate::run::RunResult;

/// Writes `instances.png`.
pub struct InstancesChart;

/// Height of one deployment's strip beyond the fourth, in pixels.
pub const STRIP_H: u32 = 130;
/// Most strips drawn.
pub const MAX_STRIPS: usize = 12;
/// Room under the strips for the time labels and the axis title.
const BOTTOM: u32 = 70;
/// Colour of starting instances.
pub const STARTING: RGBColor = RGBColor(70, 70, 70);

impl Exporter for InstancesChart {
    fn file_name(&self) -> &'static str {
        "instances.png"
    }

    fn write(&self, run: &RunResult, path: &Path) -> Result<(), SimError> {
        let size = (style::SIZE.0, height(run.deployments.len()));
        style::render_sized(path, size, |root| draw(run, root))
    }

    fn svg(&self, run: &RunResult) -> Option<Result<String, SimError>> {
        let size = (style::SIZE.0, height(run.deployments.len()));
        Some(style::render_svg(size, |root| draw(run, root)))
    }
}

/// The image height for `n` deployments: [`style::SIZE`]'s up to four, then [`STRIP_H`] more
/// per strip, up to [`MAX_STRIPS`].
pub fn height(n: usize) -> u32 {
    style::SIZE.1 + n.clamp(4, MAX_STRIPS).saturating_sub(4) as u32 * STRIP_H
}

/// The light tint of `c` idle instances are drawn in: 35% of the colour on white.
pub fn idle_tint(c: RGBColor) -> RGBColor {
    let mix = |v: u8| (f64::from(v) * 0.35 + 255.0 * 0.65).round() as u8;
    RGBColor(mix(c.0), mix(c.1), mix(c.2))
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

fn draw<DB: DrawingBackend>(run: &RunResult, root: &style::Area<DB>) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let title = format!(
        "{}: instances over time, by what they were doing",
        run.scenario
    );
    let (plot, panel) = style::layout(root, &title)?;
    let unit = TimeUnit::for_window(run.window.measured());
    let end = unit.of(run.window.measured()).max(f64::MIN_POSITIVE);
    let ticks = axes::time_ticks(run.window.measured(), unit);
    let shown = run.deployments.len().min(MAX_STRIPS);
    let (w, h) = plot.dim_in_pixel();
    let (strips, bottom) = plot.split_vertically(h.saturating_sub(BOTTOM));
    let desc = format!(
        "{}; each step is the average over {}",
        axes::time_desc(&run.window, unit),
        bucket_text(run.window.bucket)
    );
    let centre = style::axis_desc_font().pos(Pos::new(HPos::Center, VPos::Bottom));
    bottom.draw_text(&desc, &centre, (w as i32 / 2, BOTTOM as i32 - 8))?;
    if shown == 0 {
        let note = style::axis_desc_font()
            .color(&style::MUTED)
            .pos(Pos::new(HPos::Center, VPos::Center));
        strips.draw_text("no deployment", &note, (w as i32 / 2, h as i32 / 2))?;
    }
    let areas = strips.split_evenly((shown.max(1), 1));
    for (i, (d, area)) in run.deployments.iter().zip(&areas).enumerate() {
        let last = i + 1 == shown;
        strip(d, i, area, root, unit, end, &ticks, last)?;
    }

    let mut entries = vec![
        Entry {
            label: "busy: serving ≥ 1 request".into(),
            color: RGBColor(110, 110, 110),
            mark: Mark::Box,
        },
        Entry {
            label: "starting: cold start, boot".into(),
            color: STARTING,
            mark: Mark::Box,
        },
        Entry {
            label: "idle: warm, serving none".into(),
            color: idle_tint(RGBColor(110, 110, 110)),
            mark: Mark::Box,
        },
    ];
    if run.deployments.iter().any(|d| d.model == "fleet") {
        entries.push(Entry {
            label: "line: fleet workers busy".into(),
            color: style::INK,
            mark: Mark::Line,
        });
    }
    if run
        .deployments
        .iter()
        .any(|d| d.recorder.scaling.is_autoscaled())
    {
        entries.push(Entry {
            label: "desired (autoscaler)".into(),
            color: DESIRED,
            mark: Mark::Line,
        });
        entries.push(Entry {
            label: "▲ scale-out, ✕ scale-in".into(),
            color: DESIRED,
            mark: Mark::Note,
        });
    }
    for note in [
        "busy in the deployment's",
        "colour, idle in its tint;",
        "the stack's top: all",
        "instances (fleet: running)",
    ] {
        entries.push(Entry {
            label: note.into(),
            color: style::MUTED,
            mark: Mark::Note,
        });
    }
    if run.deployments.len() > shown {
        entries.push(Entry {
            label: format!("{} more: timeseries.csv", run.deployments.len() - shown),
            color: style::MUTED,
            mark: Mark::Note,
        });
    }
    style::legend(&panel, "instances (time average)", &entries)
}

/// Draws deployment `i`'s strip on `area`; time labels only under the `last` one.
#[allow(clippy::too_many_arguments)]
fn strip<DB: DrawingBackend>(
    d: &DeploymentResult,
    i: usize,
    area: &style::Area<DB>,
    root: &style::Area<DB>,
    unit: TimeUnit,
    end: f64,
    ticks: &[f64],
    last: bool,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let rec = &d.recorder;
    let busy = steps(rec, &[Level::Busy], unit);
    let in_use = steps(rec, &[Level::Busy, Level::Starting], unit);
    let all = steps(rec, &[Level::Busy, Level::Starting, Level::Idle], unit);
    let desired = desired_steps(&rec.scaling, unit, end);
    let peak = all.iter().map(|p| p.1).fold(0.0, f64::max);
    let max = desired.iter().map(|p| p.1).fold(peak, f64::max);
    let mut chart = ChartBuilder::on(area)
        .margin_top(26)
        .margin_left(20)
        .margin_right(30)
        .margin_bottom(4)
        .y_label_area_size(80)
        .build_cartesian_2d(0.0..end, 0.0..style::top(max, 0.1))?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .max_light_lines(0)
        .bold_line_style(style::GRID_LIGHT)
        .axis_style(style::INK)
        .y_labels(4)
        .y_label_formatter(&|v| style::axis_number(*v))
        .y_label_style(style::tick_font())
        .draw()?;
    let label = |x: f64| {
        if last {
            style::axis_number(x)
        } else {
            String::new()
        }
    };
    let top = style::top(max, 0.1);
    axes::draw_x_ticks(&mut chart, root, ticks, (0.0, top), &label)?;
    let color = style::color(i);
    chart.draw_series(AreaSeries::new(all, 0.0, idle_tint(color).filled()))?;
    chart.draw_series(AreaSeries::new(in_use, 0.0, STARTING.filled()))?;
    chart.draw_series(AreaSeries::new(busy, 0.0, color.filled()))?;
    let fleet = d.model == "fleet";
    if fleet {
        // Busy workers in VMs' worth: the line sits at the stack's top when every worker of
        // every running VM is busy.
        let slots = f64::from(rec.slots_per_instance.max(1));
        let workers: Vec<(f64, f64)> = steps(rec, &[Level::BusySlots], unit)
            .into_iter()
            .map(|(t, v)| (t, v / slots))
            .collect();
        chart.draw_series(LineSeries::new(workers, style::INK.stroke_width(2)))?;
    }
    desired::draw(&mut chart, &rec.scaling, desired, unit, end)?;

    let mean = |l: Level| rec.levels[l as usize].window_mean();
    let kind = if d.model == "fleet" {
        "fleet VMs"
    } else {
        "FaaS instances"
    };
    let utilisation = if fleet {
        let running = mean(Level::Busy) + mean(Level::Idle);
        let capacity = running * f64::from(rec.slots_per_instance.max(1));
        let share = if capacity > 0.0 {
            100.0 * mean(Level::BusySlots) / capacity
        } else {
            0.0
        };
        format!("; workers busy {share:.1}%")
    } else {
        String::new()
    };
    let caption = if d.model == "client" {
        // No compute: the strip stays empty and says why.
        format!(
            "{} (client): no instances, the apps call the backend directly",
            style::shorten(&d.name)
        )
    } else {
        format!(
            "{} ({kind}): up to {} in all (bucket average); mean busy {}, idle {}, starting {}{utilisation}",
            style::shorten(&d.name),
            style::axis_number((peak * 10.0).round() / 10.0),
            one_decimal(mean(Level::Busy)),
            one_decimal(mean(Level::Idle)),
            one_decimal(mean(Level::Starting)),
        )
    };
    let font = style::label_font().pos(Pos::new(HPos::Left, VPos::Top));
    let (x, y) = chart.plotting_area().get_base_pixel();
    root.draw(&Rectangle::new(
        [(x, y - 20), (x + 12, y - 8)],
        color.filled(),
    ))?;
    root.draw_text(&caption, &font, (x + 18, y - 22))?;
    Ok(())
}

/// `v` with one decimal, `0` for zero.
fn one_decimal(v: f64) -> String {
    if v == 0.0 {
        "0".into()
    } else {
        format!("{v:.1}")
    }
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
    fn each_strip_stacks_busy_under_starting_and_idle_in_its_colours() {
        use crate::report::charts::pixels::{Image, PLOT};
        let run = crate::report::testutil::twins_run();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("instances.png");
        InstancesChart.write(&run, &path).unwrap();
        let image = Image::read(&path);
        // twin-a (FaaS, 2 min keep-alive) and servers (a fleet of 2 VMs, some idle).
        for i in [0, 2] {
            let busy = image.blob(style::color(i), PLOT).expect("busy instances");
            let idle = image
                .blob(idle_tint(style::color(i)), PLOT)
                .expect("idle ones");
            assert!(
                busy.count > 500 && idle.count > 500,
                "{i}: {busy:?} {idle:?}"
            );
            // Busy is at the bottom of the stack: every bucket has some, so the idle band
            // never reaches the strip's baseline.
            assert!(idle.bounds.y1 < busy.bounds.y1, "{i}: {busy:?} {idle:?}");
            assert!(
                f64::from(idle.bounds.y0) < busy.y,
                "{i}: idle is not stacked on top"
            );
        }
        // Cold starts show in the FaaS strips.
        assert!(image.count(STARTING, PLOT) > 20);
        // The strips come in scenario order, top to bottom.
        let tops: Vec<f64> = (0..4)
            .map(|i| image.blob(style::color(i), PLOT).unwrap().y)
            .collect();
        assert!(tops.windows(2).all(|w| w[0] < w[1]), "{tops:?}");
    }

    #[test]
    fn an_autoscaled_strip_draws_the_desired_count_and_its_scale_events() {
        use crate::report::charts::pixels::{Image, PLOT, Region};
        // The twins run with a desired series set by hand on its fleet (`servers`, third
        // strip): 2 instances, 5 from a third of the window (a scale-out), 3 from two thirds
        // (a scale-in).
        let mut run = crate::report::testutil::twins_run();
        let i = run
            .deployments
            .iter()
            .position(|d| d.model == "fleet")
            .expect("a fleet");
        let window = run.deployments[i].recorder.window();
        let trace = &mut run.deployments[i].recorder.scaling;
        trace.desired(0, 2);
        trace.desired(window / 3, 5);
        trace.desired(2 * window / 3, 3);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("instances.png");
        InstancesChart.write(&run, &path).unwrap();
        if let Ok(keep) = std::env::var("KEEP_CHART") {
            std::fs::copy(&path, keep).unwrap();
        }
        let image = Image::read(&path);
        let line = image.blob(DESIRED, PLOT).expect("the desired line");
        // A step line across the strip's width, with three levels: it spans most of the plot
        // horizontally, and lies in the fleet's strip (around its busy blob vertically).
        let busy = image
            .blob(style::color(i), PLOT)
            .expect("the fleet's busy instances");
        assert!(line.bounds.x1 - line.bounds.x0 > 600, "{line:?}");
        assert!(line.count > 1_000, "{line:?}");
        assert!(
            line.bounds.y0 < busy.bounds.y1 && busy.bounds.y0 < line.bounds.y1,
            "line {line:?} busy {busy:?}"
        );
        // The scale-out's triangle is a filled blob of the colour a third of the way along:
        // more desired pixels in a 14-pixel column there than a 2-pixel line gives.
        let plot_left = line.bounds.x0;
        let width = line.bounds.x1 - plot_left;
        let column = |x: u32| Region {
            x0: x.saturating_sub(7),
            y0: PLOT.y0,
            x1: x + 7,
            y1: u32::MAX,
        };
        let at_out = image.count(DESIRED, column(plot_left + width / 3));
        let plain = image.count(DESIRED, column(plot_left + width / 6));
        assert!(
            at_out > plain + 20,
            "triangle {at_out} vs plain line {plain}"
        );
        let at_in = image.count(DESIRED, column(plot_left + 2 * width / 3));
        assert!(at_in > plain + 10, "cross {at_in} vs plain line {plain}");
        // Deployments without a trace draw no desired line: a run without autoscaling has
        // none of the colour.
        let plain_run = crate::report::testutil::twins_run();
        InstancesChart.write(&plain_run, &path).unwrap();
        assert_eq!(Image::read(&path).count(DESIRED, PLOT), 0);
    }

    #[test]
    fn the_image_grows_with_the_strips_up_to_a_bound() {
        assert_eq!(height(0), style::SIZE.1);
        assert_eq!(height(4), style::SIZE.1);
        assert_eq!(height(6), style::SIZE.1 + 2 * STRIP_H);
        assert_eq!(height(100), style::SIZE.1 + 8 * STRIP_H);
        assert_eq!(idle_tint(RGBColor(0, 0, 0)), RGBColor(166, 166, 166));
    }

    #[test]
    fn draws_busy_and_idle_runs() {
        let dir = tempfile::tempdir().unwrap();
        for (i, run) in [tiny_run(), idle_run(&["idle"], 1)].iter().enumerate() {
            let path = dir.path().join(format!("instances{i}.png"));
            InstancesChart.write(run, &path).unwrap();
            assert_eq!(
                png_size(&path),
                (style::SIZE.0, height(run.deployments.len()))
            );
        }
    }
}
