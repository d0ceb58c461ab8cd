//! `cost_latency.png`: the trade-off a reader decides on, one point per deployment at
//! (projected monthly cost, p99 latency of completed requests). Lower left is better:
//! cheaper and faster.
//!
//! - A deployment that **serves the workload** ([`crate::report::verdict`]: at most 1% of its
//!   requests failed) is a filled circle in its colour ([`super::palette`]); its name is
//!   written beside it, with its failure share when any request failed (`api (0.4% failed)`).
//! - One that does **not** is a hollow circle crossed out, named with `not compared: 35.2%
//!   failed`: its cost is low for the wrong reason (a throttled request costs nothing) and its
//!   p99 only counts the requests that completed.
//! - One that completed nothing has no p99 and is not placed; the legend says so.
//!
//! An axis is logarithmic when its values span more than a factor of [`LOG_FROM`] (and none is
//! 0), else linear from 0. Points closer than a marker's width are drawn as nested rings (the
//! earlier deployment larger, underneath), so each shows, and share one name, `a, b`
//! ([`super::markers::groups`]). Names are written in ink (no colour swatch: it would read as
//! another point) beside their point, never more than [`labels::MAX_DISTANCE`] pixels from
//! it, inside the plot, clear of the markers and of each other where there is room, with a
//! leader line when they had to move ([`super::labels`]).

use std::path::Path;

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::labels::{self, Placed, Rect};
use super::log_axis::{self, nice_down, nice_up};
use super::markers::{RADIUS, RING, groups, rings};
use super::style::{self, DrawResult, Entry, Mark};
use super::{axes, palette};
use crate::error::SimError;
use crate::report::Exporter;
use crate::report::format::month_hours;
use crate::report::verdict::{failed_share, not_served, serves_workload};
use crate::run::RunResult;

/// Writes `cost_latency.png`.
pub struct CostLatencyChart;

/// Values spanning more than this factor get a log axis.
pub const LOG_FROM: f64 = 10.0;
/// Room left right of the largest cost on a linear axis, for the names (a share of it).
const X_ROOM: f64 = 0.35;

impl Exporter for CostLatencyChart {
    fn file_name(&self) -> &'static str {
        "cost_latency.png"
    }

    fn write(&self, run: &RunResult, path: &Path) -> Result<(), SimError> {
        style::render(path, |root| draw(run, root))
    }

    fn svg(&self, run: &RunResult) -> Option<Result<String, SimError>> {
        Some(style::render_svg(style::SIZE, |root| draw(run, root)))
    }
}

/// One deployment on the chart.
#[derive(Clone, Debug, PartialEq)]
pub struct Point {
    /// The deployment's index in the scenario (its colour).
    pub index: usize,
    pub name: String,
    pub monthly_usd: f64,
    /// p99 latency (ms); `None` when nothing completed.
    pub p99_ms: Option<f64>,
    pub failed_share: f64,
    pub serves: bool,
    /// Why it is not compared, in a few words ([`crate::report::verdict::NotServed::short`]);
    /// empty when it serves the workload.
    pub excluded_because: String,
}

/// The points of `run`, in scenario order.
pub fn points(run: &RunResult) -> Vec<Point> {
    run.deployments
        .iter()
        .enumerate()
        .map(|(index, d)| Point {
            index,
            name: d.name.clone(),
            monthly_usd: d.bill.monthly_usd,
            p99_ms: d
                .recorder
                .latency
                .quantile_us(0.99)
                .map(|us| us as f64 / 1e3),
            failed_share: failed_share(d),
            serves: serves_workload(d, &run.slo),
            excluded_because: not_served(d, &run.slo)
                .map(|why| why.short())
                .unwrap_or_default(),
        })
        .collect()
}

/// A value axis: linear from 0, or logarithmic; values are placed at [`Scale::pos`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Scale {
    pub log: bool,
    /// The ends of the axis, in values.
    pub lo: f64,
    pub hi: f64,
}

