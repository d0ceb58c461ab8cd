//! Tests of what the sweep charts draw, on a sweep built by hand (no simulation): ten
//! deployments with 30-character names, two of them with identical costs, crossings placed
//! where they are known by construction, points where deployments do not serve the workload,
//! and an `slo`.

use super::breakeven::{BreakEven, Crossing};
use super::breakeven_chart::{self, numbered};
use super::chart_text::TextBox;
use super::serving::Boundary;
use super::values::parse_param;
use super::{DeploymentRuns, Figures, PointResult, SweepPlan, SweepResult, latency_chart};
use crate::report::charts::pixels::{Image, Region};
use crate::report::charts::style;
use crate::report::slo::{Objective, Percentile, Slo};

/// Loads swept, and the mean request rate at load 1.
const LOADS: [f64; 6] = [1.0, 2.0, 4.0, 8.0, 16.0, 32.0];
const RATE_AT_1: f64 = 0.035;

/// A 30-character name for deployment `d`.
fn name(d: usize) -> String {
    let n = format!("deployment-{d:02}-with-long-name-x");
    assert_eq!(n.len(), 30);
    n
}

/// Deployment `d`'s monthly cost at `load`: deployment 0 grows with the load (10 x load), the
/// others are flat at 20 x d, except deployment 9, identical to deployment 8. So deployment 0
/// crosses deployment d (1..=8) at load 2d, and deployment 9 where it crosses 8.
fn cost(d: usize, load: f64) -> f64 {
    match d {
        0 => 10.0 * load,
        9 => cost(8, load),
        _ => 20.0 * d as f64,
    }
}

/// p50 and p99 latency (ms): deployment d at 10 + d and 100 + 10 d, growing with the load for
/// deployment 3; deployment 9's are 8's.
fn latency(d: usize, load: f64) -> (f64, f64) {
    if d == 9 {
        return latency(8, load);
    }
    let grow = if d == 3 { load } else { 1.0 };
    ((10.0 + d as f64) * grow, (100.0 + 10.0 * d as f64) * grow)
}

fn figures(d: usize, load: f64) -> Figures {
    let (p50, p99) = latency(d, load);
    // Deployment 3 stops serving the workload above load 8.
    let serves = !(d == 3 && load > 8.0);
    Figures {
        monthly_cost_usd: cost(d, load),
        usd_per_million_requests: Some(1.0),
        cold_start_ratio: 0.0,
        failed_ratio: 0.0,
        latency_p50_ms: Some(p50),
        latency_p95_ms: Some(p99),
        latency_p99_ms: Some(p99),
        requests: 100,
        serves,
        not_served: (!serves).then(|| "overloaded".to_string()),
        summary: Vec::new(),
    }
}

fn ten() -> SweepResult {
    let points = LOADS
        .iter()
        .map(|&load| PointResult {
            values: vec![parse_param(&format!("load={load}")).unwrap().values[0].clone()],
            deployments: (0..10)
                .map(|d| DeploymentRuns {
                    name: name(d),
                    model: "fleet",
                    replications: vec![figures(d, load)],
                })
                .collect(),
            error: None,
            warnings: Vec::new(),
            requests_per_s: RATE_AT_1 * load,
        })
        .collect();
    SweepResult {
        scenario: "ten".into(),
        seed: 1,
        plan: SweepPlan {
            params: vec![parse_param("load=1,2,4,8,16,32").unwrap()],
            replications: 1,
            seed: None,
        },
        points,
        slo: Slo {
            overall: vec![Objective {
                percentile: Percentile::P99,
                limit: 300_000,
            }],
            ..Slo::default()
        },
    }
}

/// Deployment 0 crosses each flat deployment d at load 2d (1 to 8: loads 2 to 16), and 9
/// where it crosses 8; deployment 3 stops serving between 8 and 16.
fn found() -> BreakEven {
    let crossing = |d: usize| Crossing {
        deployment_a: name(0),
        deployment_b: name(d),
        crossing: 2.0 * if d == 9 { 8.0 } else { d as f64 },
        cheaper_below: name(0),
        cheaper_above: name(d),
    };
    BreakEven {
        crossings: (1..=9).map(crossing).collect(),
        boundaries: vec![Boundary {
            deployment: name(3),
            stops: true,
            serving: 8.0,
            not_serving: 16.0,
        }],
        failures: Vec::new(),
    }
}

/// A colour as the SVG writes it.
fn hex(c: plotters::style::RGBColor) -> String {
    format!("#{:02X}{:02X}{:02X}", c.0, c.1, c.2)
}

