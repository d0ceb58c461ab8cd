//! Log-scale axes drawn by hand: bounds rounded to "nice" values (1, 2 or 5 times a power of
//! ten), tick positions that never crowd (1-2-5 per decade while they fit, then powers of
//! ten, then every other power) and labels with units (`5 ms`, `2 s`). Plotters' own log
//! mesh repeats each power of ten among its key points and picks labels it cannot space, so
//! the charts with log axes draw theirs with [`super::axes`].

use super::style;

/// Most labelled ticks an axis gets.
pub const MAX_TICKS: usize = 12;

/// The largest value 1, 2 or 5 × 10^k at or below `v` (> 0).
pub fn nice_down(v: f64) -> f64 {
    let decade = 10f64.powf(v.log10().floor());
    [5.0, 2.0, 1.0]
        .into_iter()
        .map(|m| m * decade)
        .find(|&n| n <= v * (1.0 + 1e-9))
        .unwrap_or(decade)
}

/// The smallest value 1, 2 or 5 × 10^k at or above `v` (> 0).
pub fn nice_up(v: f64) -> f64 {
    let decade = 10f64.powf(v.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * decade)
        .find(|&n| n >= v * (1.0 - 1e-9))
        .unwrap_or(10.0 * decade)
}

/// The labelled ticks of a log axis over `[lo, hi]`: 1, 2 and 5 times each power of ten when
/// at most [`MAX_TICKS`] of them fall in the range, else the powers of ten, else every
/// `k`-th power (the smallest `k` that fits).
pub fn ticks(lo: f64, hi: f64) -> Vec<f64> {
    let within = |v: f64| v >= lo * (1.0 - 1e-9) && v <= hi * (1.0 + 1e-9);
    let first = lo.log10().floor() as i32;
    let last = hi.log10().ceil() as i32;
    let fine: Vec<f64> = (first..=last)
        .flat_map(|e| [1.0, 2.0, 5.0].map(|m| m * 10f64.powi(e)))
        .filter(|&v| within(v))
        .collect();
    if fine.len() <= MAX_TICKS {
        return fine;
    }
    let powers: Vec<f64> = (first..=last)
        .map(|e| 10f64.powi(e))
        .filter(|&v| within(v))
        .collect();
    let step = powers.len().div_ceil(MAX_TICKS).max(1);
    powers.into_iter().step_by(step).collect()
}

/// A latency in ms for a tick: `0.5 ms`, `20 ms`, `2 s`, `1000 s`.
pub fn ms_label(ms: f64) -> String {
    if ms >= 1_000.0 {
        format!("{} s", style::axis_number(ms / 1_000.0))
    } else {
        format!("{} ms", style::axis_number(ms))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: &[f64], b: &[f64]) -> bool {
        a.len() == b.len()
            && a.iter()
                .zip(b)
                .all(|(x, y)| (x - y).abs() <= 1e-9 * y.abs())
    }

    #[test]
    fn nice_values_are_one_two_five() {
        assert_eq!(nice_down(7.74), 5.0);
        assert_eq!(nice_down(6.667), 5.0);
        assert_eq!(nice_down(1.9), 1.0);
        assert_eq!(nice_down(200.0), 200.0);
        assert!((nice_down(0.03) - 0.02).abs() < 1e-12);
        assert_eq!(nice_up(9536.9), 10_000.0);
        assert_eq!(nice_up(402_290.0), 500_000.0);
        assert_eq!(nice_up(150.0), 200.0);
        assert_eq!(nice_up(100.0), 100.0);
    }

    #[test]
    fn ticks_thin_out_as_the_range_widens() {
        // 5 ms to 10 s: 5, 10, 20, 50, ..., 5000, 10000 = 11 ticks, 1-2-5.
        let t = ticks(5.0, 10_000.0);
        assert!(close(
            &t,
            &[
                5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1e3, 2e3, 5e3, 1e4
            ]
        ));
        // 1 ms to 500 s: 17 1-2-5 ticks is too many; the powers of ten are 1 .. 100000.
        assert!(close(&ticks(1.0, 5e5), &[1.0, 10.0, 100.0, 1e3, 1e4, 1e5]));
        // 1e-3 to 1e20: 24 powers, every other one.
        let t = ticks(1e-3, 1e20);
        assert_eq!(t.len(), 12);
        assert!((t[1] / t[0] - 100.0).abs() < 1e-6);
    }

    #[test]
    fn latency_labels_carry_their_unit() {
        assert_eq!(ms_label(0.5), "0.5 ms");
        assert_eq!(ms_label(20.0), "20 ms");
        assert_eq!(ms_label(2_000.0), "2 s");
        assert_eq!(ms_label(1e6), "1000 s");
    }
}
