//! `memory.png`, for a sweep over a function's `memory`: for each FaaS deployment (a fleet's
//! cost does not follow the function's memory) the cost per million requests (solid lines,
//! left axis) and the p95 latency (dashed lines, right axis) against memory.
//!
//! - The memory axis is logarithmic in base 2: each doubling is the same width, so 128 to
//!   256 MB is as wide as 1,024 to 2,048 MB. Its ticks are the swept values, then the powers
//!   of two in range where their labels fit ([`memory_ticks`]).
//! - Each deployment has its colour, its marker shape (circle, square, triangle, diamond, in
//!   the order of the FaaS deployments) and its dash pattern for the p95 line; earlier
//!   deployments are drawn wider and their markers larger, underneath, so two deployments
//!   with equal figures (an x86 and an Arm function of the same latency) both show.
//! - A point where the deployment does not serve the workload is a hollow marker, and the
//!   lines are broken there.
//! - The cheapest, fastest and balanced points ([`super::memory`]) are ringed in ink on the
//!   cost line and named beside the ring (`lambda-arm: cheapest 512 MB`; one name for the
//!   choices that fall on one point), placed as `cost_latency.png`'s names are
//!   ([`crate::report::charts::labels`]).

use std::error::Error;
use std::path::Path;

use plotters::prelude::*;

use super::SweepResult;
use super::charts::{CurvePoint, curve, not_serving_note, range, serving_runs};
use super::figures::Figure;
use super::memory::{memory_candidates, memory_choices};
use crate::error::SimError;
use crate::report::charts::labels::{self, Placed, Rect};
use crate::report::charts::style::{self, Entry, Mark};

pub const MEMORY_PNG: &str = "memory.png";

/// The marker shapes, in the order of the FaaS deployments, and their legend glyphs.
const SHAPES: [&str; 4] = ["●", "■", "▲", "◆"];
/// The dash patterns (dash, gap in pixels) of the p95 lines, in the same order.
const DASHES: [(u32, u32); 4] = [(12, 6), (5, 5), (18, 5), (3, 7)];
/// Room left of the smallest and right of the largest memory, in doublings.
const PAD: f64 = 0.4;
/// Radius of the ring around a chosen point, in pixels.
const RING: i32 = 12;

/// `memory.png` as SVG, for the HTML report.
///
/// # Errors
/// The chart cannot be drawn.
pub fn memory_svg(result: &SweepResult) -> Result<String, SimError> {
    style::render_svg(style::SIZE, |root| draw_memory(result, root).map(|_| ()))
}

/// Draws `memory.png` into `dir`.
///
/// # Errors
/// The chart cannot be drawn or written.
pub fn write_memory_png(result: &SweepResult, dir: &Path) -> Result<(), SimError> {
    style::render(&dir.join(MEMORY_PNG), |root| {
        draw_memory(result, root).map(|_| ())
    })
}

/// The memory axis's labelled ticks: every swept value, then each power of two in
/// `[lo, hi]`, kept only where its label clears those kept before it. `at` gives a value's
/// pixel, `width` its label's width in pixels.
pub fn memory_ticks(
    swept: &[f64],
    lo: f64,
    hi: f64,
    at: impl Fn(f64) -> i32,
    width: impl Fn(f64) -> i32,
) -> Vec<f64> {
    let powers = (lo.log2().ceil() as i32..=hi.log2().floor() as i32).map(|k| 2f64.powi(k));
    let mut kept: Vec<f64> = Vec::new();
    for v in swept.iter().copied().chain(powers) {
        let clear = kept
            .iter()
            .all(|&k| k != v && (at(k) - at(v)).abs() >= (width(k) + width(v)) / 2 + 8);
        if clear {
            kept.push(v);
        }
    }
    kept.sort_by(f64::total_cmp);
    kept
}

/// Where `memory.png` put its points and names, for tests: each FaaS deployment's (scenario
/// index, memory, pixel) of its cost points, and the names of its choices.
#[derive(Debug, Default)]
pub struct Drawn {
    pub cost_points: Vec<(usize, f64, (i32, i32))>,
    pub labels: Vec<Placed>,
}