/// No box leaves the image, and no two overlap.
fn assert_laid_out(boxes: &[TextBox], (w, h): (u32, u32)) {
    for b in boxes {
        assert!(
            b.left >= 0 && b.top >= 0 && b.right() <= w as i32 && b.bottom() <= h as i32,
            "{b:?} leaves the {w}x{h} image"
        );
    }
    for (i, a) in boxes.iter().enumerate() {
        for b in &boxes[i + 1..] {
            assert!(!a.overlaps(b), "{a:?} overlaps {b:?}");
        }
    }
}

/// The legend's text (right of the plot), its lines joined without spaces.
fn legend_text(boxes: &[TextBox]) -> String {
    boxes
        .iter()
        .filter(|b| b.left >= 930 && b.top < 700)
        .map(|b| b.text.replace(' ', ""))
        .collect()
}

#[test]
fn ten_long_names_are_never_cut_and_no_text_overlaps() {
    let (result, found) = (ten(), found());
    let drawn = breakeven_chart::breakeven_svg_boxes(&result, &found).unwrap();
    let boxes = drawn.boxes;
    assert_laid_out(&boxes, drawn.size);
    let legend = legend_text(&boxes);
    for d in 0..10 {
        assert!(legend.contains(&name(d)), "{} cut: {legend}", name(d));
    }
    // The identical curves are one entry, `8 = 9`; 9 has no entry of its own.
    let merged = format!("{}={}", name(8), name(9));
    assert!(legend.contains(&merged), "{legend}");
    assert_eq!(legend.matches(&name(9)).count(), 1, "{legend}");
    // Every marker's number is on the plot once.
    let marks = numbered(&result, &found);
    for m in &marks {
        let on_plot = boxes
            .iter()
            .filter(|b| b.text == m.number.to_string() && b.left < 930 && b.bottom() < 700)
            .count();
        assert_eq!(on_plot, 1, "marker {}", m.number);
    }
}

#[test]
fn labels_of_crossings_at_one_point_do_not_overlap() {
    // Ten deployments whose costs all meet at load 8 ($80): 45 crossings at one point, each
    // its own marker (no two curves are identical).
    let mut result = ten();
    for p in &mut result.points {
        let load = p.values[0].number;
        for (d, runs) in p.deployments.iter_mut().enumerate() {
            runs.replications[0].monthly_cost_usd = 80.0 + d as f64 * (load - 8.0);
        }
    }
    let mut found = found();
    found.crossings = (0..10)
        .flat_map(|a| (a + 1..10).map(move |b| (a, b)))
        .map(|(a, b)| Crossing {
            deployment_a: name(a),
            deployment_b: name(b),
            crossing: 8.0,
            cheaper_below: name(b),
            cheaper_above: name(a),
        })
        .collect();
    assert_eq!(numbered(&result, &found).len(), 46);
    let drawn = breakeven_chart::breakeven_svg_boxes(&result, &found).unwrap();
    assert_laid_out(&drawn.boxes, drawn.size);
    for n in 1..=46 {
        let text = n.to_string();
        let on_plot = |b: &&TextBox| b.text == text && b.left < 930 && b.bottom() <= 700;
        assert_eq!(
            drawn.boxes.iter().filter(on_plot).count(),
            1,
            "{n} on the plot"
        );
        let listed = |b: &&TextBox| b.text == text && b.top >= 700;
        assert_eq!(
            drawn.boxes.iter().filter(listed).count(),
            1,
            "{n} in the table"
        );
    }
}

#[test]
fn each_crossing_has_one_marker_and_identical_curves_share_theirs() {
    let (result, found) = (ten(), found());
    let marks = numbered(&result, &found);
    // 0 crosses 1..=8 at loads 2, 4, ..., 16; its crossing with 9 is that with 8 (identical
    // curves), so it shares marker 8; deployment 3's stop (load 12) comes between 6 and 7.
    let values: Vec<(f64, bool)> = marks.iter().map(|m| (m.value, m.stop)).collect();
    let want: Vec<(f64, bool)> = [2.0, 4.0, 6.0, 8.0, 10.0, 12.0]
        .iter()
        .map(|&v| (v, false))
        .chain([(12.0, true)])
        .chain([14.0, 16.0].map(|v| (v, false)))
        .collect();
    assert_eq!(values, want);
    assert_eq!(marks[8].crossings, [7, 8], "8 and 9 share the last marker");
    let (crossings, boundaries) = breakeven_chart::marker_numbers(&result, &found);
    assert_eq!(crossings, [1, 2, 3, 4, 5, 6, 8, 9, 9]);
    assert_eq!(boundaries, [Some(7)]);
    // Drawn: one ink ring (radius 7) per crossing marker, and no full-height line.
    let svg = breakeven_chart::breakeven_svg(&result, &found).unwrap();
    let ink = hex(style::INK);
    let rings = svg
        .split("<circle")
        .skip(1)
        .map(|c| c.split("/>").next().unwrap())
        .filter(|c| c.contains("r=\"7\"") && c.to_uppercase().contains(&ink))
        .count();
    assert_eq!(rings, 8);
    // No grey dashed line per crossing (what the chart drew before): no muted 2-pixel stroke.
    let muted = hex(style::MUTED);
    let grey_dashes = svg
        .split("<polyline")
        .skip(1)
        .map(|e| e.split("/>").next().unwrap().to_uppercase())
        .filter(|e| e.contains(&muted) && e.contains("STROKE-WIDTH=\"2\""))
        .count();
    assert_eq!(grey_dashes, 0);
}

