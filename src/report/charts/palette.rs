//! Which colour and line pattern stands for what, the same in every chart.
//!
//! - A **deployment** is drawn in the colour and dash pattern of its index in the scenario
//!   ([`deployment_color`], [`deployment_dash`]), whatever chart it appears in and whichever
//!   other deployments the chart leaves out (the keep-alive chart shows only FaaS ones, yet a
//!   deployment keeps its colour there). Colours cycle after ten; the dash pattern changes with
//!   each cycle too, so deployment 0 and deployment 10 still differ.
//! - A **cost part** ([`crate::pricing::CostPart`]) is coloured by what it is, never by its
//!   position in a list: its shade is picked from one list of eighteen by a hash of its label
//!   ([`part_color`]), so `requests`, `GiB-seconds`, `db: firebase-firestore` or
//!   `fixed: load_balancer` look the same in every report, and a new kind of part needs no
//!   colour of its own. [`cost_colors`] only departs from that when two labels of one chart
//!   hash to the same shade: the later label (in the chart's sorted order) takes the next free
//!   shade, so no two parts of one chart (two databases among them) share a colour.
//!
//! Coinciding lines stay visible because every deployment after the first has a dash pattern
//! and series are drawn in scenario order: the gaps of a later (dashed) line show the earlier
//! line under it. [`same_as`] finds series that are exactly equal, for the legend's
//! `= other` note.

use std::error::Error;

use plotters::coord::CoordTranslate;
use plotters::element::DashedPathElement;
use plotters::prelude::*;

/// Ten distinct colours, in order (Tableau 10, the default categorical palette of Tableau
/// since 2016; also matplotlib's `tab10` family of hues).
const DEPLOYMENTS: [RGBColor; 10] = [
    RGBColor(0x4E, 0x79, 0xA7), // blue
    RGBColor(0xF2, 0x8E, 0x2B), // orange
    RGBColor(0xE1, 0x57, 0x59), // red
    RGBColor(0x59, 0xA1, 0x4F), // green
    RGBColor(0xB0, 0x7A, 0xA1), // purple
    RGBColor(0x76, 0xB7, 0xB2), // teal
    RGBColor(0xED, 0xC9, 0x48), // yellow
    RGBColor(0xFF, 0x9D, 0xA7), // pink
    RGBColor(0x9C, 0x75, 0x5F), // brown
    RGBColor(0xBA, 0xB0, 0xAC), // grey
];

/// Dash patterns (dash, gap in pixels) of deployments 1 to 9 of each cycle of ten colours:
/// all different, periods of at most 16 pixels (two whole periods in a legend sample), so
/// two of them drawn over the same line drift out of phase and both show.
const DASHES: [(u32, u32); 9] = [
    (10, 4),
    (5, 4),
    (2, 3),
    (7, 2),
    (3, 6),
    (12, 3),
    (1, 2),
    (6, 6),
    (4, 2),
];

/// The colour of the deployment at `index` in the scenario.
pub fn deployment_color(index: usize) -> RGBColor {
    DEPLOYMENTS[index % DEPLOYMENTS.len()]
}

/// The dash pattern (dash, gap in pixels) of the deployment at `index`; `None` (solid) for
/// the first deployment only, so a later line never hides an earlier one completely. Each
/// later cycle of ten colours shifts the patterns by one, so no two of the first ninety
/// deployments share both colour and pattern.
pub fn deployment_dash(index: usize) -> Option<(u32, u32)> {
    if index == 0 {
        return None;
    }
    Some(DASHES[(index - 1 + index / DEPLOYMENTS.len()) % DASHES.len()])
}

/// For each series, the index of the first earlier series exactly equal to it, if any
/// (empty series are never called equal: there is nothing drawn to hide).
pub fn same_as<T: PartialEq>(series: &[Vec<T>]) -> Vec<Option<usize>> {
    series
        .iter()
        .enumerate()
        .map(|(i, s)| {
            if s.is_empty() {
                return None;
            }
            series[..i].iter().position(|earlier| earlier == s)
        })
        .collect()
}

/// Draws `points` as the line of the deployment at `index` (its colour and dash pattern),
/// `width` pixels wide, clipped to the chart.
pub fn draw_deployment_line<DB: DrawingBackend, CT>(
    chart: &mut ChartContext<'_, DB, CT>,
    points: &[CT::From],
    index: usize,
    width: u32,
) -> Result<(), Box<dyn Error + Send + Sync>>
where
    DB::ErrorType: 'static,
    CT: CoordTranslate,
    CT::From: Clone + 'static,
{
    let style = deployment_color(index).stroke_width(width);
    match deployment_dash(index) {
        None => {
            chart.draw_series(std::iter::once(PathElement::new(points.to_vec(), style)))?;
        }
        Some((dash, gap)) => {
            chart.draw_series(std::iter::once(DashedPathElement::new(
                points.to_vec(),
                dash,
                gap,
                style,
            )))?;
        }
    }
    Ok(())
}