fn draw_memory<DB: DrawingBackend>(
    result: &SweepResult,
    root: &style::Area<DB>,
) -> Result<Drawn, Box<dyn Error + Send + Sync>>
where
    DB::ErrorType: 'static,
{
    let param = &result.plan.params[0];
    let unit = param.unit();
    let title = format!(
        "{}: cost and p95 latency against {}",
        result.scenario, param.path
    );
    let (plot, panel) = style::layout(root, &title)?;
    let faas: Vec<usize> = result.points[0]
        .deployments
        .iter()
        .enumerate()
        .filter(|(_, d)| d.model == "faas")
        .map(|(i, _)| i)
        .collect();
    let costs: Vec<_> = faas
        .iter()
        .map(|&d| curve(&result.points, d, Figure::UsdPerMillionRequests))
        .collect();
    let p95s: Vec<_> = faas
        .iter()
        .map(|&d| curve(&result.points, d, Figure::LatencyP95))
        .collect();
    let memories: Vec<f64> = result
        .points
        .iter()
        .map(|p| p.values[0].number)
        .filter(|m| *m > 0.0)
        .collect();
    let lo = memories.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = memories.iter().copied().fold(0.0, f64::max);
    let (lo, hi) = if lo.is_finite() { (lo, hi) } else { (1.0, 2.0) };
    let x = (lo.log2() - PAD)..(hi.log2() + PAD);
    let y = range(costs.iter().flatten().map(|p| p.1).chain([0.0]), false).1 * 1.08;
    let y2 = range(p95s.iter().flatten().map(|p| p.1).chain([0.0]), false).1 * 1.08;
    // The p95 lines are drawn on the cost coordinates, scaled so y2 meets y.
    let to_cost = y / y2;
    let mut chart = ChartBuilder::on(&plot)
        .margin_top(10)
        .margin_left(20)
        .margin_right(10)
        .margin_bottom(10)
        .x_label_area_size(60)
        .y_label_area_size(100)
        .right_y_label_area_size(90)
        .build_cartesian_2d(x.clone(), 0.0..y)?
        .set_secondary_coord(x.clone(), 0.0..y2);
    chart
        .configure_mesh()
        .disable_x_mesh()
        .max_light_lines(1)
        .light_line_style(style::GRID_LIGHT)
        .bold_line_style(style::GRID_BOLD)
        .axis_style(style::INK)
        .x_labels(1)
        .x_label_formatter(&|_| String::new())
        .y_label_formatter(&|v| style::usd_tick(*v))
        .y_label_style(style::tick_font())
        .x_desc(format!(
            "{} ({unit}, log2 scale: each doubling as wide)",
            param.path
        ))
        .y_desc("USD per million requests (solid)")
        .axis_desc_style(style::axis_desc_font())
        .draw()?;
    chart
        .configure_secondary_axes()
        .axis_style(style::INK)
        .label_style(style::tick_font())
        .y_label_formatter(&|v| style::axis_number(*v))
        .y_desc("p95 latency, ms (dashed)")
        .axis_desc_style(style::axis_desc_font())
        .draw()?;
    let font = style::tick_font();
    let ticks = memory_ticks(
        &memories,
        2f64.powf(x.start),
        2f64.powf(x.end),
        |v| chart.backend_coord(&(v.log2(), 0.0)).0,
        |v| {
            root.estimate_text_size(&style::axis_number(v), &font)
                .map_or(40, |(w, _)| w as i32)
        },
    );
    let positions: Vec<f64> = ticks.iter().map(|v| v.log2()).collect();
    crate::report::charts::axes::draw_x_ticks(&mut chart, root, &positions, (0.0, y), &|v| {
        style::axis_number(2f64.powf(v).round())
    })?;

    let n = faas.len();
    let mut drawn = Drawn::default();
    let mut taken = Vec::new();
    for (k, &d) in faas.iter().enumerate() {
        let color = style::color(d);
        // Earlier deployments wider and larger, underneath the later ones.
        let under = (n - 1 - k).min(3) as i32;
        let width = 2 + 2 * under as u32;
        let size = 4 + 2 * under;
        let (dash, gap) = DASHES[k % DASHES.len()];
        let log = |p: &CurvePoint| p.0.log2();
        for run in serving_runs(&costs[k]) {
            chart.draw_series(LineSeries::new(
                run.iter().map(|p| (log(p), p.1)),
                color.stroke_width(width),
            ))?;
        }
        for run in serving_runs(&p95s[k]) {
            chart.draw_series(DashedLineSeries::new(
                run.iter().map(|p| (log(p), p.1 * to_cost)),
                dash,
                gap,
                color.stroke_width(width),
            ))?;
        }
        for (c, scale, small) in [(&costs[k], 1.0, false), (&p95s[k], to_cost, true)] {
            for p in c.iter().filter(|p| p.0 > 0.0) {
                let at = chart.backend_coord(&(log(p), p.1 * scale));
                let r = if small { size - 1 } else { size };
                draw_shape(root, k, at, r, color, p.3)?;
                taken.push(Rect::around(at, r + 1));
                if !small {
                    drawn.cost_points.push((d, p.0, at));
                }
            }
        }
    }
    let bounds = Rect::of_ranges(chart.plotting_area().get_pixel_range());
    // The rings first, so no name is put on another deployment's ring.
    let mut marks = Vec::new();
    for &d in &faas {
        let name = &result.points[0].deployments[d].name;
        let who = if n > 1 {
            format!("{}: ", style::shorten(name))
        } else {
            String::new()
        };
        for (memory, cost, whats) in choices(result, d) {
            let at = chart.backend_coord(&(memory.log2(), cost));
            root.draw(&Circle::new(at, RING, style::INK.stroke_width(2)))?;
            taken.push(Rect::around(at, RING + 1));
            let size = format!("{} {unit}", style::axis_number(memory));
            marks.push((at, format!("{who}{} {}", whats.join(", "), size.trim_end())));
        }
    }
    for (at, text) in marks {
        let placed = labels::draw(root, text, at, RING, &bounds, &mut taken)?;
        drawn.labels.push(placed);
    }
    let mut entries = Vec::new();
    for (k, &d) in faas.iter().enumerate() {
        let name = &result.points[0].deployments[d].name;
        entries.push(Entry {
            label: format!("{} {name}", SHAPES[k % SHAPES.len()]),
            color: style::color(d),
            mark: Mark::Line,
        });
        entries.push(Entry {
            label: "p95".into(),
            color: style::color(d),
            mark: Mark::Pattern(Some(DASHES[k % DASHES.len()])),
        });
    }
    entries.push(Entry {
        label: "ring: a chosen size".into(),
        color: style::MUTED,
        mark: Mark::Note,
    });
    entries.extend(not_serving_note(result));
    style::legend(&panel, "FaaS deployment", &entries)?;
    Ok(drawn)
}

