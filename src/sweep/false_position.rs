//! Where a crossing's refinement tries next: false position, Illinois variant, with a
//! bisection safeguard ([`super::breakeven`] runs it, [`super::rounds`] makes its runs).
//!
//! A crossing's bracket has two ends, each a parameter value and the cost difference of the
//! two deployments there, of opposite signs. **False position** tries the value where the
//! straight line through the two ends crosses zero. Monthly costs are nearly straight lines
//! in the load over a bracket, so that value lands close to the crossing, and a few steps
//! narrow the bracket to [`super::breakeven::REL_TOLERANCE`] where halving it needs a dozen.
//!
//! - **Illinois rule**: when the same end has stayed put for two steps running, its
//!   difference is halved for the interpolation (again at each further step it stays), so the
//!   next value falls on its side and the bracket closes from both ends. Plain false position
//!   can keep one end for ever on a curved difference.
//! - **Never at an end**: a value closer to an end than half the tolerance is moved to that
//!   distance inside, so the step either moves that end or leaves a bracket narrow enough to
//!   stop.
//! - **Safeguard**: when the last three steps together have not halved the bracket's width
//!   (measured in log space for a sweep over decades, as the bisection halves it), the next
//!   step bisects. A jagged or stepped difference (a fleet's instance count, simulation noise
//!   at fine scales) then costs at most about twice the bisection's steps.
//!
//! Only the value tried changes: each step still moves the end of the same sign, and the
//! crossing is still read off the final bracket by linear interpolation.

use super::breakeven::REL_TOLERANCE;

/// The steps a crossing's refinement is expected to take, for the progress display
/// ([`super::refine_budget`]): the mean over the 23 crossings of the ten-deployment benchmark
/// sweep (`benches/scenarios/ten-deployments.toml`, two hours, `load=0.25..4:log7`) was 5.8,
/// most taking 3 and a few, on jagged differences, 13 or more.
pub const EXPECTED_STEPS: u64 = 6;

/// What the next step tries.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Target {
    /// The false-position value.
    Interpolated(f64),
    /// The bracket's middle (the safeguard, or a bracket false position cannot place).
    Midpoint,
}

/// The state of one crossing's false-position refinement.
#[derive(Clone, Debug)]
pub struct FalsePosition {
    /// The differences at the `lo` and `hi` ends used for the interpolation (the true ones,
    /// halved by the Illinois rule while an end stays put).
    weights: (f64, f64),
    /// Which end the last step moved (`true`: `hi`); `None` before the first step.
    last_moved: Option<bool>,
    /// The bracket's width before each step so far, newest last.
    widths: Vec<f64>,
    log: bool,
}

impl FalsePosition {
    /// The refinement of a bracket whose ends have differences `lo_diff` and `hi_diff`; `log`
    /// when the sweep spans decades.
    pub fn new(lo_diff: f64, hi_diff: f64, log: bool) -> Self {
        Self {
            weights: (lo_diff, hi_diff),
            last_moved: None,
            widths: Vec::new(),
            log,
        }
    }

    /// The value to try next inside the bracket whose ends are the values `lo` and `hi`.
    pub fn target(&self, lo: f64, hi: f64) -> Target {
        let n = self.widths.len();
        if n >= 3 && self.width(lo, hi) > 0.5 * self.widths[n - 3] {
            return Target::Midpoint;
        }
        let (wl, wh) = self.weights;
        let opposite = wl * wh < 0.0;
        if !opposite || !wl.is_finite() || !wh.is_finite() {
            return Target::Midpoint;
        }
        let x = lo + (hi - lo) * wl / (wl - wh);
        if !x.is_finite() {
            return Target::Midpoint;
        }
        let (min, max) = (lo.min(hi), lo.max(hi));
        let margin = 0.5 * REL_TOLERANCE * min.abs().max(max.abs());
        if max - min <= 2.0 * margin {
            return Target::Midpoint;
        }
        Target::Interpolated(x.clamp(min + margin, max - margin))
    }

    /// Records a step that moved the `hi` end (`moved_hi`) or the `lo` end to a value whose
    /// difference is `diff`, from a bracket `lo`..`hi` (before the move).
    pub fn moved(&mut self, moved_hi: bool, diff: f64, lo: f64, hi: f64) {
        self.widths.push(self.width(lo, hi));
        let stayed_twice = self.last_moved == Some(moved_hi);
        if moved_hi {
            self.weights.1 = diff;
            if stayed_twice {
                self.weights.0 *= 0.5;
            }
        } else {
            self.weights.0 = diff;
            if stayed_twice {
                self.weights.1 *= 0.5;
            }
        }
        self.last_moved = Some(moved_hi);
    }

