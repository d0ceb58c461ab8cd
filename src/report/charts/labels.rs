//! Where a chart's annotation labels go (the names in `cost_latency.png`, the cheapest /
//! fastest / balanced marks in a sweep's `memory.png`): beside the point they name, never
//! farther from it than [`MAX_DISTANCE`] pixels, inside the plot, and clear of the boxes
//! already taken (markers and earlier labels) where such a place exists.
//!
//! The places tried, nearest first: right of the point, left of it, above right, below
//! right, above left, below left, above, below; each at the marker's clearance, then
//! [`STEP`] pixels farther at a time up to [`MAX_DISTANCE`]. The first place inside the plot
//! that overlaps nothing taken wins; when none does, the place inside the plot overlapping
//! the least (the nearest on a tie), so a crowded label may sit on another but never far from
//! its point. A label that is not right beside its point gets a leader line ([`leader`]).
//! [`draw`] does all of it: measures the text, places it, draws the line and the text.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::style;

/// A box of pixels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rect {
    pub left: i32,
    pub top: i32,
    pub width: i32,
    pub height: i32,
}

impl Rect {
    /// The box of half-size `r` around `centre`.
    pub fn around(centre: (i32, i32), r: i32) -> Self {
        Self {
            left: centre.0 - r,
            top: centre.1 - r,
            width: 2 * r,
            height: 2 * r,
        }
    }

    /// The box of a plot's pixel ranges (`plotting_area().get_pixel_range()`).
    pub fn of_ranges((xs, ys): (std::ops::Range<i32>, std::ops::Range<i32>)) -> Self {
        Self {
            left: xs.start,
            top: ys.start,
            width: xs.end - xs.start,
            height: ys.end - ys.start,
        }
    }

    pub fn right(&self) -> i32 {
        self.left + self.width
    }

    pub fn bottom(&self) -> i32 {
        self.top + self.height
    }

    /// The area both boxes cover, in square pixels.
    pub fn overlap(&self, other: &Rect) -> i64 {
        let w = self.right().min(other.right()) - self.left.max(other.left);
        let h = self.bottom().min(other.bottom()) - self.top.max(other.top);
        if w > 0 && h > 0 {
            i64::from(w) * i64::from(h)
        } else {
            0
        }
    }

    /// Whether the box lies wholly within `outer`.
    pub fn inside(&self, outer: &Rect) -> bool {
        self.left >= outer.left
            && self.top >= outer.top
            && self.right() <= outer.right()
            && self.bottom() <= outer.bottom()
    }

    /// The point of the box nearest to `p` (`p` itself when inside).
    pub fn nearest(&self, p: (i32, i32)) -> (i32, i32) {
        (
            p.0.clamp(self.left, self.right()),
            p.1.clamp(self.top, self.bottom()),
        )
    }

    /// How far `p` is from the box, in pixels (0 inside it).
    pub fn distance(&self, p: (i32, i32)) -> f64 {
        let q = self.nearest(p);
        f64::from(q.0 - p.0).hypot(f64::from(q.1 - p.1))
    }
}

/// A label as drawn: its text, the point it names (pixels) and its box.
#[derive(Clone, Debug, PartialEq)]
pub struct Placed {
    pub text: String,
    pub anchor: (i32, i32),
    pub rect: Rect,
}

/// The farthest a label's box may be from its point, in pixels.
pub const MAX_DISTANCE: i32 = 48;
/// How much farther each further try is, in pixels.
pub const STEP: i32 = 6;

/// The box of a `size` (width, height) label for the point at `anchor`, whose marker keeps
/// `clearance` pixels around it clear, inside `bounds`, avoiding `taken` (see the module
/// docs).
pub fn place(
    anchor: (i32, i32),
    size: (i32, i32),
    clearance: i32,
    bounds: &Rect,
    taken: &[Rect],
) -> Rect {
    let (x, y) = anchor;
    let (w, h) = size;
    let mut candidates = Vec::new();
    let mut d = clearance;
    while d <= MAX_DISTANCE.max(clearance) {
        // A diagonal place `d` away puts the box's near corner `d` away from the point.
        let diag = (f64::from(d) / std::f64::consts::SQRT_2).round() as i32;
        for (left, top) in [
            (x + d, y - h / 2),
            (x - d - w, y - h / 2),
            (x + diag, y - diag - h),
            (x + diag, y + diag),
            (x - diag - w, y - diag - h),
            (x - diag - w, y + diag),
            (x - w / 2, y - d - h),
            (x - w / 2, y + d),
        ] {
            candidates.push(Rect {
                left,
                top,
                width: w,
                height: h,
            });
        }
        d += STEP;
    }
    let inside: Vec<&Rect> = candidates.iter().filter(|r| r.inside(bounds)).collect();
    let crowding = |r: &Rect| taken.iter().map(|t| t.overlap(r)).sum::<i64>();
    if let Some(free) = inside.iter().find(|r| crowding(r) == 0) {
        return **free;
    }
    if let Some(least) = inside.iter().min_by_key(|r| crowding(r)) {
        return **least;
    }
    // No place holds the label inside the plot (wider than the plot's free side): right of
    // the point, pushed back inside as far as it goes.
    let left = (x + clearance)
        .min(bounds.right() - w)
        .max(bounds.left)
        .max(x - clearance - w);
    let top = (y - h / 2).clamp(bounds.top, (bounds.bottom() - h).max(bounds.top));
    Rect {
        left,
        top,
        width: w,
        height: h,
    }
}