impl Scale {
    /// The scale holding `values` (see the module docs), leaving `room` (a share of the
    /// largest value) above it when linear; 0 to 1 when there is none.
    pub fn for_values(values: &[f64], room: f64) -> Self {
        let min = values.iter().copied().fold(f64::INFINITY, f64::min);
        let max = values.iter().copied().fold(0.0, f64::max);
        if min > 0.0 && min.is_finite() && max / min > LOG_FROM {
            Self {
                log: true,
                lo: nice_down(min / 1.5),
                hi: nice_up(max * 1.5),
            }
        } else {
            Self {
                log: false,
                lo: 0.0,
                hi: style::top(max, room),
            }
        }
    }

    /// Where `v` goes on the chart's (linear) coordinate.
    pub fn pos(&self, v: f64) -> f64 {
        if self.log { v.log10() } else { v }
    }

    /// The chart coordinate range.
    fn range(&self) -> std::ops::Range<f64> {
        self.pos(self.lo)..self.pos(self.hi)
    }

    /// The tick values.
    pub fn ticks(&self) -> Vec<f64> {
        if self.log {
            log_axis::ticks(self.lo, self.hi)
        } else {
            axes::linear_ticks(self.lo, self.hi)
        }
    }

    /// ` (log scale)` for a log axis.
    fn note(&self) -> &'static str {
        if self.log { ", log scale" } else { "" }
    }
}

/// The name written beside a point.
fn point_label(p: &Point) -> String {
    let name = style::shorten(&p.name);
    let pct = p.failed_share * 100.0;
    if !p.serves {
        format!("{name} (not compared: {})", p.excluded_because)
    } else if p.failed_share > 0.0 {
        format!("{name} ({pct:.2}% failed)")
    } else {
        name
    }
}

fn draw<DB: DrawingBackend>(run: &RunResult, root: &style::Area<DB>) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let title = format!("{}: monthly cost against p99 latency", run.scenario);
    let month = month_hours(run.window.month);
    draw_points(&title, &month, &points(run), root).map(|_| ())
}