    /// The bracket's width, in log space for a sweep over decades.
    fn width(&self, lo: f64, hi: f64) -> f64 {
        if self.log && lo > 0.0 && hi > 0.0 {
            (hi / lo).ln().abs()
        } else {
            (hi - lo).abs()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs the rule on `f` from the bracket (lo, hi) until it is narrower than the
    /// tolerance or a value gives exactly zero; returns the steps taken and the final
    /// bracket.
    fn solve(f: impl Fn(f64) -> f64, mut lo: f64, mut hi: f64, log: bool) -> (usize, f64, f64) {
        let mut rule = FalsePosition::new(f(lo), f(hi), log);
        let mut steps = 0;
        while (hi - lo).abs() > REL_TOLERANCE * hi.abs().max(lo.abs()) {
            let x = match rule.target(lo, hi) {
                Target::Interpolated(x) => x,
                Target::Midpoint if log => (lo * hi).sqrt(),
                Target::Midpoint => 0.5 * (lo + hi),
            };
            assert!(x > lo.min(hi) && x < lo.max(hi), "{x} outside {lo}..{hi}");
            let d = f(x);
            steps += 1;
            if d == 0.0 {
                // Exactly on the crossing: the search stops there (as the crossing's does).
                return (steps, x, x);
            }
            let moved_hi = d * f(lo) <= 0.0;
            rule.moved(moved_hi, d, lo, hi);
            if moved_hi {
                hi = x;
            } else {
                lo = x;
            }
            assert!(steps < 60, "no convergence");
        }
        (steps, lo, hi)
    }

    #[test]
    fn a_straight_difference_is_found_in_two_steps() {
        // Zero at 1.3: the first value lands on it to rounding, the second closes the bracket.
        let (steps, lo, hi) = solve(|x| 2.0 * (x - 1.3), 1.0, 1.6, false);
        assert!(steps <= 2, "{steps} steps");
        assert!(lo.min(hi) <= 1.3 && lo.max(hi) >= 1.3);
    }

    #[test]
    fn a_curved_difference_closes_from_both_ends() {
        // Convex, zero at sqrt(2): plain false position keeps the upper end for ever; the
        // Illinois rule halves its weight. Bisection from 1..2 needs 13 steps.
        let (steps, lo, hi) = solve(|x| x * x * x * x - 4.0, 1.0, 2.0, false);
        assert!(steps <= 8, "{steps} steps");
        let root = 2f64.sqrt();
        assert!(lo.min(hi) <= root && lo.max(hi) >= root, "{lo}..{hi}");
    }

    #[test]
    fn a_step_difference_falls_back_to_halving() {
        // A jump from -1 to +1 at 2.7 (a fleet adding an instance): no slope to follow. The
        // bracket 1..4 must reach 1e-4 x 2.7 wide: 14 halvings; the rule may take at most
        // twice that.
        let (steps, lo, hi) = solve(|x| if x < 2.7 { -1.0 } else { 1.0 }, 1.0, 4.0, true);
        assert!(steps <= 28, "{steps} steps");
        assert!(lo.min(hi) <= 2.7 && lo.max(hi) >= 2.7, "{lo}..{hi}");
    }

    #[test]
    fn a_crossing_next_to_an_end_is_reached() {
        // Zero just above the lower end: values are kept half a tolerance inside.
        let (steps, lo, hi) = solve(|x| x - 1.00001, 1.0, 3.0, false);
        assert!(steps <= 4, "{steps} steps");
        assert!(lo.min(hi) <= 1.00001 && lo.max(hi) >= 1.00001);
    }

    #[test]
    fn the_illinois_rule_halves_an_end_that_stays() {
        let mut rule = FalsePosition::new(-4.0, 8.0, false);
        // Interpolation: 0 + 3 x 4/12 = 1.
        assert_eq!(rule.target(0.0, 3.0), Target::Interpolated(1.0));
        rule.moved(false, -2.0, 0.0, 3.0);
        // lo moved once: no halving yet; 1 + 2 x 2/10 = 1.4.
        assert_eq!(rule.target(1.0, 3.0), Target::Interpolated(1.4));
        rule.moved(false, -1.0, 1.0, 3.0);
        // lo moved twice running: hi's 8 counts as 4; 1.4 + 1.6 x 1/5 = 1.72.
        match rule.target(1.4, 3.0) {
            Target::Interpolated(x) => assert!((x - 1.72).abs() < 1e-12, "{x}"),
            t => panic!("{t:?}"),
        }
    }
}