/// The leader line from a marker of radius `radius` at `anchor` to `label`, when the label
/// is more than `clearance` pixels away (it was moved off its usual place); `None` when it sits
/// beside its point.
pub fn leader(
    anchor: (i32, i32),
    radius: i32,
    clearance: i32,
    label: &Rect,
) -> Option<[(i32, i32); 2]> {
    if label.distance(anchor) <= f64::from(clearance) + 0.5 {
        return None;
    }
    let to = label.nearest(anchor);
    let (dx, dy) = (f64::from(to.0 - anchor.0), f64::from(to.1 - anchor.1));
    let len = dx.hypot(dy);
    let from = (
        anchor.0 + (dx / len * f64::from(radius)).round() as i32,
        anchor.1 + (dy / len * f64::from(radius)).round() as i32,
    );
    Some([from, to])
}

/// Draws `text` in ink for the point at `anchor` whose marker has radius `radius`: placed
/// ([`place`]) inside `bounds` and clear of `taken` where it can be, with a leader line when
/// it had to move; its box is added to `taken`.
///
/// # Errors
/// The text cannot be measured or drawn.
pub fn draw<DB: DrawingBackend>(
    root: &style::Area<DB>,
    text: String,
    anchor: (i32, i32),
    radius: i32,
    bounds: &Rect,
    taken: &mut Vec<Rect>,
) -> Result<Placed, Box<dyn std::error::Error + Send + Sync>>
where
    DB::ErrorType: 'static,
{
    let font = style::label_font().pos(Pos::new(HPos::Left, VPos::Center));
    let (w, h) = root.estimate_text_size(&text, &font)?;
    let clearance = radius + 5;
    let rect = place(anchor, (w as i32, h as i32 + 2), clearance, bounds, taken);
    if let Some(line) = leader(anchor, radius, clearance, &rect) {
        root.draw(&PathElement::new(
            line.to_vec(),
            style::MUTED.stroke_width(1),
        ))?;
    }
    root.draw_text(&text, &font, (rect.left, rect.top + rect.height / 2))?;
    taken.push(rect);
    Ok(Placed { text, anchor, rect })
}

#[cfg(test)]
mod tests {
    use super::*;

    const PLOT: Rect = Rect {
        left: 100,
        top: 50,
        width: 800,
        height: 500,
    };

    #[test]
    fn a_free_label_sits_right_of_its_point() {
        let r = place((300, 300), (80, 16), 12, &PLOT, &[]);
        assert_eq!(
            r,
            Rect {
                left: 312,
                top: 292,
                width: 80,
                height: 16
            }
        );
        assert_eq!(r.distance((300, 300)), 12.0);
        assert_eq!(leader((300, 300), 7, 12, &r), None);
    }

    #[test]
    fn near_the_right_edge_a_label_goes_left() {
        // 850 + 12 + 80 = 942 > 900: left of the point, 850 - 12 - 80 = 758.
        let r = place((850, 300), (80, 16), 12, &PLOT, &[]);
        assert_eq!((r.left, r.top), (758, 292));
    }

    #[test]
    fn a_crowded_label_moves_but_never_beyond_the_bound() {
        // Every place is taken near the point: the label overlaps as little as it can and
        // stays within MAX_DISTANCE of the point.
        let wall = Rect {
            left: 0,
            top: 0,
            width: 2000,
            height: 2000,
        };
        let r = place((300, 300), (80, 16), 12, &PLOT, &[wall]);
        assert!(r.distance((300, 300)) <= f64::from(MAX_DISTANCE), "{r:?}");
        assert!(r.inside(&PLOT));
        // The right side taken (by an earlier label): the label goes left, beside the point.
        let earlier = Rect {
            left: 312,
            top: 280,
            width: 100,
            height: 40,
        };
        let r = place((300, 300), (80, 16), 12, &PLOT, &[earlier]);
        assert_eq!((r.left, r.top), (300 - 12 - 80, 292));
        // Both sides taken from 20 px above the point to 20 px below: the diagonal places
        // overlap them up to 24 px out (a 24 / √2 = 17 px diagonal still reaches 283 > 280),
        // so the label goes straight above, its bottom 24 px over the point: 300 - 24 - 16.
        let left = Rect {
            left: 150,
            top: 280,
            width: 138,
            height: 40,
        };
        let r = place((300, 300), (80, 16), 12, &PLOT, &[earlier, left]);
        assert_eq!((r.left, r.top), (300 - 40, 260));
        assert_eq!(r.overlap(&earlier) + r.overlap(&left), 0);
    }

    #[test]
    fn moved_labels_get_a_leader_line_from_the_marker_edge() {
        // A label 30 px right of the point: a line from the marker's edge (7 px right) to
        // the label's nearest point.
        let r = Rect {
            left: 330,
            top: 292,
            width: 80,
            height: 16,
        };
        assert_eq!(
            leader((300, 300), 7, 12, &r),
            Some([(307, 300), (330, 300)])
        );
    }

    #[test]
    fn boxes_measure_overlap_and_distance() {
        let a = Rect {
            left: 0,
            top: 0,
            width: 10,
            height: 10,
        };
        let b = Rect {
            left: 5,
            top: 5,
            width: 10,
            height: 10,
        };
        assert_eq!(a.overlap(&b), 25);
        assert_eq!(a.overlap(&Rect { left: 10, ..a }), 0);
        assert_eq!(a.distance((13, 14)), 5.0);
        assert_eq!(a.distance((3, 3)), 0.0);
    }
}