/// Draws the chart of `all` (titled `title`, costs per month of `month_hours` hours) and
/// returns where its names went.
pub fn draw_points<DB: DrawingBackend>(
    title: &str,
    month_hours: &str,
    all: &[Point],
    root: &style::Area<DB>,
) -> Result<Vec<Placed>, Box<dyn std::error::Error + Send + Sync>>
where
    DB::ErrorType: 'static,
{
    let (area, panel) = style::layout(root, title)?;
    let placed: Vec<&Point> = all.iter().filter(|p| p.p99_ms.is_some()).collect();
    let costs: Vec<f64> = placed.iter().map(|p| p.monthly_usd).collect();
    let xs = Scale::for_values(&costs, X_ROOM);
    let ys = Scale::for_values(
        &placed.iter().filter_map(|p| p.p99_ms).collect::<Vec<_>>(),
        0.15,
    );

    let mut chart = ChartBuilder::on(&area)
        .margin_top(10)
        .margin_left(20)
        .margin_right(30)
        .margin_bottom(10)
        .x_label_area_size(60)
        .y_label_area_size(90)
        .build_cartesian_2d(xs.range(), ys.range())?;
    chart
        .configure_mesh()
        .disable_mesh()
        .axis_style(style::INK)
        .x_labels(1)
        .y_labels(1)
        .x_label_formatter(&|_| String::new())
        .y_label_formatter(&|_| String::new())
        .x_desc(format!(
            "projected cost per month of {month_hours} h (USD{}); lower left is better",
            xs.note()
        ))
        .y_desc(format!("p99 latency (ms{})", ys.note()))
        .axis_desc_style(style::axis_desc_font())
        .draw()?;
    let x_ticks: Vec<f64> = xs.ticks().iter().map(|&v| xs.pos(v)).collect();
    let y_ticks: Vec<f64> = ys.ticks().iter().map(|&v| ys.pos(v)).collect();
    let (xr, yr) = (xs.range(), ys.range());
    let unlog = |s: &Scale, v: f64| if s.log { 10f64.powf(v) } else { v };
    let usd = |v: f64| style::usd_tick(round_tick(unlog(&xs, v)));
    let ms = |v: f64| log_axis::ms_label(round_tick(unlog(&ys, v)));
    axes::draw_x_ticks(&mut chart, root, &x_ticks, (yr.start, yr.end), &usd)?;
    axes::draw_y_ticks(&mut chart, root, &y_ticks, (xr.start, xr.end), &ms)?;

    if placed.is_empty() {
        let (w, h) = area.dim_in_pixel();
        let note = style::label_font()
            .color(&style::MUTED)
            .pos(Pos::new(HPos::Center, VPos::Center));
        area.draw_text("no completed request", &note, (w as i32 / 2, h as i32 / 2))?;
    }
    let centres: Vec<(i32, i32)> = placed
        .iter()
        .map(|p| chart.backend_coord(&(xs.pos(p.monthly_usd), ys.pos(p.p99_ms.unwrap_or(0.0)))))
        .collect();
    let extras = rings(&centres);
    for ((p, &c), &extra) in placed.iter().zip(&centres).zip(&extras) {
        draw_marker(root, p, c, RADIUS + RING * extra)?;
    }
    let bounds = Rect::of_ranges(chart.plotting_area().get_pixel_range());
    let labels = draw_labels(root, &placed, &centres, &extras, &bounds)?;

    let mut entries = Vec::new();
    for p in all {
        entries.push(Entry {
            label: p.name.clone(),
            color: palette::deployment_color(p.index),
            mark: Mark::Dot,
        });
        let note = match (p.p99_ms, p.serves) {
            (None, _) => Some("none completed: not placed".to_string()),
            (Some(_), false) => Some(format!("× {} (excluded)", p.excluded_because)),
            _ => None,
        };
        if let Some(label) = note {
            entries.push(Entry {
                label,
                color: style::MUTED,
                mark: Mark::Note,
            });
        }
    }
    style::legend(&panel, "deployment", &entries)?;
    Ok(labels)
}

/// A deployment's marker of radius `r` at `c`: filled when it serves the workload and no
/// later point shares its place, a ring around the later ones when one does, crossed out when
/// it does not serve the workload.
fn draw_marker<DB: DrawingBackend>(
    root: &style::Area<DB>,
    p: &Point,
    c: (i32, i32),
    r: i32,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let color = palette::deployment_color(p.index);
    if p.serves {
        if r > RADIUS {
            root.draw(&Circle::new(c, r, WHITE.filled()))?;
            root.draw(&Circle::new(c, r, color.stroke_width(3)))?;
        } else {
            root.draw(&Circle::new(c, r, color.filled()))?;
        }
    } else {
        root.draw(&Circle::new(c, r, WHITE.filled()))?;
        root.draw(&Circle::new(c, r, color.stroke_width(2)))?;
        let d = r * 7 / 10;
        for (a, b) in [((-d, -d), (d, d)), ((-d, d), (d, -d))] {
            root.draw(&PathElement::new(
                vec![(c.0 + a.0, c.1 + a.1), (c.0 + b.0, c.1 + b.1)],
                color.stroke_width(2),
            ))?;
        }
    }
    Ok(())
}

/// One name per group of overlapping points ([`groups`]: `a, b`), in ink, beside the group's
/// first point within [`labels::MAX_DISTANCE`] ([`labels::place`]), clear of every marker
/// and earlier name where it can be, with a leader line when it had to move.
fn draw_labels<DB: DrawingBackend>(
    root: &style::Area<DB>,
    placed: &[&Point],
    centres: &[(i32, i32)],
    extras: &[i32],
    bounds: &Rect,
) -> Result<Vec<Placed>, Box<dyn std::error::Error + Send + Sync>>
where
    DB::ErrorType: 'static,
{
    let mut taken: Vec<Rect> = centres
        .iter()
        .zip(extras)
        .map(|(&c, &extra)| Rect::around(c, RADIUS + RING * extra + 1))
        .collect();
    let mut out = Vec::new();
    for group in groups(centres) {
        let text = group
            .iter()
            .map(|&i| point_label(placed[i]))
            .collect::<Vec<_>>()
            .join(", ");
        let radius = group
            .iter()
            .map(|&i| RADIUS + RING * extras[i])
            .max()
            .unwrap_or(RADIUS);
        let anchor = centres[group[0]];
        out.push(labels::draw(
            root, text, anchor, radius, bounds, &mut taken,
        )?);
    }
    Ok(out)
}