#[test]
fn the_x_axis_of_a_load_sweep_is_in_requests_per_second() {
    let result = ten();
    let axis = super::charts::XAxis::of(&result);
    assert_eq!(axis.desc, "requests/s (load 1 = 0.035/s)");
    // On the grid, between points and past them: 0.035/s per unit of load.
    for load in [1.0, 3.0, 12.0, 32.0, 64.0] {
        assert!((axis.at(load) - 0.035 * load).abs() < 1e-12, "{load}");
    }
    assert_eq!(axis.describe(12.0), "0.4200 requests/s (load 12.00)");
}

/// The part of the image left of the legend and above the table.
const PLOT: Region = Region {
    x0: 0,
    y0: 56,
    x1: 930,
    y1: 700,
};

#[test]
fn every_deployment_shows_in_its_colour_and_nothing_runs_off_the_image() {
    let (result, found) = (ten(), found());
    // CHART_EDGE_DIR keeps the images, to look at them.
    let tmp = tempfile::tempdir().unwrap();
    let dir = std::env::var_os("CHART_EDGE_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| tmp.path().to_path_buf());
    breakeven_chart::write_breakeven_png(&result, &found, &dir).unwrap();
    latency_chart::write_latency_png(&result, &dir).unwrap();
    for file in ["breakeven.png", "latency.png"] {
        let image = Image::read(&dir.join(file));
        assert!(!image.touches_edges(3), "{file} draws past its edges");
        for d in 0..10 {
            let n = image.count(style::color(d), PLOT);
            assert!(n >= 40, "{file}: deployment {d} shows {n} pixels");
        }
    }
}

#[test]
fn the_latency_chart_draws_p50_and_p99_of_each_deployment_and_the_slo() {
    let result = ten();
    let drawn = latency_chart::latency_svg_boxes(&result).unwrap();
    let (svg, boxes) = (drawn.svg, drawn.boxes);
    assert_laid_out(&boxes, drawn.size);
    // plotters writes a solid line as one polyline through its points, a dashed one as a
    // polyline per dash: (solid lines of 4 points or more, dashes of 2 or 3) of `width` in
    // `color`.
    let lines = |color: &str, width: u32| {
        let mut found = (0, 0);
        for e in svg.split("<polyline").skip(1) {
            let e = e.split("/>").next().unwrap().to_uppercase();
            if !(e.contains(color) && e.contains(&format!("STROKE-WIDTH=\"{width}\""))) {
                continue;
            }
            let points = e.split("POINTS=\"").nth(1).unwrap();
            let points = points.split('"').next().unwrap().split_whitespace().count();
            if points >= 4 {
                found.0 += 1;
            } else if points <= 3 {
                found.1 += 1;
            }
        }
        found
    };
    // Deployments 0-8 have a solid p50 line and a dashed p99 line; 9 (identical to 8) is one
    // legend entry with 8, dashed over 8's p50 line. Deployment 3 serves at loads 1 to 8 only: 4 points a line.
    for d in 0..9 {
        let (solid, dashes) = lines(&hex(style::color(d)), 3);
        assert_eq!(solid, 1, "deployment {d}: p50 lines");
        assert!(dashes >= 10, "deployment {d}: p99 dashes {dashes}");
    }
    assert!(
        lines(&hex(style::color(9)), 3).1 >= 10,
        "deployment 9 not drawn"
    );
    let legend = legend_text(&boxes);
    assert!(
        legend.contains(&format!("{}={}", name(8), name(9))),
        "{legend}"
    );
    assert_eq!(legend.matches(&name(9)).count(), 1, "{legend}");
    // The slo: a dotted ink line across the plot, named on it and in the legend.
    assert!(lines(&hex(style::INK), 2).1 >= 20, "no slo line");
    assert!(
        boxes
            .iter()
            .any(|b| b.text == "slo p99 300 ms" && b.left < 930)
    );
    assert!(legend_text(&boxes).contains("slo:p99atmost300ms"));
    // Deployment 3's points past load 8 are hollow rings, two per point (p50 and p99).
    let hollow = svg
        .split("<circle")
        .skip(1)
        .map(|c| c.split("/>").next().unwrap())
        .filter(|c| c.to_uppercase().contains(&hex(style::color(3))) && c.contains("fill=\"none\""))
        .count();
    assert_eq!(hollow, 4);
}