/// The shades cost parts take, in an order where neighbours differ in hue (a part whose
/// shade is taken moves to the next free one): blues, oranges, greens, violets, reds, teals,
/// earth tones and greys.
const PART_SHADES: [RGBColor; 18] = [
    RGBColor(0x4C, 0x72, 0xB0), // blue
    RGBColor(0xDD, 0x84, 0x52), // orange
    RGBColor(0x55, 0xA8, 0x68), // green
    RGBColor(0x81, 0x72, 0xB3), // violet
    RGBColor(0xC4, 0x4E, 0x52), // red
    RGBColor(0x2A, 0x9D, 0x8F), // teal
    RGBColor(0xCC, 0xB9, 0x74), // sand
    RGBColor(0xDA, 0x8B, 0xC3), // pink
    RGBColor(0x64, 0xB5, 0xCD), // light blue-cyan
    RGBColor(0x93, 0x78, 0x60), // brown
    RGBColor(0x5A, 0x3E, 0x85), // dark violet
    RGBColor(0x8C, 0x8C, 0x3F), // olive
    RGBColor(0xA3, 0x4D, 0x8C), // magenta
    RGBColor(0x6F, 0xC2, 0xB0), // light teal
    RGBColor(0xB5, 0x65, 0x1D), // rust
    RGBColor(0x5F, 0x6B, 0x6D), // slate
    RGBColor(0xE0, 0xA4, 0x6E), // light orange
    RGBColor(0x7F, 0x7F, 0x7F), // grey
];

/// FNV-1a, 64 bits: a hash that is the same on every platform and in every release (the
/// standard library's is not promised to be).
fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The own shade of the cost part labelled `label` (see the module docs).
pub fn part_color(label: &str) -> RGBColor {
    PART_SHADES[(fnv1a(label) % PART_SHADES.len() as u64) as usize]
}

/// The colours of the cost parts labelled `labels` in one chart: each part's own
/// [`part_color`], except that a part whose shade an earlier part already took gets the
/// next free shade (while one is free), so no two parts of one chart share a colour.
pub fn cost_colors(labels: &[&str]) -> Vec<RGBColor> {
    let mut taken: Vec<RGBColor> = Vec::with_capacity(labels.len());
    for label in labels {
        let own = part_color(label);
        let start = PART_SHADES.iter().position(|&c| c == own).unwrap_or(0);
        let color = (0..PART_SHADES.len())
            .map(|k| PART_SHADES[(start + k) % PART_SHADES.len()])
            .find(|c| !taken.contains(c))
            .unwrap_or(own);
        taken.push(color);
    }
    taken
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_deployment_s_look_depends_on_its_index_only() {
        assert_eq!(deployment_color(0), RGBColor(0x4E, 0x79, 0xA7));
        assert_eq!(deployment_color(12), deployment_color(2));
        assert_eq!(deployment_dash(0), None);
        assert!((1..200).all(|i| deployment_dash(i).is_some()));
        // Every pair among the first ninety differs in colour or pattern.
        for a in 0..90 {
            for b in a + 1..90 {
                assert!(
                    deployment_color(a) != deployment_color(b)
                        || deployment_dash(a) != deployment_dash(b),
                    "{a} and {b} look the same"
                );
            }
        }
    }

    #[test]
    fn a_cost_part_s_colour_follows_its_label_not_its_position() {
        let lists = [
            vec!["requests", "db: firebase-firestore", "fixed: load_balancer"],
            vec!["fixed: load_balancer", "db: firebase-firestore"],
        ];
        let colors: Vec<Vec<RGBColor>> = lists.iter().map(|l| cost_colors(l)).collect();
        assert_eq!(colors[0][1], colors[1][1]);
        assert_eq!(colors[0][2], colors[1][0]);
        assert_eq!(colors[0][0], part_color("requests"));
        // The shade is the label's FNV-1a hash modulo the number of shades.
        let own = PART_SHADES[(fnv1a("db: supabase") % 18) as usize];
        assert_eq!(part_color("db: supabase"), own);
    }

    #[test]
    fn labels_of_one_chart_never_share_a_shade() {
        // Nineteen labels for eighteen shades: the first eighteen all differ, the last repeats
        // one of them.
        let names: Vec<String> = (0..19).map(|i| format!("db: product-{i}")).collect();
        let labels: Vec<&str> = names.iter().map(String::as_str).collect();
        let colors = cost_colors(&labels);
        for a in 0..18 {
            for b in a + 1..18 {
                assert_ne!(colors[a], colors[b], "{a} {b}");
            }
        }
        assert!(PART_SHADES.contains(&colors[18]));
    }

    #[test]
    fn the_shades_are_all_different() {
        for (a, shade) in PART_SHADES.iter().enumerate() {
            assert!(!PART_SHADES[a + 1..].contains(shade), "shade {a} repeats");
        }
    }

    #[test]
    fn the_hash_is_fnv1a() {
        // Published FNV-1a 64 test vectors.
        assert_eq!(fnv1a(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a("a"), 0xaf63_dc4c_8601_ec8c);
    }

    #[test]
    fn equal_series_point_to_the_first_of_them() {
        let s = vec![vec![1, 2], vec![3], vec![1, 2], vec![], vec![], vec![3]];
        assert_eq!(same_as(&s), [None, None, Some(0), None, None, Some(1)]);
    }
}