/// A tick value cleaned of the float noise of `10^log10(v)`: 3 significant digits.
fn round_tick(v: f64) -> f64 {
    if v == 0.0 || !v.is_finite() {
        return 0.0;
    }
    let scale = 10f64.powi(2 - v.abs().log10().floor() as i32);
    (v * scale).round() / scale
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_axis_is_logarithmic_when_its_values_span_more_than_ten_times() {
        let s = Scale::for_values(&[75.57, 265.05, 126.85], 0.15);
        assert!(!s.log && s.lo == 0.0);
        assert!((s.hi - 265.05 * 1.15).abs() < 1e-9);
        let s = Scale::for_values(&[257.7, 14_639.1], 0.15);
        // 14,639 / 257.7 = 56.8 > 10: log from nice_down(257.7 / 1.5 = 171.8) = 100 to
        // nice_up(14,639 x 1.5 = 21,959) = 50,000.
        assert_eq!((s.log, s.lo, s.hi), (true, 100.0, 50_000.0));
        assert!((s.pos(1_000.0) - 3.0).abs() < 1e-12);
        // A zero cost cannot go on a log axis.
        assert!(!Scale::for_values(&[0.0, 500.0], 0.15).log);
        assert_eq!(
            Scale::for_values(&[], 0.15),
            Scale {
                log: false,
                lo: 0.0,
                hi: 1.0
            }
        );
    }

    #[test]
    fn each_deployment_is_placed_at_its_cost_and_p99_with_failures_marked() {
        use crate::report::charts::pixels::{Image, PLOT};
        let run = crate::report::testutil::twins_run();
        let pts = points(&run);
        let [a, b, servers, capped] = &pts[..] else {
            panic!("four points")
        };
        assert_eq!((a.monthly_usd, a.p99_ms), (b.monthly_usd, b.p99_ms));
        assert!(a.serves && servers.serves && !capped.serves);
        assert!(capped.failed_share > 0.01, "{capped:?}");
        assert_eq!(
            a.p99_ms,
            run.deployments[0]
                .recorder
                .latency
                .quantile_us(0.99)
                .map(|us| us as f64 / 1e3)
        );
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cost_latency.png");
        CostLatencyChart.write(&run, &path).unwrap();
        let image = Image::read(&path);
        let at = |i| image.blob(style::color(i), PLOT).unwrap();
        // The fleet (with its fixed add-ons) costs several times the functions: right of them.
        assert!(servers.monthly_usd > 3.0 * a.monthly_usd);
        assert!(at(2).x > at(0).x + 100.0, "{:?} {:?}", at(2), at(0));
        // Both twins show: the earlier as a ring around the later.
        assert!(at(0).count > 60 && at(1).count > 60);
    }

    #[test]
    fn labels_say_what_failed() {
        let p = |serves, share| Point {
            index: 0,
            name: "lam".into(),
            monthly_usd: 1.0,
            p99_ms: Some(1.0),
            failed_share: share,
            serves,
            excluded_because: if serves {
                String::new()
            } else {
                format!("{:.1}% failed", share * 100.0)
            },
        };
        assert_eq!(point_label(&p(true, 0.0)), "lam");
        assert_eq!(point_label(&p(true, 0.004)), "lam (0.40% failed)");
        assert_eq!(
            point_label(&p(false, 0.352)),
            "lam (not compared: 35.2% failed)"
        );
        assert_eq!(round_tick(10f64.powf(2f64.log10())), 2.0);
        assert_eq!(round_tick(12_345.0), 12_300.0);
    }

    /// Ten deployments of one API, as a new user compared them (issue 20): the two Lambda
    /// architectures at the same place, a crowd of services near 150 ms, Heroku at 276 ms.
    fn ten_apis() -> Vec<Point> {
        let p = |index, name: &str, usd, p99| Point {
            index,
            name: name.into(),
            monthly_usd: usd,
            p99_ms: Some(p99),
            failed_share: 0.0,
            serves: true,
            excluded_because: String::new(),
        };
        vec![
            p(0, "lambda-x86", 41.0, 152.0),
            p(1, "lambda-arm", 41.0, 152.0),
            p(2, "azure-fn", 44.0, 158.0),
            p(3, "cloud-run-cpu-always", 63.0, 149.0),
            p(4, "cloud-run-request", 47.0, 161.0),
            p(5, "ec2-t4g-small", 58.0, 147.0),
            p(6, "fargate-0.5vcpu", 66.0, 151.0),
            p(7, "render-standard", 52.0, 155.0),
            p(8, "heroku-standard-2x", 55.0, 276.0),
            p(9, "supabase-free", 40.0, 150.5),
        ]
    }

    #[test]
    fn names_stay_beside_their_points_inside_the_image_and_group_coinciding_points() {
        use crate::report::charts::pixels::{Image, Region};
        let pts = ten_apis();
        let dir = tempfile::tempdir().unwrap();
        let path = std::env::var_os("CHART_EDGE_DIR")
            .map_or(dir.path().to_path_buf(), std::path::PathBuf::from)
            .join("ten-cost_latency.png");
        let mut drawn = Vec::new();
        style::render(&path, |root| {
            drawn = draw_points("ten", "730.5", &pts, root)?;
            Ok(())
        })
        .unwrap();
        let image = Image::read(&path);
        let whole = Rect {
            left: 0,
            top: 0,
            width: image.width as i32,
            height: image.height as i32,
        };
        // The twins share one name; lambda-x86 and supabase-free (150.5 ms, $40) are within a
        // marker's width of them too and join it.
        let texts: Vec<&str> = drawn.iter().map(|l| l.text.as_str()).collect();
        assert!(
            texts.contains(&"lambda-x86, lambda-arm, supabase-free"),
            "{texts:?}"
        );
        assert!(texts.contains(&"heroku-standard-2x"), "{texts:?}");
        let names: usize = texts.iter().map(|t| t.split(", ").count()).sum();
        assert_eq!(names, 10, "every deployment named once: {texts:?}");
        for (i, l) in drawn.iter().enumerate() {
            let d = l.rect.distance(l.anchor);
            assert!(d <= f64::from(labels::MAX_DISTANCE), "{l:?}: {d} px away");
            assert!(l.rect.inside(&whole), "{l:?} leaves the image");
            for other in &drawn[i + 1..] {
                assert_eq!(l.rect.overlap(&other.rect), 0, "{l:?} on {other:?}");
            }
            // The box holds the drawn text (dark pixels) and no colour swatch.
            let region = Region {
                x0: l.rect.left as u32,
                y0: l.rect.top as u32,
                x1: l.rect.right() as u32,
                y1: l.rect.bottom() as u32,
            };
            assert!(image.dark(region) > 20, "{l:?}: no text drawn there");
            for p in &pts {
                let n = image.count(style::color(p.index), region);
                assert!(n < 10, "{l:?}: {n} pixels of {}'s colour", p.name);
            }
        }
        // Heroku's name is level with its point at 276 ms, not down in the crowd.
        let heroku = drawn.iter().find(|l| l.text.starts_with("heroku")).unwrap();
        assert!(
            (heroku.rect.top..=heroku.rect.bottom()).contains(&heroku.anchor.1),
            "{heroku:?}"
        );
    }
}