/// The cheapest, fastest and balanced points of deployment `d`, one per point: (memory,
/// cost per million requests, the choices that fall on it).
fn choices(result: &SweepResult, d: usize) -> Vec<(f64, f64, Vec<&'static str>)> {
    let (indexes, cs, ls) = memory_candidates(result, d);
    let Some((cheapest, fastest, balanced)) = memory_choices(&cs, &ls) else {
        return Vec::new();
    };
    let mut marked: Vec<(f64, f64, Vec<&'static str>)> = Vec::new();
    for (i, what) in [
        (cheapest, "cheapest"),
        (fastest, "fastest"),
        (balanced, "balanced"),
    ] {
        let memory = result.points[indexes[i]].values[0].number;
        match marked.iter_mut().find(|m| m.0 == memory) {
            Some(m) => m.2.push(what),
            None => marked.push((memory, cs[i], vec![what])),
        }
    }
    marked
}

/// The marker of the `k`-th FaaS deployment, radius `r`, at `at`: filled where it serves the
/// workload, hollow where it does not.
fn draw_shape<DB: DrawingBackend>(
    root: &style::Area<DB>,
    k: usize,
    at: (i32, i32),
    r: i32,
    color: RGBColor,
    serves: bool,
) -> style::DrawResult
where
    DB::ErrorType: 'static,
{
    let (x, y) = at;
    let style = if serves {
        color.filled()
    } else {
        color.stroke_width(2)
    };
    let corners: Vec<(i32, i32)> = match k % SHAPES.len() {
        0 => {
            root.draw(&Circle::new(at, r, style))?;
            return Ok(());
        }
        1 => vec![
            (x - r, y - r),
            (x + r, y - r),
            (x + r, y + r),
            (x - r, y + r),
        ],
        2 => vec![(x, y - r - 2), (x + r + 2, y + r), (x - r - 2, y + r)],
        _ => vec![
            (x, y - r - 2),
            (x + r + 2, y),
            (x, y + r + 2),
            (x - r - 2, y),
        ],
    };
    if serves {
        root.draw(&Polygon::new(corners, style))?;
    } else {
        root.draw(&Polygon::new(corners.clone(), WHITE.filled()))?;
        let mut closed = corners.clone();
        closed.push(corners[0]);
        root.draw(&PathElement::new(closed, style))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::charts::pixels::{Image, PLOT};
    use crate::sweep::values::parse_param;
    use crate::sweep::{DeploymentRuns, Figures, PointResult, SweepPlan};

    /// One run's figures: `usd` per million requests and a p95 of `p95` ms.
    fn figures(usd: f64, p95: f64) -> Figures {
        Figures {
            monthly_cost_usd: usd,
            usd_per_million_requests: Some(usd),
            cold_start_ratio: 0.0,
            failed_ratio: 0.0,
            latency_p50_ms: Some(p95 / 2.0),
            latency_p95_ms: Some(p95),
            latency_p99_ms: Some(p95),
            requests: 1_000,
            serves: true,
            not_served: None,
            summary: Vec::new(),
        }
    }

    const SIZES: [f64; 5] = [128.0, 256.0, 512.0, 1024.0, 2048.0];
    const X86_USD: [f64; 5] = [10.0, 9.0, 9.5, 12.0, 20.0];
    const P95_MS: [f64; 5] = [800.0, 400.0, 200.0, 120.0, 118.0];

    /// A memory sweep of an x86 function, an Arm one costing `arm_share` of it with the same
    /// p95 at every size, and a fleet (which memory.png leaves out).
    fn sweep(arm_share: f64) -> SweepResult {
        let param =
            parse_param("workload.functions[0].memory=128MB,256MB,512MB,1024MB,2048MB").unwrap();
        let points = param
            .values
            .iter()
            .enumerate()
            .map(|(i, v)| {
                let runs = |name: &str, model, f| DeploymentRuns {
                    name: name.into(),
                    model,
                    replications: vec![f],
                };
                PointResult {
                    values: vec![v.clone()],
                    deployments: vec![
                        runs("x86", "faas", figures(X86_USD[i], P95_MS[i])),
                        runs("arm", "faas", figures(X86_USD[i] * arm_share, P95_MS[i])),
                        runs("vm", "fleet", figures(15.0, 50.0)),
                    ],
                    error: None,
                    warnings: Vec::new(),
                    requests_per_s: 1.0,
                }
            })
            .collect();
        SweepResult {
            scenario: "mem".into(),
            seed: 1,
            slo: Default::default(),
            plan: SweepPlan {
                params: vec![param],
                replications: 1,
                seed: None,
            },
            points,
        }
    }

    fn draw(result: &SweepResult, name: &str) -> (Image, Drawn) {
        let dir = tempfile::tempdir().unwrap();
        let path = std::env::var_os("CHART_EDGE_DIR")
            .map_or(dir.path().to_path_buf(), std::path::PathBuf::from)
            .join(name);
        let mut drawn = Drawn::default();
        style::render(&path, |root| {
            drawn = draw_memory(result, root)?;
            Ok(())
        })
        .unwrap();
        (Image::read(&path), drawn)
    }

    #[test]
    fn memory_is_placed_by_its_log2_each_doubling_as_wide() {
        let (image, drawn) = draw(&sweep(0.5), "memory-log2.png");
        let x: Vec<i32> = drawn
            .cost_points
            .iter()
            .filter(|p| p.0 == 0)
            .map(|p| {
                // The point is drawn where the layout says: its pixel is x86's colour.
                let (cx, cy) = p.2;
                assert_eq!(image.at(cx as u32, cy as u32), {
                    let c = style::color(0);
                    [c.0, c.1, c.2]
                });
                cx
            })
            .collect();
        assert_eq!(x.len(), SIZES.len());
        let steps: Vec<i32> = x.windows(2).map(|w| w[1] - w[0]).collect();
        // 128 to 256 MB as wide as 1,024 to 2,048 MB (and every doubling), to a pixel.
        assert!(steps.iter().all(|s| (s - steps[0]).abs() <= 1), "{steps:?}");
        // Not crammed: four doublings take most of the plot's 660 or so pixels.
        assert!(x[4] - x[0] > 450, "{x:?}");
        // The fleet has no curve.
        assert!(image.count(style::color(2), PLOT) < 20);
    }

    #[test]
    fn equal_deployments_both_show_and_the_choices_are_named_beside_their_points() {
        // x86 and Arm with the same costs and p95s: one line on top of the other.
        let (image, drawn) = draw(&sweep(1.0), "memory-twins.png");
        for d in [0, 1] {
            let n = image.count(style::color(d), PLOT);
            assert!(n > 1_500, "deployment {d}: {n} pixels");
        }
        // By hand: cheapest 256 MB ($9); fastest 2,048 MB (118 ms); balanced minimises
        // cost / 9 + p95 / 118: 128 MB 7.89, 256 MB 4.39, 512 MB 2.75, 1,024 MB 1.33 + 1.02
        // = 2.35, 2,048 MB 3.22: 1,024 MB. The same for both.
        let mut texts: Vec<&str> = drawn.labels.iter().map(|l| l.text.as_str()).collect();
        texts.sort_unstable();
        assert_eq!(
            texts,
            [
                "arm: balanced 1024 MB",
                "arm: cheapest 256 MB",
                "arm: fastest 2048 MB",
                "x86: balanced 1024 MB",
                "x86: cheapest 256 MB",
                "x86: fastest 2048 MB",
            ]
        );
        let whole = Rect {
            left: 0,
            top: 0,
            width: image.width as i32,
            height: image.height as i32,
        };
        for (i, l) in drawn.labels.iter().enumerate() {
            assert!(
                l.rect.distance(l.anchor) <= f64::from(labels::MAX_DISTANCE),
                "{l:?}"
            );
            assert!(l.rect.inside(&whole), "{l:?}");
            for other in &drawn.labels[i + 1..] {
                assert_eq!(l.rect.overlap(&other.rect), 0, "{l:?} on {other:?}");
            }
        }
    }

    #[test]
    fn ticks_are_the_swept_values_then_powers_of_two_that_fit() {
        // 100 px a doubling, labels 40 px wide, so ticks need 48 px between them: 2048 (a
        // power of two, not swept) is 21 px from the swept 1769 and gives way, 8192 is 32 px
        // from the swept 10240 and gives way too; 4096 fits.
        let at = |v: f64| (v.log2() * 100.0) as i32;
        let ticks = memory_ticks(&[128.0, 1769.0, 10240.0], 100.0, 12_000.0, at, |_| 40);
        assert_eq!(
            ticks,
            [128.0, 256.0, 512.0, 1024.0, 1769.0, 4096.0, 10240.0]
        );
    }
}
